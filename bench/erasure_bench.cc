// Erasure time for one subject with many events, in a store holding others.
//
//   erasure_bench [--events 10000] [--others 20000] [--runs 5] [--tmp DIR]
//
// Each run builds a fresh store: `others` persons with a CRM contact and two
// web events each, and the subject with a contact and `events` web events
// (all through the Ingester, stages on), then times EraseSubject by email:
// the preview (validate_only: the same work, rolled back) and the erasure.
// Baseline in the same run: ingesting the subject's records (what the
// erasure undoes). Prints medians.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "profile/ingest/erasure.h"
#include "profile/ingest/ingester.h"
#include "profile/store/sqlite_store.h"
#include "tests/support/records.h"

namespace {

using hub::testing_support::MakeActivity;
using hub::testing_support::MakeRecord;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::vector<hub::v1::SourceRecord> Person(int n, int events) {
  const std::string id = absl::StrCat("p", n);
  const std::string email = absl::StrCat("person", n, "@acme.example");
  std::vector<hub::v1::SourceRecord> out;
  out.push_back(MakeRecord("salesforce", hub::v1::CONTACT, id, "2024-05-01T00:00:00Z",
                           {{"salesforce.contact_id", id}, {"email", email}},
                           {{"first_name", "Ana"}, {"title", "CTO"}}));
  for (int e = 0; e < events; ++e) {
    hub::v1::SourceRecord visit =
        MakeRecord("segment", hub::v1::WEB_EVENT, absl::StrCat(id, "-", e),
                   "2024-06-01T00:00:00Z", {{"email", email}});
    MakeActivity(&visit, absl::StrCat("2024-06-", 1 + e % 28, "T00:00:00Z"), "page_view");
    out.push_back(std::move(visit));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int events = 10000, others = 20000, runs = 5;
  std::string tmp = "/tmp";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--events") events = std::atoi(argv[i + 1]);
    else if (flag == "--others") others = std::atoi(argv[i + 1]);
    else if (flag == "--runs") runs = std::atoi(argv[i + 1]);
    else if (flag == "--tmp") tmp = argv[i + 1];
  }
  std::vector<double> ingest_s, preview_s, erase_s;
  for (int run = 0; run < runs; ++run) {
    const std::string path = absl::StrCat(tmp, "/erasure_bench.db");
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    auto store = *hub::OpenSqliteStore(hub::SqliteStoreOptions{path});
    hub::Ingester ingester(store.get());
    std::vector<hub::v1::SourceRecord> batch;
    for (int n = 1; n <= others; ++n) {
      for (auto& r : Person(n, 2)) batch.push_back(std::move(r));
      if (batch.size() >= 5000) {
        if (!ingester.IngestBatch(std::move(batch)).ok()) return 1;
        batch.clear();
      }
    }
    if (!batch.empty() && !ingester.IngestBatch(std::move(batch)).ok()) return 1;
    auto start = std::chrono::steady_clock::now();
    std::vector<hub::v1::SourceRecord> subject = Person(0, events);
    for (size_t i = 0; i < subject.size(); i += 5000) {
      std::vector<hub::v1::SourceRecord> page(
          subject.begin() + i, subject.begin() + std::min(subject.size(), i + 5000));
      if (!ingester.IngestBatch(std::move(page)).ok()) return 1;
    }
    if (!ingester.FlushStages().ok()) return 1;
    ingest_s.push_back(Seconds(start));
    hub::Actor dpo{"dpo", "steward", "bench", ""};
    start = std::chrono::steady_clock::now();
    auto preview = hub::EraseSubject(store.get(), ingester.stage_rules(), "email",
                                     "person0@acme.example", dpo, true);
    preview_s.push_back(Seconds(start));
    start = std::chrono::steady_clock::now();
    auto erased = hub::EraseSubject(store.get(), ingester.stage_rules(), "email",
                                    "person0@acme.example", dpo, false);
    erase_s.push_back(Seconds(start));
    if (!preview.ok() || !erased.ok() || erased->erased.events != events) {
      std::fprintf(stderr, "erasure failed\n");
      return 1;
    }
  }
  std::printf("subject: 1 contact + %d events; store: %d other persons x 3 records; %d runs\n",
              events, others, runs);
  std::printf("ingest the subject's records (baseline): %.3f s\n", Median(ingest_s));
  std::printf("erasure preview (validate_only):          %.3f s\n", Median(preview_s));
  std::printf("erasure:                                  %.3f s\n", Median(erase_s));
  return 0;
}
