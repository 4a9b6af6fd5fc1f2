#include "tools/hubctl/exit_codes.h"

#include <iterator>

namespace hubctl {

ExitCode ExitCodeFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return kExitOk;
    case grpc::StatusCode::NOT_FOUND:
      return kExitNotFound;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::ALREADY_EXISTS:
      return kExitRejected;
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      return kExitDenied;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return kExitUnavailable;
    default:
      return kExitFailure;
  }
}

std::string StatusCodeName(grpc::StatusCode code) {
  static constexpr const char* kNames[] = {
      "OK",
      "CANCELLED",
      "UNKNOWN",
      "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED",
      "NOT_FOUND",
      "ALREADY_EXISTS",
      "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION",
      "ABORTED",
      "OUT_OF_RANGE",
      "UNIMPLEMENTED",
      "INTERNAL",
      "UNAVAILABLE",
      "DATA_LOSS",
      "UNAUTHENTICATED",
  };
  const int n = static_cast<int>(code);
  if (n >= 0 && n < static_cast<int>(std::size(kNames))) return kNames[n];
  return "CODE(" + std::to_string(n) + ")";
}

const char* ExitCodeHelp() {
  return "Exit codes:\n"
         "  0  OK\n"
         "  1  internal, unknown or other error\n"
         "  2  usage error (bad flags, unknown command, malformed name)\n"
         "  3  NOT_FOUND\n"
         "  4  INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, "
         "ALREADY_EXISTS\n"
         "  5  UNAUTHENTICATED, PERMISSION_DENIED\n"
         "  6  UNAVAILABLE, DEADLINE_EXCEEDED (server not reachable), "
         "health NOT_SERVING\n"
         "  7  sync job finished FAILED (sync run --wait)\n";
}

}  // namespace hubctl
