#include "profile/identity/identity_policy.h"

#include "absl/strings/str_cat.h"

namespace hub {

IdentityPolicy IdentityPolicy::Default() {
  IdentityPolicy p;
  p.Set("salesforce.contact_id", {100, 1})
      .Set("hubspot.contact_id", {100, 1})
      .Set("user_id", {90, 1})
      .Set("salesforce.lead_id", {80, 5})
      .Set("zendesk.user_id", {70, 3})
      .Set("email", {60, 5})
      .Set("mailchimp.member_id", {55, 5})
      .Set("phone", {40, 3})
      .Set("segment.anonymous_id", {10, 0})
      .Set("ga4.user_pseudo_id", {10, 0})
      .Set("salesforce.account_id", {100, 1})
      .Set("hubspot.company_id", {100, 1})
      .Set("zendesk.organization_id", {70, 3})
      .Set("segment.group_id", {60, 3})
      .Set("domain", {50, 10});
  return p;
}

IdentityPolicy& IdentityPolicy::Set(absl::string_view type, TypeRule rule) {
  rules_[std::string(type)] = rule;
  return *this;
}

absl::Status IdentityPolicy::AddBlockedPattern(absl::string_view pattern) {
  try {
    blocked_.emplace_back(std::string(pattern),
                          std::make_shared<const std::regex>(
                              std::string(pattern), std::regex::ECMAScript));
  } catch (const std::regex_error& e) {
    return absl::InvalidArgumentError(absl::StrCat(
        "blocked pattern \"", pattern, "\" is not a valid regex: ", e.what()));
  }
  return absl::OkStatus();
}

bool IdentityPolicy::Blocked(absl::string_view value) const {
  for (const auto& [text, regex] : blocked_) {
    if (std::regex_match(value.begin(), value.end(), *regex)) return true;
  }
  return false;
}

TypeRule IdentityPolicy::Rule(absl::string_view type) const {
  auto it = rules_.find(type);
  return it == rules_.end() ? TypeRule{} : it->second;
}

}  // namespace hub
