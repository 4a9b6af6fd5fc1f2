#include "adapters/segment_adapter.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "adapters/adapter_registry.h"
#include "adapters/pull_internal.h"
#include "adapters/segment_mapper.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace {

namespace fs = std::filesystem;
using adapters_internal::LinePosition;

struct SegmentCursor {
  std::string file;  // relative path; empty: from the beginning
  LinePosition position;
  std::optional<int64_t> files;  // archive files at or before `file`
};

std::string EncodeCursor(const std::string& file, const LinePosition& position,
                         int64_t files) {
  std::string out = absl::StrCat(adapters_internal::EscapeCursorToken(file), ":",
                                 position.lines);
  if (position.records != 0) absl::StrAppend(&out, ":", position.records);
  absl::StrAppend(&out, ";files=", files);
  return out;
}

absl::StatusOr<SegmentCursor> ParseCursor(const std::string& cursor) {
  if (cursor.empty()) return SegmentCursor{};
  auto invalid = [&] {
    return adapters_internal::InvalidCursor("segment", cursor, "not a segment position");
  };
  absl::string_view position = cursor;
  SegmentCursor out;
  if (size_t semi = position.find(';'); semi != absl::string_view::npos) {
    absl::string_view count = position.substr(semi + 1);
    if (!absl::ConsumePrefix(&count, "files=")) return invalid();
    out.files = adapters_internal::ParseCount(count);
    if (!out.files) return invalid();
    position = position.substr(0, semi);
  }
  std::vector<absl::string_view> parts = absl::StrSplit(position, ':');
  std::optional<std::string> file;
  std::optional<int64_t> lines, records = 0;
  if (parts.size() >= 2 && parts.size() <= 3) {
    file = adapters_internal::UnescapeCursorToken(parts[0]);
    lines = adapters_internal::ParseCount(parts[1]);
    if (parts.size() == 3) records = adapters_internal::ParseCount(parts[2]);
  }
  if (!file || file->empty() || !lines || !records ||
      (parts.size() == 3 && *records == 0)) {
    return invalid();
  }
  out.file = *file;
  out.position = LinePosition{*lines, *records};
  return out;
}

bool IsArchiveFile(absl::string_view name) {
  return absl::EndsWith(name, ".jsonl") || absl::EndsWith(name, ".ndjson");
}

// The archive files under `dir`, as paths relative to it, sorted.
absl::StatusOr<std::vector<std::string>> ListArchive(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> out;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && IsArchiveFile(it->path().filename().string())) {
      out.push_back(it->path().lexically_relative(dir).generic_string());
    }
  }
  if (ec) {
    return absl::PermissionDeniedError(absl::StrCat("cannot list \"", dir, "\": ", ec.message()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

SegmentAdapter::SegmentAdapter(std::string source, std::string path,
                               AdapterOptions options)
    : source_(std::move(source)), path_(std::move(path)), options_(options) {}

absl::StatusOr<std::unique_ptr<SourceAdapter>> SegmentAdapter::Create(
    const hub::v1::Source& source, const AdapterOptions& options) {
  HUB_RETURN_IF_ERROR(adapters_internal::ValidateFileSource(source, options));
  return std::unique_ptr<SourceAdapter>(
      new SegmentAdapter(RecordSourceName(source), source.path(), options));
}

absl::Status SegmentAdapter::Pull(const std::string& cursor, RecordSink* sink) {
  HUB_RETURN_IF_ERROR(adapters_internal::CheckSourceDir(path_));
  HUB_ASSIGN_OR_RETURN(SegmentCursor start, ParseCursor(cursor));
  HUB_ASSIGN_OR_RETURN(std::vector<std::string> files, ListArchive(path_));
  const int64_t at_or_before = std::upper_bound(files.begin(), files.end(), start.file) -
                               files.begin();
  if (start.files && at_or_before > *start.files) {
    start = SegmentCursor{};  // a file arrived before the cursor's: read all again
  }
  adapters_internal::PageWriter pages(sink, options_.page_size);
  std::string file = start.file;
  LinePosition position = start.position;
  int64_t index = 0;  // files at or before `file`
  auto cursor_now = [&] { return EncodeCursor(file, position, index); };
  auto map = [this](const nlohmann::json& message) {
    return MapSegmentMessage(source_, message);
  };
  for (const std::string& name : files) {
    if (!start.file.empty() && name < start.file) {
      ++index;
      continue;
    }
    if (name != start.file) position = LinePosition{};
    file = name;
    ++index;
    HUB_RETURN_IF_ERROR(adapters_internal::PullJsonLines(
        adapters_internal::JoinPath(path_, name), map, &position, &pages, cursor_now,
        "segment", cursor));
  }
  return pages.Finish(cursor_now());  // writes nothing if nothing is pending
}

}  // namespace hub
