// The lifecycle on the write path: stage histories and funnel counters as
// batches, revisions, merges and unmerges land, through the real Ingester and
// MergeLedger over a real SQLite store.
#include "profile/lifecycle/stage_tracker.h"

#include <map>
#include <memory>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "profile/base/time_util.h"
#include "profile/identity/merge_ledger.h"
#include "profile/ingest/ingester.h"
#include "profile/store/sqlite_store.h"
#include "tests/support/records.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

// A steward with no role, reason or request id.
Actor By(std::string principal) {
  Actor actor;
  actor.principal = std::move(principal);
  return actor;
}

using testing_support::AddLink;
using testing_support::MakeActivity;
using testing_support::MakeRecord;
using testing_support::TempDir;
using v1::SourceRecord;

int64_t T(const char* text) { return absl::ToUnixMicros(*ParseTimestamp(text)); }

SourceRecord Account(const std::string& updated = "2024-01-02T00:00:00Z",
                     const std::string& industry = "Software") {
  return MakeRecord("salesforce", hub::v1::ACCOUNT, "001A", updated,
                    {{"salesforce.account_id", "001A"}, {"domain", "acme.example"}},
                    {{"industry", industry}, {"tier", "mid"}, {"source", "Partner Referral"}});
}

SourceRecord Contact(const std::string& id, const std::string& email, const std::string& created) {
  SourceRecord r = MakeRecord("salesforce", hub::v1::CONTACT, id, "2024-06-01T00:00:00Z",
                              {{"salesforce.contact_id", id}, {"email", email}},
                              {{"created_date", created}});
  AddLink(&r, "account", "salesforce.account_id", "001A");
  return r;
}

SourceRecord Page(const std::string& id, const std::string& email, const std::string& at,
                  const std::string& type = "page_view") {
  SourceRecord r = MakeRecord("segment", hub::v1::WEB_EVENT, id, at, {{"email", email}});
  MakeActivity(&r, at, type);
  return r;
}

SourceRecord Opportunity(const std::string& updated, bool closed, bool won,
                         const std::string& close_date = "2024-05-01") {
  SourceRecord r = MakeRecord("salesforce", hub::v1::OPPORTUNITY, "006A", updated, {});
  MakeActivity(&r, "2024-03-01T00:00:00Z", "opportunity");
  AddLink(&r, "account", "salesforce.account_id", "001A");
  (*r.mutable_properties())["type"] = "new";
  (*r.mutable_properties())["is_closed"] = closed ? "true" : "false";
  (*r.mutable_properties())["is_won"] = won ? "true" : "false";
  (*r.mutable_properties())["close_date"] = close_date;
  return r;
}

// The records of a small world: an account, two contacts, their web
// activity (enough for one to be engaged) and a won opportunity.
std::vector<SourceRecord> World() {
  std::vector<SourceRecord> out = {Account(), Contact("003A", "ana@acme.example", "2024-01-05"),
                                   Contact("003B", "bo@acme.example", "2024-02-10")};
  out.push_back(Page("p1", "ana@acme.example", "2024-01-10T00:00:00Z", "form_submitted"));
  out.push_back(Page("p2", "ana@acme.example", "2024-01-12T00:00:00Z", "demo_requested"));
  out.push_back(Page("p3", "bo@acme.example", "2024-02-11T00:00:00Z"));
  out.push_back(Opportunity("2024-05-01T00:00:00Z", true, true));
  return out;
}

class StageTrackerTest : public ::testing::Test {
 protected:
  struct Hub {
    TempDir dir;
    std::unique_ptr<Store> store;
    std::unique_ptr<Ingester> ingester;
    std::unique_ptr<MergeLedger> ledger;
  };

  static std::unique_ptr<Hub> Open() {
    auto hub = std::make_unique<Hub>();
    hub->store = *OpenSqliteStore(SqliteStoreOptions{hub->dir.File("hub.db")});
    hub->ingester = std::make_unique<Ingester>(hub->store.get());
    hub->ledger = std::make_unique<MergeLedger>(hub->store.get(), SurvivorshipPolicy{});
    return hub;
  }

  static void Ingest(Hub* hub, const std::vector<SourceRecord>& records) {
    absl::StatusOr<IngestStats> s = hub->ingester->IngestBatch(records);
    ASSERT_TRUE(s.ok()) << s.status();
  }

