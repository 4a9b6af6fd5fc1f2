#include "profile/identity/merge_ledger.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "profile/base/status_macros.h"
#include "profile/survivorship/trait_updates.h"

namespace hub {
namespace {

std::string Name(Side side, int64_t id) {
  return absl::StrCat(side == Side::kPerson ? "profiles/" : "accounts/", id);
}

// The two live ids `a` and `b` resolve to, or FAILED_PRECONDITION naming
// `what` if they are one profile.
absl::StatusOr<std::pair<int64_t, int64_t>> TwoLive(WriteTransaction* tx,
                                                    Side side, int64_t a,
                                                    int64_t b,
                                                    absl::string_view what) {
  HUB_ASSIGN_OR_RETURN(int64_t live_a, tx->ResolveId(side, a));
  HUB_ASSIGN_OR_RETURN(int64_t live_b, tx->ResolveId(side, b));
  if (live_a == live_b) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot ", what, " ", Name(side, a), " and ", Name(side, b), ": ",
        a == b ? "they are the same id"
               : absl::StrCat("both are ", Name(side, live_a), " already")));
  }
  return std::make_pair(live_a, live_b);
}

// Checks that `e` is a merge in effect inside live profile `root`.
absl::Status CheckUndoable(WriteTransaction* tx, Side side, int64_t root,
                           const MergeEntry& e) {
  std::string which = absl::StrCat("merge ledger entry ", e.seq);
  if (e.side != side || e.undoes != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        which, " is not a merge of ", Name(side, root)));
  }
  if (e.undone_by != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(which, " was undone already, by entry ", e.undone_by));
  }
  if (!e.reversible) {
    return absl::FailedPreconditionError(absl::StrCat(
        which, " predates schema v3, which records where merged data came "
        "from; it cannot be undone"));
  }
  HUB_ASSIGN_OR_RETURN(int64_t live, tx->ResolveId(side, e.loser));
  if (live != root) {
    return absl::FailedPreconditionError(absl::StrCat(
        which, " is not part of ", Name(side, root), " (it built ",
        Name(side, live), ")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyMerge(WriteTransaction* tx, const SurvivorshipPolicy& policy,
                        const MergeEntry& entry, StageTracker* stages) {
  HUB_ASSIGN_OR_RETURN(std::vector<NamedTrait> winner_traits, tx->GetTraits(entry.winner));
  HUB_ASSIGN_OR_RETURN(std::vector<NamedTrait> loser_traits, tx->GetTraits(entry.loser));
  HUB_RETURN_IF_ERROR(tx->Merge(entry));
  if (stages != nullptr) {
    if (entry.side == Side::kPerson) {
      stages->Absorb(entry.winner, entry.loser);
    } else {
      stages->Retire(entry.loser);
      stages->TouchAccount(entry.winner);
    }
  }
  return ApplyMergedTraits(tx, policy, entry.winner, winner_traits, loser_traits);
}

std::vector<int64_t> LoserSide(const std::vector<MergeEntry>& active,
                               int64_t loser) {
  std::multimap<int64_t, int64_t> merged_into;  // winner -> loser
  for (const MergeEntry& e : active) merged_into.emplace(e.winner, e.loser);
  std::vector<int64_t> side = {loser};
  for (size_t i = 0; i < side.size(); ++i) {
    auto [begin, end] = merged_into.equal_range(side[i]);
    for (auto it = begin; it != end; ++it) side.push_back(it->second);
  }
  std::sort(side.begin(), side.end());
  return side;
}

absl::StatusOr<MergeEntry> MergeLedger::Merge(Side side, int64_t a, int64_t b,
                                              const Actor& actor) {
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> tx, store_->BeginWrite());
  StageTracker stages(&stage_rules_);
  HUB_ASSIGN_OR_RETURN(MergeEntry entry, MergeIn(tx.get(), side, a, b, "manual",
                                                 std::nullopt, actor.principal, &stages));
  HUB_RETURN_IF_ERROR(stages.Apply(tx.get()));
  HUB_RETURN_IF_ERROR(tx->Audit(actor, "MergeProfiles", Name(side, entry.winner),
                                absl::StrCat("merged ", Name(side, entry.loser), " into ",
                                             Name(side, entry.winner), " (ledger entry ",
                                             entry.seq, ")")).status());
  HUB_RETURN_IF_ERROR(tx->Commit());
  return entry;
}

absl::StatusOr<MergeEntry> MergeLedger::MergeIn(WriteTransaction* tx, Side side,
                                                int64_t a, int64_t b,
                                                const std::string& rule,
                                                std::optional<double> score,
                                                const std::string& who,
                                                StageTracker* stages) {
  HUB_ASSIGN_OR_RETURN(auto live, TwoLive(tx, side, a, b, "merge"));
  HUB_ASSIGN_OR_RETURN(bool apart, tx->IsDoNotLinked(side, live.first, live.second));
  if (apart) {
    return absl::FailedPreconditionError(absl::StrCat(
        Name(side, live.first), " and ", Name(side, live.second),
        " are kept apart by a do-not-link constraint"));
  }
  MergeEntry entry;
  entry.side = side;
  entry.winner = std::min(live.first, live.second);
  entry.loser = std::max(live.first, live.second);
  entry.rule = rule;
  entry.score = score;
  entry.who = who;
  HUB_RETURN_IF_ERROR(ApplyMerge(tx, policy_, entry, stages));
  HUB_ASSIGN_OR_RETURN(std::vector<MergeEntry> active,
                       tx->ActiveMerges(side, entry.winner));
  for (const MergeEntry& e : active) {
    if (e.loser == entry.loser) return e;
  }
  return absl::InternalError("the merge entry just written is missing");
}

absl::StatusOr<UnmergeResult> MergeLedger::Unmerge(Side side, int64_t id,
                                                   int64_t seq, const Actor& actor) {
  const std::string& who = actor.principal;
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> tx, store_->BeginWrite());
  HUB_ASSIGN_OR_RETURN(int64_t root, tx->ResolveId(side, id));
  HUB_ASSIGN_OR_RETURN(MergeEntry undone, tx->GetMergeEntry(seq));
  HUB_RETURN_IF_ERROR(CheckUndoable(tx.get(), side, root, undone));
  HUB_ASSIGN_OR_RETURN(std::vector<MergeEntry> active, tx->ActiveMerges(side, root));
  SplitPlan plan;
  plan.side = side;
  plan.root = root;
  plan.loser = undone.loser;
  plan.loser_side = LoserSide(active, undone.loser);
  plan.unmerge.side = side;
  plan.unmerge.winner = root;
  plan.unmerge.loser = undone.loser;
  plan.unmerge.rule = "unmerge";
  plan.unmerge.who = who;
  plan.unmerge.undoes = seq;
  HUB_RETURN_IF_ERROR(tx->Split(plan));
  HUB_RETURN_IF_ERROR(tx->AddDoNotLink(side, root, undone.loser, who));
  HUB_RETURN_IF_ERROR(RecomputeTraits(tx.get(), policy_, root));
  HUB_RETURN_IF_ERROR(RecomputeTraits(tx.get(), policy_, undone.loser));
  StageTracker stages(&stage_rules_);
  for (int64_t id : {root, undone.loser}) {
    if (side == Side::kPerson) {
      stages.Rebuild(id);
    } else {
      stages.TouchAccount(id);
    }
  }
  HUB_RETURN_IF_ERROR(stages.Apply(tx.get()));
  HUB_ASSIGN_OR_RETURN(MergeEntry undone_now, tx->GetMergeEntry(seq));
  HUB_ASSIGN_OR_RETURN(MergeEntry entry, tx->GetMergeEntry(undone_now.undone_by));
  HUB_RETURN_IF_ERROR(tx->Audit(actor, "UnmergeProfile", Name(side, root),
                                absl::StrCat("undid ledger entry ", seq, ": ",
                                             Name(side, undone.loser), " is live again (entry ",
                                             entry.seq, ")")).status());
  HUB_RETURN_IF_ERROR(tx->Commit());
  return UnmergeResult{root, undone.loser, std::move(entry)};
}

