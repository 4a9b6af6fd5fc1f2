// Erasure against the real hubd: a person of a generated world, synced from
// every file export and every vendor API adapter (fake vendor servers on
// loopback), erased by email; then every source is synced again from the
// start and the person does not come back: each of its records is counted
// suppressed, and none of its identifiers finds a profile.
#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "hub/auth.h"
#include "hub/v1/governance_service.grpc.pb.h"
#include "tests/hub/hub_client.h"
#include "tests/support/fake_hubspot_server.h"
#include "tests/support/fake_mailchimp_server.h"
#include "tests/support/fake_salesforce_server.h"
#include "tests/support/fake_zendesk_server.h"
#include "tests/support/hubd_process.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::HubClient;
using testing_support::HubdProcess;
using testing_support::RunShell;
using testing_support::TempDir;

constexpr char kToken[] = "erasure-test-token";
constexpr char kVendorTokenEnv[] = "HUB_TEST_ERASURE_VENDOR_TOKEN";

grpc::Status CreateApiSource(HubClient* client, const std::string& id, const std::string& kind,
                             const std::string& base_url) {
  hub::v1::CreateSourceRequest req;
  req.set_source_id(id);
  req.mutable_source()->set_kind(kind);
  req.mutable_source()->set_base_url(base_url);
  req.mutable_source()->set_token_env(kVendorTokenEnv);
  if (kind == "zendesk_api") req.mutable_source()->set_auth_email("agent@hubsample.example");
  hub::v1::Source out;
  return client->sync()->CreateSource(client->Ctx().get(), req, &out);
}

