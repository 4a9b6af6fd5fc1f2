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

}  // namespace hub

#endif  // HUB_HUB_STATUS_UTIL_H_
