#include "tools/hubctl/names.h"

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace hubctl {
namespace {

// Debian's abseil has its own string_view; convert at the boundary.
absl::string_view Absl(std::string_view s) { return {s.data(), s.size()}; }

// Parses a positive decimal id with no sign or spaces.
bool ParseId(absl::string_view s, int64_t* id) {
  if (s.empty() || s.size() > 19) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return absl::SimpleAtoi(s, id) && *id > 0;
}

bool IsSourceId(absl::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  for (char c : s) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '-') {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::string> ParseNumericName(absl::string_view arg,
                                             absl::string_view collection) {
  const std::string prefix = absl::StrCat(collection, "/");
  absl::string_view id_part = arg;
  if (absl::StartsWith(id_part, prefix)) id_part.remove_prefix(prefix.size());
  int64_t id = 0;
  if (!ParseId(id_part, &id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid name \"", arg, "\": want ", collection,
                     "/{id} or a bare {id}, a positive integer"));
  }
  return absl::StrCat(prefix, id);
}

}  // namespace

absl::StatusOr<std::string> ParseProfileName(std::string_view arg) {
  return ParseNumericName(Absl(arg), "profiles");
}

absl::StatusOr<std::string> ParseAccountName(std::string_view arg) {
  return ParseNumericName(Absl(arg), "accounts");
}

absl::StatusOr<std::string> ParseProfileOrAccountName(std::string_view arg) {
  const absl::string_view name = Absl(arg);
  absl::StatusOr<std::string> parsed = absl::InvalidArgumentError("");
  if (absl::StartsWith(name, "profiles/")) parsed = ParseProfileName(arg);
  if (absl::StartsWith(name, "accounts/")) parsed = ParseAccountName(arg);
  if (parsed.ok()) return parsed;
  return absl::InvalidArgumentError(
      absl::StrCat("invalid name \"", name,
                   "\": want profiles/{id} or accounts/{id}, a positive "
                   "integer id"));
}

absl::StatusOr<std::string> ParseSuggestionName(std::string_view arg) {
  return ParseNumericName(Absl(arg), "mergeSuggestions");
}

absl::StatusOr<std::string> ParseSourceId(std::string_view arg) {
  absl::string_view id = Absl(arg);
  absl::ConsumePrefix(&id, "sources/");
  if (!IsSourceId(id)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid source \"", Absl(arg),
        "\": want sources/{id} or a bare {id} of [a-z0-9-]{1,63}"));
  }
  return std::string(id);
}

absl::StatusOr<std::string> ParseSourceName(std::string_view arg) {
  absl::StatusOr<std::string> id = ParseSourceId(arg);
  if (!id.ok()) return id.status();
  return absl::StrCat("sources/", *id);
}

absl::StatusOr<std::string> ParseSyncJobName(std::string_view arg) {
  const auto error = [arg] {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid sync job name \"", Absl(arg),
                     "\": want sources/{source_id}/syncJobs/{job_id}"));
  };
  absl::string_view rest = Absl(arg);
  if (!absl::ConsumePrefix(&rest, "sources/")) return error();
  const size_t slash = rest.find('/');
  if (slash == absl::string_view::npos) return error();
  const absl::string_view source_id = rest.substr(0, slash);
  rest.remove_prefix(slash);
  int64_t job_id = 0;
  if (!IsSourceId(source_id) || !absl::ConsumePrefix(&rest, "/syncJobs/") ||
      !ParseId(rest, &job_id)) {
    return error();
  }
  return absl::StrCat("sources/", source_id, "/syncJobs/", job_id);
}

}  // namespace hubctl
