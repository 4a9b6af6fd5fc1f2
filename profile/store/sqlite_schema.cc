#include "profile/store/sqlite_schema.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace sqlite {
namespace {

// Migration i (1-based) brings the schema from version i-1 to i. Never edit a
// migration that has shipped; append a new one.
const std::vector<const char*>& Migrations() {
  static const auto* kMigrations = new std::vector<const char*>{
      // 1: the foundation schema.
      R"sql(
CREATE TABLE profiles(
  id INTEGER PRIMARY KEY,
  side INTEGER NOT NULL,            -- 0 person, 1 account
  forward_to INTEGER,               -- set when merged away: the survivor
  account_id INTEGER,               -- persons: current account
  account_observed_us INTEGER,
  create_us INTEGER NOT NULL,
  update_us INTEGER NOT NULL);
CREATE INDEX profiles_live ON profiles(side, id) WHERE forward_to IS NULL;
CREATE INDEX profiles_forward ON profiles(forward_to) WHERE forward_to IS NOT NULL;
CREATE INDEX profiles_account ON profiles(account_id) WHERE account_id IS NOT NULL;

CREATE TABLE identities(
  side INTEGER NOT NULL,
  type TEXT NOT NULL,
  value TEXT NOT NULL,
  profile_id INTEGER NOT NULL,
  source TEXT NOT NULL,
  first_seen_us INTEGER NOT NULL,
  PRIMARY KEY(side, type, value)) WITHOUT ROWID;
CREATE INDEX identities_profile ON identities(profile_id);

-- Current revision of every source record: lineage, re-resolution, events.
-- Keyed by (source, entity, external_id), found through key_hash (a 64-bit
-- hash of the key: a small integer index instead of a wide text one); the
-- single writer checks the full key before inserting, so keys stay unique.
CREATE TABLE records(
  seq INTEGER PRIMARY KEY,
  key_hash INTEGER NOT NULL,
  source TEXT NOT NULL,
  entity INTEGER NOT NULL,
  external_id TEXT NOT NULL,
  content_hash INTEGER NOT NULL,
  updated_us INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  is_event INTEGER NOT NULL,
  occurred_us INTEGER,
  profile_id INTEGER,
  account_id INTEGER,
  payload BLOB NOT NULL,
  ingest_us INTEGER NOT NULL);
CREATE INDEX records_key ON records(key_hash);
CREATE INDEX records_profile ON records(profile_id, is_event, occurred_us);
CREATE INDEX records_account ON records(account_id, is_event, occurred_us)
  WHERE account_id IS NOT NULL;

CREATE TABLE traits(
  profile_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  source TEXT NOT NULL,
  entity INTEGER NOT NULL,
  external_id TEXT NOT NULL,
  observed_us INTEGER NOT NULL,
  rule TEXT NOT NULL,
  PRIMARY KEY(profile_id, name)) WITHOUT ROWID;

-- Append-only merge ledger.
CREATE TABLE merges(
  seq INTEGER PRIMARY KEY,
  side INTEGER NOT NULL,
  winner INTEGER NOT NULL,
  loser INTEGER NOT NULL,
  rule TEXT NOT NULL,
  source TEXT NOT NULL,
  entity INTEGER NOT NULL,
  external_id TEXT NOT NULL,
  at_us INTEGER NOT NULL);
CREATE INDEX merges_winner ON merges(winner);

CREATE TABLE quarantine(
  seq INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  entity INTEGER NOT NULL,
  external_id TEXT NOT NULL,
  content_hash INTEGER NOT NULL,
  reason TEXT NOT NULL,
  payload BLOB NOT NULL,
  at_us INTEGER NOT NULL,
  UNIQUE(source, entity, external_id, content_hash));

CREATE TABLE change_log(
  seq INTEGER PRIMARY KEY,
  side INTEGER NOT NULL,
  profile_id INTEGER NOT NULL,
  change TEXT NOT NULL,
  at_us INTEGER NOT NULL);

CREATE TABLE sources(
  id TEXT PRIMARY KEY,
  payload BLOB NOT NULL,
  cursor TEXT NOT NULL DEFAULT '',
  cursor_us INTEGER);

CREATE TABLE sync_jobs(
  source_id TEXT NOT NULL,
  job_id INTEGER NOT NULL,
  payload BLOB NOT NULL,
  PRIMARY KEY(source_id, job_id)) WITHOUT ROWID;

CREATE TABLE tokens(
  sha256 TEXT PRIMARY KEY,
  principal TEXT NOT NULL,
  role TEXT NOT NULL,
  create_us INTEGER NOT NULL);
)sql",
      // 2: the guarded identity graph's refusal log.
      R"sql(
CREATE TABLE identity_refusals(
  seq INTEGER PRIMARY KEY,
  side INTEGER NOT NULL,
  type TEXT NOT NULL,
  value TEXT NOT NULL,
  holder INTEGER,
  target INTEGER,
  reason TEXT NOT NULL,
  source TEXT NOT NULL,
  entity INTEGER NOT NULL,
  external_id TEXT NOT NULL,
  at_us INTEGER NOT NULL);
CREATE INDEX identity_refusals_value ON identity_refusals(side, type, value);

-- Identifier values seen on too many profiles: they no longer link.
CREATE TABLE hot_identities(
  side INTEGER NOT NULL,
  type TEXT NOT NULL,
  value TEXT NOT NULL,
  profiles INTEGER NOT NULL,
  flagged_us INTEGER NOT NULL,
  PRIMARY KEY(side, type, value)) WITHOUT ROWID;
)sql",
      // 3: reversible merges. Identities and records remember their origin
      // (the profile they belonged to before any merge), persons the account
      // link their own records observed; the ledger records scores, the
      // steward and undone entries; do-not-link constraints. Rows older than
      // this migration take their current profile as origin, and the merges
      // that built them are marked irreversible.
      R"sql(
ALTER TABLE identities ADD COLUMN origin_id INTEGER;
UPDATE identities SET origin_id = profile_id;
ALTER TABLE records ADD COLUMN origin_id INTEGER;
UPDATE records SET origin_id = profile_id;
ALTER TABLE profiles ADD COLUMN own_account_id INTEGER;
ALTER TABLE profiles ADD COLUMN own_account_observed_us INTEGER;
UPDATE profiles SET own_account_id = account_id,
                    own_account_observed_us = account_observed_us;

ALTER TABLE merges ADD COLUMN score REAL;     -- NULL: deterministic or manual
ALTER TABLE merges ADD COLUMN who TEXT;       -- NULL: ingest
ALTER TABLE merges ADD COLUMN undoes INTEGER; -- unmerge entries: seq undone
ALTER TABLE merges ADD COLUMN reversible INTEGER NOT NULL DEFAULT 0;
CREATE INDEX merges_loser ON merges(loser);
CREATE INDEX merges_undoes ON merges(undoes) WHERE undoes IS NOT NULL;

-- Pairs of profiles resolution must keep apart, stored in both orientations.
CREATE TABLE do_not_link(
  a INTEGER NOT NULL,
  b INTEGER NOT NULL,
  side INTEGER NOT NULL,
  who TEXT NOT NULL,
  at_us INTEGER NOT NULL,
  PRIMARY KEY(a, b)) WITHOUT ROWID;
)sql",
      // 4: the write-path probabilistic matcher: each person profile's
      // block keys (64-bit hashes), and the merges it suggests for review.
      R"sql(
