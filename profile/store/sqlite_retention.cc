#include "profile/store/sqlite_retention.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace sqlite_internal {
namespace {

using sqlite::Connection;
using sqlite::ScopedReset;
using sqlite::Statement;

LegalHold ReadHold(Statement* s) {
  LegalHold h;
  h.seq = s->Int(0);
  h.profile_id = s->Int(1);
  h.subject = s->Text(2);
  h.reason = s->Text(3);
  h.who = s->Text(4);
  h.at_us = s->Int(5);
  return h;
}

// The live persons some hold in force names (through forwarding).
absl::StatusOr<absl::flat_hash_set<int64_t>> HeldProfiles(Connection* conn) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("SELECT DISTINCT COALESCE(p.forward_to, p.id) FROM legal_holds h "
                    "JOIN profiles p ON p.id=h.profile_id WHERE h.released_us IS NULL"));
  ScopedReset reset(s);
  absl::flat_hash_set<int64_t> out;
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.insert(s->Int(0));
  }
  return out;
}

std::string KeyOf(const std::string& source, int64_t entity, const std::string& external_id) {
  return absl::StrCat(source, "\x1f", entity, "\x1f", external_id);
}

// What identifies a held person's quarantined copies, as erasure matches
// them: its record keys, and its identifier values trimmed and lower-cased.
struct HeldMarks {
  absl::flat_hash_set<std::string> keys;
  absl::flat_hash_set<std::string> values;
};

absl::StatusOr<HeldMarks> MarksOf(Connection* conn, const absl::flat_hash_set<int64_t>& held) {
  HeldMarks marks;
  HUB_ASSIGN_OR_RETURN(
      Statement * keys,
      conn->Prepare("SELECT source, entity, external_id FROM records WHERE profile_id=?"));
  HUB_ASSIGN_OR_RETURN(Statement * values,
                       conn->Prepare("SELECT value FROM identities WHERE profile_id=? AND side=0"));
  for (int64_t id : held) {
    {
      ScopedReset reset(keys);
      keys->Bind(1, id);
      for (;;) {
        HUB_ASSIGN_OR_RETURN(bool row, keys->Step());
        if (!row) break;
        marks.keys.insert(KeyOf(keys->Text(0), keys->Int(1), keys->Text(2)));
      }
    }
    ScopedReset reset(values);
    values->Bind(1, id);
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, values->Step());
      if (!row) break;
      marks.values.insert(absl::AsciiStrToLower(values->Text(0)));
    }
  }
  return marks;
}

absl::StatusOr<hub::v1::SourceRecord> ParseRecord(const Statement& s, int col, int64_t seq) {
  hub::v1::SourceRecord r;
  if (!r.ParseFromString(s.Text(col))) {
    return absl::DataLossError(absl::StrCat("record ", seq, ": unreadable payload"));
  }
  return r;
}

absl::Status DeleteRow(Connection* conn, const char* sql, int64_t seq) {
  HUB_ASSIGN_OR_RETURN(Statement * s, conn->Prepare(sql));
  ScopedReset reset(s);
  s->Bind(1, seq);
  return s->Run();
}

// Drops the properties the hub does not compute from; true if any went.
bool StripRawPayload(const std::vector<std::string>& kept, hub::v1::SourceRecord* r) {
  auto* props = r->mutable_properties();
  bool changed = false;
  for (auto it = props->begin(); it != props->end();) {
    if (std::find(kept.begin(), kept.end(), it->first) != kept.end()) {
      ++it;
      continue;
    }
    it = props->erase(it);
    changed = true;
  }
  return changed;
}

