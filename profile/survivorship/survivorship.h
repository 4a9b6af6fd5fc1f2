// Survivorship: which candidate value becomes a profile's trait.
#ifndef HUB_PROFILE_SURVIVORSHIP_SURVIVORSHIP_H_
#define HUB_PROFILE_SURVIVORSHIP_SURVIVORSHIP_H_

#include <vector>

#include "hub/v1/records.pb.h"
#include "profile/store/store.h"

namespace hub {

// The trait candidates a record offers: its non-empty attributes (except
// internal ones starting with "_"), observed at its updated_at, with rule
// "most_recent". Only contacts, leads and accounts offer traits.
std::vector<NamedTrait> TraitCandidates(const hub::v1::SourceRecord& record);

// True if `candidate` beats `current` under most_recent: a later observation
// wins; ties break on (source, entity, external_id, value) so the outcome does
// not depend on arrival order.
bool Beats(const TraitValue& candidate, const TraitValue& current);

// Returns the traits of `candidates` that beat (or are missing from)
// `current` — the rows to write. `current` must be sorted by name. Pure.
std::vector<NamedTrait> Survive(const std::vector<NamedTrait>& current,
                                const std::vector<NamedTrait>& candidates);

// Recomputes a full trait set from records (deleted ones contribute
// nothing), sorted by name. Pure.
std::vector<NamedTrait> Recompute(
    const std::vector<hub::v1::SourceRecord>& records);

}  // namespace hub

#endif  // HUB_PROFILE_SURVIVORSHIP_SURVIVORSHIP_H_
