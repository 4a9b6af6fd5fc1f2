#include "hub/api_util.h"

#include "gtest/gtest.h"

namespace hub {
namespace {

TEST(ApiUtilTest, ParsesIdNames) {
  EXPECT_EQ(*ParseIdName("profiles/12", "profiles", "name"), 12);
  for (const char* bad : {"profiles/", "profiles/0", "profiles/-3", "profiles/12x",
                          "accounts/12", "profiles12", "profiles/ 12", ""}) {
    absl::StatusOr<int64_t> id = ParseIdName(bad, "profiles", "name");
    ASSERT_FALSE(id.ok()) << bad;
    EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(ParseIdName("x", "accounts", "name").status().message(),
            "name: expected \"accounts/{id}\", got \"x\"");
}

TEST(ApiUtilTest, ParsesSourceAndJobNames) {
  EXPECT_EQ(*ParseSourceName("sources/crm-1", "name"), "crm-1");
  EXPECT_FALSE(ParseSourceName("sources/CRM", "name").ok());
  EXPECT_FALSE(ParseSourceName("sources/", "parent").ok());
  EXPECT_EQ(*ParseSyncJobName("sources/crm/syncJobs/7"), std::make_pair(std::string("crm"), int64_t{7}));
  EXPECT_FALSE(ParseSyncJobName("sources/crm/syncJobs/0").ok());
  EXPECT_FALSE(ParseSyncJobName("sources/crm/jobs/7").ok());
  EXPECT_TRUE(IsValidSourceId(std::string(63, 'a')));
  EXPECT_FALSE(IsValidSourceId(std::string(64, 'a')));
}

TEST(ApiUtilTest, PageTokensRoundTripAndRejectForgeries) {
  std::string token = EncodePageToken("profiles", {42});
  EXPECT_EQ(*DecodePageToken(token, "profiles", 1), std::vector<int64_t>{42});
  EXPECT_FALSE(DecodePageToken(token, "accounts", 1).ok());  // another list's token
  EXPECT_FALSE(DecodePageToken(token, "profiles", 2).ok());
  EXPECT_FALSE(DecodePageToken("!!!", "profiles", 1).ok());
  std::string events = EncodePageToken("events", {1714641300000000, 9});
  EXPECT_EQ(*DecodePageToken(events, "events", 2),
            (std::vector<int64_t>{1714641300000000, 9}));
}

TEST(ApiUtilTest, PageSizesAreClamped) {
  EXPECT_EQ(*PageSize(0, 50, 1000), 50);
  EXPECT_EQ(*PageSize(7, 50, 1000), 7);
  EXPECT_EQ(*PageSize(5000, 50, 1000), 1000);
  EXPECT_EQ(PageSize(-1, 50, 1000).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hub
