// StoreHealth: a background probe of the store that drives grpc.health.v1.
#ifndef HUB_HUB_STORE_HEALTH_H_
#define HUB_HUB_STORE_HEALTH_H_

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "profile/store/store.h"

namespace hub {

struct StoreHealthOptions {
  // Time between probes (default 1 s).
  absl::Duration interval = absl::Seconds(1);
  // How long a probe waits for the store's write lock (default 250 ms).
  absl::Duration timeout = absl::Milliseconds(250);
};

// Calls Store::Probe every `interval` on its own thread and reports each
// change of verdict to `on_change` (true: usable), logging it once per
// change ("store unavailable" with the error, "store available"). The store
// starts out presumed usable: the first report is a failure, if any.
//
// Thread-safe. The store must outlive the StoreHealth; `on_change` runs on
// the probe's thread.
class StoreHealth {
 public:
  StoreHealth(Store* store, StoreHealthOptions options, std::function<void(bool)> on_change);
  ~StoreHealth();  // calls Stop()
  StoreHealth(const StoreHealth&) = delete;
  StoreHealth& operator=(const StoreHealth&) = delete;

  // Ends probing; after it returns `on_change` is not called again.
  // Idempotent.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Loop();

  Store* store_;
  const StoreHealthOptions options_;
  std::function<void(bool)> on_change_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace hub

#endif  // HUB_HUB_STORE_HEALTH_H_
