// Retention (DESIGN.md section 7): each class of data kept for at most its
// configured age, except what a legal hold keeps; a purge previews first.
#ifndef HUB_PROFILE_INGEST_RETENTION_H_
#define HUB_PROFILE_INGEST_RETENTION_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "profile/lifecycle/stage_rules.h"
#include "profile/store/store.h"

namespace hub {

// How long each class is kept; nullopt keeps it forever.
struct RetentionPolicy {
  std::optional<absl::Duration> raw_payloads;  // by the record's updated_at
  std::optional<absl::Duration> events;        // event types not in event_types
  std::map<std::string, absl::Duration> event_types;  // by event_type
  std::optional<absl::Duration> quarantine;    // by quarantine time
  std::optional<absl::Duration> audit;         // by entry time
  bool empty() const {
    return !raw_payloads && !events && event_types.empty() && !quarantine && !audit;
  }
};

// Parses an age: "90d" (days of 24 hours) or what absl::ParseDuration
// takes ("36h", "15m", "200ms"). INVALID_ARGUMENT naming `field` for a
// malformed or negative age.
absl::StatusOr<absl::Duration> ParseRetentionAge(absl::string_view text,
                                                 absl::string_view field);

// One class's outcome.
struct ClassPurge {
  bool applies = false;  // the policy gives the class an age
  int64_t cutoff_us = 0;  // what is older went (kEvents: the default's; 0 if none)
  int64_t purged = 0;
  int64_t held = 0;  // expired, kept for a legal hold
};

// What a purge removed, or, previewed, would remove.
struct PurgeReport {
  ClassPurge raw_payloads, events, quarantine, audit;
  std::map<std::string, int64_t> events_by_type;
  std::map<std::string, int64_t> event_type_cutoff_us;  // the types with their own age
  int64_t transactions = 0;    // write transactions committed
  int64_t last_audit_seq = 0;  // the last audit entry written; 0 if none
  bool confirmed = false;
};

struct PurgeOptions {
  absl::Time now;            // ages are measured back from it. Required.
  bool confirm = false;      // false: preview (count, change nothing)
  int batch_rows = 10000;    // rows looked at per write transaction
  // Write an audit entry even when nothing expired (a steward's command);
  // a schedule's empty run writes none.
  bool audit_when_empty = true;
  // Applies deferred stage work (Ingester::FlushStages), outside any
  // transaction. Deferred notes may name events about to be purged, whose
  // facts must be counted first: an events step that finds notes pending
  // calls it and runs again. Unset: such a step fails FAILED_PRECONDITION.
  std::function<absl::Status()> flush_stages;
  // If set and notified, the purge stops between transactions (CANCELLED);
  // what committed stays. Not owned.
  const absl::Notification* cancel = nullptr;
  // If set, called before each transaction; a non-OK status (e.g. the RPC's
  // DEADLINE_EXCEEDED) stops the purge with it; what committed stays.
  std::function<absl::Status()> alive;
};

// Purges what `policy` says has expired at options.now, class by class, in
// write transactions of at most options.batch_rows rows each, so that the
// single writer is never held for long. Rows of a person under legal hold
// (LegalHoldsOn) are kept and counted. Each transaction that removes
// something writes an audit entry "PurgeExpired" (counts, the class and
// cutoff) with `actor`. Purged events' stage facts are kept by origin
// (WriteTransaction::PutRetainedFacts), so the funnel and stage metrics,
// and facts later rebuilt from records, stay as they were. A preview reads
// the same rows through the same steps and changes nothing. The counts are
// exact. Errors of the store; a failed transaction leaves those before it
// committed.
absl::StatusOr<PurgeReport> PurgeExpired(Store* store, const StageRules& rules,
                                         const RetentionPolicy& policy,
                                         const PurgeOptions& options, const Actor& actor);

// Places a legal hold on person profile `profile_id` (0: the person holding
// identifier `type` = `value`), audited ("PlaceLegalHold") in the same
// transaction. INVALID_ARGUMENT for a missing reason or subject; NOT_FOUND
// for an unknown profile or identifier.
absl::StatusOr<LegalHold> PlaceLegalHold(Store* store, int64_t profile_id,
                                         absl::string_view type, absl::string_view value,
                                         const Actor& actor);

// Releases hold `seq`, audited ("ReleaseLegalHold"). INVALID_ARGUMENT for a
// missing reason; NOT_FOUND if no hold `seq` is in force.
absl::StatusOr<LegalHold> ReleaseLegalHold(Store* store, int64_t seq, const Actor& actor);

// FAILED_PRECONDITION naming the holds if `holds` is not empty: what
// erasure of a held person answers.
absl::Status RefuseIfHeld(int64_t live, const std::vector<LegalHold>& holds);

}  // namespace hub

#endif  // HUB_PROFILE_INGEST_RETENTION_H_
