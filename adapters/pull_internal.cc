#include "adapters/pull_internal.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "adapters/mapper_internal.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace adapters_internal {
namespace fs = std::filesystem;

absl::Status ValidateFileSource(const hub::v1::Source& source,
                                const AdapterOptions& options) {
  if (options.page_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be positive, got ", options.page_size));
  }
  if (source.path().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("path is required for a ", source.kind(),
                     " source (its export folder)"));
  }
  std::error_code ec;
  fs::directory_iterator it(source.path(), ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("path \"", source.path(),
                     "\" is not a readable directory: ", ec.message()));
  }
  return absl::OkStatus();
}

absl::Status CheckSourceDir(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    return absl::NotFoundError(
        absl::StrCat("export folder \"", path, "\" not found"));
  }
  fs::directory_iterator it(path, ec);
  if (ec) {
    return absl::PermissionDeniedError(absl::StrCat(
        "cannot read export folder \"", path, "\": ", ec.message()));
  }
  return absl::OkStatus();
}

std::string JoinPath(absl::string_view dir, absl::string_view name) {
  if (!dir.empty() && dir.back() == '/') return absl::StrCat(dir, name);
  return absl::StrCat(dir, "/", name);
}

absl::StatusOr<std::vector<std::string>> ListFiles(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> names;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file(ec)) names.push_back(it->path().filename());
  }
  if (ec) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot list \"", dir, "\": ", ec.message()));
  }
  std::sort(names.begin(), names.end());
  return names;
}

absl::StatusOr<std::optional<std::string>> ReadOptionalFile(
    const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::optional<std::string>();
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  }
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read failed"));
  return std::optional<std::string>(std::move(text));
}

absl::StatusOr<std::unique_ptr<LineReader>> LineReader::Open(
    const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return absl::NotFoundError(absl::StrCat(path, ": no such file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  }
  return std::make_unique<LineReader>(std::move(in));
}

absl::StatusOr<bool> LineReader::Next(std::string* line) {
  if (!std::getline(in_, *line)) {
    if (in_.bad()) {
      return absl::DataLossError(
          absl::StrCat("read failed after line ", lines_read_));
    }
    return false;
  }
  if (!line->empty() && line->back() == '\r') line->pop_back();
  ++lines_read_;
  return true;
}

absl::Status PageWriter::Add(hub::v1::SourceRecord record,
                             const std::function<std::string()>& cursor_after) {
  pending_.push_back(std::move(record));
  if (static_cast<int>(pending_.size()) < page_size_) return absl::OkStatus();
  return Finish(cursor_after());
}

absl::Status PageWriter::Finish(const std::string& cursor) {
  if (pending_.empty()) return absl::OkStatus();
  std::vector<hub::v1::SourceRecord> page;
  page.swap(pending_);
  return sink_->Write(std::move(page), cursor);
}

absl::Status PullJsonLines(const std::string& file, const LineMapper& map,
                           LinePosition* position, PageWriter* pages,
                           const std::function<std::string()>& cursor_now,
                           absl::string_view kind, absl::string_view cursor) {
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<LineReader> reader,
                       LineReader::Open(file));
  std::string line;
  auto beyond_end = [&] {
    return InvalidCursor(kind, cursor,
                         absl::StrCat("position beyond the end of ", file));
  };
  const LinePosition start = *position;
  while (reader->lines_read() < start.lines) {
    absl::StatusOr<bool> more = reader->Next(&line);
    HUB_RETURN_IF_ERROR(WithContext(more.status(), file));
    if (!*more) return beyond_end();
  }
  while (true) {
    absl::StatusOr<bool> more = reader->Next(&line);
    HUB_RETURN_IF_ERROR(WithContext(more.status(), file));
    if (!*more) break;
    const int64_t number = reader->lines_read();
    std::vector<hub::v1::SourceRecord> records;
    if (!absl::StripAsciiWhitespace(line).empty()) {
      absl::Status status;
      absl::StatusOr<Json> json = ParseJsonLine(line);
      if (!json.ok()) {
        status = json.status();
      } else if (auto mapped = map(*json); mapped.ok()) {
        records = *std::move(mapped);
      } else {
        status = mapped.status();
      }
      HUB_RETURN_IF_ERROR(WithContext(status, absl::StrCat(file, ":", number)));
    }
    size_t first = 0;
    if (number == start.lines + 1 && start.records > 0) {
      if (static_cast<size_t>(start.records) >= records.size()) {
        return beyond_end();
      }
      first = static_cast<size_t>(start.records);
    }
    for (size_t i = first; i < records.size(); ++i) {
      *position = i + 1 == records.size()
                      ? LinePosition{number, 0}
                      : LinePosition{number - 1, static_cast<int64_t>(i + 1)};
      HUB_RETURN_IF_ERROR(pages->Add(std::move(records[i]), cursor_now));
    }
    *position = LinePosition{number, 0};
  }
  if (position->records > 0) return beyond_end();
  return absl::OkStatus();
}

std::string EscapeCursorToken(absl::string_view value) {
  std::string out;
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if (absl::ascii_isalnum(u) || c == '.' || c == '_' || c == '@' ||
        c == '+' || c == '-') {
      out.push_back(c);
    } else {
      absl::StrAppendFormat(&out, "%%%02X", u);
    }
  }
  return out;
}

std::optional<std::string> UnescapeCursorToken(absl::string_view token) {
  std::string out;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] != '%') {
      out.push_back(token[i]);
      continue;
    }
    int value = 0;
    if (i + 2 >= token.size()) return std::nullopt;
    for (size_t j = i + 1; j <= i + 2; ++j) {
      char c = token[j];
      if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
        return std::nullopt;
      }
      value = value * 16 + (absl::ascii_isdigit(static_cast<unsigned char>(c))
                                ? c - '0'
                                : absl::ascii_tolower(c) - 'a' + 10);
    }
    out.push_back(static_cast<char>(value));
    i += 2;
  }
  return out;
}

std::optional<int64_t> ParseCount(absl::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return std::nullopt;
    }
  }
  if (text.size() > 1 && text[0] == '0') return std::nullopt;  // Canonical.
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) return std::nullopt;
  return value;
}

absl::Status InvalidCursor(absl::string_view kind, absl::string_view cursor,
                           absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid ", kind, " cursor \"", cursor, "\": ", why));
}

}  // namespace adapters_internal
}  // namespace hub
