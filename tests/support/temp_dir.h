// A fresh temporary directory per test, removed afterwards.
#ifndef HUB_TESTS_SUPPORT_TEMP_DIR_H_
#define HUB_TESTS_SUPPORT_TEMP_DIR_H_

#include <string>

namespace hub {
namespace testing_support {

// Creates a unique directory under the test temp dir; removes it (with its
// contents) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace testing_support
}  // namespace hub

#endif  // HUB_TESTS_SUPPORT_TEMP_DIR_H_
