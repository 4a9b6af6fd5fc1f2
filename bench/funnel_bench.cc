// GetFunnel's latency at scale, against a point lookup measured in the same
// run.
//
//   funnel_bench [--profiles 1000000] [--queries 2000] [--tmp DIR]
//
// Writes N synthetic person stage histories (stage_state rows, as the write
// path stores them: two years of entries, each profile in one of 8
// industries x 3 tiers x 4 regions), reopens the store (which rebuilds the
// in-memory funnel index from those rows), then times, for random periods
// (a month, a quarter, a year) and segments (all, or one industry, tier or
// region):
//   funnel: Store::SumFunnelCounts + FunnelFromCounts, i.e. GetFunnel's work
//           without the RPC;
//   lookup: Store::ListTransitions of a random profile (one primary-key read
//           of its state row): the baseline.
// Prints the open time, the index's cells and the process's peak RSS, and
// the p50/p99 of each. Events do not enter the funnel's cost: the index is
// per transition, and a query per day of the period.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "hub/metrics_service.h"
#include "profile/lifecycle/stage_rules.h"
#include "profile/store/funnel_index.h"
#include "profile/store/sqlite_store.h"

namespace {

using Clock = std::chrono::steady_clock;

void Check(const absl::Status& s) {
  if (!s.ok()) {
    fprintf(stderr, "funnel_bench: %s\n", s.ToString().c_str());
    exit(1);
  }
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

constexpr int64_t kStart = 19723;  // 2024-01-01 as a UTC day
constexpr int kDays = 730;

// A history: entered ATTRACT on a random day, then each next stage after a
// random delay with a falling chance; some customers churn.
std::vector<hub::StoredTransition> RandomHistory(std::mt19937_64& rng) {
  std::vector<hub::Transition> h;
  int64_t at = (kStart + static_cast<int64_t>(rng() % kDays)) * hub::kDayMicros +
               static_cast<int64_t>(rng() % hub::kDayMicros);
  const double go_on[] = {0, 0.5, 0.6, 0.5, 0.4, 0.2};
  for (int stage = 1; stage <= 6; ++stage) {
    h.push_back({at, static_cast<hub::Stage>(stage)});
    if (stage == 6 || std::uniform_real_distribution<double>(0, 1)(rng) > go_on[stage]) break;
    at += static_cast<int64_t>(rng() % (120 * hub::kDayMicros));
  }
  std::vector<hub::TransitionOutcome> o = hub::Outcomes(h);
  std::vector<hub::StoredTransition> out(h.size());
  for (size_t i = 0; i < h.size(); ++i) {
    out[i] = {h[i].at, static_cast<int>(h[i].stage),
              o[i].left == hub::kNever ? 0 : o[i].left,
              o[i].reached_next == hub::kNever ? 0 : o[i].reached_next};
  }
  return out;
}

// What a person counts in the stage metrics: ~20 email sends and ~10
// web days over the two years.
std::vector<hub::CountedItem> RandomCounted(std::mt19937_64& rng) {
  auto bit = [](hub::MetricField f) { return uint64_t{1} << static_cast<int>(f); };
  std::vector<hub::CountedItem> out;
  for (int i = 0; i < 20; ++i) {
    uint64_t fields = bit(hub::MetricField::kSends);
    if (rng() % 50 == 0) {
      fields |= bit(hub::MetricField::kBounced);
    } else {
      fields |= bit(hub::MetricField::kDelivered);
      if (rng() % 4 == 0) fields |= bit(hub::MetricField::kOpened);
      if (rng() % 12 == 0) fields |= bit(hub::MetricField::kClicked);
    }
    out.push_back({kStart + static_cast<int64_t>(rng() % kDays), fields, 0, 1});
  }
  for (int i = 0; i < 10; ++i) {
    out.push_back({kStart + static_cast<int64_t>(rng() % kDays),
                   bit(hub::MetricField::kPageViews), 0, 1 + static_cast<int64_t>(rng() % 5)});
  }
  std::sort(out.begin(), out.end(), [](const hub::CountedItem& a, const hub::CountedItem& b) {
    return a.day < b.day;
  });
  return out;
}

const char* const kIndustries[] = {"Software", "Retail", "Finance", "Health",
                                   "Energy", "Media", "Logistics", "Education"};
const char* const kTiers[] = {"smb", "mid", "enterprise"};
const char* const kRegions[] = {"amer", "emea", "apac", "latam"};

}  // namespace

int main(int argc, char** argv) {
  int64_t profiles = 1000000;
  int queries = 2000;
  std::string tmp = "/tmp";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--profiles") (void)absl::SimpleAtoi(argv[i + 1], &profiles);
    else if (flag == "--queries") (void)absl::SimpleAtoi(argv[i + 1], &queries);
    else if (flag == "--tmp") tmp = argv[i + 1];
  }
  const std::string path = absl::StrCat(tmp, "/funnel_bench_", getpid(), ".db");
  std::mt19937_64 rng(42);
  {
    auto store = hub::OpenSqliteStore(hub::SqliteStoreOptions{path});
    Check(store.status());
    const auto start = Clock::now();
    for (int64_t id = 1; id <= profiles;) {
      auto tx = (*store)->BeginWrite();
      Check(tx.status());
      hub::FunnelDeltas deltas;
      hub::MetricDeltas metric_deltas;
      for (int n = 0; n < 10000 && id <= profiles; ++n, ++id) {
        hub::StageState state;
        state.side = hub::Side::kPerson;
        state.segments = absl::StrCat("\nindustry=", kIndustries[rng() % 8], "\ntier=",
                                      kTiers[rng() % 3], "\nregion=", kRegions[rng() % 4]);
        state.history = RandomHistory(rng);
        state.counted = RandomCounted(rng);
        hub::AddContributions(state.side, state.history, state.segments, 1, &deltas);
        hub::AddCountedContributions(state.counted, state.segments, 1, &metric_deltas);
        Check((*tx)->PutStageState(id, state));
      }
      Check((*tx)->AddFunnelCounts(std::move(deltas)));
      Check((*tx)->AddMetricCounts(std::move(metric_deltas)));
      Check((*tx)->Commit());
    }
    fprintf(stderr, "wrote %lld histories in %.1f s\n", static_cast<long long>(profiles),
            std::chrono::duration<double>(Clock::now() - start).count());
  }
  const auto open_start = Clock::now();
  auto store = hub::OpenSqliteStore(hub::SqliteStoreOptions{path});
  Check(store.status());
  const double open_seconds = std::chrono::duration<double>(Clock::now() - open_start).count();

