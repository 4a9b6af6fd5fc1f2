// The SQLite store's audit log. Internal to profile/store; every function
// runs on the caller's connection (inside its transaction where it writes).
#ifndef HUB_PROFILE_STORE_SQLITE_AUDIT_H_
#define HUB_PROFILE_STORE_SQLITE_AUDIT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "profile/store/sqlite_util.h"
#include "profile/store/store.h"

namespace hub {
namespace sqlite_internal {

// Appends `entry` at `now_us`, chained to the newest entry; returns it with
// its seq, time and hash.
absl::StatusOr<AuditEntry> AppendAudit(sqlite::Connection* conn, AuditEntry entry,
                                       int64_t now_us);

// Entries with seq > `after_seq`, oldest first, at most `limit`.
absl::StatusOr<std::vector<AuditEntry>> ListAudit(sqlite::Connection* conn,
                                                  int64_t after_seq, int limit);

// Walks the whole log in seq order (AuditChainVerifier).
absl::StatusOr<AuditCheck> VerifyAudit(sqlite::Connection* conn);

// ALREADY_EXISTS, naming its audit entry, if the request of `actor` (its
// principal and request id) is registered.
absl::Status RefuseRegistered(sqlite::Connection* conn, const Actor& actor);

// Registers the request of the appended `entry` (its actor's principal,
// request id and fingerprint), which must not be registered.
absl::Status RegisterRequest(sqlite::Connection* conn, const AuditEntry& entry);

absl::StatusOr<std::optional<StoredRequest>> GetRequest(sqlite::Connection* conn,
                                                        const std::string& principal,
                                                        const std::string& request_id);

absl::Status SaveResponse(sqlite::Connection* conn, const std::string& principal,
                          const std::string& request_id, const std::string& response);

// Drops every saved response (an erasure: they may name the subject).
absl::Status ClearResponses(sqlite::Connection* conn);

absl::StatusOr<std::map<std::string, std::string>> PolicyDigests(sqlite::Connection* conn);
absl::Status SetPolicyDigest(sqlite::Connection* conn, const std::string& section,
                             const std::string& digest);

}  // namespace sqlite_internal
}  // namespace hub

#endif  // HUB_PROFILE_STORE_SQLITE_AUDIT_H_
