// The real hubd pulling a zendesk_api source from FakeZendeskServer on
// loopback: CreateSource validation, a sync equal to the file import of the
// same world, and resumption after SIGKILL mid-sync.
#include <signal.h>
#include <stdlib.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "hub/auth.h"
#include "tests/hub/hub_client.h"
#include "tests/support/fake_zendesk_server.h"
#include "tests/support/hubd_process.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::FakeZendeskServer;
using testing_support::HubClient;
using testing_support::HubdProcess;
using testing_support::RunShell;
using testing_support::TempDir;

constexpr char kToken[] = "zendesk-api-test-token";
constexpr char kTokenEnv[] = "HUB_TEST_HUBD_ZENDESK_TOKEN";

std::vector<std::string> Config(const TempDir& dir, const std::string& db,
                                int batch) {
  std::string path = dir.File(db + ".textproto");
  std::ofstream(path)
      << "db_path: \"" << dir.File(db) << "\"\n"
      << "max_batch_records: " << batch << "\n"
      << "tokens { principal: \"tests\" role: \"admin\" sha256: \""
      << Sha256Hex(kToken) << "\" }\n";
  return {"--config", path};
}

// Records and profiles the store holds, through the API.
int64_t CountProfiles(HubClient* client) {
  int64_t profiles = 0;
  std::string token;
  do {
    hub::v1::ListProfilesRequest req;
    req.set_page_size(1000);
    req.set_page_token(token);
    hub::v1::ListProfilesResponse resp;
    EXPECT_TRUE(
        client->profiles()->ListProfiles(client->Ctx().get(), req, &resp).ok());
    profiles += resp.profiles_size();
    token = resp.next_page_token();
  } while (!token.empty());
  return profiles;
}

class HubdZendeskApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string out;
    ASSERT_EQ(
        RunShell(absl::StrCat(HUB_SAMPLE_BIN, " --out ", dir_.File("world"),
                              " --accounts 30 --seed 11 --months 12 2>&1"),
                 &out),
        0)
        << out;
    // hubd inherits the environment: this is where it finds the token.
    ASSERT_EQ(setenv(kTokenEnv, "zd-test-token", 1), 0);
    auto server = FakeZendeskServer::Start(dir_.File("world/zendesk"));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  grpc::Status CreateApiSource(HubClient* client, const std::string& id,
                               const std::string& token_env) {
    hub::v1::CreateSourceRequest req;
    req.set_source_id(id);
    req.mutable_source()->set_kind("zendesk_api");
    req.mutable_source()->set_base_url(server_->base_url());
    req.mutable_source()->set_auth_email("agent@hubsample.example");
    req.mutable_source()->set_token_env(token_env);
    hub::v1::Source out;
    return client->sync()->CreateSource(client->Ctx().get(), req, &out);
  }

  TempDir dir_;
  std::unique_ptr<FakeZendeskServer> server_;
};

TEST_F(HubdZendeskApiTest, CreateSourceNamesTheBadField) {
  auto hubd =
      HubdProcess::Start(HUBD_BIN, Config(dir_, "bad.db", 100), dir_.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  HubClient client((*hubd)->address(), kToken);
  grpc::Status s = CreateApiSource(&client, "zd", "HUB_TEST_UNSET_TOKEN_VAR");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(
      s.error_message(),
      "source.token_env: environment variable \"HUB_TEST_UNSET_TOKEN_VAR\" "
      "is not set or empty");
  hub::v1::GetSourceRequest get;
  get.set_name("sources/zd");
  hub::v1::Source source;
  EXPECT_EQ(
      client.sync()->GetSource(client.Ctx().get(), get, &source).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

TEST_F(HubdZendeskApiTest, SigkillMidSyncResumesToTheFileImport) {
  // Pages of 5 records, 40 ms a request: the kill lands mid-run.
  server_->set_delay(absl::Milliseconds(40));
  auto first =
      HubdProcess::Start(HUBD_BIN, Config(dir_, "crash.db", 5), dir_.path());
  ASSERT_TRUE(first.ok()) << first.status();
  HubClient client((*first)->address(), kToken);
  ASSERT_TRUE(CreateApiSource(&client, "zd", kTokenEnv).ok());
  hub::v1::GetSourceRequest get_source;
  get_source.set_name("sources/zd");
  hub::v1::Source stored;
  ASSERT_TRUE(
      client.sync()->GetSource(client.Ctx().get(), get_source, &stored).ok());
  EXPECT_EQ(stored.token_env(), kTokenEnv);  // the name, never the token
  EXPECT_EQ(stored.DebugString().find("zd-test-token"), std::string::npos);

  hub::v1::RunSyncRequest run;
  run.set_name("sources/zd");
  hub::v1::SyncJob job;
  ASSERT_TRUE(client.sync()->RunSync(client.Ctx().get(), run, &job).ok());
  hub::v1::GetSyncJobRequest get;
  get.set_name(job.name());
  for (int i = 0; i < 5000 && job.batches() < 3; ++i) {
    ASSERT_TRUE(client.sync()->GetSyncJob(client.Ctx().get(), get, &job).ok());
    absl::SleepFor(absl::Milliseconds(2));
  }
  ASSERT_GE(job.batches(), 3);
  (*first)->Stop(SIGKILL);
  server_->set_delay(absl::ZeroDuration());

  auto second =
      HubdProcess::Start(HUBD_BIN, Config(dir_, "crash.db", 5), dir_.path());
  ASSERT_TRUE(second.ok()) << second.status();
  HubClient again((*second)->address(), kToken);
  hub::v1::SyncJob interrupted;
  ASSERT_TRUE(
      again.sync()->GetSyncJob(again.Ctx().get(), get, &interrupted).ok());
  ASSERT_EQ(interrupted.state(), hub::v1::SyncJob::FAILED)
      << "the kill came too late";
  hub::v1::SyncJob resumed = again.SyncAndWait("zd");
  ASSERT_EQ(resumed.state(), hub::v1::SyncJob::SUCCEEDED) << resumed.error();
  EXPECT_GT(resumed.records_read(), 0);

  // The same world's zendesk/ folder through the file adapter, fresh store.
  auto clean =
      HubdProcess::Start(HUBD_BIN, Config(dir_, "files.db", 5), dir_.path());
  ASSERT_TRUE(clean.ok()) << clean.status();
  HubClient reference((*clean)->address(), kToken);
  ASSERT_TRUE(
      reference.CreateSource("zd", "zendesk", dir_.File("world/zendesk")).ok());
  hub::v1::SyncJob whole = reference.SyncAndWait("zd");
  ASSERT_EQ(whole.state(), hub::v1::SyncJob::SUCCEEDED) << whole.error();
  EXPECT_EQ(interrupted.records_read() + resumed.records_read(),
            whole.records_read());
  EXPECT_EQ(interrupted.records_ingested() + resumed.records_ingested(),
            whole.records_ingested());
  EXPECT_EQ(CountProfiles(&again), CountProfiles(&reference));

  // Nothing new at the vendor: the next run reads nothing.
  hub::v1::SyncJob idle = again.SyncAndWait("zd");
  EXPECT_EQ(idle.state(), hub::v1::SyncJob::SUCCEEDED);
  EXPECT_EQ(idle.records_read(), 0);
}

}  // namespace
}  // namespace hub
