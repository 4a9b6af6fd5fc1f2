#include "adapters/zendesk_adapter.h"

#include <algorithm>
#include <array>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "adapters/adapter_registry.h"
#include "adapters/mapper_internal.h"
#include "adapters/pull_internal.h"
#include "adapters/zendesk_mapper.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace {

constexpr ZendeskStream kStreams[] = {
    ZendeskStream::kOrganizations, ZendeskStream::kUsers,
    ZendeskStream::kTickets, ZendeskStream::kSatisfactionRatings};
constexpr size_t kStreamCount = std::size(kStreams);

// A page file of a stream, ordered by page number, then name.
struct PageFile {
  int64_t number = -1;
  std::string name;
  bool operator<(const PageFile& o) const {
    return std::tie(number, name) < std::tie(o.number, o.name);
  }
};

// The page number of `name` if it is "<stream>-<digits>.json".
std::optional<int64_t> PageNumber(ZendeskStream stream,
                                  absl::string_view name) {
  int64_t number;
  if (!absl::ConsumePrefix(&name, ZendeskStreamName(stream)) ||
      !absl::ConsumePrefix(&name, "-") ||
      !absl::ConsumeSuffix(&name, ".json") || name.empty() ||
      name.size() > 18 ||
      !std::all_of(name.begin(), name.end(),
                   [](char c) { return absl::ascii_isdigit(c); }) ||
      !absl::SimpleAtoi(name, &number)) {
    return std::nullopt;
  }
  return number;
}

// Per stream: the page reached and the items of it consumed.
struct StreamPosition {
  PageFile page;  // number -1: none reached.
  int64_t items = 0;
};
using Positions = std::array<StreamPosition, kStreamCount>;

std::string EncodeCursor(const Positions& positions) {
  std::vector<std::string> parts;
  for (const StreamPosition& p : positions) {
    if (p.page.number >= 0)
      parts.push_back(absl::StrCat(p.page.name, ":", p.items));
  }
  return absl::StrJoin(parts, ";");
}

absl::StatusOr<Positions> ParseCursor(const std::string& cursor) {
  Positions positions;
  if (cursor.empty()) return positions;
  for (absl::string_view part : absl::StrSplit(cursor, ';')) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits(':', 1));
    std::optional<int64_t> items = adapters_internal::ParseCount(kv.second);
    size_t s = 0;
    std::optional<int64_t> number;
    for (; s < kStreamCount; ++s) {
      number = PageNumber(kStreams[s], kv.first);
      if (number.has_value()) break;
    }
    if (!number.has_value() || !items.has_value() ||
        positions[s].page.number >= 0) {
      return adapters_internal::InvalidCursor(
          "zendesk", cursor, absl::StrCat("bad entry \"", part, "\""));
    }
    positions[s] =
        StreamPosition{PageFile{*number, std::string(kv.first)}, *items};
  }
  return positions;
}

}  // namespace

ZendeskAdapter::ZendeskAdapter(std::string source, std::string path,
                               AdapterOptions options)
    : source_(std::move(source)), path_(std::move(path)), options_(options) {}

absl::StatusOr<std::unique_ptr<SourceAdapter>> ZendeskAdapter::Create(
    const hub::v1::Source& source, const AdapterOptions& options) {
  HUB_RETURN_IF_ERROR(adapters_internal::ValidateFileSource(source, options));
  return std::unique_ptr<SourceAdapter>(
      new ZendeskAdapter(RecordSourceName(source), source.path(), options));
}

// Checks, before anything is written, that every mid-page position of the
// cursor lies within its page: a cursor from another folder must fail
// whole, not after the earlier streams were pulled.
namespace {

absl::Status CheckPositions(const std::string& path, const std::string& source,
                            const Positions& positions,
                            const std::string& cursor) {
  for (size_t s = 0; s < kStreamCount; ++s) {
    const StreamPosition& start = positions[s];
    if (start.items == 0) continue;
    const std::string file = adapters_internal::JoinPath(path, start.page.name);
    HUB_ASSIGN_OR_RETURN(std::optional<std::string> text,
                         adapters_internal::ReadOptionalFile(file));
    if (!text.has_value()) continue;  // gone: the pull resumes after it
    absl::StatusOr<ZendeskPage> parsed =
        ParseZendeskPage(source, kStreams[s], *text);
    HUB_RETURN_IF_ERROR(adapters_internal::WithContext(parsed.status(), file));
    if (start.items > static_cast<int64_t>(parsed->records.size())) {
      return adapters_internal::InvalidCursor(
          "zendesk", cursor,
          absl::StrCat(file, " has only ", parsed->records.size(), " items"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ZendeskAdapter::Pull(const std::string& cursor, RecordSink* sink) {
  HUB_RETURN_IF_ERROR(adapters_internal::CheckSourceDir(path_));
  HUB_ASSIGN_OR_RETURN(Positions positions, ParseCursor(cursor));
  HUB_ASSIGN_OR_RETURN(std::vector<std::string> files,
                       adapters_internal::ListFiles(path_));
  HUB_RETURN_IF_ERROR(CheckPositions(path_, source_, positions, cursor));
  adapters_internal::PageWriter pages(sink, options_.page_size);
  auto cursor_now = [&positions] { return EncodeCursor(positions); };
  for (size_t s = 0; s < kStreamCount; ++s) {
    std::vector<PageFile> stream_pages;
    for (const std::string& name : files) {
      std::optional<int64_t> number = PageNumber(kStreams[s], name);
      if (number.has_value()) stream_pages.push_back(PageFile{*number, name});
    }
    std::sort(stream_pages.begin(), stream_pages.end());
    StreamPosition& position = positions[s];
    const StreamPosition start = position;
    for (const PageFile& page : stream_pages) {
      if (page < start.page) continue;
      const int64_t skip = page.name == start.page.name ? start.items : 0;
      const std::string file = adapters_internal::JoinPath(path_, page.name);
      HUB_ASSIGN_OR_RETURN(std::optional<std::string> text,
                           adapters_internal::ReadOptionalFile(file));
      if (!text.has_value()) continue;  // Removed since listed.
      absl::StatusOr<ZendeskPage> parsed =
          ParseZendeskPage(source_, kStreams[s], *text);
      HUB_RETURN_IF_ERROR(
          adapters_internal::WithContext(parsed.status(), file));
      std::vector<hub::v1::SourceRecord>& records = parsed->records;
      if (skip > static_cast<int64_t>(records.size())) {
        return adapters_internal::InvalidCursor(
            "zendesk", cursor,
            absl::StrCat(file, " has only ", records.size(), " items"));
      }
      position = StreamPosition{page, skip};
      for (size_t i = static_cast<size_t>(skip); i < records.size(); ++i) {
        position.items = static_cast<int64_t>(i + 1);
        HUB_RETURN_IF_ERROR(pages.Add(std::move(records[i]), cursor_now));
      }
    }
  }
  return pages.Finish(cursor_now());
}

}  // namespace hub
