// The deterministic identity resolver: a pure decision over candidates.
#ifndef HUB_PROFILE_IDENTITY_RESOLVER_H_
#define HUB_PROFILE_IDENTITY_RESOLVER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "profile/identity/identity_policy.h"
#include "profile/ingest/validator.h"

namespace hub {

// One identifier of a record and the profile that already holds it, if any.
struct IdentifierMatch {
  Key key;
  std::optional<int64_t> holder;
};

// How many distinct values of each identifier type a profile holds.
using TypeCounts = absl::flat_hash_map<std::string, int>;

// A link the guard refused: the identifier stays where it is (with its
// holder, or unattached if it had none).
struct Refusal {
  Key key;
  int64_t holder = 0;  // the profile holding the identifier; 0 if none
  std::string reason;  // e.g. "would give 2 salesforce.contact_id (limit 1)"
};

// What to do with a record's identity.
struct ResolveDecision {
  // The profile the record belongs to; 0 means "create a new one".
  int64_t target = 0;
  // Profiles to merge into `target` (ascending), each with the identifier
  // type that linked it.
  std::vector<std::pair<int64_t, std::string>> merge;
  // Identifiers not held by any profile yet, to attach to `target`.
  std::vector<Key> attach;
  // Links refused by the policy's limits or by a do-not-link constraint
  // (reason kDoNotLinkReason).
  std::vector<Refusal> refusals;
  // The highest-priority identifier whose holder the record joined (its
  // holder kept or merged into `target`); unset if none was held.
  std::optional<Key> anchor;
};

// The refusal reason of a link a do-not-link constraint forbids.
inline constexpr char kDoNotLinkReason[] = "do_not_link";

// Decides deterministically, guarded by `policy`. Identifiers are taken by
// descending priority. The record joins the profile holding its highest-
// priority identifier (or its earlier revision's profile, `previous`, if
// any); each further holder merges in unless the union would exceed the
// limit of a type of equal or higher priority than the linking one, and each
// unheld identifier is attached unless that exceeds its own type's limit.
// Refused links are reported, never silently dropped. Of the profiles kept,
// the oldest (smallest id) survives. `counts` returns a profile's
// identifier counts; it is called only when a limit must be checked.
// `kept_apart(a, b)` says whether a do-not-link constraint separates two
// profiles; a holder kept apart from any profile already joined is refused
// (reason kDoNotLinkReason) and keeps its identifiers, so the record stays
// on the side of its higher-priority identifiers. It is called only when a
// second profile would join. Pure.
ResolveDecision Resolve(std::vector<IdentifierMatch> matches, int64_t previous,
                        const IdentityPolicy& policy,
                        absl::FunctionRef<TypeCounts(int64_t)> counts,
                        absl::FunctionRef<bool(int64_t, int64_t)> kept_apart);

// As above with no do-not-link constraints.
ResolveDecision Resolve(std::vector<IdentifierMatch> matches, int64_t previous,
                        const IdentityPolicy& policy,
                        absl::FunctionRef<TypeCounts(int64_t)> counts);

}  // namespace hub

#endif  // HUB_PROFILE_IDENTITY_RESOLVER_H_
