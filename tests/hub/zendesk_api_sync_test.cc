// The zendesk_api adapter through SyncRunner into a real SQLite store,
// against FakeZendeskServer on loopback; the file adapter's import of the
// same world into another store is the reference.
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "adapters/sync_runner.h"
#include "adapters/zendesk_api_adapter.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "profile/store/sqlite_store.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_zendesk_server.h"
#include "tests/support/sync_harness.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using ::testing::HasSubstr;
using testing_support::FakeClock;
using testing_support::FakeZendeskOptions;
using testing_support::FakeZendeskServer;
using testing_support::TempDir;

constexpr char kTokenEnv[] = "HUB_TEST_ZENDESK_SYNC_TOKEN";

// The builtin adapters, except that zendesk_api sleeps on `clock`.
struct Hub : testing_support::SyncHarness {
  Hub(const std::string& db, Clock* clock)
      : SyncHarness(db, "zd", "zendesk_api",
                    [clock](const hub::v1::Source& source, const AdapterOptions& options) {
                      ZendeskApiOptions api;
                      api.clock = clock;
                      api.jitter = [] { return 0.5; };
                      return ZendeskApiAdapter::Create(source, options, api);
                    }) {}
};

class ZendeskApiSyncTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = new TempDir();
    const std::string command =
        absl::StrCat(HUB_SAMPLE_BIN, " --out ", world_->path(),
                     " --accounts 30 --seed 11 --months 12 2>/dev/null");
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  static void TearDownTestSuite() { delete world_; }

  void SetUp() override {
    ASSERT_EQ(setenv(kTokenEnv, "zd-test-token", 1), 0);
    FakeZendeskOptions options;
    options.page_size = 25;
    auto server = FakeZendeskServer::Start(world_->File("zendesk"), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  hub::v1::Source ApiSource() const {
    hub::v1::Source source;
    source.set_kind("zendesk_api");
    source.set_base_url(server_->base_url());
    source.set_auth_email("agent@hubsample.example");
    source.set_token_env(kTokenEnv);
    return source;
  }
  static hub::v1::Source FileSource() {
    hub::v1::Source source;
    source.set_kind("zendesk");
    source.set_path(world_->File("zendesk"));
    return source;
  }

  static TempDir* world_;
  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<FakeZendeskServer> server_;
};
TempDir* ZendeskApiSyncTest::world_ = nullptr;

TEST_F(ZendeskApiSyncTest, ApiSyncIngestsWhatTheFileImportDoes) {
  Hub files(dir_.File("files.db"), &clock_);
  Hub api(dir_.File("api.db"), &clock_);
  testing_support::ExpectSameImport(&files, FileSource(), &api, ApiSource());
}

TEST_F(ZendeskApiSyncTest, RetriesExhaustedFailsTheJobAtTheLastCommittedPage) {
  // The cursors a clean pull writes, page by page.
  Hub reference(dir_.File("reference.db"), &clock_);
  const hub::v1::SyncJob clean = reference.Sync(ApiSource());
  ASSERT_EQ(clean.state(), hub::v1::SyncJob::SUCCEEDED) << clean.error();

  Hub api(dir_.File("api.db"), &clock_);
  server_->FailNext(1000, 503, /*skip=*/3);
  const hub::v1::SyncJob failed = api.Sync(ApiSource());
  EXPECT_EQ(failed.state(), hub::v1::SyncJob::FAILED);
  EXPECT_THAT(failed.error(), HasSubstr("HTTP 503 (gave up after 5 attempts)"));
  EXPECT_EQ(failed.batches(), 3);
  const std::string cursor = api.store->LoadCursor("zd").value_or("");
  EXPECT_THAT(cursor, ::testing::StartsWith("organizations=t"));

  server_->FailNext(0, 503);
  const hub::v1::SyncJob resumed = api.Sync(ApiSource());
  ASSERT_EQ(resumed.state(), hub::v1::SyncJob::SUCCEEDED) << resumed.error();
  EXPECT_EQ(failed.records_read() + resumed.records_read(),
            clean.records_read());
  EXPECT_EQ(api.store->Counts()->records, reference.store->Counts()->records);
  EXPECT_EQ(api.store->LoadCursor("zd").value_or(""),
            reference.store->LoadCursor("zd").value_or(""));
}

TEST_F(ZendeskApiSyncTest, TheSourcesRequestBudgetBoundsARun) {
  Hub reference(dir_.File("reference.db"), &clock_);
  const hub::v1::SyncJob clean = reference.Sync(ApiSource());
  ASSERT_EQ(clean.state(), hub::v1::SyncJob::SUCCEEDED) << clean.error();

  // Three requests: their three pages commit, the fourth is refused.
  Hub api(dir_.File("api.db"), &clock_);
  hub::v1::Source budgeted = ApiSource();
  budgeted.set_max_requests(3);
  const hub::v1::SyncJob spent = api.Sync(budgeted);
  EXPECT_EQ(spent.state(), hub::v1::SyncJob::FAILED);
  EXPECT_THAT(spent.error(), HasSubstr("RESOURCE_EXHAUSTED"));
  EXPECT_THAT(spent.error(), HasSubstr("max_requests"));
  EXPECT_EQ(spent.batches(), 3);

  EXPECT_GT(spent.records_read(), 0);
  EXPECT_LT(spent.records_read(), clean.records_read());
  EXPECT_NE(api.store->LoadCursor("zd").value_or(""), "");  // resumable from page 3
}

// With the real clock: a run past the source's sync_timeout stops.
TEST_F(ZendeskApiSyncTest, TheSourcesTimeoutBoundsARun) {
  testing_support::SyncHarness hub(dir_.File("t.db"), "zd");
  hub::v1::Source source = ApiSource();
  source.mutable_sync_timeout()->set_nanos(200000000);  // 200 ms
  server_->set_delay(absl::Seconds(2));
  const hub::v1::SyncJob job = hub.Sync(source);
  EXPECT_EQ(job.state(), hub::v1::SyncJob::FAILED);
  EXPECT_THAT(job.error(), HasSubstr("DEADLINE_EXCEEDED"));
  EXPECT_EQ(job.batches(), 0);
  EXPECT_EQ(hub.store->LoadCursor("zd").value_or(""), "");
  server_->set_delay(absl::ZeroDuration());
}

TEST_F(ZendeskApiSyncTest, BadTokenFailsTheJobUnauthenticated) {
  Hub api(dir_.File("api.db"), &clock_);
  ASSERT_EQ(setenv(kTokenEnv, "stale-token", 1), 0);
  const hub::v1::SyncJob job = api.Sync(ApiSource());
  EXPECT_EQ(job.state(), hub::v1::SyncJob::FAILED);
  EXPECT_THAT(job.error(), HasSubstr("HTTP 401"));
  EXPECT_THAT(job.error(), ::testing::Not(HasSubstr("stale-token")));
  EXPECT_EQ(job.records_read(), 0);
  EXPECT_EQ(api.store->LoadCursor("zd").value_or(""), "");
}

}  // namespace
}  // namespace hub
