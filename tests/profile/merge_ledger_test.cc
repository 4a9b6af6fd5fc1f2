// Manual merges, unmerges and do-not-link over a real SQLite store, with
// records ingested through the Ingester.
#include "profile/identity/merge_ledger.h"

#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "profile/ingest/ingester.h"
#include "profile/store/sqlite_store.h"
#include "tests/support/records.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::AddLink;
using testing_support::MakeActivity;
using testing_support::MakeRecord;
using testing_support::TempDir;
using v1::SourceRecord;

// A steward with no role, reason or request id.
Actor By(std::string principal) {
  Actor actor;
  actor.principal = std::move(principal);
  return actor;
}

MergeEntry Edge(int64_t winner, int64_t loser) {
  MergeEntry e;
  e.winner = winner;
  e.loser = loser;
  return e;
}

TEST(LoserSideTest, TheLoserAndWhatMergedIntoItTransitively) {
  // 4 -> 2, 5 -> 4, 2 -> 1, 3 -> 1, 6 -> 3.
  std::vector<MergeEntry> active = {Edge(2, 4), Edge(4, 5), Edge(1, 2), Edge(1, 3), Edge(3, 6)};
  EXPECT_EQ(LoserSide(active, 2), (std::vector<int64_t>{2, 4, 5}));
  EXPECT_EQ(LoserSide(active, 3), (std::vector<int64_t>{3, 6}));
  EXPECT_EQ(LoserSide(active, 5), std::vector<int64_t>{5});
}

// A small world: Ana in the CRM (profile 1, at account "Acme" by CRM id),
// Ana in support with a private address and a phone (profile 2, with a web
// visit), Bo in the CRM at account "Acme Corporation"; an opportunity of
// Acme naming Ana.
std::vector<SourceRecord> World() {
  SourceRecord ana = MakeRecord("salesforce", hub::v1::CONTACT, "003A", "2024-05-01T00:00:00Z",
                                {{"salesforce.contact_id", "003A"}, {"email", "ana@acme.example"}},
                                {{"first_name", "Ana"}, {"title", "CTO"}});
  AddLink(&ana, "account", "salesforce.account_id", "001X");
  SourceRecord acme = MakeRecord("salesforce", hub::v1::ACCOUNT, "001X", "2024-04-01T00:00:00Z",
                                 {{"salesforce.account_id", "001X"}, {"domain", "acme.example"}},
                                 {{"name", "Acme"}, {"industry", "Software"}});
  SourceRecord support = MakeRecord("zendesk", hub::v1::CONTACT, "361", "2024-06-01T00:00:00Z",
                                    {{"zendesk.user_id", "361"}, {"email", "ana.ruiz@gmail.com"},
                                     {"phone", "4155550101"}},
                                    {{"title", "Chief Technology Officer"}, {"phone", "+14155550101"}});
  SourceRecord visit = MakeRecord("segment", hub::v1::WEB_EVENT, "msg1", "2024-06-02T00:00:00Z",
                                  {{"segment.anonymous_id", "anon-1"}, {"email", "ana.ruiz@gmail.com"}});
  MakeActivity(&visit, "2024-06-02T00:00:00Z", "page_view");
  SourceRecord corp = MakeRecord("salesforce", hub::v1::ACCOUNT, "001Y", "2024-04-02T00:00:00Z",
                                 {{"salesforce.account_id", "001Y"}, {"domain", "acmecorp.example"}},
                                 {{"name", "Acme Corporation"}, {"industry", "Software"}});
  SourceRecord bo = MakeRecord("salesforce", hub::v1::CONTACT, "003B", "2024-05-03T00:00:00Z",
                               {{"salesforce.contact_id", "003B"}, {"email", "bo@acmecorp.example"}},
                               {{"first_name", "Bo"}});
  SourceRecord opp = MakeRecord("salesforce", hub::v1::OPPORTUNITY, "006O", "2024-05-05T00:00:00Z", {});
  MakeActivity(&opp, "2024-05-05T00:00:00Z", "opportunity");
  AddLink(&opp, "account", "salesforce.account_id", "001X");
  AddLink(&opp, "person", "salesforce.contact_id", "003A");
  return {ana, acme, support, visit, corp, bo, opp};
}

