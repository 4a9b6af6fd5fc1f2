#include "tools/hub_sample/funnel.h"

#include <algorithm>

#include "tools/hub_sample/civil_time.h"

namespace hub::sample {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;

int64_t FloorDay(int64_t seconds) {
  return seconds >= 0 ? seconds / kDay * kDay
                      : (seconds - kDay + 1) / kDay * kDay;
}

// Midnight of the first day of month (y, m); m may run past 12.
int64_t MonthStart(int64_t y, int m) {
  y += (m - 1) / 12;
  m = (m - 1) % 12 + 1;
  return DaysFromCivil(y, m, 1) * kDay;
}

// Calendar periods of `months` months starting on months ≡ 1 (mod months),
// lying inside [start, end].
void AddCalendarPeriods(int64_t start, int64_t end, int months,
                        std::vector<FunnelPeriod>* out) {
  int64_t y;
  int m, d;
  CivilFromDays(FloorDay(start) / kDay, &y, &m, &d);
  m -= (m - 1) % months;  // the period holding start
  for (;; m += months) {
    const int64_t begin = MonthStart(y, m), finish = MonthStart(y, m + months);
    if (finish > end) break;
    if (begin >= start) {
      out->push_back({begin * kMicrosPerSecond, finish * kMicrosPerSecond});
    }
  }
}

}  // namespace

std::vector<FunnelPeriod> FunnelPeriods(int64_t start, int64_t end) {
  std::vector<FunnelPeriod> periods;
  AddCalendarPeriods(start, end, 1, &periods);
  AddCalendarPeriods(start, end, 3, &periods);
  periods.push_back({FloorDay(start) * kMicrosPerSecond,
                     (FloorDay(end) + kDay) * kMicrosPerSecond});
  return periods;
}

Funnel::Funnel(std::vector<FunnelPeriod> periods, int segments,
               int64_t window_days)
    : periods_(std::move(periods)),
      segments_(segments),
      window_(window_days * kMicrosPerDay),
      cells_(periods_.size() * static_cast<size_t>(segments) * kFunnelStages) {}

size_t Funnel::Index(size_t period, int segment, int stage) const {
  return (period * static_cast<size_t>(segments_) +
          static_cast<size_t>(segment)) *
             kFunnelStages +
         static_cast<size_t>(stage);
}

void Funnel::Add(const std::vector<Transition>& history,
                 const std::vector<int>& segments) {
  for (size_t i = 0; i < history.size(); ++i) {
    const Transition& entry = history[i];
    const int stage = static_cast<int>(entry.stage);
    if (entry.stage == Stage::kChurned) continue;
    // The first later transition above the stage (CHURNED is above all).
    bool converted = false;
    for (size_t j = i + 1; j < history.size(); ++j) {
      if (static_cast<int>(history[j].stage) > stage) {
        converted = history[j].at - entry.at <= window_;
        break;
      }
    }
    const bool left = i + 1 < history.size();
    const int64_t days =
        left ? (history[i + 1].at - entry.at) / kMicrosPerDay : 0;
    for (size_t p = 0; p < periods_.size(); ++p) {
      if (entry.at < periods_[p].start || entry.at >= periods_[p].end) continue;
      for (int segment : segments) {
        Cell& cell = cells_[Index(p, segment, stage)];
        cell.entries++;
        cell.converted += converted;
        if (left) cell.days.push_back(days);
      }
    }
  }
}

FunnelFigures Funnel::Get(size_t period, int segment, Stage stage) const {
  const Cell& cell = cells_[Index(period, segment, static_cast<int>(stage))];
  FunnelFigures figures;
  figures.entries = cell.entries;
  figures.converted = cell.converted;
  figures.left = static_cast<int64_t>(cell.days.size());
  if (cell.days.empty()) return figures;
  std::vector<int64_t> days = cell.days;
  std::sort(days.begin(), days.end());
  const size_t n = days.size();
  figures.median_days_x2 =
      n % 2 == 1 ? 2 * days[n / 2] : days[n / 2 - 1] + days[n / 2];
  return figures;
}

}  // namespace hub::sample
