#include "profile/consent/consent_policy.h"

#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace hub {
namespace {

bool Restrictive(hub::v1::ConsentState s) {
  return s == hub::v1::DENIED || s == hub::v1::REVOKED;
}

bool ValidName(absl::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// True if `a` decides over `b` under `rule`. The tie-breaks after the rule's
// own order make the outcome independent of the signals' order.
bool Beats(ConsentRule rule, const ConsentSignal& a, const ConsentSignal& b) {
  if (rule == ConsentRule::kMostRestrictive && Restrictive(a.state) != Restrictive(b.state)) {
    return Restrictive(a.state);
  }
  return std::make_tuple(a.at_us, static_cast<int>(a.state), a.source, a.origin_id) >
         std::make_tuple(b.at_us, static_cast<int>(b.state), b.source, b.origin_id);
}

}  // namespace

std::optional<hub::v1::ConsentState> ParseConsentState(absl::string_view name) {
  if (name == "GRANTED") return hub::v1::GRANTED;
  if (name == "DENIED") return hub::v1::DENIED;
  if (name == "REVOKED") return hub::v1::REVOKED;
  return std::nullopt;
}

ConsentPolicy ConsentPolicy::Default() {
  ConsentPolicy policy;
  for (absl::string_view p : {kEmailMarketing, kAnalytics, kPersonalization}) {
    policy.purposes_[std::string(p)] = hub::v1::CONSENT_STATE_UNSPECIFIED;
  }
  return policy;
}

absl::StatusOr<ConsentPolicy> ConsentPolicy::FromConfig(const hub::v1::ConsentConfig& config) {
  ConsentPolicy policy = Default();
  const std::string& rule = config.merge_rule();
  if (rule == "most_recent") {
    policy.rule_ = ConsentRule::kMostRecent;
  } else if (!rule.empty() && rule != "most_restrictive") {
    return absl::InvalidArgumentError(absl::StrCat(
        "consent.merge_rule: unknown rule \"", rule, "\" (want most_restrictive or most_recent)"));
  }
  std::map<std::string, int> listed;
  for (int i = 0; i < config.purposes_size(); ++i) {
    const hub::v1::ConsentPurpose& p = config.purposes(i);
    const std::string field = absl::StrCat("consent.purposes[", i, "]");
    if (!ValidName(p.name())) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".name: \"", p.name(), "\" is not a purpose name (a-z, 0-9, _)"));
    }
    if (!listed.emplace(p.name(), i).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".name: purpose \"", p.name(), "\" is listed twice"));
    }
    hub::v1::ConsentState state = hub::v1::CONSENT_STATE_UNSPECIFIED;
    if (p.default_state() == "GRANTED") {
      state = hub::v1::GRANTED;
    } else if (p.default_state() == "DENIED") {
      state = hub::v1::DENIED;
    } else if (!p.default_state().empty() && p.default_state() != "NONE") {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".default_state: unknown state \"", p.default_state(),
          "\" (want NONE, GRANTED or DENIED)"));
    }
    policy.purposes_[p.name()] = state;
  }
  return policy;
}

absl::Status ConsentPolicy::CheckPurpose(absl::string_view purpose,
                                         absl::string_view field) const {
  if (purposes_.count(std::string(purpose)) > 0) return absl::OkStatus();
  std::vector<std::string> names;
  for (const auto& [name, state] : purposes_) names.push_back(name);
  return absl::InvalidArgumentError(absl::StrCat(field, ": unknown purpose \"", purpose,
                                                 "\" (configured: ", absl::StrJoin(names, ", "),
                                                 ")"));
}

EffectiveConsent ConsentPolicy::Decide(absl::string_view purpose,
                                       const std::vector<ConsentSignal>& signals) const {
  EffectiveConsent out;
  out.purpose = std::string(purpose);
  const ConsentSignal* best = nullptr;
  for (const ConsentSignal& s : signals) {
    if (s.purpose != purpose) continue;
    if (best == nullptr || Beats(rule_, s, *best)) best = &s;
  }
  if (best != nullptr) {
    out.state = best->state;
    out.decided_by = *best;
    return out;
  }
  auto it = purposes_.find(out.purpose);
  out.state = it == purposes_.end() ? hub::v1::CONSENT_STATE_UNSPECIFIED : it->second;
  out.assumed = true;
  return out;
}

bool ConsentPolicy::Allows(absl::string_view purpose,
                           const std::vector<ConsentSignal>& signals) const {
  return Decide(purpose, signals).state == hub::v1::GRANTED;
}

}  // namespace hub
