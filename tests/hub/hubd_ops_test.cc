// Operational integration tests of the real hubd: crash recovery after
// SIGKILL, server reflection, and hubctl against the server.
#include <signal.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <functional>

#include "absl/strings/str_cat.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "gtest/gtest.h"
#include "hub/auth.h"
#include "tests/hub/hub_client.h"
#include "tests/support/hubd_process.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::HubClient;
using testing_support::HubdProcess;
using testing_support::RunShell;
using testing_support::TempDir;

constexpr char kToken[] = "ops-test-token";

std::vector<std::string> Config(const TempDir& dir, const std::string& db,
                                int batch, const std::string& extra = "") {
  std::string path = dir.File(db + ".textproto");
  std::ofstream(path) << "db_path: \"" << dir.File(db) << "\"\n"
                      << "max_batch_records: " << batch << "\n"
                      << "tokens { principal: \"tests\" role: \"admin\" sha256: \""
                      << Sha256Hex(kToken) << "\" }\n"
                      << extra;
  return {"--config", path};
}

// Starts `argv` with its output in `log`; returns its pid.
pid_t Spawn(const std::vector<std::string>& args, const std::string& log) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

// Polls `name` until `done` holds (generous deadline); returns the last job.
hub::v1::SyncJob PollJob(HubClient* client, const std::string& name,
                         const std::function<bool(const hub::v1::SyncJob&)>& done) {
  hub::v1::GetSyncJobRequest get;
  get.set_name(name);
  hub::v1::SyncJob job;
  const absl::Time deadline = absl::Now() + absl::Seconds(120);
  while (absl::Now() < deadline) {
    job.Clear();
    if (client->sync()->GetSyncJob(client->Ctx().get(), get, &job).ok() && done(job)) break;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return job;
}

bool Ended(const hub::v1::SyncJob& job) {
  return job.state() == hub::v1::SyncJob::SUCCEEDED ||
         job.state() == hub::v1::SyncJob::FAILED ||
         job.state() == hub::v1::SyncJob::CANCELLED;
}

std::vector<hub::v1::SyncJob> ListJobs(HubClient* client, const std::string& source) {
  hub::v1::ListSyncJobsRequest req;
  req.set_parent("sources/" + source);
  hub::v1::ListSyncJobsResponse resp;
  EXPECT_TRUE(client->sync()->ListSyncJobs(client->Ctx().get(), req, &resp).ok());
  return {resp.sync_jobs().begin(), resp.sync_jobs().end()};
}

std::string CursorOf(HubClient* client, const std::string& source) {
  hub::v1::GetSourceCursorRequest req;
  req.set_name("sources/" + source);
  hub::v1::SourceCursor cursor;
  EXPECT_TRUE(client->sync()->GetSourceCursor(client->Ctx().get(), req, &cursor).ok());
  return cursor.cursor();
}

// Profiles and events visible through the API.
std::pair<int64_t, int64_t> CountProfilesAndEvents(HubClient* client) {
  int64_t profiles = 0, events = 0;
  std::string token;
  do {
    hub::v1::ListProfilesRequest req;
    req.set_page_size(1000);
    req.set_page_token(token);
    hub::v1::ListProfilesResponse resp;
    EXPECT_TRUE(client->profiles()->ListProfiles(client->Ctx().get(), req, &resp).ok());
    for (const auto& p : resp.profiles()) {
      ++profiles;
      events += p.event_count();
    }
    token = resp.next_page_token();
  } while (!token.empty());
  return {profiles, events};
}

class HubdOpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string out;
    ASSERT_EQ(RunShell(absl::StrCat(HUB_SAMPLE_BIN, " --out ", dir_.File("world"),
                                     " --accounts 60 --seed 21 2>&1"), &out), 0) << out;
  }
  TempDir dir_;
};

