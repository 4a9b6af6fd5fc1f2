// SurvivorshipPolicy: which rule chooses each trait's value.
#ifndef HUB_PROFILE_SURVIVORSHIP_SURVIVORSHIP_POLICY_H_
#define HUB_PROFILE_SURVIVORSHIP_SURVIVORSHIP_POLICY_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace hub {

// The survivorship rules of DESIGN.md section 4. Every rule breaks its ties
// on the candidates' own fields, never on arrival order.
enum class SurvivorshipRule {
  // The value from the best-ranked source (TraitRule::sources; unlisted
  // sources rank below every listed one); within one rank, most_recent.
  kSourcePriority,
  // The latest observation (a record's updated_at), even an empty value.
  kMostRecent,
  // The value asserted by the most current source records of the profile
  // (each record counts once, whatever its revisions); ties: the value whose
  // latest supporting observation is most recent.
  kMostFrequent,
  // The earliest observation.
  kFirstSeen,
  // The latest non-empty observation.
  kNonEmpty,
};

// The rule's name as lineage reports it: "source_priority", "most_recent",
// "most_frequent", "first_seen" or "non_empty".
absl::string_view RuleName(SurvivorshipRule rule);

// How one trait survives. A value type.
struct TraitRule {
  SurvivorshipRule rule = SurvivorshipRule::kMostRecent;
  // kSourcePriority only: source names, most trusted first.
  std::vector<std::string> sources;

  // The rank of `source` in `sources` (0 is best); sources.size() for a
  // source not listed.
  int Rank(absl::string_view source) const;
};

// The rule of every trait: per-trait rules over a default. Immutable after
// construction; thread-safe.
class SurvivorshipPolicy {
 public:
  // most_recent for every trait.
  SurvivorshipPolicy() = default;
  explicit SurvivorshipPolicy(TraitRule default_rule)
      : default_(std::move(default_rule)) {}

  // Sets the rule of trait `name`, replacing the default for it.
  SurvivorshipPolicy& Set(absl::string_view name, TraitRule rule);

  // The rule of trait `name`.
  const TraitRule& For(absl::string_view name) const;

  // True if some trait (or the default) uses `rule`.
  bool Uses(SurvivorshipRule rule) const;

 private:
  TraitRule default_;
  absl::flat_hash_map<std::string, TraitRule> traits_;
};

}  // namespace hub

#endif  // HUB_PROFILE_SURVIVORSHIP_SURVIVORSHIP_POLICY_H_
