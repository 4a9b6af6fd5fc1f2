// IdentityPolicy: per identifier type, how much it may link.
#ifndef HUB_PROFILE_IDENTITY_IDENTITY_POLICY_H_
#define HUB_PROFILE_IDENTITY_IDENTITY_POLICY_H_

#include <memory>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hub {

// The guard on one identifier type.
struct TypeRule {
  // Higher links first and wins conflicts: a link by a type is refused if
  // it would break the limit of a type of equal or higher priority.
  int priority = 0;
  // The most distinct values one profile may hold; 0 means unlimited.
  int limit = 0;
};

// Priorities and limits per identifier type (DESIGN.md section 3). Immutable
// after construction; thread-safe.
class IdentityPolicy {
 public:
  // The defaults: one CRM contact id, one product user id, two support users,
  // five emails, three phones; cookies unlimited and lowest.
  static IdentityPolicy Default();

  // Sets the rule of `type`.
  IdentityPolicy& Set(absl::string_view type, TypeRule rule);

  // The rule of `type`; unknown types are unlimited with priority 0.
  TypeRule Rule(absl::string_view type) const;

  // Adds a pattern (ECMAScript regex, matched against the whole normalised
  // value) of values that never link. INVALID_ARGUMENT for a bad pattern.
  absl::Status AddBlockedPattern(absl::string_view pattern);

  // True if `value` matches a blocked pattern.
  bool Blocked(absl::string_view value) const;

  // A value seen on more than this many profiles is flagged hot and no
  // longer links (default 5).
  int hot_threshold() const { return hot_threshold_; }
  IdentityPolicy& set_hot_threshold(int n) {
    hot_threshold_ = n;
    return *this;
  }

 private:
  absl::flat_hash_map<std::string, TypeRule> rules_;
  int hot_threshold_ = 5;
  std::vector<std::pair<std::string, std::shared_ptr<const std::regex>>> blocked_;
};

}  // namespace hub

#endif  // HUB_PROFILE_IDENTITY_IDENTITY_POLICY_H_
