#include "tools/hubctl/exit_codes.h"

#include <gtest/gtest.h>

#include <string>

namespace hubctl {
namespace {

struct CodeCase {
  grpc::StatusCode code;
  const char* name;
  int exit_code;
};

constexpr CodeCase kCases[] = {
    {grpc::StatusCode::OK, "OK", 0},
    {grpc::StatusCode::CANCELLED, "CANCELLED", 1},
    {grpc::StatusCode::UNKNOWN, "UNKNOWN", 1},
    {grpc::StatusCode::INVALID_ARGUMENT, "INVALID_ARGUMENT", 4},
    {grpc::StatusCode::DEADLINE_EXCEEDED, "DEADLINE_EXCEEDED", 6},
    {grpc::StatusCode::NOT_FOUND, "NOT_FOUND", 3},
    {grpc::StatusCode::ALREADY_EXISTS, "ALREADY_EXISTS", 4},
    {grpc::StatusCode::PERMISSION_DENIED, "PERMISSION_DENIED", 5},
    {grpc::StatusCode::RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED", 1},
    {grpc::StatusCode::FAILED_PRECONDITION, "FAILED_PRECONDITION", 4},
    {grpc::StatusCode::ABORTED, "ABORTED", 1},
    {grpc::StatusCode::OUT_OF_RANGE, "OUT_OF_RANGE", 4},
    {grpc::StatusCode::UNIMPLEMENTED, "UNIMPLEMENTED", 1},
    {grpc::StatusCode::INTERNAL, "INTERNAL", 1},
    {grpc::StatusCode::UNAVAILABLE, "UNAVAILABLE", 6},
    {grpc::StatusCode::DATA_LOSS, "DATA_LOSS", 1},
    {grpc::StatusCode::UNAUTHENTICATED, "UNAUTHENTICATED", 5},
};

TEST(ExitCodesTest, EveryStatusCodeMapsToItsDocumentedExitCode) {
  for (const CodeCase& c : kCases) {
    EXPECT_EQ(ExitCodeFor(c.code), c.exit_code) << c.name;
  }
}

TEST(ExitCodesTest, TableCoversEveryCanonicalCode) {
  ASSERT_EQ(std::size(kCases), 17u);
  for (size_t i = 0; i < std::size(kCases); ++i) {
    EXPECT_EQ(static_cast<size_t>(kCases[i].code), i);
  }
}

TEST(ExitCodesTest, EveryStatusCodeHasItsCanonicalName) {
  for (const CodeCase& c : kCases) EXPECT_EQ(StatusCodeName(c.code), c.name);
}

TEST(ExitCodesTest, NonCanonicalCodeIsOtherFailureAndNamedByNumber) {
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::DO_NOT_USE), 1);
  EXPECT_EQ(ExitCodeFor(static_cast<grpc::StatusCode>(42)), 1);
  EXPECT_EQ(StatusCodeName(static_cast<grpc::StatusCode>(42)), "CODE(42)");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::DO_NOT_USE), "CODE(-1)");
}

TEST(ExitCodesTest, HelpFooterListsEveryExitCode) {
  const std::string help = ExitCodeHelp();
  for (const char* line :
       {"  0  OK\n", "  1  internal", "  2  usage error", "  3  NOT_FOUND\n",
        "  4  INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, "
        "ALREADY_EXISTS\n",
        "  5  UNAUTHENTICATED, PERMISSION_DENIED\n",
        "  6  UNAVAILABLE, DEADLINE_EXCEEDED",
        "  7  sync job finished FAILED"}) {
    EXPECT_NE(help.find(line), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace hubctl
