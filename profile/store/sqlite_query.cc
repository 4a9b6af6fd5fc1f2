#include "profile/store/sqlite_query.h"

#include <string>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace sqlite {
namespace {

using Param = std::variant<int64_t, std::string>;

const char* SqlOp(ProfileCondition::Op op) {
  switch (op) {
    case ProfileCondition::Op::kEq: return "=";
    case ProfileCondition::Op::kNe: return "!=";
    case ProfileCondition::Op::kLt: return "<";
    case ProfileCondition::Op::kLe: return "<=";
    case ProfileCondition::Op::kGt: return ">";
    case ProfileCondition::Op::kGe: return ">=";
  }
  return "=";
}

// Appends `c` as an SQL expression over `p` (a profiles row) to `sql`, its
// parameters to `params` in order.
void Write(const ProfileCondition& c, std::string* sql, std::vector<Param>* params) {
  using Kind = ProfileCondition::Kind;
  using Op = ProfileCondition::Op;
  switch (c.kind) {
    case Kind::kAnd:
    case Kind::kOr: {
      if (c.children.empty()) {
        absl::StrAppend(sql, c.kind == Kind::kAnd ? "1" : "0");
        return;
      }
      absl::StrAppend(sql, "(");
      for (size_t i = 0; i < c.children.size(); ++i) {
        if (i > 0) absl::StrAppend(sql, c.kind == Kind::kAnd ? " AND " : " OR ");
        Write(c.children[i], sql, params);
      }
      absl::StrAppend(sql, ")");
      return;
    }
    case Kind::kNot:
      absl::StrAppend(sql, "NOT ");
      if (c.children.empty()) {
        absl::StrAppend(sql, "1");
      } else {
        Write(c.children[0], sql, params);
      }
      return;
    case Kind::kStage:
      // Equality with a stage: the stage index lists exactly those profiles,
      // in id order. Anything else reads the profile's own row (no row: no
      // stage yet, 0).
      if (c.op == Op::kEq && c.number != 0) {
        absl::StrAppend(sql, "p.id IN (SELECT profile_id FROM stage_state WHERE side=p.side "
                             "AND stage=?)");
      } else {
        absl::StrAppend(sql, "COALESCE((SELECT stage FROM stage_state WHERE profile_id=p.id), 0)",
                        SqlOp(c.op), "?");
      }
      params->push_back(c.number);
      return;
    case Kind::kAccount:
      // A person's account_id may name an account merged away since: it
      // belongs to the survivor, as ListAccountMembers counts it.
      if (c.number == 0) {
        absl::StrAppend(sql, c.op == Op::kEq ? "p.account_id IS NULL" : "p.account_id IS NOT NULL");
        return;
      }
      // "IS NOT NULL" lets the planner use the partial index profiles_account.
      absl::StrAppend(sql,
                      c.op == Op::kEq ? "(p.account_id IS NOT NULL AND p.account_id IN "
                                      : "(COALESCE(p.account_id, 0) NOT IN ",
                      "(SELECT id FROM profiles WHERE id=? OR forward_to=?))");
      params->push_back(c.number);
      params->push_back(c.number);
      return;
    case Kind::kCreateUs:
    case Kind::kUpdateUs:
      absl::StrAppend(sql, c.kind == Kind::kCreateUs ? "p.create_us" : "p.update_us", SqlOp(c.op),
                      "?");
      params->push_back(c.number);
      return;
    case Kind::kTrait:
      if (c.op == Op::kNe) {
        absl::StrAppend(sql, "NOT EXISTS (SELECT 1 FROM traits t WHERE t.profile_id=p.id AND "
                             "t.name=? AND t.value=?)");
      } else {
        absl::StrAppend(sql, "EXISTS (SELECT 1 FROM traits t WHERE t.profile_id=p.id AND "
                             "t.name=? AND t.value",
                        SqlOp(c.op), "?)");
      }
      params->push_back(c.trait);
      params->push_back(c.text);
      return;
    case Kind::kHasTrait:
      absl::StrAppend(sql, "EXISTS (SELECT 1 FROM traits t WHERE t.profile_id=p.id AND t.name=?)");
      params->push_back(c.trait);
      return;
    case Kind::kTraitContains:
      absl::StrAppend(sql, "EXISTS (SELECT 1 FROM traits t WHERE t.profile_id=p.id AND "
                           "t.name=? AND instr(t.value, ?) > 0)");
      params->push_back(c.trait);
      params->push_back(c.text);
      return;
  }
}

// True if every row `c` matches has one account: an equality on an account
// at the top, or in a top-level AND.
bool PinsAccount(const ProfileCondition* c) {
  if (c == nullptr) return false;
  if (c->kind == ProfileCondition::Kind::kAccount) {
    return c->op == ProfileCondition::Op::kEq && c->number != 0;
  }
  if (c->kind != ProfileCondition::Kind::kAnd) return false;
  for (const ProfileCondition& child : c->children) {
    if (PinsAccount(&child)) return true;
  }
  return false;
}

std::string BuildSql(const ProfileQuery& q, std::vector<Param>* params) {
  // An account's members are few: read them from the account index (and
  // sort that page) rather than walk every live profile in id order, which
  // is what the planner prefers when it cannot see how few they are.
  std::string sql = absl::StrCat(
      "SELECT p.id, p.update_us FROM profiles p",
      PinsAccount(q.where) ? " INDEXED BY profiles_account" : "",
      " WHERE p.side=? AND p.forward_to IS NULL");
  params->push_back(int64_t{q.side == Side::kPerson ? 0 : 1});
  const char* cmp = q.descending ? "<" : ">";
  const char* dir = q.descending ? " DESC" : "";
  if (q.after) {
    if (q.order == ProfileQuery::Order::kId) {
      absl::StrAppend(&sql, " AND p.id", cmp, "?");
      params->push_back(q.after->second);
    } else {
      absl::StrAppend(&sql, " AND (p.update_us, p.id)", cmp, "(?, ?)");
      params->push_back(q.after->first);
      params->push_back(q.after->second);
    }
  }
  if (q.where != nullptr) {
    absl::StrAppend(&sql, " AND ");
    Write(*q.where, &sql, params);
  }
  if (q.order == ProfileQuery::Order::kId) {
    absl::StrAppend(&sql, " ORDER BY p.id", dir);
  } else {
    absl::StrAppend(&sql, " ORDER BY p.update_us", dir, ", p.id", dir);
  }
  absl::StrAppend(&sql, " LIMIT ?");
  params->push_back(int64_t{q.limit});
  return sql;
}

// Interrupts the statement running on the connection once the deadline
// passes (SQLite calls it every few thousand virtual-machine steps).
int PastDeadline(void* deadline) {
  return absl::Now() >= *static_cast<const absl::Time*>(deadline) ? 1 : 0;
}

constexpr int kProgressSteps = 10000;

}  // namespace

