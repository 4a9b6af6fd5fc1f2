#include "tools/hubctl/command_context.h"

#include <chrono>

#include "absl/status/statusor.h"
#include "tools/hubctl/exit_codes.h"
#include "tools/hubctl/format.h"

namespace hubctl {

void PrepareCall(const CommandContext& ctx, grpc::ClientContext* call, bool long_running) {
  call->set_deadline(std::chrono::system_clock::now() +
                     absl::ToChronoMilliseconds(long_running ? ctx.long_timeout : ctx.timeout));
  if (!ctx.token.empty()) {
    call->AddMetadata("authorization", "Bearer " + ctx.token);
  }
}

int ReportRpcError(const CommandContext& ctx, const grpc::Status& status) {
  std::ostream& err = *ctx.err;
  err << "hubctl: " << StatusCodeName(status.error_code()) << ": "
      << status.error_message() << '\n';
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      err << "hubctl: is hubd running and reachable at " << ctx.server
          << "? (--server, HUB_SERVER)\n";
      if (!ctx.request_id.empty()) {
        err << "hubctl: the request may or may not have been applied; hubd applies a "
               "request id at most once, so retry with --request-id "
            << ctx.request_id << "\n";
      }
      break;
    case grpc::StatusCode::UNAUTHENTICATED:
      if (ctx.token.empty())
        err << "hubctl: no token: pass --token or set HUB_TOKEN\n";
      break;
    default:
      break;
  }
  return ExitCodeFor(status.error_code());
}

int ReportUsageError(const CommandContext& ctx, const absl::Status& status) {
  *ctx.err << "hubctl: " << status.message() << '\n';
  return kExitUsage;
}

int Emit(const CommandContext& ctx, const google::protobuf::Message& message,
         const std::function<void(std::ostream&)>& print_table) {
  if (ctx.output == OutputFormat::kTable) {
    print_table(*ctx.out);
    ctx.out->flush();
    return kExitOk;
  }
  absl::StatusOr<std::string> json = ToJson(message);
  if (!json.ok()) {
    *ctx.err << "hubctl: INTERNAL: " << json.status().message() << '\n';
    return kExitFailure;
  }
  *ctx.out << *json << std::flush;
  return kExitOk;
}

int EmitPage(const CommandContext& ctx, const google::protobuf::Message& page,
             const std::string& next_page_token,
             const std::function<void(std::ostream&)>& print_table) {
  const int rc = Emit(ctx, page, print_table);
  if (rc == kExitOk && ctx.output == OutputFormat::kTable && !next_page_token.empty()) {
    *ctx.err << "hubctl: more results: --page-token " << next_page_token << " (or --all)\n";
  }
  return rc;
}

}  // namespace hubctl
