// `hubctl stages` and `hubctl metrics funnel|stage|value` end to end against
// the fake MetricsService: the requests sent, exact output, files and exit
// codes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/hubctl/cli_fixture.h"
#include "tests/hubctl/test_protos.h"
#include "tools/hubctl/customer_value_view.h"
#include "tools/hubctl/metrics_view.h"
#include "tools/hubctl/stage_metrics_view.h"

namespace hubctl {
namespace {

using testing::AnaStages;
using testing::MarchCustomerValue;
using testing::MarchFunnel;
using testing::MarchStageMetrics;

constexpr const char* kSegment = "industry=Software & <Services>";

class MetricsCliTest : public testing::CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    hub_.metrics().SetStages("profiles/12", AnaStages());
    hub_.metrics().SetStages("profiles/15", AnaStages());  // merged into 12
    hub_.metrics().SetFunnel(MarchFunnel());
    hub_.metrics().SetStageMetrics(MarchStageMetrics());
    hub_.metrics().SetCustomerValue(MarchCustomerValue());
  }

  std::vector<std::string> stage_requests() {
    std::vector<std::string> text;
    for (const auto& r : hub_.metrics().stage_requests()) {
      text.push_back(r.ShortDebugString());
    }
    return text;
  }

  std::string last_funnel_request() {
    const auto requests = hub_.metrics().funnel_requests();
    return requests.empty() ? "" : requests.back().ShortDebugString();
  }

  std::string last_stage_metrics_request() {
    const auto requests = hub_.metrics().stage_metrics_requests();
    return requests.empty() ? "" : requests.back().ShortDebugString();
  }

  std::string last_value_request() {
    const auto requests = hub_.metrics().value_requests();
    return requests.empty() ? "" : requests.back().ShortDebugString();
  }

  static std::string Rendered(const hub::v1::Funnel& funnel) {
    std::ostringstream out;
    PrintFunnel(funnel, out);
    return out.str();
  }

