#include "profile/ingest/quarantine.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace {

std::string Name(int64_t seq) { return absl::StrCat("quarantine/", seq); }

// "salesforce CONTACT 003A".
std::string Describe(const hub::v1::SourceRecord& r) {
  return absl::StrCat(r.source(), " ", hub::v1::EntityType_Name(r.entity()), " ",
                      r.external_id());
}

}  // namespace

absl::StatusOr<QuarantineEntry> GetQuarantined(Store* store, int64_t seq) {
  HUB_ASSIGN_OR_RETURN(std::vector<QuarantineEntry> rows,
                       store->ListQuarantine(seq - 1, 1));
  if (rows.empty() || rows[0].seq != seq) {
    return absl::NotFoundError(absl::StrCat(Name(seq), " not found"));
  }
  return std::move(rows[0]);
}

absl::StatusOr<IngestStats> ReleaseQuarantined(
    Ingester* ingester, Store* store, int64_t seq,
    const std::optional<hub::v1::SourceRecord>& corrected, const Actor& actor) {
  HUB_ASSIGN_OR_RETURN(QuarantineEntry entry, GetQuarantined(store, seq));
  hub::v1::SourceRecord record = entry.record;
  if (corrected) {
    if (corrected->source() != record.source() || corrected->entity() != record.entity() ||
        corrected->external_id() != record.external_id()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "record: a correction of ", Name(seq), " must keep its source, entity and "
          "external_id (", Describe(record), "), got ", Describe(*corrected)));
    }
    record = *corrected;
  }
  std::vector<hub::v1::SourceRecord> one;
  one.push_back(std::move(record));
  PreparedBatch batch = ingester->Prepare(std::move(one));
  const absl::Status& valid = batch.items[0].validated.status();
  if (!valid.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(Name(seq), " is still invalid: ", valid.message()));
  }
  const std::string details =
      absl::StrCat("re-ingested ", Describe(batch.items[0].record),
                   corrected ? " as corrected" : "", " (quarantined for: ", entry.reason, ")");
  // The record, its removal from the quarantine and the audit entry commit
  // together; a concurrent release of the same record finds it gone and
  // rolls back.
  return ingester->Apply(std::move(batch), "", "",
                         [&](WriteTransaction* tx, const IngestStats&) -> absl::Status {
                           HUB_RETURN_IF_ERROR(tx->TakeQuarantined(seq).status());
                           AuditEntry audit;
                           audit.actor = actor;
                           audit.action = "ReleaseQuarantine";
                           audit.target = Name(seq);
                           audit.details = details;
                           return tx->AppendAudit(std::move(audit)).status();
                         });
}

absl::StatusOr<QuarantineEntry> DiscardQuarantined(Store* store, int64_t seq,
                                                   const Actor& actor) {
  if (actor.reason.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("reason: required to discard ", Name(seq), " (it is gone for good)"));
  }
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> tx, store->BeginWrite());
  HUB_ASSIGN_OR_RETURN(QuarantineEntry entry, tx->TakeQuarantined(seq));
  AuditEntry audit;
  audit.actor = actor;
  audit.action = "DiscardQuarantine";
  audit.target = Name(seq);
  audit.details = absl::StrCat("discarded ", Describe(entry.record),
                               " (quarantined for: ", entry.reason, ")");
  HUB_RETURN_IF_ERROR(tx->AppendAudit(std::move(audit)).status());
  HUB_RETURN_IF_ERROR(tx->Commit());
  return entry;
}

}  // namespace hub
