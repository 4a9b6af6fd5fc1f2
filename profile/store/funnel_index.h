// FunnelIndex: the funnel counters, held in memory.
//
// The counters are a pure function of the stored stage histories and the
// segments each profile is counted under (both in stage_state), so
// the store does not persist them: it builds the index by one scan when it
// opens (O(transitions)), and each committed write transaction applies the
// changes it made (O(changes)). A funnel query sums the cells of the
// period's days: its cost depends on the period, not on the store's size.
#ifndef HUB_PROFILE_STORE_FUNNEL_INDEX_H_
#define HUB_PROFILE_STORE_FUNNEL_INDEX_H_

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "profile/base/time_util.h"
#include "profile/store/store.h"

namespace hub {


// Adds `sign` times what a profile's stage history contributes to the funnel
// under each of its '\n'-separated segments.
void AddContributions(Side side, const std::vector<StoredTransition>& history,
                      absl::string_view segments, int64_t sign, FunnelDeltas* deltas);

// Adds `sign` times what an account's opportunities contribute to the
// opportunity counters under each of its segments.
void AddOpportunityContributions(const std::vector<StoredOpportunity>& opportunities,
                                 absl::string_view segments, int64_t sign,
                                 MetricDeltas* deltas);

// Adds `sign` times a person's counted items under each of its segments.
void AddCountedContributions(const std::vector<CountedItem>& items, absl::string_view segments,
                             int64_t sign, MetricDeltas* deltas);

// The stage-metric counters (MetricField), in memory, like FunnelIndex:
// derived from the stage states (accounts' opportunities and stays,
// persons' counted items). Thread-safe.
class MetricIndex {
 public:
  void Apply(const MetricDeltas& deltas) ABSL_LOCKS_EXCLUDED(mu_);
  MetricSums Sum(const std::string& segment, int64_t from_day, int64_t to_day) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // The segments with any counter.
  std::vector<std::string> Segments() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  using Cells = absl::flat_hash_map<std::pair<int, int64_t>, int64_t>;
  mutable absl::Mutex mu_;
  std::map<std::string, absl::btree_map<int64_t, Cells>> by_segment_ ABSL_GUARDED_BY(mu_);
};

// Thread-safe.
class FunnelIndex {
 public:
  void Apply(const FunnelDeltas& deltas) ABSL_LOCKS_EXCLUDED(mu_);
  // Adds one stored history's contributions (as AddContributions with sign
  // +1, without the intermediate map: for building the index at open).
  void AddHistory(Side side, const std::vector<StoredTransition>& history,
                  absl::string_view segments) ABSL_LOCKS_EXCLUDED(mu_);
  // As Store::SumFunnelCounts.
  std::vector<FunnelCount> Sum(Side side, const std::string& segment, int64_t from_day,
                               int64_t to_day) const ABSL_LOCKS_EXCLUDED(mu_);
  // The segments with any counter.
  std::vector<std::string> Segments() const ABSL_LOCKS_EXCLUDED(mu_);
  // Number of non-zero cells (for tests and sizing).
  size_t cells() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // (stage, reach_days, stay_days) -> entries, per day.
  using Cells = absl::flat_hash_map<std::tuple<int, int64_t, int64_t>, int64_t>;
  using Days = absl::btree_map<int64_t, Cells>;

  mutable absl::Mutex mu_;
  std::map<std::pair<Side, std::string>, Days> by_segment_ ABSL_GUARDED_BY(mu_);
  size_t cells_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hub

#endif  // HUB_PROFILE_STORE_FUNNEL_INDEX_H_
