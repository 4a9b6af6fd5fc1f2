#include "profile/base/time_util.h"

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/ascii.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

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

// Reads `n` digits at `*p` as a number; false if any is not a digit.
bool Digits(const char*& p, int n, int64_t* out) {
  int64_t v = 0;
  for (int i = 0; i < n; ++i, ++p) {
    if (*p < '0' || *p > '9') return false;
    v = v * 10 + (*p - '0');
  }
  *out = v;
  return true;
}

// The common shape "YYYY-MM-DDTHH:MM:SS[.fraction]Z" without the general
// parser (which tries several formats, each costing microseconds: it is on
// every record's path). Anything else is left to it.
bool ParseUtcFast(absl::string_view s, absl::Time* out) {
  if (s.size() < 20 || s.size() > 30 || s.back() != 'Z') return false;
  const char* p = s.data();
  int64_t year, month, day, hour, minute, second;
  if (!Digits(p, 4, &year) || *p++ != '-' || !Digits(p, 2, &month) || *p++ != '-' ||
      !Digits(p, 2, &day) || *p++ != 'T' || !Digits(p, 2, &hour) || *p++ != ':' ||
      !Digits(p, 2, &minute) || *p++ != ':' || !Digits(p, 2, &second)) {
    return false;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 ||
      day > kDays[month - 1] + (month == 2 && leap) || hour > 23 || minute > 59 ||
      second > 59) {
    return false;
  }
  int64_t nanos = 0;
  const char* end = s.data() + s.size() - 1;  // the 'Z'
  if (p != end) {
    if (*p++ != '.' || p == end || end - p > 9) return false;
    int digits = 0;
    for (; p != end; ++p, ++digits) {
      if (*p < '0' || *p > '9') return false;
      nanos = nanos * 10 + (*p - '0');
    }
    for (; digits < 9; ++digits) nanos *= 10;
  }
  *out = absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, second),
                         absl::UTCTimeZone()) +
         absl::Nanoseconds(nanos);
  return true;
}

}  // namespace

absl::StatusOr<absl::Time> ParseTimestamp(absl::string_view text) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  if (absl::Time fast; ParseUtcFast(trimmed, &fast)) return fast;
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
