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

absl::Status LoadFunnel(Connection* conn, FunnelIndex* index) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("SELECT t.profile_id, s.side, s.segments, t.at_us, t.stage, t.left_us, "
                    "t.reached_us FROM stage_transitions t JOIN stage_state s ON "
                    "s.profile_id=t.profile_id ORDER BY t.profile_id, t.seq"));
  ScopedReset reset(s);
  FunnelDeltas deltas;
  std::vector<StoredTransition> history;
  int64_t profile = 0;
  Side side = Side::kPerson;
  std::string segments;
  auto flush = [&]() {
    AddContributions(side, history, segments, 1, &deltas);
    history.clear();
    if (deltas.size() > 100000) {
      index->Apply(deltas);
      deltas.clear();
    }
  };
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    if (s->Int(0) != profile) {
      flush();
      profile = s->Int(0);
      side = s->Int(1) == 0 ? Side::kPerson : Side::kAccount;
      segments = s->Text(2);
    }
    history.push_back({s->Int(3), static_cast<int>(s->Int(4)), s->Int(5), s->Int(6)});
  }
  flush();
  index->Apply(deltas);
  return absl::OkStatus();
}

}  // namespace sqlite_internal
}  // namespace hub
