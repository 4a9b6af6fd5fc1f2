#include "adapters/sync_scheduler.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace hub {

SyncScheduler::~SyncScheduler() { Shutdown(); }

absl::Status SyncScheduler::Schedule(const std::string& source_id,
                                     absl::Duration interval) {
  if (interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sync_interval: must be positive, got ", absl::FormatDuration(interval)));
  }
  absl::MutexLock lock(&mu_);
  if (stopping_) return absl::UnavailableError("hubd is shutting down");
  if (timers_.count(source_id) != 0) {
    return absl::AlreadyExistsError(
        absl::StrCat("sources/", source_id, " is already scheduled"));
  }
  timers_.emplace(source_id,
                  std::thread(&SyncScheduler::Tick, this, source_id, interval));
  return absl::OkStatus();
}

void SyncScheduler::Tick(std::string source_id, absl::Duration interval) {
  absl::Time next = absl::Now() + interval;
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithDeadline(absl::Condition(&stopping_), next);
      if (stopping_) return;
    }
    // FAILED_PRECONDITION (a job is running) skips this tick; a failing
    // source's jobs end FAILED and the next tick tries again.
    runner_->Start(source_id, /*full_resync=*/false).IgnoreError();
    next += interval;
    const absl::Time now = absl::Now();
    if (next < now) next = now + interval;  // fell behind: no burst of runs
  }
}

void SyncScheduler::Shutdown() {
  std::map<std::string, std::thread> timers;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    timers.swap(timers_);
  }
  for (auto& [id, thread] : timers) thread.join();
}

}  // namespace hub
