#include "profile/ingest/erasure.h"

#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "profile/base/status_macros.h"
#include "profile/ingest/retention.h"
#include "profile/ingest/subject_export.h"
#include "profile/lifecycle/stage_tracker.h"

namespace hub {

absl::StatusOr<ErasureReceipt> EraseSubject(Store* store, const StageRules* stage_rules,
                                            absl::string_view type, absl::string_view value,
                                            const Actor& actor, bool validate_only) {
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> tx, store->BeginWrite());
  HUB_ASSIGN_OR_RETURN(int64_t live, FindSubject(tx.get(), type, value));
  // A legal hold outranks the right to erasure: refused, previews too.
  HUB_ASSIGN_OR_RETURN(std::vector<LegalHold> holds, tx->LegalHoldsOn(live));
  HUB_RETURN_IF_ERROR(RefuseIfHeld(live, holds));
  ErasureReceipt receipt;
  HUB_ASSIGN_OR_RETURN(receipt.erased, tx->EraseProfile(live));
  if (stage_rules != nullptr) {
    // Its history leaves the counters, and its account (whose stage reads
    // its members') is recomputed without it.
    StageTracker stages(stage_rules);
    for (int64_t id : receipt.erased.profiles) stages.Retire(id);
    HUB_RETURN_IF_ERROR(stages.Apply(tx.get()));
  }
  for (const auto& [id_type, id_value] : receipt.erased.identifiers) {
    HUB_RETURN_IF_ERROR(tx->Suppress(id_type, id_value));
  }
  if (validate_only) return receipt;  // rolled back with `tx`
  const ErasedProfile& e = receipt.erased;
  AuditEntry audit;
  audit.actor = actor;
  audit.action = "EraseSubject";
  audit.target = absl::StrCat("profiles/", live);
  // Counts only: the audit log must not keep what was erased.
  audit.details = absl::StrCat("erased ", e.profiles.size(), " profiles, ", e.records,
                               " records (", e.events, " events), ", e.traits, " traits, ",
                               e.quarantined, " quarantined; ", e.identifiers.size(),
                               " identifiers suppressed");
  HUB_ASSIGN_OR_RETURN(AuditEntry written, tx->AppendAudit(std::move(audit)));
  receipt.audit_seq = written.seq;
  HUB_RETURN_IF_ERROR(tx->Commit());
  return receipt;
}

}  // namespace hub
