#include "profile/store/sqlite_store.h"

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
#include "profile/store/sqlite_schema.h"
#include "profile/store/sqlite_util.h"

namespace hub {
namespace {

using sqlite::Connection;
using sqlite::ScopedReset;
using sqlite::Statement;

int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

int SideInt(Side side) { return static_cast<int>(side); }

std::string KeyString(const std::string& source, int entity,
                      const std::string& external_id) {
  return absl::StrCat(source, "\x1f", entity, "\x1f", external_id);
}

// FNV-1a of the record key, folded to 63 bits.
int64_t KeyHash(const std::string& source, int entity,
                const std::string& external_id) {
  uint64_t h = 14695981039346656037ull;
  auto mix = [&h](absl::string_view bytes) {
    for (unsigned char c : bytes) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;
    h *= 1099511628211ull;
  };
  mix(source);
  mix(absl::StrCat(entity));
  mix(external_id);
  return static_cast<int64_t>(h >> 1);
}

bool IsEvent(hub::v1::EntityType entity) {
  return entity != hub::v1::CONTACT && entity != hub::v1::LEAD &&
         entity != hub::v1::ACCOUNT;
}

std::string Serialize(const google::protobuf::MessageLite& m) {
  std::string out;
  m.SerializeToString(&out);
  return out;
}

template <typename Proto>
absl::StatusOr<Proto> Parse(const std::string& bytes, absl::string_view what) {
  Proto p;
  if (!p.ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("corrupt ", what, " payload"));
  }
  return p;
}

// The rank of a change-log entry: a stronger change wins within a batch.
int ChangeRank(const std::string& change) {
  if (change == "created") return 3;
  if (change == "merged") return 2;
  if (change == "deleted") return 1;
  return 0;
}

class SqliteStore;

class SqliteWriteTransaction : public WriteTransaction {
 public:
  SqliteWriteTransaction(Connection* conn, absl::Mutex* mu)
      : conn_(conn), mu_(mu), now_us_(NowMicros()) {}
  ~SqliteWriteTransaction() override {
    if (!done_) conn_->Exec("ROLLBACK").IgnoreError();
    mu_->Unlock();
  }

  absl::Status Begin() { return conn_->Exec("BEGIN IMMEDIATE"); }

