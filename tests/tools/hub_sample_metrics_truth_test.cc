// The metrics truth (truth/metrics.csv, truth/customer_value.csv): hand-built
// worlds through Truth, and a generated world checked against its own export
// files, stages.csv and funnel.csv.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/tools/export_reader.h"
#include "tests/tools/hub_sample_test_util.h"
#include "tools/hub_sample/civil_time.h"
#include "tools/hub_sample/truth.h"

namespace hub::sample {
namespace {

int64_t Us(int y, int m, int d, int hour = 0, int minute = 0) {
  return Micros(DaysFromCivil(y, m, d) * kDay + hour * kHour +
                minute * kMinute);
}

// Writes `truth` for the window 2024-01-01 .. 2024-07-01 into a fresh
// folder; returns it.
std::string WriteTruth(Truth* truth, const std::string& name) {
  const std::string dir = testing::FreshDir(name);
  std::filesystem::create_directories(dir);
  TruthSummary summary;
  const absl::Status status =
      truth->Write(dir, "{}", DaysFromCivil(2024, 1, 1) * kDay,
                   DaysFromCivil(2024, 7, 1) * kDay, &summary);
  EXPECT_TRUE(status.ok()) << status;
  return dir;
}

// The lines of a CSV file after its header.
std::set<std::string> Lines(const std::string& path) {
  const std::string text = testing::ReadFile(path);
  std::set<std::string> lines;
  size_t begin = text.find('\n') + 1;
  for (size_t end; (end = text.find('\n', begin)) != std::string::npos;
       begin = end + 1) {
    lines.insert(text.substr(begin, end - begin));
  }
  return lines;
}

void ExpectLines(const std::string& path,
                 const std::vector<std::string>& expected) {
  const std::set<std::string> lines = Lines(path);
  for (const std::string& line : expected) {
    EXPECT_EQ(lines.count(line), 1u) << path << ": " << line;
  }
}

void AddAccount(Truth* truth, int account, const char* id, const char* domain,
                const char* industry, const char* tier, const char* region) {
  RecordFacts facts;
  facts.updated = Us(2022, 12, 1);
  facts.industry = industry;
  facts.tier = tier;
  facts.region = region;
  truth->Add(Source::kSalesforce, Entity::kAccount, id, -1, account,
             {{IdType::kAccountId, id}, {IdType::kDomain, domain}}, facts);
}

// A Mailchimp member (a CONTACT) changed at `updated`.
void AddMember(Truth* truth, int person, const char* member, const char* email,
               int64_t updated) {
  RecordFacts facts;
  facts.updated = updated;
  truth->Add(Source::kMailchimp, Entity::kContact, member, person, 0,
             {{IdType::kMemberId, member}, {IdType::kEmail, email}}, facts);
}

// An EMAIL_ACTIVITY of send (campaign, member).
void AddEmail(Truth* truth, int person, const char* campaign,
              const char* member, const char* email, const char* type,
              int64_t at) {
  RecordFacts facts;
  facts.occurred = at;
  facts.updated = at;
  facts.event_type = type;
  facts.campaign_id = campaign;
  truth->Add(Source::kMailchimp, Entity::kEmailActivity,
             std::string(campaign) + ":" + member + ":" + type + ":" +
                 std::to_string(at),
             person, 0, {{IdType::kEmail, email}, {IdType::kMemberId, member}},
             facts);
}

void AddLead(Truth* truth, int person, const char* id, const char* email,
             const char* status, int64_t created, int64_t updated,
             bool deleted = false, Broken broken = Broken::kNone) {
  RecordFacts facts;
  facts.created = created;
  facts.updated = updated;
  facts.lead_status = status;
  facts.deleted = deleted;
  truth->Add(Source::kSalesforce, Entity::kLead, id, person, 0,
             {{IdType::kLeadId, id}, {IdType::kEmail, email}}, facts, broken);
}

void AddWebEvent(Truth* truth, int person, Source source, IdRef id,
                 const char* type, int64_t at, const char* email = "") {
  RecordFacts facts;
  facts.occurred = at;
  facts.updated = at;
  facts.event_type = type;
  truth->Add(source, Entity::kWebEvent,
             std::string(id.value) + ":" + std::to_string(at), person, -1,
             {id, {IdType::kEmail, email}}, facts);
}

TEST(HubSampleMetricsTruth, EmailsLeadsAndVisitorsOfAProspect) {
  Truth truth;
  AddAccount(&truth, 0, "001A", "https://acme.example", "Retail", "smb", "na");
  for (const auto& [person, member, email] :
       {std::tuple{0, "m1", "jane@acme.example"},
        {1, "m2", "kim@acme.example"},
        {2, "m3", "lee@acme.example"},
        {3, "m4", "ray@acme.example"}}) {
    AddMember(&truth, person, member, email, Us(2024, 1, 5));
  }
  AddLead(&truth, 0, "00QA", "Jane@Acme.example", "Marketing Qualified",
          Us(2024, 1, 10, 9), Us(2024, 2, 1));
  AddLead(&truth, 6, "00QD", "old@acme.example", "Sales Qualified",
          Us(2024, 1, 20), Us(2024, 2, 3), /*deleted=*/true);
  AddLead(&truth, 7, "00QB", "tim@acme.example", "Sales Accepted",
          Us(2024, 1, 20), Us(2024, 2, 4), false, Broken::kTimestamp);
  AddLead(&truth, 8, "00QC", "sal@acme.example", "Sales Accepted",
          Us(2024, 3, 1), Us(2024, 3, 5));

  // Campaign c1 (sent 2024-01-15 10:00): m1 opens twice (once in
  // February) and clicks; m2 bounces, then "opens"; m3 unsubscribes.
  const int64_t c1 = Us(2024, 1, 15, 10);
  AddEmail(&truth, 0, "c1", "m1", "jane@acme.example", "email_sent", c1);
  AddEmail(&truth, 0, "c1", "m1", "jane@acme.example", "email_opened",
           Us(2024, 1, 15, 11));
  AddEmail(&truth, 0, "c1", "m1", "jane@acme.example", "email_clicked",
           Us(2024, 1, 15, 11, 1));
  AddEmail(&truth, 0, "c1", "m1", "jane@acme.example", "email_opened",
           Us(2024, 2, 2, 9));
  AddEmail(&truth, 1, "c1", "m2", "kim@acme.example", "email_sent", c1);
  AddEmail(&truth, 1, "c1", "m2", "kim@acme.example", "email_bounced", c1);
  AddEmail(&truth, 1, "c1", "m2", "kim@acme.example", "email_opened",
           Us(2024, 1, 16));
  AddEmail(&truth, 2, "c1", "m3", "lee@acme.example", "email_sent", c1);
  AddEmail(&truth, 2, "c1", "m3", "lee@acme.example", "email_unsubscribed",
           Us(2024, 1, 20));
  // Campaign c2 (2024-02-05): m4 clicks without an open; an open of m1 for
  // c2 has no send.
  const int64_t c2 = Us(2024, 2, 5, 10);
  AddEmail(&truth, 3, "c2", "m4", "ray@acme.example", "email_sent", c2);
  AddEmail(&truth, 3, "c2", "m4", "ray@acme.example", "email_clicked",
           Us(2024, 2, 5, 12));
  AddEmail(&truth, 0, "c2", "m1", "jane@acme.example", "email_opened",
           Us(2024, 2, 6));

  // Visitors: a GA4 cookie (ATTRACT throughout); a Segment cookie that
  // identifies with a form on 2024-02-10 (its later page is CAPTURE's, and
  // so is the form itself).
  AddWebEvent(&truth, 4, Source::kGa4, {IdType::kPseudoId, "g1"}, "page_view",
              Us(2024, 1, 2));
  AddWebEvent(&truth, 4, Source::kGa4, {IdType::kPseudoId, "g1"}, "page_view",
              Us(2024, 1, 3));
  AddWebEvent(&truth, 4, Source::kGa4, {IdType::kPseudoId, "g1"},
              "session_start", Us(2024, 4, 3));
  AddWebEvent(&truth, 5, Source::kSegment, {IdType::kAnonymousId, "a1"},
              "page_view", Us(2024, 1, 20, 10));
  AddWebEvent(&truth, 5, Source::kSegment, {IdType::kAnonymousId, "a1"},
              "form_submitted", Us(2024, 2, 10), "bob@gmail.com");
  AddWebEvent(&truth, 5, Source::kSegment, {IdType::kAnonymousId, "a1"},
              "page_view", Us(2024, 2, 11));

  const std::string dir = WriteTruth(&truth, "metrics_prospect");
  const std::string metrics = dir + "/metrics.csv";
  const std::string head = testing::ReadFile(metrics).substr(0, 200);
  EXPECT_EQ(head.substr(0, head.find('\n', head.find('\n') + 1) + 1),
            "side,start,end,segment,metric,numerator,denominator,value\n"
            "person,2024-01-01,2024-02-01,,anonymous_visitors,2,,\n");
  // 9 periods x 4 segments x 28 metrics.
  EXPECT_EQ(Lines(metrics).size(), 9u * 4 * 28);
  ExpectLines(
      metrics,
      {
          "person,2024-01-01,2024-02-01,,page_views,3,,",
          "person,2024-02-01,2024-03-01,,anonymous_visitors,0,,",
          "person,2024-02-01,2024-03-01,,page_views,1,,",
          "person,2024-04-01,2024-05-01,,anonymous_visitors,1,,",
          "person,2024-04-01,2024-05-01,,page_views,0,,",
          "person,2024-01-01,2024-04-01,,anonymous_visitors,2,,",
          "person,2024-01-01,2024-07-02,,anonymous_visitors,2,,",
          "person,2024-01-01,2024-07-02,industry=Retail,anonymous_visitors,0,,",
          // CAPTURE: the members identify on 2024-01-05, the form on
          // 2024-02-10, lead 00QC on 2024-03-01.
          "person,2024-01-01,2024-02-01,,new_leads,4,,",
          "person,2024-02-01,2024-03-01,,new_leads,1,,",
          "person,2024-01-01,2024-02-01,,visitor_to_lead_rate,5,6,0.833333",
          "person,2024-02-01,2024-03-01,,mqls,1,,",
          "person,2024-02-01,2024-03-01,,sqls,0,,",
          "person,2024-02-01,2024-03-01,,sals,0,,",
          "person,2024-03-01,2024-04-01,,sals,1,,",
          "person,2024-01-01,2024-07-02,tier=smb,mqls,1,,",
          "person,2024-01-01,2024-07-02,tier=smb,sals,1,,",
          "person,2024-01-01,2024-07-02,,sqls,0,,",
          // NURTURE.
          "person,2024-01-01,2024-02-01,,sends,3,,",
          "person,2024-01-01,2024-02-01,,delivered,2,,",
          "person,2024-01-01,2024-02-01,,unique_open_rate,1,2,0.500000",
          "person,2024-01-01,2024-02-01,,click_through_rate,1,2,0.500000",
          "person,2024-01-01,2024-02-01,,click_to_open_rate,1,1,1.000000",
          "person,2024-01-01,2024-02-01,,unsubscribe_rate,1,2,0.500000",
          "person,2024-01-01,2024-02-01,,bounce_rate,1,3,0.333333",
          "person,2024-02-01,2024-03-01,,sends,1,,",
          "person,2024-02-01,2024-03-01,,unique_open_rate,0,1,0.000000",
          "person,2024-02-01,2024-03-01,,click_to_open_rate,1,0,",
          "person,2024-03-01,2024-04-01,,sends,0,,",
          "person,2024-03-01,2024-04-01,,delivered,0,,",
          "person,2024-03-01,2024-04-01,,unique_open_rate,0,0,",
          "person,2024-03-01,2024-04-01,,bounce_rate,0,0,",
          "person,2024-01-01,2024-07-02,,click_to_open_rate,2,1,2.000000",
          "person,2024-01-01,2024-07-02,region=na,bounce_rate,1,4,0.250000",
          "person,2024-01-01,2024-07-02,region=na,customer_campaign_open_rate,"
          "0,0,",
          // Nothing else happened.
          "account,2024-01-01,2024-07-02,,opportunities_created,0,,",
          "account,2024-01-01,2024-07-02,,win_rate,0,0,",
          "account,2024-01-01,2024-07-02,,median_sales_cycle_days,,,",
          "account,2024-01-01,2024-07-02,,churn_rate,0,0,",
          "person,2024-01-01,2024-07-02,,nps,0,0,",
          "person,2024-01-01,2024-07-02,,csat,0,0,",
      });
  // new_leads and the two rates are the person funnel's.
  ExpectLines(dir + "/funnel.csv",
              {"person,2024-01-01,2024-02-01,,ATTRACT,6,5,6,0",
               "person,2024-01-01,2024-02-01,,CAPTURE,4,1,4,27",
               "person,2024-02-01,2024-03-01,,CAPTURE,1,0,1,"});
  ExpectLines(metrics,
              {"person,2024-01-01,2024-02-01,,lead_to_mql_rate,1,4,0.250000",
               "person,2024-02-01,2024-03-01,,lead_to_mql_rate,0,1,0.000000"});
  ExpectLines(dir + "/customer_value.csv",
              {"2024-01-01,2024-07-02,,,0,0,0,,,1",
               "2024-01-01,2024-07-02,industry,Retail,0,0,0,,,1"});
}

TEST(HubSampleMetricsTruth, OpportunitiesChurnSurveysAndCustomerValue) {
  Truth truth;
  AddAccount(&truth, 0, "001B", "b.example", "Media", "mid", "emea");
  AddAccount(&truth, 1, "001C", "c.example", "Retail", "smb", "na");
  AddAccount(&truth, 2, "001D", "d.example", "Software", "enterprise", "apac");
  const auto opportunity =
      [&](const char* id, int account, const char* account_id, int64_t created,
          int64_t closed, bool won, const char* type, int64_t amount) {
        OpportunityFacts o;
        o.created = created;
        o.closed = closed;
        o.won = won;
        o.renewal = std::string(type) == "Renewal";
        o.upsell = std::string(type) == "Upsell";
        o.amount = amount;
        truth.AddOpportunity(id, account, account_id, o);
      };
  // 001B: a customer since 2023 whose renewal is lost on 2024-02-15, after
  // an upsell won in January.
  opportunity("006B1", 0, "001B", Us(2023, 1, 1), Us(2023, 3, 1), true,
              "New Business", 10000);
  opportunity("006B2", 0, "001B", Us(2023, 12, 1), Us(2024, 2, 15), false,
              "Renewal", 12000);
  opportunity("006B3", 0, "001B", Us(2024, 1, 10), Us(2024, 1, 20), true,
              "Upsell", 3000);
  // 001C renews on 2024-05-01 after 88.5 days; 001D is won the day it is
  // created (CloseDate 00:00 before CreatedDate: -1 day).
  opportunity("006C1", 1, "001C", Us(2023, 6, 1, 10), Us(2023, 7, 1), true,
              "New Business", 20000);
  opportunity("006C2", 1, "001C", Us(2024, 2, 2, 12), Us(2024, 5, 1), true,
              "Renewal", 21000);
  opportunity("006D1", 2, "001D", Us(2024, 5, 10, 18), Us(2024, 5, 10), true,
              "New Business", 5000);

  // Ann of 001B: NPS through Segment, CSAT through Zendesk, two campaigns.
  RecordFacts contact;
  contact.created = Us(2023, 1, 5);
  contact.updated = Us(2023, 1, 5);
  contact.account = {IdType::kAccountId, "001B"};
  truth.Add(Source::kSalesforce, Entity::kContact, "003B", 0, 0,
            {{IdType::kContactId, "003B"}, {IdType::kEmail, "ann@b.example"}},
            contact);
  contact.created = Us(2023, 6, 5);
  contact.updated = Us(2023, 6, 5);
  contact.account = {IdType::kAccountId, "001C"};
  truth.Add(Source::kSalesforce, Entity::kContact, "003C", 1, 1,
            {{IdType::kContactId, "003C"}, {IdType::kEmail, "cy@c.example"}},
            contact);
  int n = 0;
  const auto survey = [&](const char* type, IdRef id, const char* score,
                          int64_t at) {
    RecordFacts facts;
    facts.occurred = at;
    facts.updated = at;
    facts.event_type = type;
    facts.score = score;
    truth.Add(Source::kSegment, Entity::kSurveyResponse,
              "s" + std::to_string(++n), 0, 0,
              {id, {IdType::kEmail, "ann@b.example"}}, facts);
  };
  const IdRef user = {IdType::kUserId, "u1"};
  survey("nps_response", user, "10", Us(2024, 1, 10));
  survey("nps_response", user, "9", Us(2024, 1, 11));
  survey("nps_response", user, "7", Us(2024, 1, 12));
  survey("nps_response", user, "3", Us(2024, 1, 13));
  survey("nps_response", user, "6", Us(2024, 2, 10));
  survey("nps_response", user, "0", Us(2024, 2, 11));
  const IdRef zendesk = {IdType::kZendeskUserId, "z1"};
  survey("csat_response", zendesk, "good", Us(2024, 1, 3));
  survey("csat_response", zendesk, "bad", Us(2024, 1, 4));
  survey("csat_response", zendesk, "good", Us(2024, 1, 5));
  AddMember(&truth, 0, "mb", "ann@b.example", Us(2023, 2, 1));
  AddMember(&truth, 1, "mc", "cy@c.example", Us(2023, 6, 10));
  // c9 (2024-01-20): both accounts are customers; c10 (2024-03-01): 001B
  // has churned.
  AddEmail(&truth, 0, "c9", "mb", "ann@b.example", "email_sent",
           Us(2024, 1, 20));
  AddEmail(&truth, 0, "c9", "mb", "ann@b.example", "email_opened",
           Us(2024, 1, 21));
  AddEmail(&truth, 1, "c9", "mc", "cy@c.example", "email_sent",
           Us(2024, 1, 20));
  AddEmail(&truth, 0, "c10", "mb", "ann@b.example", "email_sent",
           Us(2024, 3, 1));
  AddEmail(&truth, 0, "c10", "mb", "ann@b.example", "email_opened",
           Us(2024, 3, 2));
  AddEmail(&truth, 1, "c10", "mc", "cy@c.example", "email_sent",
           Us(2024, 3, 1));
  AddEmail(&truth, 1, "c10", "mc", "cy@c.example", "email_opened",
           Us(2024, 3, 3));
  AddEmail(&truth, 1, "c10", "mc", "cy@c.example", "email_clicked",
           Us(2024, 3, 3, 1));

  const std::string dir = WriteTruth(&truth, "metrics_customers");
  ExpectLines(dir + "/stages.csv",
              {"account,G1,4,2023-03-01T00:00:00.000000Z,EXPAND",
               "account,G1,5,2024-02-15T00:00:00.000000Z,CHURNED",
               "account,G2,4,2023-07-01T00:00:00.000000Z,EXPAND",
               "account,G3,4,2024-05-10T18:00:00.000000Z,EXPAND"});
  ExpectLines(
      dir + "/metrics.csv",
      {
          // CONVERT.
          "account,2024-01-01,2024-02-01,,opportunities_created,1,,",
          "account,2024-01-01,2024-02-01,,win_rate,1,1,1.000000",
          "account,2024-01-01,2024-02-01,,closed_won_revenue,3000,,",
          "account,2024-01-01,2024-02-01,,average_deal_size,3000,1,"
          "3000.000000",
          "account,2024-01-01,2024-02-01,,median_sales_cycle_days,,,10.000000",
          "account,2024-02-01,2024-03-01,,opportunities_created,1,,",
          "account,2024-02-01,2024-03-01,,win_rate,0,1,0.000000",
          "account,2024-02-01,2024-03-01,,closed_won_revenue,0,,",
          "account,2024-02-01,2024-03-01,,average_deal_size,0,0,",
          "account,2024-02-01,2024-03-01,,median_sales_cycle_days,,,",
          "account,2024-05-01,2024-06-01,,median_sales_cycle_days,,,43.500000",
          "account,2024-05-01,2024-06-01,industry=Retail,"
          "median_sales_cycle_days,,,88.000000",
          "account,2024-05-01,2024-06-01,tier=enterprise,"
          "median_sales_cycle_days,,,-1.000000",
          "account,2024-01-01,2024-07-02,,opportunities_created,3,,",
          "account,2024-01-01,2024-07-02,,win_rate,3,4,0.750000",
          "account,2024-01-01,2024-07-02,,closed_won_revenue,29000,,",
          "account,2024-01-01,2024-07-02,,average_deal_size,29000,3,"
          "9666.666667",
          "account,2024-01-01,2024-07-02,,median_sales_cycle_days,,,10.000000",
          // EXPAND.
          "account,2024-01-01,2024-02-01,,churn_rate,0,2,0.000000",
          "account,2024-02-01,2024-03-01,,churn_rate,1,2,0.500000",
          "account,2024-03-01,2024-04-01,,churn_rate,0,1,0.000000",
          "account,2024-05-01,2024-06-01,,churn_rate,0,1,0.000000",
          "account,2024-06-01,2024-07-01,,churn_rate,0,2,0.000000",
          "account,2024-01-01,2024-04-01,,churn_rate,1,2,0.500000",
          "account,2024-04-01,2024-07-01,,churn_rate,0,1,0.000000",
          "account,2024-01-01,2024-07-02,,churn_rate,1,2,0.500000",
          "account,2024-01-01,2024-07-02,industry=Media,churn_rate,1,1,"
          "1.000000",
          "account,2024-01-01,2024-07-02,industry=Software,churn_rate,0,0,",
          "account,2024-02-01,2024-03-01,,renewal_rate,0,1,0.000000",
          "account,2024-05-01,2024-06-01,,renewal_rate,1,1,1.000000",
          "account,2024-01-01,2024-07-02,,renewal_rate,1,2,0.500000",
          "account,2024-01-01,2024-02-01,,upsell_revenue_share,3000,3000,"
          "1.000000",
          "account,2024-01-01,2024-07-02,,upsell_revenue_share,3000,29000,"
          "0.103448",
          "account,2024-01-01,2024-07-02,,existing_customer_revenue_share,"
          "24000,29000,0.827586",
          "account,2024-05-01,2024-06-01,,existing_customer_revenue_share,"
          "21000,26000,0.807692",
          "person,2024-01-01,2024-02-01,,nps,1,4,25.000000",
          "person,2024-02-01,2024-03-01,,nps,-2,2,-100.000000",
          "person,2024-01-01,2024-04-01,industry=Media,nps,-1,6,-16.666667",
          "person,2024-01-01,2024-04-01,industry=Retail,nps,0,0,",
          "person,2024-01-01,2024-02-01,,csat,2,3,0.666667",
          "person,2024-01-01,2024-02-01,tier=mid,csat,2,3,0.666667",
          "person,2024-01-01,2024-02-01,,customer_campaign_open_rate,1,2,"
          "0.500000",
          "person,2024-01-01,2024-02-01,,customer_campaign_click_through_rate,"
          "0,2,0.000000",
          "person,2024-03-01,2024-04-01,,unique_open_rate,2,2,1.000000",
          "person,2024-03-01,2024-04-01,,customer_campaign_open_rate,1,1,"
          "1.000000",
          "person,2024-03-01,2024-04-01,,customer_campaign_click_through_rate,"
          "1,1,1.000000",
          "person,2024-03-01,2024-04-01,industry=Media,"
          "customer_campaign_open_rate,0,0,",
          "person,2024-03-01,2024-04-01,industry=Media,unique_open_rate,1,1,"
          "1.000000",
      });
  const std::string value = dir + "/customer_value.csv";
  EXPECT_EQ(testing::ReadFile(value).rfind(
                "start,end,dimension,segment,accounts_at_start,revenue,"
                "churned,revenue_per_account,clv,rank\n",
                0),
            0u);
  // 9 periods x (overall + 3 industries + 3 tiers + 3 regions).
  EXPECT_EQ(Lines(value).size(), 9u * 10);
  ExpectLines(value, {
                         "2024-01-01,2024-02-01,,,2,3000,0,1500.000000,,1",
                         "2024-01-01,2024-04-01,,,2,3000,1,1500.000000,"
                         "2250.000000,1",
                         "2024-01-01,2024-07-02,,,2,29000,1,14500.000000,"
                         "21750.000000,1",
                         "2024-01-01,2024-07-02,industry,Media,1,3000,1,"
                         "3000.000000,2250.000000,1",
                         "2024-01-01,2024-07-02,industry,Retail,1,21000,0,"
                         "21000.000000,,2",
                         "2024-01-01,2024-07-02,industry,Software,0,5000,0,,,3",
                         "2024-01-01,2024-07-02,tier,enterprise,0,5000,0,,,2",
                         "2024-01-01,2024-07-02,tier,mid,1,3000,1,3000.000000,"
                         "2250.000000,1",
                         "2024-01-01,2024-07-02,tier,smb,1,21000,0,"
                         "21000.000000,,3",
                         "2024-01-01,2024-07-02,region,apac,0,5000,0,,,2",
                         "2024-01-01,2024-07-02,region,emea,1,3000,1,"
                         "3000.000000,2250.000000,1",
                         "2024-01-01,2024-07-02,region,na,1,21000,0,"
                         "21000.000000,,3",
                         "2024-03-01,2024-04-01,,,1,0,0,0.000000,,1",
                     });
}

}  // namespace
}  // namespace hub::sample

