#include "tools/hub_sample/civil_time.h"

namespace hub::sample {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

void AppendDigits(std::string* out, int64_t value, int width) {
  char buf[20];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out->append(buf, static_cast<size_t>(width));
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t days, int64_t* y, int* m, int* d) {
  days += 719468;
  const int64_t era = FloorDiv(days, 146097);
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

bool ParseDate(std::string_view text, int64_t* seconds) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int64_t parts[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (int i = 0; i < lengths[p]; ++i) {
      const char c = text[static_cast<size_t>(starts[p] + i)];
      if (c < '0' || c > '9') return false;
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  const int m = static_cast<int>(parts[1]), d = static_cast<int>(parts[2]);
  if (parts[0] < 1971 || parts[0] > 2200 || m < 1 || m > 12 || d < 1 ||
      d > DaysInMonth(parts[0], m)) {
    return false;
  }
  *seconds = DaysFromCivil(parts[0], m, d) * kDay;
  return true;
}

int64_t AddMonths(int64_t seconds, int months) {
  int64_t y;
  int m, d;
  CivilFromDays(FloorDiv(seconds, kDay), &y, &m, &d);
  const int64_t total = y * 12 + (m - 1) + months;
  return DaysFromCivil(FloorDiv(total, 12),
                       static_cast<int>(total - FloorDiv(total, 12) * 12) + 1,
                       d > 28 ? 28 : d) *
         kDay;
}

void AppendTime(std::string* out, int64_t seconds, TimeStyle style) {
  int64_t y;
  int m, d;
  const int64_t days = FloorDiv(seconds, kDay);
  const int64_t sod = seconds - days * kDay;
  CivilFromDays(days, &y, &m, &d);
  const bool compact = style == TimeStyle::kCompactDate;
  AppendDigits(out, y, 4);
  if (!compact) out->push_back('-');
  AppendDigits(out, m, 2);
  if (!compact) out->push_back('-');
  AppendDigits(out, d, 2);
  if (style == TimeStyle::kDate || compact) return;
  out->push_back('T');
  AppendDigits(out, sod / 3600, 2);
  out->push_back(':');
  AppendDigits(out, sod / 60 % 60, 2);
  out->push_back(':');
  AppendDigits(out, sod % 60, 2);
  switch (style) {
    case TimeStyle::kSalesforce:
      out->append(".000Z");
      break;
    case TimeStyle::kZendesk:
      out->push_back('Z');
      break;
    default:
      out->append("+00:00");
      break;
  }
}

void AppendMillisTime(std::string* out, int64_t millis) {
  const int64_t seconds = FloorDiv(millis, 1000);
  AppendTime(out, seconds, TimeStyle::kZendesk);
  out->back() = '.';
  AppendDigits(out, millis - seconds * 1000, 3);
  out->push_back('Z');
}

void AppendMicrosTime(std::string* out, int64_t micros) {
  const int64_t seconds = FloorDiv(micros, 1000000);
  AppendTime(out, seconds, TimeStyle::kZendesk);
  out->back() = '.';
  AppendDigits(out, micros - seconds * 1000000, 6);
  out->push_back('Z');
}

std::string FormatTime(int64_t seconds, TimeStyle style) {
  std::string out;
  AppendTime(&out, seconds, style);
  return out;
}

}  // namespace hub::sample
