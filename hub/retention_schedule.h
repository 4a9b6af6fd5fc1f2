// RetentionSchedule: hubd's background retention purge (HubConfig.retention
// purge_interval).
#ifndef HUB_HUB_RETENTION_SCHEDULE_H_
#define HUB_HUB_RETENTION_SCHEDULE_H_

#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "profile/ingest/ingester.h"
#include "profile/ingest/retention.h"
#include "profile/store/store.h"

namespace hub {

// Runs RunScheduledPurge every `interval` on a thread of its own, the first
// time one interval after construction; a failed run is logged and the next
// one tried at its time. The store and ingester must outlive it.
// Thread-safe: Shutdown may be called from any thread.
class RetentionSchedule {
 public:
  RetentionSchedule(Store* store, Ingester* ingester, RetentionPolicy policy,
                    absl::Duration interval);
  ~RetentionSchedule() { Shutdown(); }
  RetentionSchedule(const RetentionSchedule&) = delete;
  RetentionSchedule& operator=(const RetentionSchedule&) = delete;

  // Stops: a running purge stops after its current transaction (what
  // committed stays), and no other starts. Idempotent.
  void Shutdown();

 private:
  void Loop();

  Store* store_;
  Ingester* ingester_;
  const RetentionPolicy policy_;
  const absl::Duration interval_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace hub

#endif  // HUB_HUB_RETENTION_SCHEDULE_H_
