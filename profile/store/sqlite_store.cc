#include "profile/store/sqlite_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>

#include <cstdint>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "profile/base/status_macros.h"
#include "profile/base/time_util.h"
#include "profile/store/key_filter.h"
#include "profile/store/sqlite_audit.h"
#include "profile/store/sqlite_consent.h"
#include "profile/store/sqlite_internal.h"
#include "profile/store/sqlite_lifecycle.h"
#include "profile/store/sqlite_matching.h"
#include "profile/store/sqlite_ledger.h"
#include "profile/store/sqlite_query.h"
#include "profile/store/sqlite_retention.h"
#include "profile/store/sqlite_schema.h"
#include "profile/store/sqlite_util.h"
#include "profile/store/sqlite_write_transaction.h"

namespace hub {
namespace {

using sqlite::Connection;
using sqlite::ScopedReset;
using sqlite::Statement;
using sqlite_internal::IsEvent;
using sqlite_internal::NowMicros;
using sqlite_internal::Parse;
using sqlite_internal::Serialize;
using sqlite_internal::SideInt;

using sqlite::Connection;
using sqlite::ScopedReset;
using sqlite::Statement;

// Reads the ids a query bound with LIMIT `limit` + 1 returns: the page, and
// whether more follow.
absl::StatusOr<IdPage> ReadIdPage(Statement* s, int limit) {
  IdPage page;
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    page.ids.push_back(s->Int(0));
  }
  if (static_cast<int>(page.ids.size()) > limit) {
    page.ids.pop_back();
    page.more = true;
  }
  return page;
}

class SqliteStore : public Store {
 public:
  SqliteStore(SqliteStoreOptions options, std::unique_ptr<Connection> writer)
      : options_(std::move(options)), writer_(std::move(writer)) {}

  // Builds the key filter from the stored keys (an index-only scan, O(n)).
  absl::Status LoadKeyFilter() {
    absl::MutexLock lock(&writer_mu_);
    return RebuildKeyFilter();
  }

  // Builds the funnel counters from the stored stage histories (one scan,
  // O(transitions)).
  absl::Status LoadFunnel() {
    absl::MutexLock lock(&writer_mu_);
    return sqlite_internal::LoadFunnel(writer_.get(), &funnel_, &opportunities_);
  }

  absl::StatusOr<std::unique_ptr<WriteTransaction>> BeginWrite() override {
    writer_mu_.Lock();
    if (filter_->size() > filter_->capacity()) {
      // Grown past its capacity: rebuild twice as large (amortised O(1)).
      if (absl::Status s = RebuildKeyFilter(); !s.ok()) {
        writer_mu_.Unlock();
        return s;
      }
    }
    return sqlite_internal::BeginWrite(writer_.get(), &writer_mu_, filter_.get(), &funnel_,
                                       &opportunities_);
  }

  absl::StatusOr<int64_t> ResolveId(Side side, int64_t id) override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    return ResolveIdOn(lease.conn, side, id);
  }

  absl::StatusOr<hub::v1::Profile> GetProfile(int64_t id,
                                              bool with_lineage) override;
  absl::StatusOr<hub::v1::Account> GetAccount(int64_t id,
                                              bool with_lineage) override;

