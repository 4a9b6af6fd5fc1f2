#include "profile/store/sqlite_consent.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace sqlite_internal {

using sqlite::Connection;
using sqlite::ScopedReset;
using sqlite::Statement;

absl::StatusOr<bool> PutConsentSignal(Connection* conn, const ConsentSignal& signal) {
  // One upsert keyed (origin, purpose, source): an older signal, or one as
  // old and no more restrictive, leaves the stored one.
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare(
          "INSERT INTO consent_signals(origin_id, purpose, source, state, at_us, entity, "
          "external_id, principal, role, reason, request_id) "
          "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11) "
          "ON CONFLICT(origin_id, purpose, source) DO UPDATE SET state=excluded.state, "
          "at_us=excluded.at_us, entity=excluded.entity, external_id=excluded.external_id, "
          "principal=excluded.principal, role=excluded.role, reason=excluded.reason, "
          "request_id=excluded.request_id "
          "WHERE excluded.at_us > consent_signals.at_us OR "
          "(excluded.at_us = consent_signals.at_us AND excluded.state > consent_signals.state)"));
  ScopedReset reset(s);
  s->Bind(1, signal.origin_id).Bind(2, signal.purpose).Bind(3, signal.source);
  s->Bind(4, int64_t{signal.state}).Bind(5, signal.at_us);
  s->Bind(6, int64_t{signal.record.entity}).Bind(7, signal.record.external_id);
  s->Bind(8, signal.actor.principal).Bind(9, signal.actor.role);
  s->Bind(10, signal.actor.reason).Bind(11, signal.actor.request_id);
  HUB_RETURN_IF_ERROR(s->Run());
  return conn->Changes() > 0;
}

absl::StatusOr<std::vector<ConsentSignal>> ConsentSignalsOf(Connection* conn,
                                                            const std::vector<int64_t>& ids) {
  // The ids as one JSON array, so that one prepared statement serves any
  // page; each id's origins are itself and its aliases (forwarding is flat:
  // every alias points at the live profile).
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare(
          "WITH ids(live) AS (SELECT value FROM json_each(?1)), "
          "origins(live, origin) AS (SELECT live, live FROM ids UNION ALL "
          "SELECT ids.live, p.id FROM ids JOIN profiles p ON p.forward_to = ids.live) "
          "SELECT o.live, e.origin_id, e.purpose, e.source, e.state, e.at_us, e.entity, "
          "e.external_id, e.principal, e.role, e.reason, e.request_id "
          "FROM origins o JOIN consent_signals e ON e.origin_id = o.origin "
          "ORDER BY o.live, e.purpose, e.at_us DESC, e.source, e.origin_id"));
  ScopedReset reset(s);
  s->Bind(1, absl::StrCat("[", absl::StrJoin(ids, ","), "]"));
  std::vector<ConsentSignal> out;
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    ConsentSignal c;
    c.profile_id = s->Int(0);
    c.origin_id = s->Int(1);
    c.purpose = s->Text(2);
    c.source = s->Text(3);
    c.state = static_cast<hub::v1::ConsentState>(s->Int(4));
    c.at_us = s->Int(5);
    c.record.entity = static_cast<hub::v1::EntityType>(s->Int(6));
    c.record.external_id = s->Text(7);
    if (!c.record.external_id.empty()) c.record.source = c.source;
    c.actor.principal = s->Text(8);
    c.actor.role = s->Text(9);
    c.actor.reason = s->Text(10);
    c.actor.request_id = s->Text(11);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace sqlite_internal
}  // namespace hub