TEST(HubdErasureTest, AnErasedPersonStaysErasedAcrossEveryFullResync) {
  TempDir dir;
  std::string out;
  ASSERT_EQ(RunShell(absl::StrCat(HUB_SAMPLE_BIN, " --out ", dir.File("world"),
                                  " --accounts 6 --seed 7 --months 12 2>&1"), &out), 0)
      << out;
  ASSERT_EQ(setenv(kVendorTokenEnv, "vendor-token", 1), 0);
  // Every vendor accepts the one token the sources read from the environment.
  testing_support::FakeZendeskOptions zendesk_options;
  zendesk_options.token = "vendor-token";
  testing_support::FakeSalesforceOptions salesforce_options;
  salesforce_options.access_token = "vendor-token";
  testing_support::FakeHubSpotOptions hubspot_options;
  hubspot_options.token = "vendor-token";
  testing_support::FakeMailchimpOptions mailchimp_options;
  mailchimp_options.key = "vendor-token";
  auto zendesk =
      testing_support::FakeZendeskServer::Start(dir.File("world/zendesk"), zendesk_options);
  auto mailchimp =
      testing_support::FakeMailchimpServer::Start(dir.File("world/mailchimp"), mailchimp_options);
  auto salesforce = testing_support::FakeSalesforceServer::Start(dir.File("world/salesforce"),
                                                                 salesforce_options);
  auto hubspot =
      testing_support::FakeHubSpotServer::Start(dir.File("world/salesforce"), hubspot_options);
  ASSERT_TRUE(zendesk.ok() && mailchimp.ok() && salesforce.ok() && hubspot.ok());

  const std::string config = dir.File("hub.textproto");
  std::ofstream(config) << "db_path: \"" << dir.File("hub.db") << "\"\n"
                        << "tokens { principal: \"dpo\" role: \"admin\" sha256: \""
                        << Sha256Hex(kToken) << "\" }\n";
  auto hubd = HubdProcess::Start(HUBD_BIN, {"--config", config}, dir.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  HubClient client((*hubd)->address(), kToken);
  const std::map<std::string, std::string> files = {{"crm", "salesforce"},
                                                    {"support", "zendesk"},
                                                    {"email", "mailchimp"},
                                                    {"web", "segment"},
                                                    {"analytics", "ga4"}};
  for (const auto& [id, kind] : files) {
    ASSERT_TRUE(client.CreateSource(id, kind, dir.File("world/" + kind)).ok()) << id;
  }
  ASSERT_TRUE(CreateApiSource(&client, "zd-api", "zendesk_api", (*zendesk)->base_url()).ok());
  ASSERT_TRUE(
      CreateApiSource(&client, "mc-api", "mailchimp_api", (*mailchimp)->base_url()).ok());
  ASSERT_TRUE(
      CreateApiSource(&client, "sf-api", "salesforce_api", (*salesforce)->base_url()).ok());
  ASSERT_TRUE(CreateApiSource(&client, "hs-api", "hubspot_api", (*hubspot)->base_url()).ok());
  const std::vector<std::string> sources = {"crm",    "support", "email",  "web",   "analytics",
                                            "zd-api", "mc-api",  "sf-api", "hs-api"};
  for (const std::string& id : sources) {
    hub::v1::SyncJob job = client.SyncAndWait(id);
    ASSERT_EQ(job.state(), hub::v1::SyncJob::SUCCEEDED) << id << ": " << job.error();
  }

  // The subject: the person with the most source records among the first
  // page of profiles, found by its email.
  hub::v1::ListProfilesRequest list;
  list.set_page_size(200);
  hub::v1::ListProfilesResponse page;
  ASSERT_TRUE(client.profiles()->ListProfiles(client.Ctx().get(), list, &page).ok());
  std::string email;
  int most = 0;
  hub::v1::Profile subject;
  for (const hub::v1::Profile& listed : page.profiles()) {
    hub::v1::GetProfileRequest get_one;
    get_one.set_name(listed.name());
    hub::v1::Profile p;
    ASSERT_TRUE(client.profiles()->GetProfile(client.Ctx().get(), get_one, &p).ok());
    for (const auto& id : p.identifiers()) {
      if (id.type() == "email" && p.source_records_size() > most) {
        most = p.source_records_size();
        email = id.value();
        subject = p;
      }
    }
  }
  ASSERT_FALSE(email.empty());

  auto governance = hub::v1::GovernanceService::NewStub(client.channel());
  hub::v1::EraseSubjectRequest erase;
  erase.set_identifier_type("email");
  erase.set_identifier_value(email);
  erase.set_validate_only(true);
  hub::v1::ErasureReceipt preview;
  ASSERT_TRUE(governance->EraseSubject(client.Ctx().get(), erase, &preview).ok());
  EXPECT_EQ(preview.profiles(0), subject.name());
  EXPECT_EQ(preview.audit_sequence(), 0);
  // A real erasure needs a reason.
  erase.set_validate_only(false);
  hub::v1::ErasureReceipt receipt;
  grpc::Status s = governance->EraseSubject(client.Ctx().get(), erase, &receipt);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "reason: required to erase (e.g. the request's ticket)");
  // Erased with hubctl: a preview first, then --yes.
  const std::string ctl = absl::StrCat("HUB_TOKEN=", kToken, " ", HUBCTL_BIN, " --server ",
                                       (*hubd)->address(), " erase --type email --value ", email,
                                       " --reason 'DSR-1'");
  out.clear();
  ASSERT_EQ(RunShell(ctl + " 2>&1", &out), 0) << out;
  EXPECT_EQ(out.find("would erase: " + subject.name()), 0u) << out;
  out.clear();
  ASSERT_EQ(RunShell(ctl + " --yes --request-id dsr-1 --output json 2>&1", &out), 0) << out;
  // The receipt names its audit entry (checked against the log below).
  const size_t at = out.find("\"auditSequence\": \"");
  ASSERT_NE(at, std::string::npos) << out;
  const std::string sequence_field = out.substr(at, out.find(',', at) - at);
  EXPECT_NE(out.find(absl::StrCat("\"records\": \"", preview.records(), "\"")),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(absl::StrCat("\"email:", email, "\"")), std::string::npos) << out;
  EXPECT_GT(preview.records(), 0);
  // The same command retried answers with the same receipt, less the
  // identifiers the hub does not keep, and erases nothing more.
  std::string retried;
  ASSERT_EQ(RunShell(ctl + " --yes --request-id dsr-1 --output json 2>&1", &retried), 0)
      << retried;
  EXPECT_NE(retried.find(sequence_field), std::string::npos) << retried;
  EXPECT_NE(retried.find(absl::StrCat("\"records\": \"", preview.records(), "\"")),
            std::string::npos)
      << retried;
  EXPECT_EQ(retried.find(email), std::string::npos) << retried;

  hub::v1::GetProfileRequest get;
  get.set_name(subject.name());
  hub::v1::Profile gone;
  EXPECT_EQ(client.profiles()->GetProfile(client.Ctx().get(), get, &gone).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Every source again from the start: each of its records is refused.
  int64_t suppressed = 0;
  for (const std::string& id : sources) {
    hub::v1::SyncJob job = client.SyncAndWait(id, /*full=*/true);
    ASSERT_EQ(job.state(), hub::v1::SyncJob::SUCCEEDED) << id << ": " << job.error();
    suppressed += job.records_suppressed();
  }
  EXPECT_EQ(suppressed, preview.records());
  for (const std::string& typed : preview.identifiers()) {
    const size_t colon = typed.find(':');
    hub::v1::LookupProfileRequest lookup;
    lookup.set_identifier_type(typed.substr(0, colon));
    lookup.set_identifier_value(typed.substr(colon + 1));
    hub::v1::Profile found;
    EXPECT_EQ(client.profiles()->LookupProfile(client.Ctx().get(), lookup, &found).error_code(),
              grpc::StatusCode::NOT_FOUND)
        << typed;
  }
  hub::v1::ListAuditEntriesResponse log;
  ASSERT_TRUE(governance
                  ->ListAuditEntries(client.Ctx().get(), hub::v1::ListAuditEntriesRequest(), &log)
                  .ok());
  // Besides the audit of the test's own unmasked reads (ReadUnmasked):
  // hubd's start-up record of the configured tokens, and the erasure.
  std::vector<hub::v1::AuditEntry> actions;
  for (const hub::v1::AuditEntry& e : log.entries()) {
    if (e.action() != "ReadUnmasked") actions.push_back(e);
    EXPECT_EQ(e.details().find(email), std::string::npos) << e.details();
  }
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[0].action(), "PolicyChanged");
  EXPECT_EQ(actions[1].action(), "EraseSubject");
  EXPECT_EQ(actions[1].reason(), "DSR-1");
  EXPECT_EQ(actions[1].request_id(), "dsr-1");
  EXPECT_EQ(sequence_field,
            absl::StrCat("\"auditSequence\": \"", actions[1].sequence(), "\""));
  int status = (*hubd)->Stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << (*hubd)->Stderr();
}

}  // namespace
}  // namespace hub
