// Timestamp parsing and conversion shared by adapters and the core.
#ifndef HUB_PROFILE_BASE_TIME_UTIL_H_
#define HUB_PROFILE_BASE_TIME_UTIL_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace hub {

// Parses the timestamp spellings vendors send, all as UTC instants:
//   2024-05-02T09:15:00Z, 2024-05-02T09:15:00.123Z (any fraction digits),
//   2024-05-02T09:15:00.000+0000 (Salesforce REST), 2024-05-02T09:15:00+00:00
//   (Mailchimp), 2024-05-02 09:15:00 (assumed UTC), 2024-05-02 (midnight UTC).
// Surrounding whitespace is ignored. Returns INVALID_ARGUMENT naming the text
// for anything else.
absl::StatusOr<absl::Time> ParseTimestamp(absl::string_view text);

// Parses a decimal count of seconds / microseconds since the Unix epoch
// (Zendesk `generated_timestamp`, GA4 `event_timestamp`). INVALID_ARGUMENT
// if `text` is not an integer.
absl::StatusOr<absl::Time> ParseUnixSeconds(absl::string_view text);
absl::StatusOr<absl::Time> ParseUnixMicros(absl::string_view text);

// Conversions between absl::Time and google.protobuf.Timestamp (microsecond
// precision, which is what the store keeps).
google::protobuf::Timestamp ToProtoTime(absl::Time t);
absl::Time FromProtoTime(const google::protobuf::Timestamp& ts);

// Microseconds per day; the UTC day of a time (days since 1970-01-01,
// rounded down), and the first UTC midnight at or after it (rounded up).
// Also whole days of a duration, rounded down or up.
inline constexpr int64_t kDayMicros = 86400LL * 1000000;
inline int64_t DayOf(int64_t micros) {
  return micros / kDayMicros - (micros % kDayMicros < 0 ? 1 : 0);
}
inline int64_t CeilDayOf(int64_t micros) { return -DayOf(-micros); }

// RFC 3339 in UTC with microseconds, e.g. "2024-05-02T09:15:00.000123Z".
std::string FormatTimestamp(absl::Time t);

}  // namespace hub

#endif  // HUB_PROFILE_BASE_TIME_UTIL_H_
