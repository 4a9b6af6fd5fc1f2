#include "hub/metrics_service.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace hub {
namespace {

FunnelCount C(int stage, int64_t reach_days, int64_t stay_days, int64_t n) {
  FunnelCount c;
  c.stage = stage;
  c.reach_days = reach_days;
  c.stay_days = stay_days;
  c.n = n;
  return c;
}

TEST(FunnelFromCountsTest, RatesMediansAndAbsentValues) {
  std::vector<FunnelCount> counts = {
      // ATTRACT, 10 entries: reached CAPTURE at once (4), on day 90 (1), after
      // the window (2), not yet (3); 8 left, after 0,0,0,0,3,7,100,100 days.
      C(1, 0, 0, 4), C(1, 90, 3, 1), C(1, 91, 7, 1), C(1, 91, 100, 1),
      C(1, -1, 100, 1), C(1, -1, -1, 2),
      C(2, -1, -1, 3),                   // CAPTURE: 3 entries, none left
      C(5, -1, -1, 1), C(5, -1, 5, 1),   // EXPAND: one left after 5 days
      C(6, -1, -1, 1),                   // CHURNED is no funnel stage
  };
  hub::v1::Funnel f = FunnelFromCounts(counts, 90);
  ASSERT_EQ(f.stages_size(), 5);
  const hub::v1::FunnelStage& attract = f.stages(0);
  EXPECT_EQ(attract.stage(), hub::v1::ATTRACT);
  EXPECT_EQ(attract.entries(), 10);
  EXPECT_EQ(attract.conversion_to_next().numerator(), 5);
  EXPECT_EQ(attract.conversion_to_next().denominator(), 10);
  EXPECT_DOUBLE_EQ(attract.conversion_to_next().value(), 0.5);
  // 8 left: days 0,0,0,0,3,7,100,100 -> middle two are 0 and 3.
  EXPECT_EQ(attract.left(), 8);
  EXPECT_DOUBLE_EQ(attract.median_days_in_stage(), 1.5);
  const hub::v1::FunnelStage& capture = f.stages(1);
  EXPECT_EQ(capture.entries(), 3);
  EXPECT_EQ(capture.conversion_to_next().numerator(), 0);
  EXPECT_DOUBLE_EQ(capture.conversion_to_next().value(), 0);
  EXPECT_FALSE(capture.has_median_days_in_stage());
  const hub::v1::FunnelStage& nurture = f.stages(2);
  EXPECT_EQ(nurture.entries(), 0);
  EXPECT_EQ(nurture.conversion_to_next().denominator(), 0);
  EXPECT_FALSE(nurture.conversion_to_next().has_value());  // absent, not 0
  const hub::v1::FunnelStage& expand = f.stages(4);
  EXPECT_FALSE(expand.has_conversion_to_next());
  EXPECT_DOUBLE_EQ(expand.median_days_in_stage(), 5);
  // A one-day window counts only day 0 reaches.
  EXPECT_EQ(FunnelFromCounts(counts, 1).stages(0).conversion_to_next().numerator(), 4);
}

TEST(CheckSegmentTest, EveryTraitWithAValueElseTheTraitsAreNamed) {
  for (const char* good : {"", "industry=Retail", "tier=smb", "region=emea", "source=Web",
                           "source=Partner Referral", "source=a=b"}) {
    EXPECT_TRUE(CheckSegment(good).ok()) << good;
  }
  for (const char* bad : {"source", "source=", "Source=Web", "sources=Web", "=Web", " source=Web",
                          "color=blue"}) {
    const absl::Status s = CheckSegment(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(s.message(), absl::StrCat("segment: \"", bad,
                                        "\" is not <trait>=<value> with <trait> one of "
                                        "industry, tier, region, source"));
  }
}

TEST(CustomerValueDimensionsTest, AllFourByDefaultOrTheOneAskedFor) {
  EXPECT_EQ(*CustomerValueDimensions(""),
            (std::vector<std::string>{"industry", "tier", "region", "source"}));
  EXPECT_EQ(*CustomerValueDimensions("source"), (std::vector<std::string>{"source"}));
  EXPECT_EQ(*CustomerValueDimensions("tier"), (std::vector<std::string>{"tier"}));
  for (const char* bad : {"Source", "source=Web", "color"}) {
    const absl::StatusOr<std::vector<std::string>> d = CustomerValueDimensions(bad);
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(d.status().message(), absl::StrCat("dimension: \"", bad,
                                                 "\" is not one of industry, tier, region, "
                                                 "source"));
  }
}

}  // namespace
}  // namespace hub
