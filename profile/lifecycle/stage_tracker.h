// StageTracker: keeps stage histories, funnel counters and stage-metric
// counters current as a write transaction changes records, identities and
// accounts.
//
// Callers note what changed while they work (a new record of a person, a
// profile whose facts must be rebuilt, a merged-away profile, an account);
// Apply, before the commit, recomputes what those changes can affect and
// nothing else:
//   - a person's facts are folded from its new records in O(1) each
//     (amortised; see PersonFacts), or rebuilt from its records after a
//     revision, tombstone, merge or unmerge;
//   - an account's history is recomputed when something about it changed:
//     its own state row, plus its opportunities when one changed, its
//     traits when an ACCOUNT record did, and its members' facts only when
//     one left it or had its facts rebuilt (else members' new facts can only
//     lower its own);
//   - a person's history and counted metric items are recomputed when its
//     facts, its account, or its account's opportunities or segments
//     changed: O(its transitions, sends and active days);
//   - the counters change by the difference between a profile's old and new
//     histories and items (only the entries that differ).
// The per-record cost is thus independent of the store's size.
#ifndef HUB_PROFILE_LIFECYCLE_STAGE_TRACKER_H_
#define HUB_PROFILE_LIFECYCLE_STAGE_TRACKER_H_

#include <cstdint>
#include <deque>
#include <map>
#include <tuple>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "hub/v1/records.pb.h"
#include "profile/lifecycle/stage_rules.h"
#include "profile/store/funnel_index.h"
#include "profile/store/store.h"

namespace hub {

// The account traits the funnel can be segmented by. Each distinct value of
// each one is a segment the funnel index keeps counters for.
inline constexpr const char* kSegmentTraits[] = {"industry", "tier", "region", "source"};


// What the tracker notes can also be stored (Defer) and applied by a later
// transaction's Apply, together with whatever that one noted: the work of
// many ingest batches then coalesces, and a person touched by each of them
// has its state rewritten once instead of once per batch. Applying noted
// changes together gives what applying them one transaction at a time gives
// (facts fold in any order, and everything else is recomputed from the store
// as it is at Apply). Deferred notes must be applied before stage data is
// read (Ingester::FlushStages).
class StageTracker {
 public:
  // The kinds of StageNote. Stored: never renumber.
  enum NoteKind : int {
    kNoteRecord = 1,              // id: person, other: the record's seq
    kNoteCreated = 2,             // id: person
    kNoteAbsorb = 3,              // id: winner, other: loser
    kNoteRebuild = 4,             // id: person
    kNoteAccountChanged = 5,      // id: person
    kNoteRetire = 6,              // id: person or account
    kNoteTouchAccount = 7,        // id: account
    kNoteAccountTraits = 8,       // id: account
    kNoteAccountOpportunities = 9,  // id: account
  };

  explicit StageTracker(const StageRules* rules) : rules_(rules) {}

  // A record of person `id` whose key the store had never seen (not a
  // revision, not a tombstone), stored as record `seq` (RecordsBySeq; 0 if
  // unknown, which makes this transaction's notes impossible to Defer).
  // `record` must outlive Apply.
  void AddPersonRecord(int64_t id, const hub::v1::SourceRecord* record,
                       int64_t seq = 0);
  // Person `id` was created in this transaction: its records are exactly
  // those noted with AddPersonRecord (none need reading back).
  void Created(int64_t id);
  // Person `loser` was merged into `winner`: the winner's facts absorb the
  // loser's stored ones, and the loser's history leaves the funnel.
  void Absorb(int64_t winner, int64_t loser);
  // Person `id`'s facts must be rebuilt from its records.
  void Rebuild(int64_t id);
  // Person `id`'s current account may have changed (its facts did not).
  void AccountChanged(int64_t id);
  // `id` (person or account) was merged away: its history leaves the funnel.
  void Retire(int64_t id);
  // Account `id` was merged or unmerged: everything about it may have
  // changed, its members' accounts included.
  void TouchAccount(int64_t id);
  // An ACCOUNT record of `id` changed (its segment traits may have).
  void TouchAccountTraits(int64_t id);
  // An OPPORTUNITY record of `id` changed.
  void TouchAccountOpportunities(int64_t id);

