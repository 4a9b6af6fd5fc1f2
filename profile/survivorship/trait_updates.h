// Survivorship applied inside a write transaction: the effects side of
// survivorship.h's decisions, shared by ingest, merges and unmerges.
#ifndef HUB_PROFILE_SURVIVORSHIP_TRAIT_UPDATES_H_
#define HUB_PROFILE_SURVIVORSHIP_TRAIT_UPDATES_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "hub/v1/records.pb.h"
#include "profile/store/store.h"
#include "profile/survivorship/survivorship_policy.h"

namespace hub {

// Replaces the traits of `id` with those recomputed from its current source
// records. O(records of the profile).
absl::Status RecomputeTraits(WriteTransaction* tx,
                             const SurvivorshipPolicy& policy, int64_t id);

// Updates the traits of `id` after `record` was stored on it: a new record
// is folded in incrementally where the rules allow; a revision (`revision`)
// or a deletion recomputes, so that the values of the old revision go.
absl::Status ApplyRecordTraits(WriteTransaction* tx,
                               const SurvivorshipPolicy& policy, int64_t id,
                               const hub::v1::SourceRecord& record,
                               bool revision);

// Writes the traits of `winner` after `loser` merged into it, given both
// profiles' traits from before the merge (the store has moved the records).
absl::Status ApplyMergedTraits(WriteTransaction* tx,
                               const SurvivorshipPolicy& policy, int64_t winner,
                               const std::vector<NamedTrait>& winner_traits,
                               const std::vector<NamedTrait>& loser_traits);

}  // namespace hub

#endif  // HUB_PROFILE_SURVIVORSHIP_TRAIT_UPDATES_H_
