// Serving load test: GetProfile and LookupProfile against a trivial echo RPC
// served by the same hub server in the same run, at 1, 8, 32 and 128 calls
// in flight, with and without a paced ingest beside them.
//
//   serve_bench build --db FILE [--profiles 1000000]
//       Writes FILE: N FEBRL-like persons (one CONTACT record each, source
//       "bench", an email identifier and six traits) through the Ingester,
//       in pages of 5,000, and the source "bench" that the ingest beside
//       streams into. Prints the time it took.
//   serve_bench serve --db FILE
//       Runs hub::Server on FILE (127.0.0.1, a free port) with the echo
//       service added; prints "port N", serves until stdin closes.
//   serve_bench run --db FILE [--profiles N] [--reps 3] [--seconds 5]
//                   [--warmup 1] [--inflight 1,8,32,128] [--ingest-rate 10000]
//                   [--ingest-page 500] [--new-fraction 0.2] [--modes plain,ingest]
//       Per rep: copies FILE to FILE.work, starts `serve_bench serve` on the
//       copy as a child process, and for each mode, in-flight count and RPC
//       (Echo, GetProfile of a random person, LookupProfile of a random
//       person's email) keeps exactly that many calls in flight from one
//       async client thread: a warm-up, then a measured window. Mode
//       "ingest" streams IngestRecords beside the reads at the given rate
//       (pages of --ingest-page; a --new-fraction of new persons, the rest
//       newer revisions of existing ones) over its own connection. Prints
//       every point, then medians over the reps: QPS, p50/p99/p999 and
//       Get/echo, and the server's resident size (VmRSS, VmHWM).
//
// The reads use a `service` role token, the realistic caller; the bench
// config classifies the trait birth_date sensitive, so every read also hashes
// one value (service sees personal fields raw).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "echo.grpc.pb.h"  // bench/echo.proto, generated in build/bench
#include "hub/config.h"
#include "hub/server.h"
#include "hub/v1/profile_service.grpc.pb.h"
#include "hub/v1/sync_service.grpc.pb.h"
#include "profile/base/sha256.h"
#include "profile/ingest/ingester.h"
#include "profile/store/sqlite_store.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr char kServiceToken[] = "serve-bench-service";
constexpr char kSyncToken[] = "serve-bench-sync";
constexpr int64_t kEpoch = 1735689600;  // 2025-01-01: every built record's updated_at

void Check(const absl::Status& s, const char* what) {
  if (!s.ok()) {
    fprintf(stderr, "serve_bench: %s: %s\n", what, s.ToString().c_str());
    exit(1);
  }
}

// ---- The persons ----------------------------------------------------------

const char* const kFirst[] = {"james", "mary", "john", "patricia", "robert", "jennifer",
                              "michael", "linda", "william", "elizabeth", "david", "barbara",
                              "richard", "susan", "joseph", "jessica", "thomas", "sarah",
                              "charles", "karen", "emma", "liam", "olivia", "noah"};
const char* const kLast[] = {"smith", "johnson", "williams", "brown", "jones", "garcia",
                             "miller", "davis", "rodriguez", "martinez", "hernandez", "lopez",
                             "gonzalez", "wilson", "anderson", "thomas", "taylor", "moore",
                             "jackson", "martin", "lee", "perez", "thompson", "white"};
const char* const kCities[] = {"sydney", "melbourne", "brisbane", "perth", "adelaide",
                               "canberra", "hobart", "darwin", "geelong", "newcastle"};
const char* const kTitles[] = {"engineer", "manager", "analyst", "director", "designer",
                               "consultant", "nurse", "teacher"};

template <size_t N>
const char* Pick(const char* const (&names)[N], uint64_t h) {
  return names[h % N];
}

