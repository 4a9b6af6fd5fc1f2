#include "profile/store/sqlite_write_transaction.h"

#include <cstdint>
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "profile/base/status_macros.h"
#include "profile/base/time_util.h"
#include "profile/store/sqlite_audit.h"
#include "profile/store/sqlite_consent.h"
#include "profile/store/sqlite_erasure.h"
#include "profile/store/sqlite_internal.h"
#include "profile/store/sqlite_ledger.h"
#include "profile/store/sqlite_lifecycle.h"
#include "profile/store/sqlite_matching.h"
#include "profile/store/sqlite_retention.h"

namespace hub {
namespace sqlite_internal {
namespace {

using sqlite::Connection;
using sqlite::ScopedReset;
using sqlite::Statement;

// The change-log kinds, weakest first: a stronger change wins in a batch.
constexpr const char* kChanges[] = {"stage_changed", "updated", "unmerged", "deleted",
                                    "merged",        "created", "erased"};
constexpr int kChangeKinds = sizeof(kChanges) / sizeof(kChanges[0]);

int ChangeRank(absl::string_view change) {
  for (int i = kChangeKinds - 1; i > 0; --i) {
    if (change == kChanges[i]) return i;
  }
  return 0;
}

class SqliteWriteTransaction : public WriteTransaction {
 public:
  SqliteWriteTransaction(Connection* conn, absl::Mutex* mu, KeyFilter* filter,
                         FunnelIndex* funnel, MetricIndex* opportunities)
      : conn_(conn),
        mu_(mu),
        filter_(filter),
        funnel_index_(funnel),
        opportunity_index_(opportunities),
        now_us_(NowMicros()) {}
  ~SqliteWriteTransaction() override {
    if (!done_) conn_->Exec("ROLLBACK").IgnoreError();
    mu_->Unlock();
  }

  absl::Status Begin() { return conn_->Exec("BEGIN IMMEDIATE"); }

  absl::StatusOr<std::optional<RecordInfo>> FindRecord(
      const RecordKey& key) override {
    int64_t key_hash = KeyHash(key.source, key.entity, key.external_id);
    if (!filter_->MayContain(static_cast<uint64_t>(key_hash))) {
      return std::optional<RecordInfo>();  // certainly new
    }
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("SELECT content_hash, updated_us, profile_id, "
                       "origin_id FROM records WHERE key_hash=?4 AND source=?1 AND "
                       "entity=?2 AND external_id=?3"));
    ScopedReset reset(s);
    s->Bind(1, key.source).Bind(2, int64_t{key.entity}).Bind(3, key.external_id);
    s->Bind(4, key_hash);
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) {
      known_absent_.insert(KeyString(key.source, key.entity, key.external_id));
      return std::optional<RecordInfo>();
    }
    RecordInfo info;
    info.content_hash = static_cast<uint64_t>(s->Int(0));
    info.updated_us = s->Int(1);
    info.profile_id = s->IsNull(2) ? 0 : s->Int(2);
    info.origin_id = s->IsNull(3) ? info.profile_id : s->Int(3);
    return std::optional<RecordInfo>(info);
  }

  absl::StatusOr<int64_t> PutRecord(const hub::v1::SourceRecord& r,
                                    const RecordPlacement& stored) override {
    // Plain INSERT / UPDATE: cheaper than an upsert on the hot path.
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare(
            stored.replaces
                ? "UPDATE records SET content_hash=?4, updated_us=?5, "
                  "deleted=?6, is_event=?7, occurred_us=?8, profile_id=?9, "
                  "account_id=?10, payload=?11, ingest_us=?12, origin_id=?14 WHERE "
                  "key_hash=?13 AND source=?1 AND entity=?2 AND external_id=?3"
                : "INSERT INTO records(source, entity, external_id, "
                  "content_hash, updated_us, deleted, is_event, occurred_us, "
                  "profile_id, account_id, payload, ingest_us, key_hash, "
                  "origin_id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)"));
    int64_t key_hash = KeyHash(r.source(), r.entity(), r.external_id());
    if (!stored.replaces && filter_->MayContain(static_cast<uint64_t>(key_hash)) &&
        known_absent_.erase(KeyString(r.source(), r.entity(), r.external_id())) == 0) {
      // The one writer keeps keys unique: refuse a key that exists. A key the
      // filter has never seen, or that FindRecord just looked up and found
      // absent, needs no second look.
      HUB_ASSIGN_OR_RETURN(std::optional<RecordInfo> existing,
                           FindRecord(RecordKey{r.source(), r.entity(), r.external_id()}));
      known_absent_.erase(KeyString(r.source(), r.entity(), r.external_id()));
      if (existing) {
        return absl::FailedPreconditionError(absl::StrCat(
            "record ", r.source(), "/", hub::v1::EntityType_Name(r.entity()),
            "/", r.external_id(), " exists"));
      }
    }
    ScopedReset reset(s);
    bool event = IsEvent(r.entity());
    s->Bind(1, r.source()).Bind(2, int64_t{r.entity()}).Bind(3, r.external_id());
    s->Bind(4, static_cast<int64_t>(stored.content_hash));
    s->Bind(5, absl::ToUnixMicros(FromProtoTime(r.updated_at())));
    s->Bind(6, int64_t{r.deleted()}).Bind(7, int64_t{event});
    if (event) {
      // A tombstone without an event time is dated at its deletion.
      s->Bind(8, absl::ToUnixMicros(FromProtoTime(r.has_occurred_at() ? r.occurred_at()
                                                                      : r.updated_at())));
    } else {
      s->BindNull(8);
    }
    BindId(s, 9, stored.profile_id);
    BindId(s, 10, stored.account_id);
    if (stored.payload.empty()) {
      s->BindBlob(11, Serialize(r));
    } else {
      s->BindBlob(11, stored.payload);
    }
    s->Bind(12, now_us_).Bind(13, key_hash);
    BindId(s, 14, stored.origin_id != 0 ? stored.origin_id : stored.profile_id);
    HUB_RETURN_IF_ERROR(s->Run());
    if (stored.replaces && conn_->Changes() == 0) {
      return absl::NotFoundError(absl::StrCat(
          "no record ", r.source(), "/", hub::v1::EntityType_Name(r.entity()),
          "/", r.external_id(), " to replace"));
    }
    if (stored.replaces) return int64_t{0};
    filter_->Add(static_cast<uint64_t>(key_hash));
    return conn_->LastInsertId();
  }

