// The Fellegi–Sunter model: per field and agreement level an m probability
// (P(level | same entity)) and a u probability (P(level | different)),
// estimated from the data, and the scores they give a pair.
#ifndef HUB_MATCH_FELLEGI_SUNTER_H_
#define HUB_MATCH_FELLEGI_SUNTER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hub/v1/match_config.pb.h"
#include "match/dataset.h"
#include "match/field_comparator.h"

namespace hub::match {

// A pair's comparison vector: 4 bits per field, kPatternMissing for a
// missing value. At most kMaxFields fields of at most 15 levels.
using Pattern = uint64_t;
inline constexpr int kMaxFields = 16;
inline constexpr int kPatternMissing = 15;

inline int PatternLevel(Pattern p, int field) {
  const int level = static_cast<int>((p >> (4 * field)) & 15);
  return level == kPatternMissing ? FieldComparator::kMissing : level;
}

// Compares records `a` and `b` on every field.
Pattern ComparePair(const std::vector<FieldComparator>& fields, uint32_t a,
                    uint32_t b);

struct FieldParams {
  std::vector<double> m;  // by level
  std::vector<double> u;  // by level
  // By level: the share of random pairs at the level. Random pairs are
  // mostly non-matches, so this is u's first estimate; where matches are a
  // sizeable share of all pairs (a few huge entities) EM corrects u for them.
  std::vector<double> random;
};

struct Model {
  std::vector<FieldParams> fields;
  // P(match) among the candidate pairs, as EM estimates it.
  double candidate_lambda = 0;
  // P(match) for any pair of records: the prior of every score. Blocking
  // already selected pairs that agree on its keys; scoring a candidate with
  // all its fields' weights against this prior counts that evidence once.
  double lambda = 0;
  int em_iterations = 0;  // iterations EM ran
  // Term-frequency weights for exact agreement. They need the value
  // frequencies of a whole dataset: off when scoring a record against a
  // handful of candidates (hubd's write path).
  bool term_frequency = true;
};

// The model `config` carries (each field's m and u, the prior) for the
// prepared `fields`. INVALID_ARGUMENT naming the field if its m or u does
// not hold one probability in (0, 1) per level, or if the prior is not in
// (0, 1).
absl::StatusOr<Model> ModelFromConfig(const hub::v1::MatchConfig& config,
                                      const std::vector<FieldComparator>& fields);

// Writes `model`'s m, u (per field, in config order) and prior into `config`.
void ModelToConfig(const Model& model, hub::v1::MatchConfig* config);

// Estimates u from `sample_pairs` random pairs (random pairs are almost all
// of different entities); in a linkage each pair spans the two sources.
// Deterministic for `seed`; uses up to `threads` threads.
std::vector<FieldParams> EstimateU(const std::vector<FieldComparator>& fields,
                                   const Dataset& data, int64_t sample_pairs,
                                   uint64_t seed, int threads);

// Estimates m, then candidate_lambda by expectation-maximisation, over the
// comparison vectors of the candidate pairs; u starts at its random-pair
// estimate.
//
// m: field f's level distribution among "anchor" pairs, those agreeing
// strongly on every other present field (at least two). Under the model's
// conditional independence that is f's distribution among matches, and it
// needs no latent class to be found: full EM of m, on candidate sets where
// matches are few (restaurants, fake_20000), converges on a spurious class
// ("same city") instead of "same entity".
// lambda: EM with m and u as above, u re-derived each iteration from the
// random-pair distribution given the implied global match share (matters
// when a few huge entities make matches a sizeable share of all pairs).
// Then, if that puts at least a quarter of the candidates among matches, EM
// refines m as well: where matches dominate, EM's match class is the
// matches, and anchors are biased wherever an entity has tight sub-groups
// (a company's patents: the anchors are one inventor's at one site, so
// they say matches rarely disagree on place or patent class; they do half
// the time).
//
// A pair's fields that blocking forced to agree say nothing about it, so
// `ignored[i]` (a bit per field) masks them out of pair i: the fields every
// rule that produced the pair reads. (Counting a pair only under its first
// rule would bias m: a pair left for a later rule is one the first rule's
// fields disagree on.)
// `pairs_per_candidate` is (all record pairs) / (candidate pairs).
void EstimateM(const std::vector<Pattern>& patterns,
               const std::vector<uint32_t>& ignored, double pairs_per_candidate,
               int iterations, Model* model);

// Scores pairs under a trained model. Immutable: thread-safe.
class Scorer {
 public:
  Scorer(const std::vector<FieldComparator>* fields, const Model* model);

  // log2 of the posterior odds of a match for a compared pair.
  // `a` is the pair's first record (its values give the exact levels' term
  // frequencies); `pattern` is ComparePair of the pair.
  double LogOdds(uint32_t a, Pattern pattern) const;
  static double Probability(double log_odds);

  struct Contribution {
    std::string column;
    std::string level;  // "missing" when either value is missing
    double weight = 0;  // log2(m/u), term-frequency adjusted
  };
  // Each field's contribution to LogOdds (the prior is separate).
  std::vector<Contribution> Explain(uint32_t a, uint32_t b) const;
  double prior_log_odds() const { return prior_; }

 private:
  // The weight of `level` on `field` for a pair whose first record is `a`.
  double Weight(int field, int level, uint32_t a) const;

  const std::vector<FieldComparator>* fields_;
  const Model* model_;
  double prior_;
  std::vector<std::vector<double>> weights_;  // by field, level
};

}  // namespace hub::match

#endif  // HUB_MATCH_FELLEGI_SUNTER_H_
