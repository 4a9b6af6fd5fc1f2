// hub-sample's stage metrics and customer value (docs/lifecycle.md) on
// hand-made facts.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tools/hub_sample/civil_time.h"
#include "tools/hub_sample/funnel.h"
#include "tools/hub_sample/metrics.h"
#include "tools/hub_sample/stages.h"

namespace hub::sample {
namespace {

int64_t T(int y, int m, int d, int hour = 0) {
  return (DaysFromCivil(y, m, d) * kDay + hour * kHour) * 1000000;
}

// 2024-01-01 .. 2024-07-01: periods 0-5 the months, 6-7 the quarters, 8 the
// window [2024-01-01, 2024-07-02).
std::vector<FunnelPeriod> Periods() {
  return FunnelPeriods(DaysFromCivil(2024, 1, 1) * kDay,
                       DaysFromCivil(2024, 7, 1) * kDay);
}

std::string Decimal(__int128 num, __int128 den) {
  std::string out;
  AppendDecimal(&out, num, den);
  return out;
}

// "numerator,denominator,value" as metrics.csv prints them.
std::string Cells(const StageMetrics& m, size_t period, int segment,
                  Metric metric) {
  const MetricFigures f = m.Get(period, segment, metric);
  const MetricKind kind = GetMetricInfo(metric).kind;
  std::string out;
  if (kind != MetricKind::kMedian) out += std::to_string(f.numerator);
  out += ",";
  if (kind == MetricKind::kRate) out += std::to_string(f.denominator);
  out += ",";
  if (f.has_value) AppendDecimal(&out, f.value_num, f.value_den);
  return out;
}

Transition At(int64_t at, Stage stage) { return {at, stage}; }

TEST(HubSampleMetrics, DecimalsAreExactToSixDigitsHalvesAwayFromZero) {
  EXPECT_EQ(Decimal(1, 3), "0.333333");
  EXPECT_EQ(Decimal(2, 3), "0.666667");
  EXPECT_EQ(Decimal(200, 3), "66.666667");
  EXPECT_EQ(Decimal(-25, 2), "-12.500000");
  EXPECT_EQ(Decimal(25, -2), "-12.500000");
  EXPECT_EQ(Decimal(0, 7), "0.000000");
  EXPECT_EQ(Decimal(1, 2000000), "0.000001");    // a half rounds up
  EXPECT_EQ(Decimal(-1, 2000000), "-0.000001");  // ... and down
  EXPECT_EQ(Decimal(-1, 3000000), "0.000000");   // no "-0"
  EXPECT_EQ(Decimal(2579900, 58), "44481.034483");
  EXPECT_EQ(Decimal(static_cast<__int128>(INT64_MAX) * 3, 4),
            "6917529027641081855.250000");
}

TEST(HubSampleMetrics, PeriodsHoldingAnInstantAreOneMonthOneQuarterTheWindow) {
  const std::vector<FunnelPeriod> periods = Periods();
  ASSERT_EQ(periods.size(), 9u);
  const PeriodIndex index(periods);
  ASSERT_EQ(index.runs().size(), 3u);
  std::vector<size_t> out;
  index.Holding(T(2024, 4, 1), &out);  // a start belongs to its period
  EXPECT_EQ(out, (std::vector<size_t>{3, 7, 8}));
  out.clear();
  index.Holding(T(2024, 3, 31, 23), &out);
  EXPECT_EQ(out, (std::vector<size_t>{2, 6, 8}));
  out.clear();
  index.Holding(T(2024, 7, 1, 12), &out);  // the window's extra day
  EXPECT_EQ(out, (std::vector<size_t>{8}));
  out.clear();
  index.Holding(T(2023, 12, 31), &out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(index.FirstStartAtOrAfter(index.runs()[0], T(2024, 2, 1)), 1u);
  EXPECT_EQ(index.FirstStartAtOrAfter(index.runs()[0], T(2024, 2, 2)), 2u);
  EXPECT_EQ(index.FirstStartAtOrAfter(index.runs()[1], T(2024, 5, 1)), 8u);
}

TEST(HubSampleMetrics, AHistorysStageAtAnInstantIsItsLastTransitionThen) {
  const std::vector<Transition> history = {At(T(2024, 1, 5), Stage::kAttract),
                                           At(T(2024, 1, 5), Stage::kCapture),
                                           At(T(2024, 2, 1), Stage::kNurture)};
  Stage stage;
  EXPECT_FALSE(HistoryStageAt(history, T(2024, 1, 4), &stage));
  ASSERT_TRUE(HistoryStageAt(history, T(2024, 1, 5), &stage));
  EXPECT_EQ(stage, Stage::kCapture);  // the skip ends in CAPTURE
  ASSERT_TRUE(HistoryStageAt(history, T(2024, 2, 1) - 1, &stage));
  EXPECT_EQ(stage, Stage::kCapture);
  ASSERT_TRUE(HistoryStageAt(history, T(2030, 1, 1), &stage));
  EXPECT_EQ(stage, Stage::kNurture);
}

TEST(HubSampleMetrics, SendsCountByTheirSendTimeAndDeliveredOnesMakeTheRates) {
  const Funnel funnel(Periods(), 2);
  StageMetrics m(funnel, 2);
  const std::vector<int> all = {0}, both = {0, 1};
  EmailSend send;
  send.sent = T(2024, 1, 15, 10);
  send.opened = send.clicked = true;
  m.AddSend(send, both);  // opened and clicked
  send.clicked = false;
  send.customer = true;
  m.AddSend(send, all);  // opened, a customer's
  EmailSend bounced;
  bounced.sent = T(2024, 1, 20);
  bounced.bounced = bounced.opened = bounced.clicked = true;
  bounced.customer = true;
  m.AddSend(bounced, both);  // its opens and clicks count for nothing
  EmailSend clicked;         // a click without an open
  clicked.sent = T(2024, 2, 1);
  clicked.clicked = clicked.unsubscribed = true;
  m.AddSend(clicked, all);

  EXPECT_EQ(Cells(m, 0, 0, Metric::kSends), "3,,");
  EXPECT_EQ(Cells(m, 0, 0, Metric::kDelivered), "2,,");
  EXPECT_EQ(Cells(m, 0, 0, Metric::kUniqueOpenRate), "2,2,1.000000");
  EXPECT_EQ(Cells(m, 0, 0, Metric::kClickThroughRate), "1,2,0.500000");
  EXPECT_EQ(Cells(m, 0, 0, Metric::kClickToOpenRate), "1,2,0.500000");
  EXPECT_EQ(Cells(m, 0, 0, Metric::kUnsubscribeRate), "0,2,0.000000");
  EXPECT_EQ(Cells(m, 0, 0, Metric::kBounceRate), "1,3,0.333333");
  EXPECT_EQ(Cells(m, 0, 0, Metric::kCustomerCampaignOpenRate), "1,1,1.000000");
  EXPECT_EQ(Cells(m, 0, 0, Metric::kCustomerCampaignClickThroughRate),
            "0,1,0.000000");
  EXPECT_EQ(Cells(m, 0, 1, Metric::kBounceRate), "1,2,0.500000");
  EXPECT_EQ(Cells(m, 0, 1, Metric::kCustomerCampaignOpenRate), "0,0,");
  // Clicks over opens, as the page says: no open, no value.
  EXPECT_EQ(Cells(m, 1, 0, Metric::kClickToOpenRate), "1,0,");
  EXPECT_EQ(Cells(m, 1, 0, Metric::kUnsubscribeRate), "1,1,1.000000");
  EXPECT_EQ(Cells(m, 8, 0, Metric::kSends), "4,,");
  EXPECT_EQ(Cells(m, 6, 0, Metric::kClickThroughRate), "2,3,0.666667");
  // An empty period: counts 0, rates absent.
  EXPECT_EQ(Cells(m, 2, 0, Metric::kSends), "0,,");
  EXPECT_EQ(Cells(m, 2, 0, Metric::kUniqueOpenRate), "0,0,");
  EXPECT_EQ(Cells(m, 2, 0, Metric::kBounceRate), "0,0,");
}

TEST(HubSampleMetrics, AnAnonymousVisitorCountsOncePerPeriod) {
  const Funnel funnel(Periods(), 1);
  StageMetrics m(funnel, 1);
  m.AddAnonymousVisitor({T(2024, 1, 2), T(2024, 1, 3), T(2024, 4, 9)}, {0});
  m.AddAnonymousVisitor({T(2024, 1, 30)}, {0});
  m.AddPageView(T(2024, 1, 2), {0});
  m.AddPageView(T(2024, 1, 2), {0});
  EXPECT_EQ(Cells(m, 0, 0, Metric::kAnonymousVisitors), "2,,");
  EXPECT_EQ(Cells(m, 3, 0, Metric::kAnonymousVisitors), "1,,");
  EXPECT_EQ(Cells(m, 6, 0, Metric::kAnonymousVisitors), "2,,");
  EXPECT_EQ(Cells(m, 8, 0, Metric::kAnonymousVisitors), "2,,");
  EXPECT_EQ(Cells(m, 0, 0, Metric::kPageViews), "2,,");
  EXPECT_EQ(Cells(m, 1, 0, Metric::kPageViews), "0,,");
}

TEST(HubSampleMetrics, NpsIsPromotersMinusDetractorsOverResponses) {
  const Funnel funnel(Periods(), 1);
  StageMetrics m(funnel, 1);
  for (int score : {10, 9, 7, 3}) m.AddNpsResponse(T(2024, 1, 10), score, {0});
  for (int score : {6, 0}) m.AddNpsResponse(T(2024, 2, 10), score, {0});
  m.AddNpsResponse(T(2024, 3, 10), -1, {0});  // no usable score
  m.AddCsatResponse(T(2024, 1, 3), true, {0});
  m.AddCsatResponse(T(2024, 1, 4), false, {0});
  m.AddCsatResponse(T(2024, 1, 5), true, {0});
  EXPECT_EQ(Cells(m, 0, 0, Metric::kNps), "1,4,25.000000");
  EXPECT_EQ(Cells(m, 1, 0, Metric::kNps), "-2,2,-100.000000");
  EXPECT_EQ(Cells(m, 2, 0, Metric::kNps), "0,1,0.000000");
  EXPECT_EQ(Cells(m, 6, 0, Metric::kNps), "-1,7,-14.285714");
  EXPECT_EQ(Cells(m, 3, 0, Metric::kNps), "0,0,");
  EXPECT_EQ(Cells(m, 0, 0, Metric::kCsat), "2,3,0.666667");
  EXPECT_EQ(Cells(m, 1, 0, Metric::kCsat), "0,0,");
}

TEST(HubSampleMetrics, ChurnCountsEntriesIntoChurnedOverExpandAtTheStart) {
  const Funnel funnel(Periods(), 1);
  StageMetrics m(funnel, 1);
  // A customer since 2023 that churns on 2024-02-15 and wins again on
  // 2024-05-01 (EXPAND exactly at May's start).
  m.AddAccount(
      {At(T(2023, 1, 1), Stage::kAttract), At(T(2023, 1, 1), Stage::kCapture),
       At(T(2023, 1, 1), Stage::kNurture), At(T(2023, 1, 1), Stage::kConvert),
       At(T(2023, 3, 1), Stage::kExpand), At(T(2024, 2, 15), Stage::kChurned),
       At(T(2024, 5, 1), Stage::kExpand)},
      {0});
  // A customer from 2024-03-10, churned twice in June (counted once).
  m.AddAccount(
      {At(T(2024, 3, 10), Stage::kAttract), At(T(2024, 3, 10), Stage::kCapture),
       At(T(2024, 3, 10), Stage::kNurture), At(T(2024, 3, 10), Stage::kConvert),
       At(T(2024, 3, 10), Stage::kExpand), At(T(2024, 6, 2), Stage::kChurned),
       At(T(2024, 6, 3), Stage::kExpand), At(T(2024, 6, 4), Stage::kChurned)},
      {0});
  EXPECT_EQ(Cells(m, 0, 0, Metric::kChurnRate), "0,1,0.000000");
  EXPECT_EQ(Cells(m, 1, 0, Metric::kChurnRate), "1,1,1.000000");
  EXPECT_EQ(Cells(m, 2, 0, Metric::kChurnRate), "0,0,");
  EXPECT_EQ(Cells(m, 3, 0, Metric::kChurnRate), "0,1,0.000000");
  EXPECT_EQ(Cells(m, 4, 0, Metric::kChurnRate), "0,2,0.000000");
  EXPECT_EQ(Cells(m, 5, 0, Metric::kChurnRate), "1,2,0.500000");
  EXPECT_EQ(Cells(m, 6, 0, Metric::kChurnRate), "1,1,1.000000");
  EXPECT_EQ(Cells(m, 7, 0, Metric::kChurnRate), "1,1,1.000000");
  EXPECT_EQ(Cells(m, 8, 0, Metric::kChurnRate), "2,1,2.000000");
}

TEST(HubSampleMetrics, OpportunitiesGiveWinsRevenueSharesAndTheSalesCycle) {
  const Funnel funnel(Periods(), 2);
  StageMetrics m(funnel, 2);
  const std::vector<Transition> customer = {
      At(T(2023, 1, 1), Stage::kAttract), At(T(2023, 1, 1), Stage::kCapture),
      At(T(2023, 1, 1), Stage::kNurture), At(T(2023, 1, 1), Stage::kConvert),
      At(T(2023, 3, 1), Stage::kExpand)};
  const std::vector<Transition> prospect = {
      At(T(2024, 5, 10, 18), Stage::kAttract),
      At(T(2024, 5, 10, 18), Stage::kCapture)};
  OpportunityFacts upsell;  // won: January's revenue, an existing customer's
  upsell.created = T(2024, 1, 10);
  upsell.closed = T(2024, 1, 20);
  upsell.won = upsell.upsell = true;
  upsell.amount = 3000;
  m.AddOpportunity(upsell, &customer, {0, 1});
  OpportunityFacts renewal;  // lost
  renewal.created = T(2023, 12, 1);
  renewal.closed = T(2024, 2, 15);
  renewal.renewal = true;
  renewal.amount = 12000;
  m.AddOpportunity(renewal, &customer, {0, 1});
  OpportunityFacts won;  // 88.5 days: 88
  won.created = T(2024, 2, 2, 12);
  won.closed = T(2024, 5, 1);
  won.won = won.renewal = true;
  won.amount = 21000;
  m.AddOpportunity(won, &customer, {0, 1});
  OpportunityFacts same_day;  // closed at 00:00 of the day it was created
  same_day.created = T(2024, 5, 10, 18);
  same_day.closed = T(2024, 5, 10);
  same_day.won = true;
  same_day.amount = 5000;
  m.AddOpportunity(same_day, &prospect, {0});
  OpportunityFacts open;
  open.created = T(2024, 6, 1);
  m.AddOpportunity(open, nullptr, {0});

  EXPECT_EQ(Cells(m, 0, 0, Metric::kOpportunitiesCreated), "1,,");
  EXPECT_EQ(Cells(m, 0, 0, Metric::kWinRate), "1,1,1.000000");
  EXPECT_EQ(Cells(m, 0, 0, Metric::kClosedWonRevenue), "3000,,");
  EXPECT_EQ(Cells(m, 0, 0, Metric::kUpsellRevenueShare), "3000,3000,1.000000");
  EXPECT_EQ(Cells(m, 0, 0, Metric::kExistingCustomerRevenueShare),
            "3000,3000,1.000000");
  EXPECT_EQ(Cells(m, 0, 0, Metric::kMedianSalesCycleDays), ",,10.000000");
  EXPECT_EQ(Cells(m, 1, 0, Metric::kWinRate), "0,1,0.000000");
  EXPECT_EQ(Cells(m, 1, 0, Metric::kRenewalRate), "0,1,0.000000");
  EXPECT_EQ(Cells(m, 1, 0, Metric::kClosedWonRevenue), "0,,");
  EXPECT_EQ(Cells(m, 1, 0, Metric::kAverageDealSize), "0,0,");
  EXPECT_EQ(Cells(m, 1, 0, Metric::kUpsellRevenueShare), "0,0,");
  EXPECT_EQ(Cells(m, 1, 0, Metric::kMedianSalesCycleDays), ",,");
  // May: the middle two of {-1, 88}; the new customer is not existing.
  EXPECT_EQ(Cells(m, 4, 0, Metric::kMedianSalesCycleDays), ",,43.500000");
  EXPECT_EQ(Cells(m, 4, 0, Metric::kExistingCustomerRevenueShare),
            "21000,26000,0.807692");
  EXPECT_EQ(Cells(m, 4, 1, Metric::kMedianSalesCycleDays), ",,88.000000");
  EXPECT_EQ(Cells(m, 5, 0, Metric::kOpportunitiesCreated), "1,,");
  EXPECT_EQ(Cells(m, 8, 0, Metric::kOpportunitiesCreated), "4,,");
  EXPECT_EQ(Cells(m, 8, 0, Metric::kWinRate), "3,4,0.750000");
  EXPECT_EQ(Cells(m, 8, 0, Metric::kRenewalRate), "1,2,0.500000");
  EXPECT_EQ(Cells(m, 8, 0, Metric::kClosedWonRevenue), "29000,,");
  EXPECT_EQ(Cells(m, 8, 0, Metric::kAverageDealSize), "29000,3,9666.666667");
  EXPECT_EQ(Cells(m, 8, 0, Metric::kUpsellRevenueShare), "3000,29000,0.103448");
  EXPECT_EQ(Cells(m, 8, 0, Metric::kExistingCustomerRevenueShare),
            "24000,29000,0.827586");
  EXPECT_EQ(Cells(m, 8, 0, Metric::kMedianSalesCycleDays), ",,10.000000");
  EXPECT_EQ(Cells(m, 8, 1, Metric::kMedianSalesCycleDays), ",,49.000000");
}

TEST(HubSampleMetrics, CustomerValueIsRevenuePerAccountTimesMarginOverChurn) {
  const CustomerValue v = ComputeCustomerValue(2, 29000, 1);
  ASSERT_TRUE(v.has_revenue_per_account && v.has_clv);
  EXPECT_EQ(Decimal(v.rpa_num, v.rpa_den), "14500.000000");
  EXPECT_EQ(Decimal(v.clv_num, v.clv_den), "21750.000000");
  const CustomerValue none = ComputeCustomerValue(0, 5000, 1);
  EXPECT_FALSE(none.has_revenue_per_account || none.has_clv);
  const CustomerValue kept = ComputeCustomerValue(3, 1000, 0);
  EXPECT_TRUE(kept.has_revenue_per_account);
  EXPECT_FALSE(kept.has_clv);
  EXPECT_EQ(Decimal(kept.rpa_num, kept.rpa_den), "333.333333");
  const CustomerValue half = ComputeCustomerValue(3, 1000, 2, 1, 2);
  EXPECT_EQ(Decimal(half.clv_num, half.clv_den), "250.000000");
}

TEST(HubSampleMetrics, SegmentsRankByClvDescendingAbsentLastTiesByName) {
  const std::vector<CustomerValue> values = {
      ComputeCustomerValue(1, 3000, 1),  // 2250
      ComputeCustomerValue(0, 9000, 0),  // absent
      ComputeCustomerValue(2, 6000, 2),  // 2250, ties with the first
      ComputeCustomerValue(4, 9000, 1),  // 6750
      ComputeCustomerValue(1, 0, 0),     // absent
  };
  EXPECT_EQ(RankByClv(values, {"Media", "Software", "Logistics", "Retail",
                               "Education"}),
            (std::vector<int>{3, 5, 2, 1, 4}));
}

}  // namespace
}  // namespace hub::sample
