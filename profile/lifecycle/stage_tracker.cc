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

using CountKey = std::tuple<std::string, int64_t, int, int, int64_t>;

// Adds `sign` times a history's funnel contributions under each segment.
void Contribute(const std::vector<StoredTransition>& history, const std::string& segments,
                int64_t sign, std::map<CountKey, int64_t>* counts) {
  for (absl::string_view segment : absl::StrSplit(segments, '\n')) {
    const std::string seg(segment);
    for (const StoredTransition& t : history) {
      const int64_t day = DayOf(t.at_us);
      (*counts)[{seg, day, t.stage, 0, 0}] += sign;
      if (t.reached_us != 0) {
        (*counts)[{seg, day, t.stage, 1, CeilDays(t.reached_us - t.at_us)}] += sign;
      }
      if (t.left_us != 0) {
        (*counts)[{seg, day, t.stage, 2, (t.left_us - t.at_us) / kDayMicros}] += sign;
      }
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
  std::map<CountKey, int64_t> counts;
  Contribute(old, old_segments, -1, &counts);
  Contribute(now, segments, +1, &counts);
  std::vector<FunnelCount> deltas;
  for (const auto& [key, n] : counts) {
    if (n == 0) continue;
    FunnelCount c;
    c.side = side;
    std::tie(c.segment, c.day, c.stage, c.kind, c.days) = key;
    c.n = n;
    deltas.push_back(std::move(c));
  }
  HUB_RETURN_IF_ERROR(tx->AddFunnelCounts(deltas));
  if (old != now) HUB_RETURN_IF_ERROR(tx->PutTransitions(id, now));
  return absl::OkStatus();
}

absl::Status StageTracker::RetireAll(WriteTransaction* tx) {
  for (int64_t id : retired_) {
    HUB_ASSIGN_OR_RETURN(std::optional<StageState> state, tx->GetStageState(id));
    if (!state) continue;
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
  absl::btree_set<int64_t> dirty;  // persons whose history must be recomputed
  absl::btree_map<int64_t, StageState> states;
  absl::btree_set<int64_t> changed;  // persons whose state must be saved
  for (const auto& [id, records] : folds) {
    HUB_ASSIGN_OR_RETURN(std::optional<StageState> state, tx->GetStageState(id));
    PersonFacts facts;
    if (!state || rebuild.contains(id)) {
      HUB_ASSIGN_OR_RETURN(facts, RebuildFacts(tx, id));
    } else {
      HUB_ASSIGN_OR_RETURN(facts, PersonFacts::Parse(state->facts));
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
  return absl::OkStatus();
}

}  // namespace hub