  static std::string Rendered(const hub::v1::StageMetrics& metrics) {
    std::ostringstream out;
    PrintStageMetrics(metrics, out);
    return out.str();
  }
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_F(MetricsCliTest, StagesFetchesEveryPageAndShowsOneHistory) {
  EXPECT_EQ(Run({"stages", "profiles/12"}), 0);
  EXPECT_EQ(stage_requests(),
            (std::vector<std::string>{"parent: \"profiles/12\"",
                                      "parent: \"profiles/12\" page_token: "
                                      "\"2\""}));
  EXPECT_EQ(out_.str(),
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
  EXPECT_EQ(err_.str(), "");
}

TEST_F(MetricsCliTest, StagesSendsAsOfOnEveryPage) {
  EXPECT_EQ(Run({"stages", "profiles/12", "--as-of", "2024-02-15"}), 0);
  EXPECT_EQ(stage_requests(),
            (std::vector<std::string>{
                "parent: \"profiles/12\" as_of { seconds: 1707955200 }",
                "parent: \"profiles/12\" as_of { seconds: 1707955200 } "
                "page_token: \"2\""}));
  EXPECT_NE(out_.str().find("  as of  2024-02-15T00:00:00Z\n"),
            std::string::npos)
      << out_.str();
  EXPECT_EQ(
      Run({"stages", "profiles/12", "--as-of", "2024-02-15T10:30:00+01:00"}),
      0);
  EXPECT_EQ(hub_.metrics().stage_requests().back().as_of().seconds(),
            1707989400);
}

TEST_F(MetricsCliTest, StagesOfAMergedAwayNameSaysWhoAnswers) {
  EXPECT_EQ(Run({"stages", "profiles/015"}), 0);
  EXPECT_EQ(hub_.metrics().stage_requests().front().parent(), "profiles/15");
  EXPECT_EQ(err_.str(),
            "hubctl: profiles/15 was merged into profiles/12; showing its "
            "stages\n");
  EXPECT_EQ(out_.str().rfind("Stages of profiles/12\n", 0), 0u);
}

TEST_F(MetricsCliTest, StagesJsonIsOneDocumentWithEveryTransition) {
  EXPECT_EQ(Run({"-o", "json", "stages", "profiles/12"}), 0);
  const std::string json = out_.str();
  EXPECT_EQ(json.rfind("{\n \"parent\": \"profiles/12\",\n \"stage\": "
                       "\"CONVERT\",\n \"transitions\": [\n",
                       0),
            0u)
      << json;
  EXPECT_NE(json.find("   \"stage\": \"ATTRACT\",\n"), std::string::npos);
  EXPECT_NE(json.find("   \"enterTime\": \"2024-03-01T21:00:00Z\"\n"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"nextPageToken\": \"\""), std::string::npos);
  EXPECT_EQ(err_.str(), "");
}

TEST_F(MetricsCliTest, StagesBadNameOrTimeIsUsageErrorAndMakesNoCall) {
  EXPECT_EQ(Run({"stages", "12"}), 2);
  EXPECT_EQ(err_.str(),
            "hubctl: invalid name \"12\": want profiles/{id} or "
            "accounts/{id}, a positive integer id\n");
  EXPECT_EQ(Run({"stages", "accounts/3", "--as-of", "last week"}), 2);
  EXPECT_EQ(err_.str(),
            "hubctl: --as-of: want YYYY-MM-DD or an RFC 3339 time such as "
            "2024-03-01T00:00:00Z, got \"last week\"\n");
  EXPECT_EQ(Run({"stages"}), 2);
  EXPECT_TRUE(hub_.metrics().log().methods.empty());
}

TEST_F(MetricsCliTest, StagesOfUnknownProfileExitsThree) {
  EXPECT_EQ(Run({"stages", "accounts/99"}), 3);
  EXPECT_EQ(err_.str(), "hubctl: NOT_FOUND: accounts/99 not found\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(MetricsCliTest,
       FunnelSendsPersonsPeriodAndSegmentAndPrintsTableAndBars) {
  EXPECT_EQ(Run({"metrics", "funnel", "--from", "2024-03-01", "--to",
                 "2024-04-01", "--segment", kSegment}),
            0);
  EXPECT_EQ(last_funnel_request(),
            "side: PERSONS period { start_time { seconds: 1709251200 } "
            "end_time { seconds: 1711929600 } } segment: \"industry=Software "
            "& <Services>\"");
  EXPECT_EQ(out_.str(), Rendered(MarchFunnel()));
  EXPECT_NE(out_.str().find("  CONVERT  0        0/0        -      -     "),
            std::string::npos)
      << out_.str();
  EXPECT_EQ(err_.str(), "");
}

TEST_F(MetricsCliTest, FunnelAccountsAndWindowAreSent) {
  EXPECT_EQ(Run({"metrics", "funnel", "--accounts", "--window", "30", "--from",
                 "2024-03-01T00:00:00Z", "--to", "2024-03-08"}),
            0);
  EXPECT_EQ(last_funnel_request(),
            "side: ACCOUNTS period { start_time { seconds: 1709251200 } "
            "end_time { seconds: 1709856000 } } conversion_window_days: 30");
  EXPECT_EQ(out_.str().rfind("Funnel of accounts\n"
                             "  period   2024-03-01 to 2024-03-08 (end "
                             "exclusive)\n"
                             "  segment  all\n"
                             "  window   30 days\n",
                             0),
            0u)
      << out_.str();
}

// An absent optional (CONVERT's rate value, the medians of CONVERT and
// EXPAND) is left out, never printed as 0; EXPAND has no conversion at all.
TEST_F(MetricsCliTest, FunnelJsonLeavesAbsentRateAndMedianOut) {
  EXPECT_EQ(Run({"metrics", "funnel", "--from", "2024-03-01", "--to",
                 "2024-04-01", "-o", "json"}),
            0);
  EXPECT_EQ(out_.str(),
            "{\n"
            " \"side\": \"PERSONS\",\n"
            " \"period\": {\n"
            "  \"startTime\": \"2024-03-01T00:00:00Z\",\n"
            "  \"endTime\": \"2024-04-01T00:00:00Z\"\n"
            " },\n"
            " \"segment\": \"\",\n"
            " \"conversionWindowDays\": 90,\n"
            " \"stages\": [\n"
            "  {\n"
            "   \"stage\": \"ATTRACT\",\n"
            "   \"entries\": \"1200\",\n"
            "   \"conversionToNext\": {\n"
            "    \"numerator\": \"800\",\n"
            "    \"denominator\": \"1200\",\n"
            "    \"value\": 0.66666666666666663\n"
            "   },\n"
            "   \"left\": \"1100\",\n"
            "   \"medianDaysInStage\": 2\n"
            "  },\n"
            "  {\n"
            "   \"stage\": \"CAPTURE\",\n"
            "   \"entries\": \"800\",\n"
            "   \"conversionToNext\": {\n"
            "    \"numerator\": \"240\",\n"
            "    \"denominator\": \"800\",\n"
            "    \"value\": 0.3\n"
            "   },\n"
            "   \"left\": \"700\",\n"
            "   \"medianDaysInStage\": 12.5\n"
            "  },\n"
            "  {\n"
            "   \"stage\": \"NURTURE\",\n"
            "   \"entries\": \"240\",\n"
            "   \"conversionToNext\": {\n"
            "    \"numerator\": \"60\",\n"
            "    \"denominator\": \"240\",\n"
            "    \"value\": 0.25\n"
            "   },\n"
            "   \"left\": \"200\",\n"
            "   \"medianDaysInStage\": 30\n"
            "  },\n"
            "  {\n"
            "   \"stage\": \"CONVERT\",\n"
            "   \"entries\": \"0\",\n"
            "   \"conversionToNext\": {\n"
            "    \"numerator\": \"0\",\n"
            "    \"denominator\": \"0\"\n"
            "   },\n"
            "   \"left\": \"0\"\n"
            "  },\n"
            "  {\n"
            "   \"stage\": \"EXPAND\",\n"
            "   \"entries\": \"45\",\n"
            "   \"left\": \"0\"\n"
            "  }\n"
            " ]\n"
            "}\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(MetricsCliTest, FunnelSvgIsWrittenAndNotedOnStderr) {
  const std::string path =
      ::testing::TempDir() + "funnel-" + std::to_string(getpid()) + ".svg";
  EXPECT_EQ(Run({"metrics", "funnel", "--from", "2024-03-01", "--to",
                 "2024-04-01", "--segment", kSegment, "--svg", path}),
            0);
  EXPECT_EQ(err_.str(), "wrote " + path + "\n");
  EXPECT_EQ(out_.str(), Rendered(MarchFunnel()));
  const std::string svg = ReadFile(path);
  std::remove(path.c_str());
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  for (const char* text :
       {">ATTRACT: 1200<", ">CAPTURE: 800<", ">NURTURE: 240<", ">CONVERT: 0<",
        ">EXPAND: 45<", "industry=Software &amp; &lt;Services&gt;",
        "2024-03-01 to 2024-04-01"}) {
    EXPECT_NE(svg.find(text), std::string::npos) << text;
  }
  EXPECT_EQ(svg.find("<Services>"), std::string::npos);
}

TEST_F(MetricsCliTest, FunnelSvgThatCannotBeWrittenExitsOne) {
  const std::string path = ::testing::TempDir() + "no-such-dir/x/funnel.svg";
  EXPECT_EQ(Run({"metrics", "funnel", "--from", "2024-03-01", "--to",
                 "2024-04-01", "--svg", path, "-o", "json"}),
            1);
  EXPECT_EQ(err_.str(), "hubctl: --svg: cannot write " + path +
                            ": No such file or directory\n");
}

TEST_F(MetricsCliTest, FunnelBadFlagsAreUsageErrorsNamingTheFlag) {
  const std::vector<std::string> base = {"metrics", "funnel"};
  const auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), base.begin(), base.end());
    return Run(args);
  };
  EXPECT_EQ(run({"--from", "2024-02-30", "--to", "2024-04-01"}), 2);
  EXPECT_EQ(err_.str(),
            "hubctl: --from: want YYYY-MM-DD or an RFC 3339 time such as "
            "2024-03-01T00:00:00Z, got \"2024-02-30\"\n");
  EXPECT_EQ(run({"--from", "2024-03-01", "--to", "2024-04-01T12:00:00Z"}), 2);
  EXPECT_EQ(err_.str(),
            "hubctl: --to: 2024-04-01T12:00:00Z is not a UTC midnight (the "
            "funnel counts whole UTC days; use YYYY-MM-DD)\n");
  EXPECT_EQ(
      run({"--from", "2024-03-01", "--to", "2024-04-01", "--window", "366"}),
      2);
  EXPECT_EQ(err_.str(),
            "hubctl: --window: want a number of days in 1..365, got 366\n");
  EXPECT_EQ(
      run({"--from", "2024-03-01", "--to", "2024-04-01", "--window", "0"}), 2);
  EXPECT_EQ(
      run({"--from", "2024-03-01", "--to", "2024-04-01", "--window", "ninety"}),
      2);
  EXPECT_NE(err_.str().find("--window"), std::string::npos) << err_.str();
  EXPECT_EQ(run({"--from", "2024-03-01", "--to", "2024-04-01", "--segment",
                 "size=big"}),
            2);
  EXPECT_EQ(err_.str(),
            "hubctl: --segment: want KEY=VALUE with KEY one of industry, "
            "tier, region, source, got \"size=big\"\n");
  EXPECT_EQ(run({"--from", "2024-03-01"}), 2);
  EXPECT_EQ(err_.str(),
            "hubctl: --to is required\nRun with --help for more "
            "information.\n");
  EXPECT_TRUE(hub_.metrics().log().methods.empty());
}

TEST_F(MetricsCliTest, FunnelServerErrorsGoThroughReportRpcError) {
  hub_.metrics().FailWith(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                       "segment: \"tier=\" is malformed"));
  EXPECT_EQ(
      Run({"metrics", "funnel", "--from", "2024-03-01", "--to", "2024-04-01"}),
      4);
  EXPECT_EQ(err_.str(),
            "hubctl: INVALID_ARGUMENT: segment: \"tier=\" is malformed\n");
  hub_.metrics().FailWith(
      grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "missing token"));
  EXPECT_EQ(Run({"stages", "profiles/12"}), 5);
  EXPECT_EQ(out_.str(), "");
}

