// FieldComparator: maps a pair of records to an agreement level on one field.
#ifndef HUB_MATCH_FIELD_COMPARATOR_H_
#define HUB_MATCH_FIELD_COMPARATOR_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hub/v1/match_config.pb.h"
#include "match/dataset.h"

namespace hub::match {

// Compares one field of two records. Levels run from 0 (disagree) to
// num_levels() - 1 (exact agreement); kMissing when either value is missing.
// Everything derivable from a single value (Soundex code, parsed date,
// tokens) is computed once per distinct value at construction, so Compare
// costs one string comparison at most. Immutable after Create: thread-safe.
class FieldComparator {
 public:
  static constexpr int kMissing = -1;

  // Prepares `field` over `data`. INVALID_ARGUMENT names the field when its
  // column (or swapped_with column) is unknown or its thresholds are out of
  // range for the comparator.
  static absl::StatusOr<FieldComparator> Create(const hub::v1::MatchField& field,
                                                const Dataset& data);

  int Compare(uint32_t a, uint32_t b) const;
  int num_levels() const { return static_cast<int>(level_names_.size()); }
  int exact_level() const { return num_levels() - 1; }
  // E.g. "exact", "swapped", "jaro_winkler>=0.92", "else".
  const std::string& level_name(int level) const { return level_names_[level]; }
  const std::string& column_name() const { return column_name_; }
  // When term-frequency adjustment applies: the share of records with a
  // value that hold `record`'s value (u of an exact agreement on it).
  std::optional<double> ExactFrequency(uint32_t record) const;

 private:
  FieldComparator() = default;
  int CompareValues(uint32_t va, uint32_t vb) const;
  int ThresholdLevel(double similarity) const;
  int DistanceLevel(int distance) const;
  int GeoLevel(uint32_t a, uint32_t b) const;
  double TokenOverlap(uint32_t va, uint32_t vb) const;
  void PrepareTokens(const std::string& separator);

  hub::v1::Comparator kind_ = hub::v1::EXACT;
  const Column* column_ = nullptr;
  const Column* swapped_ = nullptr;
  const Column* longitude_ = nullptr;  // GEO
  std::string column_name_;
  std::vector<double> thresholds_;
  std::vector<std::string> level_names_;
  bool term_frequency_ = false;
  // Per value id.
  std::vector<uint32_t> phonetic_;            // PHONETIC: Soundex code id
  // DATE (days), NUMERIC, GEO (latitude, by latitude value id).
  std::vector<std::optional<double>> number_;
  std::vector<std::optional<double>> longitude_degrees_;  // GEO
  std::vector<std::vector<uint32_t>> tokens_;  // TOKEN_SET: sorted token ids
  std::vector<double> token_total_;           // TOKEN_SET: sum of weights
  // TOKEN_SET: per token id, its text and inverse document frequency.
  std::vector<std::string> token_text_;
  std::vector<double> token_weight_;
  // Per token: how often each letter a..z (and, in slot 26, anything else)
  // occurs, to bound Jaro–Winkler before computing it.
  std::vector<std::array<uint8_t, 27>> token_letters_;
};

}  // namespace hub::match

#endif  // HUB_MATCH_FIELD_COMPARATOR_H_
