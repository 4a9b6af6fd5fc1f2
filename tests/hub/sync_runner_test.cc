#include "adapters/sync_runner.h"

#include "absl/synchronization/notification.h"
#include "adapters/sync_scheduler.h"
#include "hub/sync_service.h"

#include <atomic>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "hub/server.h"
#include "profile/store/sqlite_store.h"
#include "tests/support/records.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::MakeRecord;
using testing_support::TempDir;

// Writes `pages` pages of one contact each, sleeping `delay` before each,
// resuming after the page number in the cursor.
class SlowAdapter : public SourceAdapter {
 public:
  SlowAdapter(int pages, absl::Duration delay) : pages_(pages), delay_(delay) {}
  absl::Status Pull(const std::string& cursor, RecordSink* sink) override {
    int start = cursor.empty() ? 0 : std::stoi(cursor);
    for (int i = start; i < pages_; ++i) {
      absl::SleepFor(delay_);
      std::string id = absl::StrCat("c", i);
      absl::Status s = sink->Write(
          {MakeRecord("slow", hub::v1::CONTACT, id, "2024-01-01T00:00:00Z",
                      {{"email", id + "@x.example"}})},
          absl::StrCat(i + 1));
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  int pages_;
  absl::Duration delay_;
};

class SyncRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *OpenSqliteStore(SqliteStoreOptions{dir_.File("hub.db")});
    ASSERT_TRUE(registry_.Register("slow", [](const hub::v1::Source&, const AdapterOptions&)
                                               -> absl::StatusOr<std::unique_ptr<SourceAdapter>> {
                                     return std::make_unique<SlowAdapter>(20, absl::Milliseconds(20));
                                   }).ok());
    hub::v1::Source source;
    source.set_name("sources/s");
    source.set_kind("slow");
    ASSERT_TRUE(store_->CreateSource("s", source).ok());
    ingester_ = std::make_unique<Ingester>(store_.get());
  }