  absl::StatusOr<std::optional<RecordInfo>> FindRecord(
      const RecordKey& key) override {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("SELECT content_hash, updated_us, profile_id, deleted "
                       "FROM records WHERE key_hash=?4 AND source=?1 AND "
                       "entity=?2 AND external_id=?3"));
    ScopedReset reset(s);
    s->Bind(1, key.source).Bind(2, int64_t{key.entity}).Bind(3, key.external_id);
    s->Bind(4, KeyHash(key.source, key.entity, key.external_id));
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) {
      known_absent_.insert(KeyString(key.source, key.entity, key.external_id));
      return std::optional<RecordInfo>();
    }
    RecordInfo info;
    info.content_hash = static_cast<uint64_t>(s->Int(0));
    info.updated_us = s->Int(1);
    info.profile_id = s->IsNull(2) ? 0 : s->Int(2);
    info.deleted = s->Int(3) != 0;
    return std::optional<RecordInfo>(info);
  }

  absl::Status PutRecord(const hub::v1::SourceRecord& r,
                         const RecordPlacement& stored) override {
    // Plain INSERT / UPDATE: cheaper than an upsert on the hot path.
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare(
            stored.replaces
                ? "UPDATE records SET content_hash=?4, updated_us=?5, "
                  "deleted=?6, is_event=?7, occurred_us=?8, profile_id=?9, "
                  "account_id=?10, payload=?11, ingest_us=?12 WHERE "
                  "key_hash=?13 AND source=?1 AND entity=?2 AND external_id=?3"
                : "INSERT INTO records(source, entity, external_id, "
                  "content_hash, updated_us, deleted, is_event, occurred_us, "
                  "profile_id, account_id, payload, ingest_us, key_hash) "
                  "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)"));
    int64_t key_hash = KeyHash(r.source(), r.entity(), r.external_id());
    if (!stored.replaces &&
        known_absent_.erase(KeyString(r.source(), r.entity(), r.external_id())) == 0) {
      // The one writer keeps keys unique: refuse a key that exists (a key
      // FindRecord just reported absent needs no second look).
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
      s->Bind(8, absl::ToUnixMicros(FromProtoTime(r.occurred_at())));
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
    return s->Run();
  }

  absl::StatusOr<std::vector<hub::v1::SourceRecord>> RecordsOf(
      int64_t id) override {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("SELECT payload FROM records WHERE profile_id=? AND "
                       "is_event=0 ORDER BY source, entity, external_id"));
    ScopedReset reset(s);
    s->Bind(1, id);
    std::vector<hub::v1::SourceRecord> out;
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      HUB_ASSIGN_OR_RETURN(hub::v1::SourceRecord r,
                           Parse<hub::v1::SourceRecord>(s->Text(0), "record"));
      out.push_back(std::move(r));
    }
    return out;
  }

  absl::StatusOr<std::optional<int64_t>> FindIdentity(
      Side side, const std::string& type, const std::string& value) override {
    std::string key = CacheKey(side, type, value);
    if (auto it = identity_cache_.find(key); it != identity_cache_.end()) {
      if (it->second == 0) return std::optional<int64_t>();
      return std::optional<int64_t>(Live(it->second));
    }
    HUB_ASSIGN_OR_RETURN(
        std::optional<int64_t> holder, QueryIdentity(side, type, value));
    identity_cache_.emplace(std::move(key), holder.value_or(0));
    return holder;
  }

  absl::StatusOr<std::optional<int64_t>> QueryIdentity(
      Side side, const std::string& type, const std::string& value) {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("SELECT profile_id FROM identities WHERE side=? AND "
                       "type=? AND value=?"));
    ScopedReset reset(s);
    s->Bind(1, int64_t{SideInt(side)}).Bind(2, type).Bind(3, value);
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return std::optional<int64_t>();
    return std::optional<int64_t>(s->Int(0));
  }

  absl::Status AddIdentity(Side side, const std::string& type,
                           const std::string& value, int64_t id,
                           const std::string& source) override {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("INSERT INTO identities(side, type, value, profile_id, "
                       "source, first_seen_us) VALUES(?,?,?,?,?,?)"));
    ScopedReset reset(s);
    s->Bind(1, int64_t{SideInt(side)}).Bind(2, type).Bind(3, value);
    s->Bind(4, id).Bind(5, source).Bind(6, now_us_);
    HUB_RETURN_IF_ERROR(s->Run());
    identity_cache_[CacheKey(side, type, value)] = id;
    return absl::OkStatus();
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
    if (e.side == Side::kAccount) {
      HUB_RETURN_IF_ERROR(Update("UPDATE records SET account_id=? WHERE account_id=?", e));
      HUB_RETURN_IF_ERROR(Update("UPDATE profiles SET account_id=? WHERE account_id=?", e));
    } else {
      HUB_RETURN_IF_ERROR(InheritAccount(e.winner, e.loser));
    }
    HUB_RETURN_IF_ERROR(Update("UPDATE profiles SET forward_to=? WHERE forward_to=?", e));
    HUB_RETURN_IF_ERROR(Update(
        "UPDATE profiles SET forward_to=?1, account_id=NULL WHERE id=?2", e));
    HUB_ASSIGN_OR_RETURN(Statement * del,
                         conn_->Prepare("DELETE FROM traits WHERE profile_id=?"));
    {
      ScopedReset reset(del);
      HUB_RETURN_IF_ERROR(del->Bind(1, e.loser).Run());
    }
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("INSERT INTO merges(side, winner, loser, rule, source, "
                       "entity, external_id, at_us) VALUES(?,?,?,?,?,?,?,?)"));
    ScopedReset reset(s);
    s->Bind(1, int64_t{SideInt(e.side)}).Bind(2, e.winner).Bind(3, e.loser);
    s->Bind(4, e.rule).Bind(5, e.record.source);
    s->Bind(6, int64_t{e.record.entity}).Bind(7, e.record.external_id);
    s->Bind(8, now_us_);
    HUB_RETURN_IF_ERROR(s->Run());
    forwarded_[e.loser] = e.winner;
    HUB_RETURN_IF_ERROR(NoteChange(e.side, e.winner, "merged"));
    return NoteChange(e.side, e.loser, "merged");
  }

  absl::StatusOr<std::vector<NamedTrait>> GetTraits(int64_t id) override {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("SELECT name, value, source, entity, external_id, "
                       "observed_us, rule FROM traits WHERE profile_id=? "
                       "ORDER BY name"));
    ScopedReset reset(s);
    s->Bind(1, id);
    std::vector<NamedTrait> out;
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      NamedTrait t;
      t.name = s->Text(0);
      t.value.value = s->Text(1);
      t.value.source = s->Text(2);
      t.value.entity = static_cast<hub::v1::EntityType>(s->Int(3));
      t.value.external_id = s->Text(4);
      t.value.observed_us = s->Int(5);
      t.value.rule = s->Text(6);
      out.push_back(std::move(t));
    }
    return out;
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
                          int64_t observed_us) override {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("UPDATE profiles SET account_id=?, "
                       "account_observed_us=? WHERE id=? AND "
                       "(account_observed_us IS NULL OR "
                       "account_observed_us<=?)"));
    ScopedReset reset(s);
    s->Bind(1, account_id).Bind(2, observed_us).Bind(3, person_id);
    s->Bind(4, observed_us);
    return s->Run();
  }

  absl::StatusOr<int64_t> AccountOf(int64_t person_id) override {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("SELECT account_id FROM profiles WHERE id=?"));
    ScopedReset reset(s);
    s->Bind(1, person_id);
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    return row && !s->IsNull(0) ? s->Int(0) : 0;
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
    auto [it, inserted] = changes_.emplace(id, std::make_pair(side, change));
    if (!inserted && ChangeRank(change) > ChangeRank(it->second.second)) {
      it->second.second = change;
    }
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

  absl::Status Commit() override {
    HUB_RETURN_IF_ERROR(WriteChanges());
    HUB_RETURN_IF_ERROR(conn_->Exec("COMMIT"));
    done_ = true;
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
  absl::Status Update(const std::string& sql, const MergeEntry& e) {
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

  // The winner keeps the account link observed last of the two.
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
    return SetAccount(winner, account, observed);
  }

  absl::Status WriteChanges() {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn_->Prepare("INSERT INTO change_log(side, profile_id, change, "
                       "at_us) VALUES(?,?,?,?)"));
    HUB_ASSIGN_OR_RETURN(
        Statement * touch,
        conn_->Prepare("UPDATE profiles SET update_us=? WHERE id=?"));
    for (const auto& [id, change] : changes_) {
      {
        ScopedReset reset(s);
        s->Bind(1, int64_t{SideInt(change.first)}).Bind(2, id);
        s->Bind(3, change.second).Bind(4, now_us_);
        HUB_RETURN_IF_ERROR(s->Run());
      }
      ScopedReset reset(touch);
      HUB_RETURN_IF_ERROR(touch->Bind(1, now_us_).Bind(2, id).Run());
    }
    return absl::OkStatus();
  }

  Connection* conn_;
  absl::Mutex* mu_;
  int64_t now_us_;
  bool done_ = false;
  std::map<int64_t, std::pair<Side, std::string>> changes_;
  // Identity lookups made in this transaction: key -> holder (0: absent).
  // Bounded by the batch; dropped with the transaction.
  absl::flat_hash_map<std::string, int64_t> identity_cache_;
  // Merges made in this transaction: loser -> winner.
  absl::flat_hash_map<int64_t, int64_t> forwarded_;
  // Record keys FindRecord reported absent and not inserted since.
  absl::flat_hash_set<std::string> known_absent_;
};

