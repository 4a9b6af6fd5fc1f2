// Stewards' work on the quarantine: releasing a record for ingest again
// (after a rule change, or with a corrected record) and discarding one.
// Each is one write transaction with its audit log entry.
#ifndef HUB_PROFILE_INGEST_QUARANTINE_H_
#define HUB_PROFILE_INGEST_QUARANTINE_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "hub/v1/records.pb.h"
#include "profile/ingest/ingester.h"
#include "profile/store/store.h"

namespace hub {

// Quarantined record `seq`; NOT_FOUND ("quarantine/{seq} not found").
absl::StatusOr<QuarantineEntry> GetQuarantined(Store* store, int64_t seq);

// Ingests quarantined record `seq` again under the ingester's current rules
// — or `corrected` in its place, which must keep its source, entity and
// external id — and removes it from the quarantine, atomically, with an
// audit entry "ReleaseQuarantine". Returns the ingest's stats (ingested, or
// unchanged when the hub already holds that revision or a newer one).
// NOT_FOUND as GetQuarantined; INVALID_ARGUMENT if `corrected` names another
// record; FAILED_PRECONDITION, naming the reason, if the record is still
// invalid (it stays quarantined, nothing is written).
absl::StatusOr<IngestStats> ReleaseQuarantined(
    Ingester* ingester, Store* store, int64_t seq,
    const std::optional<hub::v1::SourceRecord>& corrected, const Actor& actor);

// Removes quarantined record `seq` for good, with an audit entry
// "DiscardQuarantine" holding the actor's reason, which is required
// (INVALID_ARGUMENT "reason: ..." without one). Returns what was removed.
// NOT_FOUND as GetQuarantined.
absl::StatusOr<QuarantineEntry> DiscardQuarantined(Store* store, int64_t seq,
                                                   const Actor& actor);

}  // namespace hub

#endif  // HUB_PROFILE_INGEST_QUARANTINE_H_
