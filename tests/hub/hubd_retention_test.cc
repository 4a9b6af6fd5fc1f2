// Retention against the real hubd: PurgeExpired previews by default and
// purges exactly what expired when confirmed, audited; a legal hold keeps
// its person's events and blocks its erasure until released (hubctl); the
// schedule purges on its own and stops with the server; a bad age refuses
// start-up naming the field.
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
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

constexpr char kToken[] = "retention-test-token";

std::vector<std::string> Config(const TempDir& dir, const std::string& retention) {
  const std::string path = dir.File("hub.textproto");
  std::ofstream(path) << "db_path: \"" << dir.File("hub.db") << "\"\n"
                      << "tokens { principal: \"steward-ana\" role: \"steward\" sha256: \""
                      << Sha256Hex(kToken) << "\" }\n"
                      << "tokens { principal: \"ops\" role: \"admin\" sha256: \""
                      << Sha256Hex("admin-token") << "\" }\n"
                      << "retention { " << retention << " }\n";
  return {"--config", path};
}

hub::v1::SourceRecord Contact(const std::string& id) {
  hub::v1::SourceRecord r;
  r.set_entity(hub::v1::CONTACT);
  r.set_external_id(id);
  r.mutable_updated_at()->set_seconds(1714521600);  // 2024-05-01
  hub::v1::Identifier* email = r.add_identifiers();
  email->set_type("email");
  email->set_value(id + "@acme.example");
  return r;
}

hub::v1::SourceRecord PageView(const std::string& id, const std::string& who, int64_t seconds,
                               const std::string& type = "page_view") {
  hub::v1::SourceRecord r = Contact(who);
  r.set_entity(hub::v1::WEB_EVENT);
  r.set_external_id(id);
  r.mutable_updated_at()->set_seconds(seconds);
  r.mutable_occurred_at()->set_seconds(seconds);
  r.set_event_type(type);
  return r;
}

// Ingests `records` through IngestRecords as source "web" (an adapter the
// hub never runs itself here), as the admin.
void Ingest(const std::string& address, const TempDir& dir,
            const std::vector<hub::v1::SourceRecord>& records) {
  HubClient admin(address, "admin-token");
  HubClient* client = &admin;
  std::filesystem::create_directories(dir.File("ga4"));
  grpc::Status created = client->CreateSource("web", "ga4", dir.File("ga4"));
  ASSERT_TRUE(created.ok()) << created.error_message();
  hub::v1::IngestRecordsRequest page;
  page.set_source("sources/web");
  page.set_cursor("c1");
  for (const hub::v1::SourceRecord& r : records) *page.add_records() = r;
  auto ctx = client->Ctx();
  auto stream = client->sync()->IngestRecords(ctx.get());
  hub::v1::IngestRecordsResponse ack;
  ASSERT_TRUE(stream->Write(page));
  ASSERT_TRUE(stream->Read(&ack));
  EXPECT_EQ(ack.sync_job().records_ingested(), static_cast<int64_t>(records.size()));
  stream->WritesDone();
  grpc::Status s = stream->Finish();
  ASSERT_TRUE(s.ok()) << s.error_message();
}

int EventsOf(HubClient* client, const std::string& email) {
  hub::v1::LookupProfileRequest lookup;
  lookup.set_identifier_type("email");
  lookup.set_identifier_value(email);
  hub::v1::Profile p;
  EXPECT_TRUE(client->profiles()->LookupProfile(client->Ctx().get(), lookup, &p).ok());
  hub::v1::ListProfileEventsRequest req;
  req.set_name(p.name());
  req.set_page_size(100);
  hub::v1::ListProfileEventsResponse events;
  EXPECT_TRUE(client->profiles()->ListProfileEvents(client->Ctx().get(), req, &events).ok());
  return events.events_size();
}