CREATE TABLE match_keys(
  key INTEGER NOT NULL,
  profile_id INTEGER NOT NULL,
  PRIMARY KEY(key, profile_id)) WITHOUT ROWID;
CREATE INDEX match_keys_profile ON match_keys(profile_id);

CREATE TABLE merge_suggestions(
  seq INTEGER PRIMARY KEY,
  side INTEGER NOT NULL,
  a INTEGER NOT NULL,               -- a < b, ids when suggested
  b INTEGER NOT NULL,
  score REAL NOT NULL,
  explanation TEXT NOT NULL,
  state INTEGER NOT NULL,           -- 0 pending, 1 accepted, 2 rejected
  who TEXT NOT NULL DEFAULT '',     -- who decided
  at_us INTEGER NOT NULL,
  decided_us INTEGER,
  UNIQUE(side, a, b));
CREATE INDEX merge_suggestions_state ON merge_suggestions(state, seq);
)sql",
      // 5: lifecycle stages (docs/lifecycle.md): each profile's stage facts
      // and history (the funnel counters are derived from them in memory:
      // FunnelIndex). Profiles ingested before this version get theirs when
      // next touched.
      R"sql(
CREATE TABLE stage_state(
  profile_id INTEGER PRIMARY KEY,
  side INTEGER NOT NULL,
  facts BLOB NOT NULL,
  account_id INTEGER NOT NULL,      -- persons: live account the history used
  segments TEXT NOT NULL,           -- funnel segments counted under
  history BLOB NOT NULL,            -- transitions (at, stage, left, reached)
  opportunities BLOB NOT NULL,      -- accounts: the opportunities it used
  counted BLOB NOT NULL);           -- persons: stage-metric items (day, fields)

