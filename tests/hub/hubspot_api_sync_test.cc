// The hubspot_api adapter through SyncRunner into a real SQLite store,
// against FakeHubSpotServer on loopback. HubSpot has no file export: the
// reference is the same objects, each mapped on its own, ingested into
// another store in one batch.
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "adapters/hubspot_api_adapter.h"
#include "adapters/hubspot_mapper.h"
#include "adapters/sync_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "profile/store/sqlite_store.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_hubspot_server.h"
#include "tests/support/sync_harness.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using ::testing::HasSubstr;
using testing_support::FakeClock;
using testing_support::FakeHubSpotServer;
using testing_support::TempDir;

constexpr char kTokenEnv[] = "HUB_TEST_HS_SYNC_TOKEN";

// The builtin adapters, except that hubspot_api sleeps on `clock`.
struct Hub : testing_support::SyncHarness {
  Hub(const std::string& db, Clock* clock)
      : SyncHarness(db, "hs", "hubspot_api",
                    [clock](const hub::v1::Source& source,
                            const AdapterOptions& options) {
                      HubSpotApiOptions api;
                      api.clock = clock;
                      api.jitter = [] { return 0.5; };
                      return HubSpotApiAdapter::Create(source, options, api);
                    }) {}
};

// Writes the fake's objects, mapped one by one, in one page.
class ObjectsAdapter : public SourceAdapter {
 public:
  ObjectsAdapter(std::string source, FakeHubSpotServer* server)
      : source_(std::move(source)), server_(server) {}

  absl::Status Pull(const std::string& cursor, RecordSink* sink) override {
    if (!cursor.empty()) return absl::OkStatus();
    std::vector<hub::v1::SourceRecord> records;
    for (absl::string_view type : kHubSpotObjects) {
      for (const nlohmann::json& object : server_->Objects(std::string(type))) {
        absl::StatusOr<hub::v1::SourceRecord> record =
            MapHubSpotObject(source_, type, object);
        if (!record.ok()) return record.status();
        records.push_back(*std::move(record));
      }
    }
    return sink->Write(std::move(records), "all");
  }

 private:
  std::string source_;
  FakeHubSpotServer* server_;
};

// A hub whose kind "hubspot_objects" reads `server`'s objects directly.
struct ReferenceHub : testing_support::SyncHarness {
  ReferenceHub(const std::string& db, FakeHubSpotServer* server)
      : SyncHarness(
            db, "hs", "hubspot_objects",
            [server](const hub::v1::Source& source, const AdapterOptions&)
                -> absl::StatusOr<std::unique_ptr<SourceAdapter>> {
              return std::make_unique<ObjectsAdapter>(RecordSourceName(source),
                                                      server);
            }) {}
};

class HubSpotApiSyncTest : public ::testing::Test {
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
    ASSERT_EQ(setenv(kTokenEnv, "hs-test-token", 1), 0);
    auto server = FakeHubSpotServer::Start(world_->File("salesforce"));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  hub::v1::Source ApiSource() const {
    hub::v1::Source source;
    source.set_kind("hubspot_api");
    source.set_base_url(server_->base_url());
    source.set_token_env(kTokenEnv);
    return source;
  }
  static hub::v1::Source ReferenceSource() {
    hub::v1::Source source;
    source.set_kind("hubspot_objects");
    return source;
  }

  static TempDir* world_;
  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<FakeHubSpotServer> server_;
};
TempDir* HubSpotApiSyncTest::world_ = nullptr;

TEST_F(HubSpotApiSyncTest, ApiSyncIngestsWhatTheObjectsMapTo) {
  ReferenceHub reference(dir_.File("reference.db"), server_.get());
  Hub api(dir_.File("api.db"), &clock_);
  testing_support::ExpectSameImport(&reference, ReferenceSource(), &api,
                                    ApiSource());
  // 40 companies, 93 live contacts and 1 archived, 50 deals.
  const hub::v1::SyncJob first = *api.store->GetSyncJob("hs", 1);
  EXPECT_EQ(first.records_read(), 184);
  EXPECT_EQ(first.accounts_created(), 40);
  EXPECT_EQ(api.store->Counts()->accounts, 40);
}

TEST_F(HubSpotApiSyncTest, DailyLimitFailsTheJobAtTheLastCommittedPage) {
  Hub reference(dir_.File("reference.db"), &clock_);
  const hub::v1::SyncJob clean = reference.Sync(ApiSource());
  ASSERT_EQ(clean.state(), hub::v1::SyncJob::SUCCEEDED) << clean.error();

  // 100 a page: the 40 companies are one page, their archived list is
  // empty; the first contacts page gets the DAILY 429.
  Hub api(dir_.File("api.db"), &clock_);
  server_->ThrottleNext(1, "DAILY", 2);
  const hub::v1::SyncJob failed = api.Sync(ApiSource());
  EXPECT_EQ(failed.state(), hub::v1::SyncJob::FAILED);
  EXPECT_THAT(failed.error(), HasSubstr("source hs: GET "));
  EXPECT_THAT(failed.error(), HasSubstr("(policyName DAILY); run stopped"));
  EXPECT_EQ(failed.batches(), 1);
  EXPECT_EQ(failed.records_read(), 40);
  const std::string cursor = api.store->LoadCursor("hs").value_or("");
  // Only the companies list, ended: floor and top at its latest change.
  EXPECT_THAT(cursor, ::testing::MatchesRegex(
                          "companies=[0-9]+:[0-9]+::[0-9]+@[0-9]+"));

  const hub::v1::SyncJob resumed = api.Sync(ApiSource());
  ASSERT_EQ(resumed.state(), hub::v1::SyncJob::SUCCEEDED) << resumed.error();
  EXPECT_EQ(failed.records_read() + resumed.records_read(),
            clean.records_read());
  EXPECT_EQ(api.store->Counts()->records, reference.store->Counts()->records);
  EXPECT_EQ(api.store->LoadCursor("hs").value_or(""),
            reference.store->LoadCursor("hs").value_or(""));
}

}  // namespace
}  // namespace hub