// A mailing-list record naming Ana's work address and her phone: it links
// profiles 1 and 2 deterministically.
SourceRecord Bridge(const std::string& updated = "2024-07-01T00:00:00Z") {
  return MakeRecord("mailchimp", hub::v1::CONTACT, "m1", updated,
                    {{"email", "ana@acme.example"}, {"phone", "+1 415 555 0101"},
                     {"mailchimp.member_id", "m1"}},
                    {{"title", "Head of Technology"}});
}

class MergeLedgerTest : public ::testing::Test {
 protected:
  struct Hub {
    std::unique_ptr<Store> store;
    std::unique_ptr<Ingester> ingester;
    std::unique_ptr<MergeLedger> ledger;
  };

  Hub Open(const std::string& file) {
    Hub w;
    w.store = *OpenSqliteStore(SqliteStoreOptions{dir_.File(file)});
    SurvivorshipPolicy policy;
    policy.Set("title", TraitRule{SurvivorshipRule::kMostFrequent, {}});
    w.ingester = std::make_unique<Ingester>(w.store.get(), IdentityPolicy::Default(),
                                            ValidationLimits{}, policy);
    w.ledger = std::make_unique<MergeLedger>(w.store.get(), policy);
    return w;
  }

  static void Ingest(Hub& w, std::vector<SourceRecord> records) {
    absl::StatusOr<IngestStats> s = w.ingester->IngestBatch(std::move(records));
    ASSERT_TRUE(s.ok()) << s.status();
  }

  // Everything a client can observe of persons and accounts: each live
  // profile with its traits and lineage, identifiers, source records, merged
  // names and account; each account; every profile's events with their
  // account. update_time is left out (it moves on every change); so are the
  // ingest times (create_time, first_seen) when `ingest_times` is false, to
  // compare two stores.
  static std::string Dump(Store* store, bool ingest_times = true) {
    std::ostringstream out;
    for (Side side : {Side::kPerson, Side::kAccount}) {
      absl::StatusOr<IdPage> page = store->ListIds(side, 0, 1000);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return "";
      for (int64_t id : page->ids) out << DumpOne(store, side, id, ingest_times);
    }
    return out.str();
  }

  template <typename Resource>
  static void ClearIngestTimes(Resource* r) {
    r->clear_create_time();
    for (auto& id : *r->mutable_identifiers()) id.clear_first_seen();
  }

  static std::string DumpOne(Store* store, Side side, int64_t id, bool ingest_times) {
    std::ostringstream out;
    if (side == Side::kAccount) {
      absl::StatusOr<hub::v1::Account> a = store->GetAccount(id, true);
      EXPECT_TRUE(a.ok()) << a.status();
      if (!a.ok()) return "";
      a->clear_update_time();
      if (!ingest_times) ClearIngestTimes(&*a);
      return a->DebugString();
    }
    absl::StatusOr<hub::v1::Profile> p = store->GetProfile(id, true);
    EXPECT_TRUE(p.ok()) << p.status();
    if (!p.ok()) return "";
    p->clear_update_time();
    if (!ingest_times) ClearIngestTimes(&*p);
    out << p->DebugString();
    auto events = store->ListEvents(id, INT64_MAX, INT64_MAX, 1000);
    EXPECT_TRUE(events.ok()) << events.status();
    if (!events.ok()) return "";
    for (const auto& event : *events) out << "  event " << event.first.ShortDebugString() << "\n";
    return out.str();
  }

  TempDir dir_;
};

