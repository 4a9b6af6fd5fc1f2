#include "profile/ingest/erasure.h"

#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "profile/base/status_macros.h"
#include "profile/identity/identifier.h"
#include "profile/lifecycle/stage_tracker.h"

namespace hub {

absl::StatusOr<ErasureReceipt> EraseSubject(Store* store, const StageRules* stage_rules,
                                            absl::string_view type, absl::string_view value,
                                            const Actor& actor, bool validate_only) {
  std::optional<IdentifierType> kind = FindIdentifierType(type);
  if (!kind || kind->side != Side::kPerson) {
    return absl::InvalidArgumentError(
        absl::StrCat("identifier_type: \"", type, "\" is not a person identifier type"));
  }
  absl::StatusOr<NormalizedValue> normalized = NormalizeIdentifier(*kind, value);
  if (!normalized.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("identifier_value: ", normalized.status().message()));
  }
  if (normalized->blocked) {
    return absl::InvalidArgumentError(absl::StrCat(
        "identifier_value: \"", value, "\" is a placeholder that never identifies anyone"));
  }
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> tx, store->BeginWrite());
  HUB_ASSIGN_OR_RETURN(std::optional<int64_t> live,
                       tx->FindIdentity(Side::kPerson, kind->name, normalized->value));
  if (!live) {
    return absl::NotFoundError(
        absl::StrCat("no person holds ", kind->name, " \"", normalized->value, "\""));
  }
  ErasureReceipt receipt;
  HUB_ASSIGN_OR_RETURN(receipt.erased, tx->EraseProfile(*live));
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
  audit.target = absl::StrCat("profiles/", *live);
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