-- An account's opportunities without reading its other events.
CREATE INDEX records_opportunities ON records(account_id) WHERE entity=4;

-- Persons whose work-email domain no account held when their record
-- arrived: linked when an account gains the domain, whatever the order.
CREATE TABLE domain_waits(
  domain TEXT NOT NULL,
  person INTEGER NOT NULL,          -- origin id of the person record
  observed_us INTEGER NOT NULL,     -- the record's updated_at
  PRIMARY KEY(domain, person)) WITHOUT ROWID;
)sql",
      // 6: stage work that ingest batches left for later (StageTracker::
      // Defer): applied together, and always before stages are read.
      R"sql(
CREATE TABLE stage_notes(
  seq INTEGER PRIMARY KEY,
  count INTEGER NOT NULL,           -- notes in the blob
  notes BLOB NOT NULL);             -- one batch's notes: (kind, id, other) as 3 x fixed64
)sql",
      // 7: the audit log (profile/store/audit_chain.h): append-only, each
      // entry's hash chaining it to the one before. The triggers stop
      // accidental edits; the chain catches deliberate ones.
      R"sql(
CREATE TABLE audit_log(
  seq INTEGER PRIMARY KEY,
  at_us INTEGER NOT NULL,
  principal TEXT NOT NULL,
  role TEXT NOT NULL,
  reason TEXT NOT NULL,
  request_id TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  details TEXT NOT NULL,
  hash TEXT NOT NULL);              -- hex SHA-256: AuditHash(previous hash, entry)
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql",
      // 8: erasure. Identifiers of erased subjects, as keyed hashes, which
      // ingest refuses; the key is one of the store's secrets.
      R"sql(
CREATE TABLE suppressed(
  hash TEXT PRIMARY KEY,            -- hex HMAC-SHA256(key, type "\x1f" value)
  at_us INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE secrets(
  name TEXT PRIMARY KEY,
  value BLOB NOT NULL) WITHOUT ROWID;
)sql",
      // 9: mutations applied at most once per caller request id (the
      // request registered with its audit entry, in the action's
      // transaction; the response saved after the commit), and the digest
      // of each policy section of the configuration last audited.
      R"sql(
CREATE TABLE requests(
  principal TEXT NOT NULL,
  request_id TEXT NOT NULL,
  method TEXT NOT NULL,             -- the audited action
  fingerprint TEXT NOT NULL,        -- hex SHA-256 of the method and request
  audit_seq INTEGER NOT NULL,
  at_us INTEGER NOT NULL,
  response BLOB,                    -- serialised response; NULL until saved
  PRIMARY KEY(principal, request_id)) WITHOUT ROWID;
CREATE TABLE policy_digests(
  section TEXT PRIMARY KEY,         -- a HubConfig field, e.g. "identity"
  digest TEXT NOT NULL) WITHOUT ROWID;
)sql",
      // 10: consent (docs/governance.md, "Consent"): the latest signal of each
      // source per purpose for each profile on its own (its records' origin,
      // or the profile SetConsent named). A profile's consent is derived from
      // the signals of itself and of the profiles forwarding to it, so merges
      // and unmerges rewrite nothing. Records stored before this version
      // gave no signals.
      R"sql(