TEST_F(MergeLedgerTest, ManualMergeThenUnmergeRestoresEverything) {
  Hub w = Open("hub.db");
  Ingest(w, World());
  const std::string before = Dump(w.store.get());
  ASSERT_EQ(w.store->Counts()->persons, 3);

  absl::StatusOr<MergeEntry> merged = w.ledger->Merge(Side::kPerson, 3, 1, By("steward-ana"));
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->winner, 1);
  EXPECT_EQ(merged->loser, 3);
  EXPECT_EQ(merged->rule, "manual");
  EXPECT_EQ(merged->who, "steward-ana");
  EXPECT_FALSE(merged->score.has_value());
  hub::v1::Profile one = *w.store->GetProfile(3, true);
  EXPECT_EQ(one.name(), "profiles/1");
  EXPECT_EQ(one.identifiers_size(), 6);
  EXPECT_EQ(one.event_count(), 2);
  EXPECT_NE(Dump(w.store.get()), before);

  absl::StatusOr<UnmergeResult> undone = w.ledger->Unmerge(Side::kPerson, 3, merged->seq, By("steward-bo"));
  ASSERT_TRUE(undone.ok()) << undone.status();
  EXPECT_EQ(undone->root, 1);
  EXPECT_EQ(undone->restored, 3);
  EXPECT_EQ(undone->entry.rule, "unmerge");
  EXPECT_EQ(undone->entry.undoes, merged->seq);
  EXPECT_EQ(undone->entry.who, "steward-bo");
  EXPECT_EQ(Dump(w.store.get()), before);
  // Append-only: the merge stays, marked undone.
  std::vector<MergeEntry> ledger = *w.store->ListMerges(Side::kPerson, 1, INT64_MAX, 10);
  ASSERT_EQ(ledger.size(), 2u);
  EXPECT_EQ(ledger[1].seq, merged->seq);
  EXPECT_EQ(ledger[1].undone_by, ledger[0].seq);
}

TEST_F(MergeLedgerTest, EveryStewardActionIsAuditedWithItsTransaction) {
  Hub w = Open("hub.db");
  Ingest(w, World());
  const Actor ana{"ana", "steward", "same person, two inboxes", "req-1"};
  MergeEntry merged = *w.ledger->Merge(Side::kPerson, 3, 1, ana);
  ASSERT_TRUE(w.ledger->Unmerge(Side::kPerson, 1, merged.seq, By("bo")).ok());
  int64_t bo = *w.store->FindIdentity(Side::kPerson, "email", "bo@acmecorp.example");
  ASSERT_TRUE(w.ledger->AddDoNotLink(Side::kPerson, 1, bo, By("bo")).ok());
  // A refused action leaves no entry.
  EXPECT_EQ(w.ledger->Merge(Side::kPerson, 1, 999, ana).status().code(),
            absl::StatusCode::kNotFound);

  std::vector<AuditEntry> log = *w.store->ListAudit(0, 10);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].seq, 1);
  EXPECT_EQ(log[0].actor.principal, "ana");
  EXPECT_EQ(log[0].actor.role, "steward");
  EXPECT_EQ(log[0].actor.reason, "same person, two inboxes");
  EXPECT_EQ(log[0].actor.request_id, "req-1");
  EXPECT_EQ(log[0].action, "MergeProfiles");
  EXPECT_EQ(log[0].target, "profiles/1");
  EXPECT_EQ(log[0].details,
            absl::StrCat("merged profiles/3 into profiles/1 (ledger entry ", merged.seq, ")"));
  EXPECT_EQ(log[1].action, "UnmergeProfile");
  EXPECT_EQ(log[1].actor.principal, "bo");
  EXPECT_EQ(log[1].details, absl::StrCat("undid ledger entry ", merged.seq,
                                         ": profiles/3 is live again (entry ",
                                         merged.seq + 1, ")"));
  EXPECT_EQ(log[2].action, "AddDoNotLink");
  EXPECT_EQ(log[2].details, absl::StrCat("kept profiles/1 and profiles/", bo, " apart"));
  EXPECT_EQ(w.store->VerifyAudit()->first_bad_seq, 0);
}

