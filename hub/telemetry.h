// Telemetry: hubd's Prometheus metrics and the admin HTTP listener that
// serves them at /metrics (docs/operations.md lists every metric).
#ifndef HUB_HUB_TELEMETRY_H_
#define HUB_HUB_TELEMETRY_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "hub/v1/sync_service.pb.h"
#include "profile/store/store.h"

namespace prometheus {
class Counter;
class Exposer;
class Registry;
}  // namespace prometheus

namespace hub {

// Owns the metric registry. Counters are updated by their owners (the RPC
// interceptor, the sync runner's job observer, the health probe); the store
// size and the profiles by stage are read from the store on each scrape,
// never on the write path.
//
// Thread-safe. The store must outlive the Telemetry.
class Telemetry {
 public:
  // Builds the metrics. Serves them on `admin_address` ("host:port"; port 0
  // picks a free one) unless it is empty. UNAVAILABLE naming
  // ops.admin_listen_address if the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Telemetry>> Create(const std::string& admin_address,
                                                           Store* store);
  ~Telemetry();
  Telemetry(const Telemetry&) = delete;
  Telemetry& operator=(const Telemetry&) = delete;

  // The bound admin port; 0 without an admin listener.
  int admin_port() const { return admin_port_; }
  // Where RPC metrics register their families (RpcTelemetry).
  prometheus::Registry& registry() { return *registry_; }

  // Counts a sync job that ended: its outcome, pages and records.
  void CountSyncJob(const hub::v1::SyncJob& job);
  // Records the health probe's verdict (hub_store_up).
  void SetStoreUp(bool up) { store_up_.store(up); }

  // Stops serving /metrics (scrapes in progress finish first). Idempotent.
  void StopAdmin();

 private:
  class StoreCollector;
  Telemetry() = default;

  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<StoreCollector> store_collector_;
  std::unique_ptr<prometheus::Exposer> exposer_;  // null: no admin listener
  int admin_port_ = 0;
  std::atomic<bool> store_up_{true};
  prometheus::Counter* jobs_succeeded_ = nullptr;
  prometheus::Counter* jobs_failed_ = nullptr;
  prometheus::Counter* jobs_cancelled_ = nullptr;
  prometheus::Counter* pages_ = nullptr;
  prometheus::Counter* records_ingested_ = nullptr;
  prometheus::Counter* records_unchanged_ = nullptr;
  prometheus::Counter* records_quarantined_ = nullptr;
  prometheus::Counter* records_suppressed_ = nullptr;
};

}  // namespace hub

#endif  // HUB_HUB_TELEMETRY_H_
