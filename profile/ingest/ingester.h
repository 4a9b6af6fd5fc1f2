// Ingester: the write path. Validates, resolves, survives and persists a
// batch of source records in one store transaction.
#ifndef HUB_PROFILE_INGEST_INGESTER_H_
#define HUB_PROFILE_INGEST_INGESTER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "hub/v1/records.pb.h"
#include "profile/base/proto_bytes.h"  // SerializeDeterministic
#include "profile/identity/identity_policy.h"
#include "profile/identity/profile_matcher.h"
#include "profile/ingest/validator.h"
#include "profile/lifecycle/stage_rules.h"
#include "profile/store/store.h"
#include "profile/survivorship/survivorship_policy.h"

namespace hub {

// What one batch (or a whole run) did.
struct IngestStats {
  int64_t read = 0;         // records offered
  int64_t ingested = 0;     // new records or new revisions applied
  int64_t unchanged = 0;    // identical or older revisions, already-quarantined
  int64_t quarantined = 0;  // newly quarantined
  int64_t suppressed = 0;   // dropped: a person an erasure suppressed
  int64_t profiles_created = 0;
  int64_t accounts_created = 0;
  int64_t merges = 0;
  int64_t refusals = 0;     // identity links refused by the policy
  int64_t matched = 0;      // merges by the probabilistic matcher (in merges too)
  int64_t suggested = 0;    // merge suggestions queued for review
  IngestStats& operator+=(const IngestStats& o);
};

// A stable 64-bit hash of a record's content: Fnv1a64 of its deterministic
// serialization. The idempotency key together with (source, entity,
// external_id).
uint64_t ContentHash(const hub::v1::SourceRecord& record);

// A batch after the store-free half of ingest: each record validated (its
// identifiers normalised, or the quarantine reason), serialized and hashed.
struct PreparedBatch {
  struct Item {
    hub::v1::SourceRecord record;
    absl::StatusOr<ValidatedRecord> validated;
    std::string payload;  // deterministic serialization
    uint64_t content_hash = 0;
  };
  std::vector<Item> items;
};

// hubd's stage window (HubConfig.lifecycle.stage_window unset): the stage
// notes batches may leave pending (Ingester::set_stage_window).
inline constexpr int64_t kDefaultStageWindow = 200000;

// Applies batches to a Store. Thread-safe (the store serialises writers).
class Ingester {
 public:
  // `survivorship` chooses each trait's value (default: most_recent).
  // With `matcher`, after a batch's records are applied each person profile
  // they touched is scored against the profiles sharing a block key with it
  // (no deterministic identifier joined them, or they would be one): at or
  // above the upper threshold the best candidate merges into it (ledger rule
  // "probabilistic", with the score), between the thresholds the pair is
  // queued for review; do-not-link pairs are never scored. Per profile this
  // costs its traits' block keys, an indexed lookup per key (keys shared by
  // more than max_block_size profiles are skipped) and one comparison per
  // candidate: bounded, whatever the store's size.
  explicit Ingester(Store* store,
                    IdentityPolicy policy = IdentityPolicy::Default(),
                    ValidationLimits limits = {},
                    SurvivorshipPolicy survivorship = {},
                    std::optional<ProfileMatcher> matcher = std::nullopt)
      : store_(store),
        policy_(std::move(policy)),
        limits_(limits),
        survivorship_(std::move(survivorship)),
        matcher_(std::move(matcher)) {}

  // Ingests `records` in order in one transaction and, if `source_id` is
  // non-empty, saves `cursor` as that source's cursor in the same
  // transaction. Invalid records are quarantined (counted, not an error).
  // On error nothing of the batch is committed. Same as
  // Apply(Prepare(records), source_id, cursor).
  absl::StatusOr<IngestStats> IngestBatch(
      std::vector<hub::v1::SourceRecord> records,
      const std::string& source_id = "", const std::string& cursor = "");

  // Replaces the lifecycle stage rules; nullopt turns stage tracking off
  // (histories and funnel counters are then not maintained: for measuring
  // its cost). Not thread-safe: call before ingesting.
  void set_stage_rules(std::optional<StageRules> rules) { stage_rules_ = std::move(rules); }
  // The stage rules in force; null when stage tracking is off.
  const StageRules* stage_rules() const { return stage_rules_ ? &*stage_rules_ : nullptr; }

  // Coalesces stage work: a batch stores its stage notes instead of applying
  // them while fewer than `notes` are pending (with its own), and the batch
  // that would reach `notes` applies them all (StageTracker::Defer). A person
  // touched by many batches in between has its stage state rewritten once.
  // 0 (the default) applies every batch's work in its own transaction.
  // Whoever reads stages must FlushStages first. Not thread-safe: call
  // before ingesting.
  void set_stage_window(int64_t notes) { stage_window_ = notes; }
  int64_t stage_window() const { return stage_window_; }

  // Applies the stage work that batches deferred, if any, in one
  // transaction; after it stage histories and counters are current. Safe to
  // call from any thread (it is one more writer).
  absl::Status FlushStages();

  // The store-free half: validation, normalisation, serialization, hashing.
  // Pure; callable from any thread, e.g. the adapter's while the previous
  // batch commits.
  PreparedBatch Prepare(std::vector<hub::v1::SourceRecord> records) const;

  // Runs inside a batch's transaction, after its records and cursor and
  // before the commit, with the batch's own stats: what a caller writes
  // there (e.g. the sync job's progress) commits atomically with the batch.
  // An error aborts the batch.
  using BatchHook =
      std::function<absl::Status(WriteTransaction*, const IngestStats&)>;

  // The store half: resolution, survivorship and persistence of a prepared
  // batch in one transaction, as IngestBatch; `hook` (optional) as above.
  absl::StatusOr<IngestStats> Apply(PreparedBatch batch,
                                    const std::string& source_id,
                                    const std::string& cursor,
                                    const BatchHook& hook = nullptr);

 private:
  // Removes identifiers and links matching the policy's blocked patterns;
  // a record left with nothing to resolve becomes invalid (quarantined).
  void DropBlocked(const hub::v1::SourceRecord& r,
                   absl::StatusOr<ValidatedRecord>* v) const;

  Store* store_;
  IdentityPolicy policy_;
  ValidationLimits limits_;
  SurvivorshipPolicy survivorship_;
  // Probabilistic matching of the person profiles a batch touched; none:
  // deterministic resolution only.
  std::optional<ProfileMatcher> matcher_;
  // Every batch keeps the stage histories of what it touched current
  // (profile/lifecycle/stage_tracker.h).
  std::optional<StageRules> stage_rules_ = StageRules::Default();
  int64_t stage_window_ = 0;
  // The records of the stage notes this ingester deferred, by seq, so that
  // applying them need not read them back (after a restart they are read).
  // Held while a batch or flush runs: its writes are serialised anyway.
  absl::Mutex pending_mu_;
  absl::flat_hash_map<int64_t, hub::v1::SourceRecord> pending_records_
      ABSL_GUARDED_BY(pending_mu_);
};

}  // namespace hub

#endif  // HUB_PROFILE_INGEST_INGESTER_H_
