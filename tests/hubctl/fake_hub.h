// An in-process Hub server on loopback with scripted ProfileService,
// SyncService and MetricsService fakes and the standard health service, for
// hubctl tests.
#ifndef HUB_TESTS_HUBCTL_FAKE_HUB_H_
#define HUB_TESTS_HUBCTL_FAKE_HUB_H_

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "hub/v1/metrics_service.grpc.pb.h"
#include "hub/v1/profile_service.grpc.pb.h"
#include "hub/v1/sync_service.grpc.pb.h"

namespace hubctl::testing {

// What the fakes saw of the calls made to them.
struct CallLog {
  // Method names in call order, e.g. "GetProfile".
  std::vector<std::string> methods;
  // The "authorization" metadata of the last call, or "" if absent.
  std::string authorization;
  // The request of the last call, in text format.
  std::string last_request;
};

// Serves canned profiles. ListProfiles pages through `profiles` in map
// order, `page_size` (default 2) at a time, with the next index as token.
// Thread-safe.
class FakeProfileService final : public hub::v1::ProfileService::Service {
 public:
  // Adds (or replaces) a profile, keyed by its name.
  void AddProfile(const hub::v1::Profile& profile);
  // Makes every call fail with `status` (OK restores normal answers).
  void FailWith(grpc::Status status);
  CallLog log() const;

  grpc::Status GetProfile(grpc::ServerContext* context,
                          const hub::v1::GetProfileRequest* request,
                          hub::v1::Profile* response) override;
  grpc::Status LookupProfile(grpc::ServerContext* context,
                             const hub::v1::LookupProfileRequest* request,
                             hub::v1::Profile* response) override;
  grpc::Status ListProfiles(grpc::ServerContext* context,
                            const hub::v1::ListProfilesRequest* request,
                            hub::v1::ListProfilesResponse* response) override;
  // Merges two known profiles: the first named survives; the entry is
  // sequence 5 by "steward". NOT_FOUND for an unknown name.
  grpc::Status MergeProfiles(grpc::ServerContext* context,
                             const hub::v1::MergeProfilesRequest* request,
                             hub::v1::MergeProfilesResponse* response) override;
  // Undoes entry 5 only (profiles/15 comes back, entry 6); any other entry
  // is FAILED_PRECONDITION.
  grpc::Status UnmergeProfile(grpc::ServerContext* context,
                              const hub::v1::UnmergeProfileRequest* request,
                              hub::v1::UnmergeProfileResponse* response) override;
  // Pages through LedgerPage()'s entries, one entry per page when page_size
  // is 1, with the next index as token.
  grpc::Status ListMerges(grpc::ServerContext* context,
                          const hub::v1::ListMergesRequest* request,
                          hub::v1::ListMergesResponse* response) override;
  // Echoes the two names. NOT_FOUND for an unknown name.
  grpc::Status AddDoNotLink(grpc::ServerContext* context,
                            const hub::v1::AddDoNotLinkRequest* request,
                            hub::v1::DoNotLink* response) override;
  // One pending suggestion, mergeSuggestions/7 (profiles/12 and 15, score
  // 0.4447), listed when the request asks for pending or all states.
  grpc::Status ListMergeSuggestions(
      grpc::ServerContext* context,
      const hub::v1::ListMergeSuggestionsRequest* request,
      hub::v1::ListMergeSuggestionsResponse* response) override;
  // Decide mergeSuggestions/7 by "steward"; NOT_FOUND for another.
  grpc::Status AcceptMergeSuggestion(
      grpc::ServerContext* context,
      const hub::v1::DecideMergeSuggestionRequest* request,
      hub::v1::MergeSuggestion* response) override;
  grpc::Status RejectMergeSuggestion(
      grpc::ServerContext* context,
      const hub::v1::DecideMergeSuggestionRequest* request,
      hub::v1::MergeSuggestion* response) override;

 private:
  // NOT_FOUND unless `name` is a known profile.
  grpc::Status Known(const std::string& name) const;

  // Logs the call; returns the scripted failure or OK.
  grpc::Status Record(grpc::ServerContext* context, const char* method,
                      const google::protobuf::Message& request);

  mutable absl::Mutex mu_;
  std::map<std::string, hub::v1::Profile> profiles_ ABSL_GUARDED_BY(mu_);
  grpc::Status failure_ ABSL_GUARDED_BY(mu_);
  CallLog log_ ABSL_GUARDED_BY(mu_);
};

// Runs scripted sync jobs: RunSync and CancelSyncJob answer the first job of
// the script and each GetSyncJob the next one, repeating the last.
// Thread-safe.
class FakeSyncService final : public hub::v1::SyncService::Service {
 public:
  void SetJobScript(std::vector<hub::v1::SyncJob> jobs);
  CallLog log() const;

