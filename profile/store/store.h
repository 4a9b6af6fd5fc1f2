// Store: the persistence port of the core. SqliteStore implements it; a
// PostgreSQL implementation is planned (DESIGN.md section 9).
#ifndef HUB_PROFILE_STORE_STORE_H_
#define HUB_PROFILE_STORE_STORE_H_

#include <cstdint>
#include <map>
#include <tuple>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hub/v1/records.pb.h"
#include "hub/v1/resources.pb.h"
#include "hub/v1/sync_service.pb.h"

namespace hub {

// Persons and accounts are resolved separately; each has its own identifiers.
enum class Side { kPerson = 0, kAccount = 1 };

// The key of a source record.
struct RecordKey {
  std::string source;
  hub::v1::EntityType entity = hub::v1::ENTITY_TYPE_UNSPECIFIED;
  std::string external_id;
};

// What the store remembers of the current revision of a source record.
struct RecordInfo {
  uint64_t content_hash = 0;
  int64_t updated_us = 0;
  int64_t profile_id = 0;  // 0 if the record has none (e.g. an opportunity)
  int64_t origin_id = 0;   // see RecordPlacement::origin_id
};

// One stored stage transition (times in Unix microseconds; kNever-free:
// left_us/reached_us are 0 when not (yet)).
struct StoredTransition {
  int64_t at_us = 0;
  int stage = 0;  // hub::Stage
  int64_t left_us = 0;
  int64_t reached_us = 0;
  bool operator==(const StoredTransition& o) const {
    return at_us == o.at_us && stage == o.stage && left_us == o.left_us &&
           reached_us == o.reached_us;
  }
};

// An account's opportunity as its stage state keeps it (times in Unix
// microseconds).
struct StoredOpportunity {
  int64_t created_us = 0;
  int64_t closed_us = 0;  // 0 while open
  bool won = false;
  bool renewal = false;
  bool upsell = false;
  int64_t amount_cents = 0;
  bool operator==(const StoredOpportunity& o) const {
    return created_us == o.created_us && closed_us == o.closed_us && won == o.won &&
           renewal == o.renewal && upsell == o.upsell && amount_cents == o.amount_cents;
  }
};

// Stage-metric counts a person contributes on one UTC day: `n` for each
// MetricField whose bit (1 << field) is set, under `aux` (MetricDeltas'
// `days`).
struct CountedItem {
  int64_t day = 0;
  uint64_t fields = 0;
  int64_t aux = 0;
  int64_t n = 1;
  bool operator==(const CountedItem& o) const {
    return day == o.day && fields == o.fields && aux == o.aux && n == o.n;
  }
  bool operator<(const CountedItem& o) const {
    return std::tie(day, fields, aux, n) < std::tie(o.day, o.fields, o.aux, o.n);
  }
};

// The lifecycle state of a profile (profile/lifecycle): what its stage
// history was last computed from, so a batch recomputes only what changed.
struct StageState {
  Side side = Side::kPerson;
  // Persons: PersonFacts::Serialize(). Accounts: the opportunities and
  // member count their history used (StageTracker's encoding).
  std::string facts;
  int64_t account_id = 0;  // persons: the live account the history used
  // The funnel segments the history is counted under ("" and e.g.
  // "industry=Software"), '\n'-separated.
  std::string segments;
  // The stage history, oldest first.
  std::vector<StoredTransition> history;
  // Accounts: the opportunities the history used, sorted.
  std::vector<StoredOpportunity> opportunities;
  // Persons: what they count in the stage metrics (their email sends), by day.
  std::vector<CountedItem> counted;
};

// A piece of stage work an ingest batch left for later
// (StageTracker::Defer): what changed, not what it changes.
struct StageNote {
  int kind = 0;       // StageTracker::NoteKind
  int64_t id = 0;     // the profile or account noted
  int64_t other = 0;  // an absorbed person, or a new record's seq
};

// A change to one funnel counter: the entries into `stage` on a UTC `day`
// under `segment` that reached a higher stage after `reach_days` (whole days,
// rounded up; -1: not yet) and left the stage after `stay_days` (whole days,
// rounded down; -1: not yet). One counter per transition and segment.
struct FunnelCount {
  Side side = Side::kPerson;
  std::string segment;
  int64_t day = 0;
  int stage = 0;
  int64_t reach_days = -1;
  int64_t stay_days = -1;
  int64_t n = 0;
};

// Stage-metric counter changes keyed (segment, UTC day, field, days).
// Opportunities of an account, under its segments: created (kCreated, by
// creation day) and closed (the others, by close day); kWonCycle counts won
// ones by whole days from created to closed (`days`); amounts are in cents.
// Email sends of a person, under its account's segments, by send day:
// every send, and of them the bounced, delivered, opened, clicked and
// unsubscribed ones (a delivered send's flags), and the same for sends to a
// customer (the account in EXPAND at the send time). `days` is 0 except for
// kWonCycle.
enum class MetricField : int {
  kCreated = 0,
  kWon = 1,
  kLost = 2,
  kWonCents = 3,
  kUpsellWonCents = 4,
  kRenewalWon = 5,
  kRenewalLost = 6,
  kWonCycle = 7,
  kSends = 20,
  kBounced = 21,
  kDelivered = 22,
  kOpened = 23,
  kClicked = 24,
  kUnsubscribed = 25,
  kCustomerDelivered = 30,
  kCustomerOpened = 31,
  kCustomerClicked = 32,
  // A person's other records, under its account's segments: page views by
  // day; the days it visited the web while anonymous (ATTRACT), each with
  // `days` = its previous such day (INT64_MIN for the first), so a period
  // counts a visitor once; leads by status, on their updated_at's day; NPS
  // responses, promoters and detractors and CSAT ratings and good ones, by
  // their day.
  kPageViews = 40,
  kAnonymousVisit = 41,
  kMql = 42,
  kSal = 43,
  kSql = 44,
  kNpsResponses = 45,
  kNpsPromoters = 46,
  kNpsDetractors = 47,
  kCsatRatings = 48,
  kCsatGood = 49,
  // An account's, under its segments: each stay in EXPAND on the first
  // midnight at or after its start, with `days` the first midnight at or
  // after its end (kOpenEnd while it lasts): in EXPAND at midnight D when
  // day <= D < days; each CHURNED entry, with `days` its previous one as for
  // kAnonymousVisit; the won amounts (cents) by close day, once per EXPAND
  // stay that began before the close, `days` = ExpandStayKey(start, end).
  kExpandStay = 50,
  kChurnEntry = 51,
  kWonCentsDuringStay = 52,
};

// The `days` of a kExpandStay that has not ended.
inline constexpr int64_t kOpenEnd = (int64_t{1} << 30) - 1;

// Two day numbers (days since 1970, 0..kOpenEnd) in one key, and back.
inline int64_t ExpandStayKey(int64_t start_day, int64_t end_day) {
  return (start_day << 31) | end_day;
}
inline std::pair<int64_t, int64_t> ExpandStayDays(int64_t key) {
  return {key >> 31, key & ((int64_t{1} << 31) - 1)};
}
// By segment, then (day, field, days).
using MetricDeltas =
    std::map<std::string, absl::flat_hash_map<std::tuple<int64_t, int, int64_t>, int64_t>>;

// Opportunity counters summed over days: field and days -> sum.
using MetricSums = std::map<std::pair<int, int64_t>, int64_t>;

// Funnel counter changes keyed (side, segment, day, stage, reach_days,
// stay_days) as in FunnelCount.
using FunnelDeltas =
    absl::flat_hash_map<std::tuple<Side, std::string, int64_t, int, int64_t, int64_t>, int64_t>;

// How a revision of a source record is stored beside the record itself
// (which is kept whole for lineage and trait recomputation).
struct RecordPlacement {
  // The record's deterministic serialization, if the caller has it (saves
  // serializing twice); empty: the store serializes the record.
  std::string payload;
  uint64_t content_hash = 0;
  // True if the key already exists (from FindRecord): replace that revision.
  bool replaces = false;
  int64_t profile_id = 0;  // person or account the record describes; 0: none
  // The profile the record belongs to on its own, before any merge: where an
  // unmerge returns it (its profile_id is always that origin's live
  // profile). 0: profile_id.
  int64_t origin_id = 0;
  // The account a person record links to, or an activity's explicit account
  // link; 0: none. Account links name the account the linking identifier
  // came from and are read through forwarding, so merges and unmerges of
  // accounts never rewrite them.
  int64_t account_id = 0;
};

// A trait value with its lineage (times in Unix microseconds). A stored trait
// with an empty value records that the winning candidate was empty (the
// source cleared it): it keeps its place for survivorship, and profile reads
// omit it.
struct TraitValue {
  std::string value;
  std::string source;
  hub::v1::EntityType entity = hub::v1::ENTITY_TYPE_UNSPECIFIED;
  std::string external_id;
  int64_t observed_us = 0;
  std::string rule;  // the survivorship rule that chose it, e.g. "most_recent"
};

// One trait of a profile or account.
struct NamedTrait {
  std::string name;
  TraitValue value;
};

// Who performs a governed operation, and why. The principal goes to the
// merge ledger; all of it to the audit log.
struct Actor {
  std::string principal;
  std::string role;
  std::string reason;
  std::string request_id;  // the caller's id for the request, if it gave one
  // Set for a mutation applied at most once per (principal, request_id)
  // (hub/idempotency.h): a digest of the method and request. AppendAudit
  // then registers the request, and refuses one already registered by an
  // earlier transaction.
  std::string request_fingerprint{};
};

// One change-log entry: a profile or account changed in a transaction.
struct ChangeEntry {
  int64_t seq = 0;  // 1, 2, 3, ... in commit order, without gaps
  Side side = Side::kPerson;
  int64_t id = 0;
  std::string change;  // as WriteTransaction::NoteChange
  int64_t at_us = 0;
};

// A request registered by AppendAudit: a mutation applied under the caller's
// request id. `response` is its serialised response, saved after the commit
// (empty until then, and again after an erasure, which clears them all).
struct StoredRequest {
  std::string method;       // the audited action, e.g. "MergeProfiles"
  std::string fingerprint;  // Actor::request_fingerprint
  int64_t audit_seq = 0;    // its (first) audit entry
  int64_t at_us = 0;
  std::optional<std::string> response;
};

// One audit log entry: a governance action, merge or unmerge, policy change
// or unmasked read of personal data. The log is append-only and each entry's
// `hash` chains it to the entry before it (AuditHash), so an entry edited,
// removed or reordered in the database breaks the chain from there on.
struct AuditEntry {
  int64_t seq = 0;    // assigned on append: 1, 2, 3, ...
  int64_t at_us = 0;  // assigned on append: the transaction's time
  Actor actor;
  std::string action;   // the RPC or operation, e.g. "MergeProfiles"
  std::string target;   // the resource acted on, e.g. "profiles/12"
  std::string details;  // what happened, for a reader
  std::string hash;     // assigned on append: lower-case hex SHA-256
};

// What WriteTransaction::EraseProfile removed of one person.
struct ErasedProfile {
  std::vector<int64_t> profiles;  // the live id and every id merged into it
  // Its identifiers (type, normalised value): what the suppression list
  // takes, so that no later record brings the person back.
  std::vector<std::pair<std::string, std::string>> identifiers;
  int64_t records = 0;      // source records, raw payloads with them
  int64_t events = 0;       // of which activities
  int64_t traits = 0;
  int64_t quarantined = 0;  // quarantined revisions of its records or with its identifiers
  int64_t ledger_entries = 0;  // merge ledger entries whose record reference was cleared
  int64_t other = 0;        // refusals, suggestions, match keys, do-not-link pairs
};

// The result of recomputing the audit chain.
struct AuditCheck {
  int64_t entries = 0;          // entries read
  int64_t first_bad_seq = 0;    // 0 if the chain is intact
  std::string problem;          // why first_bad_seq is bad
  std::string head_hash;        // the last entry's stored hash ("" if none)
  // The seq of the last entry a retention purge removed (0: none); the
  // chain was verified from its hash.
  int64_t anchor_seq = 0;
};

// An entry of the append-only merge ledger: a merge (`loser` became an alias
// of `winner`) or an unmerge (rule "unmerge": the merge entry `undoes` was
// undone and `loser` is live again). Entries are never changed or removed;
// an entry is in effect while no unmerge entry undoes it.
struct MergeEntry {
  Side side = Side::kPerson;
  int64_t winner = 0;
  int64_t loser = 0;
  std::string rule;  // "deterministic:email", "manual", "unmerge", ...
  RecordKey record;  // the record whose identifiers linked the two, if any
  // A probabilistic match's score; nullopt for deterministic and manual
  // links and for unmerges.
  std::optional<double> score;
  std::string who;     // the steward's principal; empty for ingest
  int64_t undoes = 0;  // unmerge entries: the seq of the entry undone
  // Output only.
  int64_t seq = 0;        // position in the ledger (1, 2, ...)
  int64_t at_us = 0;      // when
  int64_t undone_by = 0;  // seq of the unmerge entry that undid it; 0: none
  // False for merges made before schema v3, which recorded no origins and
  // cannot be undone.
  bool reversible = true;
};

// How to split a profile when a merge entry is undone (see
// profile/identity/merge_ledger.h for the decision).
struct SplitPlan {
  Side side = Side::kPerson;
  int64_t root = 0;    // the live profile holding both sides now
  int64_t loser = 0;   // the undone entry's loser: live again after the split
  // The loser's side: `loser` and every profile merged into it by entries
  // still in effect. Everything whose origin is one of them moves to `loser`.
  std::vector<int64_t> loser_side;
  MergeEntry unmerge;  // the ledger entry to append (rule "unmerge")
};

// A link refused by the identity policy (profile/identity/resolver.h).
struct RefusalEntry {
  Side side = Side::kPerson;
  std::string type;    // the identifier's type
  std::string value;   // and normalised value
  int64_t holder = 0;  // the profile holding it (0: held by none)
  int64_t target = 0;  // the profile the record joined instead
  std::string reason;  // e.g. "would give 2 salesforce.contact_id (limit 1)"
  RecordKey record;    // the record that carried it
  int64_t seq = 0;     // output only: position in the refusal log
  int64_t at_us = 0;   // output only: when
};

// A merge the probabilistic matcher suggests for a steward's review: its
// score fell between the matcher's lower and upper thresholds.
struct MergeSuggestion {
  enum class State { kPending = 0, kAccepted = 1, kRejected = 2 };
  Side side = Side::kPerson;
  int64_t a = 0;  // the two profiles when suggested, a < b
  int64_t b = 0;
  double score = 0;         // match probability
  std::string explanation;  // per field: level and weight
  State state = State::kPending;
  std::string who;  // who decided; empty while pending
  // Output only.
  int64_t seq = 0;
  int64_t at_us = 0;
  int64_t decided_us = 0;
};

// A record refused by validation, with the reason.
struct QuarantineEntry {
  hub::v1::SourceRecord record;
  uint64_t content_hash = 0;
  std::string reason;
  int64_t seq = 0;    // assigned when stored: its name is "quarantine/{seq}"
  int64_t at_us = 0;  // assigned when stored
};

// A persisted bearer token (only its SHA-256 is kept).
struct TokenRecord {
  std::string sha256_hex;
  std::string principal;
  std::string role;
};

// A page of profile or account ids for List calls.
struct IdPage {
  std::vector<int64_t> ids;
  bool more = false;  // true if ids after the last one exist
};

// A condition on live profiles (or accounts) for Store::QueryProfiles: a
// List filter (hub/filter.h) as the API layer translates it.
struct ProfileCondition {
  enum class Kind {
    kAnd,            // every child
    kOr,             // any child
    kNot,            // not the one child
    kStage,          // current stage (hub::Stage; 0 for none) op `number`
    kAccount,        // persons: current account (live id, 0 for none) op `number`
    kCreateUs,       // create time (Unix microseconds) op `number`
    kUpdateUs,       // last change op `number`
    kTrait,          // trait `trait` op `text` (a missing trait is "" to != only)
    kHasTrait,       // has trait `trait`
    kTraitContains,  // trait `trait` holds the substring `text`
  };
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe };
  Kind kind = Kind::kAnd;
  std::vector<ProfileCondition> children;
  Op op = Op::kEq;
  int64_t number = 0;
  std::string trait;
  std::string text;
};

