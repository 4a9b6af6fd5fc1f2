#include "profile/base/time_util.h"

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace hub {
namespace {

int64_t Us(const std::string& s) { return absl::ToUnixMicros(*ParseTimestamp(s)); }

TEST(TimeUtilTest, ParsesEveryVendorSpelling) {
  const int64_t want = 1714641300000000;  // 2024-05-02T09:15:00Z
  EXPECT_EQ(Us("2024-05-02T09:15:00Z"), want);
  EXPECT_EQ(Us("2024-05-02T09:15:00.000Z"), want);
  EXPECT_EQ(Us("2024-05-02T09:15:00.000+0000"), want);
  EXPECT_EQ(Us("2024-05-02T09:15:00+00:00"), want);
  EXPECT_EQ(Us("2024-05-02T11:15:00+02:00"), want);
  EXPECT_EQ(Us("2024-05-02 09:15:00"), want);
  EXPECT_EQ(Us(" 2024-05-02T09:15:00.123456Z "), want + 123456);
  EXPECT_EQ(Us("2024-05-02"), 1714608000000000);
}

// The common "...Z" shape has a fast path; it must agree with the general
// parser on every date, fraction length and invalid field.
TEST(TimeUtilTest, FastPathAgreesWithTheGeneralParser) {
  std::mt19937 rng(7);
  std::vector<std::string> cases = {
      "2024-02-29T23:59:59Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
      "2000-02-29T12:00:00.5Z", "1969-12-31T23:59:59.999999999Z", "2024-04-31T00:00:00Z",
      "2024-12-31T24:00:00Z", "2024-12-31T23:60:00Z", "2024-12-31T23:59:60Z",
      "2024-00-10T00:00:00Z", "2024-01-00T00:00:00Z", "2024-01-01T00:00:00.Z",
      "2024-01-01T00:00:00.1234567890Z", "2024-1-01T00:00:00Z", "2024-01-01t00:00:00Z"};
  for (int i = 0; i < 20000; ++i) {
    char buf[64];
    snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", 1800 + int(rng() % 400),
             1 + int(rng() % 12), 1 + int(rng() % 31), int(rng() % 24), int(rng() % 60),
             int(rng() % 60));
    std::string text = buf;
    const int digits = static_cast<int>(rng() % 11);
    if (digits > 0) {
      text += ".";
      for (int d = 0; d < digits - 1; ++d) text += static_cast<char>('0' + rng() % 10);
    }
    cases.push_back(text + "Z");
  }
  for (const std::string& text : cases) {
    absl::Time general;
    std::string err;
    const bool ok = absl::ParseTime("%Y-%m-%dT%H:%M:%E*SZ", text, absl::UTCTimeZone(),
                                    &general, &err);
    absl::StatusOr<absl::Time> parsed = ParseTimestamp(text);
    ASSERT_EQ(parsed.ok(), ok) << text;
    if (ok) {
      EXPECT_EQ(*parsed, general) << text;
    }
  }
}

TEST(TimeUtilTest, RejectsGarbageNamingIt) {
  absl::StatusOr<absl::Time> t = ParseTimestamp("2024-13-45T99:00:00.000Z");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(t.status().message(), "invalid timestamp \"2024-13-45T99:00:00.000Z\"");
}

TEST(TimeUtilTest, UnixAndProtoRoundTrip) {
  EXPECT_EQ(absl::ToUnixMicros(*ParseUnixMicros("1714644180123456")), 1714644180123456);
  EXPECT_EQ(absl::ToUnixSeconds(*ParseUnixSeconds("1714640400")), 1714640400);
  EXPECT_FALSE(ParseUnixSeconds("12a").ok());
  absl::Time t = absl::FromUnixMicros(-1500000);
  EXPECT_EQ(FromProtoTime(ToProtoTime(t)), t);
  EXPECT_EQ(ToProtoTime(t).seconds(), -2);
  EXPECT_EQ(ToProtoTime(t).nanos(), 500000000);
  EXPECT_EQ(FormatTimestamp(absl::FromUnixMicros(1714641300000001)),
            "2024-05-02T09:15:00.000001Z");
}

}  // namespace
}  // namespace hub