  absl::StatusOr<std::vector<std::pair<int64_t, hub::v1::SourceRecord>>> RecordsBySeq(
      const std::vector<int64_t>& seqs) override {
    return sqlite_internal::RecordsBySeq(conn_, seqs);
  }
  absl::Status AddStageNotes(const std::vector<StageNote>& notes) override {
    return sqlite_internal::AddStageNotes(conn_, notes);
  }
  absl::StatusOr<int64_t> PendingStageNotes() override {
    return sqlite_internal::PendingStageNotes(conn_);
  }
  absl::StatusOr<std::vector<StageNote>> TakeStageNotes() override {
    return sqlite_internal::TakeStageNotes(conn_);
  }

  absl::StatusOr<std::vector<hub::v1::SourceRecord>> RecordsOf(
      int64_t id) override {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("SELECT payload FROM records WHERE profile_id=? AND "
                       "is_event=0 ORDER BY source, entity, external_id"));
    ScopedReset reset(s);
    s->Bind(1, id);
    return sqlite_internal::ReadRecords(s);
  }

  absl::StatusOr<std::optional<StageState>> GetStageState(int64_t id) override {
    return sqlite_internal::GetStageState(conn_, id);
  }
  absl::Status PutStageState(int64_t id, const StageState& state) override {
    return sqlite_internal::PutStageState(conn_, id, state);
  }
  absl::Status DeleteStageState(int64_t id) override {
    return sqlite_internal::DeleteStageState(conn_, id);
  }
  absl::Status AddMetricCounts(MetricDeltas deltas) override {
    if (opportunity_deltas_.empty()) {
      opportunity_deltas_ = std::move(deltas);
    } else {
      for (const auto& [segment, changes] : deltas) {
        auto& into = opportunity_deltas_[segment];
        for (const auto& [key, n] : changes) into[key] += n;
      }
    }
    return absl::OkStatus();
  }
  absl::Status AddFunnelCounts(FunnelDeltas deltas) override {
    if (funnel_.empty()) {
      funnel_ = std::move(deltas);
    } else {
      for (const auto& [key, n] : deltas) funnel_[key] += n;
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<hub::v1::SourceRecord>> PersonRecordsOf(
      int64_t id) override {
    return sqlite_internal::PersonRecordsOf(conn_, id);
  }
  absl::StatusOr<std::vector<hub::v1::SourceRecord>> OpportunitiesOf(
      int64_t account_id) override {
    return sqlite_internal::OpportunitiesOf(conn_, account_id);
  }
  absl::StatusOr<std::vector<int64_t>> MembersOf(int64_t account_id) override {
    return sqlite_internal::MembersOf(conn_, account_id);
  }
  absl::Status AddDomainWait(const std::string& domain, int64_t origin_id,
                             int64_t observed_us) override {
    return sqlite_internal::AddDomainWait(conn_, domain, origin_id, observed_us);
  }
  absl::StatusOr<std::vector<std::pair<int64_t, int64_t>>> TakeDomainWaits(
      const std::string& domain) override {
    return sqlite_internal::TakeDomainWaits(conn_, domain);
  }

  absl::StatusOr<std::optional<int64_t>> FindIdentity(
      Side side, const std::string& type, const std::string& value) override {
    HUB_ASSIGN_OR_RETURN(IdentityRow row, CachedIdentity(side, type, value));
    if (row.profile_id == 0) return std::optional<int64_t>();
    return std::optional<int64_t>(Live(row.profile_id));
  }

  absl::StatusOr<std::optional<int64_t>> IdentityOrigin(
      Side side, const std::string& type, const std::string& value) override {
    HUB_ASSIGN_OR_RETURN(IdentityRow row, CachedIdentity(side, type, value));
    if (row.profile_id == 0) return std::optional<int64_t>();
    return std::optional<int64_t>(row.origin_id);
  }

  absl::Status AddIdentity(Side side, const std::string& type,
                           const std::string& value, int64_t id,
                           const std::string& source, int64_t origin_id) override {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("INSERT INTO identities(side, type, value, profile_id, "
                       "source, first_seen_us, origin_id) VALUES(?,?,?,?,?,?,?)"));
    ScopedReset reset(s);
    if (origin_id == 0) origin_id = id;
    s->Bind(1, int64_t{SideInt(side)}).Bind(2, type).Bind(3, value);
    s->Bind(4, id).Bind(5, source).Bind(6, now_us_).Bind(7, origin_id);
    HUB_RETURN_IF_ERROR(s->Run());
    identity_cache_[CacheKey(side, type, value)] = IdentityRow{id, origin_id};
    return absl::OkStatus();
  }

  absl::StatusOr<absl::flat_hash_map<std::string, int>> IdentityCounts(
      int64_t id) override {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("SELECT type, count(*) FROM identities WHERE "
                       "profile_id=? GROUP BY type"));
    ScopedReset reset(s);
    s->Bind(1, id);
    absl::flat_hash_map<std::string, int> out;
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out[s->Text(0)] = static_cast<int>(s->Int(1));
    }
    return out;
  }

  absl::Status AddRefusal(const RefusalEntry& e) override {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("INSERT INTO identity_refusals(side, type, value, "
                       "holder, target, reason, source, entity, external_id, "
                       "at_us) VALUES(?,?,?,?,?,?,?,?,?,?)"));
    ScopedReset reset(s);
    s->Bind(1, int64_t{SideInt(e.side)}).Bind(2, e.type).Bind(3, e.value);
    BindId(s, 4, e.holder);
    BindId(s, 5, e.target);
    s->Bind(6, e.reason).Bind(7, e.record.source);
    s->Bind(8, int64_t{e.record.entity}).Bind(9, e.record.external_id);
    s->Bind(10, now_us_);
    return s->Run();
  }

  absl::StatusOr<int> ProfilesSeenWith(Side side, const std::string& type,
                                       const std::string& value) override {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("SELECT count(DISTINCT target) FROM identity_refusals "
                       "WHERE side=? AND type=? AND value=? AND target IS NOT "
                       "NULL AND target IS NOT holder"));
    ScopedReset reset(s);
    s->Bind(1, int64_t{SideInt(side)}).Bind(2, type).Bind(3, value);
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    int refused_on = row ? static_cast<int>(s->Int(0)) : 0;
    HUB_ASSIGN_OR_RETURN(std::optional<IdentityRow> holder,
                         LookupIdentity(conn_, side, type, value));
    return refused_on + (holder ? 1 : 0);
  }

  absl::Status MarkHot(Side side, const std::string& type,
                       const std::string& value, int profiles) override {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("INSERT OR REPLACE INTO hot_identities(side, type, "
                       "value, profiles, flagged_us) VALUES(?,?,?,?,?)"));
    ScopedReset reset(s);
    s->Bind(1, int64_t{SideInt(side)}).Bind(2, type).Bind(3, value);
    s->Bind(4, int64_t{profiles}).Bind(5, now_us_);
    HUB_RETURN_IF_ERROR(s->Run());
    any_hot_ = true;
    hot_cache_[CacheKey(side, type, value)] = true;
    return absl::OkStatus();
  }

  absl::StatusOr<bool> IsHot(Side side, const std::string& type,
                             const std::string& value) override {
    if (!any_hot_.has_value()) {  // once per transaction: usually none at all
      HUB_ASSIGN_OR_RETURN(
          Statement * any,
          conn_->Prepare("SELECT EXISTS(SELECT 1 FROM hot_identities)"));
      ScopedReset reset(any);
      HUB_ASSIGN_OR_RETURN(bool row, any->Step());
      any_hot_ = row && any->Int(0) != 0;
    }
    if (!*any_hot_) return false;
    std::string key = CacheKey(side, type, value);
    if (auto it = hot_cache_.find(key); it != hot_cache_.end()) return it->second;
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("SELECT 1 FROM hot_identities WHERE side=? AND type=? "
                       "AND value=?"));
    ScopedReset reset(s);
    s->Bind(1, int64_t{SideInt(side)}).Bind(2, type).Bind(3, value);
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    hot_cache_.emplace(std::move(key), row);
    return row;
  }

  absl::StatusOr<int64_t> CreateProfile(Side side) override {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("INSERT INTO profiles(side, create_us, update_us) "
                       "VALUES(?,?,?)"));
    ScopedReset reset(s);
    s->Bind(1, int64_t{SideInt(side)}).Bind(2, now_us_).Bind(3, now_us_);
    HUB_RETURN_IF_ERROR(s->Run());
    int64_t id = conn_->LastInsertId();
    HUB_RETURN_IF_ERROR(NoteChange(side, id, "created"));
    return id;
  }

  absl::Status Merge(const MergeEntry& e) override {
    HUB_RETURN_IF_ERROR(CheckLive(e.side, e.winner));
    HUB_RETURN_IF_ERROR(CheckLive(e.side, e.loser));
    HUB_RETURN_IF_ERROR(Update("UPDATE identities SET profile_id=? WHERE profile_id=?", e));
    HUB_RETURN_IF_ERROR(Update("UPDATE records SET profile_id=? WHERE profile_id=?", e));
    // Account links are not rewritten: readers follow the account's forwarding.
    if (e.side == Side::kPerson) HUB_RETURN_IF_ERROR(InheritAccount(e.winner, e.loser));
    HUB_RETURN_IF_ERROR(Update("UPDATE profiles SET forward_to=? WHERE forward_to=?", e));
    HUB_RETURN_IF_ERROR(Update(
        "UPDATE profiles SET forward_to=?1, account_id=NULL WHERE id=?2", e));
    HUB_ASSIGN_OR_RETURN(Statement * del,
                         conn_->Prepare("DELETE FROM traits WHERE profile_id=?"));
    {
      ScopedReset reset(del);
      HUB_RETURN_IF_ERROR(del->Bind(1, e.loser).Run());
    }
    HUB_RETURN_IF_ERROR(AppendMergeEntry(conn_, e, now_us_).status());
    forwarded_[e.loser] = e.winner;
    HUB_RETURN_IF_ERROR(NoteChange(e.side, e.winner, "merged"));
    return NoteChange(e.side, e.loser, "merged");
  }

  absl::StatusOr<int64_t> ResolveId(Side side, int64_t id) override {
    return LiveId(conn_, side, id);
  }

  absl::StatusOr<MergeEntry> GetMergeEntry(int64_t seq) override {
    return sqlite_internal::GetMergeEntry(conn_, seq);
  }

  absl::StatusOr<std::vector<MergeEntry>> ActiveMerges(Side side,
                                                       int64_t id) override {
    return sqlite_internal::ActiveMerges(conn_, side, id);
  }

  absl::Status Split(const SplitPlan& plan) override {
    HUB_RETURN_IF_ERROR(CheckLive(plan.side, plan.root));
    HUB_ASSIGN_OR_RETURN(int64_t loser_live, LiveId(conn_, plan.side, plan.loser));
    if (loser_live != plan.root || plan.loser == plan.root) {
      return absl::FailedPreconditionError(absl::StrCat(
          plan.loser, " is not merged into ", plan.root));
    }
    HUB_RETURN_IF_ERROR(MoveSide(conn_, plan));
    if (plan.side == Side::kPerson) {
      HUB_RETURN_IF_ERROR(RestoreAccountLink(conn_, plan.root));
      HUB_RETURN_IF_ERROR(RestoreAccountLink(conn_, plan.loser));
    }
    HUB_RETURN_IF_ERROR(AppendMergeEntry(conn_, plan.unmerge, now_us_).status());
    // Cached holders and this transaction's merges may predate the split.
    identity_cache_.clear();
    forwarded_.clear();
    HUB_RETURN_IF_ERROR(NoteChange(plan.side, plan.root, "unmerged"));
    return NoteChange(plan.side, plan.loser, "unmerged");
  }

  absl::StatusOr<bool> IsDoNotLinked(Side side, int64_t a, int64_t b) override {
    HUB_ASSIGN_OR_RETURN(int64_t live_a, LiveId(conn_, side, a));
    HUB_ASSIGN_OR_RETURN(int64_t live_b, LiveId(conn_, side, b));
    if (live_a == live_b) return false;
    if (!any_do_not_link_.has_value()) {  // usually there are none at all
      HUB_ASSIGN_OR_RETURN(
          Statement * any,
          conn_->Prepare("SELECT EXISTS(SELECT 1 FROM do_not_link)"));
      ScopedReset reset(any);
      HUB_ASSIGN_OR_RETURN(bool row, any->Step());
      any_do_not_link_ = row && any->Int(0) != 0;
    }
    if (!*any_do_not_link_) return false;
    return sqlite_internal::IsDoNotLinked(conn_, live_a, live_b);
  }

  absl::Status AddDoNotLink(Side side, int64_t a, int64_t b,
                            const std::string& who) override {
    HUB_RETURN_IF_ERROR(CheckLive(side, a));
    HUB_RETURN_IF_ERROR(CheckLive(side, b));
    if (a == b) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot keep ", a, " apart from itself"));
    }
    HUB_RETURN_IF_ERROR(sqlite_internal::AddDoNotLink(conn_, side, a, b, who, now_us_));
    any_do_not_link_ = true;
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<NamedTrait>> GetTraits(int64_t id) override {
    return ReadTraits(conn_, id);
  }

  absl::Status PutTraits(int64_t id,
                         const std::vector<NamedTrait>& traits) override {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("INSERT OR REPLACE INTO traits(profile_id, name, value, "
                       "source, entity, external_id, observed_us, rule) "
                       "VALUES(?,?,?,?,?,?,?,?)"));
    for (const NamedTrait& t : traits) {
      ScopedReset reset(s);
      s->Bind(1, id).Bind(2, t.name).Bind(3, t.value.value);
      s->Bind(4, t.value.source).Bind(5, int64_t{t.value.entity});
      s->Bind(6, t.value.external_id).Bind(7, t.value.observed_us);
      s->Bind(8, t.value.rule);
      HUB_RETURN_IF_ERROR(s->Run());
    }
    return absl::OkStatus();
  }

  absl::Status ReplaceTraits(int64_t id,
                             const std::vector<NamedTrait>& traits) override {
    HUB_ASSIGN_OR_RETURN(Statement * del,
                         conn_->Prepare("DELETE FROM traits WHERE profile_id=?"));
    {
      ScopedReset reset(del);
      HUB_RETURN_IF_ERROR(del->Bind(1, id).Run());
    }
    return PutTraits(id, traits);
  }

  absl::Status SetAccount(int64_t person_id, int64_t account_id,
                          int64_t observed_us, int64_t origin_id) override {
    // One statement for the person's current link and its origin's own link
    // (usually one row): each takes the new link if it is the later one.
#define HUB_LATER(col, obs) \
  "(" obs " IS NULL OR " obs "<?3 OR (" obs "=?3 AND " col "<=?2))"
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare(
            "UPDATE profiles SET "
            "account_id=CASE WHEN id=?1 AND " HUB_LATER("account_id", "account_observed_us")
            " THEN ?2 ELSE account_id END, "
            "account_observed_us=CASE WHEN id=?1 AND " HUB_LATER("account_id", "account_observed_us")
            " THEN ?3 ELSE account_observed_us END, "
            "own_account_id=CASE WHEN id=?4 AND " HUB_LATER("own_account_id", "own_account_observed_us")
            " THEN ?2 ELSE own_account_id END, "
            "own_account_observed_us=CASE WHEN id=?4 AND " HUB_LATER("own_account_id", "own_account_observed_us")
            " THEN ?3 ELSE own_account_observed_us END "
            "WHERE id IN (?1, ?4)"));