// One page's worth of a List query: live profiles of `side` matching
// `where`, in an order, after a keyset position.
struct ProfileQuery {
  enum class Order { kId, kUpdate };
  Side side = Side::kPerson;
  const ProfileCondition* where = nullptr;  // nullptr: every live profile
  Order order = Order::kId;
  bool descending = false;
  // Start strictly after this (update_us, id) position in the order (the
  // update_us part is ignored when ordering by id); unset: from the start.
  std::optional<std::pair<int64_t, int64_t>> after;
  int limit = 50;
  // The query stops with DEADLINE_EXCEEDED once this passes.
  absl::Time deadline = absl::InfiniteFuture();
};

// A row QueryProfiles found: the id and its position in the order.
struct ProfileRow {
  int64_t id = 0;
  int64_t update_us = 0;
};

// Counts kept for tests, the demo and operators.
struct StoreCounts {
  int64_t persons = 0;   // live person profiles (not forwarding aliases)
  int64_t accounts = 0;  // live accounts
  int64_t records = 0;   // source records (current revisions)
  int64_t identities = 0;
  int64_t quarantined = 0;
  int64_t merges = 0;
};

// One consent signal of a profile for a purpose (DESIGN.md section 7), from
// a source record or set through the API. The store keeps the latest signal
// per (origin, purpose, source): of two at one time, the more restrictive
// (the higher state), so the outcome does not depend on arrival order.
struct ConsentSignal {
  // The profile the signal belongs to on its own: a record's origin, or
  // the live profile SetConsent named. Merges and unmerges carry it along
  // with its profile's forwarding, so it is never rewritten.
  int64_t origin_id = 0;
  std::string purpose;
  hub::v1::ConsentState state = hub::v1::CONSENT_STATE_UNSPECIFIED;
  std::string source;  // the record's source, or "api"
  int64_t at_us = 0;   // when given (Unix microseconds)
  RecordKey record;    // the record it came from; empty for the API
  Actor actor;         // the API's caller, reason and request id; else empty
  // Output only: the live profile the origin resolves to.
  int64_t profile_id = 0;
};

