// End-to-end ingest throughput against a raw SQLite insert baseline measured
// in the same run.
//
//   ingest_bench --world DIR [--runs 5] [--batch 5000] [--tmp DIR]
//                [--only pipeline|ingest|nostages|raw] [--keep]
//                [--stage-window NOTES]   (Ingester::set_stage_window; default hubd's)
//
// For each run, on fresh database files in --tmp:
//   pipeline: every file adapter pulls DIR's exports through the Ingester
//             (parse, validate, resolve, survive, persist, cursor per page);
//   ingest:   the same records, already in memory, through the Ingester;
//   nostages: the same, with lifecycle stage tracking off (its cost is the
//             ratio of the two);
//   raw:      the same records' serialized bytes INSERTed into one table with
//             a unique (source, entity, external_id) index, WAL, one
//             transaction per batch: what SQLite alone costs for the rows.
// Prints the median records/s of each and the ratios ingest/raw and
// pipeline/raw.
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "adapters/adapter_registry.h"
#include "profile/ingest/ingester.h"
#include "profile/ingest/pipelined_ingest_sink.h"
#include "profile/store/sqlite_store.h"

namespace {

using hub::v1::SourceRecord;
const char* const kKinds[] = {"salesforce", "mailchimp", "segment", "ga4", "zendesk"};

// Collects pages into memory.
class CollectSink : public hub::RecordSink {
 public:
  absl::Status Write(std::vector<SourceRecord> records, const std::string&) override {
    for (auto& r : records) all.push_back(std::move(r));
    return absl::OkStatus();
  }
  std::vector<SourceRecord> all;
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

void Fail(const absl::Status& s) {
  fprintf(stderr, "ingest_bench: %s\n", s.ToString().c_str());
  exit(1);
}

std::unique_ptr<hub::Store> FreshStore(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  auto store = hub::OpenSqliteStore(hub::SqliteStoreOptions{path});
  if (!store.ok()) Fail(store.status());
  return std::move(*store);
}

hub::v1::Source SourceOf(const std::string& world, const char* kind) {
  hub::v1::Source s;
  s.set_name(absl::StrCat("sources/", kind));
  s.set_kind(kind);
  s.set_path(absl::StrCat(world, "/", kind));
  return s;
}

double RunPipeline(const std::string& world, const std::string& db, int batch,
                   const hub::AdapterRegistry& registry, int64_t stage_window,
                   int64_t* count) {
  auto store = FreshStore(db);
  hub::Ingester ingester(store.get());
  ingester.set_stage_window(stage_window);
  hub::AdapterOptions options;
  options.page_size = batch;
  auto start = std::chrono::steady_clock::now();
  *count = 0;
  for (const char* kind : kKinds) {
    hub::v1::Source source = SourceOf(world, kind);
    if (absl::Status s = store->CreateSource(kind, source); !s.ok()) Fail(s);
    auto adapter = registry.Create(source, options);
    if (!adapter.ok()) Fail(adapter.status());
    hub::PipelinedIngestSink sink(&ingester, kind);  // as SyncRunner runs it
    if (absl::Status s = (*adapter)->Pull("", &sink); !s.ok()) Fail(s);
    if (absl::Status s = sink.Finish(); !s.ok()) Fail(s);
    *count += sink.stats().read;
  }
  if (absl::Status s = ingester.FlushStages(); !s.ok()) Fail(s);
  return Seconds(start);
}

// With stages, the time includes the final FlushStages: the stage histories
// and counters are current when it returns.
double RunIngest(std::vector<std::vector<SourceRecord>> pages,
                 const std::string& db, bool stages, int64_t stage_window) {
  auto store = FreshStore(db);
  hub::Ingester ingester(store.get());
  if (!stages) ingester.set_stage_rules(std::nullopt);
  ingester.set_stage_window(stage_window);
  auto start = std::chrono::steady_clock::now();
  for (auto& page : pages) {
    auto stats = ingester.IngestBatch(std::move(page));
    if (!stats.ok()) Fail(stats.status());
  }
  const double batches = Seconds(start);
  if (absl::Status s = ingester.FlushStages(); !s.ok()) Fail(s);
  const double total = Seconds(start);
  if (stages) fprintf(stderr, "  ingest: batches %.2f s, final flush %.2f s\n", batches, total - batches);
  return total;
}

void Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    fprintf(stderr, "sqlite: %s\n", err);
    exit(1);
  }
}