  absl::StatusOr<int64_t> FindIdentity(Side side, const std::string& type,
                                       const std::string& value) override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    HUB_ASSIGN_OR_RETURN(std::optional<sqlite_internal::IdentityRow> holder,
                         sqlite_internal::LookupIdentity(lease.conn, side, type, value));
    if (!holder) {
      return absl::NotFoundError(
          absl::StrCat("no ", side == Side::kPerson ? "profile" : "account",
                       " has ", type, " \"", value, "\""));
    }
    return holder->profile_id;
  }

  absl::StatusOr<IdPage> ListIds(Side side, int64_t after_id,
                                 int limit) override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        lease.conn->Prepare("SELECT id FROM profiles WHERE side=? AND "
                            "forward_to IS NULL AND id>? ORDER BY id LIMIT ?"));
    ScopedReset reset(s);
    s->Bind(1, int64_t{SideInt(side)}).Bind(2, after_id).Bind(3, int64_t{limit + 1});
    return ReadIdPage(s, limit);
  }

  absl::StatusOr<std::vector<std::pair<hub::v1::Event, int64_t>>> ListEvents(
      int64_t id, int64_t before_us, int64_t before_seq, int limit) override;

  absl::StatusOr<std::vector<ProfileRow>> QueryProfiles(const ProfileQuery& query) override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    return sqlite::QueryProfilesOn(lease.conn, query);
  }

  absl::StatusOr<IdPage> ListMembers(int64_t account_id, int64_t after_id,
                                     int limit) override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        lease.conn->Prepare("SELECT id FROM profiles WHERE account_id IN "
                            "(SELECT id FROM profiles WHERE id=?1 OR "
                            "forward_to=?1) AND forward_to IS NULL AND id>?2 "
                            "ORDER BY id LIMIT ?3"));
    ScopedReset reset(s);
    s->Bind(1, account_id).Bind(2, after_id).Bind(3, int64_t{limit + 1});
    return ReadIdPage(s, limit);
  }

  absl::Status CreateSource(const std::string& id,
                            const hub::v1::Source& source) override {
    return WriteOne(
        "INSERT INTO sources(id, payload) VALUES(?,?)",
        [&](Statement* s) { s->Bind(1, id).BindBlob(2, Serialize(source)); },
        [&] { return absl::AlreadyExistsError(absl::StrCat("source \"", id, "\" already exists")); });
  }

  absl::StatusOr<hub::v1::Source> GetSource(const std::string& id) override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        lease.conn->Prepare("SELECT payload FROM sources WHERE id=?"));
    ScopedReset reset(s);
    s->Bind(1, id);
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return absl::NotFoundError(absl::StrCat("source \"", id, "\" not found"));
    return Parse<hub::v1::Source>(s->Text(0), "source");
  }

  absl::StatusOr<std::vector<hub::v1::Source>> ListSources() override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        lease.conn->Prepare("SELECT payload FROM sources ORDER BY id"));
    ScopedReset reset(s);
    std::vector<hub::v1::Source> out;
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      HUB_ASSIGN_OR_RETURN(hub::v1::Source src,
                           Parse<hub::v1::Source>(s->Text(0), "source"));
      out.push_back(std::move(src));
    }
    return out;
  }

  absl::StatusOr<std::string> LoadCursor(const std::string& source_id) override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        lease.conn->Prepare("SELECT cursor FROM sources WHERE id=?"));
    ScopedReset reset(s);
    s->Bind(1, source_id);
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return absl::NotFoundError(absl::StrCat("source \"", source_id, "\" not found"));
    return s->Text(0);
  }

  absl::StatusOr<int64_t> CreateSyncJob(const std::string& source_id,
                                        const hub::v1::SyncJob& job) override {
    absl::MutexLock lock(&writer_mu_);
    HUB_ASSIGN_OR_RETURN(
        Statement * q,
        writer_->Prepare("SELECT COALESCE(MAX(job_id), 0) + 1 FROM sync_jobs "
                         "WHERE source_id=?"));
    int64_t job_id = 0;
    {
      ScopedReset reset(q);
      q->Bind(1, source_id);
      HUB_ASSIGN_OR_RETURN(bool row, q->Step());
      job_id = row ? q->Int(0) : 1;
    }
    hub::v1::SyncJob named = job;
    named.set_name(absl::StrCat("sources/", source_id, "/syncJobs/", job_id));
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        writer_->Prepare("INSERT INTO sync_jobs(source_id, job_id, payload) "
                         "VALUES(?,?,?)"));
    ScopedReset reset(s);
    s->Bind(1, source_id).Bind(2, job_id).BindBlob(3, Serialize(named));
    HUB_RETURN_IF_ERROR(s->Run());
    return job_id;
  }

  absl::Status UpdateSyncJob(const std::string& source_id, int64_t job_id,
                             const hub::v1::SyncJob& job) override {
    absl::MutexLock lock(&writer_mu_);
    return sqlite_internal::UpdateSyncJobRow(writer_.get(), source_id, job_id, job);
  }

  absl::StatusOr<hub::v1::SyncJob> GetSyncJob(const std::string& source_id,
                                              int64_t job_id) override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        lease.conn->Prepare("SELECT payload FROM sync_jobs WHERE source_id=? "
                            "AND job_id=?"));
    ScopedReset reset(s);
    s->Bind(1, source_id).Bind(2, job_id);
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) {
      return absl::NotFoundError(absl::StrCat("sync job sources/", source_id,
                                              "/syncJobs/", job_id, " not found"));
    }
    return Parse<hub::v1::SyncJob>(s->Text(0), "sync job");
  }

  absl::StatusOr<std::vector<hub::v1::SyncJob>> ListSyncJobs(
      const std::string& source_id) override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        lease.conn->Prepare("SELECT payload FROM sync_jobs WHERE source_id=? "
                            "ORDER BY job_id DESC"));
    ScopedReset reset(s);
    s->Bind(1, source_id);
    std::vector<hub::v1::SyncJob> out;
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      HUB_ASSIGN_OR_RETURN(hub::v1::SyncJob job,
                           Parse<hub::v1::SyncJob>(s->Text(0), "sync job"));
      out.push_back(std::move(job));
    }
    return out;
  }

  absl::Status AddToken(const TokenRecord& token) override {
    return WriteOne(
        "INSERT INTO tokens(sha256, principal, role, create_us) "
        "VALUES(?,?,?,?)",
        [&](Statement* s) {
          s->Bind(1, token.sha256_hex).Bind(2, token.principal);
          s->Bind(3, token.role).Bind(4, NowMicros());
        },
        [] { return absl::AlreadyExistsError("token already exists"); });
  }

  absl::StatusOr<std::vector<TokenRecord>> ListTokens() override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        lease.conn->Prepare("SELECT sha256, principal, role FROM tokens "
                            "ORDER BY create_us"));
    ScopedReset reset(s);
    std::vector<TokenRecord> out;
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back(TokenRecord{s->Text(0), s->Text(1), s->Text(2)});
    }
    return out;
  }

  absl::StatusOr<StoreCounts> Counts() override;
  absl::Status Probe(absl::Duration timeout) override;
  absl::StatusOr<int64_t> DiskBytes() override;

  absl::StatusOr<std::vector<MergeEntry>> ListMerges(Side side, int64_t id,
                                                     int64_t before_seq,
                                                     int limit) override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    return sqlite_internal::ListMerges(lease.conn, side, id, before_seq, limit);
  }

  absl::StatusOr<std::vector<RefusalEntry>> ListRefusals(int64_t after_seq,
                                                         int limit) override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        lease.conn->Prepare("SELECT seq, side, type, value, holder, target, "
                            "reason, source, entity, external_id, at_us FROM "
                            "identity_refusals WHERE seq>? ORDER BY seq LIMIT ?"));
    ScopedReset reset(s);
    s->Bind(1, after_seq).Bind(2, int64_t{limit});
    std::vector<RefusalEntry> out;
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      RefusalEntry e;
      e.seq = s->Int(0);
      e.side = static_cast<Side>(s->Int(1));
      e.type = s->Text(2);
      e.value = s->Text(3);
      e.holder = s->IsNull(4) ? 0 : s->Int(4);
      e.target = s->IsNull(5) ? 0 : s->Int(5);
      e.reason = s->Text(6);
      e.record = RecordKey{s->Text(7), static_cast<hub::v1::EntityType>(s->Int(8)),
                           s->Text(9)};
      e.at_us = s->Int(10);
      out.push_back(std::move(e));
    }
    return out;
  }

  absl::StatusOr<std::vector<MergeSuggestion>> ListMergeSuggestions(
      std::optional<MergeSuggestion::State> state, int64_t after_seq,
      int limit) override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    return sqlite_internal::ReadMergeSuggestions(lease.conn, state, after_seq, limit);
  }

  absl::StatusOr<std::vector<StoredTransition>> ListTransitions(int64_t id) override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    HUB_ASSIGN_OR_RETURN(std::optional<StageState> state,
                         sqlite_internal::GetStageState(lease.conn, id));
    return state ? state->history : std::vector<StoredTransition>();
  }
  absl::StatusOr<std::vector<FunnelCount>> SumFunnelCounts(
      Side side, const std::string& segment, int64_t from_day, int64_t to_day) override {
    return funnel_.Sum(side, segment, from_day, to_day);
  }
  absl::StatusOr<std::vector<std::string>> ListSegments() override {
    std::vector<std::string> a = funnel_.Segments(), b = opportunities_.Segments(), out;
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
  }
  absl::StatusOr<MetricSums> SumMetrics(const std::string& segment,
                                                   int64_t from_day, int64_t to_day) override {
    return opportunities_.Sum(segment, from_day, to_day);
  }

  absl::StatusOr<std::vector<AuditEntry>> ListAudit(int64_t after_seq,
                                                    int limit) override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    return sqlite_internal::ListAudit(lease.conn, after_seq, limit);
  }

  absl::StatusOr<AuditCheck> VerifyAudit() override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    return sqlite_internal::VerifyAudit(lease.conn);
  }

  absl::StatusOr<std::vector<ChangeEntry>> ListChanges(int64_t after_seq,
                                                       int limit) override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        lease.conn->Prepare("SELECT seq, side, profile_id, change, at_us FROM change_log "
                            "WHERE seq > ? ORDER BY seq LIMIT ?"));
    ScopedReset reset(s);
    s->Bind(1, after_seq).Bind(2, int64_t{limit});
    std::vector<ChangeEntry> out;
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      ChangeEntry e;
      e.seq = s->Int(0);
      e.side = static_cast<Side>(s->Int(1));
      e.id = s->Int(2);
      e.change = s->Text(3);
      e.at_us = s->Int(4);
      out.push_back(std::move(e));
    }
    return out;
  }

  absl::StatusOr<std::optional<StoredRequest>> GetRequest(
      const std::string& principal, const std::string& request_id) override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    return sqlite_internal::GetRequest(lease.conn, principal, request_id);
  }

  absl::StatusOr<std::vector<ConsentSignal>> ConsentSignalsOf(
      const std::vector<int64_t>& ids) override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    return sqlite_internal::ConsentSignalsOf(lease.conn, ids);
  }

  absl::StatusOr<std::vector<LegalHold>> ListLegalHolds() override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    return sqlite_internal::LegalHolds(lease.conn, 0);
  }

  absl::StatusOr<std::vector<QuarantineEntry>> ListQuarantine(
      int64_t after_seq, int limit) override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        lease.conn->Prepare("SELECT payload, content_hash, reason, seq, at_us FROM "
                            "quarantine WHERE seq > ? ORDER BY seq LIMIT ?"));
    ScopedReset reset(s);
    s->Bind(1, after_seq).Bind(2, int64_t{limit});
    std::vector<QuarantineEntry> out;
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      QuarantineEntry e;
      HUB_ASSIGN_OR_RETURN(e.record,
                           Parse<hub::v1::SourceRecord>(s->Text(0), "record"));
      e.content_hash = static_cast<uint64_t>(s->Int(1));
      e.reason = s->Text(2);
      e.seq = s->Int(3);
      e.at_us = s->Int(4);
      out.push_back(std::move(e));
    }
    return out;
  }

 private:
  // A read connection borrowed from the pool; returned on destruction.
  struct Lease {
    Lease(SqliteStore* store, std::unique_ptr<Connection> c)
        : store(store), owned(std::move(c)), conn(owned.get()) {}
    Lease(Lease&& other) noexcept
        : store(other.store), owned(std::move(other.owned)), conn(other.conn) {
      other.store = nullptr;
    }
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (store != nullptr && owned != nullptr) store->Release(std::move(owned));
    }
    SqliteStore* store;
    std::unique_ptr<Connection> owned;
    Connection* conn;
  };

  absl::StatusOr<Lease> Acquire() {
    {
      absl::MutexLock lock(&pool_mu_);
      if (!idle_.empty()) {
        std::unique_ptr<Connection> c = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(c));
      }
    }
    HUB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> c,
                         Connection::Open(options_.path, Connection::Mode::kReader));
    return Lease(this, std::move(c));
  }

  void Release(std::unique_ptr<Connection> c) {
    absl::MutexLock lock(&pool_mu_);
    if (static_cast<int>(idle_.size()) < options_.max_idle_readers) {
      idle_.push_back(std::move(c));
    }
  }

  // Runs one statement on the writer in its own transaction. `on_conflict`
  // (if set) maps a constraint violation to the caller's error.
  absl::Status WriteOne(const char* sql,
                        const std::function<void(Statement*)>& bind,
                        const std::function<absl::Status()>& on_conflict) {
    absl::MutexLock lock(&writer_mu_);
    HUB_ASSIGN_OR_RETURN(Statement * s, writer_->Prepare(sql));
    ScopedReset reset(s);
    bind(s);
    absl::Status status = s->Run();
    if (absl::IsFailedPrecondition(status) && on_conflict) return on_conflict();
    return status;
  }

  absl::Status RebuildKeyFilter() ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_mu_) {
    HUB_ASSIGN_OR_RETURN(Statement * count,
                         writer_->Prepare("SELECT count(*) FROM records"));
    int64_t n = 0;
    {
      ScopedReset reset(count);
      HUB_ASSIGN_OR_RETURN(bool row, count->Step());
      n = row ? count->Int(0) : 0;
    }
    auto filter = std::make_unique<KeyFilter>(
        std::max<size_t>(size_t{1} << 16, static_cast<size_t>(n) * 2));
    HUB_ASSIGN_OR_RETURN(Statement * s,
                         writer_->Prepare("SELECT key_hash FROM records"));
    ScopedReset reset(s);
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      filter->Add(static_cast<uint64_t>(s->Int(0)));
    }
    filter_ = std::move(filter);
    return absl::OkStatus();
  }

  static absl::StatusOr<int64_t> ResolveIdOn(Connection* conn, Side side,
                                             int64_t id);
  absl::Status FillCommon(Connection* conn, int64_t id, bool with_lineage,
                          google::protobuf::RepeatedPtrField<hub::v1::Trait>* traits,
                          google::protobuf::RepeatedPtrField<hub::v1::ProfileIdentifier>* ids,
                          google::protobuf::RepeatedPtrField<hub::v1::SourceRecordRef>* records,
                          google::protobuf::RepeatedPtrField<std::string>* merged,
                          const char* prefix);

  SqliteStoreOptions options_;
  absl::Mutex writer_mu_;
  std::unique_ptr<Connection> writer_ ABSL_GUARDED_BY(writer_mu_);
  // The key hash of every stored record (see KeyFilter).
  std::unique_ptr<KeyFilter> filter_ ABSL_GUARDED_BY(writer_mu_);
  // The funnel counters (derived from the stage histories; not persisted).
  FunnelIndex funnel_;
  MetricIndex opportunities_;
  absl::Mutex pool_mu_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(pool_mu_);
};

