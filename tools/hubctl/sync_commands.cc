#include "tools/hubctl/sync_commands.h"

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "hub/v1/sync_service.grpc.pb.h"
#include "tools/hubctl/exit_codes.h"
#include "tools/hubctl/names.h"
#include "tools/hubctl/progress.h"
#include "tools/hubctl/sync_view.h"

namespace hubctl {
namespace {

using hub::v1::SyncJob;
using hub::v1::SyncService;

std::unique_ptr<SyncService::Stub> NewStub(const CommandContext& ctx) {
  return SyncService::NewStub(ctx.channel);
}

bool IsFinished(const SyncJob& job) {
  return job.state() == SyncJob::SUCCEEDED || job.state() == SyncJob::FAILED ||
         job.state() == SyncJob::CANCELLED;
}

grpc::Status GetJob(const CommandContext& ctx, SyncService::Stub& stub,
                    const std::string& name, SyncJob* job) {
  hub::v1::GetSyncJobRequest request;
  request.set_name(name);
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  return stub.GetSyncJob(&context, request, job);
}

// Polls `job` until it finishes, drawing progress on ctx.err.
grpc::Status AwaitJob(const CommandContext& ctx, SyncService::Stub& stub,
                      SyncJob* job) {
  SyncProgress progress(ctx.err, ctx.err_is_tty, ctx.progress_interval,
                        ctx.err_columns);
  while (!IsFinished(*job)) {
    progress.Update(*job, absl::Now());
    absl::SleepFor(ctx.poll_interval);
    SyncJob next;
    grpc::Status status = GetJob(ctx, stub, job->name(), &next);
    if (!status.ok()) {
      progress.Interrupt();
      return status;
    }
    *job = std::move(next);
  }
  progress.Finish(*job);
  return grpc::Status::OK;
}

int EmitJob(const CommandContext& ctx, const SyncJob& job) {
  return Emit(ctx, job, [&](std::ostream& o) { PrintSyncJob(job, o); });
}

}  // namespace

// Parses a positive duration ("15m", "1h30m") into `out`.
static absl::Status ParseDurationFlag(const char* flag, const std::string& text,
                                      google::protobuf::Duration* out) {
  absl::Duration d;
  if (!absl::ParseDuration(text, &d) || d <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, ": \"", text, "\" is not a positive duration such as 15m or 1h30m"));
  }
  const int64_t nanos = absl::ToInt64Nanoseconds(d);
  out->set_seconds(nanos / 1000000000);
  out->set_nanos(static_cast<int32_t>(nanos % 1000000000));
  return absl::OkStatus();
}

int SourcesCreate(const CommandContext& ctx, std::string_view source_id,
                  const SourceFlags& flags) {
  absl::StatusOr<std::string> id = ParseSourceId(source_id);
  if (!id.ok()) return ReportUsageError(ctx, id.status());
  hub::v1::CreateSourceRequest request;
  request.set_source_id(*id);
  hub::v1::Source* s = request.mutable_source();
  s->set_kind(flags.kind);
  s->set_path(flags.path);
  s->set_base_url(flags.base_url);
  s->set_auth_email(flags.auth_email);
  s->set_token_env(flags.token_env);
  s->set_token_file(flags.token_file);
  s->set_ca_file(flags.ca_file);
  s->set_export_mode(flags.export_mode);
  s->set_auth_scheme(flags.auth_scheme);
  for (const std::string& list : flags.list_ids) s->add_list_ids(list);
  s->set_max_requests(flags.max_requests);
  if (!flags.sync_interval.empty()) {
    absl::Status parsed =
        ParseDurationFlag("--sync-interval", flags.sync_interval, s->mutable_sync_interval());
    if (!parsed.ok()) return ReportUsageError(ctx, parsed);
  }
  if (!flags.sync_timeout.empty()) {
    absl::Status parsed =
        ParseDurationFlag("--sync-timeout", flags.sync_timeout, s->mutable_sync_timeout());
    if (!parsed.ok()) return ReportUsageError(ctx, parsed);
  }
  hub::v1::Source source;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status = NewStub(ctx)->CreateSource(&context, request, &source);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, source, [&](std::ostream& o) { PrintSource(source, o); });
}

int SourcesGet(const CommandContext& ctx, std::string_view source_arg) {
  absl::StatusOr<std::string> name = ParseSourceName(source_arg);
  if (!name.ok()) return ReportUsageError(ctx, name.status());
  hub::v1::GetSourceRequest request;
  request.set_name(*name);
  hub::v1::Source source;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status = NewStub(ctx)->GetSource(&context, request, &source);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, source, [&](std::ostream& o) { PrintSource(source, o); });
}

int SourcesList(const CommandContext& ctx) {
  hub::v1::ListSourcesResponse response;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status = NewStub(ctx)->ListSources(
      &context, hub::v1::ListSourcesRequest(), &response);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, response,
              [&](std::ostream& o) { PrintSourceList(response, o); });
}

int SyncRun(const CommandContext& ctx, std::string_view source,
            const SyncRunOptions& options) {
  absl::StatusOr<std::string> name = ParseSourceName(source);
  if (!name.ok()) return ReportUsageError(ctx, name.status());
  auto stub = NewStub(ctx);
  hub::v1::RunSyncRequest request;
  request.set_name(*name);
  request.set_full_resync(options.full);
  SyncJob job;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status = stub->RunSync(&context, request, &job);
  if (status.ok() && options.wait) status = AwaitJob(ctx, *stub, &job);
  if (!status.ok()) return ReportRpcError(ctx, status);
  const int rc = EmitJob(ctx, job);
  if (options.wait && job.state() == SyncJob::FAILED) {
    *ctx.err << "hubctl: sync job " << job.name() << " FAILED: " << job.error()
             << '\n';
    return kExitSyncFailed;
  }
  return rc;
}

int SyncStatus(const CommandContext& ctx, std::string_view job_name) {
  absl::StatusOr<std::string> name = ParseSyncJobName(job_name);
  if (!name.ok()) return ReportUsageError(ctx, name.status());
  SyncJob job;
  grpc::Status status = GetJob(ctx, *NewStub(ctx), *name, &job);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return EmitJob(ctx, job);
}

int SyncCancel(const CommandContext& ctx, std::string_view job_name, bool wait) {
  absl::StatusOr<std::string> name = ParseSyncJobName(job_name);
  if (!name.ok()) return ReportUsageError(ctx, name.status());
  auto stub = NewStub(ctx);
  hub::v1::CancelSyncJobRequest request;
  request.set_name(*name);
  SyncJob job;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status = stub->CancelSyncJob(&context, request, &job);
  if (status.ok() && wait) status = AwaitJob(ctx, *stub, &job);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return EmitJob(ctx, job);
}

int SyncList(const CommandContext& ctx, std::string_view source) {
  absl::StatusOr<std::string> parent = ParseSourceName(source);
  if (!parent.ok()) return ReportUsageError(ctx, parent.status());
  hub::v1::ListSyncJobsRequest request;
  request.set_parent(*parent);
  hub::v1::ListSyncJobsResponse response;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status =
      NewStub(ctx)->ListSyncJobs(&context, request, &response);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, response,
              [&](std::ostream& o) { PrintSyncJobList(response, o); });
}

}  // namespace hubctl
