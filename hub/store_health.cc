#include "hub/store_health.h"

#include <utility>

#include "hub/log.h"

namespace hub {

StoreHealth::StoreHealth(Store* store, StoreHealthOptions options,
                         std::function<void(bool)> on_change)
    : store_(store), options_(options), on_change_(std::move(on_change)) {
  thread_ = std::thread(&StoreHealth::Loop, this);
}

StoreHealth::~StoreHealth() { Stop(); }

void StoreHealth::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void StoreHealth::Loop() {
  bool usable = true;
  absl::MutexLock lock(&mu_);
  while (!mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.interval)) {
    // Probe without mu_, so that Stop does not wait for a slow probe's lock.
    mu_.Unlock();
    absl::Status status = store_->Probe(options_.timeout);
    if (status.ok() != usable) {
      usable = status.ok();
      if (usable) {
        LogJson("info", "store available");
      } else {
        LogJson("error", "store unavailable", {{"error", status.ToString()}});
      }
      on_change_(usable);
    }
    mu_.Lock();
  }
}

}  // namespace hub