absl::StatusOr<int64_t> SqliteStore::ResolveIdOn(Connection* conn, Side side,
                                                 int64_t id) {
  return sqlite_internal::LiveId(conn, side, id);
}

absl::Status SqliteStore::FillCommon(
    Connection* conn, int64_t id, bool with_lineage,
    google::protobuf::RepeatedPtrField<hub::v1::Trait>* traits,
    google::protobuf::RepeatedPtrField<hub::v1::ProfileIdentifier>* ids,
    google::protobuf::RepeatedPtrField<hub::v1::SourceRecordRef>* records,
    google::protobuf::RepeatedPtrField<std::string>* merged,
    const char* prefix) {
  HUB_ASSIGN_OR_RETURN(std::vector<NamedTrait> named,
                       sqlite_internal::ReadTraits(conn, id));
  for (const NamedTrait& n : named) {
    if (n.value.value.empty()) continue;  // cleared: the winner had no value
    hub::v1::Trait* trait = traits->Add();
    trait->set_name(n.name);
    trait->set_value(n.value.value);
    hub::v1::TraitLineage* l = trait->mutable_lineage();
    l->set_source(n.value.source);
    l->set_entity(n.value.entity);
    l->set_external_id(n.value.external_id);
    *l->mutable_observed_at() = ToProtoTime(absl::FromUnixMicros(n.value.observed_us));
    l->set_rule(n.value.rule);
  }
  HUB_ASSIGN_OR_RETURN(
      Statement * i,
      conn->Prepare("SELECT type, value, source, first_seen_us FROM "
                    "identities WHERE profile_id=? ORDER BY type, value"));
  {
    ScopedReset reset(i);
    i->Bind(1, id);
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, i->Step());
      if (!row) break;
      hub::v1::ProfileIdentifier* pi = ids->Add();
      pi->set_type(i->Text(0));
      pi->set_value(i->Text(1));
      pi->set_source(i->Text(2));
      *pi->mutable_first_seen() = ToProtoTime(absl::FromUnixMicros(i->Int(3)));
    }
  }
  if (!with_lineage) return absl::OkStatus();
  HUB_ASSIGN_OR_RETURN(
      Statement * r,
      conn->Prepare("SELECT source, entity, external_id, updated_us, deleted "
                    "FROM records WHERE profile_id=? AND is_event=0 "
                    "ORDER BY source, entity, external_id"));
  {
    ScopedReset reset(r);
    r->Bind(1, id);
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, r->Step());
      if (!row) break;
      hub::v1::SourceRecordRef* ref = records->Add();
      ref->set_source(r->Text(0));
      ref->set_entity(static_cast<hub::v1::EntityType>(r->Int(1)));
      ref->set_external_id(r->Text(2));
      *ref->mutable_updated_at() = ToProtoTime(absl::FromUnixMicros(r->Int(3)));
      ref->set_deleted(r->Int(4) != 0);
    }
  }
  HUB_ASSIGN_OR_RETURN(
      Statement * m,
      conn->Prepare("SELECT id FROM profiles WHERE forward_to=? ORDER BY id"));
  ScopedReset reset(m);
  m->Bind(1, id);
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, m->Step());
    if (!row) break;
    merged->Add(absl::StrCat(prefix, m->Int(0)));
  }
  return absl::OkStatus();
}

