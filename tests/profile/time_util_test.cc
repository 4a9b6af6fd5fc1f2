#include "profile/base/time_util.h"

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
