// Exact table-format renderings of stage metrics: each kind of value, absent
// values as "-", nps in points, the unavailable list and the rate chart.
#include "tools/hubctl/stage_metrics_view.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "tests/hubctl/test_protos.h"

namespace hubctl {
namespace {

using testing::MarchStageMetrics;

std::string Blocks(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "\u2588";
  return s;
}

std::string View(const hub::v1::StageMetrics& metrics) {
  std::ostringstream out;
  PrintStageMetrics(metrics, out);
  return out.str();
}

TEST(StageMetricsViewTest, OneTablePerStageThenUnavailableThenRateBars) {
  EXPECT_EQ(View(MarchStageMetrics()),
            "Stage metrics\n"
            "  period   2024-03-01 to 2024-04-01 (end exclusive)\n"
            "  segment  all\n"
            "\n"
            "ATTRACT\n"
            "  METRIC                KIND      VALUE  DETAIL\n"
            "  anonymous_visitors    activity  1200\n"
            "  page_views            activity  5400\n"
            "  visitor_to_lead_rate  outcome   66.7%  800/1200\n"
            "\n"
            "CAPTURE\n"
            "  METRIC            KIND     VALUE  DETAIL\n"
            "  new_leads         outcome  800\n"
            "  lead_to_mql_rate  outcome  30.0%  240/800\n"
            "\n"
            "NURTURE\n"
            "  METRIC            KIND      VALUE  DETAIL\n"
            "  sends             activity  1000\n"
            "  unique_open_rate  outcome   45.9%  450/980\n"
            "  bounce_rate       outcome   2.0%   20/1000\n"
            "\n"
            "CONVERT\n"
            "  METRIC                   KIND     VALUE     DETAIL\n"
            "  opportunities_created    outcome  4\n"
            "  win_rate                 outcome  -         0/0\n"
            "  closed_won_revenue       outcome  84500.50\n"
            "  average_deal_size        outcome  -\n"
            "  median_sales_cycle_days  outcome  -\n"
            "\n"
            "EXPAND\n"
            "  METRIC      KIND     VALUE  DETAIL\n"
            "  churn_rate  outcome  5.0%   2/40\n"
            "  nps         outcome  25.0   20/80\n"
            "  csat        outcome  90.0%  45/50\n"
            "\n"
            "Unavailable\n"
            "  customer_campaign_open_rate\n"
            "\n"
            "Rates\n"
            "  visitor_to_lead_rate  " +
                Blocks(33) +
                " 66.7%\n"
                "  lead_to_mql_rate      " +
                Blocks(15) +
                " 30.0%\n"
                "  unique_open_rate      " +
                Blocks(23) +
                " 45.9%\n"
                "  bounce_rate           " +
                Blocks(1) +
                " 2.0%\n"
                "  churn_rate            " +
                Blocks(3) +
                " 5.0%\n"
                "  nps                   " +
                Blocks(13) +
                " 25.0\n"
                "  csat                  " +
                Blocks(45) + " 90.0%\n");
}

TEST(StageMetricsViewTest, ValueTextPerKindAndNeverZeroForAbsent) {
  hub::v1::Metric m;
  EXPECT_EQ(MetricValueText(m), "-");
  m.set_count(0);
  EXPECT_EQ(MetricValueText(m), "0");
  m.Clear();
  m.set_amount(12.345);
  EXPECT_EQ(MetricValueText(m), "12.35");
  m.Clear();
  m.set_value(43.5);
  EXPECT_EQ(MetricValueText(m), "43.5");
  m.Clear();
  m.mutable_rate()->set_denominator(0);
  EXPECT_EQ(MetricValueText(m), "-");
  m.mutable_rate()->set_value(1.25);  // churn can exceed 100%
  EXPECT_EQ(MetricValueText(m), "125.0%");
  m.set_name("nps");
  m.mutable_rate()->set_value(-12.5);
  EXPECT_EQ(MetricValueText(m), "-12.5");
}

// Churn above 100% is drawn full width with the others scaled to it; a
// negative nps draws no bar; a stage filter shows only that stage's table.
TEST(StageMetricsViewTest, RateBarsScaleToTheLargestAboveHundredPercent) {
  hub::v1::StageMetrics metrics;
  metrics.set_segment("tier=1");
  for (auto [name, value] :
       {std::pair{"churn_rate", 2.0}, {"csat", 0.5}, {"nps", -40.0}}) {
    hub::v1::Metric* m = metrics.add_metrics();
    m->set_name(name);
    m->set_stage(hub::v1::EXPAND);
    m->set_kind(hub::v1::OUTCOME);
    m->mutable_rate()->set_value(value);
  }
  const std::string view = View(metrics);
  EXPECT_EQ(view.find("ATTRACT"), std::string::npos);
  EXPECT_NE(view.find("  segment  tier=1\n"), std::string::npos);
  // 2 + 10 + 2 + 1 + 6 columns around the bar leave 59 blocks.
  EXPECT_NE(view.find("Rates\n"
                      "  churn_rate  " +
                      Blocks(59) +
                      " 200.0%\n"
                      "  csat        " +
                      Blocks(15) +
                      " 50.0%\n"
                      "  nps         -40.0\n"),
            std::string::npos)
      << view;
  EXPECT_EQ(view.find("Unavailable"), std::string::npos);
}

TEST(StageMetricsViewTest, NoRateWithAValueSaysSo) {
  hub::v1::StageMetrics metrics;
  hub::v1::Metric* m = metrics.add_metrics();
  m->set_name("win_rate");
  m->set_stage(hub::v1::CONVERT);
  m->set_kind(hub::v1::OUTCOME);
  m->mutable_rate();
  EXPECT_NE(View(metrics).find("\nRates\n  (no rate has a value)\n"),
            std::string::npos);
}

}  // namespace
}  // namespace hubctl
