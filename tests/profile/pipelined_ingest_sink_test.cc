#include "profile/ingest/pipelined_ingest_sink.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "profile/store/sqlite_store.h"
#include "tests/support/failing_store.h"
#include "tests/support/records.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::FailingStore;
using testing_support::MakeRecord;
using testing_support::TempDir;

std::vector<hub::v1::SourceRecord> Page(int page) {
  std::vector<hub::v1::SourceRecord> out;
  for (int i = 0; i < 3; ++i) {
    std::string id = absl::StrCat("p", page, "r", i);
    out.push_back(MakeRecord("crm", hub::v1::CONTACT, id, "2024-01-01T00:00:00Z",
                             {{"email", id + "@x.example"}}));
  }
  return out;
}

class PipelinedIngestSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *OpenSqliteStore(SqliteStoreOptions{dir_.File("hub.db")});
    hub::v1::Source source;
    source.set_kind("salesforce");
    ASSERT_TRUE(store_->CreateSource("crm", source).ok());
  }
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(PipelinedIngestSinkTest, AppliesEveryPageInOrderWithItsCursor) {
  Ingester ingester(store_.get());
  std::vector<std::string> seen;
  // The hook runs inside each page's transaction, before it commits: the
  // store still shows the previous page's cursor.
  PipelinedIngestSink sink(
      &ingester, "crm", [&](WriteTransaction*, const IngestStats& s, int64_t pages,
                               const std::string&) {
        seen.push_back(absl::StrCat(pages, ":", s.ingested, ":", *store_->LoadCursor("crm")));
        return absl::OkStatus();
      });
  for (int i = 1; i <= 30; ++i) ASSERT_TRUE(sink.Write(Page(i), absl::StrCat("c", i)).ok());
  ASSERT_TRUE(sink.Finish().ok());
  ASSERT_EQ(seen.size(), 30u);
  EXPECT_EQ(seen[0], "1:3:");
  for (int i = 2; i <= 30; ++i) {
    EXPECT_EQ(seen[i - 1], absl::StrCat(i, ":", 3 * i, ":c", i - 1));
  }
  EXPECT_EQ(*store_->LoadCursor("crm"), "c30");
  EXPECT_EQ(sink.stats().ingested, 90);
  EXPECT_EQ(sink.pages(), 30);
  EXPECT_EQ(store_->Counts()->persons, 90);
  EXPECT_TRUE(sink.Finish().ok());  // idempotent
  EXPECT_EQ(sink.Write(Page(31), "late").code(), absl::StatusCode::kFailedPrecondition);
}

// What the hook writes commits with its page; a hook error rolls the page
// back with its cursor.
TEST_F(PipelinedIngestSinkTest, HookWritesCommitWithThePageAndItsErrorAbortsIt) {
  Ingester ingester(store_.get());
  PipelinedIngestSink sink(
      &ingester, "crm", [&](WriteTransaction* tx, const IngestStats&, int64_t pages,
                                const std::string&) {
        if (pages == 3) return absl::AbortedError("hook refused page 3");
        return tx->SaveCursor("crm", absl::StrCat("hook", pages));
      });
  ASSERT_TRUE(sink.Write(Page(1), "c1").ok());
  ASSERT_TRUE(sink.Write(Page(2), "c2").ok());
  ASSERT_TRUE(sink.Write(Page(3), "c3").ok());
  EXPECT_EQ(sink.Finish().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(*store_->LoadCursor("crm"), "hook2");
  EXPECT_EQ(store_->Counts()->persons, 6);
  EXPECT_EQ(sink.pages(), 2);
}

// Cancel lets the page being applied commit and drops every later one.
TEST_F(PipelinedIngestSinkTest, CancelCommitsTheCurrentPageAndNoLaterOne) {
  Ingester ingester(store_.get());
  PipelinedIngestSink* self = nullptr;
  std::vector<std::string> cursors;
  PipelinedIngestSink sink(
      &ingester, "crm",
      [&](WriteTransaction*, const IngestStats&, int64_t pages, const std::string& cursor) {
        cursors.push_back(cursor);
        if (pages == 2) self->Cancel();  // arrives while page 2 is applied
        return absl::OkStatus();
      },
      /*depth=*/10);
  self = &sink;
  for (int i = 1; i <= 6; ++i) sink.Write(Page(i), absl::StrCat("c", i)).IgnoreError();
  EXPECT_EQ(sink.Finish().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(cursors, (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(*store_->LoadCursor("crm"), "c2");
  EXPECT_EQ(sink.pages(), 2);
  EXPECT_EQ(store_->Counts()->persons, 6);
  EXPECT_EQ(sink.Write(Page(7), "c7").code(), absl::StatusCode::kCancelled);
}

TEST_F(PipelinedIngestSinkTest, AFailedPageStopsTheProducerAndKeepsEarlierPages) {
  FailingStore failing(store_.get());
  Ingester ingester(&failing);
  PipelinedIngestSink sink(&ingester, "crm", nullptr, /*depth=*/1);
  absl::Status error;
  int accepted = 0;
  for (int i = 1; i <= 100 && error.ok(); ++i) {
    if (i == 4) failing.FailAfter(0);  // every store call from now on fails
    error = sink.Write(Page(i), absl::StrCat("c", i));
    if (error.ok()) ++accepted;
  }
  EXPECT_EQ(error.message(), "injected failure");
  EXPECT_LE(accepted, 6);  // the producer learns within depth + 2 pages
  EXPECT_EQ(sink.Finish().message(), "injected failure");
  // Pages 1-3 may or may not have been applied before the failure began;
  // whatever was applied is whole, and its cursor matches.
  int64_t persons = store_->Counts()->persons;
  EXPECT_EQ(persons % 3, 0);
  std::string cursor = *store_->LoadCursor("crm");
  EXPECT_EQ(cursor, persons == 0 ? "" : absl::StrCat("c", persons / 3));
}

}  // namespace
}  // namespace hub
