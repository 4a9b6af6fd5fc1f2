#include "profile/ingest/pipelined_sink.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace hub {
namespace {

// Records the cursors it receives; fails from page `fail_at` on.
class RecordingSink : public RecordSink {
 public:
  explicit RecordingSink(int fail_at = -1) : fail_at_(fail_at) {}
  absl::Status Write(std::vector<hub::v1::SourceRecord> records,
                     const std::string& cursor) override {
    if (static_cast<int>(cursors.size()) == fail_at_) {
      return absl::InternalError("disk full");
    }
    cursors.push_back(cursor);
    sizes.push_back(records.size());
    return absl::OkStatus();
  }
  std::vector<std::string> cursors;
  std::vector<size_t> sizes;

 private:
  int fail_at_;
};

std::vector<hub::v1::SourceRecord> Page(int n) {
  return std::vector<hub::v1::SourceRecord>(n);
}

TEST(PipelinedSinkTest, ForwardsEveryPageInOrder) {
  RecordingSink inner;
  PipelinedSink sink(&inner, 2);
  for (int i = 1; i <= 50; ++i) {
    ASSERT_TRUE(sink.Write(Page(i % 7 + 1), "c" + std::to_string(i)).ok());
  }
  ASSERT_TRUE(sink.Finish().ok());
  ASSERT_EQ(inner.cursors.size(), 50u);
  for (int i = 1; i <= 50; ++i) {
    EXPECT_EQ(inner.cursors[i - 1], "c" + std::to_string(i));
    EXPECT_EQ(inner.sizes[i - 1], static_cast<size_t>(i % 7 + 1));
  }
  EXPECT_TRUE(sink.Finish().ok());  // idempotent
  EXPECT_EQ(sink.Write(Page(1), "late").code(), absl::StatusCode::kFailedPrecondition);
}

TEST(PipelinedSinkTest, AFailedPageStopsTheProducerAndDropsLaterPages) {
  RecordingSink inner(/*fail_at=*/3);
  PipelinedSink sink(&inner, 1);
  absl::Status first_error;
  int written = 0;
  for (int i = 1; i <= 100 && first_error.ok(); ++i) {
    first_error = sink.Write(Page(1), "c" + std::to_string(i));
    if (first_error.ok()) ++written;
  }
  EXPECT_EQ(first_error.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(first_error.message(), "disk full");
  EXPECT_LE(written, 5);  // the producer learns within depth + 1 pages
  EXPECT_EQ(sink.Finish().message(), "disk full");
  EXPECT_EQ(inner.cursors, (std::vector<std::string>{"c1", "c2", "c3"}));
}

TEST(PipelinedSinkTest, AnErrorOnTheLastPageReachesFinish) {
  RecordingSink inner(/*fail_at=*/0);
  PipelinedSink sink(&inner);
  ASSERT_TRUE(sink.Write(Page(1), "only").ok());
  EXPECT_EQ(sink.Finish().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(inner.cursors.empty());
}

}  // namespace
}  // namespace hub