#undef HUB_LATER
    ScopedReset reset(s);
    s->Bind(1, person_id).Bind(2, account_id).Bind(3, observed_us);
    s->Bind(4, origin_id != 0 ? origin_id : person_id);
    return s->Run();
  }


  absl::StatusOr<ErasedProfile> EraseProfile(int64_t live) override {
    HUB_ASSIGN_OR_RETURN(ErasedProfile erased, sqlite_internal::EraseProfile(conn_, live));
    identity_cache_.clear();  // it may name the erased identities
    HUB_RETURN_IF_ERROR(NoteChange(Side::kPerson, live, "erased"));
    return erased;
  }

  absl::Status Suppress(const std::string& type, const std::string& value) override {
    if (suppression_key_.empty()) {
      HUB_ASSIGN_OR_RETURN(suppression_key_, sqlite_internal::SuppressionKey(conn_));
    }
    any_suppressed_ = true;
    return sqlite_internal::AddSuppressed(
        conn_, sqlite_internal::SuppressionHash(suppression_key_, type, value), now_us_);
  }

  absl::StatusOr<bool> IsSuppressed(const std::string& type, const std::string& value) override {
    if (!any_suppressed_.has_value()) {
      HUB_ASSIGN_OR_RETURN(any_suppressed_, sqlite_internal::AnySuppressed(conn_));
    }
    if (!*any_suppressed_) return false;
    if (suppression_key_.empty()) {
      HUB_ASSIGN_OR_RETURN(suppression_key_, sqlite_internal::SuppressionKey(conn_));
    }
    return sqlite_internal::HasSuppressed(
        conn_, sqlite_internal::SuppressionHash(suppression_key_, type, value));
  }

  absl::StatusOr<std::string> SecretKey(const std::string& name) override {
    return sqlite_internal::SecretKey(conn_, name);
  }

  absl::StatusOr<AuditEntry> AppendAudit(AuditEntry entry) override {
    const Actor& a = entry.actor;
    // One request may write several entries (a merge suggestion accepted and
    // the merge it makes): the first registers it. Checked before the
    // append, so a refused entry leaves nothing behind.
    const bool registers =
        !a.request_fingerprint.empty() && !a.request_id.empty() &&
        !requests_.contains(absl::StrCat(a.principal, "\x1f", a.request_id));
    if (registers) HUB_RETURN_IF_ERROR(sqlite_internal::RefuseRegistered(conn_, a));
    HUB_ASSIGN_OR_RETURN(AuditEntry written,
                         sqlite_internal::AppendAudit(conn_, std::move(entry), now_us_));
    if (registers) {
      HUB_RETURN_IF_ERROR(sqlite_internal::RegisterRequest(conn_, written));
      requests_.insert(absl::StrCat(written.actor.principal, "\x1f", written.actor.request_id));
    }
    return written;
  }

  absl::Status SaveResponse(const std::string& principal, const std::string& request_id,
                            const std::string& response) override {
    return sqlite_internal::SaveResponse(conn_, principal, request_id, response);
  }

  absl::StatusOr<std::map<std::string, std::string>> PolicyDigests() override {
    return sqlite_internal::PolicyDigests(conn_);
  }

  absl::Status SetPolicyDigest(const std::string& section,
                               const std::string& digest) override {
    return sqlite_internal::SetPolicyDigest(conn_, section, digest);
  }

  absl::StatusOr<LegalHold> PlaceLegalHold(LegalHold hold) override {
    return sqlite_internal::PlaceLegalHold(conn_, std::move(hold), now_us_);
  }

  absl::StatusOr<LegalHold> ReleaseLegalHold(int64_t seq, const std::string& who) override {
    return sqlite_internal::ReleaseLegalHold(conn_, seq, who, now_us_);
  }

  absl::StatusOr<std::vector<LegalHold>> LegalHoldsOn(int64_t live) override {
    if (live == 0) return std::vector<LegalHold>();  // 0 would mean every hold
    return sqlite_internal::LegalHolds(conn_, live);
  }

  absl::StatusOr<PurgeStepResult> PurgeExpired(const PurgeStep& step) override {
    return sqlite_internal::PurgeExpired(conn_, step, now_us_);
  }

  absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> RetainedFacts(
      int64_t live) override {
    return sqlite_internal::RetainedFacts(conn_, live);
  }

  absl::Status PutRetainedFacts(int64_t origin_id, const std::string& facts) override {
    return sqlite_internal::PutRetainedFacts(conn_, origin_id, facts);
  }

  absl::StatusOr<QuarantineEntry> TakeQuarantined(int64_t seq) override {
    QuarantineEntry e;
    {
      HUB_ASSIGN_OR_RETURN(
          Statement * s,
          conn_->Prepare("SELECT payload, content_hash, reason, at_us FROM quarantine "
                         "WHERE seq=?"));
      ScopedReset reset(s);
      s->Bind(1, seq);
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return absl::NotFoundError(absl::StrCat("quarantine/", seq, " not found"));
      HUB_ASSIGN_OR_RETURN(e.record, Parse<hub::v1::SourceRecord>(s->Text(0), "record"));
      e.content_hash = static_cast<uint64_t>(s->Int(1));
      e.reason = s->Text(2);
      e.seq = seq;
      e.at_us = s->Int(3);
    }
    HUB_ASSIGN_OR_RETURN(Statement * del, conn_->Prepare("DELETE FROM quarantine WHERE seq=?"));
    ScopedReset reset(del);
    del->Bind(1, seq);
    HUB_RETURN_IF_ERROR(del->Run());
    return e;
  }

  absl::StatusOr<bool> Quarantine(const QuarantineEntry& entry) override {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("INSERT OR IGNORE INTO quarantine(source, entity, "
                       "external_id, content_hash, reason, payload, at_us) "
                       "VALUES(?,?,?,?,?,?,?)"));
    ScopedReset reset(s);
    const hub::v1::SourceRecord& r = entry.record;
    s->Bind(1, r.source()).Bind(2, int64_t{r.entity()}).Bind(3, r.external_id());
    s->Bind(4, static_cast<int64_t>(entry.content_hash)).Bind(5, entry.reason);
    s->BindBlob(6, Serialize(r)).Bind(7, now_us_);
    HUB_RETURN_IF_ERROR(s->Run());
    return conn_->Changes() > 0;
  }

  absl::Status NoteChange(Side side, int64_t id,
                          const std::string& change) override {
    int rank = ChangeRank(change);
    auto [it, inserted] = changes_.emplace(id, std::make_pair(side, rank));
    if (!inserted && rank > it->second.second) it->second.second = rank;
    return absl::OkStatus();
  }

  absl::Status SaveCursor(const std::string& source_name,
                          const std::string& cursor) override {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("UPDATE sources SET cursor=?, cursor_us=? WHERE id=?"));
    ScopedReset reset(s);
    s->Bind(1, cursor).Bind(2, now_us_).Bind(3, source_name);
    HUB_RETURN_IF_ERROR(s->Run());
    if (conn_->Changes() == 0) {
      return absl::NotFoundError(absl::StrCat("source ", source_name));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<int64_t> CurrentAccount(int64_t id) override {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("SELECT (SELECT COALESCE(a.forward_to, a.id) FROM profiles a "
                       "WHERE a.id=p.account_id) FROM profiles p WHERE p.id=?"));
    ScopedReset reset(s);
    s->Bind(1, id);
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return absl::NotFoundError(absl::StrCat("profiles/", id, " not found"));
    return s->IsNull(0) ? 0 : s->Int(0);
  }

  absl::Status SetMatchKeys(int64_t id, const std::vector<uint64_t>& keys) override {
    return sqlite_internal::SetMatchKeys(conn_, id, keys);
  }
  absl::StatusOr<std::vector<int64_t>> MatchCandidates(
      const std::vector<uint64_t>& keys, int max_per_key) override {
    return sqlite_internal::MatchCandidates(conn_, keys, max_per_key);
  }
  absl::StatusOr<bool> AddMergeSuggestion(const MergeSuggestion& s) override {
    return sqlite_internal::AddMergeSuggestion(conn_, s, now_us_);
  }
  absl::StatusOr<MergeSuggestion> GetMergeSuggestion(int64_t seq) override {
    HUB_ASSIGN_OR_RETURN(std::vector<MergeSuggestion> found,
                         sqlite_internal::ReadMergeSuggestions(
                             conn_, std::nullopt, 0, 1, seq));
    if (found.empty()) {
      return absl::NotFoundError(absl::StrCat("mergeSuggestions/", seq, " not found"));
    }
    return found.front();
  }
  absl::Status DecideMergeSuggestion(int64_t seq, MergeSuggestion::State state,
                                     const std::string& who) override {
    return sqlite_internal::DecideMergeSuggestion(conn_, seq, state, who, now_us_);
  }

  absl::Status UpdateSyncJob(const std::string& source_id, int64_t job_id,
                             const hub::v1::SyncJob& job) override {
    return UpdateSyncJobRow(conn_, source_id, job_id, job);
  }

  absl::StatusOr<bool> PutConsentSignal(const ConsentSignal& signal) override {
    return sqlite_internal::PutConsentSignal(conn_, signal);
  }
  absl::StatusOr<std::vector<ConsentSignal>> ConsentSignalsOf(int64_t id) override {
    return sqlite_internal::ConsentSignalsOf(conn_, {id});
  }

  absl::Status Commit() override {
    HUB_RETURN_IF_ERROR(WriteChanges());
    HUB_RETURN_IF_ERROR(conn_->Exec("COMMIT"));
    done_ = true;
    funnel_index_->Apply(funnel_);  // the histories it derives from are durable
    opportunity_index_->Apply(opportunity_deltas_);
    return absl::OkStatus();
  }

 private:
  static std::string CacheKey(Side side, const std::string& type,
                              const std::string& value) {
    return absl::StrCat(SideInt(side), "\x1f", type, "\x1f", value);
  }

  // Follows merges made in this transaction (cached holders may predate them).
  int64_t Live(int64_t id) const {
    for (auto it = forwarded_.find(id); it != forwarded_.end();
         it = forwarded_.find(id)) {
      id = it->second;
    }
    return id;
  }

  static void BindId(Statement* s, int i, int64_t id) {
    if (id == 0) {
      s->BindNull(i);
    } else {
      s->Bind(i, id);
    }
  }

  // Runs `sql` with ?1 = winner, ?2 = loser.
  absl::Status Update(const char* sql, const MergeEntry& e) {
    HUB_ASSIGN_OR_RETURN(Statement * s, conn_->Prepare(sql));
    ScopedReset reset(s);
    s->Bind(1, e.winner).Bind(2, e.loser);
    return s->Run();
  }

  absl::Status CheckLive(Side side, int64_t id) {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("SELECT 1 FROM profiles WHERE id=? AND side=? AND "
                       "forward_to IS NULL"));
    ScopedReset reset(s);
    s->Bind(1, id).Bind(2, int64_t{SideInt(side)});
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return absl::NotFoundError(absl::StrCat("no live profile ", id));
    return absl::OkStatus();
  }

  // The winner keeps the account link observed last of the two (of two at
  // one time, the larger account id, as SetAccount).
  absl::Status InheritAccount(int64_t winner, int64_t loser) {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("SELECT account_id, account_observed_us FROM profiles "
                       "WHERE id=? AND account_id IS NOT NULL"));
    int64_t account = 0, observed = 0;
    {
      ScopedReset reset(s);
      s->Bind(1, loser);
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return absl::OkStatus();
      account = s->Int(0);
      observed = s->Int(1);
    }
    HUB_ASSIGN_OR_RETURN(
        Statement * u,
        conn_->Prepare("UPDATE profiles SET account_id=?2, account_observed_us=?3 "
                       "WHERE id=?1 AND (account_observed_us IS NULL OR "
                       "account_observed_us<?3 OR (account_observed_us=?3 AND "
                       "account_id<=?2))"));
    ScopedReset reset(u);
    return u->Bind(1, winner).Bind(2, account).Bind(3, observed).Run();
  }

  // The identity row of a key, cached for the transaction (0: absent).
  absl::StatusOr<IdentityRow> CachedIdentity(Side side, const std::string& type,
                                             const std::string& value) {
    std::string key = CacheKey(side, type, value);
    if (auto it = identity_cache_.find(key); it != identity_cache_.end()) {
      return it->second;
    }
    HUB_ASSIGN_OR_RETURN(std::optional<IdentityRow> row,
                         LookupIdentity(conn_, side, type, value));
    IdentityRow found = row.value_or(IdentityRow{});
    identity_cache_.emplace(std::move(key), found);
    return found;
  }

  absl::Status WriteChanges() {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("INSERT INTO change_log(side, profile_id, change, "
                       "at_us) VALUES(?,?,?,?)"));
    HUB_ASSIGN_OR_RETURN(
        Statement * touch,
        conn_->Prepare("UPDATE profiles SET update_us=? WHERE id=?"));
    // In id order, so the log reads the same however the batch ran.
    std::vector<std::pair<int64_t, std::pair<Side, int>>> changes(changes_.begin(),
                                                                  changes_.end());
    std::sort(changes.begin(), changes.end());
    for (const auto& [id, change] : changes) {
      {
        ScopedReset reset(s);
        s->Bind(1, int64_t{SideInt(change.first)}).Bind(2, id);
        s->Bind(3, kChanges[change.second]).Bind(4, now_us_);
        HUB_RETURN_IF_ERROR(s->Run());
      }
      // A new stage is derived, not a change of the profile's data.
      if (change.second == 0) continue;
      ScopedReset reset(touch);
      HUB_RETURN_IF_ERROR(touch->Bind(1, now_us_).Bind(2, id).Run());
    }
    return absl::OkStatus();
  }

  Connection* conn_;
  absl::Mutex* mu_;
  KeyFilter* filter_;
  FunnelIndex* funnel_index_;
  FunnelDeltas funnel_;  // applied to funnel_index_ on commit
  MetricIndex* opportunity_index_;
  MetricDeltas opportunity_deltas_;  // applied to opportunity_index_ on commit
 // every key in the store (and inserted by this tx)
  int64_t now_us_;
  bool done_ = false;
  // Profiles changed in this transaction: id -> (side, change rank).
  absl::flat_hash_map<int64_t, std::pair<Side, int>> changes_;
  // Identity lookups made in this transaction: key -> row (holder 0:
  // absent). Bounded by the batch; dropped with the transaction.
  absl::flat_hash_map<std::string, IdentityRow> identity_cache_;
  // Whether any do-not-link constraint exists (asked once per transaction).
  std::optional<bool> any_do_not_link_;
  // IsHot answers in this transaction: whether any value is hot, and per
  // key.
  std::optional<bool> any_hot_;
  absl::flat_hash_map<std::string, bool> hot_cache_;
  // The suppression list: its key once read, and whether it holds anything
  // (asked once per transaction, so a hub that never erased pays nothing).
  std::string suppression_key_;
  std::optional<bool> any_suppressed_;
  // Merges made in this transaction: loser -> winner.
  absl::flat_hash_map<int64_t, int64_t> forwarded_;
  // Record keys the filter could not rule out that FindRecord then found
  // absent, and not inserted since.
  absl::flat_hash_set<std::string> known_absent_;
  // Requests (principal "\x1f" request id) this transaction registered.
  absl::flat_hash_set<std::string> requests_;
};
}  // namespace

absl::StatusOr<std::unique_ptr<WriteTransaction>> BeginWrite(
    sqlite::Connection* conn, absl::Mutex* mu, KeyFilter* filter, FunnelIndex* funnel,
    MetricIndex* opportunities) {
  auto tx = std::make_unique<SqliteWriteTransaction>(conn, mu, filter, funnel, opportunities);
  HUB_RETURN_IF_ERROR(tx->Begin());  // on error tx's destructor unlocks
  return std::unique_ptr<WriteTransaction>(std::move(tx));
}

}  // namespace sqlite_internal
}  // namespace hub
