// Erasure (the right to be forgotten): a person, found by any of its
// identifiers, removed with everything held about it, and its identifiers
// suppressed so that no later sync brings it back. DESIGN.md section 7.
#ifndef HUB_PROFILE_INGEST_ERASURE_H_
#define HUB_PROFILE_INGEST_ERASURE_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "profile/lifecycle/stage_rules.h"
#include "profile/store/store.h"

namespace hub {

// What an erasure removed (or, previewed, would remove).
struct ErasureReceipt {
  ErasedProfile erased;
  int64_t audit_seq = 0;  // the audit entry; 0 for a preview
};

// Erases the live person holding identifier `type` = `value` (normalised
// as ingest does), in one write transaction: WriteTransaction::EraseProfile,
// its stage history out of the funnel and stage metrics (and its account's
// recomputed without it) when `stage_rules` is given, its identifiers on
// the suppression list, and an audit entry "EraseSubject" naming only
// counts. With `validate_only` the same work runs and is rolled back: the
// receipt is exact and nothing changes.
// Callers applying deferred stage work (Ingester::FlushStages) should do so
// first, so that no pending note names the erased person.
// INVALID_ARGUMENT naming identifier_type or identifier_value; NOT_FOUND if
// no person holds it; FAILED_PRECONDITION naming the holds if the person is
// under legal hold (a preview too).
absl::StatusOr<ErasureReceipt> EraseSubject(Store* store, const StageRules* stage_rules,
                                            absl::string_view type, absl::string_view value,
                                            const Actor& actor, bool validate_only);

}  // namespace hub

#endif  // HUB_PROFILE_INGEST_ERASURE_H_
