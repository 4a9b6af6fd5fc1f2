// hub-sample as a command: determinism, exit codes, the summary line.
#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "tests/tools/hub_sample_test_util.h"

namespace hub::sample::testing {
namespace {

TEST(HubSampleCli, SameSeedWritesByteIdenticalFiles) {
  const std::string a = FreshDir("same_a"), b = FreshDir("same_b");
  ASSERT_EQ(RunHubSample("--out " + a + " --accounts 60 --seed 3"), 0);
  ASSERT_EQ(RunHubSample("--out " + b + " --accounts 60 --seed 3"), 0);
  const auto files_a = ReadTree(a), files_b = ReadTree(b);
  ASSERT_GT(files_a.size(), 30u);
  EXPECT_TRUE(files_a == files_b);
}

TEST(HubSampleCli, DifferentSeedWritesDifferentFiles) {
  const std::string a = FreshDir("seed_a"), b = FreshDir("seed_b");
  ASSERT_EQ(RunHubSample("--out " + a + " --accounts 60 --seed 3"), 0);
  ASSERT_EQ(RunHubSample("--out " + b + " --accounts 60 --seed 4"), 0);
  for (const char* file : {"/salesforce/Account.csv", "/salesforce/Contact.csv",
                           "/segment/events.jsonl", "/mailchimp/members.json",
                           "/truth/records.csv"}) {
    EXPECT_NE(ReadFile(a + file), ReadFile(b + file)) << file;
  }
}

TEST(HubSampleCli, StartAndMonthsMoveTheWindow) {
  const std::string dir = FreshDir("window");
  ASSERT_EQ(
      RunHubSample("--out " + dir +
                   " --accounts 20 --seed 1 --start 2023-03-01 --months 6"),
      0);
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/ga4")) {
    const std::string day = entry.path().filename().string().substr(7, 8);
    EXPECT_GE(day, "20230301");
    EXPECT_LT(day, "20230901");
  }
}

TEST(HubSampleCli, PrintsAOneLineSummaryToStderr) {
  std::string err;
  ASSERT_EQ(
      RunHubSample("--out " + FreshDir("summary") + " --accounts 10 --seed 1",
                   &err),
      0);
  EXPECT_EQ(err.rfind("hub-sample: 10 accounts, ", 0), 0u) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1);
}

TEST(HubSampleCli, BadFlagsExitWithUsageCode) {
  const std::string out = " --out " + FreshDir("bad");
  for (const std::string& args :
       {std::string("--accounts 10"), out + " --accounts zero",
        out + " --accounts 0", out + " --accounts -5", out + " --months 0",
        out + " --months 121", out + " --start 2024-02-30",
        out + " --start yesterday", out + " --seed x", out + " --bogus",
        out + " --accounts 10 extra", out + " --start 2099-01-01"}) {
    std::string err;
    EXPECT_EQ(RunHubSample(args, &err), 2) << args;
    EXPECT_FALSE(err.empty()) << args;
  }
}

TEST(HubSampleCli, UnwritableOutputExitsWithOne) {
  const std::string file = FreshDir("plain_file");
  std::ofstream(file) << "not a folder";
  std::string err;
  EXPECT_EQ(RunHubSample("--out " + file + "/inside --accounts 5", &err), 1);
  EXPECT_NE(err.find("hub-sample: "), std::string::npos);
  EXPECT_EQ(RunHubSample("--out " + file + " --accounts 5"), 1);
}

TEST(HubSampleCli, RefusesToOverwriteAnExportWithoutForce) {
  const std::string dir = FreshDir("force");
  ASSERT_EQ(RunHubSample("--out " + dir + " --accounts 5 --seed 1"), 0);
  std::string err;
  EXPECT_EQ(RunHubSample("--out " + dir + " --accounts 5 --seed 2", &err), 1);
  EXPECT_NE(err.find("--force"), std::string::npos) << err;
  std::ofstream(dir + "/ga4/events_19990101.ndjson") << "stale\n";
  std::ofstream(dir + "/notes.txt") << "mine\n";
  ASSERT_EQ(RunHubSample("--out " + dir + " --accounts 5 --seed 2 --force"), 0);
  EXPECT_FALSE(std::filesystem::exists(dir + "/ga4/events_19990101.ndjson"));
  EXPECT_EQ(ReadFile(dir + "/notes.txt"), "mine\n");
}

TEST(HubSampleCli, HelpExitsZero) { EXPECT_EQ(RunHubSample("--help"), 0); }

const ::testing::Environment* const kCleanup =
    ::testing::AddGlobalTestEnvironment(new CleanupEnvironment);

}  // namespace
}  // namespace hub::sample::testing
