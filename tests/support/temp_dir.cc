#include "tests/support/temp_dir.h"

#include <stdlib.h>

#include <filesystem>

#include "gtest/gtest.h"

namespace hub {
namespace testing_support {

TempDir::TempDir() {
  std::string tmpl = ::testing::TempDir() + "hubtest-XXXXXX";
  char* made = mkdtemp(tmpl.data());
  path_ = made != nullptr ? made : tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace testing_support
}  // namespace hub