namespace hub::sample::testing {
namespace {

using Row = std::vector<std::string>;

std::vector<Row> ReadCsv(const std::string& path) {
  std::vector<std::string> problems;
  std::vector<Row> rows;
  for (const auto& row : ParseCsv(ReadFile(path), &problems)) {
    rows.emplace_back();
    for (const CsvField& field : row) rows.back().push_back(field.value);
  }
  EXPECT_TRUE(problems.empty()) << path;
  return rows;
}

// Rows as maps by the header's names.
std::vector<std::map<std::string, std::string>> ReadTable(
    const std::string& path) {
  const std::vector<Row> rows = ReadCsv(path);
  std::vector<std::map<std::string, std::string>> table;
  for (size_t i = 1; i < rows.size(); ++i) {
    table.emplace_back();
    for (size_t k = 0; k < rows[0].size() && k < rows[i].size(); ++k) {
      table.back()[rows[0][k]] = rows[i][k];
    }
  }
  return table;
}

// num / den to 6 digits, halves away from zero (den > 0).
std::string Ratio(long long num, long long den) {
  const bool negative = num < 0;
  const unsigned long long a =
      static_cast<unsigned long long>(negative ? -num : num);
  const unsigned long long q = (2 * a * 1000000 + den) / (2 * den);
  char text[48];
  std::snprintf(text, sizeof text, "%s%llu.%06llu",
                negative && q > 0 ? "-" : "", q / 1000000, q % 1000000);
  return text;
}

const std::vector<std::string> kMetrics = {
    "anonymous_visitors",
    "page_views",
    "visitor_to_lead_rate",
    "new_leads",
    "mqls",
    "sals",
    "sqls",
    "lead_to_mql_rate",
    "sends",
    "delivered",
    "unique_open_rate",
    "click_through_rate",
    "click_to_open_rate",
    "unsubscribe_rate",
    "bounce_rate",
    "opportunities_created",
    "win_rate",
    "closed_won_revenue",
    "average_deal_size",
    "median_sales_cycle_days",
    "churn_rate",
    "renewal_rate",
    "upsell_revenue_share",
    "existing_customer_revenue_share",
    "nps",
    "csat",
    "customer_campaign_open_rate",
    "customer_campaign_click_through_rate"};
const std::set<std::string> kAccountMetrics = {
    "opportunities_created",
    "win_rate",
    "closed_won_revenue",
    "average_deal_size",
    "median_sales_cycle_days",
    "churn_rate",
    "renewal_rate",
    "upsell_revenue_share",
    "existing_customer_revenue_share"};
const std::set<std::string> kCounts = {"anonymous_visitors",
                                       "page_views",
                                       "new_leads",
                                       "mqls",
                                       "sals",
                                       "sqls",
                                       "sends",
                                       "delivered",
                                       "opportunities_created",
                                       "closed_won_revenue"};

constexpr char kStart[] = "2024-01-01", kEnd[] = "2026-01-02";

bool InWindow(const std::string& time) { return time >= kStart && time < kEnd; }

struct Figures {
  std::string side, numerator, denominator, value;
  long long num() const { return std::stoll(numerator); }
  long long den() const { return std::stoll(denominator); }
};

// A generated world (20 accounts, seed 3) read back once.
class HubSampleMetricsWorldTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(FreshDir("metrics_20_3"));
    ASSERT_EQ(RunHubSample("--out " + *dir_ + " --accounts 20 --seed 3"), 0);
    rows_ = new std::vector<Row>(ReadCsv(*dir_ + "/truth/metrics.csv"));
    metrics_ = new std::map<std::string, Figures>;
    for (size_t i = 1; i < rows_->size(); ++i) {
      const Row& r = (*rows_)[i];
      ASSERT_EQ(r.size(), 8u) << i;
      (*metrics_)[Key(r[1], r[2], r[3], r[4])] = {r[0], r[5], r[6], r[7]};
    }
    funnel_ = new std::vector<Row>(ReadCsv(*dir_ + "/truth/funnel.csv"));
    for (size_t i = 1; i < funnel_->size(); ++i) {
      const Row& r = (*funnel_)[i];
      if (r[0] != "person") continue;
      if (periods_.empty() || periods_.back() != std::pair(r[1], r[2])) {
        if (std::find(periods_.begin(), periods_.end(),
                      std::pair(r[1], r[2])) == periods_.end()) {
          periods_.push_back({r[1], r[2]});
        }
      }
      if (std::find(segments_.begin(), segments_.end(), r[3]) ==
          segments_.end()) {
        segments_.push_back(r[3]);
      }
    }
  }

