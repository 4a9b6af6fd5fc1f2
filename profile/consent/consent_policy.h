// ConsentPolicy: the purposes personal data may be used for, the state
// assumed for each when a profile has no signal, and how signals combine
// (DESIGN.md section 7; docs/governance.md, "Consent"). A pure function of
// its inputs: no store.
#ifndef HUB_PROFILE_CONSENT_CONSENT_POLICY_H_
#define HUB_PROFILE_CONSENT_CONSENT_POLICY_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hub/v1/config.pb.h"
#include "profile/store/store.h"

namespace hub {

// The built-in purposes.
inline constexpr absl::string_view kEmailMarketing = "email_marketing";
inline constexpr absl::string_view kAnalytics = "analytics";
inline constexpr absl::string_view kPersonalization = "personalization";

// How the signals of a profile combine: each is the latest of its source
// for one origin (the profile itself or one merged into it).
enum class ConsentRule {
  // DENIED or REVOKED anywhere beats GRANTED; among the winners, the latest.
  kMostRestrictive,
  // The latest signal wins; of two at one time, the more restrictive.
  kMostRecent,
};

// A profile's effective consent for one purpose.
struct EffectiveConsent {
  std::string purpose;
  hub::v1::ConsentState state = hub::v1::CONSENT_STATE_UNSPECIFIED;
  // The signal that decided it; nullopt when `assumed`.
  std::optional<ConsentSignal> decided_by;
  // No signal: `state` is the purpose's configured default.
  bool assumed = false;
};

// Immutable after construction; thread-safe.
class ConsentPolicy {
 public:
  // The built-in purposes, none assumed granted, kMostRestrictive.
  static ConsentPolicy Default();

  // The defaults changed by `config`. INVALID_ARGUMENT naming the field
  // ("consent.purposes[1].default_state: ...", "consent.merge_rule: ...")
  // for an empty, malformed or repeated name, an unknown state or rule.
  static absl::StatusOr<ConsentPolicy> FromConfig(const hub::v1::ConsentConfig& config);

  // OK if `purpose` is configured; else INVALID_ARGUMENT
  // "<field>: unknown purpose "x" (configured: analytics, ...)".
  absl::Status CheckPurpose(absl::string_view purpose, absl::string_view field) const;

  // The configured purposes and their defaults, sorted by name.
  const std::map<std::string, hub::v1::ConsentState>& purposes() const { return purposes_; }
  ConsentRule rule() const { return rule_; }

  // The effective state of `purpose` (configured) given `signals` (any
  // order; those of other purposes are ignored). Deterministic: ties break
  // on state, source and origin.
  EffectiveConsent Decide(absl::string_view purpose,
                          const std::vector<ConsentSignal>& signals) const;

  // True if Decide(purpose, signals).state is GRANTED: the profile may be
  // read for the purpose.
  bool Allows(absl::string_view purpose, const std::vector<ConsentSignal>& signals) const;

 private:
  ConsentPolicy() = default;

  std::map<std::string, hub::v1::ConsentState> purposes_;
  ConsentRule rule_ = ConsentRule::kMostRestrictive;
};

// "GRANTED" -> GRANTED, ...; nullopt for anything else.
std::optional<hub::v1::ConsentState> ParseConsentState(absl::string_view name);

}  // namespace hub

#endif  // HUB_PROFILE_CONSENT_CONSENT_POLICY_H_