  static int64_t Person(Hub* hub, const std::string& email) {
    absl::StatusOr<int64_t> id = hub->store->FindIdentity(Side::kPerson, "email", email);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : 0;
  }
  static int64_t AccountId(Hub* hub) {
    absl::StatusOr<int64_t> id =
        hub->store->FindIdentity(Side::kAccount, "salesforce.account_id", "001A");
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : 0;
  }

  static std::string History(Hub* hub, int64_t id) {
    std::string out;
    absl::StatusOr<std::vector<StoredTransition>> history = hub->store->ListTransitions(id);
    EXPECT_TRUE(history.ok()) << history.status();
    if (!history.ok()) return out;
    for (const StoredTransition& t : *history) {
      absl::StrAppend(&out, FormatTimestamp(absl::FromUnixMicros(t.at_us)), " ",
                      StageName(static_cast<Stage>(t.stage)), "\n");
    }
    return out;
  }

  // Every funnel counter of a side and segment, over all time.
  static std::map<std::tuple<int, int64_t, int64_t>, int64_t> Counters(Hub* hub, Side side,
                                                                    const std::string& segment) {
    std::map<std::tuple<int, int64_t, int64_t>, int64_t> out;
    absl::StatusOr<std::vector<FunnelCount>> counts =
        hub->store->SumFunnelCounts(side, segment, -100000, 100000);
    EXPECT_TRUE(counts.ok()) << counts.status();
    if (!counts.ok()) return out;
    for (const FunnelCount& c : *counts) {
      out[{c.stage, c.reach_days, c.stay_days}] = c.n;
    }
    return out;
  }

  // The counters re-derived from the stored histories of `ids`.
  static std::map<std::tuple<int, int64_t, int64_t>, int64_t> Derived(
      Hub* hub, const std::vector<int64_t>& ids) {
    std::map<std::tuple<int, int64_t, int64_t>, int64_t> out;
    for (int64_t id : ids) {
      absl::StatusOr<std::vector<StoredTransition>> history = hub->store->ListTransitions(id);
      EXPECT_TRUE(history.ok()) << history.status();
      if (!history.ok()) continue;
      for (const StoredTransition& t : *history) {
        ++out[{t.stage,
               t.reached_us == 0 ? -1 : (t.reached_us - t.at_us + kDayMicros - 1) / kDayMicros,
               t.left_us == 0 ? -1 : (t.left_us - t.at_us) / kDayMicros}];
      }
    }
    return out;
  }
};

TEST_F(StageTrackerTest, HistoriesFollowTheRecords) {
  auto hub = Open();
  Ingest(hub.get(), World());
  EXPECT_EQ(History(hub.get(), Person(hub.get(), "ana@acme.example")),
            "2024-01-05T00:00:00.000000Z ATTRACT\n"
            "2024-01-05T00:00:00.000000Z CAPTURE\n"
            "2024-01-12T00:00:00.000000Z NURTURE\n"    // 5 + 5 points
            "2024-03-01T00:00:00.000000Z CONVERT\n"
            "2024-05-01T00:00:00.000000Z EXPAND\n");
  EXPECT_EQ(History(hub.get(), Person(hub.get(), "bo@acme.example")),
            "2024-02-10T00:00:00.000000Z ATTRACT\n"
            "2024-02-10T00:00:00.000000Z CAPTURE\n"
            "2024-03-01T00:00:00.000000Z NURTURE\n"
            "2024-03-01T00:00:00.000000Z CONVERT\n"
            "2024-05-01T00:00:00.000000Z EXPAND\n");
  // The account: its members' earliest facts and its opportunity.
  EXPECT_EQ(History(hub.get(), AccountId(hub.get())),
            "2024-01-05T00:00:00.000000Z ATTRACT\n"
            "2024-01-05T00:00:00.000000Z CAPTURE\n"
            "2024-01-12T00:00:00.000000Z NURTURE\n"
            "2024-03-01T00:00:00.000000Z CONVERT\n"
            "2024-05-01T00:00:00.000000Z EXPAND\n");
  // Counted under all and under the account's segments, never elsewhere.
  const std::vector<int64_t> persons = {Person(hub.get(), "ana@acme.example"),
                                        Person(hub.get(), "bo@acme.example")};
  EXPECT_EQ(Counters(hub.get(), Side::kPerson, ""), Derived(hub.get(), persons));
  EXPECT_EQ(Counters(hub.get(), Side::kPerson, "industry=Software"), Derived(hub.get(), persons));
  EXPECT_EQ(Counters(hub.get(), Side::kPerson, "tier=mid"), Derived(hub.get(), persons));
  EXPECT_EQ(Counters(hub.get(), Side::kPerson, "source=Partner Referral"),
            Derived(hub.get(), persons));
  EXPECT_TRUE(Counters(hub.get(), Side::kPerson, "region=emea").empty());
  EXPECT_TRUE(Counters(hub.get(), Side::kPerson, "source=Web").empty());
  EXPECT_EQ(Counters(hub.get(), Side::kAccount, "industry=Software"),
            Derived(hub.get(), {AccountId(hub.get())}));
  EXPECT_EQ(Counters(hub.get(), Side::kAccount, "source=Partner Referral"),
            Derived(hub.get(), {AccountId(hub.get())}));
}

