#include "profile/lifecycle/stage_tracker.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace {

// The stage a history ends in; 0 for none (an empty history).
int CurrentStage(const std::vector<StoredTransition>& history) {
  return history.empty() ? 0 : history.back().stage;
}

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

// An account's opportunities as its stage state keeps them, sorted.
std::vector<StoredOpportunity> ToStoredOpportunities(const std::vector<Opportunity>& opps) {
  std::vector<StoredOpportunity> out;
  out.reserve(opps.size());
  for (const Opportunity& o : opps) {
    out.push_back({o.created, o.closed == kNever ? 0 : o.closed, o.won, o.renewal, o.upsell,
                   o.amount_cents});
  }
  std::sort(out.begin(), out.end(), [](const StoredOpportunity& a, const StoredOpportunity& b) {
    return std::tie(a.created_us, a.closed_us, a.won, a.renewal, a.upsell, a.amount_cents) <
           std::tie(b.created_us, b.closed_us, b.won, b.renewal, b.upsell, b.amount_cents);
  });
  return out;
}

// What a person counts in the stage metrics: each email send seen with its
// email_sent record, on its send day, with its fields; the customer fields
// when its account was in EXPAND at the send time (by `account_history`).
std::vector<CountedItem> CountedOf(const PersonFacts& facts,
                                   const std::vector<StoredTransition>& history,
                                   const std::vector<StoredTransition>& account_history) {
  auto bit = [](MetricField f) { return uint64_t{1} << static_cast<int>(f); };
  std::vector<CountedItem> out;
  for (const PersonFacts::Send& send : facts.sends) {
    if (send.sent == kNever) continue;  // activity of a send Hub has not seen
    uint64_t fields = bit(MetricField::kSends);
    if (send.flags & PersonFacts::kBounced) {
      fields |= bit(MetricField::kBounced);
    } else {
      const bool opened = send.flags & PersonFacts::kOpened;
      const bool clicked = send.flags & PersonFacts::kClicked;
      fields |= bit(MetricField::kDelivered);
      if (opened) fields |= bit(MetricField::kOpened);
      if (clicked) fields |= bit(MetricField::kClicked);
      if (send.flags & PersonFacts::kUnsubscribed) fields |= bit(MetricField::kUnsubscribed);
      int stage = 0;
      for (const StoredTransition& t : account_history) {
        if (t.at_us > send.sent) break;
        stage = t.stage;
      }
      if (stage == static_cast<int>(Stage::kExpand)) {
        fields |= bit(MetricField::kCustomerDelivered);
        if (opened) fields |= bit(MetricField::kCustomerOpened);
        if (clicked) fields |= bit(MetricField::kCustomerClicked);
      }
    }
    out.push_back({DayOf(send.sent), fields, 0, 1});
  }
  using D = PersonFacts::DayCount;
  const std::pair<D, MetricField> per_day[] = {
      {D::kPageViews, MetricField::kPageViews},   {D::kMql, MetricField::kMql},
      {D::kSal, MetricField::kSal},               {D::kSql, MetricField::kSql},
      {D::kNps, MetricField::kNpsResponses},      {D::kPromoters, MetricField::kNpsPromoters},
      {D::kDetractors, MetricField::kNpsDetractors}, {D::kCsat, MetricField::kCsatRatings},
      {D::kCsatGood, MetricField::kCsatGood}};
  int64_t previous_anonymous = std::numeric_limits<int64_t>::min();
  for (const auto& [day, counts] : facts.days) {
    for (const auto& [count, field] : per_day) {
      if (counts[count] != 0) out.push_back({day, bit(field), 0, counts[count]});
    }
    // A web visit while the person was still ATTRACT (its stage at the day's
    // first web event).
    if (counts[D::kWebFirst] == kNever) continue;
    int stage = 0;
    for (const StoredTransition& t : history) {
      if (t.at_us > counts[D::kWebFirst]) break;
      stage = t.stage;
    }
    if (stage != static_cast<int>(Stage::kAttract)) continue;
    out.push_back({day, bit(MetricField::kAnonymousVisit), previous_anonymous, 1});
    previous_anonymous = day;
  }
  std::sort(out.begin(), out.end());
  return out;
}

