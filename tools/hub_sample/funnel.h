// The funnel of docs/lifecycle.md ("The funnel"): entries, conversions and
// median days in stage over stage histories, for a grid of periods and
// segments at once. hub-sample's own implementation, written from the page.
#ifndef HUB_TOOLS_HUB_SAMPLE_FUNNEL_H_
#define HUB_TOOLS_HUB_SAMPLE_FUNNEL_H_

#include <cstdint>
#include <vector>

#include "tools/hub_sample/stages.h"

namespace hub::sample {

// [start, end), microseconds, both UTC midnights.
struct FunnelPeriod {
  int64_t start = 0;
  int64_t end = 0;
};

// The periods the truth reports for a window [start, end] (Unix seconds):
// every calendar month inside it, then every calendar quarter inside it, then
// the whole window rounded out to midnights, [start's date, end's date + 1).
std::vector<FunnelPeriod> FunnelPeriods(int64_t start, int64_t end);

// The funnel figures of one stage in one period and segment.
struct FunnelFigures {
  int64_t entries = 0;
  // Entries followed, within the window, by a transition above the stage.
  // Meaningful for the first four stages (the denominator is `entries`).
  int64_t converted = 0;
  // Entries that have been left; when > 0, the median whole days in stage,
  // doubled (so that the mean of two middle values stays an integer).
  int64_t left = 0;
  int64_t median_days_x2 = 0;
};

// Accumulates histories into cells (period, segment, stage). Segment 0 is
// "all"; a profile is added to 0 and to the segments it belongs to. Not
// thread-safe.
class Funnel {
 public:
  Funnel(std::vector<FunnelPeriod> periods, int segments,
         int64_t window_days = 90);

  // Adds one profile's history (in history order) to `segments` (each in
  // [0, segments); duplicates are the caller's mistake).
  void Add(const std::vector<Transition>& history,
           const std::vector<int>& segments);

  // The figures of a funnel stage (not CHURNED).
  FunnelFigures Get(size_t period, int segment, Stage stage) const;

  const std::vector<FunnelPeriod>& periods() const { return periods_; }

 private:
  struct Cell {
    int64_t entries = 0;
    int64_t converted = 0;
    std::vector<int64_t> days;  // whole days in stage of the left entries
  };
  size_t Index(size_t period, int segment, int stage) const;

  std::vector<FunnelPeriod> periods_;
  int segments_;
  int64_t window_;
  std::vector<Cell> cells_;
};

}  // namespace hub::sample

#endif  // HUB_TOOLS_HUB_SAMPLE_FUNNEL_H_
