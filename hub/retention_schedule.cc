#include "hub/retention_schedule.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "hub/governance_service.h"
#include "hub/log.h"

namespace hub {

RetentionSchedule::RetentionSchedule(Store* store, Ingester* ingester, RetentionPolicy policy,
                                     absl::Duration interval)
    : store_(store),
      ingester_(ingester),
      policy_(std::move(policy)),
      interval_(interval),
      thread_([this] { Loop(); }) {}

void RetentionSchedule::Shutdown() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void RetentionSchedule::Loop() {
  while (!stop_.WaitForNotificationWithTimeout(interval_)) {
    absl::StatusOr<PurgeReport> r = RunScheduledPurge(store_, ingester_, policy_, &stop_);
    if (absl::IsCancelled(r.status())) return;
    if (!r.ok()) {
      LogJson("error", "retention purge failed", {{"error", r.status().ToString()}});
      continue;
    }
    if (r->transactions == 0) continue;
    LogJson("info", "retention purge",
            {{"raw_payloads", absl::StrCat(r->raw_payloads.purged)},
             {"events", absl::StrCat(r->events.purged)},
             {"quarantine", absl::StrCat(r->quarantine.purged)},
             {"audit", absl::StrCat(r->audit.purged)},
             {"held", absl::StrCat(r->raw_payloads.held + r->events.held +
                                   r->quarantine.held)}});
  }
}

}  // namespace hub
