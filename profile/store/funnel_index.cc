#include "profile/store/funnel_index.h"

#include <algorithm>

#include "absl/strings/str_split.h"

namespace hub {

int64_t DayOf(int64_t micros) {
  int64_t d = micros / kDayMicros;
  if (micros % kDayMicros < 0) --d;
  return d;
}

void AddContributions(Side side, const std::vector<StoredTransition>& history,
                      absl::string_view segments, int64_t sign, FunnelDeltas* deltas) {
  if (history.empty()) return;
  for (absl::string_view segment : absl::StrSplit(segments, '\n')) {
    const std::string seg(segment);
    for (const StoredTransition& t : history) {
      const int64_t reach =
          t.reached_us == 0 ? -1 : (t.reached_us - t.at_us + kDayMicros - 1) / kDayMicros;
      const int64_t stay = t.left_us == 0 ? -1 : (t.left_us - t.at_us) / kDayMicros;
      (*deltas)[{side, seg, DayOf(t.at_us), t.stage, reach, stay}] += sign;
    }
  }
}

void FunnelIndex::Apply(const FunnelDeltas& deltas) {
  absl::MutexLock lock(&mu_);
  for (const auto& [key, n] : deltas) {
    if (n == 0) continue;
    const auto& [side, segment, day, stage, reach, stay] = key;
    Days& days = by_segment_[{side, segment}];
    Cells& cells = days[day];
    auto [it, added] = cells.try_emplace({stage, reach, stay}, 0);
    it->second += n;
    if (added) ++cells_;
    if (it->second == 0) {
      cells.erase(it);
      --cells_;
      if (cells.empty()) days.erase(day);
    }
  }
}

void FunnelIndex::AddHistory(Side side, const std::vector<StoredTransition>& history,
                             absl::string_view segments) {
  if (history.empty()) return;
  absl::MutexLock lock(&mu_);
  for (absl::string_view segment : absl::StrSplit(segments, '\n')) {
    Days& days = by_segment_[{side, std::string(segment)}];
    for (const StoredTransition& t : history) {
      const int64_t reach =
          t.reached_us == 0 ? -1 : (t.reached_us - t.at_us + kDayMicros - 1) / kDayMicros;
      const int64_t stay = t.left_us == 0 ? -1 : (t.left_us - t.at_us) / kDayMicros;
      auto [it, added] = days[DayOf(t.at_us)].try_emplace({t.stage, reach, stay}, 0);
      ++it->second;
      if (added) ++cells_;
    }
  }
}

std::vector<FunnelCount> FunnelIndex::Sum(Side side, const std::string& segment,
                                          int64_t from_day, int64_t to_day) const {
  Cells sum;
  {
    absl::MutexLock lock(&mu_);
    auto it = by_segment_.find({side, segment});
    if (it != by_segment_.end()) {
      for (auto d = it->second.lower_bound(from_day);
           d != it->second.end() && d->first < to_day; ++d) {
        for (const auto& [cell, n] : d->second) sum[cell] += n;
      }
    }
  }
  std::vector<FunnelCount> out;
  out.reserve(sum.size());
  for (const auto& [cell, n] : sum) {
    if (n == 0) continue;
    FunnelCount c;
    c.side = side;
    c.segment = segment;
    std::tie(c.stage, c.reach_days, c.stay_days) = cell;
    c.n = n;
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const FunnelCount& a, const FunnelCount& b) {
    return std::tie(a.stage, a.reach_days, a.stay_days) <
           std::tie(b.stage, b.reach_days, b.stay_days);
  });
  return out;
}

size_t FunnelIndex::cells() const {
  absl::MutexLock lock(&mu_);
  return cells_;
}

}  // namespace hub
