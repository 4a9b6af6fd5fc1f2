#include "profile/survivorship/survivorship_policy.h"

#include <algorithm>

namespace hub {

absl::string_view RuleName(SurvivorshipRule rule) {
  switch (rule) {
    case SurvivorshipRule::kSourcePriority:
      return "source_priority";
    case SurvivorshipRule::kMostRecent:
      return "most_recent";
    case SurvivorshipRule::kMostFrequent:
      return "most_frequent";
    case SurvivorshipRule::kFirstSeen:
      return "first_seen";
    case SurvivorshipRule::kNonEmpty:
      return "non_empty";
  }
  return "most_recent";
}

int TraitRule::Rank(absl::string_view source) const {
  auto it = std::find(sources.begin(), sources.end(), source);
  return static_cast<int>(it - sources.begin());
}

SurvivorshipPolicy& SurvivorshipPolicy::Set(absl::string_view name,
                                            TraitRule rule) {
  traits_[std::string(name)] = std::move(rule);
  return *this;
}

const TraitRule& SurvivorshipPolicy::For(absl::string_view name) const {
  auto it = traits_.find(name);
  return it == traits_.end() ? default_ : it->second;
}

bool SurvivorshipPolicy::Uses(SurvivorshipRule rule) const {
  if (default_.rule == rule) return true;
  return std::any_of(traits_.begin(), traits_.end(),
                     [rule](const auto& t) { return t.second.rule == rule; });
}

}  // namespace hub
