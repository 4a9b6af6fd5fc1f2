// The SQLite store's consent signals (store.h: ConsentSignal). Internal to
// profile/store; every function runs on the caller's connection.
#ifndef HUB_PROFILE_STORE_SQLITE_CONSENT_H_
#define HUB_PROFILE_STORE_SQLITE_CONSENT_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "profile/store/sqlite_util.h"
#include "profile/store/store.h"

namespace hub {
namespace sqlite_internal {

// WriteTransaction::PutConsentSignal.
absl::StatusOr<bool> PutConsentSignal(sqlite::Connection* conn, const ConsentSignal& signal);

// Store::ConsentSignalsOf: the signals whose origin is one of `ids` or a
// profile forwarding to one, with profile_id set to that id.
absl::StatusOr<std::vector<ConsentSignal>> ConsentSignalsOf(sqlite::Connection* conn,
                                                            const std::vector<int64_t>& ids);

}  // namespace sqlite_internal
}  // namespace hub

#endif  // HUB_PROFILE_STORE_SQLITE_CONSENT_H_