// Runs `fn` inside a read transaction so multi-query reads see one snapshot.
template <typename Fn>
absl::Status InSnapshot(Connection* conn, Fn fn) {
  HUB_RETURN_IF_ERROR(conn->Exec("BEGIN"));
  absl::Status status = fn();
  absl::Status end = conn->Exec(status.ok() ? "COMMIT" : "ROLLBACK");
  if (!end.ok() && status.ok()) {
    // Never hand a connection back to the pool inside a transaction.
    conn->Exec("ROLLBACK").IgnoreError();
  }
  return status.ok() ? end : status;
}

absl::StatusOr<hub::v1::Profile> SqliteStore::GetProfile(int64_t id,
                                                         bool with_lineage) {
  HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
  hub::v1::Profile p;
  HUB_RETURN_IF_ERROR(InSnapshot(lease.conn, [&]() -> absl::Status {
    HUB_ASSIGN_OR_RETURN(int64_t live, ResolveIdOn(lease.conn, Side::kPerson, id));
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        lease.conn->Prepare("SELECT (SELECT COALESCE(a.forward_to, a.id) FROM "
                            "profiles a WHERE a.id=p.account_id), create_us, update_us, "
                            "(SELECT count(*) FROM records WHERE profile_id=?1 "
                            "AND is_event=1), (SELECT stage FROM stage_state WHERE "
                            "profile_id=?1) FROM profiles p WHERE id=?1"));
    {
      ScopedReset reset(s);
      s->Bind(1, live);
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return absl::NotFoundError(absl::StrCat("profiles/", id, " not found"));
      p.set_name(absl::StrCat("profiles/", live));
      if (!s->IsNull(0)) p.set_account(absl::StrCat("accounts/", s->Int(0)));
      *p.mutable_create_time() = ToProtoTime(absl::FromUnixMicros(s->Int(1)));
      *p.mutable_update_time() = ToProtoTime(absl::FromUnixMicros(s->Int(2)));
      p.set_event_count(s->Int(3));
      p.set_stage(static_cast<hub::v1::Stage>(s->Int(4)));
    }
    return FillCommon(lease.conn, live, with_lineage, p.mutable_traits(),
                      p.mutable_identifiers(), p.mutable_source_records(),
                      p.mutable_merged_names(), "profiles/");
  }));
  return p;
}

