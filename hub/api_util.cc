#include "hub/api_util.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace hub {

absl::StatusOr<int64_t> ParseIdName(absl::string_view name,
                                    absl::string_view collection,
                                    absl::string_view field) {
  absl::string_view rest = name;
  int64_t id = 0;
  if (!absl::ConsumePrefix(&rest, collection) || !absl::ConsumePrefix(&rest, "/") ||
      !absl::SimpleAtoi(rest, &id) || id <= 0 ||
      rest.find_first_not_of("0123456789") != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": expected \"", collection, "/{id}\", got \"", name, "\""));
  }
  return id;
}

absl::StatusOr<std::pair<Side, int64_t>> ParseProfileOrAccountName(
    absl::string_view name, absl::string_view field) {
  for (Side side : {Side::kPerson, Side::kAccount}) {
    absl::StatusOr<int64_t> id = ParseIdName(
        name, side == Side::kPerson ? "profiles" : "accounts", field);
    if (id.ok()) return std::make_pair(side, *id);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      field, ": expected \"profiles/{id}\" or \"accounts/{id}\", got \"", name, "\""));
}

bool IsValidSourceId(absl::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  for (char c : id) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-')) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::string> ParseSourceName(absl::string_view name,
                                            absl::string_view field) {
  absl::string_view rest = name;
  if (!absl::ConsumePrefix(&rest, "sources/") || !IsValidSourceId(rest)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": expected \"sources/{source_id}\", got \"", name, "\""));
  }
  return std::string(rest);
}

absl::StatusOr<std::pair<std::string, int64_t>> ParseSyncJobName(
    absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  int64_t job = 0;
  if (parts.size() != 4 || parts[0] != "sources" || !IsValidSourceId(parts[1]) ||
      parts[2] != "syncJobs" || !absl::SimpleAtoi(parts[3], &job) || job <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "name: expected \"sources/{source_id}/syncJobs/{job_id}\", got \"",
        name, "\""));
  }
  return std::make_pair(std::string(parts[1]), job);
}

std::string EncodePageToken(absl::string_view tag,
                            const std::vector<int64_t>& values) {
  return absl::WebSafeBase64Escape(
      absl::StrCat("v1|", tag, "|", absl::StrJoin(values, "|")));
}

absl::StatusOr<std::vector<int64_t>> DecodePageToken(absl::string_view token,
                                                     absl::string_view tag,
                                                     size_t count) {
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "page_token: \"", token, "\" is not a token from a previous call"));
  };
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) return bad();
  std::vector<absl::string_view> parts = absl::StrSplit(raw, '|');
  if (parts.size() != count + 2 || parts[0] != "v1" || parts[1] != tag) {
    return bad();
  }
  std::vector<int64_t> values(count);
  for (size_t i = 0; i < count; ++i) {
    if (!absl::SimpleAtoi(parts[i + 2], &values[i])) return bad();
  }
  return values;
}

absl::StatusOr<int> PageSize(int32_t requested, int default_size,
                             int max_size) {
  if (requested < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: must not be negative, got ", requested));
  }
  if (requested == 0) return default_size;
  return requested > max_size ? max_size : static_cast<int>(requested);
}

}  // namespace hub
