// The SQLite store's retention: legal holds, purge steps, the audit log's
// anchors and the stage facts of purged events. Internal to profile/store;
// every function runs on the caller's connection (inside its write
// transaction where it writes).
#ifndef HUB_PROFILE_STORE_SQLITE_RETENTION_H_
#define HUB_PROFILE_STORE_SQLITE_RETENTION_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "profile/store/sqlite_util.h"
#include "profile/store/store.h"

namespace hub {
namespace sqlite_internal {

absl::StatusOr<LegalHold> PlaceLegalHold(sqlite::Connection* conn, LegalHold hold,
                                         int64_t now_us);
absl::StatusOr<LegalHold> ReleaseLegalHold(sqlite::Connection* conn, int64_t seq,
                                           const std::string& who, int64_t now_us);
// Holds in force on live person `live` (placed on it or a profile
// forwarding to it); every hold in force when `live` is 0.
absl::StatusOr<std::vector<LegalHold>> LegalHolds(sqlite::Connection* conn, int64_t live);

// WriteTransaction::PurgeExpired; `now_us` stamps an audit anchor.
absl::StatusOr<PurgeStepResult> PurgeExpired(sqlite::Connection* conn, const PurgeStep& step,
                                             int64_t now_us);

absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> RetainedFacts(
    sqlite::Connection* conn, int64_t live);
absl::Status PutRetainedFacts(sqlite::Connection* conn, int64_t origin_id,
                              const std::string& facts);

// The newest audit anchor (seq, hash); (0, "") if the log was never purged.
absl::StatusOr<std::pair<int64_t, std::string>> AuditAnchor(sqlite::Connection* conn);

}  // namespace sqlite_internal
}  // namespace hub

#endif  // HUB_PROFILE_STORE_SQLITE_RETENTION_H_