absl::StatusOr<PurgeStepResult> PurgeRawPayloads(Connection* conn, const PurgeStep& step,
                                                 const absl::flat_hash_set<int64_t>& held) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("SELECT seq, COALESCE(profile_id, 0), payload FROM records "
                    "WHERE seq>? AND payload_purged=0 AND updated_us<? ORDER BY seq LIMIT ?"));
  HUB_ASSIGN_OR_RETURN(
      Statement * update,
      conn->Prepare("UPDATE records SET payload=?, payload_purged=1 WHERE seq=?"));
  ScopedReset reset(s);
  s->Bind(1, step.after).Bind(2, *step.cutoff_us).Bind(3, int64_t{step.limit});
  PurgeStepResult out;
  out.next_after = step.after;
  int rows = 0;
  // Rewritten after the read, which must not see its own updates.
  std::vector<std::pair<int64_t, std::string>> rewritten;
  for (;; ++rows) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    const int64_t seq = s->Int(0);
    out.next_after = seq;
    if (held.contains(s->Int(1))) {
      ++out.held;
      continue;
    }
    ++out.purged;
    if (step.count_only) continue;
    HUB_ASSIGN_OR_RETURN(hub::v1::SourceRecord r, ParseRecord(*s, 2, seq));
    StripRawPayload(step.kept_properties, &r);
    rewritten.emplace_back(seq, r.SerializeAsString());
  }
  for (const auto& [seq, payload] : rewritten) {
    ScopedReset reset_update(update);
    update->BindBlob(1, payload).Bind(2, seq);
    HUB_RETURN_IF_ERROR(update->Run());
  }
  out.done = rows < step.limit;
  return out;
}

absl::StatusOr<PurgeStepResult> PurgeEvents(Connection* conn, const PurgeStep& step,
                                            const absl::flat_hash_set<int64_t>& held) {
  PurgeStepResult out;
  out.next_after = step.after;
  std::optional<int64_t> latest = step.cutoff_us;
  for (const auto& [type, cutoff] : step.type_cutoff_us) {
    latest = std::max(latest.value_or(cutoff), cutoff);
  }
  if (!latest) {
    out.done = true;
    return out;
  }
  // Opportunities are the account's state (its stage and won amounts), not
  // activities: they are kept.
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("SELECT seq, COALESCE(profile_id, 0), COALESCE(origin_id, profile_id, 0), "
                    "occurred_us, payload FROM records WHERE seq>? AND is_event=1 AND "
                    "entity!=? AND occurred_us<? ORDER BY seq LIMIT ?"));
  ScopedReset reset(s);
  s->Bind(1, step.after).Bind(2, int64_t{hub::v1::OPPORTUNITY}).Bind(3, *latest);
  s->Bind(4, int64_t{step.limit});
  std::vector<int64_t> doomed;
  int rows = 0;
  for (;; ++rows) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    const int64_t seq = s->Int(0);
    out.next_after = seq;
    HUB_ASSIGN_OR_RETURN(hub::v1::SourceRecord r, ParseRecord(*s, 4, seq));
    auto typed = step.type_cutoff_us.find(r.event_type());
    std::optional<int64_t> cutoff =
        typed != step.type_cutoff_us.end() ? std::optional<int64_t>(typed->second) : step.cutoff_us;
    if (!cutoff || s->Int(3) >= *cutoff) continue;
    if (held.contains(s->Int(1))) {
      ++out.held;
      continue;
    }
    ++out.purged;
    ++out.purged_by_type[r.event_type()];
    if (step.count_only) continue;
    doomed.push_back(seq);
    if (s->Int(1) != 0 && !r.deleted()) out.person_events.emplace_back(s->Int(2), std::move(r));
  }
  for (int64_t seq : doomed) {
    HUB_RETURN_IF_ERROR(DeleteRow(conn, "DELETE FROM records WHERE seq=?", seq));
  }
  out.done = rows < step.limit;
  return out;
}

