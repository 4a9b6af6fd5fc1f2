// Helpers shared by the SQLite store's files. Internal to profile/store.
#ifndef HUB_PROFILE_STORE_SQLITE_INTERNAL_H_
#define HUB_PROFILE_STORE_SQLITE_INTERNAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message_lite.h"
#include "hub/v1/records.pb.h"
#include "hub/v1/sync_service.pb.h"
#include "profile/store/sqlite_util.h"
#include "profile/store/store.h"

namespace hub {
namespace sqlite_internal {

int64_t NowMicros();
inline int SideInt(Side side) { return static_cast<int>(side); }

// True for entities stored as events (activities and opportunities).
bool IsEvent(hub::v1::EntityType entity);

// The record key as one string (for in-memory sets).
std::string KeyString(absl::string_view source, int entity,
                      absl::string_view external_id);

// A 63-bit hash of the record key: the `records.key_hash` column.
int64_t KeyHash(absl::string_view source, int entity,
                absl::string_view external_id);

std::string Serialize(const google::protobuf::MessageLite& m);

// Where an identifier is attached: its holder and its origin (the profile it
// was attached to before any merge).
struct IdentityRow {
  int64_t profile_id = 0;
  int64_t origin_id = 0;
};

// The row of a normalised identifier, if any.
absl::StatusOr<std::optional<IdentityRow>> LookupIdentity(
    sqlite::Connection* conn, Side side, const std::string& type,
    const std::string& value);

// Reads every trait of profile/account `id`, ordered by name.
absl::StatusOr<std::vector<NamedTrait>> ReadTraits(sqlite::Connection* conn,
                                                   int64_t id);

// Replaces the payload of sync job (source_id, job_id) on `conn`, which the
// caller holds for writing. NOT_FOUND if there is no such job.
absl::Status UpdateSyncJobRow(sqlite::Connection* conn,
                              const std::string& source_id, int64_t job_id,
                              const hub::v1::SyncJob& job);

// Parses a stored payload; DATA_LOSS naming `what` if it is corrupt.
template <typename Proto>
absl::StatusOr<Proto> Parse(const std::string& bytes, absl::string_view what) {
  Proto p;
  if (!p.ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("corrupt ", what, " payload"));
  }
  return p;
}

}  // namespace sqlite_internal
}  // namespace hub

#endif  // HUB_PROFILE_STORE_SQLITE_INTERNAL_H_
