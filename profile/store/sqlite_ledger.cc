#include "profile/store/sqlite_ledger.h"

#include "absl/strings/str_cat.h"
#include "profile/base/status_macros.h"
#include "profile/store/sqlite_internal.h"

namespace hub {
namespace sqlite_internal {
namespace {

using sqlite::Connection;
using sqlite::ScopedReset;
using sqlite::Statement;

// The columns ReadEntries reads, from `merges m`.
#define HUB_MERGE_COLUMNS                                                    \
  "SELECT m.seq, m.side, m.winner, m.loser, m.rule, m.source, m.entity, "    \
  "m.external_id, m.at_us, m.score, m.who, m.undoes, m.reversible, "         \
  "(SELECT u.seq FROM merges u WHERE u.undoes=m.seq) FROM merges m "

absl::StatusOr<std::vector<MergeEntry>> ReadEntries(Statement* s) {
  std::vector<MergeEntry> out;
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    MergeEntry e;
    e.seq = s->Int(0);
    e.side = static_cast<Side>(s->Int(1));
    e.winner = s->Int(2);
    e.loser = s->Int(3);
    e.rule = s->Text(4);
    e.record = RecordKey{s->Text(5), static_cast<hub::v1::EntityType>(s->Int(6)),
                         s->Text(7)};
    e.at_us = s->Int(8);
    if (!s->IsNull(9)) e.score = s->Double(9);
    e.who = s->Text(10);
    e.undoes = s->IsNull(11) ? 0 : s->Int(11);
    e.reversible = s->Int(12) != 0;
    e.undone_by = s->IsNull(13) ? 0 : s->Int(13);
    out.push_back(std::move(e));
  }
  return out;
}

// Runs `sql` binding ?1..?n to `values`.
absl::Status Run(Connection* conn, const char* sql,
                 std::initializer_list<int64_t> values) {
  HUB_ASSIGN_OR_RETURN(Statement * s, conn->Prepare(sql));
  ScopedReset reset(s);
  int i = 0;
  for (int64_t v : values) s->Bind(++i, v);
  return s->Run();
}

}  // namespace

absl::StatusOr<int64_t> LiveId(Connection* conn, Side side, int64_t id) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("SELECT side, forward_to FROM profiles WHERE id=?"));
  ScopedReset reset(s);
  s->Bind(1, id);
  HUB_ASSIGN_OR_RETURN(bool row, s->Step());
  const char* what = side == Side::kPerson ? "profiles/" : "accounts/";
  if (!row || s->Int(0) != SideInt(side)) {
    return absl::NotFoundError(absl::StrCat(what, id, " not found"));
  }
  return s->IsNull(1) ? id : s->Int(1);
}

absl::StatusOr<int64_t> AppendMergeEntry(Connection* conn, const MergeEntry& e,
                                         int64_t now_us) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("INSERT INTO merges(side, winner, loser, rule, source, "
                    "entity, external_id, at_us, score, who, undoes, "
                    "reversible) VALUES(?,?,?,?,?,?,?,?,?,?,?,1)"));
  ScopedReset reset(s);
  s->Bind(1, int64_t{SideInt(e.side)}).Bind(2, e.winner).Bind(3, e.loser);
  s->Bind(4, e.rule).Bind(5, e.record.source);
  s->Bind(6, int64_t{e.record.entity}).Bind(7, e.record.external_id);
  s->Bind(8, now_us);
  if (e.score) {
    s->BindDouble(9, *e.score);
  } else {
    s->BindNull(9);
  }
  if (e.who.empty()) {
    s->BindNull(10);
  } else {
    s->Bind(10, e.who);
  }
  if (e.undoes == 0) {
    s->BindNull(11);
  } else {
    s->Bind(11, e.undoes);
  }
  HUB_RETURN_IF_ERROR(s->Run());
  return conn->LastInsertId();
}

absl::StatusOr<MergeEntry> GetMergeEntry(Connection* conn, int64_t seq) {
  HUB_ASSIGN_OR_RETURN(Statement * s,
                       conn->Prepare(HUB_MERGE_COLUMNS "WHERE m.seq=?"));
  ScopedReset reset(s);
  s->Bind(1, seq);
  HUB_ASSIGN_OR_RETURN(std::vector<MergeEntry> rows, ReadEntries(s));
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("merge ledger entry ", seq, " not found"));
  }
  return rows[0];
}

