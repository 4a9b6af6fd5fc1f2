// Blocking: which record pairs are compared at all. Each rule puts records
// with equal keys in one block; the union of every rule's within-block pairs
// are the candidates. Cost grows with the sum of squared block sizes, so
// oversized blocks (a key shared by thousands of records says little about
// identity) are skipped.
#ifndef HUB_MATCH_BLOCKING_H_
#define HUB_MATCH_BLOCKING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hub/v1/match_config.pb.h"
#include "match/dataset.h"

namespace hub::match {

// A candidate pair, packed (a << 32 | b) with a < b.
using PairKey = uint64_t;
inline PairKey MakePair(uint32_t a, uint32_t b) {
  return a < b ? (PairKey(a) << 32 | b) : (PairKey(b) << 32 | a);
}
inline uint32_t PairFirst(PairKey p) { return static_cast<uint32_t>(p >> 32); }
inline uint32_t PairSecond(PairKey p) { return static_cast<uint32_t>(p); }

struct BlockingStats {
  int64_t blocks = 0;          // blocks of two or more records
  int64_t skipped_blocks = 0;  // blocks over max_block_size
  int64_t skipped_records = 0; // records in skipped blocks
  int64_t candidates = 0;      // distinct pairs
};

struct Candidates {
  std::vector<PairKey> pairs;  // distinct, sorted
  // By pair: a bit per rule that produced it. Training uses it to ignore
  // the fields that every one of those rules forced to agree.
  std::vector<uint32_t> rules;
};

// Returns the distinct candidate pairs of `rules` (at most 32) over
// `data`; in a linkage only pairs spanning the two sources. INVALID_ARGUMENT
// names a rule with an unknown column or transform.
absl::StatusOr<Candidates> CandidatePairs(
    const std::vector<hub::v1::BlockingRule>& rules, const Dataset& data,
    int max_block_size, BlockingStats* stats);

// One part of a blocking key, written "column" or "column:transform".
struct KeySpec {
  std::string column;
  std::string transform;  // "exact" when not written
};
KeySpec ParseKeySpec(const std::string& key);

// Block keys are 64-bit hashes: rule `r`'s seed, extended by each key part's
// hashed key (a record gets the product of its parts' keys).
uint64_t RuleSeed(size_t rule);
inline uint64_t ExtendBlockKey(uint64_t key, uint64_t part_key) {
  return key * 1099511628211ull ^ part_key;
}

// The block keys of one value under a transform (e.g. "prefix3",
// "soundex", "token"); empty if the value yields none. Exposed for tests.
absl::StatusOr<std::vector<std::string>> BlockKeys(absl::string_view transform,
                                                   const std::string& value);

}  // namespace hub::match

#endif  // HUB_MATCH_BLOCKING_H_