  hub::v1::SyncJob WaitFor(const std::string& name) {
    hub::v1::SyncJob job;
    for (int i = 0; i < 1000; ++i) {
      const std::string source = name.substr(8, name.find("/syncJobs/") - 8);
      job = *store_->GetSyncJob(source, std::stoi(name.substr(name.rfind('/') + 1)));
      if (job.state() == hub::v1::SyncJob::SUCCEEDED ||
          job.state() == hub::v1::SyncJob::FAILED ||
          job.state() == hub::v1::SyncJob::CANCELLED) {
        break;
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
    return job;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  AdapterRegistry registry_;
  std::unique_ptr<Ingester> ingester_;
};

TEST_F(SyncRunnerTest, OneJobPerSourceAtATime) {
  SyncRunner runner(store_.get(), &registry_, ingester_.get());
  absl::StatusOr<hub::v1::SyncJob> first = runner.Start("s", false);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->name(), "sources/s/syncJobs/1");
  EXPECT_EQ(first->state(), hub::v1::SyncJob::PENDING);
  EXPECT_EQ(runner.Start("s", false).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(runner.Start("nope", false).status().code(), absl::StatusCode::kNotFound);
  hub::v1::SyncJob done = WaitFor(first->name());
  EXPECT_EQ(done.state(), hub::v1::SyncJob::SUCCEEDED);
  EXPECT_EQ(done.records_ingested(), 20);
  EXPECT_EQ(done.batches(), 20);
  // Finished: the next run resumes from the cursor and reads nothing.
  absl::StatusOr<hub::v1::SyncJob> second = runner.Start("s", false);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(WaitFor(second->name()).records_read(), 0);
}

TEST_F(SyncRunnerTest, ShutdownStopsAfterTheCurrentPageAndResumes) {
  std::string name;
  {
    SyncRunner runner(store_.get(), &registry_, ingester_.get());
    name = runner.Start("s", false)->name();
    // Stop once two pages are in (the adapter takes 20 ms a page).
    for (int i = 0; i < 3000 && store_->LoadCursor("s").value_or("").empty(); ++i) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    runner.Shutdown();
    EXPECT_EQ(runner.Start("s", false).status().code(), absl::StatusCode::kUnavailable);
  }
  hub::v1::SyncJob stopped = *store_->GetSyncJob("s", 1);
  EXPECT_EQ(stopped.state(), hub::v1::SyncJob::FAILED);
  EXPECT_NE(stopped.error().find("interrupted by shutdown"), std::string::npos) << stopped.error();
  int64_t committed = std::stoi(*store_->LoadCursor("s"));
  EXPECT_GT(committed, 0);
  EXPECT_LT(committed, 20);
  EXPECT_EQ(store_->Counts()->persons, committed);

  SyncRunner again(store_.get(), &registry_, ingester_.get());
  hub::v1::SyncJob resumed = WaitFor(again.Start("s", false)->name());
  EXPECT_EQ(resumed.state(), hub::v1::SyncJob::SUCCEEDED);
  EXPECT_EQ(resumed.records_read(), 20 - committed);
  EXPECT_EQ(store_->Counts()->persons, 20);
}

TEST_F(SyncRunnerTest, CancelStopsAfterTheCurrentPageAndTheNextRunResumes) {
  SyncRunner runner(store_.get(), &registry_, ingester_.get());
  std::string name = runner.Start("s", false)->name();
  for (int i = 0; i < 3000 && store_->LoadCursor("s").value_or("").empty(); ++i) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  absl::StatusOr<hub::v1::SyncJob> cancelling = runner.Cancel("s", 1);
  ASSERT_TRUE(cancelling.ok()) << cancelling.status();
  EXPECT_EQ(cancelling->name(), name);
  hub::v1::SyncJob cancelled = WaitFor(name);
  ASSERT_EQ(cancelled.state(), hub::v1::SyncJob::CANCELLED);
  EXPECT_EQ(cancelled.error(), "");
  const std::string cursor = *store_->LoadCursor("s");
  const int committed = std::stoi(cursor);
  EXPECT_LT(committed, 20);
  EXPECT_EQ(cancelled.cursor(), cursor);
  EXPECT_EQ(cancelled.batches(), committed);
  EXPECT_EQ(cancelled.records_ingested(), committed);
  EXPECT_EQ(store_->Counts()->persons, committed);
  EXPECT_EQ(runner.Cancel("s", 1).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(runner.Cancel("s", 7).status().code(), absl::StatusCode::kNotFound);

  hub::v1::SyncJob resumed = WaitFor(runner.Start("s", false)->name());
  EXPECT_EQ(resumed.state(), hub::v1::SyncJob::SUCCEEDED);
  EXPECT_EQ(resumed.records_read(), 20 - committed);
  EXPECT_EQ(resumed.cursor(), "20");
  EXPECT_EQ(store_->Counts()->persons, 20);
}

TEST_F(SyncRunnerTest, RemoteJobCommitsEachPageWithItsCursorAndHoldsTheSource) {
  SyncRunner runner(store_.get(), &registry_, ingester_.get());
  absl::StatusOr<std::unique_ptr<RemoteJob>> job = runner.BeginRemote("s");
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ((*job)->name(), "sources/s/syncJobs/1");
  EXPECT_EQ(runner.Start("s", false).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(runner.BeginRemote("nope").status().code(), absl::StatusCode::kNotFound);
  for (int page = 1; page <= 2; ++page) {
    std::string id = absl::StrCat("r", page);
    absl::StatusOr<hub::v1::SyncJob> acked = (*job)->Commit(
        {MakeRecord("elsewhere", hub::v1::CONTACT, id, "2024-01-01T00:00:00Z",
                    {{"email", id + "@x.example"}})},
        absl::StrCat("p", page));
    ASSERT_TRUE(acked.ok()) << acked.status();
    EXPECT_EQ(acked->batches(), page);
    EXPECT_EQ(acked->records_ingested(), page);
    EXPECT_EQ(acked->cursor(), absl::StrCat("p", page));
    EXPECT_EQ(*store_->LoadCursor("s"), absl::StrCat("p", page));
  }
  (*job)->End(absl::OkStatus());
  hub::v1::SyncJob done = *store_->GetSyncJob("s", 1);
  EXPECT_EQ(done.state(), hub::v1::SyncJob::SUCCEEDED);
  EXPECT_EQ(done.batches(), 2);

  // A cancelled remote job refuses its next page and ends CANCELLED.
  absl::StatusOr<std::unique_ptr<RemoteJob>> second = runner.BeginRemote("s");
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE(runner.Cancel("s", 2).ok());
  absl::Status refused = (*second)->Commit({}, "p3").status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kCancelled);
  (*second)->End(refused);
  EXPECT_EQ(store_->GetSyncJob("s", 2)->state(), hub::v1::SyncJob::CANCELLED);
  EXPECT_EQ(*store_->LoadCursor("s"), "p2");
  EXPECT_EQ(store_->Counts()->persons, 2);
  second->reset();
  EXPECT_TRUE(runner.BeginRemote("s").ok());  // the source is free again
}

// Pulls one page of one contact ("<kind>-1") after waiting for `release`
// (if any); fails at once if `fail`. Resumes: nothing after cursor "1".
class ScriptedAdapter : public SourceAdapter {
 public:
  ScriptedAdapter(std::string kind, absl::Notification* release, bool fail)
      : kind_(std::move(kind)), release_(release), fail_(fail) {}
  absl::Status Pull(const std::string& cursor, RecordSink* sink) override {
    if (fail_) return absl::InternalError("source is down");
    if (release_ != nullptr) release_->WaitForNotification();
    if (cursor == "1") return absl::OkStatus();
    std::string id = kind_ + "-1";
    return sink->Write({MakeRecord(kind_, hub::v1::CONTACT, id, "2024-01-01T00:00:00Z",
                                   {{"email", id + "@x.example"}})},
                       "1");
  }

 private:
  std::string kind_;
  absl::Notification* release_;
  bool fail_;
};

class SyncSchedulerTest : public SyncRunnerTest {
 protected:
  void SetUp() override {
    SyncRunnerTest::SetUp();
    for (const char* kind : {"quick", "stuck", "broken"}) {
      std::string k = kind;
      ASSERT_TRUE(registry_.Register(k, [this, k](const hub::v1::Source&, const AdapterOptions&)
                                            -> absl::StatusOr<std::unique_ptr<SourceAdapter>> {
                            return std::make_unique<ScriptedAdapter>(
                                k, k == "stuck" ? &release_ : nullptr, k == "broken");
                          }).ok());
      hub::v1::Source source;
      source.set_name("sources/" + k);
      source.set_kind(k);
      ASSERT_TRUE(store_->CreateSource(k, source).ok());
    }
  }

  std::vector<hub::v1::SyncJob> Jobs(const std::string& id) {
    return store_->ListSyncJobs(id).value_or(std::vector<hub::v1::SyncJob>{});
  }

  absl::Notification release_;
};

TEST_F(SyncSchedulerTest, EachSourceRunsOnItsIntervalAndASlowOrFailingOneStallsNoOther) {
  SyncRunner runner(store_.get(), &registry_, ingester_.get());
  SyncScheduler scheduler(&runner);
  for (const char* id : {"quick", "stuck", "broken"}) {
    ASSERT_TRUE(scheduler.Schedule(id, absl::Milliseconds(200)).ok());
  }
  EXPECT_EQ(scheduler.Schedule("quick", absl::Seconds(1)).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(scheduler.Schedule("s", absl::ZeroDuration()).code(),
            absl::StatusCode::kInvalidArgument);
  // Generous deadline: only the condition matters, not the speed.
  const absl::Time deadline = absl::Now() + absl::Seconds(120);
  while (absl::Now() < deadline && (Jobs("quick").size() < 3 || Jobs("broken").size() < 3)) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_GE(Jobs("quick").size(), 3u);
  ASSERT_GE(Jobs("broken").size(), 3u);
  // The stuck source's first job still runs; every later tick was skipped.
  std::vector<hub::v1::SyncJob> stuck = Jobs("stuck");
  ASSERT_EQ(stuck.size(), 1u);
  EXPECT_EQ(stuck[0].state(), hub::v1::SyncJob::RUNNING);
  // On demand still works beside the schedule: refused while one runs.
  EXPECT_EQ(runner.Start("stuck", false).status().code(),
            absl::StatusCode::kFailedPrecondition);

  release_.Notify();
  scheduler.Shutdown();
  const size_t quick_jobs = Jobs("quick").size();
  for (const char* id : {"quick", "stuck", "broken"}) {
    for (const hub::v1::SyncJob& job : Jobs(id)) WaitFor(job.name());
  }
  EXPECT_EQ(Jobs("quick").size(), quick_jobs);  // no tick after Shutdown
  std::vector<hub::v1::SyncJob> quick = Jobs("quick");
  int64_t read = 0;
  for (const hub::v1::SyncJob& job : quick) {
    EXPECT_EQ(job.state(), hub::v1::SyncJob::SUCCEEDED) << job.name();
    read += job.records_read();
  }
  EXPECT_EQ(read, 1);
  EXPECT_EQ(quick.back().records_read(), 1);  // the first job read it
  for (const hub::v1::SyncJob& job : Jobs("broken")) {
    EXPECT_EQ(job.state(), hub::v1::SyncJob::FAILED);
    EXPECT_EQ(job.error(), "INTERNAL: source is down");
  }
  EXPECT_EQ(Jobs("stuck").back().state(), hub::v1::SyncJob::SUCCEEDED);
  EXPECT_EQ(Jobs("stuck").back().records_read(), 1);
  EXPECT_EQ(store_->Counts()->persons, 2);
}

TEST_F(SyncSchedulerTest, ShutdownStopsTimersBeforeTheirFirstTick) {
  SyncRunner runner(store_.get(), &registry_, ingester_.get());
  SyncScheduler scheduler(&runner);
  ASSERT_TRUE(scheduler.Schedule("quick", absl::Hours(1)).ok());
  scheduler.Shutdown();
  scheduler.Shutdown();  // idempotent
  EXPECT_EQ(scheduler.Schedule("broken", absl::Hours(1)).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(Jobs("quick").size(), 0u);
  release_.Notify();
}

TEST_F(SyncRunnerTest, ABadSyncIntervalIsInvalidArgumentNamingTheField) {
  hub::v1::Source source;
  source.set_kind("slow");
  source.mutable_sync_interval()->set_seconds(-5);
  absl::StatusOr<hub::v1::Source> created =
      CreateSourceChecked(store_.get(), registry_, "neg", source);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(created.status().message(),
            "source.sync_interval: must be a non-negative Duration, got seconds=-5 nanos=0");
  source.mutable_sync_interval()->set_seconds(1);
  source.mutable_sync_interval()->set_nanos(500000000);
  created = CreateSourceChecked(store_.get(), registry_, "pos", source);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(*SyncIntervalOf(*created), absl::Milliseconds(1500));
  EXPECT_EQ(*SyncIntervalOf(hub::v1::Source()), absl::ZeroDuration());
}

TEST_F(SyncRunnerTest, ABadTimeoutOrBudgetIsInvalidArgumentNamingTheField) {
  hub::v1::Source source;
  source.set_kind("slow");
  source.mutable_sync_timeout()->set_seconds(0);
  EXPECT_EQ(CreateSourceChecked(store_.get(), registry_, "t", source).status(),
            absl::InvalidArgumentError(
                "source.sync_timeout: must be a positive Duration, got seconds=0 nanos=0"));
  source.clear_sync_timeout();
  source.set_max_requests(-1);
  EXPECT_EQ(CreateSourceChecked(store_.get(), registry_, "b", source).status(),
            absl::InvalidArgumentError("source.max_requests: must not be negative, got -1"));
  source.set_max_requests(50);
  source.mutable_sync_timeout()->set_seconds(600);
  EXPECT_TRUE(CreateSourceChecked(store_.get(), registry_, "ok", source).ok());
}

TEST_F(SyncRunnerTest, JobsLeftRunningByACrashAreFailedAtStartUp) {
  hub::v1::SyncJob job;
  job.set_state(hub::v1::SyncJob::RUNNING);
  ASSERT_EQ(*store_->CreateSyncJob("s", job), 1);
  SyncRunner runner(store_.get(), &registry_, ingester_.get());
  ASSERT_TRUE(runner.FailInterruptedJobs().ok());
  hub::v1::SyncJob failed = *store_->GetSyncJob("s", 1);
  EXPECT_EQ(failed.state(), hub::v1::SyncJob::FAILED);
  EXPECT_EQ(failed.error().substr(0, 12), "interrupted:");
}

TEST(ServerTest, ShutdownFromAnotherThreadEndsWaitAndIsIdempotent) {
  TempDir dir;
  ServerOptions options;
  options.config.set_listen_address("127.0.0.1:0");
  options.config.set_db_path(dir.File("hub.db"));
  options.config.set_max_batch_records(100);
  std::ostringstream token_out;
  options.token_out = &token_out;
  absl::StatusOr<std::unique_ptr<Server>> server = Server::Create(options);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_GT((*server)->port(), 0);
  EXPECT_EQ(token_out.str().find("HUB_TOKEN=hub_") != std::string::npos, true);
  std::atomic<bool> waited{false};
  std::thread waiter([&] {
    (*server)->Wait();
    waited = true;
  });
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_FALSE(waited.load());
  std::thread second([&] { (*server)->Shutdown(); });
  (*server)->Shutdown();
  second.join();
  waiter.join();
  EXPECT_TRUE(waited.load());
}

TEST(ServerTest, BusyAddressIsUnavailable) {
  TempDir dir;
  ServerOptions options;
  options.config.set_listen_address("127.0.0.1:0");
  options.config.set_db_path(dir.File("a.db"));
  options.config.set_max_batch_records(100);
  std::ostringstream sink;
  options.token_out = &sink;
  auto first = Server::Create(options);
  ASSERT_TRUE(first.ok());
  options.config.set_listen_address(absl::StrCat("127.0.0.1:", (*first)->port()));
  options.config.set_db_path(dir.File("b.db"));
  auto second = Server::Create(options);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace hub
