// The matcher's front door: blocking -> comparison -> EM training ->
// scoring -> clustering over one Dataset. Used by hub-match (offline) and,
// through its parts, by hubd's write path.
#ifndef HUB_MATCH_MATCHER_H_
#define HUB_MATCH_MATCHER_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "hub/v1/match_config.pb.h"
#include "match/blocking.h"
#include "match/clustering.h"
#include "match/dataset.h"
#include "match/fellegi_sunter.h"
#include "match/field_comparator.h"

namespace hub::match {

// Returns `config` with every default filled in, or INVALID_ARGUMENT naming
// the first bad field (no fields, more than kMaxFields, no blocking rule,
// thresholds out of order, ...).
absl::StatusOr<hub::v1::MatchConfig> FinishMatchConfig(
    hub::v1::MatchConfig config);

// The columns a configuration reads: its fields, swapped_with columns and
// blocking key columns, each once, in first-use order.
std::vector<std::string> ConfigColumns(const hub::v1::MatchConfig& config);

// An empty dataset with ConfigColumns(config) and each field's
// missing_values.
Dataset MakeDataset(const hub::v1::MatchConfig& config);

// Wall time of each stage, in seconds.
struct MatchTimings {
  double blocking = 0;
  double u_sampling = 0;
  double comparing = 0;
  double em = 0;
  double clustering = 0;
};

struct MatchResult {
  // By record: the smallest record index in its cluster.
  std::vector<uint32_t> cluster;
  // Every candidate pair with its match probability.
  std::vector<ScoredEdge> pairs;
  BlockingStats blocking;
  MatchTimings timings;
};

// A matcher bound to one dataset. Not thread-safe; uses `threads` threads
// internally.
class Matcher {
 public:
  // `config` must come from FinishMatchConfig. INVALID_ARGUMENT names a
  // field or blocking key that does not fit `data`.
  static absl::StatusOr<std::unique_ptr<Matcher>> Create(
      const hub::v1::MatchConfig& config, const Dataset* data, int threads);

  // Trains the model on the data (u from random pairs, m and the prior by
  // EM over the candidates), scores every candidate and clusters.
  absl::StatusOr<MatchResult> Run();

  const Model& model() const { return model_; }
  const std::vector<FieldComparator>& fields() const { return fields_; }
  // Valid after Run().
  const Scorer& scorer() const { return *scorer_; }

 private:
  Matcher(const hub::v1::MatchConfig& config, const Dataset* data, int threads)
      : config_(config), data_(data), threads_(threads) {}

  std::vector<Pattern> ComparePairs(const std::vector<PairKey>& pairs) const;
  // Per rule, a bit per field whose column the rule's keys read.
  std::vector<uint32_t> IgnoredFields(
      const std::vector<hub::v1::BlockingRule>& rules) const;
  // The number of record pairs (linkage: pairs spanning the sources).
  double AllPairs() const;

  hub::v1::MatchConfig config_;
  const Dataset* data_;
  int threads_;
  std::vector<FieldComparator> fields_;
  Model model_;
  std::unique_ptr<Scorer> scorer_;
};

}  // namespace hub::match

#endif  // HUB_MATCH_MATCHER_H_
