// Store::QueryProfiles' SQL: the conditions an index answers are planned on
// that index (EXPLAIN QUERY PLAN on a migrated database), and the stage
// backfill of schema 12 reads a history's last stage.
#include <string>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "profile/store/sqlite_query.h"
#include "profile/store/sqlite_store.h"
#include "profile/store/sqlite_util.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using sqlite::Connection;
using testing_support::TempDir;

// The plan SQLite chooses for `query`, its detail lines joined by '\n'.
std::string PlanOf(Connection* conn, const ProfileQuery& query) {
  std::string sql = "EXPLAIN QUERY PLAN " + sqlite::ProfileQuerySql(query);
  auto s = conn->PrepareUncached(sql);
  EXPECT_TRUE(s.ok()) << s.status();
  std::string plan;
  // Unbound parameters are NULL, which does not change the plan's shape.
  for (;;) {
    absl::StatusOr<bool> row = (*s)->Step();
    EXPECT_TRUE(row.ok()) << row.status();
    if (!row.ok() || !*row) break;
    plan += (*s)->Text(3) + "\n";
  }
  return plan;
}

class ProfileQueryTest : public testing::Test {
 protected:
  void SetUp() override {
    const std::string path = dir_.File("hub.db");
    ASSERT_TRUE(OpenSqliteStore(SqliteStoreOptions{path}).ok());
    auto conn = Connection::Open(path, Connection::Mode::kWriter);
    ASSERT_TRUE(conn.ok()) << conn.status();
    conn_ = *std::move(conn);
  }

  TempDir dir_;
  std::unique_ptr<Connection> conn_;
};

TEST_F(ProfileQueryTest, AStageIsListedFromItsIndexInIdOrder) {
  ProfileCondition stage;
  stage.kind = ProfileCondition::Kind::kStage;
  stage.number = 4;
  ProfileQuery q;
  q.where = &stage;
  const std::string plan = PlanOf(conn_.get(), q);
  EXPECT_NE(plan.find("stage_state_stage"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("SCAN p\n"), std::string::npos) << plan;
}

TEST_F(ProfileQueryTest, AnAccountIsListedFromItsIndex) {
  ProfileCondition account;
  account.kind = ProfileCondition::Kind::kAccount;
  account.number = 12;
  ProfileQuery q;
  q.where = &account;
  const std::string plan = PlanOf(conn_.get(), q);
  EXPECT_NE(plan.find("profiles_account"), std::string::npos) << plan;
}

TEST_F(ProfileQueryTest, UpdateTimeOrderAndBoundsUseTheUpdateIndex) {
  ProfileCondition since;
  since.kind = ProfileCondition::Kind::kUpdateUs;
  since.op = ProfileCondition::Op::kGe;
  since.number = 1000;
  ProfileQuery q;
  q.where = &since;
  q.order = ProfileQuery::Order::kUpdate;
  q.descending = true;
  q.after = std::make_pair(int64_t{5000}, int64_t{7});
  const std::string plan = PlanOf(conn_.get(), q);
  EXPECT_NE(plan.find("profiles_update"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;  // no sort
}

TEST_F(ProfileQueryTest, AQueryStopsAtItsDeadline) {
  // 20,000 live persons without the trait asked for: the query walks them
  // all, probing each one's traits.
  ASSERT_TRUE(conn_->Exec("BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                          "WHERE i < 20000) INSERT INTO profiles(id, side, create_us, update_us) "
                          "SELECT i, 0, i, i FROM n; COMMIT")
                  .ok());
  ProfileCondition trait;
  trait.kind = ProfileCondition::Kind::kTrait;
  trait.trait = "country";
  trait.text = "DE";
  ProfileQuery q;
  q.where = &trait;
  auto rows = sqlite::QueryProfilesOn(conn_.get(), q);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_TRUE(rows->empty());
  q.deadline = absl::Now() - absl::Seconds(1);
  rows = sqlite::QueryProfilesOn(conn_.get(), q);
  EXPECT_TRUE(absl::IsDeadlineExceeded(rows.status())) << rows.status();
  // The connection is usable again afterwards (the handler is removed).
  q.deadline = absl::InfiniteFuture();
  trait.kind = ProfileCondition::Kind::kCreateUs;
  trait.op = ProfileCondition::Op::kLe;
  trait.number = 3;
  rows = sqlite::QueryProfilesOn(conn_.get(), q);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[2].id, 3);
}

TEST_F(ProfileQueryTest, SchemaTwelveBackfillsTheStageFromTheHistory) {
  // Take the file back to schema 11 with one stage state whose history
  // (fixed64 words at, stage, left, reached per transition) ends in stage 4.
  std::string history;
  for (int64_t v : {int64_t{100}, int64_t{2}, int64_t{0}, int64_t{0}, int64_t{200}, int64_t{4},
                    int64_t{0}, int64_t{0}}) {
    for (int i = 0; i < 8; ++i) history.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  ASSERT_TRUE(conn_->Exec("DROP INDEX stage_state_stage; DROP INDEX profiles_update; "
                          "ALTER TABLE stage_state DROP COLUMN stage; PRAGMA user_version=11")
                  .ok());
  auto insert = conn_->PrepareUncached(
      "INSERT INTO stage_state(profile_id, side, facts, account_id, segments, history, "
      "opportunities, counted) VALUES(7, 0, '', 0, '', ?, '', '')");
  ASSERT_TRUE(insert.ok());
  (*insert)->BindBlob(1, history);
  ASSERT_TRUE((*insert)->Run().ok());
  insert->reset();
  conn_.reset();

  ASSERT_TRUE(OpenSqliteStore(SqliteStoreOptions{dir_.File("hub.db")}).ok());  // migrates
  auto conn = Connection::Open(dir_.File("hub.db"), Connection::Mode::kReader);
  ASSERT_TRUE(conn.ok());
  auto s = (*conn)->PrepareUncached("SELECT stage FROM stage_state WHERE profile_id=7");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(*(*s)->Step());
  EXPECT_EQ((*s)->Int(0), 4);
}

}  // namespace
}  // namespace hub