uint64_t Mix(uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Person `i`'s email: unique per i.
std::string EmailOf(int64_t i) {
  uint64_t h = Mix(static_cast<uint64_t>(i));
  return absl::StrCat(Pick(kFirst, h), ".", Pick(kLast, h >> 8), ".", i, "@example.com");
}

// Revision `revision` (0: the first) of person `i`'s CONTACT record.
hub::v1::SourceRecord PersonRecord(int64_t i, int64_t revision) {
  uint64_t h = Mix(static_cast<uint64_t>(i));
  hub::v1::SourceRecord r;
  r.set_source("bench");
  r.set_entity(hub::v1::CONTACT);
  r.set_external_id(absl::StrCat("p", i));
  r.mutable_updated_at()->set_seconds(kEpoch + revision);
  hub::v1::Identifier* email = r.add_identifiers();
  email->set_type("email");
  email->set_value(EmailOf(i));
  auto& a = *r.mutable_attributes();
  a["first_name"] = Pick(kFirst, h);
  a["last_name"] = Pick(kLast, h >> 8);
  a["city"] = Pick(kCities, (h >> 16) + static_cast<uint64_t>(revision));
  a["postcode"] = absl::StrCat(2000 + (h >> 24) % 8000);
  a["birth_date"] = absl::StrCat(1940 + (h >> 32) % 65, "-0", 1 + (h >> 40) % 9, "-1",
                                 (h >> 48) % 10);
  a["title"] = Pick(kTitles, h >> 56);
  return r;
}

// ---- build ------------------------------------------------------------------

int Build(const std::string& db, int64_t profiles) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  auto store = hub::OpenSqliteStore(hub::SqliteStoreOptions{db});
  Check(store.status(), "open");
  hub::v1::Source source;
  source.set_name("sources/bench");
  source.set_kind("salesforce");  // never pulled: the ingest beside streams into it
  source.set_path("/nonexistent");
  Check((*store)->CreateSource("bench", source), "create source");
  hub::Ingester ingester(store->get());
  ingester.set_stage_window(hub::kDefaultStageWindow);  // as hubd
  const auto start = Clock::now();
  constexpr int64_t kPage = 5000;
  for (int64_t i = 0; i < profiles; i += kPage) {
    std::vector<hub::v1::SourceRecord> page;
    for (int64_t j = i; j < std::min(profiles, i + kPage); ++j) page.push_back(PersonRecord(j, 0));
    Check(ingester.IngestBatch(std::move(page)).status(), "ingest");
    if ((i / kPage) % 20 == 19) {
      fprintf(stderr, "  %lld persons, %.0f s\n", static_cast<long long>(i + kPage),
              std::chrono::duration<double>(Clock::now() - start).count());
    }
  }
  Check(ingester.FlushStages(), "flush stages");
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  // The driver names person i "profiles/<i+1>": check that on a sample.
  std::mt19937_64 rng(1);
  for (int k = 0; k < 1000; ++k) {
    int64_t i = static_cast<int64_t>(rng() % profiles);
    auto id = (*store)->FindIdentity(hub::Side::kPerson, "email", EmailOf(i));
    Check(id.status(), "find identity");
    if (*id != i + 1) {
      fprintf(stderr, "serve_bench: person %lld is profiles/%lld, not %lld\n",
              static_cast<long long>(i), static_cast<long long>(*id),
              static_cast<long long>(i + 1));
      return 1;
    }
  }
  store->reset();
  printf("built %lld persons in %.1f s (%.0f records/s), %.0f MB\n",
         static_cast<long long>(profiles), seconds, profiles / seconds,
         std::filesystem::file_size(db) / 1e6);
  return 0;
}

// ---- serve ------------------------------------------------------------------

// On the callback API, as hubd serves GetProfile and LookupProfile: the
// baseline pays the same threading as the reads it is compared with.
class EchoServiceImpl final : public hub::bench::EchoService::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const hub::bench::EchoRequest* request,
                                 hub::bench::EchoResponse* response) override {
    response->set_payload(request->payload());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

absl::StatusOr<hub::v1::HubConfig> BenchConfig(const std::string& db) {
  hub::v1::HubConfig config;
  config.set_db_path(db);
  config.set_listen_address("127.0.0.1:0");
  for (const auto& [token, role] : {std::pair{kServiceToken, "service"},
                                    std::pair{kSyncToken, "sync"}}) {
    hub::v1::TokenConfig* t = config.add_tokens();
    t->set_principal(absl::StrCat("bench-", role));
    t->set_role(role);
    t->set_sha256(hub::Sha256Hex(token));
  }
  (*config.mutable_classification()->mutable_traits())["birth_date"] = "sensitive";
  absl::Status s = hub::FinishConfig(&config);
  if (!s.ok()) return s;
  return config;
}

int Serve(const std::string& db) {
  auto config = BenchConfig(db);
  Check(config.status(), "config");
  EchoServiceImpl echo;
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);  // as hubd_main
  hub::ServerOptions options{*config};
  options.extra_services = {&echo};
  auto server = hub::Server::Create(options);
  Check(server.status(), "server");
  printf("port %d\n", (*server)->port());
  fflush(stdout);
  char buf[256];
  while (read(STDIN_FILENO, buf, sizeof buf) > 0) {
  }
  (*server)->Shutdown();
  return 0;
}

