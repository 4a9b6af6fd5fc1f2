// The SQLite store's merge ledger, splits and do-not-link constraints.
// Internal to profile/store; every function runs on the caller's connection
// (inside its transaction where it writes).
#ifndef HUB_PROFILE_STORE_SQLITE_LEDGER_H_
#define HUB_PROFILE_STORE_SQLITE_LEDGER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "profile/store/sqlite_util.h"
#include "profile/store/store.h"

namespace hub {
namespace sqlite_internal {

// The live id `id` forwards to. NOT_FOUND if `id` is not a profile of `side`.
absl::StatusOr<int64_t> LiveId(sqlite::Connection* conn, Side side, int64_t id);

// Appends `e` to the ledger at `now_us` (as reversible); returns its seq.
absl::StatusOr<int64_t> AppendMergeEntry(sqlite::Connection* conn,
                                         const MergeEntry& e, int64_t now_us);

// Ledger entry `seq`. NOT_FOUND if absent.
absl::StatusOr<MergeEntry> GetMergeEntry(sqlite::Connection* conn, int64_t seq);

// The merge entries in effect that made the aliases of live `id`, oldest
// first.
absl::StatusOr<std::vector<MergeEntry>> ActiveMerges(sqlite::Connection* conn,
                                                     Side side, int64_t id);

// The entries whose winner or loser is live `id` or one of its aliases, with
// seq < `before_seq`, newest first, at most `limit`.
absl::StatusOr<std::vector<MergeEntry>> ListMerges(sqlite::Connection* conn,
                                                   Side side, int64_t id,
                                                   int64_t before_seq,
                                                   int limit);

// Moves the identities and records of `plan.loser_side` origins from
// `plan.root` to `plan.loser` and re-points forwarding (see
// WriteTransaction::Split). Does not touch the ledger or account links.
absl::Status MoveSide(sqlite::Connection* conn, const SplitPlan& plan);

// Sets person `id`'s current account to the latest link its own records (and
// those of its aliases) observed; none if they observed none.
absl::Status RestoreAccountLink(sqlite::Connection* conn, int64_t id);

// True if a do-not-link pair joins an alias of live `a` (or `a`) and one of
// live `b` (or `b`).
absl::StatusOr<bool> IsDoNotLinked(sqlite::Connection* conn, int64_t a,
                                   int64_t b);

// Stores the pair (both orientations); an existing pair is kept as is.
absl::Status AddDoNotLink(sqlite::Connection* conn, Side side, int64_t a,
                          int64_t b, const std::string& who, int64_t now_us);

}  // namespace sqlite_internal
}  // namespace hub

#endif  // HUB_PROFILE_STORE_SQLITE_LEDGER_H_
