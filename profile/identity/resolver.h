// The deterministic identity resolver: a pure decision over candidates.
#ifndef HUB_PROFILE_IDENTITY_RESOLVER_H_
#define HUB_PROFILE_IDENTITY_RESOLVER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "profile/ingest/validator.h"

namespace hub {

// One identifier of a record and the profile that already holds it, if any.
struct IdentifierMatch {
  Key key;
  std::optional<int64_t> holder;
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
};

// Decides deterministically: the record joins every profile holding one of
// its identifiers; if there are several, the oldest (smallest id) survives
// and the others merge into it. `previous` is the profile the record's
// earlier revision belonged to (0 if none); it is a candidate too. Pure.
ResolveDecision Resolve(const std::vector<IdentifierMatch>& matches,
                        int64_t previous);

}  // namespace hub

#endif  // HUB_PROFILE_IDENTITY_RESOLVER_H_