TEST_F(MetricsCliTest, HelpListsTheCommandsAndTheMetricsOnes) {
  EXPECT_EQ(Run({"--help"}), 0);
  EXPECT_NE(out_.str().find("stages"), std::string::npos);
  EXPECT_NE(out_.str().find("metrics"), std::string::npos);
  EXPECT_EQ(Run({"metrics", "funnel", "--help"}), 0);
  EXPECT_NE(out_.str().find("End day, EXCLUSIVE"), std::string::npos);
  EXPECT_EQ(Run({"metrics", "stage"}), 2);
  EXPECT_EQ(Run({"metrics", "value"}), 2);
  EXPECT_EQ(Run({"metrics"}), 2);
  for (const char* command : {"funnel", "stage", "value"}) {
    EXPECT_NE(err_.str().find(command), std::string::npos) << command;
  }
  EXPECT_EQ(Run({"metrics", "value", "--help"}), 0);
  EXPECT_NE(out_.str().find("--margin FRACTION"), std::string::npos)
      << out_.str();
}

std::string Blocks(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "\u2588";
  return s;
}

TEST_F(MetricsCliTest, StageSendsPeriodAndSegmentAndPrintsEveryStage) {
  EXPECT_EQ(Run({"metrics", "stage", "--from", "2024-03-01", "--to",
                 "2024-04-01", "--segment", kSegment}),
            0);
  EXPECT_EQ(last_stage_metrics_request(),
            "period { start_time { seconds: 1709251200 } end_time { seconds: "
            "1711929600 } } segment: \"industry=Software & <Services>\"");
  hub::v1::StageMetrics expected = MarchStageMetrics();
  expected.set_segment(kSegment);
  EXPECT_EQ(out_.str(), Rendered(expected));
  for (const char* row : {"  segment  industry=Software & <Services>\n",
                          "  page_views            activity  5400\n",
                          "  win_rate                 outcome  -         0/0\n",
                          "  closed_won_revenue       outcome  84500.50\n",
                          "  median_sales_cycle_days  outcome  -\n",
                          "  nps         outcome  25.0   20/80\n",
                          "Unavailable\n  customer_campaign_open_rate\n"}) {
    EXPECT_NE(out_.str().find(row), std::string::npos) << row << out_.str();
  }
  EXPECT_EQ(err_.str(), "");
}

