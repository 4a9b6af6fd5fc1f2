// The audit log: its hash chain (pure), and over a real SQLite file, edits
// made directly in the database found by VerifyAudit.
#include "profile/store/audit_chain.h"

#include <sqlite3.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "profile/store/sqlite_store.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::TempDir;

AuditEntry Entry(int64_t seq, int64_t at_us, Actor actor, std::string action,
                 std::string target, std::string details) {
  AuditEntry e;
  e.seq = seq;
  e.at_us = at_us;
  e.actor = std::move(actor);
  e.action = std::move(action);
  e.target = std::move(target);
  e.details = std::move(details);
  return e;
}

// Two entries and their hashes, computed independently (Python's hashlib
// over the documented encoding).
std::vector<AuditEntry> TwoEntries() {
  AuditEntry first = Entry(1, 1700000000000000, Actor{"ana", "steward", "dup", "r1"},
                           "MergeProfiles", "profiles/1", "merged profiles/2 into profiles/1");
  first.hash = "9fc7e23a3671e0a0ada0a99d3b172e1ff9222c479e2f541af4aef81f75cdf1e1";
  AuditEntry second = Entry(2, 1700000000000001, Actor{"bo", "admin", "", ""}, "AddDoNotLink",
                            "profiles/1", "kept profiles/1 and profiles/3 apart");
  second.hash = "160acd906f86dddc2c7aa158ef5a068255dd4076bd522431b41b8dc67c018556";
  return {first, second};
}

TEST(AuditChainTest, HashesTheDocumentedEncoding) {
  std::vector<AuditEntry> log = TwoEntries();
  EXPECT_EQ(AuditHash("", log[0]), log[0].hash);
  EXPECT_EQ(AuditHash(log[0].hash, log[1]), log[1].hash);
}

TEST(AuditChainTest, AnIntactLogVerifies) {
  AuditChainVerifier verifier;
  for (const AuditEntry& e : TwoEntries()) EXPECT_TRUE(verifier.Add(e));
  EXPECT_EQ(verifier.check().entries, 2);
  EXPECT_EQ(verifier.check().first_bad_seq, 0);
  EXPECT_EQ(verifier.check().head_hash, TwoEntries()[1].hash);
}

TEST(AuditChainTest, FindsAnEditedARemovedAndAReorderedEntry) {
  {
    std::vector<AuditEntry> log = TwoEntries();
    log[0].actor.reason = "typo";  // edited, hash left alone
    AuditChainVerifier verifier;
    EXPECT_FALSE(verifier.Add(log[0]));
    EXPECT_EQ(verifier.check().first_bad_seq, 1);
  }
  {
    // Edited and re-hashed by someone who knows the scheme: the next entry
    // no longer chains.
    std::vector<AuditEntry> log = TwoEntries();
    log[0].actor.reason = "typo";
    log[0].hash = AuditHash("", log[0]);
    AuditChainVerifier verifier;
    EXPECT_TRUE(verifier.Add(log[0]));
    EXPECT_FALSE(verifier.Add(log[1]));
    EXPECT_EQ(verifier.check().first_bad_seq, 2);
    EXPECT_EQ(verifier.check().problem,
              "entry 2's hash does not match its contents and the entry before: it, "
              "or the entry before it, was changed");
  }
  {
    AuditChainVerifier verifier;
    EXPECT_FALSE(verifier.Add(TwoEntries()[1]));  // entry 1 removed
    EXPECT_EQ(verifier.check().first_bad_seq, 2);
    EXPECT_EQ(verifier.check().problem, "entry 2 follows entry 0: entries removed");
  }
}

// Runs `sql` on the database file directly, as someone with the file would.
std::string Exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  char* error = nullptr;
  sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  return message;
}

