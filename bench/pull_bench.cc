// pull_bench: records per second pulled from a vendor API through the whole
// path (HTTP on loopback → adapter → mapper → Ingester → SQLite), beside the
// file import of the same records in the same run.
//
//   pull_bench --world DIR [--runs 5] [--page-size 100] [--tmp DIR]
//
// DIR is a hub-sample world; its zendesk/ folder is served by the fake
// Zendesk API (tests/support/fake_zendesk_server.h) as cursor-export pages of
// --page-size items, and also read by the file adapter in pages of that size
// (so both commit the same number of batches). Each run syncs both
// into fresh databases the way SyncRunner does (PipelinedIngestSink: the
// adapter prepares a page while the previous one commits) and ends with the
// stages current (FlushStages). Prints the medians and their ratio.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "adapters/adapter_registry.h"
#include "profile/ingest/ingester.h"
#include "profile/ingest/pipelined_ingest_sink.h"
#include "profile/store/sqlite_store.h"
#include "tests/support/fake_zendesk_server.h"

namespace {

constexpr char kTokenEnv[] = "PULL_BENCH_ZENDESK_TOKEN";

void Fail(const absl::Status& s) {
  fprintf(stderr, "pull_bench: %s\n", s.ToString().c_str());
  exit(1);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Syncs `source` into a fresh database at `db`; returns records/s and sets
// `*records`.
double Sync(const hub::v1::Source& source, const std::string& db,
            const hub::AdapterRegistry& registry, int page_size, int64_t* records) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  auto store = hub::OpenSqliteStore(hub::SqliteStoreOptions{db});
  if (!store.ok()) Fail(store.status());
  hub::Ingester ingester(store->get());
  ingester.set_stage_window(hub::kDefaultStageWindow);  // as hubd
  if (absl::Status s = (*store)->CreateSource("bench", source); !s.ok()) Fail(s);
  hub::AdapterOptions options;
  options.page_size = page_size;  // file pages as large as the API's
  auto adapter = registry.Create(source, options);
  if (!adapter.ok()) Fail(adapter.status());
  const auto start = std::chrono::steady_clock::now();
  hub::PipelinedIngestSink sink(&ingester, "bench");
  if (absl::Status s = (*adapter)->Pull("", &sink); !s.ok()) Fail(s);
  if (absl::Status s = sink.Finish(); !s.ok()) Fail(s);
  if (absl::Status s = ingester.FlushStages(); !s.ok()) Fail(s);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  *records = sink.stats().read;
  return *records / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  std::string world, tmp = "/tmp";
  int runs = 5, page_size = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--world") world = argv[i + 1];
    else if (flag == "--tmp") tmp = argv[i + 1];
    else if (flag == "--runs") (void)absl::SimpleAtoi(argv[i + 1], &runs);
    else if (flag == "--page-size") (void)absl::SimpleAtoi(argv[i + 1], &page_size);
  }
  if (world.empty() || runs < 1 || page_size < 1) {
    fprintf(stderr, "usage: pull_bench --world DIR [--runs 5] [--page-size 100] [--tmp DIR]\n");
    return 2;
  }
  hub::testing_support::FakeZendeskOptions fake;
  fake.page_size = page_size;
  auto server = hub::testing_support::FakeZendeskServer::Start(world + "/zendesk", fake);
  if (!server.ok()) Fail(server.status());
  setenv(kTokenEnv, fake.token.c_str(), 1);

  hub::AdapterRegistry registry;
  hub::RegisterBuiltinAdapters(&registry);
  hub::v1::Source api;
  api.set_kind("zendesk_api");
  api.set_base_url((*server)->base_url());
  api.set_auth_email(fake.email);
  api.set_token_env(kTokenEnv);
  hub::v1::Source file;
  file.set_kind("zendesk");
  file.set_path(world + "/zendesk");

  const std::string db = absl::StrCat(tmp, "/pull_bench_", getpid(), ".db");
  std::vector<double> api_rates, file_rates;
  int64_t api_records = 0, file_records = 0;
  for (int run = 0; run < runs; ++run) {
    api_rates.push_back(Sync(api, db, registry, page_size, &api_records));
    file_rates.push_back(Sync(file, db, registry, page_size, &file_records));
    fprintf(stderr, "run %d: api %.0f/s, file %.0f/s\n", run + 1, api_rates.back(),
            file_rates.back());
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  if (api_records != file_records) {
    fprintf(stderr, "pull_bench: the API read %lld records, the files %lld\n",
            static_cast<long long>(api_records), static_cast<long long>(file_records));
    return 1;
  }
  const double a = Median(api_rates), f = Median(file_rates);
  printf("records             %lld (zendesk: users, organizations, tickets, ratings)\n",
         static_cast<long long>(api_records));
  printf("api page size       %d items\n", page_size);
  printf("runs                %d (medians below)\n", runs);
  printf("file import         %10.0f records/s\n", f);
  printf("API pull (loopback) %10.0f records/s  = %.1f%% of the file import\n", a,
         100 * a / f);
  return 0;
}
