// Test helpers: gRPC stubs to a running hubd with a bearer token.
#ifndef HUB_TESTS_HUB_HUB_CLIENT_H_
#define HUB_TESTS_HUB_HUB_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "hub/v1/metrics_service.grpc.pb.h"
#include "hub/v1/profile_service.grpc.pb.h"
#include "hub/v1/sync_service.grpc.pb.h"

namespace hub {
namespace testing_support {

class HubClient {
 public:
  HubClient(const std::string& address, std::string token)
      : channel_(grpc::CreateChannel(address, grpc::InsecureChannelCredentials())),
        profiles_(hub::v1::ProfileService::NewStub(channel_)),
        sync_(hub::v1::SyncService::NewStub(channel_)),
        metrics_(hub::v1::MetricsService::NewStub(channel_)),
        token_(std::move(token)) {}

  // A context carrying the token (none if `with_token` is false).
  std::unique_ptr<grpc::ClientContext> Ctx(bool with_token = true) const {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (with_token) ctx->AddMetadata("authorization", "Bearer " + token_);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return ctx;
  }

  hub::v1::ProfileService::Stub* profiles() { return profiles_.get(); }
  hub::v1::SyncService::Stub* sync() { return sync_.get(); }
  hub::v1::MetricsService::Stub* metrics() { return metrics_.get(); }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }

  // Creates a source of `kind` reading `path`; returns the status.
  grpc::Status CreateSource(const std::string& id, const std::string& kind,
                            const std::string& path) {
    hub::v1::CreateSourceRequest req;
    req.set_source_id(id);
    req.mutable_source()->set_kind(kind);
    req.mutable_source()->set_path(path);
    hub::v1::Source out;
    return sync_->CreateSource(Ctx().get(), req, &out);
  }

  // Runs a sync of `source_id` and polls until it ends; returns the job.
  hub::v1::SyncJob SyncAndWait(const std::string& source_id, bool full = false) {
    hub::v1::RunSyncRequest req;
    req.set_name("sources/" + source_id);
    req.set_full_resync(full);
    hub::v1::SyncJob job;
    grpc::Status s = sync_->RunSync(Ctx().get(), req, &job);
    if (!s.ok()) {
      job.set_error("RunSync: " + s.error_message());
      return job;
    }
    absl::Time deadline = absl::Now() + absl::Seconds(300);
    while (absl::Now() < deadline) {
      hub::v1::GetSyncJobRequest get;
      get.set_name(job.name());
      s = sync_->GetSyncJob(Ctx().get(), get, &job);
      if (!s.ok() || job.state() == hub::v1::SyncJob::SUCCEEDED ||
          job.state() == hub::v1::SyncJob::FAILED) {
        break;
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
    return job;
  }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<hub::v1::ProfileService::Stub> profiles_;
  std::unique_ptr<hub::v1::SyncService::Stub> sync_;
  std::unique_ptr<hub::v1::MetricsService::Stub> metrics_;
  std::string token_;
};

}  // namespace testing_support
}  // namespace hub

#endif  // HUB_TESTS_HUB_HUB_CLIENT_H_
