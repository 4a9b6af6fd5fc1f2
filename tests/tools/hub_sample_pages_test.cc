// Zendesk exports page at 1000 items; a larger world spans several pages.
#include <filesystem>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/tools/hub_sample_test_util.h"

namespace hub::sample::testing {
namespace {

TEST(HubSamplePages, ZendeskPagesHoldAtMostAThousandItemsNumberedFromOne) {
  const std::string dir = FreshDir("pages");
  ASSERT_EQ(RunHubSample("--out " + dir + " --accounts 2000 --seed 11"), 0);
  for (const std::string& stem : std::vector<std::string>{
           "users", "organizations", "tickets", "satisfaction_ratings"}) {
    size_t pages = 0, items = 0, full = 0;
    for (;; ++pages) {
      char name[64];
      std::snprintf(name, sizeof name, "/zendesk/%s-%04zu.json", stem.c_str(),
                    pages + 1);
      if (!std::filesystem::exists(dir + name)) break;
      const auto page = nlohmann::json::parse(ReadFile(dir + name));
      const size_t n = page[stem].size();
      EXPECT_LE(n, 1000u) << name;
      full += n == 1000;
      items += n;
    }
    ASSERT_GE(pages, 1u) << stem;
    EXPECT_EQ(full, pages - 1) << stem;  // every page but the last is full
    if (stem != "satisfaction_ratings") {
      EXPECT_GT(items, 1000u) << stem;
      EXPECT_GE(pages, 2u) << stem;
    }
  }
}

}  // namespace
}  // namespace hub::sample::testing
