// Survivorship: which candidate value becomes a profile's trait, under the
// per-trait rules of a SurvivorshipPolicy. Pure functions.
//
// Cost on the write path. A new record is folded in incrementally for the
// order-based rules (source_priority, most_recent, first_seen, non_empty):
// each trait compares the record's candidate with the stored winner, O(1)
// per trait. most_frequent needs every candidate of the trait, so a record
// offering a most_frequent trait (and any revision or deletion, for every
// rule, since the old revision's values must leave) recomputes the profile's
// traits from its current source records: O(records of that profile). That
// is bounded in practice: only contact, lead and account records offer
// traits (activities never do), and the identity limits keep a profile to a
// handful of them (one CRM contact id, five emails, ...); the records are
// read through the records_profile index.
#ifndef HUB_PROFILE_SURVIVORSHIP_SURVIVORSHIP_H_
#define HUB_PROFILE_SURVIVORSHIP_SURVIVORSHIP_H_

#include <optional>
#include <vector>

#include "hub/v1/records.pb.h"
#include "profile/store/store.h"
#include "profile/survivorship/survivorship_policy.h"

namespace hub {

// The trait candidates a record offers: its attributes (except internal ones
// starting with "_"), observed at its updated_at, with `rule` left empty. An
// attribute present with an empty value is a candidate too: the source says
// the trait has no value. Only contacts, leads and accounts offer traits;
// deleted records offer none.
std::vector<NamedTrait> TraitCandidates(const hub::v1::SourceRecord& record);

// True if `candidate` beats `current` under `rule` (an order-based rule;
// most_frequent orders its supporting observations as most_recent). Every
// rule ends its ties on (observed, source, entity, external_id, value) so
// that the outcome never depends on arrival order.
bool Beats(const TraitRule& rule, const TraitValue& candidate,
           const TraitValue& current);

// Folds `candidates` (new values; at most one per trait name) into `current`
// (the stored traits, sorted by name) and returns the rows to write, each
// naming its rule. Returns nullopt when the rules cannot decide
// incrementally: a candidate's trait uses most_frequent, or a stored row was
// chosen by another rule than the policy's (the configuration changed); the
// caller then recomputes from the profile's records.
std::optional<std::vector<NamedTrait>> Survive(
    const SurvivorshipPolicy& policy, const std::vector<NamedTrait>& current,
    const std::vector<NamedTrait>& candidates);

// Recomputes a full trait set from a profile's current records (deleted ones
// contribute nothing), sorted by name, each naming its rule.
std::vector<NamedTrait> Recompute(
    const SurvivorshipPolicy& policy,
    const std::vector<hub::v1::SourceRecord>& records);

}  // namespace hub

#endif  // HUB_PROFILE_SURVIVORSHIP_SURVIVORSHIP_H_