  // Recomputes and stores everything the noted changes affect, and what the
  // notes earlier transactions deferred affect.
  absl::Status Apply(WriteTransaction* tx);

  // Instead of Apply: stores this transaction's notes for a later Apply.
  // FAILED_PRECONDITION if a record was noted without its seq.
  absl::Status Defer(WriteTransaction* tx);
  // The number of notes this transaction made.
  size_t notes() const { return notes_.size(); }
  // The records this transaction noted with AddPersonRecord, with their seqs.
  const std::vector<std::pair<int64_t, const hub::v1::SourceRecord*>>& noted_records() const {
    return noted_records_;
  }
  // Records by seq that Apply may take instead of reading them back for the
  // deferred notes (a cache the caller keeps; must outlive Apply).
  void set_known_records(const absl::flat_hash_map<int64_t, hub::v1::SourceRecord>* known) {
    known_records_ = known;
  }

 private:
  struct AccountView {
    std::vector<Opportunity> opportunities;
    std::string segments;
    std::vector<StoredTransition> history;
  };
  // What changed about an account in this transaction.
  struct AccountChange {
    bool full = false;           // a member left or its facts rose: re-read all
    bool opportunities = false;  // re-read its opportunities
    bool traits = false;         // re-read its segment traits
    bool members_dirty = false;  // every member's history must be recomputed
    PersonFacts lowered;         // members' new facts that can only lower its own
  };

  // Takes the deferred notes out of the store and notes them here.
  absl::Status LoadDeferred(WriteTransaction* tx);
  absl::Status RetireAll(WriteTransaction* tx);
  absl::StatusOr<PersonFacts> RebuildFacts(WriteTransaction* tx, int64_t id);
  absl::StatusOr<AccountView> RecomputeAccount(WriteTransaction* tx, int64_t id,
                                               const AccountChange& change,
                                               absl::btree_set<int64_t>* dirty);
  // Counts the change from `old`'s history and segments (none if null) to
  // `history` under `segments` in the funnel.
  // The same for the stage-metric items.
  void CountItems(const StageState* old, const std::vector<CountedItem>& items,
                  const std::string& segments);
  void CountHistory(Side side, const StageState* old,
                    const std::vector<StoredTransition>& history,
                    const std::string& segments);

  const StageRules* rules_;
  // Every note, as Defer stores it; `deferrable_` is false once a record came
  // without its seq.
  std::vector<StageNote> notes_;
  std::vector<std::pair<int64_t, const hub::v1::SourceRecord*>> noted_records_;
  bool deferrable_ = true;
  const absl::flat_hash_map<int64_t, hub::v1::SourceRecord>* known_records_ = nullptr;
  // Records read back for deferred notes (folds_ points into them).
  std::deque<hub::v1::SourceRecord> deferred_records_;
  absl::btree_map<int64_t, std::vector<const hub::v1::SourceRecord*>> folds_;
  absl::btree_set<int64_t> rebuild_;
  absl::btree_set<int64_t> created_;
  absl::btree_set<int64_t> absorbed_;  // merged-away persons
  absl::btree_set<int64_t> retired_;
  // The stored facts of the persons retired in this Apply (merged away).
  absl::btree_map<int64_t, PersonFacts> retired_facts_;
  // Funnel counter changes, written once at the end of Apply.
  FunnelDeltas counts_;
  MetricDeltas metric_counts_;
  absl::btree_map<int64_t, AccountChange> accounts_;  // ids as noted
  // Facts computed in this Apply (members of accounts read them here).
  absl::btree_map<int64_t, PersonFacts> facts_;
};

}  // namespace hub

#endif  // HUB_PROFILE_LIFECYCLE_STAGE_TRACKER_H_
