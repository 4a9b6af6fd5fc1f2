// MergeLedger: the stewards' side of the merge ledger — manual merges,
// unmerges and do-not-link constraints — over a Store.
#ifndef HUB_PROFILE_IDENTITY_MERGE_LEDGER_H_
#define HUB_PROFILE_IDENTITY_MERGE_LEDGER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "profile/lifecycle/stage_rules.h"
#include "profile/lifecycle/stage_tracker.h"
#include "profile/store/store.h"
#include "profile/survivorship/survivorship_policy.h"

namespace hub {

// Merges `entry.loser` into `entry.winner` in `tx` (WriteTransaction::Merge)
// and writes the winner's traits under `policy`; with `stages`, notes the
// merge for the lifecycle (the winner's facts are rebuilt, the loser's
// history leaves the funnel). Shared by ingest and stewards.
absl::Status ApplyMerge(WriteTransaction* tx, const SurvivorshipPolicy& policy,
                        const MergeEntry& entry, StageTracker* stages = nullptr);

// The profiles on the loser's side when the entry that merged `loser` away
// is undone: `loser` and every profile merged into it, directly or through
// others, by the entries in effect `active` (WriteTransaction::ActiveMerges),
// ascending. Pure.
std::vector<int64_t> LoserSide(const std::vector<MergeEntry>& active,
                               int64_t loser);

// What an unmerge did.
struct UnmergeResult {
  int64_t root = 0;      // the profile that kept its id and the other side
  int64_t restored = 0;  // the merged-away profile, live again
  MergeEntry entry;      // the "unmerge" ledger entry appended
};

// Steward operations, each in one write transaction with its audit log
// entry (the actor's principal, role, reason and request id; the action
// named as the RPC that asks for it). Profile ids are those
// of `side` (persons or accounts); an alias stands for its live profile.
// Thread-safe (the store serialises writers); the store must outlive it.
class MergeLedger {
 public:
  // Merges and unmerges keep stage histories current under `stage_rules`.
  MergeLedger(Store* store, SurvivorshipPolicy policy,
              StageRules stage_rules = StageRules::Default())
      : store_(store), policy_(std::move(policy)), stage_rules_(std::move(stage_rules)) {}

  // Merges the live profiles `a` and `b` resolve to: the older (smaller id)
  // survives, the other forwards to it, traits are re-survived, and the
  // ledger gets an entry with rule "manual" and the actor's principal. Returns that entry.
  // NOT_FOUND if either id is unknown; FAILED_PRECONDITION if both are one
  // profile already or a do-not-link constraint keeps them apart.
  absl::StatusOr<MergeEntry> Merge(Side side, int64_t a, int64_t b,
                                   const Actor& actor);

  // Undoes ledger entry `seq` of profile `id`: replays the profile's merges
  // without that link, moves every identity, record and account link whose
  // origin lies on the merged-away side back to it, makes that profile live
  // again under its own id, recomputes both sides' traits, keeps the two
  // apart with a do-not-link constraint, and appends an "unmerge" entry
  // (the undone entry stays). NOT_FOUND if `id` or the entry is unknown;
  // FAILED_PRECONDITION if the entry is not a merge in effect within this
  // profile (another profile's, already undone, an unmerge, or made before
  // schema v3 recorded origins).
  absl::StatusOr<UnmergeResult> Unmerge(Side side, int64_t id, int64_t seq,
                                        const Actor& actor);

  // Keeps the live profiles `a` and `b` resolve to apart from now on.
  // Returns their live ids. NOT_FOUND if either is unknown;
  // FAILED_PRECONDITION if they are one profile (unmerge it first).
  absl::StatusOr<std::pair<int64_t, int64_t>> AddDoNotLink(
      Side side, int64_t a, int64_t b, const Actor& actor);

  // Accepts (kAccepted: merges the two as Merge does, with rule
  // "suggestion" and the suggestion's score) or rejects (kRejected: keeps
  // them apart with a do-not-link constraint) pending merge suggestion
  // `seq`, and records the actor's principal decided. Returns the decided suggestion.
  // NOT_FOUND if there is no such suggestion; FAILED_PRECONDITION if it was
  // decided already, the two are one profile by now, or (accepting) a
  // do-not-link constraint keeps them apart.
  absl::StatusOr<MergeSuggestion> DecideSuggestion(int64_t seq,
                                                   MergeSuggestion::State decision,
                                                   const Actor& actor);

 private:
  // Merge inside `tx`, with the ledger's `rule` and `score`.
  absl::StatusOr<MergeEntry> MergeIn(WriteTransaction* tx, Side side, int64_t a,
                                     int64_t b, const std::string& rule,
                                     std::optional<double> score,
                                     const std::string& who, StageTracker* stages);

  Store* store_;
  SurvivorshipPolicy policy_;
  StageRules stage_rules_;
};

}  // namespace hub

#endif  // HUB_PROFILE_IDENTITY_MERGE_LEDGER_H_