  static void TearDownTestSuite() {
    delete dir_;
    delete rows_;
    delete metrics_;
    delete funnel_;
  }

  static std::string Key(const std::string& start, const std::string& end,
                         const std::string& segment,
                         const std::string& metric) {
    return start + "," + end + "," + segment + "," + metric;
  }
  static const Figures& Get(const std::pair<std::string, std::string>& period,
                            const std::string& segment,
                            const std::string& metric) {
    static const Figures kMissing;
    const auto it =
        metrics_->find(Key(period.first, period.second, segment, metric));
    EXPECT_NE(it, metrics_->end())
        << period.first << " " << segment << " " << metric;
    return it == metrics_->end() ? kMissing : it->second;
  }
  static const Figures& Whole(const std::string& metric) {
    return Get({kStart, kEnd}, "", metric);
  }

  static std::string* dir_;
  static std::vector<Row>* rows_;
  static std::map<std::string, Figures>* metrics_;
  static std::vector<Row>* funnel_;
  static std::vector<std::pair<std::string, std::string>> periods_;
  static std::vector<std::string> segments_;
};

std::string* HubSampleMetricsWorldTest::dir_ = nullptr;
std::vector<Row>* HubSampleMetricsWorldTest::rows_ = nullptr;
std::map<std::string, Figures>* HubSampleMetricsWorldTest::metrics_ = nullptr;
std::vector<Row>* HubSampleMetricsWorldTest::funnel_ = nullptr;
std::vector<std::pair<std::string, std::string>>
    HubSampleMetricsWorldTest::periods_;