// A legal hold: a person whose data retention purges keep and erasure
// refuses to remove until the hold is released. It holds the profile it was
// placed on through merges: while that profile is merged away, the survivor.
struct LegalHold {
  int64_t seq = 0;         // assigned when placed: its name is "legalHolds/{seq}"
  int64_t profile_id = 0;  // the person, as placed
  std::string subject;     // how the caller named it: "profiles/12", "email:a@b.example"
  std::string reason;
  std::string who;         // the principal who placed it
  int64_t at_us = 0;       // assigned when placed
};

// The classes of data retention purges (docs/governance.md, "Retention").
enum class RetentionClass { kRawPayloads = 0, kEvents = 1, kQuarantine = 2, kAudit = 3 };

// One bounded step of a retention purge: looks at up to `limit` rows of one
// class after row `after` (in seq order) and removes, or counts, those older
// than their cutoff (times in Unix microseconds; older means strictly
// before). Rows of a held person are kept and counted as held.
struct PurgeStep {
  RetentionClass data_class = RetentionClass::kEvents;
  // Every class but kEvents: the cutoff. kEvents: the cutoff of event types
  // not in `type_cutoff_us`; nullopt keeps them.
  std::optional<int64_t> cutoff_us;
  std::map<std::string, int64_t> type_cutoff_us;  // kEvents: by event_type
  // kRawPayloads: the event and opportunity properties a purged payload
  // keeps (those stage facts are computed from).
  std::vector<std::string> kept_properties;
  int64_t after = 0;  // resume after this row (0: from the start)
  int limit = 10000;  // rows looked at, at most
  bool count_only = false;  // count what would go; change nothing
};

