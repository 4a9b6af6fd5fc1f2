#include "tests/support/failing_store.h"

#include <utility>

#include "profile/base/status_macros.h"

namespace hub {
namespace testing_support {
namespace {

class FailingTransaction : public WriteTransaction {
 public:
  FailingTransaction(std::unique_ptr<WriteTransaction> base,
                     std::atomic<int>* fail_after)
      : base_(std::move(base)), fail_after_(fail_after) {}

  absl::StatusOr<std::optional<RecordInfo>> FindRecord(const RecordKey& k) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->FindRecord(k);
  }
  absl::StatusOr<int64_t> PutRecord(const hub::v1::SourceRecord& r,
                                    const RecordPlacement& p) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->PutRecord(r, p);
  }
  absl::StatusOr<std::vector<std::pair<int64_t, hub::v1::SourceRecord>>> RecordsBySeq(
      const std::vector<int64_t>& seqs) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->RecordsBySeq(seqs);
  }
  absl::Status AddStageNotes(const std::vector<StageNote>& notes) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->AddStageNotes(notes);
  }
  absl::StatusOr<int64_t> PendingStageNotes() override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->PendingStageNotes();
  }
  absl::StatusOr<std::vector<StageNote>> TakeStageNotes() override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->TakeStageNotes();
  }
  absl::StatusOr<std::vector<hub::v1::SourceRecord>> RecordsOf(int64_t id) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->RecordsOf(id);
  }
  absl::StatusOr<std::optional<StageState>> GetStageState(int64_t id) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->GetStageState(id);
  }
  absl::Status PutStageState(int64_t id, const StageState& st) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->PutStageState(id, st);
  }
  absl::Status DeleteStageState(int64_t id) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->DeleteStageState(id);
  }
  absl::Status AddMetricCounts(MetricDeltas c) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->AddMetricCounts(std::move(c));
  }
  absl::Status AddFunnelCounts(FunnelDeltas c) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->AddFunnelCounts(std::move(c));
  }
  absl::StatusOr<std::vector<hub::v1::SourceRecord>> PersonRecordsOf(int64_t id) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->PersonRecordsOf(id);
  }
  absl::StatusOr<std::vector<hub::v1::SourceRecord>> OpportunitiesOf(int64_t a) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->OpportunitiesOf(a);
  }
  absl::StatusOr<std::vector<int64_t>> MembersOf(int64_t a) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->MembersOf(a);
  }
  absl::Status AddDomainWait(const std::string& d, int64_t o, int64_t t) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->AddDomainWait(d, o, t);
  }
  absl::StatusOr<std::vector<std::pair<int64_t, int64_t>>> TakeDomainWaits(
      const std::string& d) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->TakeDomainWaits(d);
  }
  absl::StatusOr<std::optional<int64_t>> FindIdentity(
      Side s, const std::string& t, const std::string& v) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->FindIdentity(s, t, v);
  }
  absl::StatusOr<std::optional<int64_t>> IdentityOrigin(
      Side s, const std::string& t, const std::string& v) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->IdentityOrigin(s, t, v);
  }
  absl::Status AddIdentity(Side s, const std::string& t, const std::string& v,
                           int64_t id, const std::string& src,
                           int64_t origin) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->AddIdentity(s, t, v, id, src, origin);
  }
  absl::StatusOr<absl::flat_hash_map<std::string, int>> IdentityCounts(
      int64_t id) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->IdentityCounts(id);
  }
  absl::Status AddRefusal(const RefusalEntry& e) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->AddRefusal(e);
  }
  absl::StatusOr<int> ProfilesSeenWith(Side s, const std::string& t,
                                       const std::string& v) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->ProfilesSeenWith(s, t, v);
  }
  absl::Status MarkHot(Side s, const std::string& t, const std::string& v,
                       int n) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->MarkHot(s, t, v, n);
  }
  absl::StatusOr<bool> IsHot(Side s, const std::string& t,
                             const std::string& v) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->IsHot(s, t, v);
  }
  absl::StatusOr<int64_t> CreateProfile(Side s) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->CreateProfile(s);
  }
  absl::StatusOr<int64_t> ResolveId(Side s, int64_t id) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->ResolveId(s, id);
  }
  absl::Status Merge(const MergeEntry& e) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->Merge(e);
  }
  absl::StatusOr<MergeEntry> GetMergeEntry(int64_t seq) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->GetMergeEntry(seq);
  }
  absl::StatusOr<std::vector<MergeEntry>> ActiveMerges(Side s, int64_t id) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->ActiveMerges(s, id);
  }
  absl::Status Split(const SplitPlan& plan) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->Split(plan);
  }
  absl::StatusOr<bool> IsDoNotLinked(Side s, int64_t a, int64_t b) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->IsDoNotLinked(s, a, b);
  }
  absl::Status AddDoNotLink(Side s, int64_t a, int64_t b,
                            const std::string& who) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->AddDoNotLink(s, a, b, who);
  }
  absl::StatusOr<std::vector<NamedTrait>> GetTraits(int64_t id) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->GetTraits(id);
  }
  absl::Status PutTraits(int64_t id, const std::vector<NamedTrait>& t) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->PutTraits(id, t);
  }
  absl::Status ReplaceTraits(int64_t id,
                             const std::vector<NamedTrait>& t) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->ReplaceTraits(id, t);
  }
  absl::Status SetAccount(int64_t p, int64_t a, int64_t us, int64_t origin) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->SetAccount(p, a, us, origin);
  }
  absl::StatusOr<ErasedProfile> EraseProfile(int64_t live) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->EraseProfile(live);
  }
  absl::Status Suppress(const std::string& t, const std::string& v) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->Suppress(t, v);
  }
  absl::StatusOr<bool> IsSuppressed(const std::string& t, const std::string& v) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->IsSuppressed(t, v);
  }
  absl::StatusOr<std::string> SecretKey(const std::string& name) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->SecretKey(name);
  }
  absl::StatusOr<AuditEntry> AppendAudit(AuditEntry e) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->AppendAudit(std::move(e));
  }
  absl::Status SaveResponse(const std::string& principal, const std::string& request_id,
                            const std::string& response) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->SaveResponse(principal, request_id, response);
  }
  absl::StatusOr<std::map<std::string, std::string>> PolicyDigests() override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->PolicyDigests();
  }
  absl::Status SetPolicyDigest(const std::string& section,
                               const std::string& digest) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->SetPolicyDigest(section, digest);
  }
  absl::StatusOr<bool> PutConsentSignal(const ConsentSignal& c) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->PutConsentSignal(c);
  }
  absl::StatusOr<std::vector<ConsentSignal>> ConsentSignalsOf(int64_t id) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->ConsentSignalsOf(id);
  }
  absl::StatusOr<QuarantineEntry> TakeQuarantined(int64_t seq) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->TakeQuarantined(seq);
  }
  absl::StatusOr<bool> Quarantine(const QuarantineEntry& e) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->Quarantine(e);
  }
  absl::Status NoteChange(Side s, int64_t id, const std::string& c) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->NoteChange(s, id, c);
  }
  absl::Status SaveCursor(const std::string& s, const std::string& c) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->SaveCursor(s, c);
  }
  absl::StatusOr<int64_t> CurrentAccount(int64_t id) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->CurrentAccount(id);
  }
  absl::Status SetMatchKeys(int64_t id, const std::vector<uint64_t>& k) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->SetMatchKeys(id, k);
  }
  absl::StatusOr<std::vector<int64_t>> MatchCandidates(const std::vector<uint64_t>& k,
                                                       int max) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->MatchCandidates(k, max);
  }
  absl::StatusOr<bool> AddMergeSuggestion(const MergeSuggestion& m) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->AddMergeSuggestion(m);
  }
  absl::StatusOr<MergeSuggestion> GetMergeSuggestion(int64_t seq) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->GetMergeSuggestion(seq);
  }
  absl::Status DecideMergeSuggestion(int64_t seq, MergeSuggestion::State st,
                                     const std::string& who) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->DecideMergeSuggestion(seq, st, who);
  }
  absl::Status UpdateSyncJob(const std::string& s, int64_t id,
                             const hub::v1::SyncJob& j) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->UpdateSyncJob(s, id, j);
  }
  absl::Status Commit() override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->Commit();
  }
  absl::StatusOr<LegalHold> PlaceLegalHold(LegalHold h) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->PlaceLegalHold(std::move(h));
  }
  absl::StatusOr<LegalHold> ReleaseLegalHold(int64_t seq, const std::string& who) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->ReleaseLegalHold(seq, who);
  }
  absl::StatusOr<std::vector<LegalHold>> LegalHoldsOn(int64_t live) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->LegalHoldsOn(live);
  }
  absl::StatusOr<PurgeStepResult> PurgeExpired(const PurgeStep& step) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->PurgeExpired(step);
  }
  absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> RetainedFacts(
      int64_t live) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->RetainedFacts(live);
  }
  absl::Status PutRetainedFacts(int64_t origin, const std::string& facts) override {
    HUB_RETURN_IF_ERROR(Tick());
    return base_->PutRetainedFacts(origin, facts);
  }

 private:
  absl::Status Tick() {
    int left = fail_after_->load();
    if (left < 0) return absl::OkStatus();
    if (left == 0) return absl::InternalError("injected failure");
    fail_after_->store(left - 1);
    return absl::OkStatus();
  }

  std::unique_ptr<WriteTransaction> base_;
  std::atomic<int>* fail_after_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<WriteTransaction>> FailingStore::BeginWrite() {
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> base, base_->BeginWrite());
  return std::unique_ptr<WriteTransaction>(
      new FailingTransaction(std::move(base), &fail_after_));
}

}  // namespace testing_support
}  // namespace hub