  grpc::Status RunSync(grpc::ServerContext* context,
                       const hub::v1::RunSyncRequest* request,
                       hub::v1::SyncJob* response) override;
  grpc::Status GetSyncJob(grpc::ServerContext* context,
                          const hub::v1::GetSyncJobRequest* request,
                          hub::v1::SyncJob* response) override;
  grpc::Status CancelSyncJob(grpc::ServerContext* context,
                             const hub::v1::CancelSyncJobRequest* request,
                             hub::v1::SyncJob* response) override;
  // Echoes the source with its name set.
  grpc::Status CreateSource(grpc::ServerContext* context,
                            const hub::v1::CreateSourceRequest* request,
                            hub::v1::Source* response) override;

 private:
  mutable absl::Mutex mu_;
  std::vector<hub::v1::SyncJob> script_ ABSL_GUARDED_BY(mu_);
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;
  CallLog log_ ABSL_GUARDED_BY(mu_);
};

// Serves canned stage histories, funnel, stage metrics and customer value,
// and keeps every request it received. Thread-safe.
class FakeMetricsService final : public hub::v1::MetricsService::Service {
 public:
  // ListStageTransitions answers `history` to requests for `name` (history's
  // parent may differ: a survivor answering for a merged-away name).
  void SetStages(const std::string& name,
                 hub::v1::ListStageTransitionsResponse history);
  // GetFunnel answers `funnel` with the request's side, period and segment,
  // and its window (0 as 90).
  void SetFunnel(hub::v1::Funnel funnel);
  // GetStageMetrics answers `metrics` with the request's period and segment,
  // keeping only the requested stage's metrics when one is set.
  void SetStageMetrics(hub::v1::StageMetrics metrics);
  // GetCustomerValue answers `value` with the request's period and margin (0
  // as 0.75), keeping only the requested dimension's segments when one is
  // set.
  void SetCustomerValue(hub::v1::CustomerValue value);
  // Makes every call fail with `status` (OK restores normal answers).
  void FailWith(grpc::Status status);
  CallLog log() const;
  // Every request received, in order.
  std::vector<hub::v1::ListStageTransitionsRequest> stage_requests() const;
  std::vector<hub::v1::GetFunnelRequest> funnel_requests() const;
  std::vector<hub::v1::GetStageMetricsRequest> stage_metrics_requests() const;
  std::vector<hub::v1::GetCustomerValueRequest> value_requests() const;

  // Pages through the history's transitions, page_size (default 2) at a
  // time, with the next index as token; NOT_FOUND for an unknown name. Does
  // not apply as_of.
  grpc::Status ListStageTransitions(
      grpc::ServerContext* context,
      const hub::v1::ListStageTransitionsRequest* request,
      hub::v1::ListStageTransitionsResponse* response) override;
  grpc::Status GetFunnel(grpc::ServerContext* context,
                         const hub::v1::GetFunnelRequest* request,
                         hub::v1::Funnel* response) override;
  grpc::Status GetStageMetrics(grpc::ServerContext* context,
                               const hub::v1::GetStageMetricsRequest* request,
                               hub::v1::StageMetrics* response) override;
  grpc::Status GetCustomerValue(grpc::ServerContext* context,
                                const hub::v1::GetCustomerValueRequest* request,
                                hub::v1::CustomerValue* response) override;

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, hub::v1::ListStageTransitionsResponse> histories_
      ABSL_GUARDED_BY(mu_);
  hub::v1::Funnel funnel_ ABSL_GUARDED_BY(mu_);
  grpc::Status failure_ ABSL_GUARDED_BY(mu_);
  CallLog log_ ABSL_GUARDED_BY(mu_);
  std::vector<hub::v1::ListStageTransitionsRequest> stage_requests_
      ABSL_GUARDED_BY(mu_);
  std::vector<hub::v1::GetFunnelRequest> funnel_requests_ ABSL_GUARDED_BY(mu_);
  hub::v1::StageMetrics stage_metrics_ ABSL_GUARDED_BY(mu_);
  hub::v1::CustomerValue value_ ABSL_GUARDED_BY(mu_);
  std::vector<hub::v1::GetStageMetricsRequest> stage_metrics_requests_
      ABSL_GUARDED_BY(mu_);
  std::vector<hub::v1::GetCustomerValueRequest> value_requests_
      ABSL_GUARDED_BY(mu_);
};

// The server: the three fakes plus grpc.health.v1 on 127.0.0.1 at a free port.
// Shuts down when destroyed. Not copyable.
class FakeHub {
 public:
  FakeHub();
  ~FakeHub();
  FakeHub(const FakeHub&) = delete;
  FakeHub& operator=(const FakeHub&) = delete;

  // "127.0.0.1:<port>".
  const std::string& address() const { return address_; }
  std::shared_ptr<grpc::Channel> NewChannel() const;
  FakeProfileService& profiles() { return profiles_; }
  FakeSyncService& sync() { return sync_; }
  FakeMetricsService& metrics() { return metrics_; }
  // Sets the overall ("") health status.
  void SetServing(bool serving);

 private:
  FakeProfileService profiles_;
  FakeSyncService sync_;
  FakeMetricsService metrics_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace hubctl::testing

#endif  // HUB_TESTS_HUBCTL_FAKE_HUB_H_
