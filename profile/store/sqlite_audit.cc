#include "profile/store/sqlite_audit.h"

#include "profile/base/status_macros.h"
#include "profile/store/audit_chain.h"
#include "profile/store/sqlite_retention.h"

namespace hub {
namespace sqlite_internal {
namespace {

using sqlite::Connection;
using sqlite::ScopedReset;
using sqlite::Statement;

#define HUB_AUDIT_COLUMNS \
  "SELECT seq, at_us, principal, role, reason, request_id, action, target, details, hash FROM audit_log "

AuditEntry ReadEntry(Statement* s) {
  AuditEntry e;
  e.seq = s->Int(0);
  e.at_us = s->Int(1);
  e.actor.principal = s->Text(2);
  e.actor.role = s->Text(3);
  e.actor.reason = s->Text(4);
  e.actor.request_id = s->Text(5);
  e.action = s->Text(6);
  e.target = s->Text(7);
  e.details = s->Text(8);
  e.hash = s->Text(9);
  return e;
}

}  // namespace

absl::StatusOr<AuditEntry> AppendAudit(Connection* conn, AuditEntry entry,
                                       int64_t now_us) {
  std::string previous;
  {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn->Prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"));
    ScopedReset reset(s);
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    entry.seq = row ? s->Int(0) + 1 : 1;
    if (row) previous = s->Text(1);
  }
  if (entry.seq == 1) {
    // An empty log may have been purged whole: it goes on from the anchor.
    HUB_ASSIGN_OR_RETURN(auto anchor, AuditAnchor(conn));
    entry.seq = anchor.first + 1;
    previous = anchor.second;
  }
  entry.at_us = now_us;
  entry.hash = AuditHash(previous, entry);
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("INSERT INTO audit_log(seq, at_us, principal, role, reason, "
                    "request_id, action, target, details, hash) "
                    "VALUES(?,?,?,?,?,?,?,?,?,?)"));
  ScopedReset reset(s);
  s->Bind(1, entry.seq).Bind(2, entry.at_us).Bind(3, entry.actor.principal);
  s->Bind(4, entry.actor.role).Bind(5, entry.actor.reason);
  s->Bind(6, entry.actor.request_id).Bind(7, entry.action).Bind(8, entry.target);
  s->Bind(9, entry.details).Bind(10, entry.hash);
  HUB_RETURN_IF_ERROR(s->Run());
  return entry;
}

absl::StatusOr<std::vector<AuditEntry>> ListAudit(Connection* conn,
                                                  int64_t after_seq, int limit) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare(HUB_AUDIT_COLUMNS "WHERE seq > ? ORDER BY seq LIMIT ?"));
  ScopedReset reset(s);
  s->Bind(1, after_seq).Bind(2, int64_t{limit});
  std::vector<AuditEntry> out;
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(ReadEntry(s));
  }
  return out;
}

absl::StatusOr<AuditCheck> VerifyAudit(Connection* conn) {
  HUB_ASSIGN_OR_RETURN(auto anchor, AuditAnchor(conn));
  HUB_ASSIGN_OR_RETURN(Statement * s, conn->Prepare(HUB_AUDIT_COLUMNS "ORDER BY seq"));
  ScopedReset reset(s);
  AuditChainVerifier verifier(anchor.first, anchor.second);
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row || !verifier.Add(ReadEntry(s))) break;
  }
  return verifier.check();
}

#undef HUB_AUDIT_COLUMNS

}  // namespace sqlite_internal
}  // namespace hub
