#include "hub/status_util.h"

#include <chrono>
#include <string>

#include "hub/log.h"

namespace hub {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  switch (status.code()) {
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnknown:
      // Details (SQL, file paths) go to the log, not to callers.
      LogJson("error", "request failed", {{"status", status.ToString()}});
      return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                          "internal error; the hubd log has the details");
    default:
      return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                          std::string(status.message()));
  }
}

absl::Status CallAlive(const grpc::ServerContextBase& context) {
  if (context.deadline() <= std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError("the call's deadline passed; nothing more was done");
  }
  if (context.IsCancelled()) {
    return absl::CancelledError("the call was cancelled; nothing more was done");
  }
  return absl::OkStatus();
}

}  // namespace hub
