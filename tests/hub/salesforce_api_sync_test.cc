// The salesforce_api adapter through SyncRunner into a real SQLite store,
// against FakeSalesforceServer on loopback; the file adapter's import of the
// same world into another store is the reference.
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "adapters/salesforce_api_adapter.h"
#include "adapters/salesforce_mapper.h"
#include "adapters/sync_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "profile/store/sqlite_store.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_salesforce_server.h"
#include "tests/support/sync_harness.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using ::testing::HasSubstr;
using testing_support::FakeClock;
using testing_support::FakeSalesforceOptions;
using testing_support::FakeSalesforceServer;
using testing_support::TempDir;

constexpr char kTokenEnv[] = "HUB_TEST_SF_SYNC_TOKEN";

// The builtin adapters, except that salesforce_api sleeps on `clock`.
struct Hub : testing_support::SyncHarness {
  Hub(const std::string& db, Clock* clock)
      : SyncHarness(db, "sf", "salesforce_api",
                    [clock](const hub::v1::Source& source,
                            const AdapterOptions& options) {
                      SalesforceApiOptions api;
                      api.clock = clock;
                      api.jitter = [] { return 0.5; };
                      return SalesforceApiAdapter::Create(source, options, api);
                    }) {}
};

class SalesforceApiSyncTest : public ::testing::Test {
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
    ASSERT_EQ(setenv(kTokenEnv, "sf-access-1", 1), 0);
    FakeSalesforceOptions options;
    options.page_size = 25;
    auto server =
        FakeSalesforceServer::Start(world_->File("salesforce"), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  hub::v1::Source ApiSource() const {
    hub::v1::Source source;
    source.set_kind("salesforce_api");
    source.set_base_url(server_->base_url());
    source.set_token_env(kTokenEnv);
    return source;
  }
  static hub::v1::Source FileSource() {
    hub::v1::Source source;
    source.set_kind("salesforce");
    source.set_path(world_->File("salesforce"));
    return source;
  }

  static TempDir* world_;
  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<FakeSalesforceServer> server_;
};
TempDir* SalesforceApiSyncTest::world_ = nullptr;

TEST_F(SalesforceApiSyncTest, ApiSyncIngestsWhatTheFileImportDoes) {
  Hub files(dir_.File("files.db"), &clock_);
  Hub api(dir_.File("api.db"), &clock_);
  testing_support::ExpectSameImport(&files, FileSource(), &api, ApiSource());
}

TEST_F(SalesforceApiSyncTest, BulkSyncIngestsWhatTheFileImportDoes) {
  Hub files(dir_.File("files.db"), &clock_);
  Hub api(dir_.File("api.db"), &clock_);
  hub::v1::Source source = ApiSource();
  source.set_export_mode("bulk");
  testing_support::ExpectSameImport(&files, FileSource(), &api, source);
  const std::vector<std::string> requests = server_->requests();
  // Two runs of four jobs each, and no REST query.
  EXPECT_EQ(std::count_if(requests.begin(), requests.end(),
                          [](const std::string& r) {
                            return r.rfind(
                                       "POST /services/data/v58.0/jobs/query ",
                                       0) == 0;
                          }),
            8);
  EXPECT_EQ(std::count_if(requests.begin(), requests.end(),
                          [](const std::string& r) {
                            return r.find("/queryAll?") != std::string::npos;
                          }),
            0);
}

TEST_F(SalesforceApiSyncTest, RequestLimitFailsTheJobAtTheLastCommittedPage) {
  Hub reference(dir_.File("reference.db"), &clock_);
  const hub::v1::SyncJob clean = reference.Sync(ApiSource());
  ASSERT_EQ(clean.state(), hub::v1::SyncJob::SUCCEEDED) << clean.error();

  Hub api(dir_.File("api.db"), &clock_);
  server_->LimitAfter(3);
  const hub::v1::SyncJob failed = api.Sync(ApiSource());
  EXPECT_EQ(failed.state(), hub::v1::SyncJob::FAILED);
  EXPECT_THAT(failed.error(), HasSubstr("REQUEST_LIMIT_EXCEEDED"));
  EXPECT_EQ(failed.batches(), 3);
  // The records of the first three pages (25 a page, each object paged
  // apart, Account first).
  int64_t three_pages = 0;
  int pages = 0;
  for (absl::string_view object : kSalesforceObjects) {
    for (int64_t left = server_->Count(std::string(object));
         left > 0 && pages < 3; left -= 25, ++pages) {
      three_pages += std::min<int64_t>(left, 25);
    }
  }
  EXPECT_EQ(failed.records_read(), three_pages);
  EXPECT_THAT(api.store->LoadCursor("sf").value_or(""),
              ::testing::StartsWith("Account="));

  server_->LimitAfter(-1);
  const hub::v1::SyncJob resumed = api.Sync(ApiSource());
  ASSERT_EQ(resumed.state(), hub::v1::SyncJob::SUCCEEDED) << resumed.error();
  EXPECT_EQ(failed.records_read() + resumed.records_read(),
            clean.records_read());
  EXPECT_EQ(api.store->Counts()->records, reference.store->Counts()->records);
  EXPECT_EQ(api.store->LoadCursor("sf").value_or(""),
            reference.store->LoadCursor("sf").value_or(""));
}

TEST_F(SalesforceApiSyncTest, ExpiredSessionRefreshesAndSecretsAreNotStored) {
  ASSERT_EQ(setenv("HUB_TEST_SF_SYNC_REFRESH", "sf-refresh", 1), 0);
  ASSERT_EQ(setenv("HUB_TEST_SF_SYNC_CLIENT_ID", "sf-client", 1), 0);
  ASSERT_EQ(setenv("HUB_TEST_SF_SYNC_CLIENT_SECRET", "sf-secret", 1), 0);
  hub::v1::Source source = ApiSource();
  source.set_refresh_token_env("HUB_TEST_SF_SYNC_REFRESH");
  source.set_client_id_env("HUB_TEST_SF_SYNC_CLIENT_ID");
  source.set_client_secret_env("HUB_TEST_SF_SYNC_CLIENT_SECRET");
  Hub files(dir_.File("files.db"), &clock_);
  Hub api(dir_.File("api.db"), &clock_);
  const hub::v1::SyncJob want = files.Sync(FileSource());
  server_->ExpireSession();
  const hub::v1::SyncJob got = api.Sync(source);
  ASSERT_EQ(got.state(), hub::v1::SyncJob::SUCCEEDED) << got.error();
  EXPECT_EQ(got.records_read(), want.records_read());
  EXPECT_EQ(api.store->Counts()->records, files.store->Counts()->records);
  const std::vector<std::string> requests = server_->requests();
  EXPECT_EQ(std::count(requests.begin(), requests.end(),
                       "POST /services/oauth2/token"),
            1);
  const hub::v1::Source stored = *api.store->GetSource("sf");
  EXPECT_EQ(stored.refresh_token_env(), "HUB_TEST_SF_SYNC_REFRESH");
  const std::string text = stored.DebugString();
  for (const char* secret : {"sf-refresh", "sf-client\"", "sf-secret",
                             "sf-access-1", "sf-access-2"}) {
    EXPECT_THAT(text, ::testing::Not(HasSubstr(secret))) << secret;
  }
}

}  // namespace
}  // namespace hub