absl::StatusOr<std::vector<MergeEntry>> ActiveMerges(Connection* conn,
                                                     Side side, int64_t id) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare(HUB_MERGE_COLUMNS
                    "WHERE m.loser IN (SELECT id FROM profiles WHERE "
                    "forward_to=?1) AND m.side=?2 AND m.undoes IS NULL AND "
                    "NOT EXISTS (SELECT 1 FROM merges u WHERE u.undoes=m.seq) "
                    "ORDER BY m.seq"));
  ScopedReset reset(s);
  s->Bind(1, id).Bind(2, int64_t{SideInt(side)});
  return ReadEntries(s);
}

absl::StatusOr<std::vector<MergeEntry>> ListMerges(Connection* conn, Side side,
                                                   int64_t id,
                                                   int64_t before_seq,
                                                   int limit) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare(HUB_MERGE_COLUMNS
                    "WHERE m.seq IN (SELECT seq FROM merges WHERE winner IN "
                    "(SELECT id FROM profiles WHERE id=?1 OR forward_to=?1) "
                    "UNION SELECT seq FROM merges WHERE loser IN (SELECT id "
                    "FROM profiles WHERE id=?1 OR forward_to=?1)) AND "
                    "m.side=?2 AND m.seq<?3 ORDER BY m.seq DESC LIMIT ?4"));
  ScopedReset reset(s);
  s->Bind(1, id).Bind(2, int64_t{SideInt(side)}).Bind(3, before_seq);
  s->Bind(4, int64_t{limit});
  return ReadEntries(s);
}

absl::Status MoveSide(Connection* conn, const SplitPlan& plan) {
  for (int64_t origin : plan.loser_side) {
    HUB_RETURN_IF_ERROR(Run(conn,
                            "UPDATE identities SET profile_id=?1 WHERE "
                            "profile_id=?2 AND origin_id=?3",
                            {plan.loser, plan.root, origin}));
    HUB_RETURN_IF_ERROR(Run(conn,
                            "UPDATE records SET profile_id=?1 WHERE "
                            "profile_id=?2 AND origin_id=?3",
                            {plan.loser, plan.root, origin}));
    HUB_RETURN_IF_ERROR(Run(conn,
                            "UPDATE profiles SET forward_to=?1 WHERE id=?2 "
                            "AND id!=?1",
                            {plan.loser, origin}));
  }
  return Run(conn, "UPDATE profiles SET forward_to=NULL WHERE id=?1",
             {plan.loser});
}

absl::Status RestoreAccountLink(Connection* conn, int64_t id) {
  HUB_ASSIGN_OR_RETURN(
      Statement * q,
      conn->Prepare("SELECT own_account_id, own_account_observed_us FROM "
                    "profiles WHERE (id=?1 OR forward_to=?1) AND "
                    "own_account_id IS NOT NULL ORDER BY "
                    "own_account_observed_us DESC, own_account_id DESC LIMIT 1"));
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("UPDATE profiles SET account_id=?2, account_observed_us=?3 "
                    "WHERE id=?1"));
  ScopedReset reset_q(q);
  q->Bind(1, id);
  HUB_ASSIGN_OR_RETURN(bool row, q->Step());
  ScopedReset reset(s);
  s->Bind(1, id);
  if (row) {
    s->Bind(2, q->Int(0)).Bind(3, q->Int(1));
  } else {
    s->BindNull(2).BindNull(3);
  }
  return s->Run();
}

absl::StatusOr<bool> IsDoNotLinked(Connection* conn, int64_t a, int64_t b) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("SELECT 1 FROM do_not_link d JOIN profiles p ON p.id=d.b "
                    "WHERE d.a IN (SELECT id FROM profiles WHERE id=?1 OR "
                    "forward_to=?1) AND COALESCE(p.forward_to, p.id)=?2 "
                    "LIMIT 1"));
  ScopedReset reset(s);
  s->Bind(1, a).Bind(2, b);
  return s->Step();
}

absl::Status AddDoNotLink(Connection* conn, Side side, int64_t a, int64_t b,
                          const std::string& who, int64_t now_us) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("INSERT OR IGNORE INTO do_not_link(a, b, side, who, at_us) "
                    "VALUES(?,?,?,?,?)"));
  for (auto [x, y] : {std::make_pair(a, b), std::make_pair(b, a)}) {
    ScopedReset reset(s);
    s->Bind(1, x).Bind(2, y).Bind(3, int64_t{SideInt(side)});
    s->Bind(4, who).Bind(5, now_us);
    HUB_RETURN_IF_ERROR(s->Run());
  }
  return absl::OkStatus();
}

}  // namespace sqlite_internal
}  // namespace hub