// What a PurgeStep removed (or would remove).
struct PurgeStepResult {
  int64_t purged = 0;  // rows removed (kRawPayloads: payloads reduced)
  int64_t held = 0;    // expired rows kept for a legal hold
  std::map<std::string, int64_t> purged_by_type;  // kEvents
  int64_t next_after = 0;  // where the next step resumes
  bool done = false;       // no rows after next_after are left to look at
  // kEvents, not count_only: the non-deleted events removed that belonged
  // to a person, with the origin of each (for their stage facts).
  std::vector<std::pair<int64_t, hub::v1::SourceRecord>> person_events;
  // kAudit, not count_only: the anchor recorded (the last entry removed).
  int64_t anchor_seq = 0;
};

// One write transaction. All changes made through it become visible to
// readers atomically on Commit(); destroying it without a successful Commit()
// rolls every change back. Only one WriteTransaction exists at a time per
// store (Store::BeginWrite blocks until the previous one ends).
//
// Not thread-safe: use it from the thread that began it. Errors: any method
// returns INTERNAL (or DATA_LOSS for a corrupt database) if the database
// fails; after an error the transaction must be abandoned.
class WriteTransaction {
 public:
  virtual ~WriteTransaction() = default;

  // Returns the current revision's info of a record, or nullopt if the store
  // has never seen the key.
  virtual absl::StatusOr<std::optional<RecordInfo>> FindRecord(
      const RecordKey& key) = 0;
  // Inserts a record, or replaces its current revision (keyed by source,
  // entity and external id) when `placement.replaces` is set. Returns the
  // inserted record's seq (its row; see RecordsBySeq), 0 for a replacement.
  // FAILED_PRECONDITION when inserting a key that exists; NOT_FOUND when
  // replacing one that does not.
  virtual absl::StatusOr<int64_t> PutRecord(const hub::v1::SourceRecord& record,
                                            const RecordPlacement& placement) = 0;
  // The current revisions of the records with these seqs, by seq; seqs with
  // no record are left out.
  virtual absl::StatusOr<std::vector<std::pair<int64_t, hub::v1::SourceRecord>>>
  RecordsBySeq(const std::vector<int64_t>& seqs) = 0;
  // Returns the current revisions of every record that describes `id` (not
  // its activities), ordered by key.
  virtual absl::StatusOr<std::vector<hub::v1::SourceRecord>> RecordsOf(
      int64_t id) = 0;

  // Returns the profile/account holding an identifier (normalised), if any.
  virtual absl::StatusOr<std::optional<int64_t>> FindIdentity(
      Side side, const std::string& type, const std::string& value) = 0;
  // Returns the origin of an identifier: the profile it was attached to
  // before any merge (its holder is that origin's live profile), if any.
  virtual absl::StatusOr<std::optional<int64_t>> IdentityOrigin(
      Side side, const std::string& type, const std::string& value) = 0;
  // Attaches a new identifier to `id`, with origin `origin_id` (0: `id`),
  // whose live profile must be `id`. FAILED_PRECONDITION if it is already
  // attached anywhere.
  virtual absl::Status AddIdentity(Side side, const std::string& type,
                                   const std::string& value, int64_t id,
                                   const std::string& source,
                                   int64_t origin_id) = 0;