TEST_F(MetricsCliTest, StageSendsTheStageAndShowsOnlyItsTable) {
  EXPECT_EQ(Run({"metrics", "stage", "--from", "2024-03-01", "--to",
                 "2024-04-01", "--stage", "expand"}),
            0);
  EXPECT_EQ(last_stage_metrics_request(),
            "period { start_time { seconds: 1709251200 } end_time { seconds: "
            "1711929600 } } stage: EXPAND");
  EXPECT_EQ(out_.str(),
            "Stage metrics\n"
            "  period   2024-03-01 to 2024-04-01 (end exclusive)\n"
            "  segment  all\n"
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
            "  churn_rate  " +
                Blocks(3) +
                " 5.0%\n"
                "  nps         " +
                Blocks(15) +
                " 25.0\n"
                "  csat        " +
                Blocks(54) + " 90.0%\n");
}

// The absent rate value and the absent median are left out, never 0.
TEST_F(MetricsCliTest, StageJsonLeavesAbsentValuesOut) {
  const hub::v1::StageMetrics march = MarchStageMetrics();
  hub::v1::StageMetrics metrics;
  for (const auto& m : march.metrics()) {
    if (m.name() == "win_rate" || m.name() == "median_sales_cycle_days" ||
        m.name() == "nps") {
      *metrics.add_metrics() = m;
    }
  }
  hub_.metrics().SetStageMetrics(metrics);
  EXPECT_EQ(Run({"-o", "json", "metrics", "stage", "--from", "2024-03-01",
                 "--to", "2024-04-01"}),
            0);
  EXPECT_EQ(out_.str(),
            "{\n"
            " \"period\": {\n"
            "  \"startTime\": \"2024-03-01T00:00:00Z\",\n"
            "  \"endTime\": \"2024-04-01T00:00:00Z\"\n"
            " },\n"
            " \"segment\": \"\",\n"
            " \"metrics\": [\n"
            "  {\n"
            "   \"name\": \"win_rate\",\n"
            "   \"stage\": \"CONVERT\",\n"
            "   \"kind\": \"OUTCOME\",\n"
            "   \"rate\": {\n"
            "    \"numerator\": \"0\",\n"
            "    \"denominator\": \"0\"\n"
            "   }\n"
            "  },\n"
            "  {\n"
            "   \"name\": \"median_sales_cycle_days\",\n"
            "   \"stage\": \"CONVERT\",\n"
            "   \"kind\": \"OUTCOME\"\n"
            "  },\n"
            "  {\n"
            "   \"name\": \"nps\",\n"
            "   \"stage\": \"EXPAND\",\n"
            "   \"kind\": \"OUTCOME\",\n"
            "   \"rate\": {\n"
            "    \"numerator\": \"20\",\n"
            "    \"denominator\": \"80\",\n"
            "    \"value\": 25\n"
            "   }\n"
            "  }\n"
            " ],\n"
            " \"unavailable\": []\n"
            "}\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(MetricsCliTest, ValueSendsDimensionAndMarginAndPrintsTableAndChart) {
  EXPECT_EQ(Run({"metrics", "value", "--from", "2024-03-01", "--to",
                 "2024-04-01", "--dimension", "industry", "--margin", "0.5"}),
            0);
  EXPECT_EQ(last_value_request(),
            "period { start_time { seconds: 1709251200 } end_time { seconds: "
            "1711929600 } } dimension: \"industry\" gross_margin: 0.5");
  EXPECT_EQ(out_.str(),
            "Customer value\n"
            "  period        2024-03-01 to 2024-04-01 (end exclusive)\n"
            "  gross margin  0.5\n"
            "\n"
            "Segments\n"
            "  SEGMENT            ACCOUNTS AT START  REVENUE    CHURNED  "
            "REVENUE/ACCOUNT  CLV       RANK\n"
            "  all                40                 120000.00  4        "
            "3000.00          22500.00  1\n"
            "  industry=Retail    10                 60000.00   1        "
            "6000.00          45000.00  1\n"
            "  industry=Software  20                 50000.00   3        "
            "2500.00          12500.00  2\n"
            "  industry=Health    0                  10000.00   0        "
            "-                -         3\n"
            "\n"
            "CLV\n"
            "  industry=Retail    " +
                Blocks(50) +
                " 45000.00\n"
                "  industry=Software  " +
                Blocks(14) + " 12500.00\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(MetricsCliTest, ValueWithoutFlagsSendsOnlyThePeriod) {
  EXPECT_EQ(
      Run({"metrics", "value", "--from", "2024-01-01", "--to", "2024-04-01"}),
      0);
  EXPECT_EQ(last_value_request(),
            "period { start_time { seconds: 1704067200 } end_time { seconds: "
            "1711929600 } }");
  EXPECT_NE(out_.str().find("  gross margin  0.75\n"), std::string::npos);
  EXPECT_NE(out_.str().find("  tier=1             40 "), std::string::npos)
      << out_.str();
}

TEST_F(MetricsCliTest, ValueJsonLeavesAbsentValuesOut) {
  hub::v1::CustomerValue value = MarchCustomerValue();
  value.clear_segments();
  *value.add_segments() = MarchCustomerValue().segments(2);  // Health
  hub_.metrics().SetCustomerValue(value);
  EXPECT_EQ(Run({"metrics", "value", "--from", "2024-03-01", "--to",
                 "2024-04-01", "--output", "json"}),
            0);
  EXPECT_EQ(out_.str(),
            "{\n"
            " \"period\": {\n"
            "  \"startTime\": \"2024-03-01T00:00:00Z\",\n"
            "  \"endTime\": \"2024-04-01T00:00:00Z\"\n"
            " },\n"
            " \"grossMargin\": 0.75,\n"
            " \"overall\": {\n"
            "  \"segment\": \"\",\n"
            "  \"accountsAtStart\": \"40\",\n"
            "  \"revenue\": 120000,\n"
            "  \"churned\": \"4\",\n"
            "  \"rank\": 1,\n"
            "  \"revenuePerAccount\": 3000,\n"
            "  \"clv\": 22500\n"
            " },\n"
            " \"segments\": [\n"
            "  {\n"
            "   \"segment\": \"industry=Health\",\n"
            "   \"accountsAtStart\": \"0\",\n"
            "   \"revenue\": 10000,\n"
            "   \"churned\": \"0\",\n"
            "   \"rank\": 3\n"
            "  }\n"
            " ]\n"
            "}\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(MetricsCliTest, StageAndValueBadFlagsAreUsageErrorsNamingTheFlag) {
  const auto run = [&](const char* command, std::vector<std::string> args) {
    args.insert(args.begin(), {"metrics", command, "--from", "2024-03-01"});
    return Run(args);
  };
  EXPECT_EQ(run("stage", {"--to", "2024-04-01", "--stage", "CHURNED"}), 2);
  EXPECT_EQ(err_.str(),
            "hubctl: --stage: want ATTRACT, CAPTURE, NURTURE, CONVERT or "
            "EXPAND, got \"CHURNED\"\n");
  EXPECT_EQ(run("stage", {"--to", "2024-04-01", "--segment", "tier"}), 2);
  EXPECT_EQ(err_.str(),
            "hubctl: --segment: want KEY=VALUE with KEY one of industry, "
            "tier, region, source, got \"tier\"\n");
  EXPECT_EQ(run("stage", {"--to", "2024-02-01"}), 2);
  EXPECT_EQ(err_.str().rfind("hubctl: --to: 2024-02-01 is not after", 0), 0u);
  EXPECT_EQ(run("value", {"--to", "2024-04-01", "--dimension", "size"}), 2);
  EXPECT_EQ(err_.str(),
            "hubctl: --dimension: want one of industry, tier, region, source, "
            "got \"size\"\n");
  for (const char* bad : {"0", "1.5", "-0.2", "nan"}) {
    EXPECT_EQ(run("value", {"--to", "2024-04-01", "--margin", bad}), 2) << bad;
    EXPECT_EQ(err_.str().rfind("hubctl: --margin: want a gross margin in (0, "
                               "1], got ",
                               0),
              0u)
        << err_.str();
  }
  EXPECT_EQ(run("value", {"--to", "2024-04-01", "--margin", "most"}), 2);
  EXPECT_NE(err_.str().find("--margin"), std::string::npos) << err_.str();
  EXPECT_EQ(run("value", {}), 2);
  EXPECT_EQ(err_.str(),
            "hubctl: --to is required\nRun with --help for more "
            "information.\n");
  EXPECT_TRUE(hub_.metrics().log().methods.empty());
}

TEST_F(MetricsCliTest, StageAndValueServerErrorsGoThroughReportRpcError) {
  hub_.metrics().FailWith(
      grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "dimension: bad"));
  EXPECT_EQ(
      Run({"metrics", "value", "--from", "2024-03-01", "--to", "2024-04-01"}),
      4);
  EXPECT_EQ(err_.str(), "hubctl: INVALID_ARGUMENT: dimension: bad\n");
  EXPECT_EQ(
      Run({"metrics", "stage", "--from", "2024-03-01", "--to", "2024-04-01"}),
      4);
  EXPECT_EQ(out_.str(), "");
  EXPECT_EQ(hub_.metrics().log().methods,
            (std::vector<std::string>{"GetCustomerValue", "GetStageMetrics"}));
}

}  // namespace
}  // namespace hubctl
