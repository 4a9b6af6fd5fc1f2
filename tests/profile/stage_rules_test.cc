#include "profile/lifecycle/stage_rules.h"

#include <algorithm>
#include <random>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "profile/base/time_util.h"
#include "tests/support/records.h"

namespace hub {
namespace {

using testing_support::AddLink;
using testing_support::MakeActivity;
using testing_support::MakeRecord;
using v1::SourceRecord;

int64_t T(const char* text) { return absl::ToUnixMicros(*ParseTimestamp(text)); }

constexpr int64_t kDay = 86400LL * 1000000;

SourceRecord Event(const std::string& id, const std::string& at, const std::string& type) {
  SourceRecord r = MakeRecord("segment", hub::v1::WEB_EVENT, id, at,
                              {{"segment.anonymous_id", "anon-1"}});
  MakeActivity(&r, at, type);
  return r;
}

SourceRecord Lead(const std::string& updated, const std::string& created,
                  const std::string& status) {
  return MakeRecord("salesforce", hub::v1::LEAD, "00Q1", updated,
                    {{"salesforce.lead_id", "00Q1"}, {"email", "ana@acme.example"}},
                    {{"created_date", created}, {"lead_status", status}});
}

Opportunity Opp(const char* created, const char* closed = nullptr, bool won = false,
                bool renewal = false) {
  Opportunity o;
  o.created = T(created);
  if (closed != nullptr) o.closed = T(closed);
  o.won = won;
  o.renewal = renewal;
  return o;
}

std::vector<Transition> H(std::initializer_list<std::pair<const char*, Stage>> steps) {
  std::vector<Transition> out;
  for (const auto& [at, stage] : steps) out.push_back({T(at), stage});
  return out;
}

std::string Show(const std::vector<Transition>& h) {
  std::string out;
  for (const Transition& t : h) {
    out += FormatTimestamp(absl::FromUnixMicros(t.at)) + " " + StageName(t.stage) + "\n";
  }
  return out;
}

const StageRules kRules = StageRules::Default();

TEST(StageRulesTest, RecordTimeIsEventTimeOrCreatedDateOrUpdatedAt) {
  EXPECT_EQ(RecordTime(Event("m1", "2024-03-01T10:00:00Z", "page_view")),
            T("2024-03-01T10:00:00Z"));
  EXPECT_EQ(RecordTime(Lead("2024-05-01T00:00:00Z", "2024-02-03T04:05:06.000Z", "Open")),
            T("2024-02-03T04:05:06Z"));
  EXPECT_EQ(RecordTime(Lead("2024-05-01T00:00:00Z", "not a date", "Open")),
            T("2024-05-01T00:00:00Z"));
}

TEST(StageRulesTest, ImportedLeadEntersAttractAndCaptureAtOnce) {
  PersonFacts f;
  f.Fold(Lead("2024-05-01T00:00:00Z", "2024-02-01", "Working - Contacted"), kRules);
  EXPECT_EQ(Show(History(f, {}, false)),
            Show(H({{"2024-02-01T00:00:00Z", Stage::kAttract},
                    {"2024-02-01T00:00:00Z", Stage::kCapture}})));
}

TEST(StageRulesTest, QualifiedStatusNurturesAtTheRecordsUpdatedAt) {
  PersonFacts f;
  f.Fold(Lead("2024-05-01T00:00:00Z", "2024-02-01", "Marketing Qualified"), kRules);
  EXPECT_EQ(Show(History(f, {}, false)),
            Show(H({{"2024-02-01T00:00:00Z", Stage::kAttract},
                    {"2024-02-01T00:00:00Z", Stage::kCapture},
                    {"2024-05-01T00:00:00Z", Stage::kNurture}})));
}

TEST(StageRulesTest, EngagementCrossesTenPointsWithinThirtyDays) {
  // 5 + 3 + 1 within (day 29 - 30 days, day 29] reaches 9 at day 20 and 10
  // at day 29: the crossing is the event that brings the sum to 10.
  std::vector<SourceRecord> events = {
      Event("a", "2024-01-01T00:00:00Z", "form_submitted"),  // 5
      Event("b", "2024-01-11T00:00:00Z", "email_clicked"),   // 3
      Event("c", "2024-01-21T00:00:00Z", "page_view"),       // 1
      Event("d", "2024-01-30T00:00:00Z", "page_view"),       // 1
      Event("e", "2024-03-01T00:00:00Z", "page_view"),       // after: irrelevant
  };
  PersonFacts in_order;
  for (const SourceRecord& r : events) in_order.Fold(r, kRules);
  EXPECT_EQ(in_order.engaged, T("2024-01-30T00:00:00Z"));
  // Only events up to the crossing are kept.
  EXPECT_EQ(in_order.engagement.size(), 4u);

  // Any arrival order gives the same facts.
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<SourceRecord> shuffled = events;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    PersonFacts f;
    for (const SourceRecord& r : shuffled) f.Fold(r, kRules);
    EXPECT_TRUE(f == in_order) << trial;
  }
}

TEST(StageRulesTest, PointsOutsideTheWindowDoNotCount) {
  PersonFacts f;
  f.Fold(Event("a", "2024-01-01T00:00:00Z", "form_submitted"), kRules);
  // Exactly 30 days later: the window (t - 30d, t] excludes the first event.
  f.Fold(Event("b", "2024-01-31T00:00:00Z", "form_submitted"), kRules);
  EXPECT_EQ(f.engaged, kNever);
  // One microsecond less than 30 days: both count.
  f.Fold(Event("c", "2024-01-30T23:59:59.999999Z", "generate_lead"), kRules);
  EXPECT_EQ(f.engaged, T("2024-01-30T23:59:59.999999Z"));
}

TEST(StageRulesTest, LateEarlierEventMovesTheCrossingEarlier) {
  PersonFacts f;
  f.Fold(Event("a", "2024-01-10T00:00:00Z", "form_submitted"), kRules);
  f.Fold(Event("b", "2024-02-01T00:00:00Z", "form_submitted"), kRules);
  EXPECT_EQ(f.engaged, T("2024-02-01T00:00:00Z"));
  f.Fold(Event("c", "2024-01-05T00:00:00Z", "form_submitted"), kRules);
  EXPECT_EQ(f.engaged, T("2024-01-10T00:00:00Z"));
  EXPECT_EQ(f.engagement.size(), 2u);
}

TEST(StageRulesTest, AbsorbEqualsFoldingEverything) {
  std::vector<SourceRecord> a = {Event("a", "2024-01-01T00:00:00Z", "form_submitted"),
                                 Event("b", "2024-03-01T00:00:00Z", "page_view")};
  std::vector<SourceRecord> b = {Event("c", "2024-01-03T00:00:00Z", "demo_requested"),
                                 Lead("2024-04-01T00:00:00Z", "2024-02-01", "Open")};
  PersonFacts fa, fb, all;
  for (const SourceRecord& r : a) fa.Fold(r, kRules), all.Fold(r, kRules);
  for (const SourceRecord& r : b) fb.Fold(r, kRules), all.Fold(r, kRules);
  fa.Absorb(fb, kRules);
  EXPECT_TRUE(fa == all);
  EXPECT_EQ(all.engaged, T("2024-01-03T00:00:00Z"));
}

TEST(StageRulesTest, SerializeRoundTrips) {
  PersonFacts f;
  f.Fold(Lead("2024-05-01T00:00:00Z", "2024-02-01", "Sales Accepted"), kRules);
  f.Fold(Event("a", "2024-01-01T00:00:00Z", "page_view"), kRules);
  absl::StatusOr<PersonFacts> back = PersonFacts::Parse(f.Serialize());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(*back == f);
  EXPECT_EQ(PersonFacts::Parse("junk").status().code(), absl::StatusCode::kDataLoss);
}

TEST(StageRulesTest, OpportunityLostThenANewOneReentersConvert) {
  PersonFacts f;
  f.Fold(Lead("2024-01-01T00:00:00Z", "2024-01-01", "Sales Qualified"), kRules);
  std::vector<Opportunity> opps = {Opp("2024-02-01T00:00:00Z", "2024-04-01", false),
                                   Opp("2024-06-01T00:00:00Z")};
  EXPECT_EQ(Show(History(f, opps, false)),
            Show(H({{"2024-01-01T00:00:00Z", Stage::kAttract},
                    {"2024-01-01T00:00:00Z", Stage::kCapture},
                    {"2024-01-01T00:00:00Z", Stage::kNurture},
                    {"2024-02-01T00:00:00Z", Stage::kConvert},
                    {"2024-04-01T00:00:00Z", Stage::kNurture},
                    {"2024-06-01T00:00:00Z", Stage::kConvert}})));
}

TEST(StageRulesTest, CustomerChurnsAndReturns) {
  PersonFacts f;
  f.Fold(Lead("2023-01-01T00:00:00Z", "2023-01-01", "Open"), kRules);
  std::vector<Opportunity> opps = {
      Opp("2023-02-01T00:00:00Z", "2023-03-01", true),                 // won
      Opp("2024-01-01T00:00:00Z", "2024-03-01", false, true),          // renewal lost
      Opp("2024-05-01T00:00:00Z", "2024-06-01", false),                // lost: still churned
      Opp("2024-07-01T00:00:00Z", "2024-08-01", true)};                // won back
  EXPECT_EQ(Show(History(f, opps, false)),
            Show(H({{"2023-01-01T00:00:00Z", Stage::kAttract},
                    {"2023-01-01T00:00:00Z", Stage::kCapture},
                    {"2023-02-01T00:00:00Z", Stage::kNurture},
                    {"2023-02-01T00:00:00Z", Stage::kConvert},
                    {"2023-03-01T00:00:00Z", Stage::kExpand},
                    {"2024-03-01T00:00:00Z", Stage::kChurned},
                    {"2024-08-01T00:00:00Z", Stage::kExpand}})));
}

TEST(StageRulesTest, AnUpsellLostKeepsTheCustomer) {
  PersonFacts f;
  f.Fold(Lead("2023-01-01T00:00:00Z", "2023-01-01", "Open"), kRules);
  std::vector<Opportunity> opps = {Opp("2023-02-01T00:00:00Z", "2023-03-01", true),
                                   Opp("2023-06-01T00:00:00Z", "2023-07-01", false)};
  std::vector<Transition> h = History(f, opps, false);
  ASSERT_FALSE(h.empty());
  EXPECT_EQ(h.back().stage, Stage::kExpand);
  EXPECT_EQ(h.back().at, T("2023-03-01T00:00:00Z"));
}

TEST(StageRulesTest, ContactCreatedAfterTheWinEntersStraightIntoExpand) {
  PersonFacts f;
  f.Fold(MakeRecord("salesforce", hub::v1::CONTACT, "003B", "2024-09-01T00:00:00Z",
                    {{"salesforce.contact_id", "003B"}}, {{"created_date", "2024-08-01"}}),
         kRules);
  std::vector<Opportunity> opps = {Opp("2024-01-01T00:00:00Z", "2024-03-01", true)};
  EXPECT_EQ(Show(History(f, opps, false)),
            Show(H({{"2024-08-01T00:00:00Z", Stage::kAttract},
                    {"2024-08-01T00:00:00Z", Stage::kCapture},
                    {"2024-08-01T00:00:00Z", Stage::kNurture},
                    {"2024-08-01T00:00:00Z", Stage::kConvert},
                    {"2024-08-01T00:00:00Z", Stage::kExpand}})));
}

TEST(StageRulesTest, ContactOfAChurnedAccountFillsUpToConvertOnly) {
  PersonFacts f;
  f.Fold(Event("a", "2025-01-01T00:00:00Z", "page_view"), kRules);
  std::vector<Opportunity> opps = {Opp("2023-01-01T00:00:00Z", "2023-03-01", true),
                                   Opp("2024-01-01T00:00:00Z", "2024-03-01", false, true)};
  EXPECT_EQ(Show(History(f, opps, false)),
            Show(H({{"2025-01-01T00:00:00Z", Stage::kAttract},
                    {"2025-01-01T00:00:00Z", Stage::kCapture},
                    {"2025-01-01T00:00:00Z", Stage::kNurture},
                    {"2025-01-01T00:00:00Z", Stage::kConvert},
                    {"2025-01-01T00:00:00Z", Stage::kChurned}})));
}

TEST(StageRulesTest, AccountWithOnlyOpportunitiesIsSeenAtTheFirst) {
  std::vector<Opportunity> opps = {Opp("2024-01-01T00:00:00Z")};
  EXPECT_EQ(Show(History(PersonFacts{}, opps, true)),
            Show(H({{"2024-01-01T00:00:00Z", Stage::kAttract},
                    {"2024-01-01T00:00:00Z", Stage::kCapture},
                    {"2024-01-01T00:00:00Z", Stage::kNurture},
                    {"2024-01-01T00:00:00Z", Stage::kConvert}})));
  EXPECT_TRUE(History(PersonFacts{}, opps, false).empty());
  EXPECT_TRUE(History(PersonFacts{}, {}, true).empty());
}

TEST(StageRulesTest, DeclaredHubSpotStages) {
  PersonFacts f;
  f.Fold(MakeRecord("hubspot", hub::v1::CONTACT, "51", "2024-04-01T00:00:00Z",
                    {{"email", "ana@acme.example"}},
                    {{"created_date", "2024-01-01"}, {"lifecyclestage", "opportunity"}}),
         kRules);
  EXPECT_EQ(Show(History(f, {}, false)),
            Show(H({{"2024-01-01T00:00:00Z", Stage::kAttract},
                    {"2024-01-01T00:00:00Z", Stage::kCapture},
                    {"2024-04-01T00:00:00Z", Stage::kNurture},
                    {"2024-04-01T00:00:00Z", Stage::kConvert}})));
}

TEST(StageRulesTest, OutcomesGiveLeavingAndReachingTimes) {
  std::vector<Transition> h = H({{"2024-01-01T00:00:00Z", Stage::kAttract},
                                 {"2024-01-01T00:00:00Z", Stage::kCapture},
                                 {"2024-02-01T00:00:00Z", Stage::kConvert},
                                 {"2024-04-01T00:00:00Z", Stage::kCapture},
                                 {"2024-06-01T00:00:00Z", Stage::kConvert}});
  std::vector<TransitionOutcome> o = Outcomes(h);
  ASSERT_EQ(o.size(), 5u);
  EXPECT_EQ(o[0].left, T("2024-01-01T00:00:00Z"));
  EXPECT_EQ(o[0].reached_next, T("2024-01-01T00:00:00Z"));
  EXPECT_EQ(o[1].reached_next, T("2024-02-01T00:00:00Z"));
  EXPECT_EQ(o[2].left, T("2024-04-01T00:00:00Z"));
  EXPECT_EQ(o[2].reached_next, kNever);
  EXPECT_EQ(o[3].reached_next, T("2024-06-01T00:00:00Z"));
  EXPECT_EQ(o[4].left, kNever);
  EXPECT_EQ(StageAt(h, T("2024-03-01T00:00:00Z")), Stage::kConvert);
  EXPECT_EQ(StageAt(h, T("2023-03-01T00:00:00Z")), Stage::kNone);
}

TEST(StageRulesTest, OpportunityOfRecord) {
  SourceRecord r = MakeRecord("salesforce", hub::v1::OPPORTUNITY, "006A",
                              "2024-05-01T00:00:00Z", {});
  MakeActivity(&r, "2024-02-01T10:00:00Z", "opportunity");
  (*r.mutable_properties())["is_closed"] = "true";
  (*r.mutable_properties())["is_won"] = "false";
  (*r.mutable_properties())["type"] = "renewal";
  EXPECT_EQ(OpportunityOf(r).status().code(), absl::StatusCode::kInvalidArgument);
  (*r.mutable_properties())["close_date"] = "2024-04-30";
  absl::StatusOr<Opportunity> o = OpportunityOf(r);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->created, T("2024-02-01T10:00:00Z"));
  EXPECT_EQ(o->closed, T("2024-04-30T00:00:00Z"));
  EXPECT_FALSE(o->won);
  EXPECT_TRUE(o->renewal);
  (*r.mutable_properties())["is_closed"] = "false";
  EXPECT_EQ(OpportunityOf(r)->closed, kNever);
}

}  // namespace
}  // namespace hub