  // Returns how many identifiers of each type profile `id` holds.
  virtual absl::StatusOr<absl::flat_hash_map<std::string, int>> IdentityCounts(
      int64_t id) = 0;
  // Appends a refused link to the refusal log.
  virtual absl::Status AddRefusal(const RefusalEntry& refusal) = 0;
  // How many distinct profiles an identifier value has been seen on: its
  // holder plus every profile a record carrying it joined after a refusal.
  virtual absl::StatusOr<int> ProfilesSeenWith(Side side, const std::string& type,
                                               const std::string& value) = 0;
  // Flags a value hot: it no longer links anything (IsHot turns true).
  virtual absl::Status MarkHot(Side side, const std::string& type,
                               const std::string& value, int profiles) = 0;
  // True if the value is flagged hot.
  virtual absl::StatusOr<bool> IsHot(Side side, const std::string& type,
                                     const std::string& value) = 0;

  // Creates a profile (kPerson) or account and returns its id. Ids increase,
  // so a smaller id is an older profile.
  virtual absl::StatusOr<int64_t> CreateProfile(Side side) = 0;
  // Follows forwarding aliases: returns the live id `id` resolves to.
  // NOT_FOUND if `id` is not a profile (kPerson) or account of `side`.
  virtual absl::StatusOr<int64_t> ResolveId(Side side, int64_t id) = 0;
  // Moves everything of `loser` (identities, records, events) to `winner`,
  // turns `loser` and its aliases into forwarding aliases of `winner`, gives
  // a person `winner` the later-observed account link of the two, deletes
  // the loser's traits, and appends `entry` to the merge ledger (`seq`,
  // `at_us`, `undone_by` are ignored). Links to an account are not
  // rewritten: they follow forwarding. The caller writes the winner's merged
  // traits. NOT_FOUND if either is not a live profile of entry.side.
  virtual absl::Status Merge(const MergeEntry& entry) = 0;
  // Returns ledger entry `seq`. NOT_FOUND if there is none.
  virtual absl::StatusOr<MergeEntry> GetMergeEntry(int64_t seq) = 0;
  // Returns the merge entries in effect that built live profile `id`: one per
  // alias forwarding to it (the entry that merged it away), oldest first.
  virtual absl::StatusOr<std::vector<MergeEntry>> ActiveMerges(Side side,
                                                               int64_t id) = 0;
  // Splits `plan.root`: moves every identity and record whose origin is in
  // `plan.loser_side` to `plan.loser`, makes `plan.loser` live again (the
  // rest of its side forwards to it), gives both persons the latest account
  // link observed by their own records, and appends `plan.unmerge` to the
  // ledger. Traits are the caller's (both sides need recomputing).
  // NOT_FOUND if root is not live; FAILED_PRECONDITION if loser does not
  // forward to root.
  virtual absl::Status Split(const SplitPlan& plan) = 0;

  // True if a do-not-link constraint keeps the live profiles that `a` and `b`
  // resolve to apart (a constraint between any of their aliases counts).
  // False when both resolve to the same profile. NOT_FOUND if either is not a
  // profile of `side`.
  virtual absl::StatusOr<bool> IsDoNotLinked(Side side, int64_t a,
                                             int64_t b) = 0;
  // Keeps the live profiles `a` and `b` apart from now on: deterministic
  // resolution no longer merges them (see IsDoNotLinked). `who` is the
  // steward's principal. Adding an existing constraint is a no-op. NOT_FOUND
  // if either is not a live profile of `side`; FAILED_PRECONDITION if a == b.
  virtual absl::Status AddDoNotLink(Side side, int64_t a, int64_t b,
                                    const std::string& who) = 0;

  // --- Probabilistic matching -----------------------------------------------
  // The live account person `id`'s current account link resolves to; 0 if
  // it has none. NOT_FOUND if `id` is not a profile.
  virtual absl::StatusOr<int64_t> CurrentAccount(int64_t id) = 0;
  // Replaces the block keys of profile `id` (an empty list removes them).
  virtual absl::Status SetMatchKeys(int64_t id,
                                    const std::vector<uint64_t>& keys) = 0;
  // The profiles holding any of `keys`, each once, ascending; a key held by
  // more than `max_per_key` profiles is too common to name candidates and is
  // skipped. Ids are as stored: the caller resolves forwarding.
  virtual absl::StatusOr<std::vector<int64_t>> MatchCandidates(
      const std::vector<uint64_t>& keys, int max_per_key) = 0;
  // Adds a pending suggestion unless the pair (either order) was suggested
  // before on that side, whatever became of it; returns whether it was added.
  virtual absl::StatusOr<bool> AddMergeSuggestion(const MergeSuggestion& s) = 0;
  // NOT_FOUND if there is no suggestion `seq`.
  virtual absl::StatusOr<MergeSuggestion> GetMergeSuggestion(int64_t seq) = 0;
  // Records a steward's decision. NOT_FOUND if there is no suggestion `seq`.
  virtual absl::Status DecideMergeSuggestion(int64_t seq,
                                             MergeSuggestion::State state,
                                             const std::string& who) = 0;

  // Returns every trait of `id`, ordered by name.
  virtual absl::StatusOr<std::vector<NamedTrait>> GetTraits(int64_t id) = 0;
  // Inserts or replaces the given traits of `id`.
  virtual absl::Status PutTraits(int64_t id,
                                 const std::vector<NamedTrait>& traits) = 0;
  // Replaces all traits of `id` with `traits`.
  virtual absl::Status ReplaceTraits(int64_t id,
                                     const std::vector<NamedTrait>& traits) = 0;

  // Records that a record of origin `origin_id` (0: `person_id`) linked its
  // person to `account_id` at `observed_us`, and sets the person's current
  // account unless the stored link was observed later. Of two links observed
  // at one time, the larger account id wins, so the outcome does not depend
  // on arrival order.
  virtual absl::Status SetAccount(int64_t person_id, int64_t account_id,
                                  int64_t observed_us, int64_t origin_id) = 0;

