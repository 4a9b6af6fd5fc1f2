#include "profile/store/sqlite_audit.h"

#include "absl/strings/str_cat.h"
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

absl::StatusOr<std::optional<StoredRequest>> GetRequest(Connection* conn,
                                                        const std::string& principal,
                                                        const std::string& request_id) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("SELECT method, fingerprint, audit_seq, at_us, response FROM "
                    "requests WHERE principal=? AND request_id=?"));
  ScopedReset reset(s);
  s->Bind(1, principal).Bind(2, request_id);
  HUB_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::nullopt;
  StoredRequest r;
  r.method = s->Text(0);
  r.fingerprint = s->Text(1);
  r.audit_seq = s->Int(2);
  r.at_us = s->Int(3);
  if (!s->IsNull(4)) r.response = s->Text(4);
  return r;
}

absl::Status RefuseRegistered(Connection* conn, const Actor& actor) {
  HUB_ASSIGN_OR_RETURN(std::optional<StoredRequest> earlier,
                       GetRequest(conn, actor.principal, actor.request_id));
  if (!earlier.has_value()) return absl::OkStatus();
  return absl::AlreadyExistsError(absl::StrCat("request_id: \"", actor.request_id,
                                               "\" was already applied (", earlier->method,
                                               ", audit entry ", earlier->audit_seq, ")"));
}

absl::Status RegisterRequest(Connection* conn, const AuditEntry& entry) {
  const Actor& a = entry.actor;
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("INSERT INTO requests(principal, request_id, method, fingerprint, "
                    "audit_seq, at_us) VALUES(?,?,?,?,?,?)"));
  ScopedReset reset(s);
  s->Bind(1, a.principal).Bind(2, a.request_id).Bind(3, entry.action);
  s->Bind(4, a.request_fingerprint).Bind(5, entry.seq).Bind(6, entry.at_us);
  return s->Run();
}

absl::Status SaveResponse(Connection* conn, const std::string& principal,
                          const std::string& request_id, const std::string& response) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("UPDATE requests SET response=? WHERE principal=? AND request_id=?"));
  ScopedReset reset(s);
  s->BindBlob(1, response).Bind(2, principal).Bind(3, request_id);
  return s->Run();
}

absl::Status ClearResponses(Connection* conn) {
  return conn->Exec("UPDATE requests SET response=NULL WHERE response IS NOT NULL");
}

absl::StatusOr<std::map<std::string, std::string>> PolicyDigests(Connection* conn) {
  HUB_ASSIGN_OR_RETURN(Statement * s,
                       conn->Prepare("SELECT section, digest FROM policy_digests"));
  ScopedReset reset(s);
  std::map<std::string, std::string> out;
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out[s->Text(0)] = s->Text(1);
  }
  return out;
}

absl::Status SetPolicyDigest(Connection* conn, const std::string& section,
                             const std::string& digest) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("INSERT INTO policy_digests(section, digest) VALUES(?,?) "
                    "ON CONFLICT(section) DO UPDATE SET digest=excluded.digest"));
  ScopedReset reset(s);
  s->Bind(1, section).Bind(2, digest);
  return s->Run();
}

}  // namespace sqlite_internal
}  // namespace hub
