// SyncScheduler: starts sources' sync jobs on their intervals.
#ifndef HUB_ADAPTERS_SYNC_SCHEDULER_H_
#define HUB_ADAPTERS_SYNC_SCHEDULER_H_

#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "adapters/sync_runner.h"

namespace hub {

// Starts a sync of each scheduled source every interval through the
// SyncRunner, on one timer thread per source: a tick while a job of the
// source is still running (scheduled or on demand) is skipped, so a slow or
// failing source delays only itself. The first tick comes one interval after
// Schedule.
//
// Thread-safe. The runner must outlive the scheduler.
class SyncScheduler {
 public:
  explicit SyncScheduler(SyncRunner* runner) : runner_(runner) {}
  ~SyncScheduler();  // calls Shutdown()
  SyncScheduler(const SyncScheduler&) = delete;
  SyncScheduler& operator=(const SyncScheduler&) = delete;

  // Starts syncing `source_id` every `interval`. Errors: INVALID_ARGUMENT
  // for an interval <= 0; ALREADY_EXISTS if the source is scheduled;
  // UNAVAILABLE once Shutdown has begun.
  absl::Status Schedule(const std::string& source_id, absl::Duration interval);

  // Stops every timer (a job already started runs on; the runner's own
  // Shutdown stops it) and joins the timer threads. Idempotent.
  void Shutdown();

 private:
  void Tick(std::string source_id, absl::Duration interval);

  SyncRunner* runner_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, std::thread> timers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hub

#endif  // HUB_ADAPTERS_SYNC_SCHEDULER_H_