  // Stores an invalid record. Returns false if this exact revision (key and
  // content hash) is already quarantined.
  virtual absl::StatusOr<bool> Quarantine(const QuarantineEntry& entry) = 0;
  // Removes quarantined record `seq` and returns it; NOT_FOUND
  // ("quarantine/{seq} not found") if there is none.
  virtual absl::StatusOr<QuarantineEntry> TakeQuarantined(int64_t seq) = 0;
  // Erases person `live` (a live id) and every profile merged into it: their
  // source records (payloads included), identities, traits, quarantined
  // copies (same record key, or holding one of its identifier values),
  // refusals, match keys, suggestions, do-not-link pairs and domain waits;
  // detaches (keeps) the account's opportunities that named it;
  // clears the record references of its merge ledger entries; removes the
  // profile rows (its names then answer NOT_FOUND) and notes "erased" in the
  // change log. Stage state is left to StageTracker::Retire. NOT_FOUND if
  // `live` is not a live person.
  virtual absl::StatusOr<ErasedProfile> EraseProfile(int64_t live) = 0;
  // Adds an identifier to the suppression list (idempotent). Only a keyed
  // hash (HMAC-SHA256 with a secret kept in the store) is stored.
  virtual absl::Status Suppress(const std::string& type, const std::string& value) = 0;
  // True if the identifier is on the suppression list. O(log n); one query
  // per transaction while the list is empty.
  virtual absl::StatusOr<bool> IsSuppressed(const std::string& type,
                                            const std::string& value) = 0;
  // The store's secret `name` (32 random bytes, e.g. "masking_key" for the
  // keyed hashes of masked reads): created on first use, committed with this
  // transaction, the same bytes ever after. Never leaves the store but
  // through this call.
  virtual absl::StatusOr<std::string> SecretKey(const std::string& name) = 0;

  // Appends `entry` to the audit log (its seq, time and hash assigned) in
  // this transaction: the action and its audit entry commit together.
  // When the actor carries a request fingerprint, the request is registered
  // too; ALREADY_EXISTS if an earlier transaction registered the same
  // (principal, request_id), so a retried mutation is never applied twice.
  virtual absl::StatusOr<AuditEntry> AppendAudit(AuditEntry entry) = 0;
  // AppendAudit of `actor` doing `action` to `target`; returns the entry's
  // seq.
  absl::StatusOr<int64_t> Audit(const Actor& actor, std::string action, std::string target,
                                std::string details) {
    AuditEntry entry;
    entry.actor = actor;
    entry.action = std::move(action);
    entry.target = std::move(target);
    entry.details = std::move(details);
    absl::StatusOr<AuditEntry> written = AppendAudit(std::move(entry));
    if (!written.ok()) return written.status();
    return written->seq;
  }
  // Saves the response of a registered request (see StoredRequest); a no-op
  // for a request that was not registered (e.g. a preview).
  virtual absl::Status SaveResponse(const std::string& principal,
                                    const std::string& request_id,
                                    const std::string& response) = 0;
  // The digest of each configuration section last audited as a policy
  // change (hub/policy_audit.h), and its replacement.
  virtual absl::StatusOr<std::map<std::string, std::string>> PolicyDigests() = 0;
  virtual absl::Status SetPolicyDigest(const std::string& section,
                                       const std::string& digest) = 0;

  // Marks `id` changed in this transaction (one change-log entry per profile
  // per transaction, written on Commit; the strongest change wins). `change`,
  // weakest first: "stage_changed", "updated", "unmerged", "deleted",
  // "merged", "created", "erased". All but "stage_changed" also set the
  // profile's update time.
  virtual absl::Status NoteChange(Side side, int64_t id,
                                  const std::string& change) = 0;

  // Saves the cursor of a source (committed with everything else).
  // NOT_FOUND if the source does not exist.
  virtual absl::Status SaveCursor(const std::string& source_name,
                                  const std::string& cursor) = 0;

  // Replaces a sync job's record (committed with everything else), so a
  // job's progress counts exactly the pages committed with it. NOT_FOUND if
  // the job does not exist.
  virtual absl::Status UpdateSyncJob(const std::string& source_id,
                                     int64_t job_id,
                                     const hub::v1::SyncJob& job) = 0;

  // --- Lifecycle stages (profile/lifecycle) ----------------------------------
  // A profile's stage state; nullopt if it has none.
  virtual absl::StatusOr<std::optional<StageState>> GetStageState(int64_t id) = 0;
  virtual absl::Status PutStageState(int64_t id, const StageState& state) = 0;
  // Deletes a profile's stage state and history (merged away).
  virtual absl::Status DeleteStageState(int64_t id) = 0;
  // Changes the funnel counters by `deltas` when (and only if) the
  // transaction commits.
  virtual absl::Status AddFunnelCounts(FunnelDeltas deltas) = 0;
  // The same for the stage-metric counters (MetricDeltas).
  virtual absl::Status AddMetricCounts(MetricDeltas deltas) = 0;
  // The current revisions of a person's own person-side records, events
  // included, opportunities not (for rebuilding its facts).
  virtual absl::StatusOr<std::vector<hub::v1::SourceRecord>> PersonRecordsOf(
      int64_t id) = 0;
  // The current revisions of the OPPORTUNITY records of a live account
  // (through forwarding).
  virtual absl::StatusOr<std::vector<hub::v1::SourceRecord>> OpportunitiesOf(
      int64_t account_id) = 0;
  // The live persons whose current account is the live account `id`.
  virtual absl::StatusOr<std::vector<int64_t>> MembersOf(int64_t account_id) = 0;

  // Stage work left for later (StageTracker::Defer), kept in order.
  virtual absl::Status AddStageNotes(const std::vector<StageNote>& notes) = 0;
  // How many notes are pending.
  virtual absl::StatusOr<int64_t> PendingStageNotes() = 0;
  // Removes and returns every pending note, oldest first.
  virtual absl::StatusOr<std::vector<StageNote>> TakeStageNotes() = 0;

