#include "tests/adapters/adapter_test_support.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace hub {
namespace testing_support {
namespace fs = std::filesystem;

absl::Status CollectingSink::Write(std::vector<hub::v1::SourceRecord> records,
                                   const std::string& cursor) {
  if (writes_++ == fail_at_) return error_;
  pages_.push_back(Page{std::move(records), cursor});
  return absl::OkStatus();
}

std::vector<hub::v1::SourceRecord> CollectingSink::Records() const {
  std::vector<hub::v1::SourceRecord> all;
  for (const Page& page : pages_) {
    all.insert(all.end(), page.records.begin(), page.records.end());
  }
  return all;
}

std::string CollectingSink::last_cursor() const {
  return pages_.empty() ? "" : pages_.back().cursor;
}

TempFolder::TempFolder() {
  static std::atomic<int> counter{0};
  const ::testing::TestInfo* test =
      ::testing::UnitTest::GetInstance()->current_test_info();
  path_ = absl::StrCat(::testing::TempDir(), "hub_adapters_", getpid(), "_",
                       counter++, "_", test != nullptr ? test->name() : "x");
  std::error_code ec;
  fs::remove_all(path_, ec);
  fs::create_directories(path_);
}

TempFolder::~TempFolder() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempFolder::Write(absl::string_view relative,
                              absl::string_view content) const {
  fs::path file = fs::path(path_) / std::string(relative);
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  EXPECT_TRUE(out.good()) << file;
  return file.string();
}

hub::v1::Source FileSource(absl::string_view kind, absl::string_view path) {
  hub::v1::Source source;
  source.set_kind(std::string(kind));
  source.set_path(std::string(path));
  return source;
}

hub::v1::SourceRecord ParseRecord(absl::string_view text) {
  hub::v1::SourceRecord record;
  EXPECT_TRUE(
      google::protobuf::TextFormat::ParseFromString(std::string(text), &record))
      << text;
  return record;
}

std::vector<std::string> Texts(
    const std::vector<hub::v1::SourceRecord>& records) {
  std::vector<std::string> texts;
  for (const auto& record : records) texts.push_back(record.ShortDebugString());
  return texts;
}

std::vector<std::string> ExternalIds(
    const std::vector<hub::v1::SourceRecord>& records) {
  std::vector<std::string> ids;
  for (const auto& record : records) ids.push_back(record.external_id());
  return ids;
}

bool RecordsEqual(const hub::v1::SourceRecord& got,
                  const hub::v1::SourceRecord& want, std::string* diff) {
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(diff);
  return differencer.Compare(want, got);
}

void ExpectInvalidCursors(SourceAdapter* adapter,
                          std::initializer_list<const char*> cursors) {
  for (const char* cursor : cursors) {
    CollectingSink sink;
    EXPECT_EQ(adapter->Pull(cursor, &sink).code(),
              absl::StatusCode::kInvalidArgument)
        << cursor;
    EXPECT_EQ(sink.writes(), 0) << cursor;
  }
}

std::vector<hub::v1::SourceRecord> PullAllCheckingResume(SourceAdapter* adapter,
                                                         int page_size) {
  CollectingSink full;
  absl::Status status = adapter->Pull("", &full);
  EXPECT_TRUE(status.ok()) << status;
  if (!status.ok()) return {};
  const std::vector<std::string> all = Texts(full.Records());
  size_t offset = 0;
  for (const Page& page : full.pages()) {
    EXPECT_GE(page.records.size(), 1u);
    if (page_size > 0) {
      EXPECT_LE(page.records.size(), static_cast<size_t>(page_size));
    }
    offset += page.records.size();
    CollectingSink rest;
    status = adapter->Pull(page.cursor, &rest);
    EXPECT_TRUE(status.ok()) << "cursor " << page.cursor << ": " << status;
    std::vector<std::string> tail(all.begin() + offset, all.end());
    EXPECT_EQ(Texts(rest.Records()), tail) << "after cursor " << page.cursor;
    if (tail.empty()) {
      EXPECT_EQ(rest.writes(), 0) << page.cursor;
    }
    if (!rest.pages().empty()) {
      EXPECT_EQ(rest.last_cursor(), full.last_cursor()) << page.cursor;
    }
  }
  return full.Records();
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace testing_support
}  // namespace hub
