// FailingStore: a forwarding Store whose write transactions fail on demand
// (leveldb's EnvWrapper idea), for fault tests.
#ifndef HUB_TESTS_SUPPORT_FAILING_STORE_H_
#define HUB_TESTS_SUPPORT_FAILING_STORE_H_

#include <atomic>
#include <memory>

#include "profile/store/store.h"

namespace hub {
namespace testing_support {

// Forwards everything to `base`. Write-transaction operations count down
// `fail_after`: when it reaches zero that operation (and every later one)
// returns INTERNAL("injected failure") without reaching the base. A negative
// value never fails. Thread-safe as the base is.
class FailingStore : public Store {
 public:
  explicit FailingStore(Store* base) : base_(base) {}
  void FailAfter(int operations) { fail_after_.store(operations); }

  absl::StatusOr<std::unique_ptr<WriteTransaction>> BeginWrite() override;
  absl::StatusOr<int64_t> ResolveId(Side side, int64_t id) override {
    return base_->ResolveId(side, id);
  }
  absl::StatusOr<hub::v1::Profile> GetProfile(int64_t id, bool l) override {
    return base_->GetProfile(id, l);
  }
  absl::StatusOr<hub::v1::Account> GetAccount(int64_t id, bool l) override {
    return base_->GetAccount(id, l);
  }
  absl::StatusOr<int64_t> FindIdentity(Side s, const std::string& t,
                                       const std::string& v) override {
    return base_->FindIdentity(s, t, v);
  }
  absl::StatusOr<std::vector<ProfileRow>> QueryProfiles(const ProfileQuery& q) override {
    return base_->QueryProfiles(q);
  }
  absl::StatusOr<IdPage> ListIds(Side s, int64_t a, int l) override {
    return base_->ListIds(s, a, l);
  }
  absl::StatusOr<IdPage> ListMembers(int64_t a, int64_t after, int l) override {
    return base_->ListMembers(a, after, l);
  }
  absl::StatusOr<std::vector<std::pair<hub::v1::Event, int64_t>>> ListEvents(
      int64_t id, int64_t us, int64_t seq, int l) override {
    return base_->ListEvents(id, us, seq, l);
  }
  absl::Status CreateSource(const std::string& id,
                            const hub::v1::Source& s) override {
    return base_->CreateSource(id, s);
  }
  absl::StatusOr<hub::v1::Source> GetSource(const std::string& id) override {
    return base_->GetSource(id);
  }
  absl::StatusOr<std::vector<hub::v1::Source>> ListSources() override {
    return base_->ListSources();
  }
  absl::StatusOr<std::string> LoadCursor(const std::string& id) override {
    return base_->LoadCursor(id);
  }
  absl::StatusOr<int64_t> CreateSyncJob(const std::string& id,
                                        const hub::v1::SyncJob& j) override {
    return base_->CreateSyncJob(id, j);
  }
  absl::Status UpdateSyncJob(const std::string& id, int64_t job,
                             const hub::v1::SyncJob& j) override {
    return base_->UpdateSyncJob(id, job, j);
  }
  absl::StatusOr<hub::v1::SyncJob> GetSyncJob(const std::string& id,
                                              int64_t job) override {
    return base_->GetSyncJob(id, job);
  }
  absl::StatusOr<std::vector<hub::v1::SyncJob>> ListSyncJobs(
      const std::string& id) override {
    return base_->ListSyncJobs(id);
  }
  absl::Status AddToken(const TokenRecord& t) override {
    return base_->AddToken(t);
  }
  absl::StatusOr<std::vector<TokenRecord>> ListTokens() override {
    return base_->ListTokens();
  }
  absl::StatusOr<StoreCounts> Counts() override { return base_->Counts(); }
  absl::Status Probe(absl::Duration timeout) override { return base_->Probe(timeout); }
  absl::StatusOr<int64_t> DiskBytes() override { return base_->DiskBytes(); }
  absl::StatusOr<std::vector<MergeEntry>> ListMerges(Side s, int64_t id, int64_t before,
                                                     int l) override {
    return base_->ListMerges(s, id, before, l);
  }
  absl::StatusOr<std::vector<MergeSuggestion>> ListMergeSuggestions(
      std::optional<MergeSuggestion::State> s, int64_t a, int l) override {
    return base_->ListMergeSuggestions(s, a, l);
  }
  absl::StatusOr<std::vector<RefusalEntry>> ListRefusals(int64_t a, int l) override {
    return base_->ListRefusals(a, l);
  }
  absl::StatusOr<std::vector<StoredTransition>> ListTransitions(int64_t id) override {
    return base_->ListTransitions(id);
  }
  absl::StatusOr<std::vector<std::string>> ListSegments() override {
    return base_->ListSegments();
  }
  absl::StatusOr<MetricSums> SumMetrics(const std::string& g, int64_t f,
                                                   int64_t t) override {
    return base_->SumMetrics(g, f, t);
  }
  absl::StatusOr<std::vector<FunnelCount>> SumFunnelCounts(Side s, const std::string& g,
                                                           int64_t f, int64_t t) override {
    return base_->SumFunnelCounts(s, g, f, t);
  }
  absl::StatusOr<std::vector<QuarantineEntry>> ListQuarantine(int64_t after, int l) override {
    return base_->ListQuarantine(after, l);
  }
  absl::StatusOr<std::vector<AuditEntry>> ListAudit(int64_t after, int l) override {
    return base_->ListAudit(after, l);
  }
  absl::StatusOr<AuditCheck> VerifyAudit() override { return base_->VerifyAudit(); }
  absl::StatusOr<std::vector<ChangeEntry>> ListChanges(int64_t after, int l) override {
    return base_->ListChanges(after, l);
  }
  absl::StatusOr<std::optional<StoredRequest>> GetRequest(
      const std::string& principal, const std::string& request_id) override {
    return base_->GetRequest(principal, request_id);
  }
  absl::StatusOr<std::vector<ConsentSignal>> ConsentSignalsOf(
      const std::vector<int64_t>& ids) override {
    return base_->ConsentSignalsOf(ids);
  }
  absl::StatusOr<std::vector<LegalHold>> ListLegalHolds() override {
    return base_->ListLegalHolds();
  }

 private:
  Store* base_;
  std::atomic<int> fail_after_{-1};
};

}  // namespace testing_support
}  // namespace hub

#endif  // HUB_TESTS_SUPPORT_FAILING_STORE_H_
