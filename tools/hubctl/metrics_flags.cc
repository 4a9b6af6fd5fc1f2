#include "tools/hubctl/metrics_flags.h"

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

namespace hubctl {
namespace {

constexpr int kMaxWindowDays = 365;
// The hub's segment traits (kSegmentTraits); checked here too so that a typo
// fails before a connection is made.
constexpr const char* kSegmentKeys[] = {"industry", "tier", "region", "source"};

// Debian's abseil has its own string_view; convert at the boundary.
absl::string_view Absl(std::string_view s) { return {s.data(), s.size()}; }

// "YYYY-MM-DD" with every digit present (absl's %Y-%m-%d alone would also
// take "2024-3-1").
bool IsDateShape(absl::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool InTimestampRange(absl::Time t) {
  static const absl::Time kMin =
      absl::FromCivil(absl::CivilDay(1, 1, 1), absl::UTCTimeZone());
  static const absl::Time kEnd =
      absl::FromCivil(absl::CivilDay(10000, 1, 1), absl::UTCTimeZone());
  return t >= kMin && t < kEnd;
}

// Rejects days that do not exist (2023-02-29) rather than normalising them.
bool ParseDay(absl::string_view s, absl::Time* out) {
  std::string error;
  return absl::ParseTime("%Y-%m-%d", s, absl::UTCTimeZone(), out, &error) &&
         absl::FormatTime("%Y-%m-%d", *out, absl::UTCTimeZone()) == s;
}

bool IsUtcMidnight(absl::Time t) {
  const int64_t seconds = absl::ToUnixSeconds(t);
  return t == absl::FromUnixSeconds(seconds) && seconds % 86400 == 0;
}

absl::StatusOr<absl::Time> MidnightFlag(const char* flag,
                                        const std::string& text) {
  absl::StatusOr<absl::Time> t = ParseTimeFlag(text);
  if (!t.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": ", t.status().message()));
  }
  if (!IsUtcMidnight(*t)) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": ", text,
                     " is not a UTC midnight (the funnel counts whole UTC "
                     "days; use YYYY-MM-DD)"));
  }
  return t;
}

absl::Status CheckSegment(const std::string& segment) {
  if (segment.empty()) return absl::OkStatus();
  const size_t eq = segment.find('=');
  const absl::string_view key = absl::string_view(segment).substr(0, eq);
  bool known = false;
  for (const char* k : kSegmentKeys) known = known || key == k;
  if (!known || eq == std::string::npos || eq + 1 == segment.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--segment: want KEY=VALUE with KEY one of ",
        absl::StrJoin(kSegmentKeys, ", "), ", got \"", segment, "\""));
  }
  return absl::OkStatus();
}

// The period [--from, --to) as a Period, both bounds UTC midnights.
absl::StatusOr<hub::v1::Period> PeriodFlags(const std::string& from_text,
                                            const std::string& to_text) {
  absl::StatusOr<absl::Time> from = MidnightFlag("--from", from_text);
  if (!from.ok()) return from.status();
  absl::StatusOr<absl::Time> to = MidnightFlag("--to", to_text);
  if (!to.ok()) return to.status();
  if (*to <= *from) {
    return absl::InvalidArgumentError(
        absl::StrCat("--to: ", to_text, " is not after --from ", from_text,
                     " (the period is [--from, --to), --to exclusive)"));
  }
  hub::v1::Period period;
  *period.mutable_start_time() = ToTimestamp(*from);
  *period.mutable_end_time() = ToTimestamp(*to);
  return period;
}

absl::StatusOr<hub::v1::Stage> StageFlag(const std::string& text) {
  const std::string upper = absl::AsciiStrToUpper(text);
  for (hub::v1::Stage stage :
       {hub::v1::ATTRACT, hub::v1::CAPTURE, hub::v1::NURTURE, hub::v1::CONVERT,
        hub::v1::EXPAND}) {
    if (upper == hub::v1::Stage_Name(stage)) return stage;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--stage: want ATTRACT, CAPTURE, NURTURE, CONVERT or "
                   "EXPAND, got \"",
                   text, "\""));
}

}  // namespace

absl::StatusOr<absl::Time> ParseTimeFlag(std::string_view text) {
  const absl::string_view s = Absl(text);
  absl::Time t;
  std::string error;
  const bool ok = IsDateShape(s)
                      ? ParseDay(s, &t)
                      : absl::ParseTime(absl::RFC3339_full, s, &t, &error);
  if (!ok || !InTimestampRange(t)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "want YYYY-MM-DD or an RFC 3339 time such as 2024-03-01T00:00:00Z, "
        "got \"",
        s, "\""));
  }
  return t;
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t seconds = absl::ToUnixSeconds(t);
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return ts;
}

absl::StatusOr<hub::v1::GetFunnelRequest> BuildFunnelRequest(
    const FunnelFlags& flags) {
  absl::StatusOr<hub::v1::Period> period = PeriodFlags(flags.from, flags.to);
  if (!period.ok()) return period.status();
  if (absl::Status s = CheckSegment(flags.segment); !s.ok()) return s;
  if (flags.window_days &&
      (*flags.window_days < 1 || *flags.window_days > kMaxWindowDays)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--window: want a number of days in 1..365, got ", *flags.window_days));
  }
  hub::v1::GetFunnelRequest request;
  request.set_side(flags.accounts ? hub::v1::ACCOUNTS : hub::v1::PERSONS);
  *request.mutable_period() = *period;
  request.set_segment(flags.segment);
  request.set_conversion_window_days(flags.window_days.value_or(0));
  return request;
}

absl::StatusOr<hub::v1::GetStageMetricsRequest> BuildStageMetricsRequest(
    const StageMetricsFlags& flags) {
  absl::StatusOr<hub::v1::Period> period = PeriodFlags(flags.from, flags.to);
  if (!period.ok()) return period.status();
  if (absl::Status s = CheckSegment(flags.segment); !s.ok()) return s;
  hub::v1::GetStageMetricsRequest request;
  if (!flags.stage.empty()) {
    absl::StatusOr<hub::v1::Stage> stage = StageFlag(flags.stage);
    if (!stage.ok()) return stage.status();
    request.set_stage(*stage);
  }
  *request.mutable_period() = *period;
  request.set_segment(flags.segment);
  return request;
}

absl::StatusOr<hub::v1::GetCustomerValueRequest> BuildCustomerValueRequest(
    const CustomerValueFlags& flags) {
  absl::StatusOr<hub::v1::Period> period = PeriodFlags(flags.from, flags.to);
  if (!period.ok()) return period.status();
  bool known = flags.dimension.empty();
  for (const char* k : kSegmentKeys) known = known || flags.dimension == k;
  if (!known) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--dimension: want one of ", absl::StrJoin(kSegmentKeys, ", "),
        ", got \"", flags.dimension, "\""));
  }
  // Written so that NaN fails too.
  if (flags.margin && !(*flags.margin > 0 && *flags.margin <= 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--margin: want a gross margin in (0, 1], got ", *flags.margin));
  }
  hub::v1::GetCustomerValueRequest request;
  *request.mutable_period() = *period;
  request.set_dimension(flags.dimension);
  request.set_gross_margin(flags.margin.value_or(0));
  return request;
}

}  // namespace hubctl
