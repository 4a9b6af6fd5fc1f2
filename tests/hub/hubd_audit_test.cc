// The audit log against the real hubd: steward actions over gRPC and hubctl
// are logged with their reason, `hubctl audit list|export|verify` read it,
// and a row edited with the sqlite3 shell in the stopped hub's database is
// found by `hubctl audit verify` after a restart; quarantined records
// released (corrected) and discarded with hubctl.
#include <signal.h>
#include <sys/wait.h>

#include <fstream>

#include <google/protobuf/util/json_util.h>

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
  // The audit of the test's own unmasked reads is written at shutdown
  // (interval: an hour), so the steward actions are entries 1 and 2.
  std::ofstream(config) << "db_path: \"" << dir.File("hub.db") << "\"\n"
                        << "tokens { principal: \"steward-ana\" role: \"admin\" sha256: \""
                        << Sha256Hex(kToken) << "\" }\n"
                        << "classification { read_audit_interval_ms: 3600000 }\n";
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
    // A retry (say, after a lost reply) is answered with the first
    // response and applies nothing; the id reused for another request is
    // refused.
    hub::v1::MergeProfilesResponse retried;
    grpc::Status again = client.profiles()->MergeProfiles(client.Ctx().get(), merge, &retried);
    ASSERT_TRUE(again.ok()) << again.error_message();
    EXPECT_EQ(retried.SerializeAsString(), merged.SerializeAsString());
    hub::v1::MergeProfilesRequest other = merge;
    other.set_other_name(p3);
    again = client.profiles()->MergeProfiles(client.Ctx().get(), other, &retried);
    EXPECT_EQ(again.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(again.error_message(),
              absl::StrCat("request_id: \"req-1\" was used for another request (MergeProfiles, "
                           "audit entry 2); give each new request a new id"));
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
    ASSERT_EQ(log.entries_size(), 3);
    // Entry 1: hubd's start-up found the tokens section new.
    const hub::v1::AuditEntry& policy = log.entries(0);
    EXPECT_EQ(policy.sequence(), 1);
    EXPECT_EQ(policy.principal(), "hubd");
    EXPECT_EQ(policy.role(), "system");
    EXPECT_EQ(policy.action(), "PolicyChanged");
    EXPECT_NE(policy.details().find("tokens set ("), std::string::npos) << policy.details();
    const hub::v1::AuditEntry& first = log.entries(1);
    EXPECT_EQ(first.sequence(), 2);
    EXPECT_EQ(first.principal(), "steward-ana");
    EXPECT_EQ(first.role(), "admin");
    EXPECT_EQ(first.action(), "MergeProfiles");
    EXPECT_EQ(first.target(), p1);
    EXPECT_EQ(first.reason(), "same person, two CRM contacts");
    EXPECT_EQ(first.request_id(), "req-1");
    EXPECT_EQ(first.details(), absl::StrCat("merged ", p2, " into ", p1, " (ledger entry ",
                                            merged.entry().sequence(), ")"));
    const hub::v1::AuditEntry& second = log.entries(2);
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
    EXPECT_EQ(out, absl::StrCat("intact: 3 entries, head hash ", second.hash(), "\n"));
    out.clear();
    EXPECT_EQ(RunShell(absl::StrCat(ctl, " audit export"), &out), 0) << out;
    std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
    ASSERT_EQ(lines.size(), 3u) << out;
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

// Policy set in the configuration file is audited when hubd starts with a
// change: once per change, naming the sections, and not on a plain restart.
TEST(HubdAuditTest, ConfigurationPolicyChangesAreAuditedOnce) {
  TempDir dir;
  const std::string config = dir.File("hub.textproto");
  const std::string base = absl::StrCat(
      "db_path: \"", dir.File("hub.db"), "\"\n",
      "tokens { principal: \"ana\" role: \"admin\" sha256: \"", Sha256Hex(kToken), "\" }\n");
  // Starts hubd with `text`, returns the audit log's actions and details.
  auto run = [&](const std::string& text) {
    std::ofstream(config) << text;
    auto hubd = HubdProcess::Start(HUBD_BIN, {"--config", config}, dir.path());
    EXPECT_TRUE(hubd.ok()) << hubd.status();
    std::vector<std::string> log;
    if (!hubd.ok()) return log;
    {
      HubClient client((*hubd)->address(), kToken);
      auto governance = hub::v1::GovernanceService::NewStub(client.channel());
      hub::v1::ListAuditEntriesResponse entries;
      EXPECT_TRUE(governance
                      ->ListAuditEntries(client.Ctx().get(),
                                         hub::v1::ListAuditEntriesRequest(), &entries)
                      .ok());
      for (const hub::v1::AuditEntry& e : entries.entries()) {
        EXPECT_EQ(e.action(), "PolicyChanged");
        EXPECT_EQ(e.principal(), "hubd");
        // The digests differ run to run only with the section: keep names.
        std::vector<std::string> parts = absl::StrSplit(e.details(), "; ");
        std::string names;
        for (const std::string& part : parts) {
          absl::StrAppend(&names, names.empty() ? "" : "; ", part.substr(0, part.find(" (")));
        }
        log.push_back(names);
      }
    }
    const int status = (*hubd)->Stop(SIGTERM);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << (*hubd)->Stderr();
    return log;
  };
  EXPECT_EQ(run(base), std::vector<std::string>({"tokens set"}));
  // A restart with the same policy, and a change of an operational field
  // only (the listen address), add nothing.
  EXPECT_EQ(run(base), std::vector<std::string>({"tokens set"}));
  EXPECT_EQ(run(base + "max_batch_records: 100\n"), std::vector<std::string>({"tokens set"}));
  const std::string identity = "identity { hot_threshold: 40 }\n";
  EXPECT_EQ(run(base + identity),
            std::vector<std::string>({"tokens set", "identity set"}));
  EXPECT_EQ(run(base + "identity { hot_threshold: 60 }\n" +
                "lifecycle { engagement_threshold: 3 }\n"),
            std::vector<std::string>(
                {"tokens set", "identity set", "identity changed; lifecycle set"}));
  EXPECT_EQ(run(base),
            std::vector<std::string>({"tokens set", "identity set",
                                      "identity changed; lifecycle set",
                                      "identity removed; lifecycle removed"}));
}

TEST(HubdAuditTest, QuarantinedRecordsAreReleasedCorrectedOrDiscarded) {
  TempDir dir;
  // Two identify calls with a typo'd email each: both quarantined.
  ASSERT_EQ(system(absl::StrCat("mkdir -p ", dir.File("segment")).c_str()), 0);
  std::ofstream(dir.File("segment/2024-05-01.jsonl"))
      << R"({"type":"identify","messageId":"m1","userId":"u1","timestamp":"2024-05-01T00:00:00Z","traits":{"email":"zed.acme.example"}})"
      << "\n"
      << R"({"type":"identify","messageId":"m2","userId":"u2","timestamp":"2024-05-01T00:00:00Z","traits":{"email":"test@"}})"
      << "\n";
  const std::string config = dir.File("hub.textproto");
  std::ofstream(config) << "db_path: \"" << dir.File("hub.db") << "\"\n"
                        << "tokens { principal: \"steward-ana\" role: \"admin\" sha256: \""
                        << Sha256Hex(kToken) << "\" }\n";
  auto hubd = HubdProcess::Start(HUBD_BIN, {"--config", config}, dir.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  HubClient client((*hubd)->address(), kToken);
  ASSERT_TRUE(client.CreateSource("web", "segment", dir.File("segment")).ok());
  hub::v1::SyncJob job = client.SyncAndWait("web");
  ASSERT_EQ(job.state(), hub::v1::SyncJob::SUCCEEDED) << job.error();
  const std::string ctl = absl::StrCat("HUB_TOKEN=", kToken, " ", HUBCTL_BIN, " --server ",
                                       (*hubd)->address());

  auto governance = hub::v1::GovernanceService::NewStub(client.channel());
  hub::v1::ListQuarantineResponse quarantined;
  ASSERT_TRUE(governance
                  ->ListQuarantine(client.Ctx().get(), hub::v1::ListQuarantineRequest(),
                                   &quarantined)
                  .ok());
  ASSERT_EQ(quarantined.records_size(), 2);
  EXPECT_EQ(quarantined.records(0).name(), "quarantine/1");
  EXPECT_EQ(quarantined.records(0).record().external_id(), "u1");
  EXPECT_EQ(quarantined.records(0).reason().find("identifiers["), 0u)
      << quarantined.records(0).reason();

  // As is, it is still invalid: refused, naming why.
  std::string out;
  EXPECT_EQ(RunShell(absl::StrCat(ctl, " quarantine release 1 2>&1"), &out), 4) << out;
  EXPECT_NE(out.find("FAILED_PRECONDITION: quarantine/1 is still invalid: "), std::string::npos)
      << out;
  // Corrected: the steward fixes the email in the record's JSON.
  hub::v1::SourceRecord fixed = quarantined.records(0).record();
  for (auto& id : *fixed.mutable_identifiers()) {
    if (id.value() == "zed.acme.example") id.set_value("zed@acme.example");
  }
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(fixed, &json).ok());
  std::ofstream(dir.File("fixed.json")) << json;
  out.clear();
  EXPECT_EQ(RunShell(absl::StrCat(ctl, " quarantine release quarantine/1 --record ",
                                  dir.File("fixed.json"), " --reason 'typo in the email' 2>&1"),
                     &out),
            0)
      << out;
  EXPECT_EQ(out, "released quarantine/1: ingested\n");
  hub::v1::LookupProfileRequest lookup;
  lookup.set_identifier_type("email");
  lookup.set_identifier_value("zed@acme.example");
  hub::v1::Profile zed;
  EXPECT_TRUE(client.profiles()->LookupProfile(client.Ctx().get(), lookup, &zed).ok());

  // Discard previews without --yes, then removes.
  out.clear();
  EXPECT_EQ(RunShell(absl::StrCat(ctl, " quarantine discard 2 2>&1"), &out), 2) << out;
  EXPECT_NE(out.find("--reason is required"), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(RunShell(absl::StrCat(ctl, " quarantine discard 2 --reason 'test data' 2>&1"), &out),
            0);
  EXPECT_EQ(out.find("would discard quarantine/2: web CONTACT u2 ("), 0u) << out;
  out.clear();
  EXPECT_EQ(RunShell(absl::StrCat(ctl, " quarantine list 2>&1"), &out), 0);
  EXPECT_NE(out.find("quarantine/2"), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(RunShell(absl::StrCat(ctl, " quarantine discard 2 --reason 'test data' --yes 2>&1"),
                     &out),
            0);
  EXPECT_EQ(out.find("discarded quarantine/2: web CONTACT u2 ("), 0u) << out;
  out.clear();
  EXPECT_EQ(RunShell(absl::StrCat(ctl, " quarantine list 2>&1"), &out), 0);
  EXPECT_EQ(out.find("quarantine/2"), std::string::npos) << out;

  hub::v1::ListAuditEntriesResponse log;
  ASSERT_TRUE(governance
                  ->ListAuditEntries(client.Ctx().get(), hub::v1::ListAuditEntriesRequest(), &log)
                  .ok());
  // Besides the audit of the lookup (ReadUnmasked): hubd's start-up record
  // of the configured tokens, and the steward actions.
  std::vector<hub::v1::AuditEntry> actions;
  for (const hub::v1::AuditEntry& e : log.entries()) {
    if (e.action() != "ReadUnmasked") actions.push_back(e);
  }
  ASSERT_EQ(actions.size(), 3u);
  EXPECT_EQ(actions[0].action(), "PolicyChanged");
  EXPECT_EQ(actions[1].action(), "ReleaseQuarantine");
  EXPECT_EQ(actions[1].target(), "quarantine/1");
  EXPECT_EQ(actions[1].reason(), "typo in the email");
  // hubctl gave each command a request id of its own.
  EXPECT_EQ(actions[1].request_id().find("hubctl-"), 0u) << actions[1].request_id();
  EXPECT_EQ(actions[2].action(), "DiscardQuarantine");
  EXPECT_EQ(actions[2].reason(), "test data");
  EXPECT_EQ(actions[2].request_id().size(), 23u) << actions[2].request_id();
  EXPECT_NE(actions[2].request_id(), actions[1].request_id());
  int status = (*hubd)->Stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << (*hubd)->Stderr();
}

}  // namespace
}  // namespace hub