CREATE TABLE consent_signals(
  origin_id INTEGER NOT NULL,
  purpose TEXT NOT NULL,
  source TEXT NOT NULL,             -- the record's source, or 'api'
  state INTEGER NOT NULL,           -- hub.v1.ConsentState
  at_us INTEGER NOT NULL,           -- when given
  entity INTEGER NOT NULL,          -- the record (0, '' for the API)
  external_id TEXT NOT NULL,
  principal TEXT NOT NULL,          -- the API's caller, role, reason, request id
  role TEXT NOT NULL,
  reason TEXT NOT NULL,
  request_id TEXT NOT NULL,
  PRIMARY KEY(origin_id, purpose, source)) WITHOUT ROWID;
)sql",
      // 11: retention (docs/governance.md, "Retention"). Legal holds; the
      // records whose raw payload was purged; what purged events contributed
      // to their person's stage facts, by origin, so that facts rebuilt from
      // records stay the same; and the audit log's anchors: a purge removes a
      // prefix of the log and records the last removed entry's seq and hash,
      // from which the chain is verified. Entries up to the newest anchor may
      // be deleted; any other delete is still refused.
      R"sql(
CREATE TABLE legal_holds(
  seq INTEGER PRIMARY KEY,
  profile_id INTEGER NOT NULL,      -- as placed; applied through forwarding
  subject TEXT NOT NULL,            -- how it was named: "profiles/12", "email:..."
  reason TEXT NOT NULL,
  who TEXT NOT NULL,
  at_us INTEGER NOT NULL,
  released_us INTEGER,              -- NULL while in force
  released_by TEXT);
CREATE INDEX legal_holds_active ON legal_holds(profile_id) WHERE released_us IS NULL;

ALTER TABLE records ADD COLUMN payload_purged INTEGER NOT NULL DEFAULT 0;

CREATE TABLE retained_facts(
  origin_id INTEGER PRIMARY KEY,
  facts BLOB NOT NULL);             -- PersonFacts::Serialize() of purged events

CREATE TABLE audit_anchors(
  seq INTEGER PRIMARY KEY,          -- the last entry removed
  hash TEXT NOT NULL,               -- its hash: the next entry chains to it
  at_us INTEGER NOT NULL);
CREATE TRIGGER audit_anchors_no_update BEFORE UPDATE ON audit_anchors
  BEGIN SELECT RAISE(ABORT, 'audit_anchors is append-only'); END;
CREATE TRIGGER audit_anchors_no_delete BEFORE DELETE ON audit_anchors
  BEGIN SELECT RAISE(ABORT, 'audit_anchors is append-only'); END;
DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  WHEN OLD.seq > (SELECT COALESCE(MAX(seq), 0) FROM audit_anchors)
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql",
      // 12: List filters and orders answered from indexes (docs/api.md):
      // each profile's current stage beside its history (backfilled from
      // the history's last transition: the low byte of its second
      // little-endian word), and live profiles by last change.
      R"sql(
ALTER TABLE stage_state ADD COLUMN stage INTEGER NOT NULL DEFAULT 0;
UPDATE stage_state SET stage = CAST(substr(hex(history), 2 * (length(history) - 24) + 1, 2)
                                    AS INTEGER)
  WHERE length(history) >= 32;
CREATE INDEX stage_state_stage ON stage_state(side, stage, profile_id);
CREATE INDEX profiles_update ON profiles(side, update_us, id) WHERE forward_to IS NULL;
)sql",
  };
  return *kMigrations;
}

absl::StatusOr<int> UserVersion(Connection* conn) {
  HUB_ASSIGN_OR_RETURN(Statement * stmt, conn->Prepare("PRAGMA user_version"));
  ScopedReset reset(stmt);
  HUB_ASSIGN_OR_RETURN(bool row, stmt->Step());
  return row ? static_cast<int>(stmt->Int(0)) : 0;
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(Migrations().size()); }

absl::Status Migrate(Connection* conn) {
  HUB_ASSIGN_OR_RETURN(int version, UserVersion(conn));
  if (version > LatestSchemaVersion()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "database schema version ", version, " is newer than this build's ",
        LatestSchemaVersion(), "; upgrade hubd"));
  }
  for (int v = version; v < LatestSchemaVersion(); ++v) {
    HUB_RETURN_IF_ERROR(conn->Exec("BEGIN IMMEDIATE"));
    absl::Status status = conn->Exec(Migrations()[v]);
    if (status.ok()) {
      status = conn->Exec(absl::StrCat("PRAGMA user_version=", v + 1));
    }
    if (!status.ok()) {
      conn->Exec("ROLLBACK").IgnoreError();
      return status;
    }
    HUB_RETURN_IF_ERROR(conn->Exec("COMMIT"));
  }
  return absl::OkStatus();
}

}  // namespace sqlite
}  // namespace hub
