// The one place where absl::Status becomes grpc::Status.
#ifndef HUB_HUB_STATUS_UTIL_H_
#define HUB_HUB_STATUS_UTIL_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"

namespace hub {

// Maps an absl::Status to the grpc::Status with the same canonical code and
// message (abseil's codes are gRPC's codes). INTERNAL, DATA_LOSS and UNKNOWN
// keep their code but get a generic message; the detail is logged.
grpc::Status ToGrpcStatus(const absl::Status& status);

// OK while the call is live; DEADLINE_EXCEEDED once its deadline has passed;
// CANCELLED once the client cancelled it or went away. Long handlers check
// it before each unit of work (a transaction, a page, a scan), so that a
// dead call stops between units and never leaves one half done.
absl::Status CallAlive(const grpc::ServerContextBase& context);

}  // namespace hub

#endif  // HUB_HUB_STATUS_UTIL_H_
