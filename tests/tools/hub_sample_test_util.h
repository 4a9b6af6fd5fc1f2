// Helpers for tests that run the hub-sample binary.
#ifndef HUB_TESTS_TOOLS_HUB_SAMPLE_TEST_UTIL_H_
#define HUB_TESTS_TOOLS_HUB_SAMPLE_TEST_UTIL_H_

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "gtest/gtest.h"
#include "tests/tools/export_reader.h"

namespace hub::sample::testing {

// The folder under the test temp dir that holds this process's outputs
// (ctest may run several test processes at once).
inline std::string ProcessDir() {
  return ::testing::TempDir() + "hub_sample_test_" + std::to_string(::getpid());
}

// A fresh (removed, not created) folder for one test's output.
inline std::string FreshDir(const std::string& name) {
  const std::string dir = ProcessDir() + "/" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(ProcessDir());
  return dir;
}

// Removes this process's outputs when the test program ends.
class CleanupEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { std::filesystem::remove_all(ProcessDir()); }
};

// Runs `hub-sample <args>`; returns its exit code and its stderr text.
inline int RunHubSample(const std::string& args,
                        std::string* stderr_text = nullptr) {
  std::filesystem::create_directories(ProcessDir());
  const std::string err = ProcessDir() + "/stderr.txt";
  const std::string command =
      std::string(HUB_SAMPLE_BINARY) + " " + args + " 2>" + err + " >/dev/null";
  const int status = std::system(command.c_str());
  if (stderr_text != nullptr) *stderr_text = ReadFile(err);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Every regular file under `dir`: relative path -> contents.
inline std::map<std::string, std::string> ReadTree(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      files[std::filesystem::relative(entry.path(), dir).string()] =
          ReadFile(entry.path().string());
    }
  }
  return files;
}

}  // namespace hub::sample::testing

#endif  // HUB_TESTS_TOOLS_HUB_SAMPLE_TEST_UTIL_H_
