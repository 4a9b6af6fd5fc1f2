#include "tools/hubctl/health_command.h"

#include <string>

#include "grpc/health/v1/health.grpc.pb.h"
#include "tools/hubctl/exit_codes.h"

namespace hubctl {

int Health(const CommandContext& ctx, std::string_view service) {
  using grpc::health::v1::HealthCheckResponse;
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(std::string(service));
  HealthCheckResponse response;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status = grpc::health::v1::Health::NewStub(ctx.channel)
                            ->Check(&context, request, &response);
  if (!status.ok()) return ReportRpcError(ctx, status);
  const int rc = Emit(ctx, response, [&](std::ostream& o) {
    o << HealthCheckResponse::ServingStatus_Name(response.status()) << '\n';
  });
  if (rc != kExitOk) return rc;
  return response.status() == HealthCheckResponse::SERVING ? kExitOk
                                                           : kExitUnavailable;
}

}  // namespace hubctl
