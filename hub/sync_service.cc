#include "hub/sync_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "hub/api_util.h"
#include "hub/permissions.h"
#include "hub/status_util.h"
#include "profile/base/status_macros.h"
#include "profile/base/time_util.h"

namespace hub {
namespace {

using IngestStream = grpc::ServerReaderWriter<hub::v1::IngestRecordsResponse,
                                              hub::v1::IngestRecordsRequest>;

// Checks one stream message: its source is `*id` (set by the first).
absl::Status CheckPage(const hub::v1::IngestRecordsRequest& page,
                       std::string* id) {
  HUB_ASSIGN_OR_RETURN(std::string source, ParseSourceName(page.source(), "source"));
  if (!id->empty() && source != *id) {
    return absl::InvalidArgumentError(absl::StrCat(
        "source: \"", page.source(), "\" differs from the stream's sources/", *id));
  }
  if (page.cursor().empty()) {
    return absl::InvalidArgumentError("cursor: required in every message");
  }
  *id = std::move(source);
  return absl::OkStatus();
}

// Commits each page of `stream`, starting with `page`, as one remote job of
// source `id`, and acknowledges each after its commit.
absl::Status IngestPages(grpc::ServerContext* context, IngestStream* stream,
                         hub::v1::IngestRecordsRequest page, std::string id,
                         SyncRunner* runner) {
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<RemoteJob> job, runner->BeginRemote(id));
  absl::Status status;
  do {
    // Pages committed so far stand with their cursor; hub-sync resumes there.
    status = CallAlive(*context);
    if (!status.ok()) break;
    status = CheckPage(page, &id);
    if (!status.ok()) break;
    std::vector<hub::v1::SourceRecord> records(
        std::make_move_iterator(page.mutable_records()->begin()),
        std::make_move_iterator(page.mutable_records()->end()));
    absl::StatusOr<hub::v1::SyncJob> committed = job->Commit(std::move(records), page.cursor());
    if (!committed.ok()) {
      status = committed.status();
      break;
    }
    hub::v1::IngestRecordsResponse ack;
    ack.set_cursor(page.cursor());
    *ack.mutable_sync_job() = *std::move(committed);
    if (!stream->Write(ack)) {
      // The page is committed; only its acknowledgement is lost, and the
      // next hub-sync reads the cursor the commit saved.
      status = absl::UnavailableError(
          "hub-sync disconnected before a page's acknowledgement; the page is committed: "
          "resume from the cursor");
      break;
    }
  } while (stream->Read(&page));
  if (status.ok() && context->IsCancelled()) {
    status = absl::UnavailableError("hub-sync disconnected mid-stream; resume from the cursor");
  }
  job->End(status);
  return status;
}

}  // namespace

absl::StatusOr<absl::Duration> SyncIntervalOf(const hub::v1::Source& source) {
  if (!source.has_sync_interval()) return absl::ZeroDuration();
  const google::protobuf::Duration& d = source.sync_interval();
  const bool valid = d.seconds() >= 0 && d.nanos() >= 0 && d.nanos() <= 999999999 &&
                     d.seconds() <= 315576000000;
  if (!valid) {
    return absl::InvalidArgumentError(absl::StrCat(
        "source.sync_interval: must be a non-negative Duration, got seconds=",
        d.seconds(), " nanos=", d.nanos()));
  }
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

absl::StatusOr<hub::v1::Source> CreateSourceChecked(
    Store* store, const AdapterRegistry& registry, const std::string& id,
    hub::v1::Source source) {
  if (!IsValidSourceId(id)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "source_id: \"", id, "\" must match [a-z0-9-]{1,63}"));
  }
  HUB_RETURN_IF_ERROR(SyncIntervalOf(source).status());
  if (source.has_sync_timeout() &&
      (source.sync_timeout().seconds() < 0 || source.sync_timeout().nanos() < 0 ||
       (source.sync_timeout().seconds() == 0 && source.sync_timeout().nanos() == 0))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "source.sync_timeout: must be a positive Duration, got seconds=",
        source.sync_timeout().seconds(), " nanos=", source.sync_timeout().nanos()));
  }
  if (source.max_requests() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "source.max_requests: must not be negative, got ", source.max_requests()));
  }
  source.set_name(absl::StrCat("sources/", id));
  *source.mutable_create_time() = ToProtoTime(absl::Now());
  absl::StatusOr<std::unique_ptr<SourceAdapter>> adapter = registry.Create(source);
  if (!adapter.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("source.", adapter.status().message()));
  }
  HUB_RETURN_IF_ERROR(store->CreateSource(id, source));
  return source;
}

grpc::Status SyncServiceImpl::CreateSource(
    grpc::ServerContext* context, const hub::v1::CreateSourceRequest* request,
    hub::v1::Source* response) {
  absl::StatusOr<Principal> who = Authorize(*auth_, *context, "hub.v1.SyncService/CreateSource");
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<hub::v1::Source> source = CreateSourceChecked(
      store_, *registry_, request->source_id(), request->source());
  if (!source.ok()) return ToGrpcStatus(source.status());
  absl::Duration interval = *SyncIntervalOf(*source);
  if (scheduler_ != nullptr && interval > absl::ZeroDuration()) {
    // Fails only once hubd is shutting down; the next start schedules it.
    scheduler_->Schedule(request->source_id(), interval).IgnoreError();
  }
  *response = *std::move(source);
  return grpc::Status::OK;
}

