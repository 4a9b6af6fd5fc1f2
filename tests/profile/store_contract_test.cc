// The Store contract, run against every Store implementation.
#include <functional>
#include <memory>
#include <thread>

#include "gtest/gtest.h"
#include "profile/store/sqlite_store.h"
#include "profile/store/sqlite_util.h"
#include "profile/store/store.h"
#include "tests/support/records.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::MakeRecord;
using testing_support::TempDir;

using StoreFactory = std::function<std::unique_ptr<Store>(const std::string& dir)>;

std::unique_ptr<Store> MakeSqlite(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<Store>> s =
      OpenSqliteStore(SqliteStoreOptions{dir + "/hub.db"});
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : nullptr;
}

class StoreContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override { store_ = GetParam()(dir_.path()); }
  std::unique_ptr<WriteTransaction> Begin() {
    auto tx = store_->BeginWrite();
    EXPECT_TRUE(tx.ok()) << tx.status();
    return std::move(*tx);
  }
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreContractTest, CommittedWritesAreVisibleUncommittedAreNot) {
  {
    auto tx = Begin();
    ASSERT_EQ(*tx->CreateProfile(Side::kPerson), 1);
    ASSERT_TRUE(tx->AddIdentity(Side::kPerson, "email", "a@x.example", 1, "crm").ok());
    // Not committed: rolled back on destruction.
  }
  EXPECT_EQ(store_->Counts()->persons, 0);
  EXPECT_EQ(store_->FindIdentity(Side::kPerson, "email", "a@x.example").status().code(),
            absl::StatusCode::kNotFound);
  {
    auto tx = Begin();
    int64_t id = *tx->CreateProfile(Side::kPerson);
    ASSERT_TRUE(tx->AddIdentity(Side::kPerson, "email", "a@x.example", id, "crm").ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  StoreCounts c = *store_->Counts();
  EXPECT_EQ(c.persons, 1);
  EXPECT_EQ(c.identities, 1);
  int64_t found = *store_->FindIdentity(Side::kPerson, "email", "a@x.example");
  hub::v1::Profile p = *store_->GetProfile(found, true);
  EXPECT_EQ(p.name(), "profiles/" + std::to_string(found));
  ASSERT_EQ(p.identifiers_size(), 1);
  EXPECT_EQ(p.identifiers(0).source(), "crm");
}

TEST_P(StoreContractTest, IdentitiesAreUniquePerSide) {
  auto tx = Begin();
  int64_t a = *tx->CreateProfile(Side::kPerson);
  int64_t b = *tx->CreateProfile(Side::kAccount);
  ASSERT_TRUE(tx->AddIdentity(Side::kPerson, "email", "a@x.example", a, "s").ok());
  EXPECT_EQ(tx->AddIdentity(Side::kPerson, "email", "a@x.example", a, "s").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(tx->AddIdentity(Side::kAccount, "domain", "x.example", b, "s").ok());
  EXPECT_EQ(**tx->FindIdentity(Side::kAccount, "domain", "x.example"), b);
  EXPECT_FALSE(tx->FindIdentity(Side::kPerson, "domain", "x.example")->has_value());
}

TEST_P(StoreContractTest, MergeMovesEverythingAndForwards) {
  int64_t a, b, acct;
  {
    auto tx = Begin();
    a = *tx->CreateProfile(Side::kPerson);
    b = *tx->CreateProfile(Side::kPerson);
    acct = *tx->CreateProfile(Side::kAccount);
    ASSERT_TRUE(tx->AddIdentity(Side::kPerson, "email", "a@x.example", a, "s").ok());
    ASSERT_TRUE(tx->AddIdentity(Side::kPerson, "phone", "+14155550101", b, "s").ok());
    ASSERT_TRUE(tx->SetAccount(b, acct, 100).ok());
    RecordPlacement r;
    r.content_hash = 1;
    r.profile_id = b;
    ASSERT_TRUE(tx->PutRecord(MakeRecord("s", hub::v1::CONTACT, "c1", "2024-01-01T00:00:00Z", {}), r).ok());
    ASSERT_TRUE(tx->PutTraits(b, {NamedTrait{"title", TraitValue{"CTO", "s", hub::v1::CONTACT, "c1", 5, "most_recent"}}}).ok());
    ASSERT_TRUE(tx->Merge(MergeEntry{Side::kPerson, a, b, "deterministic:email", {"s", hub::v1::CONTACT, "c1"}}).ok());
    EXPECT_EQ(tx->Merge(MergeEntry{Side::kPerson, a, b, "again", {}}).code(),
              absl::StatusCode::kNotFound);
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(*store_->ResolveId(Side::kPerson, b), a);
  hub::v1::Profile p = *store_->GetProfile(b, true);
  EXPECT_EQ(p.name(), "profiles/" + std::to_string(a));
  ASSERT_EQ(p.merged_names_size(), 1);
  EXPECT_EQ(p.merged_names(0), "profiles/" + std::to_string(b));
  EXPECT_EQ(p.identifiers_size(), 2);
  EXPECT_EQ(p.account(), "accounts/" + std::to_string(acct));
  ASSERT_EQ(p.source_records_size(), 1);
  EXPECT_EQ(p.source_records(0).external_id(), "c1");
  EXPECT_EQ(p.traits_size(), 0);  // the caller writes merged traits
  StoreCounts c = *store_->Counts();
  EXPECT_EQ(c.persons, 1);
  EXPECT_EQ(c.merges, 1);
  EXPECT_EQ(store_->GetAccount(a, false).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, AccountLinkKeepsTheLatestObservation) {
  int64_t p, a1, a2;
  {
    auto tx = Begin();
    p = *tx->CreateProfile(Side::kPerson);
    a1 = *tx->CreateProfile(Side::kAccount);
    a2 = *tx->CreateProfile(Side::kAccount);
    ASSERT_TRUE(tx->SetAccount(p, a2, 200).ok());
    ASSERT_TRUE(tx->SetAccount(p, a1, 100).ok());  // older: ignored
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(store_->GetProfile(p, false)->account(), "accounts/" + std::to_string(a2));
  {
    auto tx = Begin();
    ASSERT_TRUE(tx->SetAccount(p, a1, 300).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(store_->GetProfile(p, false)->account(), "accounts/" + std::to_string(a1));
}

TEST_P(StoreContractTest, RecordsUpsertByKey) {
  auto tx = Begin();
  RecordPlacement r;
  r.content_hash = 11;
  hub::v1::SourceRecord rec = MakeRecord("s", hub::v1::CONTACT, "c1", "2024-01-01T00:00:00Z", {});
  ASSERT_TRUE(tx->PutRecord(rec, r).ok());
  EXPECT_EQ(tx->PutRecord(rec, r).code(), absl::StatusCode::kFailedPrecondition);
  r.content_hash = 22;
  r.replaces = true;
  rec = MakeRecord("s", hub::v1::CONTACT, "c1", "2024-02-01T00:00:00Z", {});
  ASSERT_TRUE(tx->PutRecord(rec, r).ok());
  std::optional<RecordInfo> info = *tx->FindRecord({"s", hub::v1::CONTACT, "c1"});
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->content_hash, 22u);
  EXPECT_EQ(info->updated_us, 1706745600000000);
  EXPECT_FALSE(tx->FindRecord({"s", hub::v1::LEAD, "c1"})->has_value());
  RecordPlacement missing;
  missing.replaces = true;
  EXPECT_EQ(tx->PutRecord(MakeRecord("s", hub::v1::LEAD, "nope", "2024-01-01T00:00:00Z", {}), missing).code(),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, QuarantineIsIdempotentPerRevision) {
  auto tx = Begin();
  QuarantineEntry e{MakeRecord("s", hub::v1::CONTACT, "", "2024-01-01T00:00:00Z", {}), 5,
                    "external_id: required"};
  EXPECT_TRUE(*tx->Quarantine(e));
  EXPECT_FALSE(*tx->Quarantine(e));
  e.content_hash = 6;
  EXPECT_TRUE(*tx->Quarantine(e));
  ASSERT_TRUE(tx->Commit().ok());
  std::vector<QuarantineEntry> q = *store_->ListQuarantine(10);
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].reason, "external_id: required");
}

TEST_P(StoreContractTest, SourcesJobsAndCursors) {
  hub::v1::Source s;
  s.set_name("sources/crm");
  s.set_kind("salesforce");
  ASSERT_TRUE(store_->CreateSource("crm", s).ok());
  EXPECT_EQ(store_->CreateSource("crm", s).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(*store_->LoadCursor("crm"), "");
  {
    auto tx = Begin();
    ASSERT_TRUE(tx->SaveCursor("crm", "Contact.csv:10").ok());
    EXPECT_EQ(tx->SaveCursor("nope", "x").code(), absl::StatusCode::kNotFound);
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(*store_->LoadCursor("crm"), "Contact.csv:10");
  hub::v1::SyncJob job;
  job.set_state(hub::v1::SyncJob::PENDING);
  EXPECT_EQ(*store_->CreateSyncJob("crm", job), 1);
  EXPECT_EQ(*store_->CreateSyncJob("crm", job), 2);
  job.set_state(hub::v1::SyncJob::SUCCEEDED);
  job.set_records_read(7);
  ASSERT_TRUE(store_->UpdateSyncJob("crm", 1, job).ok());
  std::vector<hub::v1::SyncJob> jobs = *store_->ListSyncJobs("crm");
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].name(), "sources/crm/syncJobs/2");
  EXPECT_EQ(jobs[1].records_read(), 7);
  EXPECT_EQ(store_->GetSyncJob("crm", 9).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->UpdateSyncJob("crm", 9, job).code(), absl::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, ListIdsPagesLiveProfiles) {
  {
    auto tx = Begin();
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(tx->CreateProfile(Side::kPerson).ok());
    ASSERT_TRUE(tx->CreateProfile(Side::kAccount).ok());
    ASSERT_TRUE(tx->Merge(MergeEntry{Side::kPerson, 1, 2, "x", {}}).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  IdPage first = *store_->ListIds(Side::kPerson, 0, 2);
  EXPECT_EQ(first.ids, (std::vector<int64_t>{1, 3}));
  EXPECT_TRUE(first.more);
  IdPage second = *store_->ListIds(Side::kPerson, 3, 2);
  EXPECT_EQ(second.ids, (std::vector<int64_t>{4, 5}));
  EXPECT_FALSE(second.more);
}

TEST_P(StoreContractTest, ReadersDoNotBlockTheWriter) {
  auto tx = Begin();
  ASSERT_TRUE(tx->CreateProfile(Side::kPerson).ok());
  // While the write transaction is open, readers on other threads still
  // answer from the last committed state.
  int64_t persons = -1;
  std::thread reader([&] { persons = store_->Counts()->persons; });
  reader.join();
  EXPECT_EQ(persons, 0);
  ASSERT_TRUE(tx->Commit().ok());
  EXPECT_EQ(store_->Counts()->persons, 1);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest, ::testing::Values(&MakeSqlite));

TEST(SqliteStoreTest, ReopensAndRefusesNewerSchema) {
  TempDir dir;
  std::string path = dir.File("hub.db");
  {
    auto store = OpenSqliteStore(SqliteStoreOptions{path});
    ASSERT_TRUE(store.ok());
    auto tx = (*store)->BeginWrite();
    ASSERT_TRUE((*tx)->CreateProfile(Side::kPerson).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  {
    auto store = OpenSqliteStore(SqliteStoreOptions{path});
    ASSERT_TRUE(store.ok());
    EXPECT_EQ((*store)->Counts()->persons, 1);
  }
  {
    auto raw = sqlite::Connection::Open(path, sqlite::Connection::Mode::kWriter);
    ASSERT_TRUE(raw.ok());
    ASSERT_TRUE((*raw)->Exec("PRAGMA user_version=99").ok());
  }
  EXPECT_EQ(OpenSqliteStore(SqliteStoreOptions{path}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  SqliteStoreOptions missing{dir.File("absent.db")};
  missing.create_if_missing = false;
  EXPECT_EQ(OpenSqliteStore(missing).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(OpenSqliteStore(SqliteStoreOptions{dir.File("no/such/dir/hub.db")}).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace hub