absl::StatusOr<hub::v1::Account> SqliteStore::GetAccount(int64_t id,
                                                         bool with_lineage) {
  HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
  hub::v1::Account a;
  HUB_RETURN_IF_ERROR(InSnapshot(lease.conn, [&]() -> absl::Status {
    HUB_ASSIGN_OR_RETURN(int64_t live, ResolveIdOn(lease.conn, Side::kAccount, id));
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        lease.conn->Prepare("SELECT create_us, update_us, (SELECT count(*) "
                            "FROM profiles WHERE account_id IN (SELECT id FROM "
                            "profiles WHERE id=?1 OR forward_to=?1) AND forward_to "
                            "IS NULL), (SELECT stage FROM stage_state WHERE "
                            "profile_id=?1) FROM profiles WHERE id=?1"));
    {
      ScopedReset reset(s);
      s->Bind(1, live);
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return absl::NotFoundError(absl::StrCat("accounts/", id, " not found"));
      a.set_name(absl::StrCat("accounts/", live));
      *a.mutable_create_time() = ToProtoTime(absl::FromUnixMicros(s->Int(0)));
      *a.mutable_update_time() = ToProtoTime(absl::FromUnixMicros(s->Int(1)));
      a.set_member_count(s->Int(2));
      a.set_stage(static_cast<hub::v1::Stage>(s->Int(3)));
    }
    return FillCommon(lease.conn, live, with_lineage, a.mutable_traits(),
                      a.mutable_identifiers(), a.mutable_source_records(),
                      a.mutable_merged_names(), "accounts/");
  }));
  return a;
}