class SqliteStore : public Store {
 public:
  SqliteStore(SqliteStoreOptions options, std::unique_ptr<Connection> writer)
      : options_(std::move(options)), writer_(std::move(writer)) {}

  absl::StatusOr<std::unique_ptr<WriteTransaction>> BeginWrite() override {
    writer_mu_.Lock();
    auto tx = std::make_unique<SqliteWriteTransaction>(writer_.get(),
                                                       &writer_mu_);
    HUB_RETURN_IF_ERROR(tx->Begin());  // tx's destructor unlocks on error
    return std::unique_ptr<WriteTransaction>(std::move(tx));
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
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        lease.conn->Prepare("SELECT profile_id FROM identities WHERE side=? "
                            "AND type=? AND value=?"));
    ScopedReset reset(s);
    s->Bind(1, int64_t{SideInt(side)}).Bind(2, type).Bind(3, value);
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) {
      return absl::NotFoundError(
          absl::StrCat("no ", side == Side::kPerson ? "profile" : "account",
                       " has ", type, " \"", value, "\""));
    }
    return s->Int(0);
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

  absl::StatusOr<std::vector<std::pair<hub::v1::Event, int64_t>>> ListEvents(
      int64_t id, int64_t before_us, int64_t before_seq, int limit) override;

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
    return WriteOne(
        "UPDATE sync_jobs SET payload=? WHERE source_id=? AND job_id=?",
        [&](Statement* s) {
          s->BindBlob(1, Serialize(job)).Bind(2, source_id).Bind(3, job_id);
        },
        nullptr);
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

  absl::StatusOr<std::vector<QuarantineEntry>> ListQuarantine(
      int limit) override {
    HUB_ASSIGN_OR_RETURN(Lease lease, Acquire());
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        lease.conn->Prepare("SELECT payload, content_hash, reason FROM "
                            "quarantine ORDER BY seq LIMIT ?"));
    ScopedReset reset(s);
    s->Bind(1, int64_t{limit});
    std::vector<QuarantineEntry> out;
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      QuarantineEntry e;
      HUB_ASSIGN_OR_RETURN(e.record,
                           Parse<hub::v1::SourceRecord>(s->Text(0), "record"));
      e.content_hash = static_cast<uint64_t>(s->Int(1));
      e.reason = s->Text(2);
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
                         Connection::Open(options_.path, false));
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
  absl::Status WriteOne(const std::string& sql,
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
  absl::Mutex pool_mu_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(pool_mu_);
};

