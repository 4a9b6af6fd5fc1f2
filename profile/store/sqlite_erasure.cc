#include "profile/store/sqlite_erasure.h"

#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "profile/base/status_macros.h"
#include "profile/store/sqlite_audit.h"
#include "profile/store/sqlite_internal.h"

namespace hub {
namespace sqlite_internal {
namespace {

using sqlite::Connection;
using sqlite::ScopedReset;
using sqlite::Statement;

// Runs `sql` with ?1 bound to each id of `ids` in turn; returns the rows it
// changed in all.
absl::StatusOr<int64_t> ForEachId(Connection* conn, const char* sql,
                                  const std::vector<int64_t>& ids) {
  HUB_ASSIGN_OR_RETURN(Statement * s, conn->Prepare(sql));
  int64_t changed = 0;
  for (int64_t id : ids) {
    ScopedReset reset(s);
    s->Bind(1, id);
    HUB_RETURN_IF_ERROR(s->Run());
    changed += conn->Changes();
  }
  return changed;
}

}  // namespace

absl::StatusOr<ErasedProfile> EraseProfile(Connection* conn, int64_t live) {
  ErasedProfile out;
  {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn->Prepare("SELECT 1 FROM profiles WHERE id=? AND side=0 AND forward_to IS NULL"));
    ScopedReset reset(s);
    s->Bind(1, live);
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return absl::NotFoundError(absl::StrCat("profiles/", live, " not found"));
  }
  out.profiles.push_back(live);
  {
    HUB_ASSIGN_OR_RETURN(Statement * s,
                         conn->Prepare("SELECT id FROM profiles WHERE forward_to=? ORDER BY id"));
    ScopedReset reset(s);
    s->Bind(1, live);
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.profiles.push_back(s->Int(0));
    }
  }
  {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn->Prepare("SELECT type, value FROM identities WHERE profile_id=? AND side=0 "
                      "ORDER BY type, value"));
    ScopedReset reset(s);
    s->Bind(1, live);
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.identifiers.emplace_back(s->Text(0), s->Text(1));
    }
  }
  // Opportunities are the account's: they stay, without their link to the
  // person (in the row and in the stored payload).
  {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn->Prepare("SELECT seq, payload FROM records WHERE profile_id=? AND entity=?"));
    HUB_ASSIGN_OR_RETURN(
        Statement * detach,
        conn->Prepare("UPDATE records SET profile_id=NULL, origin_id=NULL, payload=? "
                      "WHERE seq=?"));
    std::vector<std::pair<int64_t, std::string>> detached;
    for (int64_t id : out.profiles) {
      ScopedReset reset(s);
      s->Bind(1, id).Bind(2, int64_t{hub::v1::OPPORTUNITY});
      for (;;) {
        HUB_ASSIGN_OR_RETURN(bool row, s->Step());
        if (!row) break;
        hub::v1::SourceRecord r;
        if (!r.ParseFromString(s->Text(1))) {
          return absl::DataLossError(absl::StrCat("record ", s->Int(0), ": unreadable payload"));
        }
        auto* links = r.mutable_links();
        for (int i = links->size() - 1; i >= 0; --i) {
          if (links->Get(i).relation() == "person") links->DeleteSubrange(i, 1);
        }
        detached.emplace_back(s->Int(0), r.SerializeAsString());
      }
    }
    for (const auto& [seq, payload] : detached) {
      ScopedReset reset(detach);
      detach->BindBlob(1, payload).Bind(2, seq);
      HUB_RETURN_IF_ERROR(detach->Run());
    }
  }
  // The keys of its records, for their quarantined revisions.
  absl::flat_hash_set<std::string> keys;
  {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn->Prepare("SELECT source, entity, external_id, is_event FROM records "
                      "WHERE profile_id=?"));
    for (int64_t id : out.profiles) {
      ScopedReset reset(s);
      s->Bind(1, id);
      for (;;) {
        HUB_ASSIGN_OR_RETURN(bool row, s->Step());
        if (!row) break;
        keys.insert(absl::StrCat(s->Text(0), "\x1f", s->Int(1), "\x1f", s->Text(2)));
        ++out.records;
        out.events += s->Int(3) != 0;
      }
    }
  }
  HUB_RETURN_IF_ERROR(
      ForEachId(conn, "DELETE FROM records WHERE profile_id=?1", out.profiles).status());
  {
    // Quarantined copies: a revision of one of its records, or a record
    // naming one of its identifier values (compared as written, trimmed and
    // lower-cased: what validation refused was never normalised).
    absl::flat_hash_set<std::string> values;
    for (const auto& [type, value] : out.identifiers) values.insert(absl::AsciiStrToLower(value));
    HUB_ASSIGN_OR_RETURN(Statement * s,
                         conn->Prepare("SELECT seq, source, entity, external_id, payload "
                                       "FROM quarantine"));
    std::vector<int64_t> doomed;
    {
      ScopedReset reset(s);
      for (;;) {
        HUB_ASSIGN_OR_RETURN(bool row, s->Step());
        if (!row) break;
        bool match = keys.contains(absl::StrCat(s->Text(1), "\x1f", s->Int(2), "\x1f", s->Text(3)));
        if (!match) {
          hub::v1::SourceRecord r;
          if (r.ParseFromString(s->Text(4))) {
            for (const auto& id : r.identifiers()) {
              std::string v = absl::AsciiStrToLower(absl::StripAsciiWhitespace(id.value()));
              if (values.contains(v)) match = true;
            }
          }
        }
        if (match) doomed.push_back(s->Int(0));
      }
    }
    HUB_ASSIGN_OR_RETURN(out.quarantined,
                         ForEachId(conn, "DELETE FROM quarantine WHERE seq=?1", doomed));
  }
  HUB_ASSIGN_OR_RETURN(out.traits,
                       ForEachId(conn, "DELETE FROM traits WHERE profile_id=?1", out.profiles));
  HUB_ASSIGN_OR_RETURN(
      out.ledger_entries,
      ForEachId(conn,
                "UPDATE merges SET source='', entity=0, external_id='' "
                "WHERE (winner=?1 OR loser=?1) AND side=0 AND external_id!=''",
                out.profiles));
  for (const char* sql :
       {"DELETE FROM do_not_link WHERE (a=?1 OR b=?1) AND side=0",
        "DELETE FROM match_keys WHERE profile_id=?1",
        "DELETE FROM merge_suggestions WHERE (a=?1 OR b=?1) AND side=0",
        "DELETE FROM identity_refusals WHERE side=0 AND (holder=?1 OR target=?1)",
        "DELETE FROM domain_waits WHERE person=?1",
        "DELETE FROM consent_signals WHERE origin_id=?1"}) {
    HUB_ASSIGN_OR_RETURN(int64_t n, ForEachId(conn, sql, out.profiles));
    out.other += n;
  }
  // What its purged events left in its stage facts (retention) goes too.
  HUB_RETURN_IF_ERROR(
      ForEachId(conn, "DELETE FROM retained_facts WHERE origin_id=?1", out.profiles).status());
  {
    // Refusals and hot flags name identifier values, whoever held them.
    HUB_ASSIGN_OR_RETURN(
        Statement * refusals,
        conn->Prepare("DELETE FROM identity_refusals WHERE side=0 AND type=? AND value=?"));
    HUB_ASSIGN_OR_RETURN(
        Statement * hot,
        conn->Prepare("DELETE FROM hot_identities WHERE side=0 AND type=? AND value=?"));
    for (const auto& [type, value] : out.identifiers) {
      for (Statement* s : {refusals, hot}) {
        ScopedReset reset(s);
        s->Bind(1, type).Bind(2, value);
        HUB_RETURN_IF_ERROR(s->Run());
        out.other += conn->Changes();
      }
    }
  }
  HUB_RETURN_IF_ERROR(
      ForEachId(conn, "DELETE FROM identities WHERE profile_id=?1 AND side=0", {live}).status());
  HUB_RETURN_IF_ERROR(
      ForEachId(conn, "DELETE FROM profiles WHERE id=?1", out.profiles).status());
  // Saved responses of retried-safe requests may name the subject (an
  // export, a discarded record); a retry of those now gets ALREADY_EXISTS
  // naming the audit entry instead (hub/idempotency.h).
  HUB_RETURN_IF_ERROR(ClearResponses(conn));
  return out;
}

