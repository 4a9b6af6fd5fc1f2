#include "profile/lifecycle/stage_tracker.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace {

int64_t CeilDays(int64_t micros) { return (micros + kDayMicros - 1) / kDayMicros; }

std::vector<StoredTransition> ToStored(const std::vector<Transition>& history) {
  const std::vector<TransitionOutcome> outcomes = Outcomes(history);
  std::vector<StoredTransition> out(history.size());
  for (size_t i = 0; i < history.size(); ++i) {
    out[i].at_us = history[i].at;
    out[i].stage = static_cast<int>(history[i].stage);
    out[i].left_us = outcomes[i].left == kNever ? 0 : outcomes[i].left;
    out[i].reached_us = outcomes[i].reached_next == kNever ? 0 : outcomes[i].reached_next;
  }
  return out;
}

using CountKey = std::tuple<Side, std::string, int64_t, int, int64_t, int64_t>;

// Adds `sign` times a history's funnel contributions under each segment.
void Contribute(Side side, const std::vector<StoredTransition>& history,
                const std::string& segments, int64_t sign,
                std::map<CountKey, int64_t>* counts) {
  for (absl::string_view segment : absl::StrSplit(segments, '\n')) {
    const std::string seg(segment);
    for (const StoredTransition& t : history) {
      const int64_t reach = t.reached_us == 0 ? -1 : CeilDays(t.reached_us - t.at_us);
      const int64_t stay = t.left_us == 0 ? -1 : (t.left_us - t.at_us) / kDayMicros;
      (*counts)[{side, seg, DayOf(t.at_us), t.stage, reach, stay}] += sign;
    }
  }
}

// An account's fingerprint: its opportunities (sorted) and member count;
// when it changes, every member's history must be recomputed.
std::string AccountFingerprint(std::vector<Opportunity> opps, size_t members) {
  std::sort(opps.begin(), opps.end(), [](const Opportunity& a, const Opportunity& b) {
    return std::tie(a.created, a.closed, a.won, a.renewal) <
           std::tie(b.created, b.closed, b.won, b.renewal);
  });
  std::string out = absl::StrCat(members);
  for (const Opportunity& o : opps) {
    absl::StrAppend(&out, ";", o.created, ",", o.closed, ",", int{o.won}, ",",
                    int{o.renewal});
  }
  return out;
}

}  // namespace

int64_t DayOf(int64_t micros) {
  int64_t d = micros / kDayMicros;
  if (micros % kDayMicros < 0) --d;
  return d;
}

void StageTracker::AddPersonRecord(int64_t id, const hub::v1::SourceRecord* record) {
  if (id != 0) folds_[id].push_back(record);
}

void StageTracker::Rebuild(int64_t id) {
  if (id != 0) rebuild_.insert(id);
}

void StageTracker::Created(int64_t id) { created_.insert(id); }

void StageTracker::AccountChanged(int64_t id) {
  if (id != 0) folds_[id];
}

void StageTracker::Absorb(int64_t winner, int64_t loser) {
  retired_.insert(loser);
  absorbed_.insert(loser);
  folds_[winner];  // the winner's facts change
}

void StageTracker::Retire(int64_t id) {
  if (id != 0) retired_.insert(id);
}

void StageTracker::TouchAccount(int64_t id) {
  if (id != 0) accounts_.insert(id);
}

absl::Status StageTracker::StoreHistory(WriteTransaction* tx, int64_t id, Side side,
                                        const std::vector<Transition>& history,
                                        const std::string& segments,
                                        const std::string& old_segments) {
  HUB_ASSIGN_OR_RETURN(std::vector<StoredTransition> old, tx->GetTransitions(id));
  std::vector<StoredTransition> now = ToStored(history);
  if (old == now && segments == old_segments) return absl::OkStatus();
  Contribute(side, old, old_segments, -1, &counts_);
  Contribute(side, now, segments, +1, &counts_);
  if (old != now) HUB_RETURN_IF_ERROR(tx->PutTransitions(id, now));
  return absl::OkStatus();
}

