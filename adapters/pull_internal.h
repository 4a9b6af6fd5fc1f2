// Helpers shared by the file adapters' Pull loops (internal to adapters/).
#ifndef HUB_ADAPTERS_PULL_INTERNAL_H_
#define HUB_ADAPTERS_PULL_INTERNAL_H_

#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/adapter_options.h"
#include "hub/v1/records.pb.h"
#include "hub/v1/sync_service.pb.h"
#include "nlohmann/json_fwd.hpp"
#include "profile/ingest/record_sink.h"

namespace hub {
namespace adapters_internal {

// Factory-time check of a file source: INVALID_ARGUMENT naming `path` if it
// is empty or not a readable directory, or `page_size` if not positive.
absl::Status ValidateFileSource(const hub::v1::Source& source,
                                const AdapterOptions& options);

// Pull-time check of the export folder: NOT_FOUND if it is gone or not a
// directory, PERMISSION_DENIED if it cannot be listed.
absl::Status CheckSourceDir(const std::string& path);

// `dir` + "/" + `name`.
std::string JoinPath(absl::string_view dir, absl::string_view name);

// The names of the regular files directly in `dir`, sorted.
absl::StatusOr<std::vector<std::string>> ListFiles(const std::string& dir);

// The whole content of the file at `path`, or nullopt if there is no such
// file (optional export files). PERMISSION_DENIED if it cannot be opened,
// DATA_LOSS if reading fails.
absl::StatusOr<std::optional<std::string>> ReadOptionalFile(
    const std::string& path);

// Reads a text file line by line (LF or CRLF), in bounded memory.
class LineReader {
 public:
  // NOT_FOUND if there is no file at `path`, PERMISSION_DENIED if it cannot
  // be opened.
  static absl::StatusOr<std::unique_ptr<LineReader>> Open(
      const std::string& path);

  explicit LineReader(std::ifstream in) : in_(std::move(in)) {}
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Reads the next line without its line ending. Returns false at the end of
  // the file; DATA_LOSS if reading fails.
  absl::StatusOr<bool> Next(std::string* line);
  // The number of lines read so far (the 1-based number of the last one).
  int64_t lines_read() const { return lines_read_; }

 private:
  std::ifstream in_;
  int64_t lines_read_ = 0;
};

// Collects records into pages of at most `page_size` and writes each full
// page to the sink. Not thread-safe.
class PageWriter {
 public:
  PageWriter(RecordSink* sink, int page_size)
      : sink_(sink), page_size_(page_size) {}

  // Appends `record`. If the page is then full, writes it with the cursor
  // `cursor_after()` returns, which must be the position just after
  // `record`. Returns the sink's error as is.
  absl::Status Add(hub::v1::SourceRecord record,
                   const std::function<std::string()>& cursor_after);

  // Writes the pending records, if any, with `cursor`.
  absl::Status Finish(const std::string& cursor);

 private:
  RecordSink* sink_;
  int page_size_;
  std::vector<hub::v1::SourceRecord> pending_;
};

// A position in an NDJSON file: `lines` fully consumed, plus the first
// `records` records mapped from the next line (a line may map to several).
struct LinePosition {
  int64_t lines = 0;
  int64_t records = 0;
};

// Maps one parsed line to records.
using LineMapper =
    std::function<absl::StatusOr<std::vector<hub::v1::SourceRecord>>(
        const nlohmann::json& line)>;

// Reads the NDJSON file `file` from `*position` to its end, mapping each
// non-blank line with `map` and adding the records to `pages`; keeps
// `*position` at the record last added, so `cursor_now` (the caller's
// encoder) reports it. Returns NOT_FOUND if there is no such file,
// INVALID_ARGUMENT (as InvalidCursor(kind, cursor, ...)) if `*position`
// lies beyond the file, DATA_LOSS "<file>:<line>: ..." for a line that is
// not JSON or that `map` rejects, and the sink's error as is.
absl::Status PullJsonLines(const std::string& file, const LineMapper& map,
                           LinePosition* position, PageWriter* pages,
                           const std::function<std::string()>& cursor_now,
                           absl::string_view kind, absl::string_view cursor);

// The API token of `source`, read from token_env or token_file (surrounding
// whitespace removed). INVALID_ARGUMENT naming the field if not exactly one
// of them is set ("... for a <kind> source") or the token is unset, not
// readable or empty.
absl::StatusOr<std::string> ReadApiToken(const hub::v1::Source& source,
                                         absl::string_view kind);

// Percent-encodes a URL query value (all but [A-Za-z0-9-_.~]).
std::string UrlEscape(absl::string_view value);

// Cursor text helpers. Escape percent-encodes every byte outside
// [A-Za-z0-9._@+-] so that a value can sit between separators.
std::string EscapeCursorToken(absl::string_view value);
std::optional<std::string> UnescapeCursorToken(absl::string_view token);
// Parses a non-negative decimal count.
std::optional<int64_t> ParseCount(absl::string_view text);
// INVALID_ARGUMENT "invalid <kind> cursor \"<cursor>\": <why>".
absl::Status InvalidCursor(absl::string_view kind, absl::string_view cursor,
                           absl::string_view why);

}  // namespace adapters_internal
}  // namespace hub

#endif  // HUB_ADAPTERS_PULL_INTERNAL_H_