TEST(SqliteAuditTest, AppendsInTheTransactionAndFindsADirectEdit) {
  TempDir dir;
  const std::string path = dir.File("hub.db");
  {
    auto store = OpenSqliteStore(SqliteStoreOptions{path});
    ASSERT_TRUE(store.ok()) << store.status();
    for (int i = 1; i <= 3; ++i) {
      auto tx = (*store)->BeginWrite();
      ASSERT_TRUE(tx.ok());
      AuditEntry e = Entry(0, 0, Actor{"ana", "steward", "", ""}, "MergeProfiles",
                           "profiles/" + std::to_string(i), "merged");
      absl::StatusOr<AuditEntry> appended = (*tx)->AppendAudit(e);
      ASSERT_TRUE(appended.ok()) << appended.status();
      EXPECT_EQ(appended->seq, i);
      if (i == 3) continue;  // rolled back: never happened
      ASSERT_TRUE((*tx)->Commit().ok());
    }
    absl::StatusOr<std::vector<AuditEntry>> listed = (*store)->ListAudit(0, 10);
    ASSERT_TRUE(listed.ok());
    ASSERT_EQ(listed->size(), 2u);
    EXPECT_EQ((*listed)[1].target, "profiles/2");
    EXPECT_EQ((*listed)[1].hash, AuditHash((*listed)[0].hash, (*listed)[1]));
    absl::StatusOr<AuditCheck> check = (*store)->VerifyAudit();
    ASSERT_TRUE(check.ok());
    EXPECT_EQ(check->entries, 2);
    EXPECT_EQ(check->first_bad_seq, 0);
    EXPECT_EQ(check->head_hash, (*listed)[1].hash);
  }
  // The triggers refuse an edit; dropped, the chain shows it.
  EXPECT_EQ(Exec(path, "UPDATE audit_log SET principal='mallory' WHERE seq=1"),
            "audit_log is append-only");
  EXPECT_EQ(Exec(path, "DELETE FROM audit_log WHERE seq=2"), "audit_log is append-only");
  EXPECT_EQ(Exec(path, "DROP TRIGGER audit_log_no_update; "
                       "UPDATE audit_log SET principal='mallory' WHERE seq=1"),
            "");
  auto store = OpenSqliteStore(SqliteStoreOptions{path});
  ASSERT_TRUE(store.ok());
  absl::StatusOr<AuditCheck> check = (*store)->VerifyAudit();
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->first_bad_seq, 1);
  EXPECT_EQ(check->entries, 1);
}

// A request id registers with the audit entry, in its transaction: a second
// transaction registering it fails and rolls back; one rolled back never
// registered it; the saved response survives until an erasure-style clear.
TEST(SqliteAuditTest, ARequestIdRegistersOnceWithItsTransaction) {
  TempDir dir;
  auto store = OpenSqliteStore(SqliteStoreOptions{dir.File("hub.db")});
  ASSERT_TRUE(store.ok()) << store.status();
  const Actor ana{"ana", "steward", "dup", "r1", "fp-1"};
  auto append = [&](WriteTransaction* tx, const Actor& actor, const std::string& action) {
    return tx->AppendAudit(Entry(0, 0, actor, action, "profiles/1", "x")).status();
  };
  {
    // Rolled back: never registered.
    auto tx = (*store)->BeginWrite();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(append(tx->get(), ana, "MergeProfiles").ok());
  }
  absl::StatusOr<std::optional<StoredRequest>> got = (*store)->GetRequest("ana", "r1");
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
  {
    // Two entries of one request in one transaction: registered once.
    auto tx = (*store)->BeginWrite();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(append(tx->get(), ana, "AcceptMergeSuggestion").ok());
    ASSERT_TRUE(append(tx->get(), ana, "MergeProfiles").ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  {
    auto tx = (*store)->BeginWrite();
    ASSERT_TRUE(tx.ok());
    absl::Status again = append(tx->get(), ana, "AcceptMergeSuggestion");
    EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);
    EXPECT_EQ(again.message(),
              "request_id: \"r1\" was already applied (AcceptMergeSuggestion, audit entry 1)");
    // Another principal's r1, and an entry without a fingerprint (a read,
    // audited), are not the same request.
    ASSERT_TRUE(append(tx->get(), Actor{"bo", "steward", "", "r1", "fp-2"}, "MergeProfiles").ok());
    ASSERT_TRUE(append(tx->get(), Actor{"ana", "steward", "", "r1", ""}, "ExportSubject").ok());
    ASSERT_TRUE((*tx)->SaveResponse("ana", "r1", std::string("\0resp", 5)).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  got = (*store)->GetRequest("ana", "r1");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->method, "AcceptMergeSuggestion");
  EXPECT_EQ((*got)->fingerprint, "fp-1");
  EXPECT_EQ((*got)->audit_seq, 1);
  ASSERT_TRUE((*got)->response.has_value());
  EXPECT_EQ(*(*got)->response, std::string("\0resp", 5));
  got = (*store)->GetRequest("bo", "r1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->audit_seq, 3);
  EXPECT_FALSE((*got)->response.has_value());
  absl::StatusOr<std::vector<AuditEntry>> listed = (*store)->ListAudit(0, 10);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 4u);
}

}  // namespace
}  // namespace hub