// ---- the child server, seen from the driver -----------------------------------

struct Child {
  pid_t pid = -1;
  int stdin_fd = -1;
  int port = 0;
};

Child StartServer(const char* self, const std::string& db) {
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) exit(1);
  Child c;
  c.pid = fork();
  if (c.pid == 0) {
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    close(in[1]);
    close(out[0]);
    execl(self, self, "serve", "--db", db.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  c.stdin_fd = in[1];
  std::string line;
  char ch;
  while (read(out[0], &ch, 1) == 1 && ch != '\n') line += ch;
  close(out[0]);
  if (!absl::SimpleAtoi(absl::StripPrefix(line, "port "), &c.port) || c.port == 0) {
    fprintf(stderr, "serve_bench: the server did not start (\"%s\")\n", line.c_str());
    exit(1);
  }
  return c;
}

void StopServer(Child* c) {
  close(c->stdin_fd);
  int status = 0;
  waitpid(c->pid, &status, 0);
}

// A line's value in kB from /proc/<pid>/status, e.g. "VmRSS".
int64_t ProcStatusKb(pid_t pid, const std::string& key) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) != 0) continue;
    int64_t kb = 0;
    std::vector<std::string> parts = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (parts.size() >= 2) (void)absl::SimpleAtoi(parts[1], &kb);
    return kb;
  }
  return 0;
}

// ---- the load -----------------------------------------------------------------

struct PointResult {
  double qps = 0;
  double p50_ms = 0, p99_ms = 0, p999_ms = 0;
  int64_t errors = 0;
  std::string first_error;
};

double Quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1, static_cast<size_t>(q * sorted.size()))];
}

// One unary call slot: started again as soon as it completes.
template <typename Request, typename Response>
struct Slot {
  std::unique_ptr<grpc::ClientContext> context;
  Request request;
  Response response;
  grpc::Status status;
  Clock::time_point start;
  std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> reader;
};

// Keeps exactly `in_flight` calls of `prepare` (a stub's PrepareAsyncX)
// going from this thread for `warmup` + `window`; measures the calls that
// complete inside the window.
template <typename Request, typename Response, typename Prepare, typename Fill>
PointResult RunPoint(Prepare prepare, Fill fill, int in_flight, double warmup, double window) {
  grpc::CompletionQueue cq;
  std::mt19937_64 rng(Mix(static_cast<uint64_t>(in_flight)) ^ Clock::now().time_since_epoch().count());
  using S = Slot<Request, Response>;
  std::vector<std::unique_ptr<S>> slots;
  auto issue = [&](S* s) {
    s->context = std::make_unique<grpc::ClientContext>();
    s->context->AddMetadata("authorization", absl::StrCat("Bearer ", kServiceToken));
    s->context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    fill(rng, &s->request);
    s->start = Clock::now();
    s->reader = prepare(s->context.get(), s->request, &cq);
    s->reader->StartCall();
    s->reader->Finish(&s->response, &s->status, s);
  };
  const Clock::time_point begin = Clock::now();
  const Clock::time_point from = begin + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(warmup));
  const Clock::time_point until = from + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(window));
  for (int i = 0; i < in_flight; ++i) {
    slots.push_back(std::make_unique<S>());
    issue(slots.back().get());
  }
  PointResult r;
  std::vector<double> ms;
  int outstanding = in_flight;
  void* tag = nullptr;
  bool ok = false;
  while (outstanding > 0 && cq.Next(&tag, &ok)) {
    S* s = static_cast<S*>(tag);
    const Clock::time_point now = Clock::now();
    if (s->start >= from && now <= until) {
      ms.push_back(std::chrono::duration<double, std::milli>(now - s->start).count());
      if (!s->status.ok() && r.errors++ == 0) r.first_error = s->status.error_message();
    }
    if (now < until) {
      issue(s);
    } else {
      --outstanding;
    }
  }
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  std::sort(ms.begin(), ms.end());
  r.qps = ms.size() / window;
  r.p50_ms = Quantile(ms, 0.5);
  r.p99_ms = Quantile(ms, 0.99);
  r.p999_ms = Quantile(ms, 0.999);
  return r;
}

