#include "profile/store/sqlite_lifecycle.h"

#include <algorithm>

#include "profile/base/status_macros.h"
#include "profile/store/sqlite_internal.h"

namespace hub {
namespace sqlite_internal {

using sqlite::Connection;
using sqlite::ScopedReset;
using sqlite::Statement;

namespace {

absl::StatusOr<std::vector<hub::v1::SourceRecord>> ReadRecords(Statement* s) {
  std::vector<hub::v1::SourceRecord> out;
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    HUB_ASSIGN_OR_RETURN(hub::v1::SourceRecord r,
                         Parse<hub::v1::SourceRecord>(s->Text(0), "record"));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::optional<StageState>> GetStageState(Connection* conn, int64_t id) {
  HUB_ASSIGN_OR_RETURN(Statement * s,
                       conn->Prepare("SELECT side, facts, account_id, segments FROM "
                                     "stage_state WHERE profile_id=?"));
  ScopedReset reset(s);
  s->Bind(1, id);
  HUB_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<StageState>();
  StageState state;
  state.side = s->Int(0) == 0 ? Side::kPerson : Side::kAccount;
  state.facts = s->Text(1);
  state.account_id = s->Int(2);
  state.segments = s->Text(3);
  return std::optional<StageState>(std::move(state));
}

absl::Status PutStageState(Connection* conn, int64_t id, const StageState& state) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("INSERT OR REPLACE INTO stage_state(profile_id, side, facts, "
                    "account_id, segments) VALUES(?, ?, ?, ?, ?)"));
  ScopedReset reset(s);
  return s->Bind(1, id)
      .Bind(2, static_cast<int64_t>(state.side))
      .BindBlob(3, state.facts)
      .Bind(4, state.account_id)
      .Bind(5, state.segments)
      .Run();
}

absl::Status DeleteStageState(Connection* conn, int64_t id) {
  for (const char* sql : {"DELETE FROM stage_state WHERE profile_id=?",
                          "DELETE FROM stage_transitions WHERE profile_id=?"}) {
    HUB_ASSIGN_OR_RETURN(Statement * s, conn->Prepare(sql));
    ScopedReset reset(s);
    HUB_RETURN_IF_ERROR(s->Bind(1, id).Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<StoredTransition>> GetTransitions(Connection* conn, int64_t id) {
  HUB_ASSIGN_OR_RETURN(Statement * s,
                       conn->Prepare("SELECT at_us, stage, left_us, reached_us FROM "
                                     "stage_transitions WHERE profile_id=? ORDER BY seq"));
  ScopedReset reset(s);
  s->Bind(1, id);
  std::vector<StoredTransition> out;
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back({s->Int(0), static_cast<int>(s->Int(1)), s->Int(2), s->Int(3)});
  }
  return out;
}

absl::Status PutTransitions(Connection* conn, int64_t id,
                            const std::vector<StoredTransition>& history) {
  {
    HUB_ASSIGN_OR_RETURN(Statement * s,
                         conn->Prepare("DELETE FROM stage_transitions WHERE profile_id=?"));
    ScopedReset reset(s);
    HUB_RETURN_IF_ERROR(s->Bind(1, id).Run());
  }
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("INSERT INTO stage_transitions(profile_id, seq, at_us, stage, "
                    "left_us, reached_us) VALUES(?, ?, ?, ?, ?, ?)"));
  for (size_t i = 0; i < history.size(); ++i) {
    const StoredTransition& t = history[i];
    ScopedReset reset(s);
    HUB_RETURN_IF_ERROR(s->Bind(1, id)
                            .Bind(2, static_cast<int64_t>(i))
                            .Bind(3, t.at_us)
                            .Bind(4, int64_t{t.stage})
                            .Bind(5, t.left_us)
                            .Bind(6, t.reached_us)
                            .Run());
  }
  return absl::OkStatus();
}

absl::Status AddFunnelCounts(Connection* conn, const std::vector<FunnelCount>& counts) {
  HUB_ASSIGN_OR_RETURN(
      Statement * upsert,
      conn->Prepare("INSERT INTO funnel_counts(side, segment, day, stage, reach_days, "
                    "stay_days, n) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(side, "
                    "segment, day, stage, reach_days, stay_days) DO UPDATE SET n=n+?7 "
                    "RETURNING n"));
  HUB_ASSIGN_OR_RETURN(
      Statement * prune,
      conn->Prepare("DELETE FROM funnel_counts WHERE side=?1 AND segment=?2 AND day=?3 "
                    "AND stage=?4 AND reach_days=?5 AND stay_days=?6"));
  for (const FunnelCount& c : counts) {
    if (c.n == 0) continue;
    int64_t now = 0;
    {
      ScopedReset reset(upsert);
      upsert->Bind(1, static_cast<int64_t>(c.side))
          .Bind(2, c.segment)
          .Bind(3, c.day)
          .Bind(4, int64_t{c.stage})
          .Bind(5, c.reach_days)
          .Bind(6, c.stay_days)
          .Bind(7, c.n);
      HUB_ASSIGN_OR_RETURN(bool row, upsert->Step());
      if (row) now = upsert->Int(0);
      HUB_ASSIGN_OR_RETURN(row, upsert->Step());  // finish the statement
    }
    if (now != 0) continue;
    ScopedReset reset(prune);
    HUB_RETURN_IF_ERROR(prune->Bind(1, static_cast<int64_t>(c.side))
                            .Bind(2, c.segment)
                            .Bind(3, c.day)
                            .Bind(4, int64_t{c.stage})
                            .Bind(5, c.reach_days)
                            .Bind(6, c.stay_days)
                            .Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<hub::v1::SourceRecord>> PersonRecordsOf(Connection* conn,
                                                                   int64_t id) {
  HUB_ASSIGN_OR_RETURN(Statement * s,
                       conn->Prepare("SELECT payload FROM records WHERE profile_id=? "
                                     "AND entity<>4 AND deleted=0"));
  ScopedReset reset(s);
  s->Bind(1, id);
  return ReadRecords(s);
}

absl::StatusOr<std::vector<hub::v1::SourceRecord>> OpportunitiesOf(Connection* conn,
                                                                   int64_t account_id) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("SELECT payload FROM records WHERE account_id IN (SELECT id FROM "
                    "profiles WHERE id=?1 OR forward_to=?1) AND entity=4 AND deleted=0 "
                    "ORDER BY seq"));
  ScopedReset reset(s);
  s->Bind(1, account_id);
  return ReadRecords(s);
}

absl::StatusOr<std::vector<int64_t>> MembersOf(Connection* conn, int64_t account_id) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      // "+side": look members up by account, never scan the live persons.
      conn->Prepare("SELECT id FROM profiles WHERE account_id IN (SELECT id FROM "
                    "profiles WHERE id=?1 OR forward_to=?1) AND forward_to IS NULL "
                    "AND +side=0"));
  ScopedReset reset(s);
  s->Bind(1, account_id);
  std::vector<int64_t> out;
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(s->Int(0));
  }
  std::sort(out.begin(), out.end());
  return out;
}

absl::Status AddDomainWait(Connection* conn, const std::string& domain, int64_t origin_id,
                           int64_t observed_us) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("INSERT INTO domain_waits(domain, person, observed_us) VALUES(?1, ?2, ?3) "
                    "ON CONFLICT(domain, person) DO UPDATE SET observed_us=max(observed_us, ?3)"));
  ScopedReset reset(s);
  return s->Bind(1, domain).Bind(2, origin_id).Bind(3, observed_us).Run();
}