std::vector<std::string> HubSampleMetricsWorldTest::segments_;

// Every period and segment of funnel.csv, every metric in the page's order,
// each printed as its kind says.
TEST_F(HubSampleMetricsWorldTest, RowsFollowTheFunnelsPeriodsAndSegments) {
  ASSERT_EQ(periods_.size(), 24u + 8 + 1);
  ASSERT_GT(segments_.size(), 10u);
  ASSERT_EQ((*rows_)[0], (Row{"side", "start", "end", "segment", "metric",
                              "numerator", "denominator", "value"}));
  ASSERT_EQ(rows_->size(), 1 + periods_.size() * segments_.size() * 28);
  size_t i = 1;
  for (const auto& [start, end] : periods_) {
    for (const std::string& segment : segments_) {
      for (const std::string& metric : kMetrics) {
        const Row& r = (*rows_)[i++];
        ASSERT_EQ(Row(r.begin() + 1, r.begin() + 5),
                  (Row{start, end, segment, metric}));
        EXPECT_EQ(r[0], kAccountMetrics.count(metric) ? "account" : "person");
        if (metric == "median_sales_cycle_days") {
          EXPECT_EQ(r[5] + r[6], "");
          if (!r[7].empty()) {
            EXPECT_EQ(r[7].size() - r[7].find('.'), 7u);
          }
        } else if (kCounts.count(metric)) {
          EXPECT_GE(std::stoll(r[5]), 0) << metric;
          EXPECT_EQ(r[6] + r[7], "") << metric;
        } else {
          const long long num = std::stoll(r[5]), den = std::stoll(r[6]);
          EXPECT_GE(den, 0);
          EXPECT_EQ(r[7], den == 0          ? ""
                          : metric == "nps" ? Ratio(100 * num, den)
                                            : Ratio(num, den))
              << metric;
        }
      }
    }
  }
}

