#include "profile/survivorship/trait_updates.h"

#include <optional>

#include "profile/base/status_macros.h"
#include "profile/survivorship/survivorship.h"

namespace hub {

absl::Status RecomputeTraits(WriteTransaction* tx,
                             const SurvivorshipPolicy& policy, int64_t id) {
  HUB_ASSIGN_OR_RETURN(std::vector<hub::v1::SourceRecord> records,
                       tx->RecordsOf(id));
  return tx->ReplaceTraits(id, Recompute(policy, records));
}

absl::Status ApplyRecordTraits(WriteTransaction* tx,
                               const SurvivorshipPolicy& policy, int64_t id,
                               const hub::v1::SourceRecord& record,
                               bool revision) {
  if (!revision && !record.deleted()) {
    HUB_ASSIGN_OR_RETURN(std::vector<NamedTrait> current, tx->GetTraits(id));
    std::optional<std::vector<NamedTrait>> rows =
        Survive(policy, current, TraitCandidates(record));
    if (rows) return tx->PutTraits(id, *rows);
  }
  return RecomputeTraits(tx, policy, id);
}

absl::Status ApplyMergedTraits(WriteTransaction* tx,
                               const SurvivorshipPolicy& policy, int64_t winner,
                               const std::vector<NamedTrait>& winner_traits,
                               const std::vector<NamedTrait>& loser_traits) {
  std::optional<std::vector<NamedTrait>> rows =
      Survive(policy, winner_traits, loser_traits);
  if (rows) return tx->PutTraits(winner, *rows);
  return RecomputeTraits(tx, policy, winner);
}

}  // namespace hub
