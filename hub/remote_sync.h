// RemoteSync: runs a source's adapter in this process and streams its pages
// to a hubd over SyncService.IngestRecords (the hub-sync binary).
#ifndef HUB_HUB_REMOTE_SYNC_H_
#define HUB_HUB_REMOTE_SYNC_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "adapters/adapter_registry.h"
#include "hub/v1/sync_service.grpc.pb.h"

namespace hub {

struct RemoteSyncOptions {
  // Required. The source as configured on the hub: `name`
  // ("sources/{id}", which must exist on the hub), `kind` and `path` for the
  // local adapter.
  hub::v1::Source source;
  // Bearer token sent with every call (default: none).
  std::string token;
  // Records per page (one IngestRecords message and checkpoint each).
  int page_size = 1000;
};

// What a finished run did.
struct RemoteSyncResult {
  std::string start_cursor;  // the hub's cursor the run resumed from
  int64_t pages = 0;         // pages acknowledged by the hub
  hub::v1::SyncJob job;      // the hub's job after the last acknowledged page
};

// Asks the hub for the source's cursor (GetSourceCursor), pulls the source
// with `registry`'s adapter from there, and sends each page with its cursor
// over one IngestRecords stream, waiting for the hub's acknowledgement (sent
// after the page and cursor commit) before reading the next page. Killed at
// any point, a rerun resumes after the last committed page: nothing is sent
// twice or skipped.
// Errors: INVALID_ARGUMENT for an unusable source (naming the field); the
// hub's status for a refused call or page (e.g. NOT_FOUND for an unknown
// source, FAILED_PRECONDITION if a job of it runs); the adapter's errors.
absl::StatusOr<RemoteSyncResult> RunRemoteSync(
    const RemoteSyncOptions& options, const AdapterRegistry& registry,
    std::shared_ptr<grpc::Channel> channel);

}  // namespace hub

#endif  // HUB_HUB_REMOTE_SYNC_H_
