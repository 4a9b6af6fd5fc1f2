// The SQLite store's lifecycle tables: stage state, stage histories and the
// funnel counters. Internal to profile/store; every function runs on the
// caller's connection (inside its transaction where it writes).
#ifndef HUB_PROFILE_STORE_SQLITE_LIFECYCLE_H_
#define HUB_PROFILE_STORE_SQLITE_LIFECYCLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "profile/store/funnel_index.h"
#include "profile/store/sqlite_util.h"
#include "profile/store/store.h"

namespace hub {
namespace sqlite_internal {

// The records a statement selecting one `payload` column yields, parsed.
absl::StatusOr<std::vector<hub::v1::SourceRecord>> ReadRecords(sqlite::Statement* s);

// As the WriteTransaction and Store methods of the same names.
absl::StatusOr<std::optional<StageState>> GetStageState(sqlite::Connection* conn,
                                                        int64_t id);
absl::Status PutStageState(sqlite::Connection* conn, int64_t id, const StageState& state);
absl::Status DeleteStageState(sqlite::Connection* conn, int64_t id);
absl::StatusOr<std::vector<hub::v1::SourceRecord>> PersonRecordsOf(
    sqlite::Connection* conn, int64_t id);
absl::StatusOr<std::vector<hub::v1::SourceRecord>> OpportunitiesOf(
    sqlite::Connection* conn, int64_t account_id);
absl::StatusOr<std::vector<int64_t>> MembersOf(sqlite::Connection* conn,
                                               int64_t account_id);
absl::Status AddDomainWait(sqlite::Connection* conn, const std::string& domain,
                           int64_t origin_id, int64_t observed_us);
absl::StatusOr<std::vector<std::pair<int64_t, int64_t>>> TakeDomainWaits(
    sqlite::Connection* conn, const std::string& domain);
absl::StatusOr<std::vector<std::pair<int64_t, hub::v1::SourceRecord>>> RecordsBySeq(
    sqlite::Connection* conn, const std::vector<int64_t>& seqs);
absl::Status AddStageNotes(sqlite::Connection* conn, const std::vector<StageNote>& notes);
absl::StatusOr<int64_t> PendingStageNotes(sqlite::Connection* conn);
absl::StatusOr<std::vector<StageNote>> TakeStageNotes(sqlite::Connection* conn);
// Adds every stored stage history's funnel contributions to `index` (one
// scan of the histories, O(transitions)).
absl::Status LoadFunnel(sqlite::Connection* conn, FunnelIndex* index,
                        MetricIndex* opportunities);

}  // namespace sqlite_internal
}  // namespace hub

#endif  // HUB_PROFILE_STORE_SQLITE_LIFECYCLE_H_