absl::StatusOr<std::vector<std::pair<hub::v1::Event, int64_t>>>
SqliteStore::ListEvents(int64_t id, int64_t before_us, int64_t before_seq,
                        int limit) {
  HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      lease.conn->Prepare(
          "SELECT seq, payload, occurred_us, (SELECT COALESCE(a.forward_to, "
          "a.id) FROM profiles a WHERE a.id=COALESCE(records.account_id, "
          "(SELECT account_id FROM profiles WHERE id=?1))) FROM records WHERE "
          "profile_id=?1 AND is_event=1 AND (occurred_us<?2 OR "
          "(occurred_us=?2 AND seq<?3)) ORDER BY occurred_us DESC, seq DESC "
          "LIMIT ?4"));
  ScopedReset reset(s);
  s->Bind(1, id).Bind(2, before_us).Bind(3, before_seq).Bind(4, int64_t{limit});
  std::vector<std::pair<hub::v1::Event, int64_t>> out;
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    HUB_ASSIGN_OR_RETURN(hub::v1::SourceRecord r,
                         Parse<hub::v1::SourceRecord>(s->Text(1), "record"));
    hub::v1::Event e;
    e.set_source(r.source());
    e.set_entity(r.entity());
    e.set_external_id(r.external_id());
    e.set_event_type(r.event_type());
    *e.mutable_occur_time() = r.occurred_at();
    e.mutable_properties()->insert(r.properties().begin(), r.properties().end());
    e.set_profile(absl::StrCat("profiles/", id));
    if (!s->IsNull(3)) e.set_account(absl::StrCat("accounts/", s->Int(3)));
    e.set_deleted(r.deleted());
    out.emplace_back(std::move(e), s->Int(0));
  }
  return out;
}