absl::StatusOr<int64_t> SqliteStore::ResolveIdOn(Connection* conn, Side side,
                                                 int64_t id) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("SELECT side, forward_to FROM profiles WHERE id=?"));
  ScopedReset reset(s);
  s->Bind(1, id);
  HUB_ASSIGN_OR_RETURN(bool row, s->Step());
  const char* what = side == Side::kPerson ? "profiles/" : "accounts/";
  if (!row || s->Int(0) != SideInt(side)) {
    return absl::NotFoundError(absl::StrCat(what, id, " not found"));
  }
  return s->IsNull(1) ? id : s->Int(1);
}

absl::Status SqliteStore::FillCommon(
    Connection* conn, int64_t id, bool with_lineage,
    google::protobuf::RepeatedPtrField<hub::v1::Trait>* traits,
    google::protobuf::RepeatedPtrField<hub::v1::ProfileIdentifier>* ids,
    google::protobuf::RepeatedPtrField<hub::v1::SourceRecordRef>* records,
    google::protobuf::RepeatedPtrField<std::string>* merged,
    const char* prefix) {
  HUB_ASSIGN_OR_RETURN(
      Statement * t,
      conn->Prepare("SELECT name, value, source, entity, external_id, "
                    "observed_us, rule FROM traits WHERE profile_id=? "
                    "ORDER BY name"));
  {
    ScopedReset reset(t);
    t->Bind(1, id);
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, t->Step());
      if (!row) break;
      hub::v1::Trait* trait = traits->Add();
      trait->set_name(t->Text(0));
      trait->set_value(t->Text(1));
      hub::v1::TraitLineage* l = trait->mutable_lineage();
      l->set_source(t->Text(2));
      l->set_entity(static_cast<hub::v1::EntityType>(t->Int(3)));
      l->set_external_id(t->Text(4));
      *l->mutable_observed_at() = ToProtoTime(absl::FromUnixMicros(t->Int(5)));
      l->set_rule(t->Text(6));
    }
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
        lease.conn->Prepare("SELECT account_id, create_us, update_us, "
                            "(SELECT count(*) FROM records WHERE profile_id=?1 "
                            "AND is_event=1) FROM profiles WHERE id=?1"));
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
                            "FROM profiles WHERE account_id=?1 AND forward_to "
                            "IS NULL) FROM profiles WHERE id=?1"));
    {
      ScopedReset reset(s);
      s->Bind(1, live);
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return absl::NotFoundError(absl::StrCat("accounts/", id, " not found"));
      a.set_name(absl::StrCat("accounts/", live));
      *a.mutable_create_time() = ToProtoTime(absl::FromUnixMicros(s->Int(0)));
      *a.mutable_update_time() = ToProtoTime(absl::FromUnixMicros(s->Int(1)));
      a.set_member_count(s->Int(2));
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
          "SELECT seq, payload, occurred_us, COALESCE(account_id, "
          "(SELECT account_id FROM profiles WHERE id=?1)) FROM records WHERE "
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
                       Connection::Open(options.path, options.create_if_missing));
  HUB_RETURN_IF_ERROR(sqlite::Migrate(writer.get()));
  // Checkpoint the WAL in larger steps than SQLite's default 1000 pages: a
  // page rewritten by several batches is copied back once.
  HUB_RETURN_IF_ERROR(writer->Exec("PRAGMA wal_autocheckpoint=10000"));
  return std::unique_ptr<Store>(new SqliteStore(options, std::move(writer)));
}

}  // namespace hub