std::vector<hub::v1::AuditEntry> Audit(HubClient* client,
                                       hub::v1::GovernanceService::Stub* governance) {
  hub::v1::ListAuditEntriesRequest req;
  req.set_page_size(1000);
  hub::v1::ListAuditEntriesResponse log;
  EXPECT_TRUE(governance->ListAuditEntries(client->Ctx().get(), req, &log).ok());
  // The actions: not hubd's start-up record of its policy, nor the
  // coalesced audit of the test's own reads.
  std::vector<hub::v1::AuditEntry> actions;
  for (const hub::v1::AuditEntry& e : log.entries()) {
    if (e.action() != "PolicyChanged" && e.action() != "ReadUnmasked") actions.push_back(e);
  }
  return actions;
}

constexpr int64_t k2020 = 1577836800;  // 2020-01-01

TEST(HubdRetentionTest, PreviewThenPurgeExactlyAuditedAndAHoldBlocksErasure) {
  TempDir dir;
  auto hubd = HubdProcess::Start(
      HUBD_BIN, Config(dir, "event_types { key: \"page_view\" value: \"30d\" }"), dir.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  HubClient client((*hubd)->address(), kToken);
  const int64_t recent = absl::ToUnixSeconds(absl::Now()) - 3600;
  // Ana: two old page views, a recent one, an old email open (no age:
  // kept). Bo: an old page view, under legal hold.
  Ingest((*hubd)->address(), dir,
         {Contact("ana"), Contact("bo"), PageView("pv1", "ana", k2020),
          PageView("pv2", "ana", k2020 + 86400), PageView("pv3", "ana", recent),
          PageView("eo1", "ana", k2020, "email_opened"), PageView("pvb", "bo", k2020)});
  auto governance = hub::v1::GovernanceService::NewStub(client.channel());
  const std::string ctl = absl::StrCat("HUB_TOKEN=", kToken, " ", HUBCTL_BIN, " --server ",
                                       (*hubd)->address());
  std::string out;
  ASSERT_EQ(RunShell(absl::StrCat(ctl, " retention hold place --type email --value "
                                       "bo@acme.example --reason 'matter 17' 2>&1"),
                     &out),
            0)
      << out;
  EXPECT_NE(out.find("placed legalHolds/1 on email:bo@acme.example"), std::string::npos) << out;

  hub::v1::PurgeExpiredRequest request;
  hub::v1::PurgeExpiredResponse preview;
  grpc::Status s = governance->PurgeExpired(client.Ctx().get(), request, &preview);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(preview.confirmed());
  ASSERT_EQ(preview.classes_size(), 4);
  EXPECT_EQ(preview.classes(1).data_class(), "events");
  EXPECT_TRUE(preview.classes(1).applies());
  EXPECT_EQ(preview.classes(1).purged(), 2);
  EXPECT_EQ(preview.classes(1).held(), 1);
  EXPECT_FALSE(preview.classes(0).applies());  // raw payloads: kept forever
  ASSERT_EQ(preview.event_types_size(), 1);
  EXPECT_EQ(preview.event_types(0).event_type(), "page_view");
  EXPECT_EQ(preview.event_types(0).purged(), 2);
  EXPECT_TRUE(preview.event_types(0).has_cutoff_time());
  EXPECT_EQ(EventsOf(&client, "ana@acme.example"), 4);
  EXPECT_EQ(Audit(&client, governance.get()).size(), 1u);  // the hold only

  request.set_confirm(true);
  hub::v1::PurgeExpiredResponse refused;
  s = governance->PurgeExpired(client.Ctx().get(), request, &refused);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message().rfind("reason:", 0), 0u) << s.error_message();

  out.clear();
  ASSERT_EQ(RunShell(absl::StrCat(ctl, " retention purge --reason 'policy R-1' 2>&1"), &out), 0)
      << out;
  EXPECT_NE(out.find("nothing removed"), std::string::npos) << out;
  EXPECT_EQ(EventsOf(&client, "ana@acme.example"), 4);
  out.clear();
  ASSERT_EQ(RunShell(absl::StrCat(ctl, " retention purge --yes --reason 'policy R-1' "
                                       "--request-id req-9 2>&1"),
                     &out),
            0)
      << out;
  EXPECT_NE(out.find("PURGED"), std::string::npos) << out;
  EXPECT_EQ(EventsOf(&client, "ana@acme.example"), 2);  // pv3, eo1
  EXPECT_EQ(EventsOf(&client, "bo@acme.example"), 1);   // held
  std::vector<hub::v1::AuditEntry> log = Audit(&client, governance.get());
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].action(), "PurgeExpired");
  EXPECT_EQ(log[1].principal(), "steward-ana");
  EXPECT_EQ(log[1].reason(), "policy R-1");
  EXPECT_EQ(log[1].request_id(), "req-9");
  EXPECT_EQ(log[1].target(), "retention/events");
  EXPECT_EQ(log[1].details().rfind("purged 2 events (page_view 2); page_view older than ", 0),
            0u)
      << log[1].details();
  EXPECT_NE(log[1].details().find("; 1 kept by legal hold"), std::string::npos);

  // The held person cannot be erased, not even previewed; released, it can.
  hub::v1::EraseSubjectRequest erase;
  erase.set_identifier_type("email");
  erase.set_identifier_value("bo@acme.example");
  erase.set_reason("request 5");
  erase.set_validate_only(true);
  hub::v1::ErasureReceipt receipt;
  s = governance->EraseSubject(client.Ctx().get(), erase, &receipt);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("legalHolds/1 (matter 17, placed by steward-ana"),
            std::string::npos)
      << s.error_message();
  out.clear();
  ASSERT_EQ(RunShell(absl::StrCat(ctl, " retention hold list 2>&1"), &out), 0) << out;
  EXPECT_NE(out.find("legalHolds/1"), std::string::npos) << out;
  EXPECT_NE(out.find("matter 17"), std::string::npos) << out;
  out.clear();
  ASSERT_EQ(RunShell(absl::StrCat(ctl, " retention hold release 1 --reason 'matter closed' 2>&1"),
                     &out),
            0)
      << out;
  erase.set_validate_only(false);
  s = governance->EraseSubject(client.Ctx().get(), erase, &receipt);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(receipt.events(), 1);
  out.clear();
  EXPECT_EQ(RunShell(absl::StrCat(ctl, " audit verify 2>&1"), &out), 0) << out;
}

