// Telemetry of the real hubd: Prometheus metrics on the admin port, request
// ids and the call log, health driven by the store probe, and the message
// size limit from the ops config.
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <httplib.h>

#include <fstream>
#include <functional>
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "hub/auth.h"
#include "profile/base/time_util.h"
#include "tests/hub/hub_client.h"
#include "tests/support/hubd_process.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::HubClient;
using testing_support::HubdProcess;
using testing_support::RunShell;
using testing_support::TempDir;

constexpr char kToken[] = "telemetry-test-token";

std::vector<std::string> Config(const TempDir& dir, const std::string& db,
                                const std::string& ops) {
  std::string path = dir.File(db + ".textproto");
  std::ofstream(path) << "db_path: \"" << dir.File(db) << "\"\n"
                      << "tokens { principal: \"tests\" role: \"admin\" sha256: \""
                      << Sha256Hex(kToken) << "\" }\n"
                      << "ops { " << ops << " }\n";
  return {"--config", path};
}

// The admin port from hubd's "admin listening" log line; 0 if absent.
int AdminPort(const HubdProcess& hubd) {
  return testing_support::FindLoggedPort(hubd.Stderr(), "admin listening");
}

// GET /metrics over real HTTP: each sample line's series (name and labels)
// -> value.
std::map<std::string, double> Scrape(int port) {
  httplib::Client http("127.0.0.1", port);
  http.set_read_timeout(10, 0);
  auto res = http.Get("/metrics");
  EXPECT_TRUE(res) << "no answer from the admin port";
  std::map<std::string, double> out;
  if (!res) return out;
  EXPECT_EQ(res->status, 200);
  for (absl::string_view line : absl::StrSplit(res->body, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.rfind(' ');
    double value = 0;
    if (space == absl::string_view::npos || !absl::SimpleAtod(line.substr(space + 1), &value)) {
      continue;
    }
    out[std::string(line.substr(0, space))] = value;
  }
  return out;
}

double Metric(const std::map<std::string, double>& metrics, const std::string& series) {
  auto it = metrics.find(series);
  return it == metrics.end() ? -1 : it->second;
}

// Polls `done` every 50 ms for up to 20 s; returns whether it held.
bool Eventually(const std::function<bool()>& done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

grpc::health::v1::HealthCheckResponse::ServingStatus Health(HubClient* client,
                                                            const std::string& service) {
  auto health = grpc::health::v1::Health::NewStub(client->channel());
  grpc::health::v1::HealthCheckRequest req;
  req.set_service(service);
  grpc::health::v1::HealthCheckResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  if (!health->Check(&ctx, req, &resp).ok()) return grpc::health::v1::HealthCheckResponse::UNKNOWN;
  return resp.status();
}

class HubdTelemetryTest : public ::testing::Test {
 protected:
  // A world of one CRM source, synced once.
  void StartAndSync(const std::string& ops) {
    std::string out;
    ASSERT_EQ(RunShell(absl::StrCat(HUB_SAMPLE_BIN, " --out ", dir_.File("world"),
                                     " --accounts 8 --seed 5 2>&1"), &out), 0) << out;
    auto p = HubdProcess::Start(HUBD_BIN, Config(dir_, "hub.db", ops), dir_.path());
    ASSERT_TRUE(p.ok()) << p.status();
    hubd_ = *std::move(p);
    admin_port_ = AdminPort(*hubd_);
    ASSERT_NE(admin_port_, 0) << hubd_->Stderr();
    client_ = std::make_unique<HubClient>(hubd_->address(), kToken);
    ASSERT_TRUE(client_->CreateSource("salesforce", "salesforce",
                                      dir_.File("world/salesforce")).ok());
    job_ = client_->SyncAndWait("salesforce");
    ASSERT_EQ(job_.state(), hub::v1::SyncJob::SUCCEEDED) << job_.DebugString();
  }

  std::string FirstProfile() {
    hub::v1::ListProfilesRequest req;
    req.set_page_size(1);
    hub::v1::ListProfilesResponse resp;
    EXPECT_TRUE(client_->profiles()->ListProfiles(client_->Ctx().get(), req, &resp).ok());
    return resp.profiles_size() == 0 ? "" : resp.profiles(0).name();
  }

  grpc::Status GetProfile(const std::string& name, const std::string& request_id = "",
                          std::string* echoed = nullptr) {
    hub::v1::GetProfileRequest req;
    req.set_name(name);
    hub::v1::Profile profile;
    auto ctx = client_->Ctx();
    if (!request_id.empty()) ctx->AddMetadata("x-request-id", request_id);
    grpc::Status s = client_->profiles()->GetProfile(ctx.get(), req, &profile);
    if (echoed != nullptr) {
      auto it = ctx->GetServerInitialMetadata().find("x-request-id");
      *echoed = it == ctx->GetServerInitialMetadata().end()
                    ? ""
                    : std::string(it->second.data(), it->second.size());
    }
    return s;
  }

  TempDir dir_;
  std::unique_ptr<HubdProcess> hubd_;
  std::unique_ptr<HubClient> client_;
  int admin_port_ = 0;
  hub::v1::SyncJob job_;
};

TEST_F(HubdTelemetryTest, MetricsCountCallsByMethodAndCodeAndSyncWork) {
  StartAndSync("admin_listen_address: \"127.0.0.1:0\"");
  const std::string name = FirstProfile();
  ASSERT_FALSE(name.empty());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(GetProfile(name).ok());
  EXPECT_EQ(GetProfile("profiles/999999999").error_code(), grpc::StatusCode::NOT_FOUND);

  const std::map<std::string, double> m = Scrape(admin_port_);
  const std::string get = "method=\"hub.v1.ProfileService/GetProfile\"";
  EXPECT_EQ(Metric(m, "hub_rpc_calls_total{code=\"OK\"," + get + "}"), 3);
  EXPECT_EQ(Metric(m, "hub_rpc_calls_total{code=\"NOT_FOUND\"," + get + "}"), 1);
  EXPECT_EQ(Metric(m, "hub_rpc_duration_seconds_count{" + get + "}"), 4);
  EXPECT_EQ(Metric(m, "hub_rpc_duration_seconds_bucket{" + get + ",le=\"+Inf\"}"), 4);
  // ListProfiles once, CreateSource once, RunSync once.
  EXPECT_EQ(Metric(m, "hub_rpc_calls_total{code=\"OK\",method=\"hub.v1.ProfileService/"
                      "ListProfiles\"}"), 1);
  EXPECT_EQ(Metric(m, "hub_rpc_calls_total{code=\"OK\",method=\"hub.v1.SyncService/"
                      "CreateSource\"}"), 1);
  EXPECT_EQ(Metric(m, "hub_rpc_calls_total{code=\"OK\",method=\"hub.v1.SyncService/RunSync\"}"),
            1);
  // A method never called has a histogram but no call counter.
  EXPECT_EQ(Metric(m, "hub_rpc_duration_seconds_count{method=\"hub.v1.ProfileService/"
                      "MergeProfiles\"}"), 0);
  EXPECT_EQ(Metric(m, "hub_rpc_calls_total{code=\"OK\",method=\"hub.v1.ProfileService/"
                      "MergeProfiles\"}"), -1);

  EXPECT_EQ(Metric(m, "hub_sync_jobs_total{outcome=\"succeeded\"}"), 1);
  EXPECT_EQ(Metric(m, "hub_sync_jobs_total{outcome=\"failed\"}"), 0);
  EXPECT_EQ(Metric(m, "hub_sync_pages_total"), job_.batches());
  EXPECT_EQ(Metric(m, "hub_ingest_records_total{result=\"ingested\"}"), job_.records_ingested());
  EXPECT_EQ(Metric(m, "hub_ingest_records_total{result=\"quarantined\"}"),
            job_.records_quarantined());
  EXPECT_GT(job_.records_ingested(), 0);
  EXPECT_EQ(Metric(m, "hub_store_up"), 1);
  // The file sizes as stat sees them; the read audit may commit between a
  // scrape and the stat, so compare until two looks agree.
  auto disk_bytes = [&] {
    struct stat db, wal;
    if (stat(dir_.File("hub.db").c_str(), &db) != 0) return -1.0;
    const int64_t wal_size = stat(dir_.File("hub.db-wal").c_str(), &wal) == 0 ? wal.st_size : 0;
    return static_cast<double>(db.st_size + wal_size);
  };
  EXPECT_TRUE(Eventually([&] {
    const double before = disk_bytes();
    return Metric(Scrape(admin_port_), "hub_store_size_bytes") == before && before > 0;
  }));
}

TEST_F(HubdTelemetryTest, ProfilesByStageMatchTheFunnel) {
  StartAndSync("admin_listen_address: \"127.0.0.1:0\"");
  const std::map<std::string, double> m = Scrape(admin_port_);
  int64_t total = 0;
  for (auto [side, label] : {std::pair{hub::v1::PERSONS, "persons"},
                             std::pair{hub::v1::ACCOUNTS, "accounts"}}) {
    hub::v1::GetFunnelRequest req;
    req.set_side(side);
    *req.mutable_period()->mutable_start_time() = ToProtoTime(absl::FromUnixSeconds(0));
    *req.mutable_period()->mutable_end_time() =
        ToProtoTime(absl::FromUnixSeconds(int64_t{4102444800}));  // 2100-01-01
    hub::v1::Funnel funnel;
    grpc::Status s = client_->metrics()->GetFunnel(client_->Ctx().get(), req, &funnel);
    ASSERT_TRUE(s.ok()) << s.error_message();
    for (const hub::v1::FunnelStage& stage : funnel.stages()) {
      const std::string series = absl::StrCat("hub_profiles_by_stage{side=\"", label,
                                              "\",stage=\"", hub::v1::Stage_Name(stage.stage()),
                                              "\"}");
      // Each profile is in exactly one stage: the entries that never left.
      EXPECT_EQ(Metric(m, series), stage.entries() - stage.left()) << series;
      total += stage.entries() - stage.left();
    }
  }
  EXPECT_GT(total, 0);
}

TEST_F(HubdTelemetryTest, HealthIsNotServingWhileAnotherProcessHoldsTheStoreLock) {
  StartAndSync("admin_listen_address: \"127.0.0.1:0\" store_probe_interval_ms: 100 "
               "store_probe_timeout_ms: 50");
  ASSERT_EQ(Health(client_.get(), ""), grpc::health::v1::HealthCheckResponse::SERVING);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("hub.db").c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);  // hubd may be committing a read audit
  ASSERT_EQ(sqlite3_exec(db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  const auto down = grpc::health::v1::HealthCheckResponse::NOT_SERVING;
  EXPECT_TRUE(Eventually([&] { return Health(client_.get(), "") == down; }));
  EXPECT_EQ(Health(client_.get(), "hub.v1.ProfileService"), down);
  EXPECT_EQ(Health(client_.get(), "hub.v1.SyncService"), down);
  EXPECT_EQ(Metric(Scrape(admin_port_), "hub_store_up"), 0);

  ASSERT_EQ(sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  const auto up = grpc::health::v1::HealthCheckResponse::SERVING;
  EXPECT_TRUE(Eventually([&] { return Health(client_.get(), "") == up; }));
  EXPECT_EQ(Health(client_.get(), "hub.v1.GovernanceService"), up);
  EXPECT_EQ(Metric(Scrape(admin_port_), "hub_store_up"), 1);
  // Logged once per change, not once per probe.
  const std::string log = hubd_->Stderr();
  EXPECT_EQ(Count(log, "\"msg\":\"store unavailable\""), 1) << log;
  EXPECT_EQ(Count(log, "\"msg\":\"store available\""), 1) << log;
}

TEST_F(HubdTelemetryTest, RequestIdIsEchoedAndLoggedForFailedAndMutatingCalls) {
  StartAndSync("admin_listen_address: \"127.0.0.1:0\"");
  std::string echoed;
  EXPECT_EQ(GetProfile("profiles/999999999", "req-telemetry-42", &echoed).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(echoed, "req-telemetry-42");
  const std::string name = FirstProfile();
  ASSERT_TRUE(GetProfile(name, "req-read-ok-7", &echoed).ok());
  EXPECT_EQ(echoed, "req-read-ok-7");
  // Without an id, or with one that is too long, hubd makes one.
  ASSERT_TRUE(GetProfile(name, "", &echoed).ok());
  EXPECT_EQ(echoed.size(), 16u) << echoed;
  ASSERT_TRUE(GetProfile(name, std::string(129, 'x'), &echoed).ok());
  EXPECT_EQ(echoed.size(), 16u) << echoed;

  const std::string log = hubd_->Stderr();
  std::string failed_line, read_line;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (absl::StrContains(line, "req-telemetry-42")) failed_line = std::string(line);
    if (absl::StrContains(line, "req-read-ok-7")) read_line = std::string(line);
  }
  EXPECT_TRUE(absl::StrContains(failed_line, "\"msg\":\"rpc\"")) << failed_line;
  EXPECT_TRUE(absl::StrContains(failed_line, "\"method\":\"hub.v1.ProfileService/GetProfile\""))
      << failed_line;
  EXPECT_TRUE(absl::StrContains(failed_line, "\"principal\":\"tests\"")) << failed_line;
  EXPECT_TRUE(absl::StrContains(failed_line, "\"code\":\"NOT_FOUND\"")) << failed_line;
  EXPECT_TRUE(absl::StrContains(failed_line, "\"latency_ms\":\"")) << failed_line;
  EXPECT_EQ(read_line, "") << "a successful read is not logged by default";
  // A mutating call is logged even when it succeeds.
  bool create_logged = false;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    create_logged = create_logged ||
                    (absl::StrContains(line, "\"method\":\"hub.v1.SyncService/CreateSource\"") &&
                     absl::StrContains(line, "\"code\":\"OK\""));
  }
  EXPECT_TRUE(create_logged) << log;
}

TEST_F(HubdTelemetryTest, RequestLargerThanMaxReceiveSizeIsResourceExhausted) {
  StartAndSync("admin_listen_address: \"127.0.0.1:0\" max_receive_message_bytes: 65536");
  // Under the limit: handled (the name is not a profile). Kept small because
  // the error message quotes the name, and a long message overflows the
  // client's metadata limit.
  EXPECT_EQ(GetProfile("profiles/" + std::string(4000, '9')).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // Over 64 KiB: refused before the handler (gRPC's default would be 4 MiB,
  // ours 16 MiB, so this is the configured limit at work).
  EXPECT_EQ(GetProfile("profiles/" + std::string(70000, '9')).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

}  // namespace
}  // namespace hub
