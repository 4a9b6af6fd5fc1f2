// hubctl's process exit codes and their mapping from gRPC status codes.
#ifndef HUB_TOOLS_HUBCTL_EXIT_CODES_H_
#define HUB_TOOLS_HUBCTL_EXIT_CODES_H_

#include <grpcpp/support/status.h>

#include <string>

namespace hubctl {

// What hubctl's exit status means. Scripts may rely on these values; never
// renumber them.
//
//   0  OK
//   1  INTERNAL, UNKNOWN and any other failure not listed below
//   2  usage error: bad flags, unknown command, malformed name or id
//   3  NOT_FOUND
//   4  INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, ALREADY_EXISTS
//   5  UNAUTHENTICATED, PERMISSION_DENIED
//   6  UNAVAILABLE, DEADLINE_EXCEEDED (server not reachable or not serving;
//      also `health` when the server answers NOT_SERVING)
//   7  a sync job awaited with `sync run --wait` finished FAILED
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,
  kExitUsage = 2,
  kExitNotFound = 3,
  kExitRejected = 4,
  kExitDenied = 5,
  kExitUnavailable = 6,
  kExitSyncFailed = 7,
};

// Returns the exit code for a call that ended with `code`. Codes outside the
// canonical set map to kExitFailure.
ExitCode ExitCodeFor(grpc::StatusCode code);

// Returns the canonical upper-case name of `code` ("NOT_FOUND"), or
// "CODE(<n>)" for a value outside the canonical set.
std::string StatusCodeName(grpc::StatusCode code);

// The exit-code table as printed in the `hubctl --help` footer.
const char* ExitCodeHelp();

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_EXIT_CODES_H_
