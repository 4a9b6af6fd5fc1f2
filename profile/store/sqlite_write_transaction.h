// The SQLite store's write transaction. Internal to profile/store.
#ifndef HUB_PROFILE_STORE_SQLITE_WRITE_TRANSACTION_H_
#define HUB_PROFILE_STORE_SQLITE_WRITE_TRANSACTION_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "profile/store/funnel_index.h"
#include "profile/store/key_filter.h"
#include "profile/store/sqlite_util.h"
#include "profile/store/store.h"

namespace hub {
namespace sqlite_internal {

// Begins a write transaction on `conn`. The caller has locked `mu` (the
// store's writer mutex); the transaction unlocks it when destroyed, rolling
// back unless committed (also when this function fails). `filter` holds the
// key hash of every stored record; the transaction consults it before a key
// lookup and adds the keys it inserts. The funnel counter changes it is
// given are applied to `funnel` when it commits.
absl::StatusOr<std::unique_ptr<WriteTransaction>> BeginWrite(
    sqlite::Connection* conn, absl::Mutex* mu, KeyFilter* filter, FunnelIndex* funnel,
    MetricIndex* opportunities) ABSL_UNLOCK_FUNCTION(mu);

}  // namespace sqlite_internal
}  // namespace hub

#endif  // HUB_PROFILE_STORE_SQLITE_WRITE_TRANSACTION_H_