TEST_F(HubdOpsTest, SigkillMidSyncLosesNothingAndResumes) {
  // Pages of 5 records: hundreds of commits, so the kill lands mid-run.
  auto first = HubdProcess::Start(HUBD_BIN, Config(dir_, "crash.db", 5), dir_.path());
  ASSERT_TRUE(first.ok()) << first.status();
  HubClient client((*first)->address(), kToken);
  ASSERT_TRUE(client.CreateSource("web", "ga4", dir_.File("world/ga4")).ok());
  hub::v1::RunSyncRequest run;
  run.set_name("sources/web");
  hub::v1::SyncJob job;
  ASSERT_TRUE(client.sync()->RunSync(client.Ctx().get(), run, &job).ok());
  hub::v1::GetSyncJobRequest get;
  get.set_name(job.name());
  for (int i = 0; i < 2000 && job.batches() < 5; ++i) {
    ASSERT_TRUE(client.sync()->GetSyncJob(client.Ctx().get(), get, &job).ok());
    absl::SleepFor(absl::Milliseconds(2));
  }
  ASSERT_GE(job.batches(), 5);
  (*first)->Stop(SIGKILL);

  auto second = HubdProcess::Start(HUBD_BIN, Config(dir_, "crash.db", 5), dir_.path());
  ASSERT_TRUE(second.ok()) << second.status();
  HubClient again((*second)->address(), kToken);
  hub::v1::SyncJob interrupted;
  ASSERT_TRUE(again.sync()->GetSyncJob(again.Ctx().get(), get, &interrupted).ok());
  ASSERT_EQ(interrupted.state(), hub::v1::SyncJob::FAILED) << "the kill came too late";
  EXPECT_EQ(interrupted.error().substr(0, 12), "interrupted:");
  hub::v1::SyncJob resumed = again.SyncAndWait("web");
  ASSERT_EQ(resumed.state(), hub::v1::SyncJob::SUCCEEDED) << resumed.error();
  EXPECT_GT(resumed.records_read(), 0);
  auto recovered = CountProfilesAndEvents(&again);

  // The same source synced once, without a crash, on a fresh database.
  auto clean = HubdProcess::Start(HUBD_BIN, Config(dir_, "clean.db", 20), dir_.path());
  ASSERT_TRUE(clean.ok()) << clean.status();
  HubClient reference((*clean)->address(), kToken);
  ASSERT_TRUE(reference.CreateSource("web", "ga4", dir_.File("world/ga4")).ok());
  hub::v1::SyncJob whole = reference.SyncAndWait("web");
  ASSERT_EQ(whole.state(), hub::v1::SyncJob::SUCCEEDED) << whole.error();
  auto expected = CountProfilesAndEvents(&reference);
  EXPECT_EQ(recovered.first, expected.first);
  EXPECT_EQ(recovered.second, expected.second);
  EXPECT_EQ(expected.second, whole.records_ingested());
  // The interrupted job's progress committed with its pages, and the run
  // resumed at the last committed cursor: nothing read twice, nothing
  // skipped, every count exact.
  EXPECT_EQ(interrupted.records_read() + resumed.records_read(), whole.records_read());
  EXPECT_EQ(interrupted.records_ingested() + resumed.records_ingested(),
            whole.records_ingested());
}