  std::vector<double> funnel_ms, metrics_ms, lookup_ms;
  int64_t entries_seen = 0;
  for (int q = 0; q < queries; ++q) {
    const int kind = q % 3;  // month, quarter, year
    const int64_t length = kind == 0 ? 30 : kind == 1 ? 91 : 365;
    const int64_t from = kStart + static_cast<int64_t>(rng() % (kDays - length));
    std::string segment;
    switch (q % 4) {
      case 1: segment = absl::StrCat("industry=", kIndustries[rng() % 8]); break;
      case 2: segment = absl::StrCat("tier=", kTiers[rng() % 3]); break;
      case 3: segment = absl::StrCat("region=", kRegions[rng() % 4]); break;
      default: break;
    }
    auto t0 = Clock::now();
    auto counts = (*store)->SumFunnelCounts(hub::Side::kPerson, segment, from, from + length);
    Check(counts.status());
    hub::v1::Funnel funnel = hub::FunnelFromCounts(*counts, 90);
    funnel_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    entries_seen += funnel.stages(0).entries();

    // GetStageMetrics' store reads: the funnel, the period's metric
    // counters, and the counters up to its start (accounts in EXPAND then).
    t0 = Clock::now();
    auto person_funnel =
        (*store)->SumFunnelCounts(hub::Side::kPerson, segment, from, from + length);
    auto during = (*store)->SumMetrics(segment, from, from + length);
    auto before = (*store)->SumMetrics(segment, std::numeric_limits<int64_t>::min(), from + 1);
    Check(person_funnel.status());
    Check(during.status());
    Check(before.status());
    metrics_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());

    const int64_t id = 1 + static_cast<int64_t>(rng() % profiles);
    t0 = Clock::now();
    auto history = (*store)->ListTransitions(id);
    Check(history.status());
    lookup_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  printf("profiles           %lld (%lld ATTRACT entries seen over the queries)\n",
         static_cast<long long>(profiles), static_cast<long long>(entries_seen));
  printf("open (index build) %.2f s\n", open_seconds);
  printf("peak RSS           %ld MB\n", usage.ru_maxrss / 1024);
  printf("funnel query       p50 %.3f ms  p99 %.3f ms  (%d queries: month/quarter/year x all/segment)\n",
         Percentile(funnel_ms, 0.5), Percentile(funnel_ms, 0.99), queries);
  printf("stage metrics      p50 %.3f ms  p99 %.3f ms  (GetStageMetrics' three index reads)\n",
         Percentile(metrics_ms, 0.5), Percentile(metrics_ms, 0.99));
  printf("point lookup       p50 %.3f ms  p99 %.3f ms  (baseline: one state row by key)\n",
         Percentile(lookup_ms, 0.5), Percentile(lookup_ms, 0.99));
  return 0;
}
