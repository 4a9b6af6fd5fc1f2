// Consent against the real hubd: a generated world's Mailchimp export (and
// the same members through the Mailchimp API adapter) and GA4 export are
// synced; each person's consent is checked against what the world's files
// say, computed here from the files alone; reads for a purpose leave out
// exactly the profiles without consent; SetConsent is audited; bad input
// gets the right codes; and hubctl consent get|set work end to end.
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "hub/auth.h"
#include "hub/v1/governance_service.grpc.pb.h"
#include "profile/base/time_util.h"
#include "tests/hub/hub_client.h"
#include "tests/support/fake_mailchimp_server.h"
#include "tests/support/hubd_process.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::HubClient;
using testing_support::HubdProcess;
using testing_support::RunShell;
using testing_support::TempDir;

constexpr char kToken[] = "consent-test-token";
constexpr char kServiceToken[] = "consent-service-token";
constexpr char kVendorTokenEnv[] = "HUB_TEST_CONSENT_VENDOR_TOKEN";

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

int64_t MailchimpMicros(const std::string& text) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, text, &t, &err)) << text << ": " << err;
  return absl::ToUnixMicros(t);
}

int64_t Micros(const google::protobuf::Timestamp& ts) {
  return absl::ToUnixMicros(FromProtoTime(ts));
}

// The latest signal of one source: its time and whether it denies (of two
// at one time, the denial).
struct Latest {
  int64_t at = 0;
  bool denied = false;
  bool any = false;
  void Offer(int64_t t, bool deny) {
    if (!any || t > at || (t == at && deny)) {
      denied = (any && t == at) ? (denied || deny) : deny;
      at = t;
      any = true;
    }
  }
};

// email_marketing per member email, from members.json (status at
// last_changed) and every campaign's unsubscribed.json; `unsubscribed`
// gets the emails that unsubscribed from a campaign.
std::map<std::string, Latest> ExpectedEmailMarketing(const std::string& mailchimp,
                                                     std::set<std::string>* unsubscribed) {
  std::map<std::string, Latest> out;
  std::map<std::string, std::string> email_of;  // member id -> email
  const nlohmann::json members = ReadJson(mailchimp + "/members.json");
  for (const auto& m : members["members"]) {
    const std::string email = m["email_address"].get<std::string>();
    const std::string status = m["status"].get<std::string>();
    email_of[m["id"].get<std::string>()] = email;
    const int64_t at = MailchimpMicros(m["last_changed"].get<std::string>());
    if (status == "subscribed") out[email].Offer(at, false);
    if (status == "unsubscribed" || status == "cleaned") out[email].Offer(at, true);
  }
  const nlohmann::json campaigns = ReadJson(mailchimp + "/campaigns.json");
  for (const auto& c : campaigns["campaigns"]) {
    const std::string file =
        absl::StrCat(mailchimp, "/reports/", c["id"].get<std::string>(), "/unsubscribed.json");
    if (!std::ifstream(file)) continue;
    const nlohmann::json unsubscribes = ReadJson(file);
    for (const auto& u : unsubscribes["unsubscribes"]) {
      unsubscribed->insert(u["email_address"].get<std::string>());
      out[u["email_address"].get<std::string>()].Offer(
          MailchimpMicros(u["timestamp"].get<std::string>()), true);
    }
  }
  return out;
}

// analytics per GA4 pseudo id that never carries a user_id or CRM id (a
// profile of its own), from every event's privacy_info.
std::map<std::string, Latest> ExpectedAnalytics(const std::string& ga4_dir) {
  std::map<std::string, Latest> out;
  std::set<std::string> known;
  std::string out_ls;
  EXPECT_EQ(RunShell(absl::StrCat("ls ", ga4_dir), &out_ls), 0);
  for (absl::string_view name : absl::StrSplit(out_ls, '\n', absl::SkipEmpty())) {
    std::ifstream in(absl::StrCat(ga4_dir, "/", name));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      nlohmann::json row = nlohmann::json::parse(line);
      const std::string id = row["user_pseudo_id"].get<std::string>();
      bool linked = row["user_id"].is_string();
      for (const auto& p : row["user_properties"]) {
        if (p["key"] == "crm_contact_id") linked = true;
      }
      if (linked) known.insert(id);
      out[id].Offer(std::stoll(row["event_timestamp"].get<std::string>()),
                    row["privacy_info"]["analytics_storage"] == "No");
    }
  }
  for (const std::string& id : known) out.erase(id);
  return out;
}