TEST_F(MergeLedgerTest, UnmergingAnEarlierMergeUnderALaterOneRestoresEverything) {
  Hub w = Open("hub.db");
  Ingest(w, World());
  const std::string before = Dump(w.store.get());
  MergeEntry first = *w.ledger->Merge(Side::kPerson, 1, 3, By("s"));
  int64_t bo = *w.store->FindIdentity(Side::kPerson, "email", "bo@acmecorp.example");
  MergeEntry second = *w.ledger->Merge(Side::kPerson, bo, 1, By("s"));
  EXPECT_EQ(w.store->Counts()->persons, 1);
  ASSERT_TRUE(w.ledger->Unmerge(Side::kPerson, 1, first.seq, By("s")).ok());
  EXPECT_EQ(w.store->Counts()->persons, 2);
  ASSERT_TRUE(w.ledger->Unmerge(Side::kPerson, bo, second.seq, By("s")).ok());
  EXPECT_EQ(Dump(w.store.get()), before);
}

TEST_F(MergeLedgerTest, AccountMergeThenUnmergeRestoresMembersAndEvents) {
  Hub w = Open("hub.db");
  Ingest(w, World());
  const std::string before = Dump(w.store.get());
  int64_t acme = *w.store->FindIdentity(Side::kAccount, "domain", "acme.example");
  int64_t corp = *w.store->FindIdentity(Side::kAccount, "domain", "acmecorp.example");
  MergeEntry merged = *w.ledger->Merge(Side::kAccount, corp, acme, By("s"));
  EXPECT_EQ(w.store->GetAccount(corp, false)->member_count(), 2);
  EXPECT_EQ(w.store->GetProfile(1, false)->account(), "accounts/" + std::to_string(acme));
  ASSERT_TRUE(w.ledger->Unmerge(Side::kAccount, acme, merged.seq, By("s")).ok());
  EXPECT_EQ(Dump(w.store.get()), before);
}

TEST_F(MergeLedgerTest, UnmergingADeterministicMergeEqualsNeverHavingMerged) {
  // `merged` links Ana's two profiles through a bridging record, then undoes
  // it; `apart` was told to keep them apart before the same record came.
  Hub merged = Open("merged.db");
  Hub apart = Open("apart.db");
  Ingest(merged, World());
  Ingest(apart, World());
  ASSERT_TRUE(apart.ledger->AddDoNotLink(Side::kPerson, 1, 3, By("s")).ok());
  Ingest(merged, {Bridge()});
  Ingest(apart, {Bridge()});
  ASSERT_EQ(merged.store->Counts()->persons, 2);
  ASSERT_EQ(apart.store->Counts()->persons, 3);
  std::vector<MergeEntry> ledger = *merged.store->ListMerges(Side::kPerson, 1, INT64_MAX, 10);
  ASSERT_EQ(ledger.size(), 1u);
  EXPECT_EQ(ledger[0].rule, "deterministic:phone");
  EXPECT_EQ(ledger[0].record.external_id, "m1");
  EXPECT_EQ(ledger[0].who, "");
  ASSERT_TRUE(merged.ledger->Unmerge(Side::kPerson, 3, ledger[0].seq, By("s")).ok());
  EXPECT_EQ(Dump(merged.store.get(), false), Dump(apart.store.get(), false));
}

