#include "profile/base/time_util.h"

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/ascii.h"

namespace hub {
namespace {

// Normalises "+0000"-style offsets to "+00:00" so one format parses both.
std::string NormaliseOffset(absl::string_view text) {
  std::string s(text);
  if (s.size() > 5) {
    char sign = s[s.size() - 5];
    bool digits = absl::ascii_isdigit(s[s.size() - 4]) &&
                  absl::ascii_isdigit(s[s.size() - 1]);
    if ((sign == '+' || sign == '-') && digits && s[s.size() - 3] != ':') {
      s.insert(s.size() - 2, ":");
    }
  }
  return s;
}

}  // namespace

absl::StatusOr<absl::Time> ParseTimestamp(absl::string_view text) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  std::string s = NormaliseOffset(trimmed);
  static constexpr const char* kFormats[] = {
      "%Y-%m-%dT%H:%M:%E*S%Ez", "%Y-%m-%dT%H:%M:%E*SZ", "%Y-%m-%d %H:%M:%E*S",
      "%Y-%m-%dT%H:%M:%E*S", "%Y-%m-%d"};
  for (const char* format : kFormats) {
    absl::Time t;
    std::string err;
    if (absl::ParseTime(format, s, absl::UTCTimeZone(), &t, &err)) return t;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("invalid timestamp \"", trimmed, "\""));
}

absl::StatusOr<absl::Time> ParseUnixSeconds(absl::string_view text) {
  int64_t v;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid unix seconds \"", text, "\""));
  }
  return absl::FromUnixSeconds(v);
}

absl::StatusOr<absl::Time> ParseUnixMicros(absl::string_view text) {
  int64_t v;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid unix microseconds \"", text, "\""));
  }
  return absl::FromUnixMicros(v);
}

google::protobuf::Timestamp ToProtoTime(absl::Time t) {
  int64_t micros = absl::ToUnixMicros(t);
  google::protobuf::Timestamp ts;
  int64_t secs = micros / 1000000;
  int64_t rem = micros % 1000000;
  if (rem < 0) {
    rem += 1000000;
    --secs;
  }
  ts.set_seconds(secs);
  ts.set_nanos(static_cast<int32_t>(rem * 1000));
  return ts;
}

absl::Time FromProtoTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

std::string FormatTimestamp(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

}  // namespace hub