TEST_F(HubdOpsTest, ReflectionListsEveryServiceAndDescribesHealth) {
  auto hubd = HubdProcess::Start(HUBD_BIN, Config(dir_, "refl.db", 100), dir_.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  auto channel = grpc::CreateChannel((*hubd)->address(), grpc::InsecureChannelCredentials());
  auto stub = grpc::reflection::v1alpha::ServerReflection::NewStub(channel);
  grpc::ClientContext ctx;
  auto stream = stub->ServerReflectionInfo(&ctx);
  grpc::reflection::v1alpha::ServerReflectionRequest req;
  req.set_list_services("*");
  ASSERT_TRUE(stream->Write(req));
  grpc::reflection::v1alpha::ServerReflectionResponse resp;
  ASSERT_TRUE(stream->Read(&resp));
  std::set<std::string> services;
  for (const auto& s : resp.list_services_response().service()) services.insert(s.name());
  EXPECT_EQ(services, (std::set<std::string>{
                          "grpc.health.v1.Health",
                          "grpc.reflection.v1alpha.ServerReflection",
                          "hub.v1.GovernanceService", "hub.v1.MetricsService",
                          "hub.v1.ProfileService", "hub.v1.SyncService"}));
  req.set_file_containing_symbol("grpc.health.v1.Health");
  ASSERT_TRUE(stream->Write(req));
  ASSERT_TRUE(stream->Read(&resp));
  EXPECT_EQ(resp.file_descriptor_response().file_descriptor_proto_size(), 1);
  req.set_file_containing_symbol("hub.v1.ProfileService");
  ASSERT_TRUE(stream->Write(req));
  ASSERT_TRUE(stream->Read(&resp));
  EXPECT_GE(resp.file_descriptor_response().file_descriptor_proto_size(), 1);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(HubdOpsTest, HubctlDrivesTheRealServer) {
  auto hubd = HubdProcess::Start(HUBD_BIN, Config(dir_, "ctl.db", 1000), dir_.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  std::string ctl = absl::StrCat("HUB_TOKEN=", kToken, " ", HUBCTL_BIN,
                                 " --server ", (*hubd)->address(), " ");
  std::string out;
  ASSERT_EQ(RunShell(ctl + "sources create crm --kind salesforce --path " +
                          dir_.File("world/salesforce") + " 2>&1", &out), 0) << out;
  out.clear();
  ASSERT_EQ(RunShell(ctl + "sync run crm --wait 2>/dev/null", &out), 0) << out;
  EXPECT_NE(out.find("SUCCEEDED"), std::string::npos) << out;
  out.clear();
  ASSERT_EQ(RunShell(ctl + "sources list --output json", &out), 0);
  EXPECT_NE(out.find("\"name\": \"sources/crm\""), std::string::npos) << out;
  out.clear();
  ASSERT_EQ(RunShell(ctl + "profiles list --page-size 1 --output json", &out), 0) << out;
  size_t at = out.find("\"name\": \"profiles/");
  ASSERT_NE(at, std::string::npos) << out;
  std::string name = out.substr(at + 9, out.find('"', at + 9) - at - 9);
  out.clear();
  ASSERT_EQ(RunShell(ctl + "profiles get " + name, &out), 0) << out;
  EXPECT_EQ(out.substr(0, 9 + name.size()), "Profile " + name + "\n");
  out.clear();
  ASSERT_EQ(RunShell(ctl + "accounts list --page-size 1 --output json", &out), 0) << out;
  at = out.find("\"name\": \"accounts/");
  ASSERT_NE(at, std::string::npos) << out;
  std::string account = out.substr(at + 9, out.find('"', at + 9) - at - 9);
  out.clear();
  ASSERT_EQ(RunShell(ctl + "accounts members " + account + " --output json", &out), 0) << out;
  EXPECT_NE(out.find("\"account\": \"" + account + "\""), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(RunShell(ctl + "profiles get profiles/999999 2>&1", &out), 3);
  EXPECT_NE(out.find("NOT_FOUND"), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(RunShell(ctl + "profiles lookup shoe_size 44 2>&1", &out), 4);
  out.clear();
  EXPECT_EQ(RunShell(absl::StrCat("HUB_TOKEN= ", HUBCTL_BIN, " --server ",
                                   (*hubd)->address(), " sources list 2>&1"), &out), 5);
  out.clear();
  EXPECT_EQ(RunShell(ctl + "health", &out), 0);
  EXPECT_NE(out.find("SERVING"), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(RunShell(absl::StrCat(HUBCTL_BIN, " --timeout 2 --server 127.0.0.1:1 health 2>&1"), &out), 6);
  out.clear();
  EXPECT_EQ(RunShell(ctl + "frobnicate 2>&1", &out), 2);
}

TEST_F(HubdOpsTest, ASharedSwitchboardPhoneIsRefusedAndReported) {
  // Two CRM contacts behind one office number: the guard keeps them apart.
  std::string crm = dir_.File("crm");
  ASSERT_EQ(system(("mkdir -p " + crm).c_str()), 0);
  std::ofstream(crm + "/Contact.csv")
      << "\"Id\",\"AccountId\",\"FirstName\",\"LastName\",\"Email\",\"Phone\","
         "\"Title\",\"LeadSource\",\"CreatedDate\",\"SystemModstamp\",\"IsDeleted\"\n"
      << "\"003A\",\"\",\"Ana\",\"Ruiz\",\"ana@acme.example\",\"(415) 555-0100\","
         "\"CTO\",\"\",\"2024-05-01T00:00:00.000Z\",\"2024-05-01T00:00:00.000Z\",\"false\"\n"
      << "\"003B\",\"\",\"Bo\",\"Lee\",\"bo@acme.example\",\"415.555.0100\","
         "\"CFO\",\"\",\"2024-05-01T00:00:00.000Z\",\"2024-05-02T00:00:00.000Z\",\"false\"\n";
  auto hubd = HubdProcess::Start(HUBD_BIN, Config(dir_, "guard.db", 100), dir_.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  HubClient client((*hubd)->address(), kToken);
  ASSERT_TRUE(client.CreateSource("crm", "salesforce", crm).ok());
  hub::v1::SyncJob job = client.SyncAndWait("crm");
  ASSERT_EQ(job.state(), hub::v1::SyncJob::SUCCEEDED) << job.error();
  EXPECT_EQ(job.profiles_created(), 2);
  EXPECT_EQ(job.merges(), 0);
  EXPECT_EQ(job.identity_refusals(), 1);

  hub::v1::ListIdentityRefusalsResponse report;
  ASSERT_TRUE(client.profiles()
                  ->ListIdentityRefusals(client.Ctx().get(), hub::v1::ListIdentityRefusalsRequest(),
                                         &report)
                  .ok());
  ASSERT_EQ(report.refusals_size(), 1);
  const hub::v1::IdentityRefusal& r = report.refusals(0);
  EXPECT_EQ(r.identifier_type(), "phone");
  EXPECT_EQ(r.identifier_value(), "+14155550100");
  EXPECT_EQ(r.reason(), "would give 2 salesforce.contact_id (limit 1)");
  EXPECT_EQ(r.record().external_id(), "003B");
  EXPECT_NE(r.holder(), r.target());

  std::string out;
  ASSERT_EQ(RunShell(absl::StrCat("HUB_TOKEN=", kToken, " ", HUBCTL_BIN, " --server ",
                                   (*hubd)->address(), " identity report"),
                      &out),
            0);
  EXPECT_NE(out.find("phone +14155550100"), std::string::npos) << out;
  EXPECT_NE(out.find("would give 2 salesforce.contact_id (limit 1)"), std::string::npos) << out;
}

TEST_F(HubdOpsTest, CancelledJobKeepsItsPagesAndTheNextRunResumes) {
  auto hubd = HubdProcess::Start(HUBD_BIN, Config(dir_, "cancel.db", 5), dir_.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  HubClient client((*hubd)->address(), kToken);
  ASSERT_TRUE(client.CreateSource("web", "ga4", dir_.File("world/ga4")).ok());
  hub::v1::RunSyncRequest run;
  run.set_name("sources/web");
  hub::v1::SyncJob job;
  ASSERT_TRUE(client.sync()->RunSync(client.Ctx().get(), run, &job).ok());
  PollJob(&client, job.name(), [](const hub::v1::SyncJob& j) { return j.batches() >= 3; });
  std::string ctl = absl::StrCat("HUB_TOKEN=", kToken, " ", HUBCTL_BIN, " --server ",
                                 (*hubd)->address(), " ");
  std::string out;
  ASSERT_EQ(RunShell(ctl + "sync cancel " + job.name() + " --wait 2>/dev/null", &out), 0)
      << out;
  EXPECT_NE(out.find("  state                 CANCELLED\n"), std::string::npos) << out;
  hub::v1::SyncJob cancelled = PollJob(&client, job.name(), Ended);
  ASSERT_EQ(cancelled.state(), hub::v1::SyncJob::CANCELLED) << "the cancel came too late";
  EXPECT_EQ(cancelled.cursor(), CursorOf(&client, "web"));
  EXPECT_GE(cancelled.batches(), 3);

  hub::v1::CancelSyncJobRequest again;
  again.set_name(job.name());
  hub::v1::SyncJob ignored;
  EXPECT_EQ(client.sync()->CancelSyncJob(client.Ctx().get(), again, &ignored).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  again.set_name("sources/web/syncJobs/99");
  EXPECT_EQ(client.sync()->CancelSyncJob(client.Ctx().get(), again, &ignored).error_code(),
            grpc::StatusCode::NOT_FOUND);
  again.set_name("sources/web");
  grpc::Status bad = client.sync()->CancelSyncJob(client.Ctx().get(), again, &ignored);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("name"), std::string::npos) << bad.error_message();
  EXPECT_EQ(client.sync()->CancelSyncJob(client.Ctx(false).get(), again, &ignored).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  hub::v1::SyncJob resumed = client.SyncAndWait("web");
  ASSERT_EQ(resumed.state(), hub::v1::SyncJob::SUCCEEDED) << resumed.error();
  hub::v1::SyncJob whole = client.SyncAndWait("web", /*full=*/true);
  ASSERT_EQ(whole.state(), hub::v1::SyncJob::SUCCEEDED) << whole.error();
  EXPECT_EQ(cancelled.records_read() + resumed.records_read(), whole.records_read());
  EXPECT_EQ(cancelled.records_ingested() + resumed.records_ingested(),
            CountProfilesAndEvents(&client).second);
  EXPECT_EQ(whole.records_ingested(), 0);
}

TEST_F(HubdOpsTest, ConfiguredIntervalSyncsRepeatedlyAndShutsDownCleanly) {
  const std::string source = absl::StrCat(
      "sources { name: \"sources/web\" kind: \"ga4\" path: \"", dir_.File("world/ga4"),
      "\" sync_interval { nanos: 200000000 } }\n");
  auto hubd = HubdProcess::Start(HUBD_BIN, Config(dir_, "sched.db", 100, source), dir_.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  HubClient client((*hubd)->address(), kToken);
  const absl::Time deadline = absl::Now() + absl::Seconds(120);
  std::vector<hub::v1::SyncJob> jobs;
  while (absl::Now() < deadline && (jobs = ListJobs(&client, "web")).size() < 3) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_GE(jobs.size(), 3u);
  // One job at a time: by the third, the first two have ended. The first
  // read the whole export; the second resumed after it and read nothing.
  const hub::v1::SyncJob& first = jobs[jobs.size() - 1];
  const hub::v1::SyncJob& second = jobs[jobs.size() - 2];
  EXPECT_EQ(first.name(), "sources/web/syncJobs/1");
  EXPECT_EQ(first.state(), hub::v1::SyncJob::SUCCEEDED) << first.error();
  EXPECT_GT(first.records_read(), 0);
  EXPECT_EQ(first.records_ingested(), CountProfilesAndEvents(&client).second);
  EXPECT_EQ(second.state(), hub::v1::SyncJob::SUCCEEDED) << second.error();
  EXPECT_EQ(second.records_read(), 0);
  EXPECT_EQ(second.cursor(), "");  // no page: nothing new
  int status = (*hubd)->Stop(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE((*hubd)->Stderr().find("\"msg\":\"scheduled\""), std::string::npos);
}

TEST_F(HubdOpsTest, HubSyncKilledMidStreamResumesAndHoldsEveryRecordOnce) {
  auto hubd = HubdProcess::Start(HUBD_BIN, Config(dir_, "remote.db", 1000), dir_.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  HubClient client((*hubd)->address(), kToken);
  ASSERT_TRUE(client.CreateSource("web", "ga4", dir_.File("world/ga4")).ok());
  const std::string config = dir_.File("web-source.textproto");
  std::ofstream(config) << "name: \"sources/web\" kind: \"ga4\" path: \""
                        << dir_.File("world/ga4") << "\"\n";
  // Pages of 5 records: hundreds of acknowledged pages, so the kill lands
  // mid-stream.
  const std::vector<std::string> args = {HUB_SYNC_BIN, "--source", config, "--hub",
                                         (*hubd)->address(), "--token", kToken,
                                         "--page-size", "5"};
  pid_t pid = Spawn(args, dir_.File("hub-sync-1.log"));
  ASSERT_GT(pid, 0);
  std::vector<hub::v1::SyncJob> jobs;
  const absl::Time deadline = absl::Now() + absl::Seconds(120);
  while (absl::Now() < deadline &&
         ((jobs = ListJobs(&client, "web")).empty() || jobs[0].batches() < 5)) {
    absl::SleepFor(absl::Milliseconds(2));
  }
  kill(pid, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "hub-sync finished before the kill";
  ASSERT_EQ(jobs.size(), 1u);
  hub::v1::SyncJob interrupted = PollJob(&client, jobs[0].name(), Ended);
  ASSERT_EQ(interrupted.state(), hub::v1::SyncJob::FAILED);
  EXPECT_NE(interrupted.error().find("disconnected"), std::string::npos) << interrupted.error();
  EXPECT_EQ(interrupted.cursor(), CursorOf(&client, "web"));

  std::string out;
  std::string cmd;
  for (const std::string& a : args) cmd += a + " ";
  ASSERT_EQ(RunShell(cmd + "2>&1", &out), 0) << out;
  EXPECT_NE(out.find("sources/web/syncJobs/2"), std::string::npos) << out;
  hub::v1::SyncJob resumed = PollJob(&client, "sources/web/syncJobs/2", Ended);
  ASSERT_EQ(resumed.state(), hub::v1::SyncJob::SUCCEEDED) << resumed.error();
  auto remote = CountProfilesAndEvents(&client);
  // Nothing left: a third run resumes at the end and sends no page.
  out.clear();
  ASSERT_EQ(RunShell(cmd + "2>&1", &out), 0) << out;
  EXPECT_NE(out.find(": 0 pages acknowledged"), std::string::npos) << out;

  // The same export synced directly (in hubd) into a fresh database.
  auto clean = HubdProcess::Start(HUBD_BIN, Config(dir_, "direct.db", 1000), dir_.path());
  ASSERT_TRUE(clean.ok()) << clean.status();
  HubClient reference((*clean)->address(), kToken);
  ASSERT_TRUE(reference.CreateSource("web", "ga4", dir_.File("world/ga4")).ok());
  hub::v1::SyncJob whole = reference.SyncAndWait("web");
  ASSERT_EQ(whole.state(), hub::v1::SyncJob::SUCCEEDED) << whole.error();
  EXPECT_EQ(remote, CountProfilesAndEvents(&reference));
  EXPECT_EQ(interrupted.records_read() + resumed.records_read(), whole.records_read());
  EXPECT_EQ(interrupted.records_ingested() + resumed.records_ingested(),
            whole.records_ingested());
  EXPECT_EQ(resumed.cursor(), whole.cursor());
}

// One IngestRecords stream of `pages`; returns its status and the acks.
grpc::Status Ingest(HubClient* client, const std::vector<hub::v1::IngestRecordsRequest>& pages,
                    std::vector<hub::v1::IngestRecordsResponse>* acks, bool with_token = true) {
  auto ctx = client->Ctx(with_token);
  auto stream = client->sync()->IngestRecords(ctx.get());
  for (const hub::v1::IngestRecordsRequest& page : pages) {
    hub::v1::IngestRecordsResponse ack;
    if (!stream->Write(page) || !stream->Read(&ack)) break;
    acks->push_back(ack);
  }
  stream->WritesDone();
  return stream->Finish();
}

hub::v1::IngestRecordsRequest Page(const std::string& source, const std::string& cursor,
                                   const std::string& id) {
  hub::v1::IngestRecordsRequest page;
  page.set_source(source);
  page.set_cursor(cursor);
  hub::v1::SourceRecord* r = page.add_records();
  r->set_entity(hub::v1::CONTACT);
  r->set_external_id(id);
  r->mutable_updated_at()->set_seconds(1714521600);
  hub::v1::Identifier* email = r->add_identifiers();
  email->set_type("email");
  email->set_value(id + "@acme.example");
  return page;
}

TEST_F(HubdOpsTest, IngestRecordsRefusesBadPagesNamingTheField) {
  auto hubd = HubdProcess::Start(HUBD_BIN, Config(dir_, "ingest.db", 100), dir_.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  HubClient client((*hubd)->address(), kToken);
  ASSERT_TRUE(client.CreateSource("web", "ga4", dir_.File("world/ga4")).ok());
  std::vector<hub::v1::IngestRecordsResponse> acks;
  grpc::Status s = Ingest(&client, {Page("web", "c1", "a")}, &acks);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message().substr(0, 7), "source:") << s.error_message();
  EXPECT_EQ(Ingest(&client, {Page("sources/nope", "c1", "a")}, &acks).error_code(),
            grpc::StatusCode::NOT_FOUND);
  s = Ingest(&client, {Page("sources/web", "", "a")}, &acks);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "cursor: required in every message");
  EXPECT_EQ(Ingest(&client, {Page("sources/web", "c1", "a")}, &acks, false).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(acks.empty());

  // A page committed, then one naming another source: the stream ends, the
  // first page stands.
  s = Ingest(&client, {Page("sources/web", "c1", "a"), Page("sources/crm", "c2", "b")}, &acks);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("differs from the stream's sources/web"), std::string::npos)
      << s.error_message();
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].cursor(), "c1");
  EXPECT_EQ(acks[0].sync_job().name(), "sources/web/syncJobs/1");
  EXPECT_EQ(acks[0].sync_job().records_ingested(), 1);
  EXPECT_EQ(CursorOf(&client, "web"), "c1");
  hub::v1::SyncJob job = PollJob(&client, "sources/web/syncJobs/1", Ended);
  EXPECT_EQ(job.state(), hub::v1::SyncJob::FAILED);
  EXPECT_EQ(job.batches(), 1);
  EXPECT_EQ(CountProfilesAndEvents(&client).first, 1);
}

}  // namespace
}  // namespace hub
