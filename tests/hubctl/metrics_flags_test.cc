// Time flags and the GetFunnel, GetStageMetrics and GetCustomerValue requests
// built from `metrics funnel`, `metrics stage` and `metrics value`'s flags.
#include "tools/hubctl/metrics_flags.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "tools/hubctl/format.h"

namespace hubctl {
namespace {

std::string Parsed(const std::string& text) {
  absl::StatusOr<absl::Time> t = ParseTimeFlag(text);
  return t.ok() ? FormatTimestamp(ToTimestamp(*t)) : "error";
}

TEST(TimeFlagTest, DateIsUtcMidnightAndRfc3339KeepsItsOffset) {
  EXPECT_EQ(Parsed("2024-03-01"), "2024-03-01T00:00:00Z");
  EXPECT_EQ(Parsed("2024-02-29"), "2024-02-29T00:00:00Z");
  EXPECT_EQ(Parsed("2024-03-01T12:30:00Z"), "2024-03-01T12:30:00Z");
  EXPECT_EQ(Parsed("2024-03-01T02:00:00+02:00"), "2024-03-01T00:00:00Z");
  EXPECT_EQ(Parsed("2024-03-01T00:00:00.25Z"), "2024-03-01T00:00:00.250Z");
  EXPECT_EQ(Parsed("1969-12-31"), "1969-12-31T00:00:00Z");
}

TEST(TimeFlagTest, RejectsWhatIsNotADateOrAnRfc3339Time) {
  for (const char* bad :
       {"", "2024", "2024-3-1", "2024-03-1", "2023-02-29", "2024-13-01",
        "2024-00-10", "2024-03-32", "03/01/2024", "2024-03-01T12:00:00",
        "2024-03-01 12:00:00Z", "2024-03-01T25:00:00Z", " 2024-03-01",
        "yesterday", "2024-03-01x"}) {
    EXPECT_EQ(Parsed(bad), "error") << bad;
  }
  EXPECT_EQ(ParseTimeFlag("2024-13-01").status().message(),
            "want YYYY-MM-DD or an RFC 3339 time such as "
            "2024-03-01T00:00:00Z, got \"2024-13-01\"");
}

FunnelFlags March() {
  FunnelFlags flags;
  flags.from = "2024-03-01";
  flags.to = "2024-04-01";
  return flags;
}

std::string Error(const FunnelFlags& flags) {
  absl::StatusOr<hub::v1::GetFunnelRequest> r = BuildFunnelRequest(flags);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : std::string(r.status().message());
}

TEST(FunnelFlagsTest, DefaultsArePersonsNoSegmentServerWindow) {
  EXPECT_EQ(BuildFunnelRequest(March())->ShortDebugString(),
            "side: PERSONS period { start_time { seconds: 1709251200 } "
            "end_time { seconds: 1711929600 } }");
}

TEST(FunnelFlagsTest, AccountsSegmentAndWindowAreSent) {
  FunnelFlags flags = March();
  flags.accounts = true;
  flags.segment = "industry=Software & <Services>";
  flags.window_days = 365;
  flags.to = "2024-04-01T00:00:00Z";
  EXPECT_EQ(BuildFunnelRequest(flags)->ShortDebugString(),
            "side: ACCOUNTS period { start_time { seconds: 1709251200 } "
            "end_time { seconds: 1711929600 } } segment: \"industry=Software "
            "& <Services>\" conversion_window_days: 365");
}

TEST(FunnelFlagsTest, BadFlagsAreNamedInTheError) {
  FunnelFlags flags = March();
  flags.from = "2024-02-30";
  EXPECT_EQ(Error(flags),
            "--from: want YYYY-MM-DD or an RFC 3339 time such as "
            "2024-03-01T00:00:00Z, got \"2024-02-30\"");
  flags = March();
  flags.to = "";
  EXPECT_EQ(Error(flags).rfind("--to: want YYYY-MM-DD", 0), 0u);
  flags.to = "2024-04-01T00:00:00+02:00";
  EXPECT_EQ(Error(flags),
            "--to: 2024-04-01T00:00:00+02:00 is not a UTC midnight (the "
            "funnel counts whole UTC days; use YYYY-MM-DD)");
  flags.to = "2024-03-01";
  EXPECT_EQ(Error(flags),
            "--to: 2024-03-01 is not after --from 2024-03-01 (the period is "
            "[--from, --to), --to exclusive)");
}

TEST(FunnelFlagsTest, WindowMustBeOneToThreeHundredSixtyFiveDays) {
  FunnelFlags flags = March();
  for (int bad : {0, -1, 366}) {
    flags.window_days = bad;
    EXPECT_EQ(Error(flags), "--window: want a number of days in 1..365, got " +
                                std::to_string(bad));
  }
  flags.window_days = 1;
  EXPECT_EQ(BuildFunnelRequest(flags)->conversion_window_days(), 1);
}

TEST(FunnelFlagsTest, SegmentIsIndustryTierRegionOrSourceWithAValue) {
  FunnelFlags flags = March();
  for (const char* good : {"industry=Retail", "tier=1", "region=EU=West",
                           "source=Partner Referral"}) {
    flags.segment = good;
    EXPECT_TRUE(BuildFunnelRequest(flags).ok()) << good;
  }
  for (const char* bad :
       {"industry", "industry=", "size=big", "=x", "Industry=Retail", " tier=1",
        "source=", "Source=Web"}) {
    flags.segment = bad;
    EXPECT_EQ(Error(flags),
              std::string("--segment: want KEY=VALUE with KEY one of "
                          "industry, tier, region, source, got \"") +
                  bad + "\"");
  }
}

StageMetricsFlags MarchStage() {
  StageMetricsFlags flags;
  flags.from = "2024-03-01";
  flags.to = "2024-04-01";
  return flags;
}

CustomerValueFlags MarchValue() {
  CustomerValueFlags flags;
  flags.from = "2024-03-01";
  flags.to = "2024-04-01";
  return flags;
}

std::string ValueError(const CustomerValueFlags& flags) {
  absl::StatusOr<hub::v1::GetCustomerValueRequest> r =
      BuildCustomerValueRequest(flags);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : std::string(r.status().message());
}

TEST(StageMetricsFlagsTest, PeriodSegmentAndStageAreSent) {
  EXPECT_EQ(BuildStageMetricsRequest(MarchStage())->ShortDebugString(),
            "period { start_time { seconds: 1709251200 } end_time { seconds: "
            "1711929600 } }");
  StageMetricsFlags flags = MarchStage();
  flags.segment = "tier=1";
  flags.stage = "convert";
  EXPECT_EQ(BuildStageMetricsRequest(flags)->ShortDebugString(),
            "period { start_time { seconds: 1709251200 } end_time { seconds: "
            "1711929600 } } segment: \"tier=1\" stage: CONVERT");
}

TEST(StageMetricsFlagsTest, BadPeriodSegmentOrStageIsNamed) {
  StageMetricsFlags flags = MarchStage();
  flags.to = "2024-02-01";
  EXPECT_EQ(BuildStageMetricsRequest(flags).status().message(),
            "--to: 2024-02-01 is not after --from 2024-03-01 (the period is "
            "[--from, --to), --to exclusive)");
  flags = MarchStage();
  flags.segment = "size=big";
  EXPECT_EQ(BuildStageMetricsRequest(flags).status().message(),
            "--segment: want KEY=VALUE with KEY one of industry, tier, region, "
            "source, got \"size=big\"");
  flags = MarchStage();
  for (const char* bad : {"CHURNED", "STAGE_UNSPECIFIED", "1", "x"}) {
    flags.stage = bad;
    EXPECT_EQ(BuildStageMetricsRequest(flags).status().message(),
              std::string("--stage: want ATTRACT, CAPTURE, NURTURE, CONVERT "
                          "or EXPAND, got \"") +
                  bad + "\"");
  }
}

TEST(CustomerValueFlagsTest, DimensionAndMarginAreSentUnsetMarginAsZero) {
  EXPECT_EQ(BuildCustomerValueRequest(MarchValue())->ShortDebugString(),
            "period { start_time { seconds: 1709251200 } end_time { seconds: "
            "1711929600 } }");
  CustomerValueFlags flags = MarchValue();
  flags.dimension = "region";
  flags.margin = 1;
  EXPECT_EQ(BuildCustomerValueRequest(flags)->ShortDebugString(),
            "period { start_time { seconds: 1709251200 } end_time { seconds: "
            "1711929600 } } dimension: \"region\" gross_margin: 1");
  flags.dimension = "source";
  EXPECT_EQ(BuildCustomerValueRequest(flags)->ShortDebugString(),
            "period { start_time { seconds: 1709251200 } end_time { seconds: "
            "1711929600 } } dimension: \"source\" gross_margin: 1");
}

TEST(CustomerValueFlagsTest, DimensionMustBeKnownAndMarginInZeroToOne) {
  CustomerValueFlags flags = MarchValue();
  for (const char* bad : {"Industry", "size", "industry=Retail", "Source"}) {
    flags.dimension = bad;
    EXPECT_EQ(ValueError(flags),
              std::string("--dimension: want one of industry, tier, region, "
                          "source, got \"") +
                  bad + "\"");
  }
  flags = MarchValue();
  for (double bad : {0.0, -0.5, 1.5, std::nan("")}) {
    flags.margin = bad;
    EXPECT_EQ(ValueError(flags).rfind("--margin: want a gross margin in (0, "
                                      "1], got ",
                                      0),
              0u);
  }
  flags.margin = 1.5;
  EXPECT_EQ(ValueError(flags),
            "--margin: want a gross margin in (0, 1], got 1.5");
  flags.margin = 0.0001;
  EXPECT_TRUE(BuildCustomerValueRequest(flags).ok());
}

}  // namespace
}  // namespace hubctl
