// Subject export (the right of access): everything the hub holds about one
// person, found by any of its identifiers. DESIGN.md section 7.
#ifndef HUB_PROFILE_INGEST_SUBJECT_EXPORT_H_
#define HUB_PROFILE_INGEST_SUBJECT_EXPORT_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hub/v1/records.pb.h"
#include "hub/v1/resources.pb.h"
#include "profile/consent/consent_policy.h"
#include "profile/store/store.h"

namespace hub {

struct SubjectData {
  hub::v1::Profile profile;                    // with lineage
  std::vector<hub::v1::SourceRecord> records;  // its own and its activities
  std::vector<MergeEntry> merges;              // newest first
};

// Collects what the hub holds about the live person holding identifier
// `type` = `value` (normalised as ingest does), its consent with the
// evidence under `consent` (null: ConsentPolicy::Default()), and writes an
// audit entry "ExportSubject" (an unmasked read of personal data). Reads in one write
// transaction, so the export is one consistent state; cost linear in the
// person's records. INVALID_ARGUMENT naming identifier_type or
// identifier_value; NOT_FOUND if no person holds it.
absl::StatusOr<SubjectData> ExportSubject(Store* store, absl::string_view type,
                                          absl::string_view value, const Actor& actor,
                                          const ConsentPolicy* consent = nullptr);

// The live person holding `type` = `value` in `tx`; the errors above.
absl::StatusOr<int64_t> FindSubject(WriteTransaction* tx, absl::string_view type,
                                    absl::string_view value);

}  // namespace hub

#endif  // HUB_PROFILE_INGEST_SUBJECT_EXPORT_H_
