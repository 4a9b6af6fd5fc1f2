#include "adapters/ga4_adapter.h"

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "adapters/adapter_registry.h"
#include "adapters/ga4_mapper.h"
#include "adapters/pull_internal.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace {

using adapters_internal::LinePosition;

// True for "events_YYYYMMDD.ndjson".
bool IsDayFile(absl::string_view name) {
  constexpr absl::string_view kPrefix = "events_", kSuffix = ".ndjson";
  if (!absl::ConsumePrefix(&name, kPrefix) ||
      !absl::ConsumeSuffix(&name, kSuffix) || name.size() != 8) {
    return false;
  }
  for (char c : name) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

struct Ga4Cursor {
  std::string file;  // Empty: from the beginning.
  int64_t lines = 0;
};

absl::StatusOr<Ga4Cursor> ParseCursor(const std::string& cursor) {
  if (cursor.empty()) return Ga4Cursor{};
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(cursor, absl::MaxSplits(':', 1));
  std::optional<int64_t> lines = adapters_internal::ParseCount(parts.second);
  if (!IsDayFile(parts.first) || !lines.has_value()) {
    return adapters_internal::InvalidCursor("ga4", cursor,
                                            "not a ga4 position");
  }
  return Ga4Cursor{std::string(parts.first), *lines};
}

}  // namespace

Ga4Adapter::Ga4Adapter(std::string source, std::string path,
                       AdapterOptions options)
    : source_(std::move(source)), path_(std::move(path)), options_(options) {}

absl::StatusOr<std::unique_ptr<SourceAdapter>> Ga4Adapter::Create(
    const hub::v1::Source& source, const AdapterOptions& options) {
  HUB_RETURN_IF_ERROR(adapters_internal::ValidateFileSource(source, options));
  return std::unique_ptr<SourceAdapter>(
      new Ga4Adapter(RecordSourceName(source), source.path(), options));
}

absl::Status Ga4Adapter::Pull(const std::string& cursor, RecordSink* sink) {
  HUB_RETURN_IF_ERROR(adapters_internal::CheckSourceDir(path_));
  HUB_ASSIGN_OR_RETURN(const Ga4Cursor start, ParseCursor(cursor));
  HUB_ASSIGN_OR_RETURN(std::vector<std::string> files,
                       adapters_internal::ListFiles(path_));
  adapters_internal::PageWriter pages(sink, options_.page_size);
  std::string file = start.file;
  LinePosition position{start.lines, 0};
  auto cursor_now = [&] { return absl::StrCat(file, ":", position.lines); };
  auto map = [this](const nlohmann::json& row)
      -> absl::StatusOr<std::vector<hub::v1::SourceRecord>> {
    HUB_ASSIGN_OR_RETURN(hub::v1::SourceRecord record, MapGa4Row(source_, row));
    std::vector<hub::v1::SourceRecord> records;
    records.push_back(std::move(record));
    return records;
  };
  for (const std::string& name : files) {
    if (!IsDayFile(name) || name < start.file) continue;
    if (name != start.file) position = LinePosition{};
    file = name;
    HUB_RETURN_IF_ERROR(adapters_internal::PullJsonLines(
        adapters_internal::JoinPath(path_, name), map, &position, &pages,
        cursor_now, "ga4", cursor));
  }
  return pages.Finish(cursor_now());
}

}  // namespace hub
