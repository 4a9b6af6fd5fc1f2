#include "profile/ingest/subject_export.h"

#include <cstdint>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "profile/base/status_macros.h"
#include "profile/consent/consent.h"
#include "profile/identity/identifier.h"

namespace hub {

absl::StatusOr<int64_t> FindSubject(WriteTransaction* tx, absl::string_view type,
                                    absl::string_view value) {
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
  HUB_ASSIGN_OR_RETURN(std::optional<int64_t> live,
                       tx->FindIdentity(Side::kPerson, kind->name, normalized->value));
  if (!live) {
    return absl::NotFoundError(
        absl::StrCat("no person holds ", kind->name, " \"", normalized->value, "\""));
  }
  return *live;
}

absl::StatusOr<SubjectData> ExportSubject(Store* store, absl::string_view type,
                                          absl::string_view value, const Actor& actor,
                                          const ConsentPolicy* consent) {
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> tx, store->BeginWrite());
  HUB_ASSIGN_OR_RETURN(int64_t live, FindSubject(tx.get(), type, value));
  SubjectData out;
  HUB_ASSIGN_OR_RETURN(out.records, tx->PersonRecordsOf(live));
  AuditEntry audit;
  audit.actor = actor;
  audit.action = "ExportSubject";
  audit.target = absl::StrCat("profiles/", live);
  audit.details = absl::StrCat("exported ", out.records.size(), " records");
  HUB_RETURN_IF_ERROR(tx->AppendAudit(std::move(audit)).status());
  HUB_RETURN_IF_ERROR(tx->Commit());
  // The profile and ledger through the store's readers, after the commit:
  // a merge in between only adds to what the person is.
  HUB_ASSIGN_OR_RETURN(out.profile, store->GetProfile(live, /*lineage=*/true));
  HUB_RETURN_IF_ERROR(AttachConsent(store, consent ? *consent : ConsentPolicy::Default(), "",
                                    /*with_evidence=*/true, &out.profile));
  HUB_ASSIGN_OR_RETURN(out.merges,
                       store->ListMerges(Side::kPerson, live, INT64_MAX, 10000));
  return out;
}

}  // namespace hub
