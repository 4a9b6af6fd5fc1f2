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
// Files that secure hub-sync's channel to the hub; all empty means
// plaintext.
struct ChannelTlsFiles {
  std::string ca_file;    // PEM CAs that verify the hub (implies TLS)
  std::string cert_file;  // client certificate for mutual TLS; needs key_file
  std::string key_file;   // its private key
};

// Channel credentials as `files` say: insecure when all are empty, else TLS
// verifying the hub with ca_file (the system's CAs if empty) and presenting
// the client certificate if given. Errors: INVALID_ARGUMENT for a cert
// without key or the reverse; NOT_FOUND for an unreadable file.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> HubChannelCredentials(
    const ChannelTlsFiles& files);

absl::StatusOr<RemoteSyncResult> RunRemoteSync(
    const RemoteSyncOptions& options, const AdapterRegistry& registry,
    std::shared_ptr<grpc::Channel> channel);

}  // namespace hub

#endif  // HUB_HUB_REMOTE_SYNC_H_
