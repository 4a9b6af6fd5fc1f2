// UTC calendar arithmetic and the timestamp spellings the vendors export.
//
// Times are Unix seconds (or milli/microseconds where a vendor needs them).
// The Append* functions append to `out` and never allocate beyond it.
#ifndef HUB_TOOLS_HUB_SAMPLE_CIVIL_TIME_H_
#define HUB_TOOLS_HUB_SAMPLE_CIVIL_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace hub::sample {

inline constexpr int64_t kMinute = 60;
inline constexpr int64_t kHour = 3600;
inline constexpr int64_t kDay = 86400;

// Days since 1970-01-01 of a proleptic Gregorian date, and back.
int64_t DaysFromCivil(int64_t y, int m, int d);
void CivilFromDays(int64_t days, int64_t* y, int* m, int* d);

// Parses "YYYY-MM-DD" (a real calendar date) to midnight UTC; false otherwise.
bool ParseDate(std::string_view text, int64_t* seconds);

// Adds `months` calendar months to a midnight time (day clamped to 28).
int64_t AddMonths(int64_t seconds, int months);

enum class TimeStyle {
  kSalesforce,  // 2024-05-02T09:15:00.000Z
  kZendesk,     // 2024-05-02T09:15:00Z
  kMailchimp,   // 2024-05-02T09:15:00+00:00
  kDate,        // 2024-05-02
  kCompactDate  // 20240502
};

void AppendTime(std::string* out, int64_t seconds, TimeStyle style);
// Segment's ISO-8601 with milliseconds: 2024-05-02T09:15:00.123Z.
void AppendMillisTime(std::string* out, int64_t millis);
// RFC 3339 UTC with microseconds: 2024-05-02T09:15:00.123456Z.
void AppendMicrosTime(std::string* out, int64_t micros);
std::string FormatTime(int64_t seconds, TimeStyle style);

}  // namespace hub::sample

#endif  // HUB_TOOLS_HUB_SAMPLE_CIVIL_TIME_H_