// Rates stay rates, the funnel gives its three metrics, sends add up.
TEST_F(HubSampleMetricsWorldTest, InvariantsHoldInEveryPeriodAndSegment) {
  const std::vector<std::string> bounded = {
      "unique_open_rate",
      "click_through_rate",
      "click_to_open_rate",
      "unsubscribe_rate",
      "bounce_rate",
      "win_rate",
      "renewal_rate",
      "upsell_revenue_share",
      "existing_customer_revenue_share",
      "csat",
      "customer_campaign_open_rate",
      "customer_campaign_click_through_rate",
      "visitor_to_lead_rate",
      "lead_to_mql_rate"};
  std::map<std::string, const Row*> funnel;  // start,end,segment,stage
  for (size_t i = 1; i < funnel_->size(); ++i) {
    const Row& r = (*funnel_)[i];
    if (r[0] == "person") funnel[Key(r[1], r[2], r[3], r[4])] = &r;
  }
  for (const auto& period : periods_) {
    for (const std::string& segment : segments_) {
      const auto get = [&](const char* metric) -> const Figures& {
        return Get(period, segment, metric);
      };
      const std::string where =
          period.first + " " + period.second + " " + segment;
      for (const std::string& metric : bounded) {
        EXPECT_LE(get(metric.c_str()).num(), get(metric.c_str()).den())
            << where << " " << metric;
      }
      EXPECT_LE(std::abs(get("nps").num()), get("nps").den()) << where;
      const long long sends = get("sends").num(),
                      delivered = get("delivered").num();
      EXPECT_LE(delivered, sends) << where;
      EXPECT_EQ(get("bounce_rate").num(), sends - delivered) << where;
      EXPECT_EQ(get("bounce_rate").den(), sends) << where;
      for (const char* rate :
           {"unique_open_rate", "click_through_rate", "unsubscribe_rate"}) {
        EXPECT_EQ(get(rate).den(), delivered) << where << " " << rate;
      }
      EXPECT_EQ(get("click_to_open_rate").den(), get("unique_open_rate").num());
      EXPECT_EQ(get("click_to_open_rate").num(),
                get("click_through_rate").num());
      EXPECT_LE(get("customer_campaign_open_rate").den(), delivered);
      EXPECT_EQ(get("customer_campaign_click_through_rate").den(),
                get("customer_campaign_open_rate").den());
      const long long revenue = get("closed_won_revenue").num();
      EXPECT_EQ(get("average_deal_size").num(), revenue) << where;
      EXPECT_EQ(get("average_deal_size").den(), get("win_rate").num());
      EXPECT_EQ(get("upsell_revenue_share").den(), revenue);
      EXPECT_EQ(get("existing_customer_revenue_share").den(), revenue);
      EXPECT_EQ(get("median_sales_cycle_days").value.empty(),
                get("win_rate").num() == 0)
          << where;
      EXPECT_LE(get("renewal_rate").den(), get("win_rate").den());
      const Row& attract =
          *funnel.at(Key(period.first, period.second, segment, "ATTRACT"));
      const Row& capture =
          *funnel.at(Key(period.first, period.second, segment, "CAPTURE"));
      EXPECT_EQ(get("new_leads").numerator, capture[5]) << where;
      EXPECT_EQ(get("lead_to_mql_rate").numerator, capture[6]) << where;
      EXPECT_EQ(get("lead_to_mql_rate").denominator, capture[7]) << where;
      EXPECT_EQ(get("visitor_to_lead_rate").numerator, attract[6]) << where;
      EXPECT_EQ(get("visitor_to_lead_rate").denominator, attract[7]) << where;
    }
  }
  // Quarters add up their months for every additive figure.
  for (size_t q = 24; q < 32; ++q) {
    for (const std::string& segment : segments_) {
      for (const std::string& metric : kMetrics) {
        if (metric == "anonymous_visitors" || metric == "churn_rate" ||
            metric == "existing_customer_revenue_share" ||
            metric == "median_sales_cycle_days") {
          continue;
        }
        long long num = 0, den = 0;
        for (size_t m = 3 * (q - 24); m < 3 * (q - 24) + 3; ++m) {
          num += Get(periods_[m], segment, metric).num();
          if (!kCounts.count(metric))
            den += Get(periods_[m], segment, metric).den();
        }
        const Figures& quarter = Get(periods_[q], segment, metric);
        EXPECT_EQ(quarter.num(), num) << periods_[q].first << " " << metric;
        if (!kCounts.count(metric)) {
          EXPECT_EQ(quarter.den(), den) << metric;
        }
      }
    }
  }
  EXPECT_GT(Whole("sends").num(), 100);
  EXPECT_GT(Whole("anonymous_visitors").num(), 0);
  EXPECT_GT(Whole("churn_rate").den(), 0);
  EXPECT_GT(Whole("nps").den(), 0);
  EXPECT_GT(Whole("existing_customer_revenue_share").num(), 0);
  EXPECT_GT(Whole("customer_campaign_open_rate").num(), 0);
}

