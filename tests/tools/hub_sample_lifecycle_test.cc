// The lifecycle truth (truth/stages.csv, truth/funnel.csv) of hand-built
// worlds written through Truth.
#include <algorithm>
#include <filesystem>
#include <string>

#include "gtest/gtest.h"
#include "tests/tools/export_reader.h"
#include "tests/tools/hub_sample_test_util.h"
#include "tools/hub_sample/civil_time.h"
#include "tools/hub_sample/truth.h"

namespace hub::sample {
namespace {

int64_t Us(int y, int m, int d, int hour = 0) {
  return Micros(DaysFromCivil(y, m, d) * kDay + hour * kHour);
}

// Writes `truth` for the window 2024-01-01 .. 2024-07-01 into a fresh
// folder; returns it.
std::string WriteTruth(Truth* truth, const std::string& name,
                       TruthSummary* summary) {
  const std::string dir = testing::FreshDir(name);
  std::filesystem::create_directories(dir);
  const absl::Status status =
      truth->Write(dir, "{}", DaysFromCivil(2024, 1, 1) * kDay,
                   DaysFromCivil(2024, 7, 1) * kDay, summary);
  EXPECT_TRUE(status.ok()) << status;
  return dir;
}

bool HasLine(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(HubSampleLifecycleTruth, ALeadJoinsTheAccountHoldingItsEmailDomain) {
  Truth truth;
  RecordFacts account;
  account.updated = Us(2023, 12, 1);
  account.industry = "Retail";
  account.tier = "smb";
  account.region = "na";
  truth.Add(Source::kSalesforce, Entity::kAccount, "001A", -1, 0,
            {{IdType::kAccountId, "001A"},
             {IdType::kDomain, "https://www.acme.example"}},
            account);
  RecordFacts lead;
  lead.created = Us(2024, 1, 10, 9);
  lead.updated = Us(2024, 2, 1);
  lead.lead_status = "Marketing Qualified";
  truth.Add(
      Source::kSalesforce, Entity::kLead, "00QA", 0, 0,
      {{IdType::kLeadId, "00QA"}, {IdType::kEmail, " Jane.Doe@Acme.example "}},
      lead);
  OpportunityFacts won;
  won.created = Us(2024, 3, 1, 10);
  won.closed = Us(2024, 4, 15);
  won.won = true;
  truth.AddOpportunity("006A", 0, "001A", won);
  RecordFacts archived;  // a tombstone: identifies, contributes nothing
  archived.updated = Us(2023, 6, 1);
  archived.deleted = true;
  truth.Add(
      Source::kMailchimp, Entity::kContact, "m1", 0, 0,
      {{IdType::kMemberId, "m1"}, {IdType::kEmail, "jane.doe@acme.example"}},
      archived);
  RecordFacts sent;  // carries an email: identifies at its time
  sent.occurred = Us(2024, 1, 5, 14);
  sent.event_type = "email_sent";
  truth.Add(
      Source::kMailchimp, Entity::kEmailActivity, "c1:m1:sent", 0, 0,
      {{IdType::kEmail, "jane.doe@acme.example"}, {IdType::kMemberId, "m1"}},
      sent);
  RecordFacts broken;  // quarantined: contributes nothing
  broken.updated = Us(2023, 1, 1);
  truth.Add(Source::kSegment, Entity::kContact, "anon-1", 0, 0,
            {{IdType::kAnonymousId, "anon-1"},
             {IdType::kEmail, "jane.doe.acme.example"}},
            broken, Broken::kEmail);
  RecordFacts view;
  view.occurred = Us(2024, 1, 2) + 123456;
  view.event_type = "page_view";
  truth.Add(Source::kGa4, Entity::kWebEvent, "p1:1704153600123456:page_view:0",
            1, -1, {{IdType::kPseudoId, "p1"}}, view);

  TruthSummary summary;
  const std::string dir = WriteTruth(&truth, "lifecycle_domain", &summary);
  EXPECT_EQ(testing::ReadFile(dir + "/stages.csv"),
            "side,fragment,seq,at,stage\n"
            "person,F1,0,2024-01-05T14:00:00.000000Z,ATTRACT\n"
            "person,F1,1,2024-01-05T14:00:00.000000Z,CAPTURE\n"
            "person,F1,2,2024-02-01T00:00:00.000000Z,NURTURE\n"
            "person,F1,3,2024-03-01T10:00:00.000000Z,CONVERT\n"
            "person,F1,4,2024-04-15T00:00:00.000000Z,EXPAND\n"
            "person,F2,0,2024-01-02T00:00:00.123456Z,ATTRACT\n"
            "account,G1,0,2024-01-05T14:00:00.000000Z,ATTRACT\n"
            "account,G1,1,2024-01-05T14:00:00.000000Z,CAPTURE\n"
            "account,G1,2,2024-02-01T00:00:00.000000Z,NURTURE\n"
            "account,G1,3,2024-03-01T10:00:00.000000Z,CONVERT\n"
            "account,G1,4,2024-04-15T00:00:00.000000Z,EXPAND\n");
  EXPECT_EQ(summary.lifecycle.person_profiles, 2);
  EXPECT_EQ(summary.lifecycle.person_transitions, 6);
  EXPECT_EQ(summary.lifecycle.account_profiles, 1);
  EXPECT_EQ(summary.lifecycle.account_transitions, 5);

  const std::string funnel = testing::ReadFile(dir + "/funnel.csv");
  // 2 sides x (6 months + 2 quarters + the window) x 4 segments x 5 stages.
  EXPECT_EQ(std::count(funnel.begin(), funnel.end(), '\n'), 1 + 360);
  EXPECT_EQ(funnel.rfind("side,start,end,segment,stage,entries,conv_num,"
                         "conv_den,median_days\n"
                         "person,2024-01-01,2024-02-01,,ATTRACT,2,1,2,0\n",
                         0),
            0u);
  for (const char* line : {
           "person,2024-01-01,2024-02-01,,CAPTURE,1,1,1,26",
           "person,2024-01-01,2024-07-02,,ATTRACT,2,1,2,0",
           "person,2024-01-01,2024-07-02,industry=Retail,ATTRACT,1,1,1,0",
           "person,2024-01-01,2024-07-02,industry=Retail,NURTURE,1,1,1,29",
           "person,2024-01-01,2024-07-02,tier=smb,CONVERT,1,1,1,44",
           "person,2024-01-01,2024-07-02,region=na,EXPAND,1,,,",
           "person,2024-04-01,2024-07-01,,EXPAND,1,,,",
           "account,2024-04-01,2024-05-01,,EXPAND,1,,,",
           "account,2024-03-01,2024-04-01,region=na,CONVERT,1,1,1,44",
           "account,2024-05-01,2024-06-01,,ATTRACT,0,0,0,",
       }) {
    EXPECT_TRUE(HasLine(funnel, line)) << line;
  }
}

TEST(HubSampleLifecycleTruth, TheLatestRecordNamingAnAccountDecidesIt) {
  Truth truth;
  RecordFacts account;
  account.updated = Us(2023, 12, 1);
  account.industry = "Media";
  account.tier = "mid";
  account.region = "emea";
  truth.Add(Source::kSalesforce, Entity::kAccount, "001B", -1, 0,
            {{IdType::kAccountId, "001B"}}, account);  // no website
  OpportunityFacts won;
  won.created = Us(2024, 1, 15);
  won.closed = Us(2024, 2, 1);
  won.won = true;
  truth.AddOpportunity("006B", 0, "001B", won);
  RecordFacts organization;
  organization.updated = Us(2023, 12, 2);
  truth.Add(
      Source::kZendesk, Entity::kAccount, "77", -1, 0,
      {{IdType::kOrganizationId, "77"}, {IdType::kDomain, "beta.example"}},
      organization);
  RecordFacts contact;
  contact.created = Us(2024, 1, 10);
  contact.updated = Us(2024, 1, 20);
  contact.account = {IdType::kAccountId, "001B"};
  truth.Add(
      Source::kSalesforce, Entity::kContact, "003B", 0, 0,
      {{IdType::kContactId, "003B"}, {IdType::kEmail, "sam@beta.example"}},
      contact);
  RecordFacts user;  // later: its organization is the current account
  user.updated = Us(2024, 3, 1);
  user.account = {IdType::kOrganizationId, "77"};
  truth.Add(
      Source::kZendesk, Entity::kContact, "501", 0, 0,
      {{IdType::kZendeskUserId, "501"}, {IdType::kEmail, "Sam@Beta.example"}},
      user);
  RecordFacts lead;  // the latest, but a tombstone: decides nothing
  lead.created = Us(2023, 12, 1);
  lead.updated = Us(2024, 4, 1);
  lead.deleted = true;
  lead.account = {IdType::kAccountId, "001B"};
  truth.Add(Source::kSalesforce, Entity::kLead, "00QB", 0, 0,
            {{IdType::kLeadId, "00QB"}, {IdType::kEmail, "sam@beta.example"}},
            lead);

  TruthSummary summary;
  const std::string dir = WriteTruth(&truth, "lifecycle_latest", &summary);
  EXPECT_EQ(testing::ReadFile(dir + "/stages.csv"),
            "side,fragment,seq,at,stage\n"
            "person,F1,0,2024-01-10T00:00:00.000000Z,ATTRACT\n"
            "person,F1,1,2024-01-10T00:00:00.000000Z,CAPTURE\n"
            "account,G1,0,2024-01-15T00:00:00.000000Z,ATTRACT\n"
            "account,G1,1,2024-01-15T00:00:00.000000Z,CAPTURE\n"
            "account,G1,2,2024-01-15T00:00:00.000000Z,NURTURE\n"
            "account,G1,3,2024-01-15T00:00:00.000000Z,CONVERT\n"
            "account,G1,4,2024-02-01T00:00:00.000000Z,EXPAND\n"
            "account,G2,0,2024-01-10T00:00:00.000000Z,ATTRACT\n"
            "account,G2,1,2024-01-10T00:00:00.000000Z,CAPTURE\n");
  const std::string funnel = testing::ReadFile(dir + "/funnel.csv");
  for (const char* line : {
           "person,2024-01-01,2024-07-02,,ATTRACT,1,1,1,0",
           "person,2024-01-01,2024-07-02,tier=mid,ATTRACT,0,0,0,",
           "account,2024-01-01,2024-07-02,,ATTRACT,2,2,2,0",
           "account,2024-01-01,2024-07-02,,CAPTURE,2,1,2,0",
           "account,2024-01-01,2024-07-02,tier=mid,ATTRACT,1,1,1,0",
           "account,2024-01-01,2024-07-02,tier=mid,CONVERT,1,1,1,17",
           "account,2024-01-01,2024-07-02,industry=Media,EXPAND,1,,,",
       }) {
    EXPECT_TRUE(HasLine(funnel, line)) << line;
  }
}

}  // namespace
}  // namespace hub::sample
