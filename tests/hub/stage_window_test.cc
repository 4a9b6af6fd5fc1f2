// Coalesced stage work (Ingester::set_stage_window): a generated world
// ingested page by page gives exactly the same stage histories, funnel
// counters and stage-metric counters whether every batch applies its stage
// work or batches defer it to a later one, whatever the window.
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/adapter_registry.h"
#include "gtest/gtest.h"
#include "profile/ingest/ingester.h"
#include "profile/store/sqlite_store.h"

namespace hub {
namespace {

class PageSink : public RecordSink {
 public:
  absl::Status Write(std::vector<hub::v1::SourceRecord> records,
                     const std::string&) override {
    pages.push_back(std::move(records));
    return absl::OkStatus();
  }
  std::vector<std::vector<hub::v1::SourceRecord>> pages;
};

std::string TempDir(const std::string& name) {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string dir = absl::StrCat(base != nullptr ? base : "/tmp", "/hub_stage_window_",
                                 getpid(), "_", name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Every page of every source of a 60-account world, in sync order.
std::vector<std::vector<hub::v1::SourceRecord>> WorldPages() {
  const std::string world = TempDir("world");
  const std::string cmd =
      absl::StrCat(HUB_SAMPLE_BIN, " --out ", world, " --accounts 60 --seed 5 > /dev/null");
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  AdapterRegistry registry;
  RegisterBuiltinAdapters(&registry);
  AdapterOptions options;
  options.page_size = 150;
  PageSink sink;
  for (const char* kind : {"salesforce", "mailchimp", "segment", "ga4", "zendesk"}) {
    hub::v1::Source source;
    source.set_name(absl::StrCat("sources/", kind));
    source.set_kind(kind);
    source.set_path(absl::StrCat(world, "/", kind));
    auto adapter = registry.Create(source, options);
    EXPECT_TRUE(adapter.ok()) << adapter.status();
    if (!adapter.ok()) continue;
    absl::Status s = (*adapter)->Pull("", &sink);
    EXPECT_TRUE(s.ok()) << s;
  }
  return sink.pages;
}

// All stage data a reader can see, as text.
std::string StageDigest(Store* store) {
  std::vector<std::string> lines;
  for (Side side : {Side::kPerson, Side::kAccount}) {
    int64_t after = 0;
    for (;;) {
      absl::StatusOr<IdPage> page = store->ListIds(side, after, 500);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return "";
      for (int64_t id : page->ids) {
        absl::StatusOr<std::vector<StoredTransition>> history = store->ListTransitions(id);
        EXPECT_TRUE(history.ok()) << history.status();
        std::string line = absl::StrCat("profile ", id, ":");
        for (const StoredTransition& t : *history) {
          absl::StrAppend(&line, " ", t.at_us, "/", t.stage, "/", t.left_us, "/", t.reached_us);
        }
        lines.push_back(line);
      }
      if (!page->more || page->ids.empty()) break;
      after = page->ids.back();
    }
  }
  absl::StatusOr<std::vector<std::string>> segments = store->ListSegments();
  EXPECT_TRUE(segments.ok()) << segments.status();
  const int64_t lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
  for (const std::string& segment : *segments) {
    for (Side side : {Side::kPerson, Side::kAccount}) {
      absl::StatusOr<std::vector<FunnelCount>> counts =
          store->SumFunnelCounts(side, segment, lo, hi);
      EXPECT_TRUE(counts.ok()) << counts.status();
      for (const FunnelCount& c : *counts) {
        lines.push_back(absl::StrCat("funnel ", static_cast<int>(side), " [", segment, "] ",
                                     c.stage, " ", c.reach_days, " ", c.stay_days, " ", c.n));
      }
    }
    absl::StatusOr<MetricSums> sums = store->SumMetrics(segment, lo, hi);
    EXPECT_TRUE(sums.ok()) << sums.status();
    for (const auto& [key, n] : *sums) {
      lines.push_back(absl::StrCat("metric [", segment, "] ", key.first, " ", key.second, " ", n));
    }
  }
  return absl::StrJoin(lines, "\n");
}

// With `restart`, the pending notes are applied by a new Ingester over a
// reopened store (as after a crash): their records are read back.
std::string IngestWithWindow(const std::vector<std::vector<hub::v1::SourceRecord>>& pages,
                             int64_t window, int64_t* transitions_before_flush,
                             bool restart = false) {
  const std::string dir = TempDir(absl::StrCat("db_", window, restart ? "_restart" : ""));
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenSqliteStore(SqliteStoreOptions{dir + "/hub.db"});
  EXPECT_TRUE(store.ok()) << store.status();
  Ingester ingester(store->get());
  ingester.set_stage_window(window);
  for (const auto& page : pages) {
    absl::StatusOr<IngestStats> stats = ingester.IngestBatch(page);
    EXPECT_TRUE(stats.ok()) << stats.status();
  }
  *transitions_before_flush = 0;
  absl::StatusOr<std::vector<FunnelCount>> before = (*store)->SumFunnelCounts(
      Side::kPerson, "", std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
  EXPECT_TRUE(before.ok());
  for (const FunnelCount& c : *before) *transitions_before_flush += c.n;
  if (restart) {
    store->reset();
    store = OpenSqliteStore(SqliteStoreOptions{dir + "/hub.db"});
    EXPECT_TRUE(store.ok()) << store.status();
    Ingester fresh(store->get());
    absl::Status flushed = fresh.FlushStages();
    EXPECT_TRUE(flushed.ok()) << flushed;
    return StageDigest(store->get());
  }
  absl::Status flushed = ingester.FlushStages();
  EXPECT_TRUE(flushed.ok()) << flushed;
  // Flushing twice changes nothing.
  flushed = ingester.FlushStages();
  EXPECT_TRUE(flushed.ok()) << flushed;
  return StageDigest(store->get());
}

TEST(StageWindowTest, DeferredStageWorkEqualsWorkAppliedPerBatch) {
  const std::vector<std::vector<hub::v1::SourceRecord>> pages = WorldPages();
  ASSERT_GT(pages.size(), 20u);
  int64_t before = 0;
  const std::string per_batch = IngestWithWindow(pages, 0, &before);
  ASSERT_GT(before, 0);  // applied as the batches landed
  ASSERT_NE(per_batch.find("funnel 0 [] 1"), std::string::npos);
  ASSERT_NE(per_batch.find("metric [] "), std::string::npos);
  // Small windows flush every few batches at arbitrary points; the largest
  // defers everything to the final flush.
  for (int64_t window : {int64_t{7}, int64_t{2000}, int64_t{20000},
                         std::numeric_limits<int64_t>::max()}) {
    SCOPED_TRACE(absl::StrCat("window ", window));
    const std::string deferred = IngestWithWindow(pages, window, &before);
    if (window == std::numeric_limits<int64_t>::max()) {
      EXPECT_EQ(before, 0);  // nothing applied before the flush
    }
    EXPECT_EQ(deferred, per_batch);
  }
  SCOPED_TRACE("applied after a restart");
  EXPECT_EQ(IngestWithWindow(pages, std::numeric_limits<int64_t>::max(), &before, true),
            per_batch);
  EXPECT_EQ(before, 0);
}

}  // namespace
}  // namespace hub