TEST_F(StageTrackerTest, ArrivalOrderAndBatchingDoNotMatter) {
  auto in_order = Open();
  Ingest(in_order.get(), World());
  std::vector<SourceRecord> world = World();
  auto reversed = Open();
  for (auto it = world.rbegin(); it != world.rend(); ++it) Ingest(reversed.get(), {*it});
  for (const char* email : {"ana@acme.example", "bo@acme.example"}) {
    EXPECT_EQ(History(reversed.get(), Person(reversed.get(), email)),
              History(in_order.get(), Person(in_order.get(), email)))
        << email;
  }
  EXPECT_EQ(History(reversed.get(), AccountId(reversed.get())),
            History(in_order.get(), AccountId(in_order.get())));
  for (Side side : {Side::kPerson, Side::kAccount}) {
    for (const char* segment : {"", "industry=Software", "tier=mid"}) {
      EXPECT_EQ(Counters(reversed.get(), side, segment), Counters(in_order.get(), side, segment))
          << segment;
    }
  }
}

TEST_F(StageTrackerTest, RevisionsReplaceFactsAndCountersFollow) {
  auto hub = Open();
  Ingest(hub.get(), World());
  // The opportunity is reopened, then lost; the account's industry changes.
  Ingest(hub.get(), {Opportunity("2024-06-01T00:00:00Z", false, false)});
  Ingest(hub.get(), {Opportunity("2024-07-01T00:00:00Z", true, false, "2024-06-20"),
                     Account("2024-07-01T00:00:00Z", "Retail")});
  const int64_t ana = Person(hub.get(), "ana@acme.example");
  EXPECT_EQ(History(hub.get(), ana),
            "2024-01-05T00:00:00.000000Z ATTRACT\n"
            "2024-01-05T00:00:00.000000Z CAPTURE\n"
            "2024-01-12T00:00:00.000000Z NURTURE\n"
            "2024-03-01T00:00:00.000000Z CONVERT\n"
            "2024-06-20T00:00:00.000000Z NURTURE\n");
  // The same final records ingested fresh give the same counters.
  auto fresh = Open();
  std::vector<SourceRecord> world = World();
  world.back() = Opportunity("2024-07-01T00:00:00Z", true, false, "2024-06-20");
  world.front() = Account("2024-07-01T00:00:00Z", "Retail");
  Ingest(fresh.get(), world);
  for (Side side : {Side::kPerson, Side::kAccount}) {
    for (const char* segment : {"", "industry=Software", "industry=Retail", "tier=mid"}) {
      EXPECT_EQ(Counters(hub.get(), side, segment), Counters(fresh.get(), side, segment))
          << segment;
    }
  }
  EXPECT_TRUE(Counters(hub.get(), Side::kPerson, "industry=Software").empty());
}

TEST_F(StageTrackerTest, FunnelIndexRebuiltAtOpenEqualsTheOneMaintained) {
  auto hub = Open();
  Ingest(hub.get(), World());
  Ingest(hub.get(), {Opportunity("2024-07-01T00:00:00Z", true, false, "2024-06-20")});
  std::map<std::string, std::map<std::tuple<int, int64_t, int64_t>, int64_t>> before;
  for (Side side : {Side::kPerson, Side::kAccount}) {
    for (const char* segment : {"", "industry=Software", "tier=mid"}) {
      before[absl::StrCat(static_cast<int>(side), segment)] = Counters(hub.get(), side, segment);
    }
  }
  hub->ingester.reset();
  hub->ledger.reset();
  hub->store.reset();
  hub->store = *OpenSqliteStore(SqliteStoreOptions{hub->dir.File("hub.db")});
  for (Side side : {Side::kPerson, Side::kAccount}) {
    for (const char* segment : {"", "industry=Software", "tier=mid"}) {
      EXPECT_EQ(Counters(hub.get(), side, segment),
                before[absl::StrCat(static_cast<int>(side), segment)])
          << segment;
      EXPECT_FALSE(Counters(hub.get(), side, segment).empty()) << segment;
    }
  }
}

