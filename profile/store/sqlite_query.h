// Store::QueryProfiles on SQLite: a ProfileCondition tree written as one
// SQL statement with bound parameters.
#ifndef HUB_PROFILE_STORE_SQLITE_QUERY_H_
#define HUB_PROFILE_STORE_SQLITE_QUERY_H_

#include <vector>

#include "absl/status/statusor.h"
#include "profile/store/sqlite_util.h"
#include "profile/store/store.h"

namespace hub {
namespace sqlite {

// Runs `query` on `conn` (a reader). Conditions that an index answers are
// written so that SQLite's planner can drive the scan from it: a stage
// equality from stage_state_stage, an account equality from
// profiles_account, update-time bounds and order from profiles_update.
absl::StatusOr<std::vector<ProfileRow>> QueryProfilesOn(Connection* conn,
                                                        const ProfileQuery& query);

// The statement QueryProfilesOn prepares for `query` (for tests and
// EXPLAIN QUERY PLAN), without its parameters.
std::string ProfileQuerySql(const ProfileQuery& query);

}  // namespace sqlite
}  // namespace hub

#endif  // HUB_PROFILE_STORE_SQLITE_QUERY_H_