double RunRaw(const std::vector<SourceRecord>& records, const std::string& path,
              int batch) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  std::vector<std::string> payloads;
  payloads.reserve(records.size());
  for (const auto& r : records) payloads.push_back(r.SerializeAsString());
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  Exec(db, "CREATE TABLE raw(seq INTEGER PRIMARY KEY, source TEXT, entity INTEGER, "
           "external_id TEXT, payload BLOB, UNIQUE(source, entity, external_id))");
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO raw(source, entity, external_id, payload) VALUES(?,?,?,?)",
                     -1, &stmt, nullptr);
  auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < records.size(); ++i) {
    if (i % batch == 0) Exec(db, "BEGIN");
    const SourceRecord& r = records[i];
    sqlite3_bind_text(stmt, 1, r.source().data(), r.source().size(), SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, r.entity());
    sqlite3_bind_text(stmt, 3, r.external_id().data(), r.external_id().size(), SQLITE_STATIC);
    sqlite3_bind_blob(stmt, 4, payloads[i].data(), payloads[i].size(), SQLITE_STATIC);
    sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (i % batch == static_cast<size_t>(batch - 1) || i + 1 == records.size()) Exec(db, "COMMIT");
  }
  double secs = Seconds(start);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return secs;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::string world, tmp = "/tmp", only;
  int runs = 5, batch = 5000;
  int64_t stage_window = hub::kDefaultStageWindow;
  bool keep = false;
  for (int i = 1; i < argc; ++i) keep |= std::string(argv[i]) == "--keep";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--keep") { --i; continue; }
    if (flag == "--world") world = argv[i + 1];
    else if (flag == "--tmp") tmp = argv[i + 1];
    else if (flag == "--only") only = argv[i + 1];
    else if (flag == "--runs") (void)absl::SimpleAtoi(argv[i + 1], &runs);
    else if (flag == "--batch") (void)absl::SimpleAtoi(argv[i + 1], &batch);
    else if (flag == "--stage-window") (void)absl::SimpleAtoi(argv[i + 1], &stage_window);
  }
  if (world.empty() || runs < 1 || batch < 1) {
    fprintf(stderr, "usage: ingest_bench --world DIR [--runs 5] [--batch 5000] [--tmp DIR]\n");
    return 2;
  }
  hub::AdapterRegistry registry;
  hub::RegisterBuiltinAdapters(&registry);
  CollectSink all;
  auto parse_start = std::chrono::steady_clock::now();
  for (const char* kind : kKinds) {
    auto adapter = registry.Create(SourceOf(world, kind));
    if (!adapter.ok()) Fail(adapter.status());
    if (absl::Status s = (*adapter)->Pull("", &all); !s.ok()) Fail(s);
  }
  const double parse_rate = all.all.size() / Seconds(parse_start);
  const double n = static_cast<double>(all.all.size());
  std::vector<std::vector<SourceRecord>> pages;
  for (size_t i = 0; i < all.all.size(); i += batch) {
    pages.emplace_back(all.all.begin() + i,
                       all.all.begin() + std::min(all.all.size(), i + static_cast<size_t>(batch)));
  }
  std::string db = absl::StrCat(tmp, "/ingest_bench_", getpid(), ".db");
  std::vector<double> pipeline, ingest, nostages, raw;
  for (int run = 0; run < runs; ++run) {
    int64_t count = 0;
    // --only NAME runs one of the three (for profiling); ratios then read 0.
    pipeline.push_back(only.empty() || only == "pipeline"
                           ? n / RunPipeline(world, db, batch, registry, stage_window, &count) : 0);
    ingest.push_back(only.empty() || only == "ingest"
                         ? n / RunIngest(pages, db, true, stage_window) : 0);
    nostages.push_back(only.empty() || only == "nostages"
                           ? n / RunIngest(pages, db, false, 0) : 0);
    raw.push_back(only.empty() || only == "raw" ? n / RunRaw(all.all, db + ".raw", batch) : 0);
    fprintf(stderr, "run %d: pipeline %.0f/s ingest %.0f/s without stages %.0f/s raw %.0f/s\n",
            run + 1, pipeline.back(), ingest.back(), nostages.back(), raw.back());
  }
  // --keep leaves the last run's database for inspection.
  for (const std::string& p : {db, db + ".raw"}) {
    if (keep) break;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p + suffix);
  }
  if (keep) fprintf(stderr, "kept %s\n", db.c_str());
  double mp = Median(pipeline), mi = Median(ingest), mn = Median(nostages), mr = Median(raw);
  printf("records            %.0f\n", n);
  printf("batch              %d\n", batch);
  printf("stage window       %lld notes\n", static_cast<long long>(stage_window));
  printf("runs               %d (medians below)\n", runs);
  printf("raw sqlite insert  %10.0f records/s\n", mr);
  printf("ingest (memory)    %10.0f records/s  = %.1f%% of raw\n", mi, 100 * mi / mr);
  printf("ingest, no stages  %10.0f records/s  = %.1f%% of raw; stage tracking costs %.1f%%\n",
         mn, 100 * mn / mr, mi > 0 ? 100 * (mn / mi - 1) : 0.0);
  printf("pipeline (files)   %10.0f records/s  = %.1f%% of raw\n", mp, 100 * mp / mr);
  printf("adapters alone     %10.0f records/s  (read + map, once, no store)\n", parse_rate);
  return 0;
}