absl::StatusOr<PurgeStepResult> PurgeQuarantine(Connection* conn, const PurgeStep& step,
                                                const absl::flat_hash_set<int64_t>& held) {
  HeldMarks marks;
  if (!held.empty()) {
    HUB_ASSIGN_OR_RETURN(marks, MarksOf(conn, held));
  }
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("SELECT seq, source, entity, external_id, payload FROM quarantine "
                    "WHERE seq>? AND at_us<? ORDER BY seq LIMIT ?"));
  ScopedReset reset(s);
  s->Bind(1, step.after).Bind(2, *step.cutoff_us).Bind(3, int64_t{step.limit});
  PurgeStepResult out;
  out.next_after = step.after;
  std::vector<int64_t> doomed;
  int rows = 0;
  for (;; ++rows) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.next_after = s->Int(0);
    bool is_held = marks.keys.contains(KeyOf(s->Text(1), s->Int(2), s->Text(3)));
    if (!is_held && !marks.values.empty()) {
      hub::v1::SourceRecord r;
      if (r.ParseFromString(s->Text(4))) {
        for (const auto& id : r.identifiers()) {
          is_held |= marks.values.contains(
              absl::AsciiStrToLower(absl::StripAsciiWhitespace(id.value())));
        }
      }
    }
    if (is_held) {
      ++out.held;
      continue;
    }
    ++out.purged;
    if (!step.count_only) doomed.push_back(s->Int(0));
  }
  for (int64_t seq : doomed) {
    HUB_RETURN_IF_ERROR(DeleteRow(conn, "DELETE FROM quarantine WHERE seq=?", seq));
  }
  out.done = rows < step.limit;
  return out;
}

// Removes a prefix of the log: entries in seq order up to the first one
// not older than the cutoff. The anchor goes in first: the trigger allows
// deleting only entries up to it.
absl::StatusOr<PurgeStepResult> PurgeAudit(Connection* conn, const PurgeStep& step,
                                           int64_t now_us) {
  HUB_ASSIGN_OR_RETURN(auto anchor, AuditAnchor(conn));
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("SELECT seq, at_us, hash FROM audit_log WHERE seq>? ORDER BY seq LIMIT ?"));
  PurgeStepResult out;
  const int64_t start = std::max(step.after, anchor.first);
  out.next_after = start;
  std::string last_hash;
  {
    ScopedReset reset(s);
    s->Bind(1, start).Bind(2, int64_t{step.limit});
    int rows = 0;
    out.done = true;
    for (;; ++rows) {
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) {
        out.done = rows < step.limit;
        break;
      }
      if (s->Int(1) >= *step.cutoff_us) break;  // the prefix ends here
      out.next_after = s->Int(0);
      last_hash = s->Text(2);
      ++out.purged;
    }
  }
  if (step.count_only || out.purged == 0) return out;
  {
    HUB_ASSIGN_OR_RETURN(
        Statement * insert,
        conn->Prepare("INSERT INTO audit_anchors(seq, hash, at_us) VALUES(?,?,?)"));
    ScopedReset reset(insert);
    insert->Bind(1, out.next_after).Bind(2, last_hash).Bind(3, now_us);
    HUB_RETURN_IF_ERROR(insert->Run());
  }
  HUB_RETURN_IF_ERROR(DeleteRow(conn, "DELETE FROM audit_log WHERE seq<=?", out.next_after));
  out.anchor_seq = out.next_after;
  return out;
}

}  // namespace

absl::StatusOr<LegalHold> PlaceLegalHold(Connection* conn, LegalHold hold, int64_t now_us) {
  {
    HUB_ASSIGN_OR_RETURN(Statement * s,
                         conn->Prepare("SELECT 1 FROM profiles WHERE id=? AND side=0"));
    ScopedReset reset(s);
    s->Bind(1, hold.profile_id);
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return absl::NotFoundError(absl::StrCat("profiles/", hold.profile_id, " not found"));
  }
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("INSERT INTO legal_holds(profile_id, subject, reason, who, at_us) "
                    "VALUES(?,?,?,?,?)"));
  ScopedReset reset(s);
  s->Bind(1, hold.profile_id).Bind(2, hold.subject).Bind(3, hold.reason).Bind(4, hold.who);
  s->Bind(5, now_us);
  HUB_RETURN_IF_ERROR(s->Run());
  hold.seq = conn->LastInsertId();
  hold.at_us = now_us;
  return hold;
}

