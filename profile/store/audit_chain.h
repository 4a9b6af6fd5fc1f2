// The audit log's hash chain: how an entry's hash is computed from the one
// before it, and a verifier that walks a log in order.
#ifndef HUB_PROFILE_STORE_AUDIT_CHAIN_H_
#define HUB_PROFILE_STORE_AUDIT_CHAIN_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "profile/store/store.h"

namespace hub {

// SHA-256 (lower-case hex) over `previous_hash` (the entry before's hash;
// "" for the first entry) and every field of `entry` but its hash, each
// length-prefixed so no two entries encode alike. Pure.
std::string AuditHash(absl::string_view previous_hash, const AuditEntry& entry);

// Checks a log fed to it entry by entry, in seq order: seqs run 1, 2, 3, ...
// and each stored hash is AuditHash of the entry before's stored hash and
// the entry. Catches an edited entry (its hash no longer matches), a removed
// or inserted one (a seq gap, or the next hash no longer chains) and
// reordered ones. Cannot, alone, catch the newest entries removed, or the
// whole tail rewritten with recomputed hashes by someone who knows the
// scheme: compare `head_hash` with a copy kept elsewhere for that.
class AuditChainVerifier {
 public:
  AuditChainVerifier() = default;
  // Starts after an anchor: the log's entries up to `anchor_seq` were
  // removed (a retention purge) and entry anchor_seq + 1 chains to
  // `anchor_hash`.
  AuditChainVerifier(int64_t anchor_seq, std::string anchor_hash);

  // Returns false once a problem is found (the rest need not be fed).
  bool Add(const AuditEntry& entry);
  const AuditCheck& check() const { return check_; }

 private:
  AuditCheck check_;
  int64_t anchor_seq_ = 0;
};

}  // namespace hub

#endif  // HUB_PROFILE_STORE_AUDIT_CHAIN_H_