// ---- the ingest beside ----------------------------------------------------------

struct IngestBeside {
  std::atomic<bool> stop{false};
  int64_t records = 0;  // acknowledged
  double seconds = 0;
  std::string error;
};

// Streams pages of IngestRecords at `rate` records/s until `state->stop`:
// a `new_fraction` of new persons (numbered from `*next_new` on), the rest
// newer revisions of random existing ones.
void RunIngest(std::shared_ptr<grpc::Channel> channel, int64_t profiles, double rate, int page_size,
               double new_fraction, int64_t* next_new, int64_t* next_revision,
               IngestBeside* state) {
  auto stub = hub::v1::SyncService::NewStub(channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", absl::StrCat("Bearer ", kSyncToken));
  auto stream = stub->IngestRecords(&context);
  std::mt19937_64 rng(*next_new);
  const Clock::time_point start = Clock::now();
  Clock::time_point due = start;
  const auto period = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(page_size / rate));
  while (!state->stop.load()) {
    hub::v1::IngestRecordsRequest page;
    page.set_source("sources/bench");
    page.set_cursor(absl::StrCat("beside-", *next_revision));
    for (int k = 0; k < page_size; ++k) {
      const bool fresh = std::uniform_real_distribution<double>(0, 1)(rng) < new_fraction;
      const int64_t i = fresh ? (*next_new)++ : static_cast<int64_t>(rng() % profiles);
      *page.add_records() = PersonRecord(i, fresh ? 0 : ++*next_revision);
    }
    hub::v1::IngestRecordsResponse ack;
    if (!stream->Write(page) || !stream->Read(&ack)) break;
    state->records += page_size;
    due += period;
    if (Clock::now() - due > std::chrono::seconds(1)) due = Clock::now();  // no bursts after a stall
    std::this_thread::sleep_until(due);
  }
  state->seconds = std::chrono::duration<double>(Clock::now() - start).count();
  stream->WritesDone();
  grpc::Status s = stream->Finish();
  if (!s.ok()) state->error = s.error_message();
}

// ---- run ------------------------------------------------------------------------

struct RunOptions {
  std::string db;
  int64_t profiles = 1000000;
  int reps = 3;
  double seconds = 5;
  double warmup = 1;
  std::vector<int> in_flight = {1, 8, 32, 128};
  double ingest_rate = 10000;
  int ingest_page = 500;
  double new_fraction = 0.2;
  std::vector<std::string> modes = {"plain", "ingest"};
};

struct Key {
  std::string mode;
  int in_flight;
  std::string rpc;
  bool operator<(const Key& o) const {
    return std::tie(mode, in_flight, rpc) < std::tie(o.mode, o.in_flight, o.rpc);
  }
};

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