absl::StatusOr<MergeSuggestion> MergeLedger::DecideSuggestion(
    int64_t seq, MergeSuggestion::State decision, const Actor& actor) {
  const std::string& who = actor.principal;
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> tx, store_->BeginWrite());
  HUB_ASSIGN_OR_RETURN(MergeSuggestion s, tx->GetMergeSuggestion(seq));
  if (s.state != MergeSuggestion::State::kPending) {
    return absl::FailedPreconditionError(absl::StrCat(
        "mergeSuggestions/", seq, " was ",
        s.state == MergeSuggestion::State::kAccepted ? "accepted" : "rejected",
        " already, by ", s.who));
  }
  if (decision == MergeSuggestion::State::kAccepted) {
    StageTracker stages(&stage_rules_);
    HUB_RETURN_IF_ERROR(
        MergeIn(tx.get(), s.side, s.a, s.b, "suggestion", s.score, who, &stages).status());
    HUB_RETURN_IF_ERROR(stages.Apply(tx.get()));
  } else {
    HUB_ASSIGN_OR_RETURN(auto live, TwoLive(tx.get(), s.side, s.a, s.b, "keep apart"));
    HUB_RETURN_IF_ERROR(tx->AddDoNotLink(s.side, live.first, live.second, who));
  }
  HUB_RETURN_IF_ERROR(tx->DecideMergeSuggestion(seq, decision, who));
  HUB_ASSIGN_OR_RETURN(MergeSuggestion decided, tx->GetMergeSuggestion(seq));
  const bool accepted = decision == MergeSuggestion::State::kAccepted;
  HUB_RETURN_IF_ERROR(tx->Audit(
      actor, accepted ? "AcceptMergeSuggestion" : "RejectMergeSuggestion",
      absl::StrCat("mergeSuggestions/", seq),
      absl::StrCat(accepted ? "merged " : "kept apart ", Name(s.side, s.a), " and ",
                   Name(s.side, s.b))).status());
  HUB_RETURN_IF_ERROR(tx->Commit());
  return decided;
}

absl::StatusOr<std::pair<int64_t, int64_t>> MergeLedger::AddDoNotLink(
    Side side, int64_t a, int64_t b, const Actor& actor) {
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> tx, store_->BeginWrite());
  HUB_ASSIGN_OR_RETURN(auto live, TwoLive(tx.get(), side, a, b, "keep apart"));
  HUB_RETURN_IF_ERROR(tx->AddDoNotLink(side, live.first, live.second, actor.principal));
  HUB_RETURN_IF_ERROR(tx->Audit(actor, "AddDoNotLink", Name(side, live.first),
                                absl::StrCat("kept ", Name(side, live.first), " and ",
                                             Name(side, live.second), " apart")).status());
  HUB_RETURN_IF_ERROR(tx->Commit());
  return live;
}

}  // namespace hub