TEST_F(StageTrackerTest, APersonWhoChangesAccountFollowsTheNewOne) {
  auto hub = Open();
  Ingest(hub.get(), World());
  SourceRecord other = MakeRecord("salesforce", hub::v1::ACCOUNT, "001B", "2024-01-03T00:00:00Z",
                                  {{"salesforce.account_id", "001B"}, {"domain", "beta.example"}},
                                  {{"industry", "Retail"}});
  SourceRecord moved = Contact("003B", "bo@acme.example", "2024-02-10");
  *moved.mutable_updated_at() = ToProtoTime(absl::FromUnixMicros(T("2024-07-01T00:00:00Z")));
  moved.clear_links();
  AddLink(&moved, "account", "salesforce.account_id", "001B");
  Ingest(hub.get(), {other, moved});
  const int64_t bo = Person(hub.get(), "bo@acme.example");
  // The new account has no opportunity: bo's history has none either.
  EXPECT_EQ(History(hub.get(), bo),
            "2024-02-10T00:00:00.000000Z ATTRACT\n"
            "2024-02-10T00:00:00.000000Z CAPTURE\n");
  const int64_t beta = *hub->store->FindIdentity(Side::kAccount, "salesforce.account_id", "001B");
  EXPECT_EQ(History(hub.get(), beta),
            "2024-02-10T00:00:00.000000Z ATTRACT\n"
            "2024-02-10T00:00:00.000000Z CAPTURE\n");
  // The same final records ingested fresh give the same funnel.
  auto fresh = Open();
  std::vector<SourceRecord> world = World();
  world[2] = moved;
  world.insert(world.begin(), other);
  Ingest(fresh.get(), world);
  for (Side side : {Side::kPerson, Side::kAccount}) {
    for (const char* segment : {"", "industry=Software", "industry=Retail"}) {
      EXPECT_EQ(Counters(hub.get(), side, segment), Counters(fresh.get(), side, segment))
          << segment;
    }
  }
  EXPECT_EQ(Counters(hub.get(), Side::kPerson, "industry=Retail"),
            Derived(hub.get(), {bo}));
}

TEST_F(StageTrackerTest, AccountMergeThenUnmergeRestoresHistoriesAndCounters) {
  auto hub = Open();
  // A second account, with a member and no opportunity.
  SourceRecord beta = MakeRecord("salesforce", hub::v1::ACCOUNT, "001B", "2024-01-03T00:00:00Z",
                                 {{"salesforce.account_id", "001B"}, {"domain", "beta.example"}},
                                 {{"industry", "Retail"}});
  SourceRecord cy = MakeRecord("salesforce", hub::v1::CONTACT, "003C", "2024-06-01T00:00:00Z",
                               {{"salesforce.contact_id", "003C"}, {"email", "cy@beta.example"}},
                               {{"created_date", "2023-11-01"}});
  AddLink(&cy, "account", "salesforce.account_id", "001B");
  std::vector<SourceRecord> world = World();
  world.push_back(beta);
  world.push_back(cy);
  Ingest(hub.get(), world);
  const int64_t acme = AccountId(hub.get());
  const int64_t beta_id = *hub->store->FindIdentity(Side::kAccount, "salesforce.account_id", "001B");
  const int64_t cy_id = Person(hub.get(), "cy@beta.example");
  const std::string cy_before = History(hub.get(), cy_id);
  EXPECT_EQ(cy_before, "2023-11-01T00:00:00.000000Z ATTRACT\n"
                       "2023-11-01T00:00:00.000000Z CAPTURE\n");
  const std::string acme_before = History(hub.get(), acme);
  auto persons_before = Counters(hub.get(), Side::kPerson, "");
  auto accounts_before = Counters(hub.get(), Side::kAccount, "");

  absl::StatusOr<MergeEntry> merged = hub->ledger->Merge(Side::kAccount, acme, beta_id, By("steward"));
  ASSERT_TRUE(merged.ok()) << merged.status();
  // cy now belongs to the merged account and sees its won opportunity.
  EXPECT_EQ(History(hub.get(), cy_id),
            "2023-11-01T00:00:00.000000Z ATTRACT\n"
            "2023-11-01T00:00:00.000000Z CAPTURE\n"
            "2024-03-01T00:00:00.000000Z NURTURE\n"
            "2024-03-01T00:00:00.000000Z CONVERT\n"
            "2024-05-01T00:00:00.000000Z EXPAND\n");
  // The account is first seen with cy, its earliest member.
  EXPECT_EQ(History(hub.get(), merged->winner).substr(0, 36),
            "2023-11-01T00:00:00.000000Z ATTRACT\n");
  EXPECT_EQ(History(hub.get(), merged->loser), "");

  absl::StatusOr<UnmergeResult> undone =
      hub->ledger->Unmerge(Side::kAccount, merged->winner, merged->seq, By("steward"));
  ASSERT_TRUE(undone.ok()) << undone.status();
  EXPECT_EQ(History(hub.get(), cy_id), cy_before);
  EXPECT_EQ(History(hub.get(), acme), acme_before);
  EXPECT_EQ(Counters(hub.get(), Side::kPerson, ""), persons_before);
  EXPECT_EQ(Counters(hub.get(), Side::kAccount, ""), accounts_before);
}