absl::Status SqliteStore::Probe(absl::Duration timeout) {
  // Our own writer busy means the store is in use: skip the lock check
  // rather than wait behind it (the waiting would stall that writer's
  // successors, and an external lock shows once it ends).
  if (writer_mu_.TryLock()) {
    sqlite3* db = writer_->raw();
    sqlite3_busy_timeout(db, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
    absl::Status locked = writer_->Exec("BEGIN IMMEDIATE");
    if (locked.ok()) locked = writer_->Exec("ROLLBACK");
    sqlite3_busy_timeout(db, sqlite::kBusyTimeoutMs);
    writer_mu_.Unlock();
    HUB_RETURN_IF_ERROR(locked);
  }
  HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
  HUB_ASSIGN_OR_RETURN(Statement * s, lease.conn->Prepare("SELECT count(*) FROM sqlite_master"));
  ScopedReset reset(s);
  return s->Step().status();
}

absl::StatusOr<int64_t> SqliteStore::DiskBytes() {
  int64_t total = 0;
  for (const std::string& path : {options_.path, options_.path + "-wal"}) {
    struct stat st;
    if (stat(path.c_str(), &st) == 0) {
      total += st.st_size;
    } else if (errno != ENOENT || path == options_.path) {
      return absl::InternalError(absl::StrCat("stat ", path, ": ", strerror(errno)));
    }
  }
  return total;
}

absl::StatusOr<StoreCounts> SqliteStore::Counts() {
  HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
  StoreCounts c;
  HUB_RETURN_IF_ERROR(InSnapshot(lease.conn, [&]() -> absl::Status {
    struct Query {
      const char* sql;
      int64_t* out;
    };
    const Query queries[] = {
        {"SELECT count(*) FROM profiles WHERE side=0 AND forward_to IS NULL", &c.persons},
        {"SELECT count(*) FROM profiles WHERE side=1 AND forward_to IS NULL", &c.accounts},
        {"SELECT count(*) FROM records", &c.records},
        {"SELECT count(*) FROM identities", &c.identities},
        {"SELECT count(*) FROM quarantine", &c.quarantined},
        {"SELECT count(*) FROM merges", &c.merges},
    };
    for (const Query& q : queries) {
      HUB_ASSIGN_OR_RETURN(Statement * s, lease.conn->Prepare(q.sql));
      ScopedReset reset(s);
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      *q.out = row ? s->Int(0) : 0;
    }
    return absl::OkStatus();
  }));
  return c;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(
    const SqliteStoreOptions& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("store path is empty");
  }
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer,
                       Connection::Open(options.path, options.create_if_missing
                                        ? Connection::Mode::kWriterOrCreate
                                        : Connection::Mode::kWriter));
  HUB_RETURN_IF_ERROR(sqlite::Migrate(writer.get()));
  // Checkpoint the WAL in larger steps than SQLite's default 1000 pages: a
  // page rewritten by several batches is copied back once.
  HUB_RETURN_IF_ERROR(writer->Exec("PRAGMA wal_autocheckpoint=10000"));
  auto store = std::make_unique<SqliteStore>(options, std::move(writer));
  HUB_RETURN_IF_ERROR(store->LoadKeyFilter());
  HUB_RETURN_IF_ERROR(store->LoadFunnel());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace hub
