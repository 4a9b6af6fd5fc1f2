#include "adapters/sync_runner.h"

#include "absl/synchronization/notification.h"

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
