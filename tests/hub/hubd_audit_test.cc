// The audit log against the real hubd: steward actions over gRPC and hubctl
// are logged with their reason, `hubctl audit list|export|verify` read it,
// and a row edited with the sqlite3 shell in the stopped hub's database is
// found by `hubctl audit verify` after a restart.
#include <signal.h>
#include <sys/wait.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "hub/auth.h"
#include "hub/v1/governance_service.grpc.pb.h"
#include "tests/hub/hub_client.h"
#include "tests/support/hubd_process.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::HubClient;
using testing_support::HubdProcess;
using testing_support::RunShell;
using testing_support::TempDir;

constexpr char kToken[] = "audit-test-token";

TEST(HubdAuditTest, StewardActionsAreLoggedAndATamperedRowIsFound) {
  TempDir dir;
  std::string out;
  ASSERT_EQ(RunShell(absl::StrCat(HUB_SAMPLE_BIN, " --out ", dir.File("world"),
                                  " --accounts 4 --seed 7 2>&1"), &out), 0) << out;
  const std::string config = dir.File("hub.textproto");
  std::ofstream(config) << "db_path: \"" << dir.File("hub.db") << "\"\n"
                        << "tokens { principal: \"steward-ana\" role: \"admin\" sha256: \""
                        << Sha256Hex(kToken) << "\" }\n";
  auto hubd = HubdProcess::Start(HUBD_BIN, {"--config", config}, dir.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  const std::string ctl = absl::StrCat("HUB_TOKEN=", kToken, " ", HUBCTL_BIN, " --server ",
                                       (*hubd)->address());
  {
    HubClient client((*hubd)->address(), kToken);
    ASSERT_TRUE(client.CreateSource("crm", "salesforce", dir.File("world/salesforce")).ok());
    ASSERT_EQ(client.SyncAndWait("crm").state(), hub::v1::SyncJob::SUCCEEDED);
    hub::v1::ListProfilesRequest list;
    list.set_page_size(3);
    hub::v1::ListProfilesResponse three;
    ASSERT_TRUE(client.profiles()->ListProfiles(client.Ctx().get(), list, &three).ok());
    ASSERT_EQ(three.profiles_size(), 3);
    const std::string p1 = three.profiles(0).name(), p2 = three.profiles(1).name(),
                      p3 = three.profiles(2).name();

    hub::v1::MergeProfilesRequest merge;
    merge.set_name(p2);
    merge.set_other_name(p1);
    merge.set_reason("same person, two CRM contacts");
    merge.set_request_id("req-1");
    hub::v1::MergeProfilesResponse merged;
    ASSERT_TRUE(client.profiles()->MergeProfiles(client.Ctx().get(), merge, &merged).ok());
    out.clear();
    ASSERT_EQ(RunShell(absl::StrCat(ctl, " profiles do-not-link ", p1, " ", p3,
                                    " --reason 'two people' --request-id req-2 2>&1"), &out), 0)
        << out;

    auto governance = hub::v1::GovernanceService::NewStub(client.channel());
    hub::v1::ListAuditEntriesResponse log;
    ASSERT_TRUE(governance
                    ->ListAuditEntries(client.Ctx().get(), hub::v1::ListAuditEntriesRequest(),
                                       &log)
                    .ok());
    ASSERT_EQ(log.entries_size(), 2);
    const hub::v1::AuditEntry& first = log.entries(0);
    EXPECT_EQ(first.sequence(), 1);
    EXPECT_EQ(first.principal(), "steward-ana");
    EXPECT_EQ(first.role(), "admin");
    EXPECT_EQ(first.action(), "MergeProfiles");
    EXPECT_EQ(first.target(), p1);
    EXPECT_EQ(first.reason(), "same person, two CRM contacts");
    EXPECT_EQ(first.request_id(), "req-1");
    EXPECT_EQ(first.details(), absl::StrCat("merged ", p2, " into ", p1, " (ledger entry ",
                                            merged.entry().sequence(), ")"));
    const hub::v1::AuditEntry& second = log.entries(1);
    EXPECT_EQ(second.action(), "AddDoNotLink");
    EXPECT_EQ(second.reason(), "two people");
    EXPECT_EQ(second.request_id(), "req-2");
    EXPECT_EQ(second.details(), absl::StrCat("kept ", p1, " and ", p3, " apart"));
    EXPECT_EQ(second.hash().size(), 64u);

    // Without a token: refused.
    hub::v1::VerifyAuditLogResponse verified;
    grpc::Status s = governance->VerifyAuditLog(client.Ctx(false).get(),
                                                hub::v1::VerifyAuditLogRequest(), &verified);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);

    out.clear();
    EXPECT_EQ(RunShell(absl::StrCat(ctl, " audit verify 2>&1"), &out), 0) << out;
    EXPECT_EQ(out, absl::StrCat("intact: 2 entries, head hash ", second.hash(), "\n"));
    out.clear();
    EXPECT_EQ(RunShell(absl::StrCat(ctl, " audit export"), &out), 0) << out;
    std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
    ASSERT_EQ(lines.size(), 2u) << out;
    EXPECT_EQ(lines[1].find("{\"sequence\":\"2\""), 0u) << lines[1];
    out.clear();
    EXPECT_EQ(RunShell(absl::StrCat(ctl, " audit list 2>&1"), &out), 0) << out;
    EXPECT_NE(out.find("MergeProfiles"), std::string::npos) << out;
    EXPECT_NE(out.find("two people"), std::string::npos) << out;
  }
  int status = (*hubd)->Stop(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << (*hubd)->Stderr();

  // Someone with the file: the trigger stops a plain UPDATE; dropped, the
  // edit goes through, and the chain shows it.
  const std::string sql = absl::StrCat("sqlite3 ", dir.File("hub.db"), " ");
  out.clear();
  EXPECT_NE(RunShell(absl::StrCat(sql, "\"UPDATE audit_log SET reason='x' WHERE seq=1\" 2>&1"),
                     &out), 0);
  EXPECT_NE(out.find("audit_log is append-only"), std::string::npos) << out;
  out.clear();
  ASSERT_EQ(RunShell(absl::StrCat(sql, "\"DROP TRIGGER audit_log_no_update; UPDATE audit_log "
                                       "SET reason='routine cleanup' WHERE seq=1\" 2>&1"),
                     &out), 0)
      << out;

  hubd = HubdProcess::Start(HUBD_BIN, {"--config", config}, dir.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  const std::string ctl2 = absl::StrCat("HUB_TOKEN=", kToken, " ", HUBCTL_BIN, " --server ",
                                        (*hubd)->address());
  out.clear();
  EXPECT_EQ(RunShell(absl::StrCat(ctl2, " audit verify 2>/dev/null"), &out), 1);
  EXPECT_EQ(out,
            "BROKEN at entry 1: entry 1's hash does not match its contents and the entry "
            "before: it, or the entry before it, was changed\n");
  out.clear();
  EXPECT_EQ(RunShell(absl::StrCat(ctl2, " audit verify 2>&1 >/dev/null"), &out), 1);
  EXPECT_EQ(out.find("hubctl: the audit log was tampered with: entry 1: "), 0u) << out;
  status = (*hubd)->Stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << (*hubd)->Stderr();
}

}  // namespace
}  // namespace hub