  // --- Persons waiting for an account to hold their work-email domain --------
  // Records that person `origin_id`'s record observed at `observed_us` has a
  // work email at `domain` that no account holds yet (the latest observation
  // per person is kept).
  virtual absl::Status AddDomainWait(const std::string& domain, int64_t origin_id,
                                     int64_t observed_us) = 0;
  // Removes and returns the persons (origin id, observed time) waiting for
  // `domain`.
  virtual absl::StatusOr<std::vector<std::pair<int64_t, int64_t>>> TakeDomainWaits(
      const std::string& domain) = 0;

  // --- Consent (ConsentSignal) ------------------------------------------------
  // Stores `signal` unless a signal of the same origin, purpose and source
  // that is later (or as late and at least as restrictive) is stored.
  // Returns whether it was stored. O(log n).
  virtual absl::StatusOr<bool> PutConsentSignal(const ConsentSignal& signal) = 0;
  // The stored signals of live person `id` and of every profile merged into
  // it, each with profile_id = `id`, ordered by purpose, then newest first.
  virtual absl::StatusOr<std::vector<ConsentSignal>> ConsentSignalsOf(int64_t id) = 0;

  // Makes every change durable and visible. After an error nothing was
  // committed.
  virtual absl::Status Commit() = 0;

  // --- Retention (docs/governance.md, "Retention") ---------------------------
  // Places `hold` (seq and at_us assigned) and returns it. NOT_FOUND if its
  // profile_id is not a person profile.
  virtual absl::StatusOr<LegalHold> PlaceLegalHold(LegalHold hold) = 0;
  // Releases hold `seq` (it stays in the history, no longer in force) and
  // returns it. NOT_FOUND if no hold `seq` is in force.
  virtual absl::StatusOr<LegalHold> ReleaseLegalHold(int64_t seq,
                                                     const std::string& who) = 0;
  // The holds in force on live person `live`: placed on it or on a profile
  // merged into it, oldest first.
  virtual absl::StatusOr<std::vector<LegalHold>> LegalHoldsOn(int64_t live) = 0;
  // One bounded step of a purge (PurgeStep). Removing audit entries also
  // records the anchor from which VerifyAudit starts. INVALID_ARGUMENT for a
  // non-positive limit.
  virtual absl::StatusOr<PurgeStepResult> PurgeExpired(const PurgeStep& step) = 0;
  // What purged events contributed to stage facts (PersonFacts bytes), for
  // every origin resolving to person `live`: itself and the profiles merged
  // into it; (origin, facts) by origin. Given a merged-away id, its own row.
  virtual absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> RetainedFacts(
      int64_t live) = 0;
  // Replaces the retained facts of origin `origin_id`.
  virtual absl::Status PutRetainedFacts(int64_t origin_id, const std::string& facts) = 0;
};

// The store of profiles, accounts, records and operational state. One writer
// at a time (BeginWrite serialises writers); any number of concurrent readers
// see the last committed state and never block the writer. The writes outside
// a WriteTransaction (CreateSource, CreateSyncJob, UpdateSyncJob, AddToken)
// also take the writer: they wait for an open transaction to end, so a thread
// holding one must not call them.
//
// Thread-safe.
class Store {
 public:
  virtual ~Store() = default;

  // Begins the write transaction, waiting for the current one to end.
  virtual absl::StatusOr<std::unique_ptr<WriteTransaction>> BeginWrite() = 0;

  // --- Profiles and accounts -------------------------------------------------
  // Follows forwarding aliases: returns the live id `id` resolves to.
  // NOT_FOUND if `id` is not a profile (kPerson) or account of `side`.
  virtual absl::StatusOr<int64_t> ResolveId(Side side, int64_t id) = 0;
  // Returns a live profile with traits and identifiers; with lineage, also its
  // source records and merged names. NOT_FOUND as ResolveId.
  virtual absl::StatusOr<hub::v1::Profile> GetProfile(int64_t id,
                                                      bool with_lineage) = 0;
  virtual absl::StatusOr<hub::v1::Account> GetAccount(int64_t id,
                                                      bool with_lineage) = 0;
  // Returns the id holding a normalised identifier. NOT_FOUND if none.
  virtual absl::StatusOr<int64_t> FindIdentity(Side side,
                                               const std::string& type,
                                               const std::string& value) = 0;
  // Lists live ids of `side` greater than `after_id`, ascending, at most
  // `limit` of them.
  virtual absl::StatusOr<IdPage> ListIds(Side side, int64_t after_id,
                                         int limit) = 0;
  // Runs a List query: at most `query.limit` rows. Stage, account and
  // update-time conditions and the update-time order use indexes; trait and
  // create-time conditions test each candidate (a primary-key probe).
  // DEADLINE_EXCEEDED once `query.deadline` passes.
  virtual absl::StatusOr<std::vector<ProfileRow>> QueryProfiles(const ProfileQuery& query) = 0;
  // Lists the live persons whose current account is `account_id` (already
  // resolved), ids greater than `after_id`, ascending, at most `limit`.
  virtual absl::StatusOr<IdPage> ListMembers(int64_t account_id,
                                             int64_t after_id, int limit) = 0;

  // Lists the events of profile `id` (already resolved) older than the
  // position (before_us, before_seq) — pass INT64_MAX for the first page —
  // newest first, at most `limit`. An event's account is its own (an
  // explicit link) or else the profile's current account. The second
  // element of each pair is the event's sequence, for the next page's token.
  virtual absl::StatusOr<std::vector<std::pair<hub::v1::Event, int64_t>>>
  ListEvents(int64_t id, int64_t before_us, int64_t before_seq, int limit) = 0;

