// Server: wires the store, adapters, sync runner and gRPC services of hubd.
#ifndef HUB_HUB_SERVER_H_
#define HUB_HUB_SERVER_H_

#include <iostream>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "hub/v1/config.pb.h"

namespace grpc {
class Service;
}  // namespace grpc

namespace hub {

struct ServerOptions {
  // The finished configuration (see FinishConfig). Required.
  hub::v1::HubConfig config;
  // Where a newly generated admin token is printed, once (default stdout).
  std::ostream* token_out = &std::cout;
  // More services to register on the same server, beside hubd's own (for
  // embedding, e.g. bench/serve_bench's echo baseline; default none). They
  // share the server's threads and listener but not its authentication:
  // each authorizes its own calls. Not owned; each must outlive the Server.
  std::vector<grpc::Service*> extra_services = {};
};

// A running hubd: listening, serving ProfileService, SyncService,
// grpc.health.v1 and server reflection.
//
// Thread-safe: Shutdown may be called from any thread (e.g. a signal
// watcher) while another thread is in Wait.
class Server {
 public:
  // Opens the store, loads or generates tokens, creates configured sources,
  // schedules the sources that have a sync_interval and starts listening
  // (over TLS when `config.tls` is set).
  // Errors: those of OpenSqliteStore; INVALID_ARGUMENT
  // for a bad configured source; NOT_FOUND for an unreadable TLS file;
  // UNAVAILABLE if the address cannot be bound or a PEM file is not usable.
  static absl::StatusOr<std::unique_ptr<Server>> Create(
      const ServerOptions& options);
  virtual ~Server() = default;

  // The bound port (useful with a ":0" listen address).
  virtual int port() const = 0;
  // Blocks until Shutdown completes.
  virtual void Wait() = 0;
  // Stops in order: health NOT_SERVING, stop the sync scheduler's timers,
  // stop accepting RPCs and finish
  // in-flight ones (up to 5 s), stop sync jobs after their current page,
  // close the store. Idempotent.
  virtual void Shutdown() = 0;
};

}  // namespace hub

#endif  // HUB_HUB_SERVER_H_