TEST_F(MergeLedgerTest, AfterUnmergeAnotherBridgingRecordIsRefusedAndReported) {
  Hub w = Open("hub.db");
  Ingest(w, World());
  Ingest(w, {Bridge()});
  int64_t seq = w.store->ListMerges(Side::kPerson, 1, INT64_MAX, 1)->at(0).seq;
  ASSERT_TRUE(w.ledger->Unmerge(Side::kPerson, 1, seq, By("s")).ok());
  size_t refusals = w.store->ListRefusals(0, 100)->size();
  absl::StatusOr<IngestStats> s = w.ingester->IngestBatch({Bridge("2024-08-01T00:00:00Z")});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->merges, 0);
  EXPECT_EQ(s->refusals, 1);
  EXPECT_EQ(w.store->Counts()->persons, 3);
  std::vector<RefusalEntry> log = *w.store->ListRefusals(0, 100);
  ASSERT_EQ(log.size(), refusals + 1);
  EXPECT_EQ(log.back().reason, "do_not_link");
  EXPECT_EQ(log.back().type, "phone");
  EXPECT_EQ(log.back().value, "+14155550101");
  EXPECT_EQ(log.back().holder, 3);
  EXPECT_EQ(log.back().target, 1);
  EXPECT_EQ(log.back().record.external_id, "m1");
  // The record stays on Ana's work side, with its member id.
  EXPECT_EQ(*w.store->FindIdentity(Side::kPerson, "mailchimp.member_id", "m1"), 1);
  EXPECT_EQ(*w.store->FindIdentity(Side::kPerson, "phone", "+14155550101"), 3);
}

TEST_F(MergeLedgerTest, UnmergeRecomputesTraitsOfBothSides) {
  Hub w = Open("hub.db");
  Ingest(w, World());
  MergeEntry e = *w.ledger->Merge(Side::kPerson, 1, 3, By("s"));
  auto title = [&](int64_t id) {
    absl::StatusOr<hub::v1::Profile> p = w.store->GetProfile(id, true);
    if (!p.ok()) return p.status().ToString();
    for (const auto& t : p->traits()) {
      if (t.name() == "title") return t.value() + " by " + t.lineage().rule();
    }
    return std::string("<none>");
  };
  // most_frequent, 1:1: the value seen last.
  EXPECT_EQ(title(1), "Chief Technology Officer by most_frequent");
  ASSERT_TRUE(w.ledger->Unmerge(Side::kPerson, 1, e.seq, By("s")).ok());
  EXPECT_EQ(title(1), "CTO by most_frequent");
  EXPECT_EQ(title(3), "Chief Technology Officer by most_frequent");
}

TEST_F(MergeLedgerTest, StewardErrorsHaveCanonicalCodes) {
  Hub w = Open("hub.db");
  Ingest(w, World());
  MergeLedger& l = *w.ledger;
  EXPECT_EQ(l.Merge(Side::kPerson, 1, 1, By("s")).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(l.Merge(Side::kPerson, 1, 999, By("s")).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(l.Merge(Side::kPerson, 1, 2, By("s")).status().code(), absl::StatusCode::kNotFound)
      << "2 is an account";
  MergeEntry e = *l.Merge(Side::kPerson, 1, 3, By("s"));
  absl::Status again = l.Merge(Side::kPerson, 3, 1, By("s")).status();
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.message(), "cannot merge profiles/3 and profiles/1: both are profiles/1 already");
  int64_t bo = *w.store->FindIdentity(Side::kPerson, "email", "bo@acmecorp.example");
  absl::Status other = l.Unmerge(Side::kPerson, bo, e.seq, By("s")).status();
  EXPECT_EQ(other.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(other.message(), "merge ledger entry 1 is not part of profiles/" + std::to_string(bo) +
                                 " (it built profiles/1)");
  EXPECT_EQ(l.Unmerge(Side::kPerson, 1, 42, By("s")).status().code(), absl::StatusCode::kNotFound);
  UnmergeResult u = *l.Unmerge(Side::kPerson, 1, e.seq, By("s"));
  EXPECT_EQ(l.Unmerge(Side::kPerson, 1, e.seq, By("s")).status().message(),
            "merge ledger entry 1 was undone already, by entry 2");
  EXPECT_EQ(l.Unmerge(Side::kPerson, 1, u.entry.seq, By("s")).status().code(),
            absl::StatusCode::kFailedPrecondition);  // an unmerge entry
  absl::Status kept = l.Merge(Side::kPerson, 1, 3, By("s")).status();
  EXPECT_EQ(kept.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(kept.message(), "profiles/1 and profiles/3 are kept apart by a do-not-link constraint");
  EXPECT_EQ(l.AddDoNotLink(Side::kPerson, 1, 1, By("s")).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace hub
