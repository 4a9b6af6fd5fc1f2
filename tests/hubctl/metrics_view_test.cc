// Exact table-format and SVG renderings of stage histories and funnels.
#include "tools/hubctl/metrics_view.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tests/hubctl/test_protos.h"
#include "tools/hubctl/funnel_svg.h"
#include "tools/hubctl/table.h"

namespace hubctl {
namespace {

using testing::AnaStages;
using testing::MarchFunnel;

std::string Blocks(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "\u2588";
  return s;
}

std::string Funnel(const hub::v1::Funnel& funnel) {
  std::ostringstream out;
  PrintFunnel(funnel, out);
  return out.str();
}

std::string Bars(const hub::v1::Funnel& funnel) {
  std::ostringstream out;
  PrintFunnelBars(funnel, out);
  return out.str();
}

std::string Bars(const std::vector<Bar>& bars, double full_scale) {
  std::ostringstream out;
  PrintBars(bars, full_scale, out);
  return out.str();
}

TEST(StageViewTest, ShowsTheCurrentStageThenEachTransitionWithDaysInIt) {
  std::ostringstream out;
  PrintStageHistory(AnaStages(), "now", out);
  EXPECT_EQ(out.str(),
            "Stages of profiles/12\n"
            "  stage  CONVERT\n"
            "  as of  now\n"
            "\n"
            "Transitions\n"
            "  STAGE    ENTERED               LEFT                  DAYS\n"
            "  ATTRACT  2024-01-10T08:00:00Z  2024-01-10T08:00:00Z  0.0\n"
            "  CAPTURE  2024-01-10T08:00:00Z  2024-02-01T09:00:00Z  22.0\n"
            "  NURTURE  2024-02-01T09:00:00Z  2024-03-01T21:00:00Z  29.5\n"
            "  CONVERT  2024-03-01T21:00:00Z  -                     -\n");
}

TEST(StageViewTest, NoStageYetShowsDashAndNone) {
  hub::v1::ListStageTransitionsResponse empty;
  empty.set_parent("accounts/3");
  std::ostringstream out;
  PrintStageHistory(empty, "2023-01-01T00:00:00Z", out);
  EXPECT_EQ(out.str(),
            "Stages of accounts/3\n"
            "  stage  -\n"
            "  as of  2023-01-01T00:00:00Z\n"
            "\n"
            "Transitions\n"
            "  (none)\n");
}

TEST(FunnelViewTest, TableShowsAbsentRateAndMedianAsDashThenTheBars) {
  EXPECT_EQ(Funnel(MarchFunnel()),
            "Funnel of persons\n"
            "  period   2024-03-01 to 2024-04-01 (end exclusive)\n"
            "  segment  industry=Software & <Services>\n"
            "  window   90 days\n"
            "\n"
            "Stages\n"
            "  STAGE    ENTRIES  CONVERTED  RATE   MEDIAN DAYS  LEFT\n"
            "  ATTRACT  1200     800/1200   66.7%  2.0          1100\n"
            "  CAPTURE  800      240/800    30.0%  12.5         700\n"
            "  NURTURE  240      60/240     25.0%  30.0         200\n"
            "  CONVERT  0        0/0        -      -            0\n"
            "  EXPAND   45       -          -      -            0\n"
            "\n"
            "Entries\n"
            "  ATTRACT  " +
                Blocks(64) +
                " 1200\n"
                "  CAPTURE  " +
                Blocks(43) +
                " 800\n"
                "  NURTURE  " +
                Blocks(13) +
                " 240\n"
                "  CONVERT  0\n"
                "  EXPAND   " +
                Blocks(2) + " 45\n");
}

TEST(FunnelViewTest, AccountsWithoutSegmentAndOffMidnightPeriod) {
  hub::v1::Funnel funnel = MarchFunnel();
  funnel.set_side(hub::v1::ACCOUNTS);
  funnel.clear_segment();
  funnel.mutable_period()->mutable_end_time()->set_seconds(1711929600 + 3600);
  const std::string view = Funnel(funnel);
  EXPECT_EQ(view.rfind("Funnel of accounts\n"
                       "  period   2024-03-01 to 2024-04-01T01:00:00Z (end "
                       "exclusive)\n"
                       "  segment  all\n",
                       0),
            0u)
      << view;
}

TEST(FunnelViewTest, BarsFitEightyColumnsAndAnyCountShows) {
  hub::v1::Funnel funnel;
  for (int64_t n : {int64_t{9223372036854775807}, int64_t{1}, int64_t{0}}) {
    hub::v1::FunnelStage* s = funnel.add_stages();
    s->set_stage(hub::v1::CAPTURE);
    s->set_entries(n);
  }
  const std::string bars = Bars(funnel);
  std::istringstream lines(bars);
  std::string line;
  size_t widest = 0;
  while (std::getline(lines, line))
    widest = std::max(widest, DisplayWidth(line));
  EXPECT_EQ(widest, kBarChartColumns);
  EXPECT_NE(bars.find("  CAPTURE  " + Blocks(1) + " 1\n"), std::string::npos)
      << bars;
  EXPECT_NE(bars.find("  CAPTURE  0\n"), std::string::npos) << bars;
}

TEST(FunnelViewTest, NoEntriesAtAllDrawsNoBars) {
  hub::v1::Funnel funnel;
  funnel.add_stages()->set_stage(hub::v1::ATTRACT);
  funnel.add_stages()->set_stage(hub::v1::EXPAND);
  EXPECT_EQ(Bars(funnel), "  ATTRACT  0\n  EXPAND   0\n");
}

TEST(BarsTest, FullScaleFillsEightyColumnsAndTinyOrNegativeSizesStayVisible) {
  const std::string bars =
      Bars({{"big", 200, "x"}, {"tiny", 0.001, "y"}, {"neg", -5, "z"}}, 100);
  // 2 + 4 + 2 + 1 + 1 columns around the bar leave 70 blocks.
  EXPECT_EQ(bars, "  big   " + Blocks(70) + " x\n  tiny  " + Blocks(1) +
                      " y\n  neg   z\n");
  EXPECT_EQ(Bars({{"a\x1b", 1, "1"}}, 0), "  a\\x1b  1\n");
}

TEST(FunnelSvgTest, StandaloneChartWithLabelsRatesAndEscapedSegment) {
  const std::string svg = FunnelSvg(MarchFunnel());
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" ", 0), 0u);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  for (const char* text :
       {">Persons funnel, 2024-03-01 to 2024-04-01 (end exclusive)</text>",
        ">Segment: industry=Software &amp; &lt;Services&gt;; conversion "
        "window 90 days</text>",
        ">ATTRACT: 1200</text>", ">CAPTURE: 800</text>", ">NURTURE: 240</text>",
        ">CONVERT: 0</text>", ">EXPAND: 45</text>",
        ">\u2193 66.7% converted (800/1200)</text>",
        ">\u2193 25.0% converted (60/240)</text>",
        ">\u2193 rate - (no entries)</text>"}) {
    EXPECT_NE(svg.find(text), std::string::npos) << text << "\n" << svg;
  }
  EXPECT_EQ(svg.find("Software & "), std::string::npos);
  EXPECT_EQ(svg.find("<Services>"), std::string::npos);
  // The widest bar is ATTRACT's, centred: 560 of 720.
  EXPECT_NE(svg.find("<rect x=\"80.0\" y=\"80.0\" width=\"560.0\""),
            std::string::npos);
  EXPECT_EQ(FunnelSvg(MarchFunnel()), svg);
}

TEST(FunnelSvgTest, XmlEscapingCoversQuotesAndWhatXmlCannotCarry) {
  EXPECT_EQ(EscapeForXml("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  EXPECT_EQ(EscapeForXml("x\x01y\xff\xEF\xBF\xBF"), "x\\x01y\\xff\\uffff");
  EXPECT_EQ(EscapeForXml("Zürich"), "Zürich");
}

}  // namespace
}  // namespace hubctl