const hub::v1::Consent* Find(const hub::v1::ProfileConsent& c, const std::string& purpose) {
  for (const hub::v1::Consent& one : c.consents()) {
    if (one.purpose() == purpose) return &one;
  }
  return nullptr;
}

constexpr char kAdminToken[] = "consent-admin-token";

grpc::Status CreateMailchimpApi(HubClient* admin, const std::string& base_url) {
  hub::v1::CreateSourceRequest req;
  req.set_source_id("mc-api");
  req.mutable_source()->set_kind("mailchimp_api");
  req.mutable_source()->set_base_url(base_url);
  req.mutable_source()->set_token_env(kVendorTokenEnv);
  hub::v1::Source out;
  return admin->sync()->CreateSource(admin->Ctx().get(), req, &out);
}

// Every profile name ListProfiles returns for `purpose`, page by page.
std::vector<std::string> ListAll(HubClient* client, const std::string& purpose, int page_size,
                                 int* pages) {
  std::vector<std::string> names;
  hub::v1::ListProfilesRequest req;
  req.set_page_size(page_size);
  req.set_purpose(purpose);
  *pages = 0;
  for (;;) {
    hub::v1::ListProfilesResponse page;
    grpc::Status s = client->profiles()->ListProfiles(client->Ctx().get(), req, &page);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (!s.ok()) return names;
    ++*pages;
    for (const hub::v1::Profile& p : page.profiles()) names.push_back(p.name());
    if (page.next_page_token().empty()) return names;
    req.set_page_token(page.next_page_token());
  }
}

