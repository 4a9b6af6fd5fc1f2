// Consent per profile and purpose over the Store (DESIGN.md section 7;
// docs/governance.md, "Consent"): reading a profile's effective consent,
// filtering reads by purpose, and a steward's SetConsent. The decisions are
// ConsentPolicy's; these functions read and write the signals.
#ifndef HUB_PROFILE_CONSENT_CONSENT_H_
#define HUB_PROFILE_CONSENT_CONSENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "hub/v1/resources.pb.h"
#include "profile/consent/consent_policy.h"
#include "profile/store/store.h"

namespace hub {

// Which profile: a name "profiles/{id}" (a merged-away id resolves to its
// survivor), or else a person identifier type and value (normalised as
// ingest does).
struct ConsentSubject {
  std::string name;
  std::string identifier_type;
  std::string identifier_value;
};

// The live profile `subject` names. INVALID_ARGUMENT naming the field (name,
// identifier_type, identifier_value); NOT_FOUND for no such profile.
absl::StatusOr<int64_t> FindConsentSubject(Store* store, const ConsentSubject& subject);

// The API's view of `signals` (one profile's): one Consent per configured
// purpose, sorted by purpose, each with its evidence (newest first) if
// `with_evidence`.
std::vector<hub::v1::Consent> ConsentsOf(const ConsentPolicy& policy,
                                         const std::vector<ConsentSignal>& signals,
                                         bool with_evidence);

// Sets `profile`'s consents (read from `store`; its name is
// "profiles/{id}", live). With a non-empty `purpose` (checked by the
// caller), FAILED_PRECONDITION "profiles/12 has no consent for purpose P"
// unless its state for P is GRANTED.
absl::Status AttachConsent(Store* store, const ConsentPolicy& policy, absl::string_view purpose,
                           bool with_evidence, hub::v1::Profile* profile);

// The same for a page of profiles, in one store query: each keeps its
// consents (without evidence), and with a non-empty `purpose` those without
// consent for it are removed (the order of the rest is kept).
absl::Status AttachConsents(Store* store, const ConsentPolicy& policy, absl::string_view purpose,
                            google::protobuf::RepeatedPtrField<hub::v1::Profile>* profiles);

// What SetConsent did.
struct ConsentChange {
  int64_t profile_id = 0;  // the live profile
  int64_t audit_seq = 0;   // its audit entry; 0 for a repeated request
};

// Records `actor`'s `state` for `purpose` on the profile `subject` names
// (source "api", at the current time, belonging to that profile) and its
// audit entry "SetConsent", in one transaction. A request repeating the
// request_id and state of the profile's stored API signal for the purpose
// changes nothing and writes no entry. INVALID_ARGUMENT naming the field
// (purpose, state, reason, or as FindConsentSubject); NOT_FOUND for no such
// profile.
absl::StatusOr<ConsentChange> SetConsent(Store* store, const ConsentPolicy& policy,
                                         const ConsentSubject& subject,
                                         absl::string_view purpose,
                                         hub::v1::ConsentState state, const Actor& actor);

}  // namespace hub

#endif  // HUB_PROFILE_CONSENT_CONSENT_H_
