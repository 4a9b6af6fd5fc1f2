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

// A ledger entry merging `loser` into `winner`.
MergeEntry Entry(Side side, int64_t winner, int64_t loser, const std::string& rule,
                 RecordKey record = {}) {
  MergeEntry e;
  e.side = side;
  e.winner = winner;
  e.loser = loser;
  e.rule = rule;
  e.record = std::move(record);
  return e;
}

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
    ASSERT_TRUE(tx->AddIdentity(Side::kPerson, "email", "a@x.example", 1, "crm", 0).ok());
    // Not committed: rolled back on destruction.
  }
  EXPECT_EQ(store_->Counts()->persons, 0);
  EXPECT_EQ(store_->FindIdentity(Side::kPerson, "email", "a@x.example").status().code(),
            absl::StatusCode::kNotFound);
  {
    auto tx = Begin();
    int64_t id = *tx->CreateProfile(Side::kPerson);
    ASSERT_TRUE(tx->AddIdentity(Side::kPerson, "email", "a@x.example", id, "crm", 0).ok());
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
  ASSERT_TRUE(tx->AddIdentity(Side::kPerson, "email", "a@x.example", a, "s", 0).ok());
  EXPECT_EQ(tx->AddIdentity(Side::kPerson, "email", "a@x.example", a, "s", 0).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(tx->AddIdentity(Side::kAccount, "domain", "x.example", b, "s", 0).ok());
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
    ASSERT_TRUE(tx->AddIdentity(Side::kPerson, "email", "a@x.example", a, "s", 0).ok());
    ASSERT_TRUE(tx->AddIdentity(Side::kPerson, "phone", "+14155550101", b, "s", 0).ok());
    ASSERT_TRUE(tx->SetAccount(b, acct, 100, b).ok());
    RecordPlacement r;
    r.content_hash = 1;
    r.profile_id = b;
    ASSERT_TRUE(tx->PutRecord(MakeRecord("s", hub::v1::CONTACT, "c1", "2024-01-01T00:00:00Z", {}), r).ok());
    ASSERT_TRUE(tx->PutTraits(b, {NamedTrait{"title", TraitValue{"CTO", "s", hub::v1::CONTACT, "c1", 5, "most_recent"}}}).ok());
    ASSERT_TRUE(tx->Merge(Entry(Side::kPerson, a, b, "deterministic:email", {"s", hub::v1::CONTACT, "c1"})).ok());
    EXPECT_EQ(tx->Merge(Entry(Side::kPerson, a, b, "again")).code(),
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
    ASSERT_TRUE(tx->SetAccount(p, a2, 200, p).ok());
    ASSERT_TRUE(tx->SetAccount(p, a1, 100, p).ok());  // older: ignored
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(store_->GetProfile(p, false)->account(), "accounts/" + std::to_string(a2));
  {
    auto tx = Begin();
    ASSERT_TRUE(tx->SetAccount(p, a1, 300, p).ok());
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
  EXPECT_EQ(tx->PutRecord(rec, r).status().code(), absl::StatusCode::kFailedPrecondition);
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
  EXPECT_EQ(tx->PutRecord(MakeRecord("s", hub::v1::LEAD, "nope", "2024-01-01T00:00:00Z", {}), missing).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreContractTest, QuarantineIsIdempotentPerRevision) {
  auto tx = Begin();
  QuarantineEntry e;
  e.record = MakeRecord("s", hub::v1::CONTACT, "", "2024-01-01T00:00:00Z", {});
  e.content_hash = 5;
  e.reason = "external_id: required";
  EXPECT_TRUE(*tx->Quarantine(e));
  EXPECT_FALSE(*tx->Quarantine(e));
  e.content_hash = 6;
  EXPECT_TRUE(*tx->Quarantine(e));
  ASSERT_TRUE(tx->Commit().ok());
  std::vector<QuarantineEntry> q = *store_->ListQuarantine(0, 10);
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].reason, "external_id: required");
  EXPECT_EQ(q[0].seq, 1);
  EXPECT_EQ(q[1].seq, 2);
  EXPECT_EQ(store_->ListQuarantine(1, 10)->size(), 1u);

  // Taken: gone, once.
  tx.reset();  // the writer is free again
  tx = Begin();
  absl::StatusOr<QuarantineEntry> taken = tx->TakeQuarantined(1);
  ASSERT_TRUE(taken.ok()) << taken.status();
  EXPECT_EQ(taken->content_hash, 5u);
  EXPECT_EQ(taken->record.source(), "s");
  EXPECT_EQ(tx->TakeQuarantined(1).status().message(), "quarantine/1 not found");
  ASSERT_TRUE(tx->Commit().ok());
  EXPECT_EQ(store_->ListQuarantine(0, 10)->size(), 1u);
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
    ASSERT_TRUE(tx->Merge(Entry(Side::kPerson, 1, 2, "x")).ok());
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

TEST_P(StoreContractTest, LedgerKeepsScoreWhoAndUndoneEntriesAppendOnly) {
  int64_t a, b;
  {
    auto tx = Begin();
    a = *tx->CreateProfile(Side::kPerson);
    b = *tx->CreateProfile(Side::kPerson);
    MergeEntry e = Entry(Side::kPerson, a, b, "probabilistic", {"s", hub::v1::CONTACT, "c9"});
    e.score = 0.93;
    e.who = "matcher";
    ASSERT_TRUE(tx->Merge(e).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto tx = Begin();
  MergeEntry merged = *tx->GetMergeEntry(1);
  EXPECT_EQ(merged.seq, 1);
  EXPECT_EQ(merged.winner, a);
  EXPECT_EQ(merged.loser, b);
  EXPECT_EQ(merged.rule, "probabilistic");
  ASSERT_TRUE(merged.score.has_value());
  EXPECT_DOUBLE_EQ(*merged.score, 0.93);
  EXPECT_EQ(merged.who, "matcher");
  EXPECT_EQ(merged.record.external_id, "c9");
  EXPECT_TRUE(merged.reversible);
  EXPECT_EQ(merged.undone_by, 0);
  EXPECT_GT(merged.at_us, 0);
  ASSERT_EQ(tx->ActiveMerges(Side::kPerson, a)->size(), 1u);
  EXPECT_EQ(tx->GetMergeEntry(7).status().code(), absl::StatusCode::kNotFound);

  SplitPlan plan;
  plan.root = a;
  plan.loser = b;
  plan.loser_side = {b};
  plan.unmerge = Entry(Side::kPerson, a, b, "unmerge");
  plan.unmerge.who = "steward";
  plan.unmerge.undoes = 1;
  ASSERT_TRUE(tx->Split(plan).ok());
  EXPECT_EQ(tx->Split(plan).code(), absl::StatusCode::kFailedPrecondition);  // b is live
  EXPECT_TRUE(tx->ActiveMerges(Side::kPerson, a)->empty());
  EXPECT_EQ(tx->GetMergeEntry(1)->undone_by, 2);
  MergeEntry unmerge = *tx->GetMergeEntry(2);
  EXPECT_EQ(unmerge.rule, "unmerge");
  EXPECT_EQ(unmerge.undoes, 1);
  EXPECT_FALSE(unmerge.score.has_value());
  ASSERT_TRUE(tx->Commit().ok());
  EXPECT_EQ(*store_->ResolveId(Side::kPerson, b), b);
  // Newest first; both sides see the history.
  for (int64_t id : {a, b}) {
    std::vector<MergeEntry> listed = *store_->ListMerges(Side::kPerson, id, INT64_MAX, 10);
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(listed[0].seq, 2);
    EXPECT_EQ(listed[1].seq, 1);
  }
  EXPECT_EQ(store_->ListMerges(Side::kPerson, a, 2, 10)->size(), 1u);
  EXPECT_EQ(store_->Counts()->merges, 2);
  EXPECT_EQ(store_->Counts()->persons, 2);
}

TEST_P(StoreContractTest, SplitReturnsWhatCameFromTheLoserSide) {
  // 3 merges into 2, 2 into 1; then the 2<-1 link is undone: 2 and 3 come
  // back as one profile (2), with their identities, records and account.
  int64_t acct1, acct2;
  {
    auto tx = Begin();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(tx->CreateProfile(Side::kPerson).ok());
    acct1 = *tx->CreateProfile(Side::kAccount);
    acct2 = *tx->CreateProfile(Side::kAccount);
    const char* emails[] = {"a@x.example", "b@x.example", "c@x.example"};
    for (int64_t p = 1; p <= 3; ++p) {
      ASSERT_TRUE(tx->AddIdentity(Side::kPerson, "email", emails[p - 1], p, "s", 0).ok());
      RecordPlacement r;
      r.content_hash = p;
      r.profile_id = p;
      ASSERT_TRUE(tx->PutRecord(MakeRecord("s", hub::v1::CONTACT, emails[p - 1],
                                           "2024-01-01T00:00:00Z", {}), r).ok());
    }
    ASSERT_TRUE(tx->SetAccount(1, acct1, 100, 1).ok());
    ASSERT_TRUE(tx->SetAccount(3, acct2, 200, 3).ok());
    ASSERT_TRUE(tx->Merge(Entry(Side::kPerson, 2, 3, "manual")).ok());
    ASSERT_TRUE(tx->Merge(Entry(Side::kPerson, 1, 2, "manual")).ok());
    // While merged, a record from 3's side arrives on profile 1.
    ASSERT_TRUE(tx->AddIdentity(Side::kPerson, "phone", "+14155550103", 1, "s", 3).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(store_->GetProfile(1, false)->account(), "accounts/" + std::to_string(acct2));
  EXPECT_EQ(store_->GetProfile(1, false)->identifiers_size(), 4);
  {
    auto tx = Begin();
    SplitPlan plan;
    plan.root = 1;
    plan.loser = 2;
    plan.loser_side = {2, 3};
    plan.unmerge = Entry(Side::kPerson, 1, 2, "unmerge");
    plan.unmerge.undoes = 2;
    ASSERT_TRUE(tx->Split(plan).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  hub::v1::Profile one = *store_->GetProfile(1, true);
  hub::v1::Profile two = *store_->GetProfile(3, true);  // 3 forwards to 2
  EXPECT_EQ(two.name(), "profiles/2");
  EXPECT_EQ(two.merged_names_size(), 1);
  EXPECT_EQ(one.merged_names_size(), 0);
  ASSERT_EQ(one.identifiers_size(), 1);
  EXPECT_EQ(one.identifiers(0).value(), "a@x.example");
  ASSERT_EQ(two.identifiers_size(), 3);
  EXPECT_EQ(two.identifiers(1).value(), "c@x.example");
  EXPECT_EQ(two.identifiers(2).value(), "+14155550103");
  EXPECT_EQ(one.source_records_size(), 1);
  EXPECT_EQ(two.source_records_size(), 2);
  EXPECT_EQ(one.account(), "accounts/" + std::to_string(acct1));
  EXPECT_EQ(two.account(), "accounts/" + std::to_string(acct2));
  EXPECT_EQ(*store_->FindIdentity(Side::kPerson, "phone", "+14155550103"), 2);
}

TEST_P(StoreContractTest, AccountLinksFollowAccountMergesAndSplits) {
  int64_t person, a1, a2;
  {
    auto tx = Begin();
    person = *tx->CreateProfile(Side::kPerson);
    a1 = *tx->CreateProfile(Side::kAccount);
    a2 = *tx->CreateProfile(Side::kAccount);
    ASSERT_TRUE(tx->SetAccount(person, a2, 100, person).ok());
    ASSERT_TRUE(tx->Merge(Entry(Side::kAccount, a1, a2, "manual")).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  std::string one = "accounts/" + std::to_string(a1);
  EXPECT_EQ(store_->GetProfile(person, false)->account(), one);
  EXPECT_EQ(store_->GetAccount(a1, false)->member_count(), 1);
  EXPECT_EQ(store_->ListMembers(a1, 0, 10)->ids, std::vector<int64_t>{person});
  {
    auto tx = Begin();
    SplitPlan plan;
    plan.side = Side::kAccount;
    plan.root = a1;
    plan.loser = a2;
    plan.loser_side = {a2};
    plan.unmerge = Entry(Side::kAccount, a1, a2, "unmerge");
    plan.unmerge.undoes = 1;
    ASSERT_TRUE(tx->Split(plan).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(store_->GetProfile(person, false)->account(), "accounts/" + std::to_string(a2));
  EXPECT_EQ(store_->GetAccount(a1, false)->member_count(), 0);
  EXPECT_EQ(store_->ListMembers(a2, 0, 10)->ids, std::vector<int64_t>{person});
}

TEST_P(StoreContractTest, DoNotLinkFollowsForwarding) {
  auto tx = Begin();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(tx->CreateProfile(Side::kPerson).ok());
  EXPECT_FALSE(*tx->IsDoNotLinked(Side::kPerson, 1, 2));
  ASSERT_TRUE(tx->AddDoNotLink(Side::kPerson, 1, 2, "steward").ok());
  ASSERT_TRUE(tx->AddDoNotLink(Side::kPerson, 2, 1, "steward").ok());  // exists: no-op
  EXPECT_TRUE(*tx->IsDoNotLinked(Side::kPerson, 1, 2));
  EXPECT_TRUE(*tx->IsDoNotLinked(Side::kPerson, 2, 1));
  EXPECT_FALSE(*tx->IsDoNotLinked(Side::kPerson, 1, 3));
  ASSERT_TRUE(tx->Merge(Entry(Side::kPerson, 3, 4, "manual")).ok());
  ASSERT_TRUE(tx->Merge(Entry(Side::kPerson, 1, 3, "manual")).ok());
  // 4 and 3 forward to 1, which is kept apart from 2.
  EXPECT_TRUE(*tx->IsDoNotLinked(Side::kPerson, 4, 2));
  EXPECT_TRUE(*tx->IsDoNotLinked(Side::kPerson, 2, 3));
  EXPECT_FALSE(*tx->IsDoNotLinked(Side::kPerson, 4, 1));  // one profile
  EXPECT_EQ(tx->IsDoNotLinked(Side::kPerson, 1, 99).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(tx->IsDoNotLinked(Side::kAccount, 1, 2).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(tx->AddDoNotLink(Side::kPerson, 2, 2, "s").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(tx->AddDoNotLink(Side::kPerson, 2, 4, "s").code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(tx->Commit().ok());
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
