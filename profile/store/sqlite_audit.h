// The SQLite store's audit log. Internal to profile/store; every function
// runs on the caller's connection (inside its transaction where it writes).
#ifndef HUB_PROFILE_STORE_SQLITE_AUDIT_H_
#define HUB_PROFILE_STORE_SQLITE_AUDIT_H_

#include <cstdint>
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

}  // namespace sqlite_internal
}  // namespace hub

#endif  // HUB_PROFILE_STORE_SQLITE_AUDIT_H_