absl::StatusOr<std::string> SecretKey(Connection* conn, const std::string& name) {
  {
    HUB_ASSIGN_OR_RETURN(Statement * s, conn->Prepare("SELECT value FROM secrets WHERE name=?"));
    ScopedReset reset(s);
    s->Bind(1, name);
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (row) return s->Text(0);
  }
  std::string key(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) !=
      1) {
    return absl::InternalError(absl::StrCat("no randomness for the secret ", name));
  }
  HUB_ASSIGN_OR_RETURN(Statement * s,
                       conn->Prepare("INSERT INTO secrets(name, value) VALUES(?, ?)"));
  ScopedReset reset(s);
  s->Bind(1, name);
  s->BindBlob(2, key);
  HUB_RETURN_IF_ERROR(s->Run());
  return key;
}

absl::StatusOr<std::string> SuppressionKey(Connection* conn) {
  return SecretKey(conn, "suppression_key");
}

std::string SuppressionHash(const std::string& key, const std::string& type,
                            const std::string& value) {
  const std::string message = absl::StrCat(type, "\x1f", value);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length));
}

absl::Status AddSuppressed(Connection* conn, const std::string& hash, int64_t now_us) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("INSERT OR IGNORE INTO suppressed(hash, at_us) VALUES(?, ?)"));
  ScopedReset reset(s);
  s->Bind(1, hash).Bind(2, now_us);
  return s->Run();
}

absl::StatusOr<bool> HasSuppressed(Connection* conn, const std::string& hash) {
  HUB_ASSIGN_OR_RETURN(Statement * s, conn->Prepare("SELECT 1 FROM suppressed WHERE hash=?"));
  ScopedReset reset(s);
  s->Bind(1, hash);
  return s->Step();
}

absl::StatusOr<bool> AnySuppressed(Connection* conn) {
  HUB_ASSIGN_OR_RETURN(Statement * s, conn->Prepare("SELECT 1 FROM suppressed LIMIT 1"));
  ScopedReset reset(s);
  return s->Step();
}

}  // namespace sqlite_internal
}  // namespace hub