PointResult Measure(hub::bench::EchoService::Stub* echo, hub::v1::ProfileService::Stub* profiles,
                    const std::string& rpc, int n, const RunOptions& o) {
  const int64_t count = o.profiles;
  if (rpc == "echo") {
    return RunPoint<hub::bench::EchoRequest, hub::bench::EchoResponse>(
        [&](grpc::ClientContext* c, const hub::bench::EchoRequest& r, grpc::CompletionQueue* q) {
          return echo->PrepareAsyncEcho(c, r, q);
        },
        [](std::mt19937_64&, hub::bench::EchoRequest* r) { r->set_payload("profiles/123456"); },
        n, o.warmup, o.seconds);
  }
  if (rpc == "get") {
    return RunPoint<hub::v1::GetProfileRequest, hub::v1::Profile>(
        [&](grpc::ClientContext* c, const hub::v1::GetProfileRequest& r,
            grpc::CompletionQueue* q) { return profiles->PrepareAsyncGetProfile(c, r, q); },
        [count](std::mt19937_64& rng, hub::v1::GetProfileRequest* r) {
          r->set_name(absl::StrCat("profiles/", 1 + static_cast<int64_t>(rng() % count)));
        },
        n, o.warmup, o.seconds);
  }
  return RunPoint<hub::v1::LookupProfileRequest, hub::v1::Profile>(
      [&](grpc::ClientContext* c, const hub::v1::LookupProfileRequest& r,
          grpc::CompletionQueue* q) { return profiles->PrepareAsyncLookupProfile(c, r, q); },
      [count](std::mt19937_64& rng, hub::v1::LookupProfileRequest* r) {
        r->set_identifier_type("email");
        r->set_identifier_value(EmailOf(static_cast<int64_t>(rng() % count)));
      },
      n, o.warmup, o.seconds);
}

std::shared_ptr<grpc::Channel> NewChannel(int port, int which) {
  grpc::ChannelArguments args;
  args.SetInt("serve_bench.channel", which);  // a connection of its own
  return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials(), args);
}

int Run(const char* self, const RunOptions& o) {
  std::map<Key, std::vector<PointResult>> all;
  std::map<Key, std::vector<double>> ingest_rates;
  std::vector<double> rss_open, rss_end, hwm_end;
  const std::string work = o.db + ".work";
  for (int rep = 1; rep <= o.reps; ++rep) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(work + suffix);
    std::filesystem::copy_file(o.db, work);
    const Clock::time_point started = Clock::now();
    Child child = StartServer(self, work);
    const double open_s = std::chrono::duration<double>(Clock::now() - started).count();
    rss_open.push_back(ProcStatusKb(child.pid, "VmRSS") / 1024.0);
    fprintf(stderr, "rep %d: server pid %d port %d up in %.1f s, VmRSS %.0f MB\n", rep,
            child.pid, child.port, open_s, rss_open.back());
    auto reads = NewChannel(child.port, 1);
    auto echo = hub::bench::EchoService::NewStub(reads);
    auto profiles = hub::v1::ProfileService::NewStub(reads);
    int64_t next_new = o.profiles, next_revision = 0;
    for (const std::string& mode : o.modes) {
      for (int n : o.in_flight) {
        for (const std::string rpc : {"echo", "get", "lookup"}) {
          IngestBeside beside;
          std::thread ingest;
          if (mode == "ingest") {
            ingest = std::thread(RunIngest, NewChannel(child.port, 2), o.profiles, o.ingest_rate,
                                 o.ingest_page, o.new_fraction, &next_new, &next_revision,
                                 &beside);
          }
          PointResult r = Measure(echo.get(), profiles.get(), rpc, n, o);
          beside.stop = true;
          if (ingest.joinable()) ingest.join();
          const double rate = beside.seconds > 0 ? beside.records / beside.seconds : 0;
          Key key{mode, n, rpc};
          all[key].push_back(r);
          ingest_rates[key].push_back(rate);
          fprintf(stderr,
                  "  %-6s %3d in flight %-6s %8.0f/s p50 %6.3f p99 %6.3f p999 %6.3f ms"
                  "%s%s%s\n",
                  mode.c_str(), n, rpc.c_str(), r.qps, r.p50_ms, r.p99_ms, r.p999_ms,
                  mode == "ingest" ? absl::StrCat("  ingest ", static_cast<int64_t>(rate), "/s").c_str() : "",
                  r.errors ? absl::StrCat("  ERRORS ", r.errors, ": ", r.first_error).c_str() : "",
                  beside.error.empty() ? "" : absl::StrCat("  ingest error: ", beside.error).c_str());
        }
      }
    }
    rss_end.push_back(ProcStatusKb(child.pid, "VmRSS") / 1024.0);
    hwm_end.push_back(ProcStatusKb(child.pid, "VmHWM") / 1024.0);
    StopServer(&child);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(work + suffix);
  printf("profiles %lld, %d reps of %.0f s (+%.0f s warm-up) per point; medians\n",
         static_cast<long long>(o.profiles), o.reps, o.seconds, o.warmup);
  printf("| mode | in flight | echo QPS | echo p99 | Get QPS | Get/echo | Get p50 | Get p99 | "
         "Get p999 | Lookup QPS | Lookup/echo | Lookup p50 | Lookup p99 | Lookup p999 | ingest/s |\n");
  printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const std::string& mode : o.modes) {
    for (int n : o.in_flight) {
      auto med = [&](const std::string& rpc, double PointResult::*field) {
        std::vector<double> v;
        for (const PointResult& r : all[Key{mode, n, rpc}]) v.push_back(r.*field);
        return Median(v);
      };
      std::vector<double> rates = ingest_rates[Key{mode, n, "get"}];
      for (double x : ingest_rates[Key{mode, n, "lookup"}]) rates.push_back(x);
      const double echo_qps = med("echo", &PointResult::qps);
      printf("| %s | %d | %.0f | %.2f | %.0f | %.2f | %.2f | %.2f | %.2f | %.0f | %.2f | %.2f | "
             "%.2f | %.2f | %s |\n",
             mode.c_str(), n, echo_qps, med("echo", &PointResult::p99_ms),
             med("get", &PointResult::qps), med("get", &PointResult::qps) / echo_qps,
             med("get", &PointResult::p50_ms), med("get", &PointResult::p99_ms),
             med("get", &PointResult::p999_ms), med("lookup", &PointResult::qps),
             med("lookup", &PointResult::qps) / echo_qps, med("lookup", &PointResult::p50_ms),
             med("lookup", &PointResult::p99_ms), med("lookup", &PointResult::p999_ms),
             mode == "ingest" ? absl::StrCat(static_cast<int64_t>(Median(rates))).c_str() : "-");
    }
  }
  printf("server VmRSS after open %.0f MB, after the run %.0f MB, peak (VmHWM) %.0f MB\n",
         Median(rss_open), Median(rss_end), Median(hwm_end));
  return 0;
}