// What an account counts in the stage metrics, from its history and
// opportunities (see MetricField::kExpandStay).
std::vector<CountedItem> AccountCountedOf(const std::vector<StoredTransition>& history,
                                          const std::vector<StoredOpportunity>& opportunities) {
  auto bit = [](MetricField f) { return uint64_t{1} << static_cast<int>(f); };
  auto clamp = [](int64_t day) { return std::max<int64_t>(0, std::min(day, kOpenEnd)); };
  std::vector<CountedItem> out;
  std::vector<std::pair<int64_t, int64_t>> stays;  // [start, end) in micros; end 0: open
  int64_t previous_churn = std::numeric_limits<int64_t>::min();
  for (const StoredTransition& t : history) {
    if (t.stage == static_cast<int>(Stage::kExpand)) {
      stays.emplace_back(t.at_us, t.left_us);
      out.push_back({clamp(CeilDayOf(t.at_us)), bit(MetricField::kExpandStay),
                     t.left_us == 0 ? kOpenEnd : clamp(CeilDayOf(t.left_us)), 1});
    } else if (t.stage == static_cast<int>(Stage::kChurned)) {
      const int64_t day = DayOf(t.at_us);
      if (day != previous_churn) {
        out.push_back({day, bit(MetricField::kChurnEntry), previous_churn, 1});
        previous_churn = day;
      }
    }
  }
  for (const StoredOpportunity& o : opportunities) {
    if (!o.won || o.closed_us == 0) continue;
    for (const auto& [start, end] : stays) {
      if (start > o.closed_us) continue;  // began after the close
      out.push_back({DayOf(o.closed_us), bit(MetricField::kWonCentsDuringStay),
                     ExpandStayKey(clamp(CeilDayOf(start)),
                                   end == 0 ? kOpenEnd : clamp(CeilDayOf(end))),
                     o.amount_cents});
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Opportunity> FromStoredOpportunities(const std::vector<StoredOpportunity>& opps) {
  std::vector<Opportunity> out;
  out.reserve(opps.size());
  for (const StoredOpportunity& o : opps) {
    Opportunity op;
    op.created = o.created_us;
    op.closed = o.closed_us == 0 ? kNever : o.closed_us;
    op.won = o.won;
    op.renewal = o.renewal;
    op.upsell = o.upsell;
    op.amount_cents = o.amount_cents;
    out.push_back(op);
  }
  return out;
}

}  // namespace

void StageTracker::AddPersonRecord(int64_t id, const hub::v1::SourceRecord* record,
                                   int64_t seq) {
  if (id == 0) return;
  folds_[id].push_back(record);
  notes_.push_back({kNoteRecord, id, seq});
  noted_records_.emplace_back(seq, record);
  if (seq == 0) deferrable_ = false;
}

void StageTracker::Rebuild(int64_t id) {
  if (id == 0) return;
  rebuild_.insert(id);
  notes_.push_back({kNoteRebuild, id, 0});
}

void StageTracker::Created(int64_t id) {
  created_.insert(id);
  notes_.push_back({kNoteCreated, id, 0});
}

void StageTracker::AccountChanged(int64_t id) {
  if (id == 0) return;
  folds_[id];
  notes_.push_back({kNoteAccountChanged, id, 0});
}

void StageTracker::Absorb(int64_t winner, int64_t loser) {
  retired_.insert(loser);
  absorbed_.insert(loser);
  folds_[winner];  // the winner's facts change
  notes_.push_back({kNoteAbsorb, winner, loser});
}

void StageTracker::Retire(int64_t id) {
  if (id == 0) return;
  retired_.insert(id);
  notes_.push_back({kNoteRetire, id, 0});
}

void StageTracker::TouchAccount(int64_t id) {
  if (id == 0) return;
  AccountChange& c = accounts_[id];
  c.full = c.opportunities = c.traits = c.members_dirty = true;
  notes_.push_back({kNoteTouchAccount, id, 0});
}

void StageTracker::TouchAccountTraits(int64_t id) {
  if (id == 0) return;
  accounts_[id].traits = true;
  notes_.push_back({kNoteAccountTraits, id, 0});
}

void StageTracker::TouchAccountOpportunities(int64_t id) {
  if (id == 0) return;
  accounts_[id].opportunities = true;
  notes_.push_back({kNoteAccountOpportunities, id, 0});
}

absl::Status StageTracker::Defer(WriteTransaction* tx) {
  if (!deferrable_) {
    return absl::FailedPreconditionError("stage notes: a record was noted without its seq");
  }
  HUB_RETURN_IF_ERROR(tx->AddStageNotes(notes_));
  notes_.clear();
  return absl::OkStatus();
}

absl::Status StageTracker::LoadDeferred(WriteTransaction* tx) {
  HUB_ASSIGN_OR_RETURN(std::vector<StageNote> notes, tx->TakeStageNotes());
  if (notes.empty()) return absl::OkStatus();
  std::vector<int64_t> seqs;
  absl::flat_hash_map<int64_t, const hub::v1::SourceRecord*> by_seq;
  for (const StageNote& n : notes) {
    if (n.kind != kNoteRecord) continue;
    if (known_records_ != nullptr) {
      if (auto it = known_records_->find(n.other); it != known_records_->end()) {
        by_seq[n.other] = &it->second;
        continue;
      }
    }
    seqs.push_back(n.other);
  }
  if (!seqs.empty()) {
    HUB_ASSIGN_OR_RETURN(auto records, tx->RecordsBySeq(seqs));
    for (auto& [seq, record] : records) {
      deferred_records_.push_back(std::move(record));
      by_seq[seq] = &deferred_records_.back();
    }
  }
  const size_t own = notes_.size();
  const size_t own_records = noted_records_.size();
  for (const StageNote& n : notes) {
    switch (n.kind) {
      case kNoteRecord:
        // A record gone since (none are today) leaves nothing to fold; its
        // removal noted a rebuild.
        if (auto it = by_seq.find(n.other); it != by_seq.end()) {
          AddPersonRecord(n.id, it->second, n.other);
        }
        break;
      case kNoteCreated: Created(n.id); break;
      case kNoteAbsorb: Absorb(n.id, n.other); break;
      case kNoteRebuild: Rebuild(n.id); break;
      case kNoteAccountChanged: AccountChanged(n.id); break;
      case kNoteRetire: Retire(n.id); break;
      case kNoteTouchAccount: TouchAccount(n.id); break;
      case kNoteAccountTraits: TouchAccountTraits(n.id); break;
      case kNoteAccountOpportunities: TouchAccountOpportunities(n.id); break;
      default:
        return absl::DataLossError(absl::StrCat("stage note of unknown kind ", n.kind));
    }
  }
  notes_.resize(own);  // applied here, never stored again
  noted_records_.resize(own_records);
  return absl::OkStatus();
}

void StageTracker::CountItems(const StageState* old, const std::vector<CountedItem>& items,
                              const std::string& segments) {
  if (old == nullptr || old->segments != segments) {
    if (old != nullptr) AddCountedContributions(old->counted, old->segments, -1, &metric_counts_);
    AddCountedContributions(items, segments, +1, &metric_counts_);
    return;
  }
  if (old->counted == items) return;
  // Both sorted: only the items that differ change a counter.
  std::vector<CountedItem> gone, added;
  std::set_difference(old->counted.begin(), old->counted.end(), items.begin(), items.end(),
                      std::back_inserter(gone));
  std::set_difference(items.begin(), items.end(), old->counted.begin(), old->counted.end(),
                      std::back_inserter(added));
  AddCountedContributions(gone, segments, -1, &metric_counts_);
  AddCountedContributions(added, segments, +1, &metric_counts_);
}

void StageTracker::CountHistory(Side side, const StageState* old,
                                const std::vector<StoredTransition>& history,
                                const std::string& segments) {
  if (old == nullptr) {
    AddContributions(side, history, segments, +1, &counts_);
    return;
  }
  if (old->segments != segments) {
    AddContributions(side, old->history, old->segments, -1, &counts_);
    AddContributions(side, history, segments, +1, &counts_);
    return;
  }
  // Same segments: only the transitions that differ change a counter
  // (usually one or two of a handful).
  std::vector<StoredTransition> gone, added;
  std::vector<bool> matched(old->history.size(), false);
  for (const StoredTransition& t : history) {
    bool found = false;
    for (size_t i = 0; i < old->history.size() && !found; ++i) {
      if (!matched[i] && old->history[i] == t) found = matched[i] = true;
    }
    if (!found) added.push_back(t);
  }
  for (size_t i = 0; i < old->history.size(); ++i) {
    if (!matched[i]) gone.push_back(old->history[i]);
  }
  AddContributions(side, gone, segments, -1, &counts_);
  AddContributions(side, added, segments, +1, &counts_);
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
    CountHistory(state->side, &*state, {}, "");
    AddOpportunityContributions(state->opportunities, state->segments, -1, &metric_counts_);
    AddCountedContributions(state->counted, state->segments, -1, &metric_counts_);
    HUB_RETURN_IF_ERROR(tx->DeleteStageState(id));
    if (state->side == Side::kPerson && state->account_id != 0) {
      accounts_[state->account_id].full = true;  // a member left
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<PersonFacts> StageTracker::RebuildFacts(WriteTransaction* tx, int64_t id) {
  HUB_ASSIGN_OR_RETURN(std::vector<hub::v1::SourceRecord> records, tx->PersonRecordsOf(id));
  PersonFacts facts;
  for (const hub::v1::SourceRecord& r : records) facts.Fold(r, *rules_);
  // Events a retention purge removed count as they did: their facts were
  // kept, by origin, when they went.
  HUB_ASSIGN_OR_RETURN(auto retained, tx->RetainedFacts(id));
  for (const auto& [origin, bytes] : retained) {
    HUB_ASSIGN_OR_RETURN(PersonFacts kept, PersonFacts::Parse(bytes));
    facts.Absorb(kept, *rules_);
  }
  return facts;
}

absl::StatusOr<StageTracker::AccountView> StageTracker::RecomputeAccount(
    WriteTransaction* tx, int64_t id, const AccountChange& change,
    absl::btree_set<int64_t>* dirty) {
  HUB_ASSIGN_OR_RETURN(std::optional<StageState> old, tx->GetStageState(id));
  PersonFacts earliest;
  if (old) {
    HUB_ASSIGN_OR_RETURN(earliest, PersonFacts::Parse(old->facts));
  }
  std::vector<int64_t> members;
  bool have_members = false;
  if (change.full || !old) {
    // Re-read every member's facts: one may have left, or risen.
    HUB_ASSIGN_OR_RETURN(members, tx->MembersOf(id));
    have_members = true;
    earliest = PersonFacts();
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
  } else {
    earliest.TakeEarliest(change.lowered);
  }
  AccountView view;
  if (change.opportunities || change.full || !old) {
    HUB_ASSIGN_OR_RETURN(std::vector<hub::v1::SourceRecord> records, tx->OpportunitiesOf(id));
    for (const hub::v1::SourceRecord& r : records) {
      absl::StatusOr<Opportunity> o = OpportunityOf(r);
      if (o.ok()) view.opportunities.push_back(*o);  // unusable ones: no fact
    }
  } else {
    view.opportunities = FromStoredOpportunities(old->opportunities);
  }
  if (change.traits || change.full || !old) {
    HUB_ASSIGN_OR_RETURN(std::vector<NamedTrait> traits, tx->GetTraits(id));
    for (const char* name : kSegmentTraits) {
      for (const NamedTrait& t : traits) {
        if (t.name == name && !t.value.value.empty()) {
          absl::StrAppend(&view.segments, "\n", name, "=", t.value.value);
        }
      }
    }
  } else {
    view.segments = old->segments;
  }
  std::vector<StoredOpportunity> stored = ToStoredOpportunities(view.opportunities);
  const bool opps_changed = !old || stored != old->opportunities;
  // Members' histories read the account's opportunities and segments.
  if (change.members_dirty || opps_changed || view.segments != old->segments) {
    if (!have_members) {
      HUB_ASSIGN_OR_RETURN(members, tx->MembersOf(id));
    }
    dirty->insert(members.begin(), members.end());
  }
  if (opps_changed || view.segments != old->segments) {
    if (old) AddOpportunityContributions(old->opportunities, old->segments, -1, &metric_counts_);
    AddOpportunityContributions(stored, view.segments, +1, &metric_counts_);
  }
  StageState state;
  state.side = Side::kAccount;
  state.facts = earliest.Serialize();
  state.segments = view.segments;
  state.history = ToStored(History(earliest, view.opportunities, true));
  state.opportunities = std::move(stored);
  state.counted = AccountCountedOf(state.history, state.opportunities);
  CountItems(old ? &*old : nullptr, state.counted, state.segments);
  view.history = state.history;
  CountHistory(Side::kAccount, old ? &*old : nullptr, state.history, state.segments);
  if (!old || old->facts != state.facts || old->segments != state.segments ||
      old->history != state.history || old->opportunities != state.opportunities ||
      old->counted != state.counted) {
    HUB_RETURN_IF_ERROR(tx->PutStageState(id, state));
  }
  if (CurrentStage(old ? old->history : std::vector<StoredTransition>()) !=
      CurrentStage(state.history)) {
    HUB_RETURN_IF_ERROR(tx->NoteChange(Side::kAccount, id, "stage_changed"));
  }
  return view;
}

absl::Status StageTracker::Apply(WriteTransaction* tx) {
  HUB_RETURN_IF_ERROR(LoadDeferred(tx));
  HUB_RETURN_IF_ERROR(RetireAll(tx));

  // Persons: fold or rebuild their facts; note whose changed.
  absl::btree_map<int64_t, std::vector<const hub::v1::SourceRecord*>> folds;
  absl::btree_set<int64_t> rebuild;
  // A person erased since its notes were written (EraseSubject) is gone
  // with its records: nothing of it to fold.
  for (const auto& [id, records] : folds_) {
    absl::StatusOr<int64_t> live = tx->ResolveId(Side::kPerson, id);
    if (absl::IsNotFound(live.status())) continue;
    HUB_RETURN_IF_ERROR(live.status());
    auto& into = folds[*live];
    into.insert(into.end(), records.begin(), records.end());
  }
  for (int64_t id : rebuild_) {
    absl::StatusOr<int64_t> live = tx->ResolveId(Side::kPerson, id);
    if (absl::IsNotFound(live.status())) continue;
    HUB_RETURN_IF_ERROR(live.status());
    rebuild.insert(*live);
    folds[*live];
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
  absl::btree_set<int64_t> loaded;  // persons whose stored state is counted already
  absl::flat_hash_map<int64_t, int64_t> current_account;
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
    current_account[id] = account;
    int64_t old_account = 0;
    if (state && state->account_id != 0) {
      HUB_ASSIGN_OR_RETURN(old_account, tx->ResolveId(Side::kAccount, state->account_id));
    }
    StageState& s = states[id];
    if (state) {
      s = *state;
      loaded.insert(id);
    }
    const std::string serialized = facts.Serialize();
    const bool facts_changed = !state || state->facts != serialized;
    if (facts_changed || old_account != account) {
      dirty.insert(id);
      changed.insert(id);
    }
    if (old_account != account) {
      if (old_account != 0) accounts_[old_account].full = true;  // it left
      if (account != 0) accounts_[account].lowered.TakeEarliest(facts);  // it joined
    } else if (facts_changed && account != 0) {
      if (fold) {
        accounts_[account].lowered.TakeEarliest(facts);  // folding only lowers
      } else {
        accounts_[account].full = true;  // rebuilt facts can rise
      }
    }
    s.side = Side::kPerson;
    s.facts = serialized;
    facts_[id] = std::move(facts);
  }

  // Accounts: recompute each affected one; a changed account marks its
  // members dirty.
  absl::btree_map<int64_t, AccountView> views;
  absl::btree_map<int64_t, AccountChange> accounts;
  for (const auto& [id, change] : accounts_) {
    if (id == 0) continue;
    HUB_ASSIGN_OR_RETURN(int64_t live, tx->ResolveId(Side::kAccount, id));
    AccountChange& c = accounts[live];
    c.full |= change.full;
    c.opportunities |= change.opportunities;
    c.traits |= change.traits;
    c.members_dirty |= change.members_dirty;
    c.lowered.TakeEarliest(change.lowered);
  }
  for (const auto& [id, change] : accounts) {
    HUB_ASSIGN_OR_RETURN(views[id], RecomputeAccount(tx, id, change, &dirty));
  }

  // Persons' histories.
  for (int64_t id : dirty) {
    auto st = states.find(id);
    if (st == states.end()) {
      HUB_ASSIGN_OR_RETURN(std::optional<StageState> state, tx->GetStageState(id));
      if (!state) continue;  // a member with no facts yet
      st = states.emplace(id, *state).first;
      loaded.insert(id);
    }
    StageState& state = st->second;
    const bool counted_loaded = loaded.contains(id);
    int64_t account = 0;
    if (auto known = current_account.find(id); known != current_account.end()) {
      account = known->second;
    } else {
      HUB_ASSIGN_OR_RETURN(account, tx->CurrentAccount(id));
    }
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
        HUB_ASSIGN_OR_RETURN(AccountView v,
                             RecomputeAccount(tx, account, AccountChange(), &ignored));
        vit = views.emplace(account, std::move(v)).first;
      }
      view = &vit->second;
    }
    std::vector<StoredTransition> history =
        ToStored(History(fit->second, view->opportunities, false));
    std::vector<CountedItem> counted = CountedOf(fit->second, history, view->history);
    CountItems(counted_loaded ? &state : nullptr, counted, view->segments);
    // A person created in this transaction has counted nothing yet.
    CountHistory(Side::kPerson, counted_loaded ? &state : nullptr, history, view->segments);
    if (CurrentStage(state.history) != CurrentStage(history)) {
      HUB_RETURN_IF_ERROR(tx->NoteChange(Side::kPerson, id, "stage_changed"));
    }
    if (state.account_id != account || state.segments != view->segments ||
        state.history != history || state.counted != counted) {
      state.account_id = account;
      state.segments = view->segments;
      state.history = std::move(history);
      state.counted = std::move(counted);
      changed.insert(id);
    }
  }
  for (const auto& [id, state] : states) {
    if (!changed.contains(id)) continue;
    HUB_RETURN_IF_ERROR(tx->PutStageState(id, state));
  }
  HUB_RETURN_IF_ERROR(tx->AddFunnelCounts(std::move(counts_)));
  counts_.clear();
  HUB_RETURN_IF_ERROR(tx->AddMetricCounts(std::move(metric_counts_)));
  metric_counts_.clear();
  return absl::OkStatus();
}

}  // namespace hub