grpc::Status SyncServiceImpl::GetSource(grpc::ServerContext* context,
                                        const hub::v1::GetSourceRequest* request,
                                        hub::v1::Source* response) {
  absl::StatusOr<Principal> who = Authorize(*auth_, *context, "hub.v1.SyncService/GetSource");
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<std::string> id = ParseSourceName(request->name(), "name");
  if (!id.ok()) return ToGrpcStatus(id.status());
  absl::StatusOr<hub::v1::Source> source = store_->GetSource(*id);
  if (!source.ok()) return ToGrpcStatus(source.status());
  *response = *std::move(source);
  return grpc::Status::OK;
}

grpc::Status SyncServiceImpl::ListSources(
    grpc::ServerContext* context, const hub::v1::ListSourcesRequest* /*request*/,
    hub::v1::ListSourcesResponse* response) {
  absl::StatusOr<Principal> who = Authorize(*auth_, *context, "hub.v1.SyncService/ListSources");
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<std::vector<hub::v1::Source>> sources = store_->ListSources();
  if (!sources.ok()) return ToGrpcStatus(sources.status());
  for (hub::v1::Source& s : *sources) *response->add_sources() = std::move(s);
  return grpc::Status::OK;
}

grpc::Status SyncServiceImpl::RunSync(grpc::ServerContext* context,
                                      const hub::v1::RunSyncRequest* request,
                                      hub::v1::SyncJob* response) {
  absl::StatusOr<Principal> who = Authorize(*auth_, *context, "hub.v1.SyncService/RunSync");
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<std::string> id = ParseSourceName(request->name(), "name");
  if (!id.ok()) return ToGrpcStatus(id.status());
  absl::StatusOr<hub::v1::SyncJob> job = runner_->Start(*id, request->full_resync());
  if (!job.ok()) return ToGrpcStatus(job.status());
  *response = *std::move(job);
  return grpc::Status::OK;
}

grpc::Status SyncServiceImpl::GetSyncJob(grpc::ServerContext* context,
                                         const hub::v1::GetSyncJobRequest* request,
                                         hub::v1::SyncJob* response) {
  absl::StatusOr<Principal> who = Authorize(*auth_, *context, "hub.v1.SyncService/GetSyncJob");
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<std::pair<std::string, int64_t>> name =
      ParseSyncJobName(request->name());
  if (!name.ok()) return ToGrpcStatus(name.status());
  absl::StatusOr<hub::v1::SyncJob> job = store_->GetSyncJob(name->first, name->second);
  if (!job.ok()) return ToGrpcStatus(job.status());
  *response = *std::move(job);
  return grpc::Status::OK;
}

grpc::Status SyncServiceImpl::ListSyncJobs(
    grpc::ServerContext* context, const hub::v1::ListSyncJobsRequest* request,
    hub::v1::ListSyncJobsResponse* response) {
  absl::StatusOr<Principal> who = Authorize(*auth_, *context, "hub.v1.SyncService/ListSyncJobs");
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<std::string> id = ParseSourceName(request->parent(), "parent");
  if (!id.ok()) return ToGrpcStatus(id.status());
  if (absl::Status s = store_->GetSource(*id).status(); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::StatusOr<std::vector<hub::v1::SyncJob>> jobs = store_->ListSyncJobs(*id);
  if (!jobs.ok()) return ToGrpcStatus(jobs.status());
  for (hub::v1::SyncJob& j : *jobs) *response->add_sync_jobs() = std::move(j);
  return grpc::Status::OK;
}

grpc::Status SyncServiceImpl::CancelSyncJob(
    grpc::ServerContext* context, const hub::v1::CancelSyncJobRequest* request,
    hub::v1::SyncJob* response) {
  absl::StatusOr<Principal> who = Authorize(*auth_, *context, "hub.v1.SyncService/CancelSyncJob");
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<std::pair<std::string, int64_t>> name =
      ParseSyncJobName(request->name());
  if (!name.ok()) return ToGrpcStatus(name.status());
  absl::StatusOr<hub::v1::SyncJob> job = runner_->Cancel(name->first, name->second);
  if (!job.ok()) return ToGrpcStatus(job.status());
  *response = *std::move(job);
  return grpc::Status::OK;
}

grpc::Status SyncServiceImpl::GetSourceCursor(
    grpc::ServerContext* context, const hub::v1::GetSourceCursorRequest* request,
    hub::v1::SourceCursor* response) {
  absl::StatusOr<Principal> who = Authorize(*auth_, *context, "hub.v1.SyncService/GetSourceCursor");
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<std::string> id = ParseSourceName(request->name(), "name");
  if (!id.ok()) return ToGrpcStatus(id.status());
  absl::StatusOr<std::string> cursor = store_->LoadCursor(*id);
  if (!cursor.ok()) return ToGrpcStatus(cursor.status());
  response->set_name(request->name());
  response->set_cursor(*std::move(cursor));
  return grpc::Status::OK;
}

grpc::Status SyncServiceImpl::IngestRecords(grpc::ServerContext* context,
                                            IngestStream* stream) {
  absl::StatusOr<Principal> who = Authorize(*auth_, *context, "hub.v1.SyncService/IngestRecords");
  if (!who.ok()) return ToGrpcStatus(who.status());
  hub::v1::IngestRecordsRequest first;
  if (!stream->Read(&first)) return grpc::Status::OK;  // an empty stream
  std::string id;
  if (absl::Status s = CheckPage(first, &id); !s.ok()) return ToGrpcStatus(s);
  return ToGrpcStatus(IngestPages(context, stream, std::move(first), id, runner_));
}

}  // namespace hub