  // --- Sources, sync jobs, cursors -------------------------------------------
  // ALREADY_EXISTS if the id is taken.
  virtual absl::Status CreateSource(const std::string& id,
                                    const hub::v1::Source& source) = 0;
  // NOT_FOUND if absent.
  virtual absl::StatusOr<hub::v1::Source> GetSource(const std::string& id) = 0;
  virtual absl::StatusOr<std::vector<hub::v1::Source>> ListSources() = 0;
  // Returns the saved cursor of a source ("" if none). NOT_FOUND if the
  // source does not exist.
  virtual absl::StatusOr<std::string> LoadCursor(
      const std::string& source_id) = 0;
  // Creates a job for a source (state from `job`); returns its id.
  virtual absl::StatusOr<int64_t> CreateSyncJob(const std::string& source_id,
                                                const hub::v1::SyncJob& job) = 0;
  // Replaces a job's state and counters. NOT_FOUND if absent.
  virtual absl::Status UpdateSyncJob(const std::string& source_id,
                                     int64_t job_id,
                                     const hub::v1::SyncJob& job) = 0;
  // NOT_FOUND if absent.
  virtual absl::StatusOr<hub::v1::SyncJob> GetSyncJob(
      const std::string& source_id, int64_t job_id) = 0;
  // Newest first.
  virtual absl::StatusOr<std::vector<hub::v1::SyncJob>> ListSyncJobs(
      const std::string& source_id) = 0;

  // --- Tokens, counts --------------------------------------------------------
  // ALREADY_EXISTS if the token's hash is stored already.
  virtual absl::Status AddToken(const TokenRecord& token) = 0;
  virtual absl::StatusOr<std::vector<TokenRecord>> ListTokens() = 0;
  virtual absl::StatusOr<StoreCounts> Counts() = 0;
  // Checks that the store can be written and read now: takes the write lock,
  // waiting at most `timeout` for another process that holds it, and
  // releases it without writing; then reads on a reader connection. OK
  // without the write check while this process's own writer is busy (a
  // store in use is usable). UNAVAILABLE if the lock is not had in time;
  // DATA_LOSS or INTERNAL if a read fails.
  virtual absl::Status Probe(absl::Duration timeout) = 0;
  // Bytes the store occupies on disk now: the database file plus its
  // write-ahead log. INTERNAL if the file cannot be stat'ed.
  virtual absl::StatusOr<int64_t> DiskBytes() = 0;
  // Lists the ledger entries about live profile `id` (already resolved) or
  // its aliases — the merges that built it, merges since undone, and the
  // unmerges — with seq < `before_seq`, newest first, at most `limit`.
  virtual absl::StatusOr<std::vector<MergeEntry>> ListMerges(
      Side side, int64_t id, int64_t before_seq, int limit) = 0;
  // Lists refused identity links with seq > `after_seq`, oldest first, at
  // most `limit`.
  virtual absl::StatusOr<std::vector<RefusalEntry>> ListRefusals(
      int64_t after_seq, int limit) = 0;

  // Lists merge suggestions in `state` (all states if nullopt) with
  // seq > `after_seq`, oldest first, at most `limit`.
  virtual absl::StatusOr<std::vector<MergeSuggestion>> ListMergeSuggestions(
      std::optional<MergeSuggestion::State> state, int64_t after_seq,
      int limit) = 0;

  // --- Lifecycle stages -------------------------------------------------------
  // The stage history of a live profile or account, oldest first (empty if
  // it has none).
  virtual absl::StatusOr<std::vector<StoredTransition>> ListTransitions(
      int64_t id) = 0;
  // The funnel counters of `side` and `segment` for UTC days in
  // [from_day, to_day), summed over the days (FunnelCount::day is 0).
  virtual absl::StatusOr<std::vector<FunnelCount>> SumFunnelCounts(
      Side side, const std::string& segment, int64_t from_day, int64_t to_day) = 0;
  // Every segment some profile is counted under ("" included), sorted.
  virtual absl::StatusOr<std::vector<std::string>> ListSegments() = 0;
  // The stage-metric counters of `segment` for UTC days in [from_day, to_day).
  virtual absl::StatusOr<MetricSums> SumMetrics(const std::string& segment,
                                                           int64_t from_day,
                                                           int64_t to_day) = 0;

  // Quarantined records, with their reasons, with seq > `after_seq`, oldest
  // first.
  virtual absl::StatusOr<std::vector<QuarantineEntry>> ListQuarantine(
      int64_t after_seq, int limit) = 0;

  // Audit log entries with seq > `after_seq`, oldest first, at most `limit`.
  virtual absl::StatusOr<std::vector<AuditEntry>> ListAudit(int64_t after_seq,
                                                            int limit) = 0;
  // Recomputes the audit chain from its first entry, or from the newest
  // anchor a retention purge left (AuditCheck::anchor_seq): O(entries) time,
  // O(1) memory.
  virtual absl::StatusOr<AuditCheck> VerifyAudit() = 0;
  // Change-log entries with seq > `after_seq`, oldest first, at most
  // `limit`: O(log n + limit).
  virtual absl::StatusOr<std::vector<ChangeEntry>> ListChanges(int64_t after_seq,
                                                               int limit) = 0;
  // The request `principal` registered under `request_id`, if any.
  virtual absl::StatusOr<std::optional<StoredRequest>> GetRequest(
      const std::string& principal, const std::string& request_id) = 0;

  // --- Consent ----------------------------------------------------------------
  // The stored consent signals of the live persons `ids` (already resolved)
  // and of the profiles merged into each, in one query, each with its
  // profile_id; ordered by profile, purpose, then newest first.
  virtual absl::StatusOr<std::vector<ConsentSignal>> ConsentSignalsOf(
      const std::vector<int64_t>& ids) = 0;

  // The legal holds in force, oldest first.
  virtual absl::StatusOr<std::vector<LegalHold>> ListLegalHolds() = 0;
};

}  // namespace hub

#endif  // HUB_PROFILE_STORE_STORE_H_
