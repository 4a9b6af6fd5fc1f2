// The gRPC SyncService: sources and sync jobs.
#ifndef HUB_HUB_SYNC_SERVICE_H_
#define HUB_HUB_SYNC_SERVICE_H_

#include "adapters/adapter_registry.h"
#include "adapters/sync_runner.h"
#include "adapters/sync_scheduler.h"
#include "hub/auth.h"
#include "hub/v1/sync_service.grpc.pb.h"
#include "profile/store/store.h"

namespace hub {

// Thin handlers over the Store and SyncRunner. Thread-safe; everything passed
// in must outlive the service.
class SyncServiceImpl final : public hub::v1::SyncService::Service {
 public:
  // `scheduler` (optional) schedules created sources that have a
  // sync_interval.
  SyncServiceImpl(Store* store, const AdapterRegistry* registry,
                  SyncRunner* runner, const Authenticator* auth,
                  SyncScheduler* scheduler = nullptr)
      : store_(store),
        registry_(registry),
        runner_(runner),
        auth_(auth),
        scheduler_(scheduler) {}

  grpc::Status CreateSource(grpc::ServerContext* context,
                            const hub::v1::CreateSourceRequest* request,
                            hub::v1::Source* response) override;
  grpc::Status GetSource(grpc::ServerContext* context,
                         const hub::v1::GetSourceRequest* request,
                         hub::v1::Source* response) override;
  grpc::Status ListSources(grpc::ServerContext* context,
                           const hub::v1::ListSourcesRequest* request,
                           hub::v1::ListSourcesResponse* response) override;
  grpc::Status RunSync(grpc::ServerContext* context,
                       const hub::v1::RunSyncRequest* request,
                       hub::v1::SyncJob* response) override;
  grpc::Status GetSyncJob(grpc::ServerContext* context,
                          const hub::v1::GetSyncJobRequest* request,
                          hub::v1::SyncJob* response) override;
  grpc::Status ListSyncJobs(grpc::ServerContext* context,
                            const hub::v1::ListSyncJobsRequest* request,
                            hub::v1::ListSyncJobsResponse* response) override;
  grpc::Status CancelSyncJob(grpc::ServerContext* context,
                             const hub::v1::CancelSyncJobRequest* request,
                             hub::v1::SyncJob* response) override;
  grpc::Status GetSourceCursor(grpc::ServerContext* context,
                               const hub::v1::GetSourceCursorRequest* request,
                               hub::v1::SourceCursor* response) override;
  grpc::Status IngestRecords(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<hub::v1::IngestRecordsResponse,
                               hub::v1::IngestRecordsRequest>* stream) override;

 private:
  Store* store_;
  const AdapterRegistry* registry_;
  SyncRunner* runner_;
  const Authenticator* auth_;
  SyncScheduler* scheduler_;
};

// The source's sync_interval; zero if unset. INVALID_ARGUMENT
// ("source.sync_interval: ...") if it is negative or not a valid Duration.
absl::StatusOr<absl::Duration> SyncIntervalOf(const hub::v1::Source& source);

// Validates and creates a source (shared with start-up's configured
// sources). INVALID_ARGUMENT naming the field; ALREADY_EXISTS.
absl::StatusOr<hub::v1::Source> CreateSourceChecked(
    Store* store, const AdapterRegistry& registry, const std::string& id,
    hub::v1::Source source);

}  // namespace hub

#endif  // HUB_HUB_SYNC_SERVICE_H_
