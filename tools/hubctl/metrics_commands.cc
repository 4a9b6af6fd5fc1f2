#include "tools/hubctl/metrics_commands.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "hub/v1/metrics_service.grpc.pb.h"
#include "tools/hubctl/customer_value_view.h"
#include "tools/hubctl/exit_codes.h"
#include "tools/hubctl/format.h"
#include "tools/hubctl/funnel_svg.h"
#include "tools/hubctl/metrics_view.h"
#include "tools/hubctl/names.h"
#include "tools/hubctl/paging.h"
#include "tools/hubctl/stage_metrics_view.h"
#include "tools/hubctl/table.h"

namespace hubctl {
namespace {

using hub::v1::MetricsService;

int WriteSvg(const CommandContext& ctx, const std::string& path,
             const std::string& svg) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (file) file << svg;
  if (file) file.close();
  if (!file) {
    *ctx.err << "hubctl: --svg: cannot write " << EscapeForTerminal(path)
             << ": " << std::strerror(errno) << '\n';
    return kExitFailure;
  }
  *ctx.err << "wrote " << EscapeForTerminal(path) << '\n';
  return kExitOk;
}

}  // namespace

int Stages(const CommandContext& ctx, std::string_view name,
           std::string_view as_of) {
  absl::StatusOr<std::string> parent = ParseProfileOrAccountName(name);
  if (!parent.ok()) return ReportUsageError(ctx, parent.status());
  hub::v1::ListStageTransitionsRequest request;
  request.set_parent(*parent);
  if (!as_of.empty()) {
    absl::StatusOr<absl::Time> t = ParseTimeFlag(as_of);
    if (!t.ok()) {
      return ReportUsageError(ctx, absl::InvalidArgumentError(absl::StrCat(
                                       "--as-of: ", t.status().message())));
    }
    *request.mutable_as_of() = ToTimestamp(*t);
  }
  auto stub = MetricsService::NewStub(ctx.channel);
  hub::v1::ListStageTransitionsResponse response;
  ListOptions every_page;
  every_page.all = true;
  grpc::Status status =
      FetchPages(ctx, every_page, request, &response,
                 [&](grpc::ClientContext* c, const auto& req, auto* resp) {
                   return stub->ListStageTransitions(c, req, resp);
                 });
  if (!status.ok()) return ReportRpcError(ctx, status);
  if (response.parent() != *parent) {
    *ctx.err << "hubctl: " << *parent << " was merged into "
             << EscapeForTerminal(response.parent())
             << "; showing its stages\n";
  }
  const std::string as_of_text =
      request.has_as_of() ? FormatTimestamp(request.as_of()) : "now";
  return Emit(ctx, response, [&](std::ostream& o) {
    PrintStageHistory(response, as_of_text, o);
  });
}

int MetricsFunnel(const CommandContext& ctx, const FunnelFlags& flags) {
  absl::StatusOr<hub::v1::GetFunnelRequest> request = BuildFunnelRequest(flags);
  if (!request.ok()) return ReportUsageError(ctx, request.status());
  hub::v1::Funnel funnel;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status = MetricsService::NewStub(ctx.channel)
                            ->GetFunnel(&context, *request, &funnel);
  if (!status.ok()) return ReportRpcError(ctx, status);
  const int rc =
      Emit(ctx, funnel, [&](std::ostream& o) { PrintFunnel(funnel, o); });
  if (rc != kExitOk || flags.svg_path.empty()) return rc;
  return WriteSvg(ctx, flags.svg_path, FunnelSvg(funnel));
}

int MetricsStage(const CommandContext& ctx, const StageMetricsFlags& flags) {
  absl::StatusOr<hub::v1::GetStageMetricsRequest> request =
      BuildStageMetricsRequest(flags);
  if (!request.ok()) return ReportUsageError(ctx, request.status());
  hub::v1::StageMetrics metrics;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status = MetricsService::NewStub(ctx.channel)
                            ->GetStageMetrics(&context, *request, &metrics);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, metrics,
              [&](std::ostream& o) { PrintStageMetrics(metrics, o); });
}

int MetricsValue(const CommandContext& ctx, const CustomerValueFlags& flags) {
  absl::StatusOr<hub::v1::GetCustomerValueRequest> request =
      BuildCustomerValueRequest(flags);
  if (!request.ok()) return ReportUsageError(ctx, request.status());
  hub::v1::CustomerValue value;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status = MetricsService::NewStub(ctx.channel)
                            ->GetCustomerValue(&context, *request, &value);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, value,
              [&](std::ostream& o) { PrintCustomerValue(value, o); });
}

}  // namespace hubctl