// The whole window's figures recomputed from the export files and
// records.csv (validity), stages.csv (churn).
TEST_F(HubSampleMetricsWorldTest, TheWindowsFiguresFollowFromTheFiles) {
  std::map<std::string, std::string> invalid;  // "source,entity,id" -> reason
  std::set<std::string> web_fragments;
  long long sent = 0, bounced = 0, ga4_views = 0;
  for (const Row& r : ReadCsv(*dir_ + "/truth/records.csv")) {
    invalid[r[0] + "," + r[1] + "," + r[2]] = r[6];
    if (!r[6].empty()) continue;
    const std::string& id = r[2];
    if (r[0] == "mailchimp") {
      sent += id.size() > 5 && id.substr(id.size() - 5) == ":sent";
      bounced += id.size() > 7 && id.substr(id.size() - 7) == ":bounce";
    }
    if (r[1] == "WEB_EVENT") web_fragments.insert(r[5]);
    if (r[0] == "ga4" && id.find(":page_view:") != std::string::npos) {
      ++ga4_views;
    }
  }
  EXPECT_EQ(Whole("sends").num(), sent);
  EXPECT_EQ(Whole("delivered").num(), sent - bounced);
  EXPECT_GT(bounced, 0);
  EXPECT_LE(Whole("anonymous_visitors").num(),
            static_cast<long long>(web_fragments.size()));

  // Segment: page views and NPS.
  long long pages = 0, responses = 0, net = 0;
  std::istringstream lines(ReadFile(*dir_ + "/segment/events.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json m = nlohmann::json::parse(line);
    const std::string id = m["messageId"];
    const std::string time = m["timestamp"].get<std::string>();
    if (m["type"] == "page") {
      pages += invalid.at("segment,WEB_EVENT," + id).empty() && InWindow(time);
    } else if (m["type"] == "track" && m["event"] == "Survey Responded" &&
               invalid.at("segment,SURVEY_RESPONSE," + id).empty() &&
               InWindow(time)) {
      ++responses;
      const int score = m["properties"]["score"];
      net += score >= 9 ? 1 : score <= 6 ? -1 : 0;
    }
  }
  EXPECT_EQ(Whole("page_views").num(), pages + ga4_views);
  EXPECT_EQ(Whole("nps").num(), net);
  EXPECT_EQ(Whole("nps").den(), responses);

  // Zendesk: CSAT.
  long long ratings = 0, good = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(*dir_ + "/zendesk")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("satisfaction_ratings-", 0) != 0) continue;
    const nlohmann::json page =
        nlohmann::json::parse(ReadFile(entry.path().string()));
    for (const auto& r : page["satisfaction_ratings"]) {
      if (!InWindow(r["created_at"].get<std::string>())) continue;
      ++ratings;
      good += r["score"] == "good";
    }
  }
  EXPECT_EQ(Whole("csat").num(), good);
  EXPECT_EQ(Whole("csat").den(), ratings);
  EXPECT_GT(ratings, 0);

  // Salesforce: lead statuses, opportunities.
  std::map<std::string, long long> statuses;
  for (const auto& l : ReadTable(*dir_ + "/salesforce/Lead.csv")) {
    if (l.at("Id").empty() || l.at("IsDeleted") == "true" ||
        !invalid.at("salesforce,LEAD," + l.at("Id")).empty() ||
        !InWindow(l.at("SystemModstamp"))) {
      continue;
    }
    statuses[l.at("Status")]++;
  }
  EXPECT_EQ(Whole("mqls").num(), statuses["Marketing Qualified"]);
  EXPECT_EQ(Whole("sals").num(), statuses["Sales Accepted"]);
  EXPECT_EQ(Whole("sqls").num(), statuses["Sales Qualified"]);
  long long created = 0, closed = 0, won = 0, revenue = 0, upsell = 0,
            renewals = 0, renewed = 0;
  for (const auto& o : ReadTable(*dir_ + "/salesforce/Opportunity.csv")) {
    created += InWindow(o.at("CreatedDate"));
    if (o.at("IsClosed") != "true" || !InWindow(o.at("CloseDate"))) continue;
    const bool is_won = o.at("IsWon") == "true";
    const long long amount = std::stoll(o.at("Amount"));  // "12300.00"
    ++closed;
    renewals += o.at("Type") == "Renewal";
    if (!is_won) continue;
    ++won;
    revenue += amount;
    renewed += o.at("Type") == "Renewal";
    if (o.at("Type") == "Upsell") upsell += amount;
  }
  EXPECT_EQ(Whole("opportunities_created").num(), created);
  EXPECT_EQ(Whole("win_rate").num(), won);
  EXPECT_EQ(Whole("win_rate").den(), closed);
  EXPECT_EQ(Whole("closed_won_revenue").num(), revenue);
  EXPECT_EQ(Whole("renewal_rate").num(), renewed);
  EXPECT_EQ(Whole("renewal_rate").den(), renewals);
  EXPECT_EQ(Whole("upsell_revenue_share").num(), upsell);

  // Churn, per period, from the account histories in stages.csv.
  std::map<std::string, std::vector<Row>> accounts;
  for (const Row& r : ReadCsv(*dir_ + "/truth/stages.csv")) {
    if (r[0] == "account") accounts[r[1]].push_back(r);
  }
  for (const auto& [start, end] : periods_) {
    long long churned = 0, at_start = 0;
    const std::string from = start + "T00:00:00.000000Z",
                      to = end + "T00:00:00.000000Z";
    for (const auto& [fragment, history] : accounts) {
      std::string stage;
      bool churns = false;
      for (const Row& t : history) {
        if (t[3] <= from) stage = t[4];
        churns |= t[4] == "CHURNED" && t[3] >= from && t[3] < to;
      }
      churned += churns;
      at_start += stage == "EXPAND";
    }
    const Figures& churn = Get({start, end}, "", "churn_rate");
    EXPECT_EQ(churn.num(), churned) << start << " " << end;
    EXPECT_EQ(churn.den(), at_start) << start << " " << end;
  }
}