std::string ProfileQuerySql(const ProfileQuery& query) {
  std::vector<Param> params;
  return BuildSql(query, &params);
}

absl::StatusOr<std::vector<ProfileRow>> QueryProfilesOn(Connection* conn,
                                                        const ProfileQuery& query) {
  std::vector<Param> params;
  const std::string sql = BuildSql(query, &params);
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<Statement> s, conn->PrepareUncached(sql));
  for (size_t i = 0; i < params.size(); ++i) {
    const int at = static_cast<int>(i) + 1;
    if (const int64_t* n = std::get_if<int64_t>(&params[i])) {
      s->Bind(at, *n);
    } else {
      s->Bind(at, std::get<std::string>(params[i]));
    }
  }
  const absl::Time deadline = query.deadline;
  const bool bounded = deadline != absl::InfiniteFuture();
  if (bounded) {
    sqlite3_progress_handler(conn->raw(), kProgressSteps, &PastDeadline,
                             const_cast<absl::Time*>(&deadline));
  }
  std::vector<ProfileRow> rows;
  absl::Status status;
  for (;;) {
    absl::StatusOr<bool> row = s->Step();
    if (!row.ok()) {
      status = row.status();
      break;
    }
    if (!*row) break;
    rows.push_back(ProfileRow{s->Int(0), s->Int(1)});
  }
  if (bounded) sqlite3_progress_handler(conn->raw(), 0, nullptr, nullptr);
  if (!status.ok()) {
    if (bounded && absl::Now() >= deadline) {
      return absl::DeadlineExceededError("the list query ran past the call's deadline");
    }
    return status;
  }
  return rows;
}

}  // namespace sqlite
}  // namespace hub
