#include "adapters/salesforce_bulk_adapter.h"

#include <array>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "adapters/adapter_registry.h"
#include "adapters/csv_reader.h"
#include "adapters/mapper_internal.h"
#include "adapters/pull_internal.h"
#include "adapters/salesforce_mapper.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace {

using adapters_internal::InvalidCursor;
using adapters_internal::PageWriter;
using adapters_internal::ParseCount;
using adapters_internal::WithContext;

constexpr size_t kObjects = kSalesforceObjects.size();
using Counts = std::array<int64_t, kObjects>;

std::string FileName(size_t object) {
  return absl::StrCat(kSalesforceObjects[object], ".csv");
}

std::string EncodeCursor(const Counts& counts) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < kObjects; ++i) {
    if (counts[i] > 0)
      parts.push_back(absl::StrCat(FileName(i), ":", counts[i]));
  }
  return absl::StrJoin(parts, ";");
}

absl::StatusOr<Counts> ParseCursor(const std::string& cursor) {
  Counts counts{};
  std::array<bool, kObjects> seen{};
  if (cursor.empty()) return counts;
  for (absl::string_view part : absl::StrSplit(cursor, ';')) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits(':', 1));
    std::optional<int64_t> count = ParseCount(kv.second);
    size_t i = 0;
    while (i < kObjects && FileName(i) != kv.first) ++i;
    if (i == kObjects || !count.has_value() || seen[i]) {
      return InvalidCursor("salesforce", cursor,
                           absl::StrCat("bad entry \"", part, "\""));
    }
    seen[i] = true;
    counts[i] = *count;
  }
  return counts;
}

}  // namespace

SalesforceBulkAdapter::SalesforceBulkAdapter(std::string source,
                                             std::string path,
                                             AdapterOptions options)
    : source_(std::move(source)), path_(std::move(path)), options_(options) {}

absl::StatusOr<std::unique_ptr<SourceAdapter>> SalesforceBulkAdapter::Create(
    const hub::v1::Source& source, const AdapterOptions& options) {
  HUB_RETURN_IF_ERROR(adapters_internal::ValidateFileSource(source, options));
  return std::unique_ptr<SourceAdapter>(
      new SalesforceBulkAdapter(RecordSourceName(source), source.path(), options));
}

absl::Status SalesforceBulkAdapter::Pull(const std::string& cursor,
                                         RecordSink* sink) {
  HUB_RETURN_IF_ERROR(adapters_internal::CheckSourceDir(path_));
  HUB_ASSIGN_OR_RETURN(Counts counts, ParseCursor(cursor));
  PageWriter pages(sink, options_.page_size);
  auto cursor_now = [&counts] { return EncodeCursor(counts); };
  for (size_t i = 0; i < kObjects; ++i) {
    const std::string file = adapters_internal::JoinPath(path_, FileName(i));
    absl::StatusOr<std::unique_ptr<CsvReader>> reader = CsvReader::Open(file);
    if (absl::IsNotFound(reader.status())) continue;
    HUB_RETURN_IF_ERROR(reader.status());
    std::vector<std::string> header, row;
    HUB_ASSIGN_OR_RETURN(bool has_header, (*reader)->ReadRow(&header));
    for (int64_t skipped = 0; skipped < counts[i]; ++skipped) {
      HUB_ASSIGN_OR_RETURN(bool more, (*reader)->ReadRow(&row));
      if (!has_header || !more) {
        return InvalidCursor(
            "salesforce", cursor,
            absl::StrCat(file, " has only ", skipped, " rows"));
      }
    }
    while (has_header) {
      HUB_ASSIGN_OR_RETURN(bool more, (*reader)->ReadRow(&row));
      if (!more) break;
      const std::string where = absl::StrCat(file, ":", (*reader)->row_line());
      for (std::string& value : row) adapters_internal::RepairUtf8(&value);
      absl::StatusOr<hub::v1::SourceRecord> record =
          MapSalesforceRow(source_, kSalesforceObjects[i], header, row);
      HUB_RETURN_IF_ERROR(WithContext(record.status(), where));
      ++counts[i];
      HUB_RETURN_IF_ERROR(pages.Add(*std::move(record), cursor_now));
    }
  }
  return pages.Finish(cursor_now());
}

}  // namespace hub