// customer_value.csv: the churn and revenue figures of metrics.csv, the
// exact ratios, ranks 1..n within each period and dimension.
TEST_F(HubSampleMetricsWorldTest, CustomerValueFollowsFromTheMetrics) {
  const std::vector<Row> rows = ReadCsv(*dir_ + "/truth/customer_value.csv");
  ASSERT_EQ(rows[0],
            (Row{"start", "end", "dimension", "segment", "accounts_at_start",
                 "revenue", "churned", "revenue_per_account", "clv", "rank"}));
  ASSERT_EQ(rows.size(), 1 + periods_.size() * segments_.size());
  std::map<std::string, std::vector<const Row*>> groups;
  for (size_t i = 1; i < rows.size(); ++i) {
    const Row& r = rows[i];
    ASSERT_EQ(r.size(), 10u);
    const size_t p = (i - 1) / segments_.size();
    const std::string& label = segments_[(i - 1) % segments_.size()];
    EXPECT_EQ(r[0] + "," + r[1], periods_[p].first + "," + periods_[p].second);
    EXPECT_EQ(r[2].empty() ? r[3] : r[2] + "=" + r[3], label);
    const Figures& churn = Get(periods_[p], label, "churn_rate");
    const long long a = std::stoll(r[4]), revenue = std::stoll(r[5]),
                    churned = std::stoll(r[6]);
    EXPECT_EQ(a, churn.den());
    EXPECT_EQ(churned, churn.num());
    EXPECT_EQ(revenue, Get(periods_[p], label, "closed_won_revenue").num());
    EXPECT_EQ(r[7], a == 0 ? "" : Ratio(revenue, a));
    EXPECT_EQ(r[8],
              a == 0 || churned == 0 ? "" : Ratio(3 * revenue, 4 * churned));
    groups[r[0] + r[1] + "," + r[2]].push_back(&r);
  }
  for (const auto& [group, members] : groups) {
    for (size_t i = 0; i < members.size(); ++i) {
      const Row& r = *members[i];
      const int rank = std::stoi(r[9]);
      int expected = 1;
      for (const Row* other : members) {
        if (other == &r) continue;
        const bool has = !(*other)[8].empty(), mine = !r[8].empty();
        long double x = 0, y = 0;
        if (has && mine) {
          x = std::stold((*other)[5]) / std::stold((*other)[6]);
          y = std::stold(r[5]) / std::stold(r[6]);
        }
        const bool before = has != mine     ? has
                            : has && x != y ? x > y
                                            : (*other)[3] < r[3];
        expected += before;
      }
      EXPECT_EQ(rank, expected) << group << " " << r[3];
    }
  }
}

}  // namespace
}  // namespace hub::sample::testing