template <typename T>
std::vector<T> ParseList(const std::string& text) {
  std::vector<T> out;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    if constexpr (std::is_same_v<T, int>) {
      int v = 0;
      if (absl::SimpleAtoi(part, &v)) out.push_back(v);
    } else {
      out.emplace_back(part);
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  std::string mode = argc > 1 ? argv[1] : "";
  RunOptions o;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    bool ok = true;
    if (flag == "--db") o.db = value;
    else if (flag == "--profiles") ok = absl::SimpleAtoi(value, &o.profiles);
    else if (flag == "--reps") ok = absl::SimpleAtoi(value, &o.reps);
    else if (flag == "--seconds") ok = absl::SimpleAtod(value, &o.seconds);
    else if (flag == "--warmup") ok = absl::SimpleAtod(value, &o.warmup);
    else if (flag == "--inflight") o.in_flight = ParseList<int>(value);
    else if (flag == "--ingest-rate") ok = absl::SimpleAtod(value, &o.ingest_rate);
    else if (flag == "--ingest-page") ok = absl::SimpleAtoi(value, &o.ingest_page);
    else if (flag == "--new-fraction") ok = absl::SimpleAtod(value, &o.new_fraction);
    else if (flag == "--modes") o.modes = ParseList<std::string>(value);
    else ok = false;
    if (!ok) {
      fprintf(stderr, "serve_bench: bad flag %s %s\n", flag.c_str(), value.c_str());
      return 2;
    }
  }
  if (o.db.empty() || o.profiles < 1 || o.ingest_page < 1 || o.in_flight.empty()) mode.clear();
  if (mode == "build") return Build(o.db, o.profiles);
  if (mode == "serve") return Serve(o.db);
  if (mode == "run") return Run("/proc/self/exe", o);
  fprintf(stderr, "usage: serve_bench build|serve|run --db FILE [flags; see bench/serve_bench.cc]\n");
  return 2;
}
