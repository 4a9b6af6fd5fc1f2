// The SQLite store's schema, as ordered migrations.
#ifndef HUB_PROFILE_STORE_SQLITE_SCHEMA_H_
#define HUB_PROFILE_STORE_SQLITE_SCHEMA_H_

#include "absl/status/status.h"
#include "profile/store/sqlite_util.h"

namespace hub {
namespace sqlite {

// The schema version this build writes (PRAGMA user_version).
int LatestSchemaVersion();

// Brings the database up to LatestSchemaVersion(), applying each missing
// migration in order, each in its own transaction. FAILED_PRECONDITION if the
// database was written by a newer build (its version is higher).
absl::Status Migrate(Connection* conn);

}  // namespace sqlite
}  // namespace hub

#endif  // HUB_PROFILE_STORE_SQLITE_SCHEMA_H_
