// SqliteStore: the embedded Store, one SQLite file in WAL mode.
#ifndef HUB_PROFILE_STORE_SQLITE_STORE_H_
#define HUB_PROFILE_STORE_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "profile/store/store.h"

namespace hub {

struct SqliteStoreOptions {
  // The database file. Required.
  std::string path;
  // Create the file if it does not exist (default true). When false, a
  // missing file is NOT_FOUND.
  bool create_if_missing = true;
  // Idle read connections kept open for reuse (default 64). More readers may
  // be open at once; extra ones are closed when returned. Opening one costs
  // a schema parse and a cold page cache, so this should cover the server's
  // concurrent reads (hubd's sync gRPC server runs one thread per call in
  // flight): with 8, GetProfile at 32-128 in flight re-opened a connection
  // on most calls (bench/RESULTS.md, "Serving").
  int max_idle_readers = 64;
};

// Opens (and migrates) a SQLite store. Errors: NOT_FOUND if the file is
// missing and create_if_missing is false or its folder does not exist;
// FAILED_PRECONDITION if the file was written by a newer schema; DATA_LOSS if
// it is not a SQLite database.
//
// Cost: identity lookups and record upserts are B-tree point operations
// (O(log n)); a merge is linear in the merged-away profile's size.
absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(
    const SqliteStoreOptions& options);

}  // namespace hub

#endif  // HUB_PROFILE_STORE_SQLITE_STORE_H_