absl::StatusOr<LegalHold> ReleaseLegalHold(Connection* conn, int64_t seq,
                                           const std::string& who, int64_t now_us) {
  LegalHold hold;
  {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn->Prepare("SELECT seq, profile_id, subject, reason, who, at_us FROM legal_holds "
                      "WHERE seq=? AND released_us IS NULL"));
    ScopedReset reset(s);
    s->Bind(1, seq);
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) {
      return absl::NotFoundError(absl::StrCat("legalHolds/", seq, " not found (or released)"));
    }
    hold = ReadHold(s);
  }
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("UPDATE legal_holds SET released_us=?, released_by=? WHERE seq=?"));
  ScopedReset reset(s);
  s->Bind(1, now_us).Bind(2, who).Bind(3, seq);
  HUB_RETURN_IF_ERROR(s->Run());
  return hold;
}

absl::StatusOr<std::vector<LegalHold>> LegalHolds(Connection* conn, int64_t live) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("SELECT h.seq, h.profile_id, h.subject, h.reason, h.who, h.at_us "
                    "FROM legal_holds h JOIN profiles p ON p.id=h.profile_id "
                    "WHERE h.released_us IS NULL AND (?1=0 OR COALESCE(p.forward_to, p.id)=?1) "
                    "ORDER BY h.seq"));
  ScopedReset reset(s);
  s->Bind(1, live);
  std::vector<LegalHold> out;
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(ReadHold(s));
  }
  return out;
}

absl::StatusOr<PurgeStepResult> PurgeExpired(Connection* conn, const PurgeStep& step,
                                             int64_t now_us) {
  if (step.limit <= 0) return absl::InvalidArgumentError("purge step: limit must be positive");
  if (step.data_class != RetentionClass::kEvents && !step.cutoff_us) {
    return absl::InvalidArgumentError("purge step: cutoff required");
  }
  if (step.data_class == RetentionClass::kAudit) return PurgeAudit(conn, step, now_us);
  HUB_ASSIGN_OR_RETURN(absl::flat_hash_set<int64_t> held, HeldProfiles(conn));
  switch (step.data_class) {
    case RetentionClass::kRawPayloads: return PurgeRawPayloads(conn, step, held);
    case RetentionClass::kEvents: return PurgeEvents(conn, step, held);
    default: return PurgeQuarantine(conn, step, held);
  }
}

absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> RetainedFacts(Connection* conn,
                                                                            int64_t live) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("SELECT origin_id, facts FROM retained_facts WHERE origin_id=?1 OR "
                    "origin_id IN (SELECT id FROM profiles WHERE forward_to=?1) "
                    "ORDER BY origin_id"));
  ScopedReset reset(s);
  s->Bind(1, live);
  std::vector<std::pair<int64_t, std::string>> out;
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.emplace_back(s->Int(0), s->Text(1));
  }
  return out;
}

absl::Status PutRetainedFacts(Connection* conn, int64_t origin_id, const std::string& facts) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("INSERT OR REPLACE INTO retained_facts(origin_id, facts) VALUES(?,?)"));
  ScopedReset reset(s);
  s->Bind(1, origin_id).BindBlob(2, facts);
  return s->Run();
}

absl::StatusOr<std::pair<int64_t, std::string>> AuditAnchor(Connection* conn) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("SELECT seq, hash FROM audit_anchors ORDER BY seq DESC LIMIT 1"));
  ScopedReset reset(s);
  HUB_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::pair<int64_t, std::string>(0, "");
  return std::pair<int64_t, std::string>(s->Int(0), s->Text(1));
}

}  // namespace sqlite_internal
}  // namespace hub