TEST(HubdRetentionTest, TheSchedulePurgesOnItsOwnAndStopsWithTheServer) {
  TempDir dir;
  auto hubd = HubdProcess::Start(
      HUBD_BIN, Config(dir, "events: \"30d\" audit: \"3650d\" purge_interval: \"200ms\""),
      dir.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  HubClient client((*hubd)->address(), kToken);
  Ingest((*hubd)->address(), dir, {Contact("ana"), PageView("pv1", "ana", k2020)});
  auto governance = hub::v1::GovernanceService::NewStub(client.channel());
  std::vector<hub::v1::AuditEntry> log;
  for (absl::Time deadline = absl::Now() + absl::Seconds(60); absl::Now() < deadline;) {
    log = Audit(&client, governance.get());
    if (!log.empty()) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].action(), "PurgeExpired");
  EXPECT_EQ(log[0].principal(), "hubd");
  EXPECT_EQ(log[0].role(), "system");
  EXPECT_EQ(log[0].reason(), "retention schedule");
  EXPECT_EQ(log[0].details().rfind("purged 1 events (page_view 1) older than ", 0), 0u)
      << log[0].details();
  EXPECT_EQ(EventsOf(&client, "ana@acme.example"), 0);
  // Runs with nothing expired write nothing.
  absl::SleepFor(absl::Milliseconds(600));
  EXPECT_EQ(Audit(&client, governance.get()).size(), 1u);
  const int status = (*hubd)->Stop(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(HubdRetentionTest, ABadAgeRefusesStartNamingTheField) {
  TempDir dir;
  auto hubd = HubdProcess::Start(HUBD_BIN, Config(dir, "quarantine: \"-3d\""), dir.path());
  ASSERT_FALSE(hubd.ok());
  EXPECT_NE(hubd.status().message().find("retention.quarantine: \"-3d\" must be positive"),
            std::string::npos)
      << hubd.status();
  hubd = HubdProcess::Start(HUBD_BIN, Config(dir, "purge_interval: \"often\""), dir.path());
  ASSERT_FALSE(hubd.ok());
  EXPECT_NE(hubd.status().message().find("retention.purge_interval"), std::string::npos)
      << hubd.status();
}

}  // namespace
}  // namespace hub
