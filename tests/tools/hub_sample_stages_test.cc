// hub-sample's stage rules and funnel (docs/lifecycle.md) on hand-made facts.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tools/hub_sample/civil_time.h"
#include "tools/hub_sample/funnel.h"
#include "tools/hub_sample/stages.h"

namespace hub::sample {
namespace {

// Microseconds of a UTC time.
int64_t T(int y, int m, int d, int hour = 0, int minute = 0) {
  return (DaysFromCivil(y, m, d) * kDay + hour * kHour + minute * kMinute) *
         1000000;
}

std::vector<std::string> Render(const std::vector<Transition>& history) {
  std::vector<std::string> out;
  for (const Transition& t : history) {
    std::string line;
    AppendMicrosTime(&line, t.at);
    out.push_back(line + " " + StageName(t.stage));
  }
  return out;
}

OpportunityFacts Opportunity(int64_t created, int64_t closed, bool won,
                             bool renewal = false) {
  OpportunityFacts o;
  o.created = created;
  o.closed = closed;
  o.won = won;
  o.renewal = renewal;
  return o;
}

StageFacts Facts(int64_t first_seen, int64_t identified = kNoTime,
                 int64_t nurtured = kNoTime) {
  StageFacts facts;
  facts.first_seen = first_seen;
  facts.identified = identified;
  facts.nurtured = nurtured;
  return facts;
}

TEST(HubSampleStages, ALeadImportedStraightIntoADealEntersFourStagesAtOnce) {
  const int64_t t = T(2024, 1, 10, 9);
  const AccountTimeline account({Opportunity(t, kNoTime, false)});
  EXPECT_EQ(Render(StageHistory(Facts(t, t), &account)),
            (std::vector<std::string>{"2024-01-10T09:00:00.000000Z ATTRACT",
                                      "2024-01-10T09:00:00.000000Z CAPTURE",
                                      "2024-01-10T09:00:00.000000Z NURTURE",
                                      "2024-01-10T09:00:00.000000Z CONVERT"}));
}

TEST(HubSampleStages, ChurnOnALostRenewalThenAWinReturnsToExpand) {
  const AccountTimeline account({
      Opportunity(T(2024, 2, 1), T(2024, 3, 1), true),
      Opportunity(T(2024, 6, 1), T(2024, 7, 1), false),  // lost upsell
      Opportunity(T(2024, 12, 1), T(2025, 3, 1), false, true),
      // Open while churned: a former customer stays CHURNED.
      Opportunity(T(2025, 5, 1), T(2025, 6, 1), true),
  });
  EXPECT_EQ(
      Render(StageHistory(Facts(T(2024, 1, 1), T(2024, 1, 1, 1)), &account)),
      (std::vector<std::string>{"2024-01-01T00:00:00.000000Z ATTRACT",
                                "2024-01-01T01:00:00.000000Z CAPTURE",
                                "2024-02-01T00:00:00.000000Z NURTURE",
                                "2024-02-01T00:00:00.000000Z CONVERT",
                                "2024-03-01T00:00:00.000000Z EXPAND",
                                "2025-03-01T00:00:00.000000Z CHURNED",
                                "2025-06-01T00:00:00.000000Z EXPAND"}));
}

TEST(HubSampleStages, ALostOpportunityMovesDownAndANewOneReentersConvert) {
  const int64_t t = T(2024, 1, 1);
  const AccountTimeline account({
      Opportunity(t + 10 * kMicrosPerDay, t + 40 * kMicrosPerDay, false),
      Opportunity(t + 60 * kMicrosPerDay, kNoTime, false),
  });
  EXPECT_EQ(Render(StageHistory(Facts(t, t, t + 5 * kMicrosPerDay), &account)),
            (std::vector<std::string>{"2024-01-01T00:00:00.000000Z ATTRACT",
                                      "2024-01-01T00:00:00.000000Z CAPTURE",
                                      "2024-01-06T00:00:00.000000Z NURTURE",
                                      "2024-01-11T00:00:00.000000Z CONVERT",
                                      "2024-02-10T00:00:00.000000Z NURTURE",
                                      "2024-03-01T00:00:00.000000Z CONVERT"}));
  // Not nurtured: the loss drops to CAPTURE, filling nothing.
  EXPECT_EQ(Render(StageHistory(Facts(t, t), &account)),
            (std::vector<std::string>{"2024-01-01T00:00:00.000000Z ATTRACT",
                                      "2024-01-01T00:00:00.000000Z CAPTURE",
                                      "2024-01-11T00:00:00.000000Z NURTURE",
                                      "2024-01-11T00:00:00.000000Z CONVERT",
                                      "2024-02-10T00:00:00.000000Z CAPTURE",
                                      "2024-03-01T00:00:00.000000Z NURTURE",
                                      "2024-03-01T00:00:00.000000Z CONVERT"}));
}

TEST(HubSampleStages, AContactCreatedAfterTheWinEntersStraightIntoExpand) {
  const AccountTimeline account(
      {Opportunity(T(2024, 1, 5), T(2024, 2, 1), true)});
  const int64_t created = T(2024, 3, 10, 12);
  EXPECT_EQ(Render(StageHistory(Facts(created, created), &account)),
            (std::vector<std::string>{"2024-03-10T12:00:00.000000Z ATTRACT",
                                      "2024-03-10T12:00:00.000000Z CAPTURE",
                                      "2024-03-10T12:00:00.000000Z NURTURE",
                                      "2024-03-10T12:00:00.000000Z CONVERT",
                                      "2024-03-10T12:00:00.000000Z EXPAND"}));
  Stage stage;
  EXPECT_FALSE(StageAt(Facts(created, created), &account, created - 1, &stage));
}

TEST(HubSampleStages, AContactCreatedAfterTheChurnFillsUpToConvertOnly) {
  const AccountTimeline account({
      Opportunity(T(2023, 1, 5), T(2023, 2, 1), true),
      Opportunity(T(2023, 11, 1), T(2024, 2, 1), false, true),
  });
  const int64_t seen = T(2024, 5, 1, 8, 30);
  EXPECT_EQ(Render(StageHistory(Facts(seen), &account)),
            (std::vector<std::string>{"2024-05-01T08:30:00.000000Z ATTRACT",
                                      "2024-05-01T08:30:00.000000Z CAPTURE",
                                      "2024-05-01T08:30:00.000000Z NURTURE",
                                      "2024-05-01T08:30:00.000000Z CONVERT",
                                      "2024-05-01T08:30:00.000000Z CHURNED"}));
}

TEST(HubSampleStages, APersonWithoutAnAccountStopsAtNurture) {
  StageFacts facts = Facts(T(2024, 1, 1), T(2024, 1, 2), T(2024, 1, 3));
  facts.declared[static_cast<int>(Stage::kConvert)] = T(2024, 1, 4);
  facts.declared[static_cast<int>(Stage::kExpand)] = T(2024, 1, 5);
  EXPECT_EQ(Render(StageHistory(facts, nullptr)),
            (std::vector<std::string>{"2024-01-01T00:00:00.000000Z ATTRACT",
                                      "2024-01-02T00:00:00.000000Z CAPTURE",
                                      "2024-01-03T00:00:00.000000Z NURTURE"}));
  // With an account (even one without opportunities) the declared stages
  // apply.
  const AccountTimeline none;
  EXPECT_EQ(Render(StageHistory(facts, &none)),
            (std::vector<std::string>{"2024-01-01T00:00:00.000000Z ATTRACT",
                                      "2024-01-02T00:00:00.000000Z CAPTURE",
                                      "2024-01-03T00:00:00.000000Z NURTURE",
                                      "2024-01-04T00:00:00.000000Z CONVERT",
                                      "2024-01-05T00:00:00.000000Z EXPAND"}));
  EXPECT_TRUE(StageHistory(StageFacts(), nullptr).empty());
}

TEST(HubSampleStages, ClosingsAtEqualTimesApplyLostBeforeWon) {
  using Status = AccountTimeline::Status;
  const int64_t won = T(2024, 1, 1), renewal = T(2025, 1, 1);
  const AccountTimeline account({
      Opportunity(won - 30 * kMicrosPerDay, won, true),
      Opportunity(renewal - 90 * kMicrosPerDay, renewal, false, true),
      Opportunity(renewal - 60 * kMicrosPerDay, renewal, true),
  });
  EXPECT_EQ(account.At(won - 31 * kMicrosPerDay).status, Status::kNone);
  EXPECT_FALSE(account.At(won - 31 * kMicrosPerDay).open);
  EXPECT_TRUE(account.At(won - 30 * kMicrosPerDay).open);
  EXPECT_EQ(account.At(won - 1).status, Status::kNone);
  EXPECT_EQ(account.At(won).status, Status::kCustomer);
  EXPECT_FALSE(account.At(won).open);
  EXPECT_TRUE(account.At(renewal - 1).open);
  EXPECT_EQ(account.At(renewal).status, Status::kCustomer);
  // A lost renewal of a non-customer changes nothing; one closed before it
  // was created is never open.
  const AccountTimeline prospect(
      {Opportunity(renewal, renewal - kMicrosPerDay, false, true)});
  EXPECT_EQ(prospect.At(renewal).status, Status::kNone);
  EXPECT_FALSE(prospect.At(renewal).open);
  EXPECT_EQ(prospect.changes(),
            (std::vector<int64_t>{renewal - kMicrosPerDay}));
}

TEST(HubSampleStages, EngagementReachesTenInsideThirtyDays) {
  EXPECT_EQ(EngagementPoints("email_opened"), 1);
  EXPECT_EQ(EngagementPoints("email_clicked"), 3);
  EXPECT_EQ(EngagementPoints("page_view"), 1);
  for (const char* five : {"form_submitted", "form_submit", "demo_requested",
                           "generate_lead", "signed_up"}) {
    EXPECT_EQ(EngagementPoints(five), 5) << five;
  }
  for (const char* none : {"sign_up", "session_start", "email_sent",
                           "nps_response", "ticket", ""}) {
    EXPECT_EQ(EngagementPoints(none), 0) << none;
  }
  const int64_t t = T(2024, 4, 1, 10);
  const int64_t month = 30 * kMicrosPerDay;
  // Two points at the same instant, 1 µs inside the window: exactly 10.
  EXPECT_EQ(EngagedAt({{month - 1 + t, 1},
                       {t, 5},
                       {t + 10 * kMicrosPerDay, 3},
                       {t + month - 1, 1}}),
            t + month - 1);
  // Exactly 30 days later the first event has left (t - 30 days, t].
  EXPECT_EQ(EngagedAt({{t, 5},
                       {t + 10 * kMicrosPerDay, 3},
                       {t + month, 1},
                       {t + month, 1}}),
            kNoTime);
  EXPECT_EQ(EngagedAt({{t, 5},
                       {t + 10 * kMicrosPerDay, 3},
                       {t + month, 1},
                       {t + month, 1},
                       {t + month + kMicrosPerDay, 5}}),
            t + month + kMicrosPerDay);
  EXPECT_EQ(EngagedAt({}), kNoTime);
  EXPECT_TRUE(IsQualifyingLeadStatus("Marketing Qualified"));
  EXPECT_TRUE(IsQualifyingLeadStatus("Sales Accepted"));
  EXPECT_TRUE(IsQualifyingLeadStatus("Sales Qualified"));
  EXPECT_FALSE(IsQualifyingLeadStatus("Closed - Converted"));
  EXPECT_FALSE(IsQualifyingLeadStatus("Working - Contacted"));
}

std::string Period(const FunnelPeriod& p) {
  std::string out;
  AppendMicrosTime(&out, p.start);
  out += " ";
  AppendMicrosTime(&out, p.end);
  return out;
}

TEST(HubSampleFunnel, PeriodsAreTheWholeMonthsQuartersAndTheRoundedWindow) {
  int64_t start = 0;
  ASSERT_TRUE(ParseDate("2024-01-15", &start));
  std::vector<std::string> periods;
  for (const FunnelPeriod& p : FunnelPeriods(start, AddMonths(start, 3))) {
    periods.push_back(Period(p));
  }
  EXPECT_EQ(periods,
            (std::vector<std::string>{
                "2024-02-01T00:00:00.000000Z 2024-03-01T00:00:00.000000Z",
                "2024-03-01T00:00:00.000000Z 2024-04-01T00:00:00.000000Z",
                "2024-01-15T00:00:00.000000Z 2024-04-16T00:00:00.000000Z"}));
  ASSERT_TRUE(ParseDate("2024-01-01", &start));
  const std::vector<FunnelPeriod> two_years =
      FunnelPeriods(start, AddMonths(start, 24));
  ASSERT_EQ(two_years.size(), 33u);
  EXPECT_EQ(Period(two_years[0]),
            "2024-01-01T00:00:00.000000Z 2024-02-01T00:00:00.000000Z");
  EXPECT_EQ(Period(two_years[23]),
            "2025-12-01T00:00:00.000000Z 2026-01-01T00:00:00.000000Z");
  EXPECT_EQ(Period(two_years[24]),
            "2024-01-01T00:00:00.000000Z 2024-04-01T00:00:00.000000Z");
  EXPECT_EQ(Period(two_years[31]),
            "2025-10-01T00:00:00.000000Z 2026-01-01T00:00:00.000000Z");
  EXPECT_EQ(Period(two_years[32]),
            "2024-01-01T00:00:00.000000Z 2026-01-02T00:00:00.000000Z");
}

std::vector<Transition> History(
    std::initializer_list<std::pair<int64_t, Stage>> steps) {
  std::vector<Transition> history;
  for (const auto& [at, stage] : steps) history.push_back({at, stage});
  return history;
}

// entries, converted, left, median days doubled.
std::vector<int64_t> Figures(const Funnel& funnel, size_t period, int segment,
                             Stage stage) {
  const FunnelFigures f = funnel.Get(period, segment, stage);
  return {f.entries, f.converted, f.left, f.median_days_x2};
}

TEST(HubSampleFunnel, CountsEntriesConversionsAndMediansPerPeriodAndSegment) {
  using S = Stage;
  const FunnelPeriod q1{T(2024, 1, 1), T(2024, 4, 1)};
  const FunnelPeriod q2{T(2024, 4, 1), T(2024, 7, 1)};
  Funnel funnel({q1, q2}, 3);
  // Converts to CONVERT exactly 90 days after entering NURTURE.
  funnel.Add(History({{T(2024, 1, 1), S::kAttract},
                      {T(2024, 1, 1), S::kCapture},
                      {T(2024, 1, 11), S::kNurture},
                      {T(2024, 4, 10), S::kConvert}}),
             {0, 1});
  // Leaves CAPTURE 90 days and 1 µs after entering it.
  funnel.Add(History({{T(2024, 2, 1), S::kAttract},
                      {T(2024, 3, 1), S::kCapture},
                      {T(2024, 5, 30) + 1, S::kNurture},
                      {T(2024, 5, 30) + 1, S::kConvert}}),
             {0, 2});
  // First seen after a churn: CHURNED is above every stage.
  funnel.Add(History({{T(2024, 3, 15, 12), S::kAttract},
                      {T(2024, 3, 15, 12), S::kCapture},
                      {T(2024, 3, 15, 12), S::kNurture},
                      {T(2024, 3, 15, 12), S::kConvert},
                      {T(2024, 3, 15, 12), S::kChurned},
                      {T(2024, 3, 25, 12), S::kExpand}}),
             {0, 1});
  // Re-enters NURTURE and CONVERT; CONVERT never converts.
  funnel.Add(History({{T(2024, 1, 5), S::kAttract},
                      {T(2024, 1, 5), S::kCapture},
                      {T(2024, 1, 5), S::kNurture},
                      {T(2024, 1, 6), S::kConvert},
                      {T(2024, 2, 5), S::kNurture},
                      {T(2024, 3, 6), S::kConvert}}),
             {0});
  funnel.Add(History({{T(2024, 4, 1), S::kAttract}}), {0});  // end excluded

  using V = std::vector<int64_t>;
  EXPECT_EQ(Figures(funnel, 0, 0, S::kAttract), (V{4, 4, 4, 0}));
  EXPECT_EQ(Figures(funnel, 0, 0, S::kCapture), (V{4, 3, 4, 10}));
  EXPECT_EQ(Figures(funnel, 0, 0, S::kNurture), (V{4, 4, 4, 31}));  // 15.5
  EXPECT_EQ(Figures(funnel, 0, 0, S::kConvert), (V{3, 1, 2, 30}));
  EXPECT_EQ(Figures(funnel, 0, 0, S::kExpand), (V{1, 0, 0, 0}));
  EXPECT_EQ(Figures(funnel, 0, 1, S::kAttract), (V{2, 2, 2, 0}));
  EXPECT_EQ(Figures(funnel, 0, 1, S::kNurture), (V{2, 2, 2, 90}));
  EXPECT_EQ(Figures(funnel, 0, 1, S::kConvert), (V{1, 1, 1, 0}));
  EXPECT_EQ(Figures(funnel, 0, 1, S::kExpand), (V{1, 0, 0, 0}));
  EXPECT_EQ(Figures(funnel, 0, 2, S::kAttract), (V{1, 1, 1, 58}));
  EXPECT_EQ(Figures(funnel, 0, 2, S::kCapture), (V{1, 0, 1, 180}));
  EXPECT_EQ(Figures(funnel, 0, 2, S::kNurture), (V{0, 0, 0, 0}));
  EXPECT_EQ(Figures(funnel, 1, 0, S::kAttract), (V{1, 0, 0, 0}));
  EXPECT_EQ(Figures(funnel, 1, 0, S::kCapture), (V{0, 0, 0, 0}));
  EXPECT_EQ(Figures(funnel, 1, 0, S::kNurture), (V{1, 1, 1, 0}));
  EXPECT_EQ(Figures(funnel, 1, 0, S::kConvert), (V{2, 0, 0, 0}));
  EXPECT_EQ(Figures(funnel, 1, 2, S::kConvert), (V{1, 0, 0, 0}));
}

}  // namespace
}  // namespace hub::sample
