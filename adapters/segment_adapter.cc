#include "adapters/segment_adapter.h"

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

using adapters_internal::LinePosition;

constexpr char kFile[] = "events.jsonl";

std::string EncodeCursor(const LinePosition& position) {
  if (position.records == 0) return absl::StrCat(kFile, ":", position.lines);
  return absl::StrCat(kFile, ":", position.lines, ":", position.records);
}

absl::StatusOr<LinePosition> ParseCursor(const std::string& cursor) {
  if (cursor.empty()) return LinePosition{};
  std::vector<absl::string_view> parts = absl::StrSplit(cursor, ':');
  std::optional<int64_t> lines, records = 0;
  if (parts.size() >= 2 && parts.size() <= 3 && parts[0] == kFile) {
    lines = adapters_internal::ParseCount(parts[1]);
    if (parts.size() == 3) records = adapters_internal::ParseCount(parts[2]);
  }
  if (!lines.has_value() || !records.has_value() ||
      (parts.size() == 3 && *records == 0)) {
    return adapters_internal::InvalidCursor("segment", cursor,
                                            "not a segment position");
  }
  return LinePosition{*lines, *records};
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
  HUB_ASSIGN_OR_RETURN(LinePosition position, ParseCursor(cursor));
  adapters_internal::PageWriter pages(sink, options_.page_size);
  auto cursor_now = [&position] { return EncodeCursor(position); };
  auto map = [this](const nlohmann::json& message) {
    return MapSegmentMessage(source_, message);
  };
  absl::Status status = adapters_internal::PullJsonLines(
      adapters_internal::JoinPath(path_, kFile), map, &position, &pages,
      cursor_now, "segment", cursor);
  if (absl::IsNotFound(status)) return absl::OkStatus();
  HUB_RETURN_IF_ERROR(status);
  return pages.Finish(cursor_now());
}

}  // namespace hub
