// The mailchimp_api adapter through SyncRunner into a real SQLite store,
// against FakeMailchimpServer on loopback; the file adapter's import of the
// same world into another store is the reference.
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "adapters/mailchimp_api_adapter.h"
#include "adapters/sync_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "profile/store/sqlite_store.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_mailchimp_server.h"
#include "tests/support/sync_harness.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using ::testing::HasSubstr;
using testing_support::FakeClock;
using testing_support::FakeMailchimpOptions;
using testing_support::FakeMailchimpServer;
using testing_support::TempDir;

constexpr char kTokenEnv[] = "HUB_TEST_MAILCHIMP_SYNC_KEY";

// The builtin adapters, except that mailchimp_api sleeps on `clock`.
struct Hub : testing_support::SyncHarness {
  Hub(const std::string& db, Clock* clock)
      : SyncHarness(db, "mc", "mailchimp_api",
                    [clock](const hub::v1::Source& source, const AdapterOptions& options) {
                      MailchimpApiOptions api;
                      api.clock = clock;
                      api.jitter = [] { return 0.5; };
                      return MailchimpApiAdapter::Create(source, options, api);
                    }) {}
};

class MailchimpApiSyncTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = new TempDir();
    const std::string command =
        absl::StrCat(HUB_SAMPLE_BIN, " --out ", world_->path(),
                     " --accounts 40 --seed 3 2>/dev/null");
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  static void TearDownTestSuite() { delete world_; }

  void SetUp() override {
    ASSERT_EQ(setenv(kTokenEnv, "mc-test-key-us21", 1), 0);
    FakeMailchimpOptions options;
    options.page_size = 25;
    auto server =
        FakeMailchimpServer::Start(world_->File("mailchimp"), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  hub::v1::Source ApiSource() const {
    hub::v1::Source source;
    source.set_kind("mailchimp_api");
    source.set_base_url(server_->base_url());
    source.set_token_env(kTokenEnv);
    return source;
  }
  static hub::v1::Source FileSource() {
    hub::v1::Source source;
    source.set_kind("mailchimp");
    source.set_path(world_->File("mailchimp"));
    return source;
  }

  static TempDir* world_;
  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<FakeMailchimpServer> server_;
};
TempDir* MailchimpApiSyncTest::world_ = nullptr;

TEST_F(MailchimpApiSyncTest, ApiSyncIngestsWhatTheFileImportDoes) {
  Hub files(dir_.File("files.db"), &clock_);
  Hub api(dir_.File("api.db"), &clock_);
  testing_support::ExpectSameImport(&files, FileSource(), &api, ApiSource());
}

TEST_F(MailchimpApiSyncTest,
       RetriesExhaustedFailsTheJobAtTheLastCommittedPage) {
  // The cursors a clean pull writes, page by page.
  Hub reference(dir_.File("reference.db"), &clock_);
  const hub::v1::SyncJob clean = reference.Sync(ApiSource());
  ASSERT_EQ(clean.state(), hub::v1::SyncJob::SUCCEEDED) << clean.error();

  Hub api(dir_.File("api.db"), &clock_);
  // lists, then three member pages.
  server_->FailNext(1000, 503, /*skip=*/4);
  const hub::v1::SyncJob failed = api.Sync(ApiSource());
  EXPECT_EQ(failed.state(), hub::v1::SyncJob::FAILED);
  EXPECT_THAT(failed.error(), HasSubstr("HTTP 503 (gave up after 5 attempts)"));
  EXPECT_EQ(failed.batches(), 3);
  const std::string cursor = api.store->LoadCursor("mc").value_or("");
  EXPECT_THAT(cursor, ::testing::StartsWith("m="));

  server_->FailNext(0, 503);
  const hub::v1::SyncJob resumed = api.Sync(ApiSource());
  ASSERT_EQ(resumed.state(), hub::v1::SyncJob::SUCCEEDED) << resumed.error();
  EXPECT_EQ(failed.records_read() + resumed.records_read(),
            clean.records_read());
  EXPECT_EQ(api.store->Counts()->records, reference.store->Counts()->records);
  EXPECT_EQ(api.store->LoadCursor("mc").value_or(""),
            reference.store->LoadCursor("mc").value_or(""));
}

TEST_F(MailchimpApiSyncTest, BadTokenFailsTheJobUnauthenticated) {
  Hub api(dir_.File("api.db"), &clock_);
  ASSERT_EQ(setenv(kTokenEnv, "stale-token", 1), 0);
  const hub::v1::SyncJob job = api.Sync(ApiSource());
  EXPECT_EQ(job.state(), hub::v1::SyncJob::FAILED);
  EXPECT_THAT(job.error(), HasSubstr("sources/mc: GET "));
  EXPECT_THAT(job.error(), HasSubstr("HTTP 401"));
  EXPECT_THAT(job.error(), ::testing::Not(HasSubstr("stale-token")));
  EXPECT_EQ(job.records_read(), 0);
  EXPECT_EQ(api.store->LoadCursor("mc").value_or(""), "");
}

}  // namespace
}  // namespace hub