absl::Status StageTracker::RetireAll(WriteTransaction* tx) {
  for (int64_t id : retired_) {
    HUB_ASSIGN_OR_RETURN(std::optional<StageState> state, tx->GetStageState(id));
    if (!state) {
      if (absorbed_.contains(id)) {
        if (created_.contains(id)) {
          // Created and merged away in this transaction: the records noted
          // for it hold all its facts, and fold into the survivor.
          retired_facts_[id];
        } else {
          // Never tracked (e.g. stored before stages were): the survivor
          // must read everything back.
          HUB_ASSIGN_OR_RETURN(int64_t live, tx->ResolveId(Side::kPerson, id));
          rebuild_.insert(live);
        }
      }
      continue;
    }
    if (absorbed_.contains(id)) {
      HUB_ASSIGN_OR_RETURN(retired_facts_[id], PersonFacts::Parse(state->facts));
    }
    HUB_RETURN_IF_ERROR(StoreHistory(tx, id, state->side, {}, "", state->segments));
    HUB_RETURN_IF_ERROR(tx->DeleteStageState(id));
    if (state->side == Side::kPerson && state->account_id != 0) {
      accounts_.insert(state->account_id);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<PersonFacts> StageTracker::RebuildFacts(WriteTransaction* tx, int64_t id) {
  HUB_ASSIGN_OR_RETURN(std::vector<hub::v1::SourceRecord> records, tx->PersonRecordsOf(id));
  PersonFacts facts;
  for (const hub::v1::SourceRecord& r : records) facts.Fold(r, *rules_);
  return facts;
}

absl::StatusOr<StageTracker::AccountView> StageTracker::RecomputeAccount(
    WriteTransaction* tx, int64_t id, absl::btree_set<int64_t>* dirty) {
  AccountView view;
  HUB_ASSIGN_OR_RETURN(std::vector<hub::v1::SourceRecord> records, tx->OpportunitiesOf(id));
  for (const hub::v1::SourceRecord& r : records) {
    absl::StatusOr<Opportunity> o = OpportunityOf(r);
    if (o.ok()) view.opportunities.push_back(*o);  // unusable ones: no fact
  }
  HUB_ASSIGN_OR_RETURN(std::vector<int64_t> members, tx->MembersOf(id));
  PersonFacts earliest;
  for (int64_t m : members) {
    auto it = facts_.find(m);
    if (it != facts_.end()) {
      earliest.TakeEarliest(it->second);
      continue;
    }
    HUB_ASSIGN_OR_RETURN(std::optional<StageState> state, tx->GetStageState(m));
    if (!state) continue;
    HUB_ASSIGN_OR_RETURN(PersonFacts f, PersonFacts::Parse(state->facts));
    earliest.TakeEarliest(f);
  }
  HUB_ASSIGN_OR_RETURN(std::vector<NamedTrait> traits, tx->GetTraits(id));
  for (const char* name : kSegmentTraits) {
    for (const NamedTrait& t : traits) {
      if (t.name == name && !t.value.value.empty()) {
        absl::StrAppend(&view.segments, "\n", name, "=", t.value.value);
      }
    }
  }
  const std::string fingerprint = AccountFingerprint(view.opportunities, members.size());
  HUB_ASSIGN_OR_RETURN(std::optional<StageState> old, tx->GetStageState(id));
  if (!old || old->facts != fingerprint || old->segments != view.segments) {
    dirty->insert(members.begin(), members.end());
  }
  HUB_RETURN_IF_ERROR(StoreHistory(tx, id, Side::kAccount,
                                   History(earliest, view.opportunities, true),
                                   view.segments, old ? old->segments : ""));
  StageState state;
  state.side = Side::kAccount;
  state.facts = fingerprint;
  state.segments = view.segments;
  if (!old || old->facts != state.facts || old->segments != state.segments) {
    HUB_RETURN_IF_ERROR(tx->PutStageState(id, state));
  }
  return view;
}

absl::Status StageTracker::Apply(WriteTransaction* tx) {
  HUB_RETURN_IF_ERROR(RetireAll(tx));

  // Persons: fold or rebuild their facts; note whose changed.
  absl::btree_map<int64_t, std::vector<const hub::v1::SourceRecord*>> folds;
  absl::btree_set<int64_t> rebuild;
  for (const auto& [id, records] : folds_) {
    HUB_ASSIGN_OR_RETURN(int64_t live, tx->ResolveId(Side::kPerson, id));
    auto& into = folds[live];
    into.insert(into.end(), records.begin(), records.end());
  }
  for (int64_t id : rebuild_) {
    HUB_ASSIGN_OR_RETURN(int64_t live, tx->ResolveId(Side::kPerson, id));
    rebuild.insert(live);
    folds[live];
  }
  // Merged-away persons' stored facts, by the live person absorbing them.
  absl::btree_map<int64_t, std::vector<const PersonFacts*>> absorbed;
  for (const auto& [id, facts] : retired_facts_) {
    HUB_ASSIGN_OR_RETURN(int64_t live, tx->ResolveId(Side::kPerson, id));
    absorbed[live].push_back(&facts);
    folds[live];
  }
  absl::btree_set<int64_t> dirty;  // persons whose history must be recomputed
  absl::btree_map<int64_t, StageState> states;
  absl::btree_set<int64_t> changed;  // persons whose state must be saved
  for (const auto& [id, records] : folds) {
    HUB_ASSIGN_OR_RETURN(std::optional<StageState> state, tx->GetStageState(id));
    PersonFacts facts;
    // Without stored facts, only a person created in this transaction (its
    // records are all noted here) and the persons merged into it can be
    // folded; anything else is rebuilt from its records.
    const bool fold = !rebuild.contains(id) && (state || created_.contains(id));
    auto losers = absorbed.find(id);
    if (!fold) {
      HUB_ASSIGN_OR_RETURN(facts, RebuildFacts(tx, id));
    } else {
      if (state) {
        HUB_ASSIGN_OR_RETURN(facts, PersonFacts::Parse(state->facts));
      }
      if (losers != absorbed.end()) {
        for (const PersonFacts* f : losers->second) facts.Absorb(*f, *rules_);
      }
      for (const hub::v1::SourceRecord* r : records) facts.Fold(*r, *rules_);
    }
    HUB_ASSIGN_OR_RETURN(int64_t account, tx->CurrentAccount(id));
    if (state && state->account_id != 0) {
      HUB_ASSIGN_OR_RETURN(int64_t old_account,
                           tx->ResolveId(Side::kAccount, state->account_id));
      accounts_.insert(old_account);
    }
    StageState& s = states[id];
    if (state) s = *state;
    const std::string serialized = facts.Serialize();
    if (!state || state->facts != serialized || state->account_id != account) {
      dirty.insert(id);
      changed.insert(id);
      accounts_.insert(account);
    }
    s.side = Side::kPerson;
    s.facts = serialized;
    facts_[id] = std::move(facts);
  }

  // Accounts: recompute each affected one; a changed account marks its
  // members dirty.
  absl::btree_map<int64_t, AccountView> views;
  absl::btree_set<int64_t> accounts;
  for (int64_t id : accounts_) {
    if (id == 0) continue;
    HUB_ASSIGN_OR_RETURN(int64_t live, tx->ResolveId(Side::kAccount, id));
    accounts.insert(live);
  }
  for (int64_t id : accounts) {
    HUB_ASSIGN_OR_RETURN(views[id], RecomputeAccount(tx, id, &dirty));
  }

  // Persons' histories.
  for (int64_t id : dirty) {
    auto st = states.find(id);
    if (st == states.end()) {
      HUB_ASSIGN_OR_RETURN(std::optional<StageState> state, tx->GetStageState(id));
      if (!state) continue;  // a member with no facts yet
      st = states.emplace(id, *state).first;
    }
    StageState& state = st->second;
    HUB_ASSIGN_OR_RETURN(int64_t account, tx->CurrentAccount(id));
    auto fit = facts_.find(id);
    if (fit == facts_.end()) {
      HUB_ASSIGN_OR_RETURN(PersonFacts f, PersonFacts::Parse(state.facts));
      fit = facts_.emplace(id, std::move(f)).first;
    }
    static const AccountView kNoAccount;
    const AccountView* view = &kNoAccount;
    if (account != 0) {
      auto vit = views.find(account);
      if (vit == views.end()) {
        absl::btree_set<int64_t> ignored;
        HUB_ASSIGN_OR_RETURN(AccountView v, RecomputeAccount(tx, account, &ignored));
        vit = views.emplace(account, std::move(v)).first;
      }
      view = &vit->second;
    }
    const std::string old_segments = state.segments;
    HUB_RETURN_IF_ERROR(StoreHistory(tx, id, Side::kPerson,
                                     History(fit->second, view->opportunities, false),
                                     view->segments, old_segments));
    if (state.account_id != account || state.segments != view->segments) {
      state.account_id = account;
      state.segments = view->segments;
      changed.insert(id);
    }
  }
  for (const auto& [id, state] : states) {
    if (!changed.contains(id)) continue;
    HUB_RETURN_IF_ERROR(tx->PutStageState(id, state));
  }
  std::vector<FunnelCount> deltas;
  for (const auto& [key, n] : counts_) {
    if (n == 0) continue;
    FunnelCount c;
    std::tie(c.side, c.segment, c.day, c.stage, c.reach_days, c.stay_days) = key;
    c.n = n;
    deltas.push_back(std::move(c));
  }
  counts_.clear();
  return tx->AddFunnelCounts(deltas);
}

}  // namespace hub