TEST_F(StageTrackerTest, TombstoneRemovesTheRecordsFacts) {
  auto hub = Open();
  Ingest(hub.get(), World());
  SourceRecord gone = Page("p2", "ana@acme.example", "2024-01-12T00:00:00Z", "demo_requested");
  gone.set_deleted(true);
  *gone.mutable_updated_at() = ToProtoTime(absl::FromUnixMicros(T("2024-08-01T00:00:00Z")));
  Ingest(hub.get(), {gone});
  // 5 points are left: ana is nurtured only when the opportunity opens.
  EXPECT_EQ(History(hub.get(), Person(hub.get(), "ana@acme.example")),
            "2024-01-05T00:00:00.000000Z ATTRACT\n"
            "2024-01-05T00:00:00.000000Z CAPTURE\n"
            "2024-03-01T00:00:00.000000Z NURTURE\n"
            "2024-03-01T00:00:00.000000Z CONVERT\n"
            "2024-05-01T00:00:00.000000Z EXPAND\n");
}

TEST_F(StageTrackerTest, MergeThenUnmergeRestoresHistoriesAndCounters) {
  auto hub = Open();
  std::vector<SourceRecord> world = World();
  // A visitor known only by a cookie, later merged into ana by a steward.
  SourceRecord cookie = MakeRecord("segment", hub::v1::WEB_EVENT, "c1", "2023-12-01T00:00:00Z",
                                   {{"segment.anonymous_id", "anon-9"}});
  MakeActivity(&cookie, "2023-12-01T00:00:00Z", "page_view");
  world.push_back(cookie);
  Ingest(hub.get(), world);
  const int64_t ana = Person(hub.get(), "ana@acme.example");
  const int64_t visitor = *hub->store->FindIdentity(Side::kPerson, "segment.anonymous_id", "anon-9");
  const std::string ana_before = History(hub.get(), ana);
  const std::string visitor_before = History(hub.get(), visitor);
  EXPECT_EQ(visitor_before, "2023-12-01T00:00:00.000000Z ATTRACT\n");
  auto counters_before = Counters(hub.get(), Side::kPerson, "");
  auto account_before = Counters(hub.get(), Side::kAccount, "");

  absl::StatusOr<MergeEntry> merged = hub->ledger->Merge(Side::kPerson, ana, visitor, By("steward"));
  ASSERT_TRUE(merged.ok()) << merged.status();
  const int64_t winner = merged->winner;
  EXPECT_EQ(History(hub.get(), winner).substr(0, 36), "2023-12-01T00:00:00.000000Z ATTRACT\n");
  EXPECT_EQ(History(hub.get(), merged->loser), "");
  const int64_t bo = Person(hub.get(), "bo@acme.example");
  EXPECT_EQ(Counters(hub.get(), Side::kPerson, ""), Derived(hub.get(), {winner, bo}));
  // The account's earliest member fact moved too.
  EXPECT_EQ(History(hub.get(), AccountId(hub.get())).substr(0, 36),
            "2023-12-01T00:00:00.000000Z ATTRACT\n");

  absl::StatusOr<UnmergeResult> undone =
      hub->ledger->Unmerge(Side::kPerson, winner, merged->seq, By("steward"));
  ASSERT_TRUE(undone.ok()) << undone.status();
  EXPECT_EQ(History(hub.get(), ana), ana_before);
  EXPECT_EQ(History(hub.get(), visitor), visitor_before);
  EXPECT_EQ(Counters(hub.get(), Side::kPerson, ""), counters_before);
  EXPECT_EQ(Counters(hub.get(), Side::kAccount, ""), account_before);
}

}  // namespace
}  // namespace hub
