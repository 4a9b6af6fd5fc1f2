#include "profile/store/sqlite_matching.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace sqlite_internal {

using sqlite::Connection;
using sqlite::ScopedReset;
using sqlite::Statement;

absl::Status SetMatchKeys(Connection* conn, int64_t id,
                          const std::vector<uint64_t>& keys) {
  {
    HUB_ASSIGN_OR_RETURN(Statement * s,
                         conn->Prepare("DELETE FROM match_keys WHERE profile_id=?"));
    ScopedReset reset(s);
    HUB_RETURN_IF_ERROR(s->Bind(1, id).Run());
  }
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("INSERT OR IGNORE INTO match_keys(key, profile_id) VALUES(?, ?)"));
  for (uint64_t key : keys) {
    ScopedReset reset(s);
    HUB_RETURN_IF_ERROR(s->Bind(1, static_cast<int64_t>(key)).Bind(2, id).Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<int64_t>> MatchCandidates(
    Connection* conn, const std::vector<uint64_t>& keys, int max_per_key) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("SELECT profile_id FROM match_keys WHERE key=? LIMIT ?"));
  std::vector<int64_t> out, block;
  for (uint64_t key : keys) {
    ScopedReset reset(s);
    s->Bind(1, static_cast<int64_t>(key)).Bind(2, int64_t{max_per_key} + 1);
    block.clear();
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      block.push_back(s->Int(0));
    }
    if (static_cast<int>(block.size()) > max_per_key) continue;  // too common
    out.insert(out.end(), block.begin(), block.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

absl::StatusOr<bool> AddMergeSuggestion(Connection* conn, const MergeSuggestion& m,
                                        int64_t now_us) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("INSERT OR IGNORE INTO merge_suggestions(side, a, b, score, "
                    "explanation, state, at_us) VALUES(?, ?, ?, ?, ?, 0, ?)"));
  ScopedReset reset(s);
  s->Bind(1, static_cast<int64_t>(m.side))
      .Bind(2, std::min(m.a, m.b))
      .Bind(3, std::max(m.a, m.b))
      .BindDouble(4, m.score)
      .Bind(5, m.explanation)
      .Bind(6, now_us);
  HUB_RETURN_IF_ERROR(s->Run());
  return conn->Changes() > 0;
}

absl::StatusOr<std::vector<MergeSuggestion>> ReadMergeSuggestions(
    Connection* conn, std::optional<MergeSuggestion::State> state,
    int64_t after_seq, int limit, std::optional<int64_t> only_seq) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("SELECT seq, side, a, b, score, explanation, state, who, "
                    "at_us, decided_us FROM merge_suggestions WHERE seq>?1 AND "
                    "(?2 < 0 OR state=?2) AND (?3 < 0 OR seq=?3) ORDER BY seq "
                    "LIMIT ?4"));
  ScopedReset reset(s);
  s->Bind(1, after_seq)
      .Bind(2, state ? static_cast<int64_t>(*state) : int64_t{-1})
      .Bind(3, only_seq.value_or(-1))
      .Bind(4, int64_t{limit});
  std::vector<MergeSuggestion> out;
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    MergeSuggestion m;
    m.seq = s->Int(0);
    m.side = static_cast<Side>(s->Int(1));
    m.a = s->Int(2);
    m.b = s->Int(3);
    m.score = s->Double(4);
    m.explanation = s->Text(5);
    m.state = static_cast<MergeSuggestion::State>(s->Int(6));
    m.who = s->Text(7);
    m.at_us = s->Int(8);
    m.decided_us = s->IsNull(9) ? 0 : s->Int(9);
    out.push_back(std::move(m));
  }
  return out;
}

absl::Status DecideMergeSuggestion(Connection* conn, int64_t seq,
                                   MergeSuggestion::State state,
                                   const std::string& who, int64_t now_us) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("UPDATE merge_suggestions SET state=?, who=?, decided_us=? "
                    "WHERE seq=?"));
  ScopedReset reset(s);
  HUB_RETURN_IF_ERROR(
      s->Bind(1, static_cast<int64_t>(state)).Bind(2, who).Bind(3, now_us).Bind(4, seq).Run());
  if (conn->Changes() == 0) {
    return absl::NotFoundError(absl::StrCat("mergeSuggestions/", seq, " not found"));
  }
  return absl::OkStatus();
}

}  // namespace sqlite_internal
}  // namespace hub
