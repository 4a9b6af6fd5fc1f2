// Test support for adapters/: a collecting RecordSink, temp export folders,
// proto matchers and the cursor-resume check.
#ifndef HUB_TESTS_ADAPTERS_ADAPTER_TEST_SUPPORT_H_
#define HUB_TESTS_ADAPTERS_ADAPTER_TEST_SUPPORT_H_

#include <functional>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "adapters/source_adapter.h"
#include "gmock/gmock.h"
#include "hub/v1/records.pb.h"
#include "hub/v1/sync_service.pb.h"
#include "profile/ingest/record_sink.h"

namespace hub {
namespace testing_support {

// One RecordSink::Write call.
struct Page {
  std::vector<hub::v1::SourceRecord> records;
  std::string cursor;
};

// Collects pages. Optionally fails the Write with index `fail_at` (0-based)
// with `error`, committing nothing of it.
class CollectingSink : public RecordSink {
 public:
  explicit CollectingSink(
      int fail_at = -1,
      absl::Status error = absl::UnavailableError("sink unavailable"))
      : fail_at_(fail_at), error_(std::move(error)) {}

  absl::Status Write(std::vector<hub::v1::SourceRecord> records,
                     const std::string& cursor) override;

  const std::vector<Page>& pages() const { return pages_; }
  int writes() const { return writes_; }
  // Every record of every page, in order.
  std::vector<hub::v1::SourceRecord> Records() const;
  // The cursor of the last page ("" if none).
  std::string last_cursor() const;

 private:
  int fail_at_;
  absl::Status error_;
  int writes_ = 0;
  std::vector<Page> pages_;
};

// Calls `after` once each page is written.
class HookSink : public RecordSink {
 public:
  explicit HookSink(std::function<void(int pages)> after)
      : after_(std::move(after)) {}
  absl::Status Write(std::vector<hub::v1::SourceRecord> records,
                     const std::string& cursor) override {
    absl::Status written = inner_.Write(std::move(records), cursor);
    if (!written.ok()) return written;
    after_(inner_.writes());
    return absl::OkStatus();
  }
  CollectingSink& inner() { return inner_; }

 private:
  CollectingSink inner_;
  std::function<void(int)> after_;
};

// `v`, sorted.
std::vector<std::string> Sorted(std::vector<std::string> v);

// A fresh, uniquely named folder under testing::TempDir(), removed on
// destruction.
class TempFolder {
 public:
  TempFolder();
  ~TempFolder();
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  const std::string& path() const { return path_; }
  // Writes `content` to `relative` (creating parent folders); returns the
  // full path.
  std::string Write(absl::string_view relative,
                    absl::string_view content) const;

 private:
  std::string path_;
};

// A Source of `kind` reading `path`.
hub::v1::Source FileSource(absl::string_view kind, absl::string_view path);

// Parses a SourceRecord from text format (fails the test if invalid).
hub::v1::SourceRecord ParseRecord(absl::string_view text);

// One line of text format per record (maps sorted), for readable diffs.
std::vector<std::string> Texts(
    const std::vector<hub::v1::SourceRecord>& records);
std::vector<std::string> ExternalIds(
    const std::vector<hub::v1::SourceRecord>& records);

// True if equal; else false with `*diff` describing the difference.
bool RecordsEqual(const hub::v1::SourceRecord& got,
                  const hub::v1::SourceRecord& want, std::string* diff);

// Matches a SourceRecord equal to the text-format `expected`.
MATCHER_P(EqualsRecord, expected, "") {
  hub::v1::SourceRecord want = ParseRecord(expected);
  std::string diff;
  bool equal = RecordsEqual(arg, want, &diff);
  if (!equal) *result_listener << "diff: " << diff;
  return equal;
}

// Pulls everything with `adapter` from the empty cursor, then checks the
// cursor contract: every page has 1..page_size records (at least 1 when
// page_size is 0: an item may map to many records); re-pulling from
// each page's cursor yields exactly the records after that page; pulling
// from the last cursor writes nothing. Returns all records (empty and a
// test failure if a pull fails).
std::vector<hub::v1::SourceRecord> PullAllCheckingResume(SourceAdapter* adapter,
                                                         int page_size);

// Expects a pull from each of `cursors` to fail with INVALID_ARGUMENT and to
// write nothing.
void ExpectInvalidCursors(SourceAdapter* adapter,
                          std::initializer_list<const char*> cursors);

}  // namespace testing_support
}  // namespace hub

#endif  // HUB_TESTS_ADAPTERS_ADAPTER_TEST_SUPPORT_H_
