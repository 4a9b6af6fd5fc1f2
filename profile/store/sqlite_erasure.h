// The SQLite store's erasure and suppression list. Internal to
// profile/store; every function runs on the caller's connection, inside its
// write transaction.
#ifndef HUB_PROFILE_STORE_SQLITE_ERASURE_H_
#define HUB_PROFILE_STORE_SQLITE_ERASURE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "profile/store/sqlite_util.h"
#include "profile/store/store.h"

namespace hub {
namespace sqlite_internal {

// WriteTransaction::EraseProfile, but for the change log note.
absl::StatusOr<ErasedProfile> EraseProfile(sqlite::Connection* conn, int64_t live);

// The store's secret `name` (table `secrets`): created (32 random bytes) on
// first use, committed with the caller's transaction.
absl::StatusOr<std::string> SecretKey(sqlite::Connection* conn, const std::string& name);

// The suppression list's key: SecretKey "suppression_key".
absl::StatusOr<std::string> SuppressionKey(sqlite::Connection* conn);

// Hex HMAC-SHA256(key, type "\x1f" value).
std::string SuppressionHash(const std::string& key, const std::string& type,
                            const std::string& value);

absl::Status AddSuppressed(sqlite::Connection* conn, const std::string& hash, int64_t now_us);
absl::StatusOr<bool> HasSuppressed(sqlite::Connection* conn, const std::string& hash);
// True if the list holds anything.
absl::StatusOr<bool> AnySuppressed(sqlite::Connection* conn);

}  // namespace sqlite_internal
}  // namespace hub

#endif  // HUB_PROFILE_STORE_SQLITE_ERASURE_H_