TEST(HubdConsentTest, ConsentFollowsTheSourcesAndGuardsPurposeReads) {
  TempDir dir;
  std::string out;
  ASSERT_EQ(RunShell(absl::StrCat(HUB_SAMPLE_BIN, " --out ", dir.File("world"),
                                  " --accounts 40 --seed 7 --months 24 2>&1"),
                     &out),
            0)
      << out;
  ASSERT_EQ(setenv(kVendorTokenEnv, "vendor-token", 1), 0);
  testing_support::FakeMailchimpOptions mailchimp_options;
  mailchimp_options.key = "vendor-token";
  auto mailchimp = testing_support::FakeMailchimpServer::Start(dir.File("world/mailchimp"),
                                                               mailchimp_options);
  ASSERT_TRUE(mailchimp.ok()) << mailchimp.status();
  const std::string config = dir.File("hub.textproto");
  std::ofstream(config) << "db_path: \"" << dir.File("hub.db") << "\"\n"
                        << "tokens { principal: \"ops\" role: \"admin\" sha256: \""
                        << Sha256Hex(kAdminToken) << "\" }\n"
                        << "tokens { principal: \"dpo\" role: \"steward\" sha256: \""
                        << Sha256Hex(kToken) << "\" }\n"
                        << "tokens { principal: \"shop\" role: \"service\" sha256: \""
                        << Sha256Hex(kServiceToken) << "\" }\n";
  auto hubd = HubdProcess::Start(HUBD_BIN, {"--config", config}, dir.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  HubClient admin((*hubd)->address(), kAdminToken);
  HubClient steward((*hubd)->address(), kToken);
  HubClient service((*hubd)->address(), kServiceToken);
  ASSERT_TRUE(admin.CreateSource("email", "mailchimp", dir.File("world/mailchimp")).ok());
  ASSERT_TRUE(admin.CreateSource("analytics", "ga4", dir.File("world/ga4")).ok());
  ASSERT_TRUE(CreateMailchimpApi(&admin, (*mailchimp)->base_url()).ok());
  for (const char* id : {"email", "analytics", "mc-api"}) {
    hub::v1::SyncJob job = admin.SyncAndWait(id);
    ASSERT_EQ(job.state(), hub::v1::SyncJob::SUCCEEDED) << id << ": " << job.error();
  }
  auto governance = hub::v1::GovernanceService::NewStub(steward.channel());
  auto get_consent = [&](const std::string& type, const std::string& value) {
    hub::v1::GetConsentRequest req;
    req.set_identifier_type(type);
    req.set_identifier_value(value);
    hub::v1::ProfileConsent c;
    grpc::Status s = governance->GetConsent(steward.Ctx().get(), req, &c);
    EXPECT_TRUE(s.ok()) << type << " " << value << ": " << s.error_message();
    return c;
  };

  // email_marketing: each member's latest signal, the same from the export
  // ("email") and the API ("mc-api").
  std::set<std::string> unsubscribers;
  const std::map<std::string, Latest> emails =
      ExpectedEmailMarketing(dir.File("world/mailchimp"), &unsubscribers);
  ASSERT_GE(emails.size(), 60u);
  std::set<std::string> granted;  // profiles the files give consent
  int denied = 0;
  std::string unsubscribed;  // a member who unsubscribed from a campaign
  for (const auto& [email, latest] : emails) {
    if (!latest.any) continue;  // an archived member: a deleted record says nothing
    hub::v1::ProfileConsent c = get_consent("email", email);
    const hub::v1::Consent* marketing = Find(c, "email_marketing");
    ASSERT_NE(marketing, nullptr) << email;
    EXPECT_EQ(marketing->state(), latest.denied ? hub::v1::DENIED : hub::v1::GRANTED) << email;
    EXPECT_EQ(Micros(marketing->time()), latest.at) << email;
    EXPECT_FALSE(marketing->assumed());
    // One signal per source, both saying the same.
    ASSERT_EQ(marketing->evidence_size(), 2) << email;
    std::set<std::string> sources;
    for (const hub::v1::ConsentEvidence& e : marketing->evidence()) {
      sources.insert(e.source());
      EXPECT_EQ(e.state(), marketing->state());
      EXPECT_EQ(Micros(e.time()), latest.at);
      EXPECT_EQ(e.profile(), c.name());
    }
    EXPECT_EQ(sources, (std::set<std::string>{"email", "mc-api"}));
    if (latest.denied) {
      ++denied;
    } else {
      granted.insert(c.name());
    }
    if (latest.denied && unsubscribers.count(email) > 0) unsubscribed = email;
  }
  EXPECT_GE(denied, 3);
  EXPECT_GE(granted.size(), 50u);
  ASSERT_FALSE(unsubscribed.empty()) << "the world has no campaign unsubscribe";

  // analytics: each anonymous GA4 visitor's latest privacy_info.
  const std::map<std::string, Latest> visitors = ExpectedAnalytics(dir.File("world/ga4"));
  int no = 0;
  for (const auto& [pseudo_id, latest] : visitors) {
    hub::v1::ProfileConsent c = get_consent("ga4.user_pseudo_id", pseudo_id);
    const hub::v1::Consent* analytics = Find(c, "analytics");
    ASSERT_NE(analytics, nullptr);
    EXPECT_EQ(analytics->state(), latest.denied ? hub::v1::DENIED : hub::v1::GRANTED)
        << pseudo_id;
    EXPECT_EQ(Micros(analytics->time()), latest.at) << pseudo_id;
    EXPECT_EQ(analytics->source(), "analytics");
    no += latest.denied;
  }
  EXPECT_GE(no, 5);

  // Reads for email_marketing: exactly the granted profiles, over short
  // pages, for a service.
  int pages = 0;
  std::vector<std::string> listed = ListAll(&service, "email_marketing", 7, &pages);
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), granted);
  EXPECT_EQ(listed.size(), granted.size());
  int all_pages = 0;
  const std::vector<std::string> everyone = ListAll(&service, "", 7, &all_pages);
  EXPECT_EQ(pages, all_pages);  // the same pages, some of them short
  EXPECT_GT(everyone.size(), listed.size());

  hub::v1::LookupProfileRequest lookup;
  lookup.set_identifier_type("email");
  lookup.set_identifier_value(unsubscribed);
  lookup.set_purpose("email_marketing");
  hub::v1::Profile profile;
  grpc::Status s = service.profiles()->LookupProfile(service.Ctx().get(), lookup, &profile);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  const std::string name = get_consent("email", unsubscribed).name();
  EXPECT_EQ(s.error_message(), absl::StrCat(name, " has no consent for purpose email_marketing"));
  hub::v1::GetProfileRequest get;
  get.set_name(name);
  get.set_purpose("email_marketing");
  s = service.profiles()->GetProfile(service.Ctx().get(), get, &profile);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  get.set_purpose("");
  ASSERT_TRUE(service.profiles()->GetProfile(service.Ctx().get(), get, &profile).ok());
  ASSERT_EQ(profile.consents_size(), 3);
  EXPECT_EQ(profile.consents(1).purpose(), "email_marketing");
  EXPECT_EQ(profile.consents(1).state(), hub::v1::DENIED);
  get.set_name(*granted.begin());
  get.set_purpose("email_marketing");
  EXPECT_TRUE(service.profiles()->GetProfile(service.Ctx().get(), get, &profile).ok());
  get.set_purpose("ads");
  s = service.profiles()->GetProfile(service.Ctx().get(), get, &profile);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(),
            "purpose: unknown purpose \"ads\" (configured: analytics, email_marketing, "
            "personalization)");
  hub::v1::ListProfilesRequest bad_list;
  bad_list.set_purpose("ads");
  hub::v1::ListProfilesResponse bad_page;
  s = service.profiles()->ListProfiles(service.Ctx().get(), bad_list, &bad_page);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message().find("purpose: "), 0u);

  // A steward grants it back: audited; still DENIED under the most
  // restrictive rule (the source's denial stands), so the read still fails.
  hub::v1::SetConsentRequest set;
  set.set_name(name);
  set.set_purpose("email_marketing");
  set.set_state(hub::v1::GRANTED);
  set.set_reason("DSR-9: asked to be mailed again");
  set.set_request_id("req-9");
  hub::v1::ProfileConsent after;
  ASSERT_TRUE(governance->SetConsent(steward.Ctx().get(), set, &after).ok());
  EXPECT_EQ(after.name(), name);
  EXPECT_EQ(Find(after, "email_marketing")->state(), hub::v1::DENIED);
  EXPECT_EQ(Find(after, "email_marketing")->evidence_size(), 3);
  hub::v1::ListAuditEntriesResponse audit;
  ASSERT_TRUE(
      governance->ListAuditEntries(steward.Ctx().get(), hub::v1::ListAuditEntriesRequest(), &audit)
          .ok());
  ASSERT_GE(audit.entries_size(), 1);
  const hub::v1::AuditEntry& entry = audit.entries(audit.entries_size() - 1);
  EXPECT_EQ(entry.sequence(), after.audit_sequence());
  EXPECT_EQ(entry.action(), "SetConsent");
  EXPECT_EQ(entry.target(), name);
  EXPECT_EQ(entry.principal(), "dpo");
  EXPECT_EQ(entry.role(), "steward");
  EXPECT_EQ(entry.reason(), "DSR-9: asked to be mailed again");
  EXPECT_EQ(entry.request_id(), "req-9");
  EXPECT_EQ(entry.details(), "email_marketing GRANTED (effective: DENIED)");
  // Denying a granted person's analytics drops it from analytics reads.
  const std::string first = *granted.begin();
  set.set_name(first);
  set.set_purpose("personalization");
  set.set_state(hub::v1::DENIED);
  set.set_request_id("req-10");
  ASSERT_TRUE(governance->SetConsent(steward.Ctx().get(), set, &after).ok());
  EXPECT_EQ(Find(after, "personalization")->state(), hub::v1::DENIED);
  EXPECT_EQ(Find(after, "personalization")->source(), "api");

  // Bad input and roles.
  struct Bad {
    std::string name, purpose;
    hub::v1::ConsentState state;
    std::string reason;
    grpc::StatusCode code;
    std::string message;
  };
  const std::vector<Bad> bad = {
      {name, "ads", hub::v1::GRANTED, "r", grpc::StatusCode::INVALID_ARGUMENT,
       "purpose: unknown purpose \"ads\" (configured: analytics, email_marketing, "
       "personalization)"},
      {name, "analytics", hub::v1::CONSENT_STATE_UNSPECIFIED, "r",
       grpc::StatusCode::INVALID_ARGUMENT,
       "state: want GRANTED, DENIED or REVOKED, got CONSENT_STATE_UNSPECIFIED"},
      {name, "analytics", hub::v1::GRANTED, "", grpc::StatusCode::INVALID_ARGUMENT,
       "reason: required to set consent (e.g. the ticket of the person's request)"},
      {"profiles/x", "analytics", hub::v1::GRANTED, "r", grpc::StatusCode::INVALID_ARGUMENT,
       "name: expected \"profiles/{id}\" with a positive id, got \"profiles/x\""},
      {"profiles/999999", "analytics", hub::v1::GRANTED, "r", grpc::StatusCode::NOT_FOUND, ""},
  };
  for (const Bad& b : bad) {
    hub::v1::SetConsentRequest req;
    req.set_name(b.name);
    req.set_purpose(b.purpose);
    req.set_state(b.state);
    req.set_reason(b.reason);
    s = governance->SetConsent(steward.Ctx().get(), req, &after);
    EXPECT_EQ(s.error_code(), b.code) << b.message;
    if (!b.message.empty()) {
      EXPECT_EQ(s.error_message(), b.message);
    }
  }
  hub::v1::GetConsentRequest no_one;
  s = governance->GetConsent(steward.Ctx().get(), no_one, &after);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "name: required (or identifier_type and identifier_value)");
  no_one.set_identifier_type("email");
  no_one.set_identifier_value("nobody@nowhere.example");
  s = governance->GetConsent(steward.Ctx().get(), no_one, &after);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  auto service_governance = hub::v1::GovernanceService::NewStub(service.channel());
  hub::v1::GetConsentRequest by_name;
  by_name.set_name(name);
  EXPECT_TRUE(service_governance->GetConsent(service.Ctx().get(), by_name, &after).ok());
  set.set_name(name);
  s = service_governance->SetConsent(service.Ctx().get(), set, &after);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // hubctl: the table, and a set by email with its request id.
  const std::string ctl = absl::StrCat("HUB_TOKEN=", kToken, " ", HUBCTL_BIN, " --server ",
                                       (*hubd)->address());
  out.clear();
  ASSERT_EQ(RunShell(absl::StrCat(ctl, " consent get --email ", unsubscribed, " 2>&1"), &out), 0)
      << out;
  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u) << out;
  EXPECT_EQ(lines[0], name);
  std::vector<std::string> header = absl::StrSplit(lines[1], ' ', absl::SkipEmpty());
  EXPECT_EQ(header, (std::vector<std::string>{"PURPOSE", "STATE", "SOURCE", "TIME"}));
  std::vector<std::string> row = absl::StrSplit(lines[3], ' ', absl::SkipEmpty());
  ASSERT_GE(row.size(), 4u) << lines[3];
  EXPECT_EQ(row[0], "email_marketing");
  EXPECT_EQ(row[1], "DENIED");
  // The newest denial decides (the steward's later GRANTED does not); of the
  // two sources' equal ones, the later-sorting name.
  EXPECT_EQ(row[2], "mc-api");
  out.clear();
  EXPECT_EQ(RunShell(absl::StrCat(ctl, " consent set ", name,
                                  " --purpose analytics --state granted 2>&1"),
                     &out),
            2)
      << out;
  out.clear();
  ASSERT_EQ(RunShell(absl::StrCat(ctl, " consent set --email ", unsubscribed,
                                  " --purpose analytics --state revoked --reason DSR-11"
                                  " --request-id req-11 2>&1"),
                     &out),
            0)
      << out;
  lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 6u) << out;
  EXPECT_EQ(lines[0].find("set analytics REVOKED (audit entry "), 0u) << lines[0];
  row = absl::StrSplit(lines[3], ' ', absl::SkipEmpty());
  EXPECT_EQ(row[0], "analytics");
  EXPECT_EQ(row[1], "REVOKED");
  EXPECT_EQ(row[2], "api");
  out.clear();
  ASSERT_EQ(RunShell(absl::StrCat(ctl, " consent set --identifier email:", unsubscribed,
                                  " --purpose analytics --state revoked --reason DSR-11"
                                  " --request-id req-11 2>&1"),
                     &out),
            0)
      << out;
  EXPECT_EQ(out.find("unchanged: request req-11 was applied already\n"), 0u) << out;

  const int status = (*hubd)->Stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << (*hubd)->Stderr();
}

}  // namespace
}  // namespace hub