absl::StatusOr<std::vector<std::pair<int64_t, int64_t>>> TakeDomainWaits(
    Connection* conn, const std::string& domain) {
  std::vector<std::pair<int64_t, int64_t>> out;
  {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn->Prepare("SELECT person, observed_us FROM domain_waits WHERE domain=?"));
    ScopedReset reset(s);
    s->Bind(1, domain);
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.emplace_back(s->Int(0), s->Int(1));
    }
  }
  if (out.empty()) return out;
  HUB_ASSIGN_OR_RETURN(Statement * s, conn->Prepare("DELETE FROM domain_waits WHERE domain=?"));
  ScopedReset reset(s);
  HUB_RETURN_IF_ERROR(s->Bind(1, domain).Run());
  return out;
}

absl::StatusOr<std::vector<FunnelCount>> SumFunnelCounts(Connection* conn, Side side,
                                                         const std::string& segment,
                                                         int64_t from_day,
                                                         int64_t to_day) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("SELECT stage, reach_days, stay_days, sum(n) FROM funnel_counts "
                    "WHERE side=? AND segment=? AND day>=? AND day<? GROUP BY stage, "
                    "reach_days, stay_days ORDER BY stage, reach_days, stay_days"));
  ScopedReset reset(s);
  s->Bind(1, static_cast<int64_t>(side)).Bind(2, segment).Bind(3, from_day).Bind(4, to_day);
  std::vector<FunnelCount> out;
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    FunnelCount c;
    c.side = side;
    c.segment = segment;
    c.stage = static_cast<int>(s->Int(0));
    c.reach_days = s->Int(1);
    c.stay_days = s->Int(2);
    c.n = s->Int(3);
    if (c.n != 0) out.push_back(std::move(c));
  }
  return out;
}

}  // namespace sqlite_internal
}  // namespace hub
