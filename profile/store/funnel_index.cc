#include "profile/store/funnel_index.h"

#include <algorithm>

#include "absl/strings/str_split.h"

namespace hub {

namespace {

// Where a transition counts: its entry day, whole days (up) until a higher
// stage was reached and (down) until it was left; -1 when not (yet).
std::tuple<int64_t, int64_t, int64_t> CellOf(const StoredTransition& t) {
  return {DayOf(t.at_us), t.reached_us == 0 ? -1 : CeilDayOf(t.reached_us - t.at_us),
          t.left_us == 0 ? -1 : DayOf(t.left_us - t.at_us)};
}

}  // namespace

void AddContributions(Side side, const std::vector<StoredTransition>& history,
                      absl::string_view segments, int64_t sign, FunnelDeltas* deltas) {
  if (history.empty()) return;
  for (absl::string_view segment : absl::StrSplit(segments, '\n')) {
    const std::string seg(segment);
    for (const StoredTransition& t : history) {
      const auto [day, reach, stay] = CellOf(t);
      (*deltas)[{side, seg, day, t.stage, reach, stay}] += sign;
    }
  }
}

void AddOpportunityContributions(const std::vector<StoredOpportunity>& opportunities,
                                 absl::string_view segments, int64_t sign,
                                 MetricDeltas* deltas) {
  if (opportunities.empty()) return;
  for (absl::string_view segment : absl::StrSplit(segments, '\n')) {
    auto& seg = (*deltas)[std::string(segment)];
    auto add = [&](auto& cells, int64_t at, MetricField field, int64_t days, int64_t n) {
      if (n != 0) cells[{DayOf(at), static_cast<int>(field), days}] += sign * n;
    };
    for (const StoredOpportunity& o : opportunities) {
      add(seg, o.created_us, MetricField::kCreated, 0, 1);
      if (o.closed_us == 0) continue;
      add(seg, o.closed_us, o.won ? MetricField::kWon : MetricField::kLost, 0, 1);
      if (o.renewal) {
        add(seg, o.closed_us, o.won ? MetricField::kRenewalWon : MetricField::kRenewalLost,
            0, 1);
      }
      if (!o.won) continue;
      add(seg, o.closed_us, MetricField::kWonCents, 0, o.amount_cents);
      if (o.upsell) add(seg, o.closed_us, MetricField::kUpsellWonCents, 0, o.amount_cents);
      // Whole days, rounded down (a deal closed on its creation day, before
      // the creation time, is -1).
      add(seg, o.closed_us, MetricField::kWonCycle, DayOf(o.closed_us - o.created_us), 1);
    }
  }
}

void AddCountedContributions(const std::vector<CountedItem>& items, absl::string_view segments,
                             int64_t sign, MetricDeltas* deltas) {
  if (items.empty()) return;
  for (absl::string_view segment : absl::StrSplit(segments, '\n')) {
    auto& cells = (*deltas)[std::string(segment)];
    for (const CountedItem& item : items) {
      for (uint64_t bits = item.fields; bits != 0; bits &= bits - 1) {
        const int field = __builtin_ctzll(bits);
        cells[{item.day, field, item.aux}] += sign * item.n;
      }
    }
  }
}

void MetricIndex::Apply(const MetricDeltas& deltas) {
  absl::MutexLock lock(&mu_);
  for (const auto& [segment, changes] : deltas) {
    auto& days_map = by_segment_[segment];
    for (const auto& [key, n] : changes) {
      if (n == 0) continue;
      const auto& [day, field, days] = key;
      Cells& cells = days_map[day];
      int64_t& v = cells[{field, days}];
      v += n;
      if (v == 0) {
        cells.erase({field, days});
        if (cells.empty()) days_map.erase(day);
      }
    }
  }
}

MetricSums MetricIndex::Sum(const std::string& segment, int64_t from_day,
                                      int64_t to_day) const {
  MetricSums sums;
  absl::MutexLock lock(&mu_);
  auto it = by_segment_.find(segment);
  if (it == by_segment_.end()) return sums;
  for (auto d = it->second.lower_bound(from_day); d != it->second.end() && d->first < to_day;
       ++d) {
    for (const auto& [cell, n] : d->second) sums[cell] += n;
  }
  return sums;
}

std::vector<std::string> MetricIndex::Segments() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> out;
  for (const auto& [segment, days] : by_segment_) {
    if (!days.empty()) out.push_back(segment);
  }
  return out;
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
      const auto [day, reach, stay] = CellOf(t);
      auto [it, added] = days[day].try_emplace({t.stage, reach, stay}, 0);
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

std::vector<std::string> FunnelIndex::Segments() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> out;
  for (const auto& [key, days] : by_segment_) {
    if (!days.empty()) out.push_back(key.second);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

size_t FunnelIndex::cells() const {
  absl::MutexLock lock(&mu_);
  return cells_;
}

}  // namespace hub
