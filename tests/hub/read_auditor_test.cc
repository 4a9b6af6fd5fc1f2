// ReadAuditor over a real SQLite store: reads coalesce into one entry per
// principal, role and RPC per flush, listing the resources read (capped),
// and what is pending is written at Stop.
#include "hub/read_auditor.h"

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "profile/store/sqlite_store.h"
#include "tests/support/failing_store.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::TempDir;

class ReadAuditorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenSqliteStore(SqliteStoreOptions{dir_.File("hub.db")});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  std::vector<AuditEntry> Log() { return *store_->ListAudit(0, 100); }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ReadAuditorTest, ReadsCoalesceIntoOneEntryPerPrincipalRoleAndMethod) {
  ReadAuditor auditor(store_.get(), ReadAuditOptions{absl::ZeroDuration(), 100});
  const Principal svc{"personalisation", "service"}, ops{"ops", "admin"};
  auditor.Record(svc, "hub.v1.ProfileService/GetProfile", {"profiles/1"});
  auditor.Record(svc, "hub.v1.ProfileService/GetProfile", {"profiles/2"});
  auditor.Record(svc, "hub.v1.ProfileService/GetProfile", {"profiles/1"});
  auditor.Record(svc, "hub.v1.ProfileService/GetProfile", {});  // nothing unmasked
  auditor.Record(ops, "hub.v1.ProfileService/ListProfiles", {"profiles/1", "profiles/3"});
  EXPECT_TRUE(Log().empty());  // nothing written on the read path
  ASSERT_TRUE(auditor.Flush().ok());
  std::vector<AuditEntry> log = Log();
  ASSERT_EQ(log.size(), 2u);
  // Ordered by principal, role, method.
  EXPECT_EQ(log[0].actor.principal, "ops");
  EXPECT_EQ(log[0].actor.role, "admin");
  EXPECT_EQ(log[0].action, "ReadUnmasked");
  EXPECT_EQ(log[0].target, "hub.v1.ProfileService/ListProfiles");
  EXPECT_TRUE(absl::StartsWith(log[0].details, "1 call read 2 resources unmasked since "))
      << log[0].details;
  EXPECT_TRUE(absl::EndsWith(log[0].details, "Z: profiles/1, profiles/3")) << log[0].details;
  EXPECT_EQ(log[1].actor.principal, "personalisation");
  EXPECT_EQ(log[1].actor.role, "service");
  EXPECT_EQ(log[1].target, "hub.v1.ProfileService/GetProfile");
  EXPECT_TRUE(absl::StartsWith(log[1].details, "3 calls read 3 resources unmasked since "))
      << log[1].details;
  EXPECT_TRUE(absl::EndsWith(log[1].details, "Z: profiles/1, profiles/2")) << log[1].details;
  // Flushed reads are not written again.
  ASSERT_TRUE(auditor.Flush().ok());
  EXPECT_EQ(Log().size(), 2u);
  EXPECT_EQ(store_->VerifyAudit()->first_bad_seq, 0);
}

TEST_F(ReadAuditorTest, TheListOfResourcesIsCapped) {
  ReadAuditor auditor(store_.get(), ReadAuditOptions{absl::ZeroDuration(), 2});
  auditor.Record(Principal{"a", "admin"}, "m", {"profiles/1", "profiles/2", "profiles/3"});
  auditor.Record(Principal{"a", "admin"}, "m", {"profiles/4"});
  ASSERT_TRUE(auditor.Flush().ok());
  std::vector<AuditEntry> log = Log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(log[0].details, "2 calls read 4 resources unmasked since "));
  EXPECT_TRUE(absl::EndsWith(log[0].details, "Z: profiles/1, profiles/2, ... (first 2 listed)"))
      << log[0].details;
}

TEST_F(ReadAuditorTest, TheIntervalFlushesAndStopWritesWhatIsPending) {
  {
    ReadAuditor auditor(store_.get(), ReadAuditOptions{absl::Milliseconds(50), 100});
    auditor.Record(Principal{"a", "admin"}, "m", {"profiles/1"});
    absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (Log().empty() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
    ASSERT_EQ(Log().size(), 1u);
    auditor.Stop();
    auditor.Record(Principal{"b", "steward"}, "m", {"profiles/2"});
  }
  {
    ReadAuditor auditor(store_.get(), ReadAuditOptions{absl::Hours(1), 100});
    auditor.Record(Principal{"c", "service"}, "m", {"profiles/3"});
  }  // destroyed: Stop flushes
  std::vector<AuditEntry> log = Log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].actor.principal, "c");
}

TEST_F(ReadAuditorTest, AFailedFlushKeepsTheReadsForTheNext) {
  testing_support::FailingStore failing(store_.get());
  ReadAuditor auditor(&failing, ReadAuditOptions{absl::ZeroDuration(), 100});
  auditor.Record(Principal{"a", "admin"}, "m", {"profiles/1"});
  failing.FailAfter(0);
  EXPECT_EQ(auditor.Flush().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(Log().empty());
  failing.FailAfter(-1);
  auditor.Record(Principal{"a", "admin"}, "m", {"profiles/2"});
  ASSERT_TRUE(auditor.Flush().ok());
  std::vector<AuditEntry> log = Log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_TRUE(absl::EndsWith(log[0].details, "Z: profiles/1, profiles/2")) << log[0].details;
}

}  // namespace
}  // namespace hub
