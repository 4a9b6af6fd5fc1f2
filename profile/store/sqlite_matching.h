// The SQLite store's tables for the probabilistic matcher: block keys and
// merge suggestions. Internal to profile/store; every function runs on the
// caller's connection (inside its transaction where it writes).
#ifndef HUB_PROFILE_STORE_SQLITE_MATCHING_H_
#define HUB_PROFILE_STORE_SQLITE_MATCHING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "profile/store/sqlite_util.h"
#include "profile/store/store.h"

namespace hub {
namespace sqlite_internal {

// As WriteTransaction::SetMatchKeys and MatchCandidates.
absl::Status SetMatchKeys(sqlite::Connection* conn, int64_t id,
                          const std::vector<uint64_t>& keys);
absl::StatusOr<std::vector<int64_t>> MatchCandidates(
    sqlite::Connection* conn, const std::vector<uint64_t>& keys,
    int max_per_key);

// As WriteTransaction::AddMergeSuggestion, at `now_us`.
absl::StatusOr<bool> AddMergeSuggestion(sqlite::Connection* conn,
                                        const MergeSuggestion& s,
                                        int64_t now_us);
// As Store::ListMergeSuggestions; with `only_seq`, that one suggestion.
absl::StatusOr<std::vector<MergeSuggestion>> ReadMergeSuggestions(
    sqlite::Connection* conn, std::optional<MergeSuggestion::State> state,
    int64_t after_seq, int limit, std::optional<int64_t> only_seq = std::nullopt);
// As WriteTransaction::DecideMergeSuggestion, at `now_us`.
absl::Status DecideMergeSuggestion(sqlite::Connection* conn, int64_t seq,
                                   MergeSuggestion::State state,
                                   const std::string& who, int64_t now_us);

}  // namespace sqlite_internal
}  // namespace hub

#endif  // HUB_PROFILE_STORE_SQLITE_MATCHING_H_
