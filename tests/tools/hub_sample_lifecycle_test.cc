// The lifecycle truth (truth/stages.csv, truth/funnel.csv): hand-built
// worlds through Truth, and a generated world whose funnel is recomputed here
// from its stages.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
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

namespace hub::sample::testing {
namespace {

struct StageRow {
  std::string side, fragment, at, stage;
  int seq = 0;
};

const std::vector<std::string> kFunnelStages = {"ATTRACT", "CAPTURE", "NURTURE",
                                                "CONVERT", "EXPAND"};

int Rank(const std::string& stage) {
  if (stage == "CHURNED") return 5;
  return static_cast<int>(
      std::find(kFunnelStages.begin(), kFunnelStages.end(), stage) -
      kFunnelStages.begin());
}

// Microseconds of "2024-05-02T09:15:00.123456Z" (timegm: not hub-sample's
// calendar code).
int64_t ParseMicros(const std::string& at) {
  std::tm tm = {};
  tm.tm_year = std::stoi(at.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(at.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(at.substr(8, 2));
  tm.tm_hour = std::stoi(at.substr(11, 2));
  tm.tm_min = std::stoi(at.substr(14, 2));
  tm.tm_sec = std::stoi(at.substr(17, 2));
  return static_cast<int64_t>(timegm(&tm)) * 1000000 +
         std::stoll(at.substr(20, 6));
}

std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  std::vector<std::string> problems;
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : ParseCsv(ReadFile(path), &problems)) {
    rows.emplace_back();
    for (const CsvField& field : row) rows.back().push_back(field.value);
  }
  EXPECT_TRUE(problems.empty()) << path;
  return rows;
}

// A generated world (20 accounts, seed 3) read back once.
class HubSampleLifecycleWorldTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(FreshDir("lifecycle_20_3"));
    ASSERT_EQ(RunHubSample("--out " + *dir_ + " --accounts 20 --seed 3"), 0);
    stages_ = new std::vector<StageRow>;
    const auto rows = ReadCsv(*dir_ + "/truth/stages.csv");
    ASSERT_FALSE(rows.empty());
    ASSERT_EQ(rows[0], (std::vector<std::string>{"side", "fragment", "seq",
                                                 "at", "stage"}));
    for (size_t i = 1; i < rows.size(); ++i) {
      ASSERT_EQ(rows[i].size(), 5u);
      stages_->push_back({rows[i][0], rows[i][1], rows[i][3], rows[i][4],
                          std::stoi(rows[i][2])});
    }
    funnel_ = new std::vector<std::vector<std::string>>(
        ReadCsv(*dir_ + "/truth/funnel.csv"));
    records_ = new std::vector<std::vector<std::string>>(
        ReadCsv(*dir_ + "/truth/records.csv"));
  }

  static void TearDownTestSuite() {
    delete dir_;
    delete stages_;
    delete funnel_;
    delete records_;
  }

  // Each profile's transitions ("person F12" -> rows), in file order.
  static std::map<std::string, std::vector<StageRow>> Histories() {
    std::map<std::string, std::vector<StageRow>> histories;
    for (const StageRow& row : *stages_) {
      histories[row.side + " " + row.fragment].push_back(row);
    }
    return histories;
  }

  static std::string* dir_;
  static std::vector<StageRow>* stages_;
  static std::vector<std::vector<std::string>>* funnel_;
  static std::vector<std::vector<std::string>>* records_;
};

std::string* HubSampleLifecycleWorldTest::dir_ = nullptr;
std::vector<StageRow>* HubSampleLifecycleWorldTest::stages_ = nullptr;
std::vector<std::vector<std::string>>* HubSampleLifecycleWorldTest::funnel_ =
    nullptr;
std::vector<std::vector<std::string>>* HubSampleLifecycleWorldTest::records_ =
    nullptr;

TEST_F(HubSampleLifecycleWorldTest, EveryHistoryStartsInAttractAndFillsSkips) {
  std::set<std::string> fragments;  // of valid records, "person F1"
  for (size_t i = 1; i < records_->size(); ++i) {
    const std::string& fragment = (*records_)[i][5];
    if (fragment.empty()) continue;
    fragments.insert((fragment[0] == 'F' ? "person " : "account ") + fragment);
  }
  std::pair<int, int> previous = {-1, 0};  // side, fragment number
  int64_t transitions[2] = {0, 0}, profiles[2] = {0, 0};
  for (const auto& [profile, history] : Histories()) {
    EXPECT_EQ(fragments.count(profile), 1u) << profile;
    EXPECT_EQ(history.front().stage, "ATTRACT") << profile;
    const int side = history.front().side == "person" ? 0 : 1;
    profiles[side]++;
    transitions[side] += static_cast<int64_t>(history.size());
    for (size_t i = 0; i < history.size(); ++i) {
      EXPECT_EQ(history[i].seq, static_cast<int>(i)) << profile;
      EXPECT_EQ(history[i].at.size(), 27u) << profile;
      EXPECT_EQ(history[i].at.substr(19, 1) + history[i].at.substr(26), ".Z");
      if (i == 0) continue;
      const int from = Rank(history[i - 1].stage), to = Rank(history[i].stage);
      EXPECT_LE(history[i - 1].at, history[i].at) << profile;
      EXPECT_NE(from, to) << profile << " seq " << i;
      if (from == 5) {
        EXPECT_EQ(to, 4) << profile << " leaves CHURNED only to EXPAND";
      } else if (to == 5) {
        EXPECT_GE(from, 3) << profile << " churns from CONVERT or EXPAND";
      } else if (to > from) {
        EXPECT_EQ(to, from + 1) << profile << " skips a stage at seq " << i;
      }
    }
  }
  // Sorted by side (person first), fragment number, seq.
  for (const StageRow& row : *stages_) {
    const std::pair<int, int> key = {row.side == "person" ? 0 : 1,
                                     std::stoi(row.fragment.substr(1))};
    EXPECT_LE(previous, key);
    previous = key;
  }
  const nlohmann::json summary =
      nlohmann::json::parse(ReadFile(*dir_ + "/truth/summary.json"))["stages"];
  EXPECT_EQ(summary["person_profiles"].get<int64_t>(), profiles[0]);
  EXPECT_EQ(summary["person_transitions"].get<int64_t>(), transitions[0]);
  EXPECT_EQ(summary["account_profiles"].get<int64_t>(), profiles[1]);
  EXPECT_EQ(summary["account_transitions"].get<int64_t>(), transitions[1]);
  EXPECT_GT(profiles[1], 15);
}

TEST_F(HubSampleLifecycleWorldTest, ContactsEventsAndOpportunitiesAreStaged) {
  const auto histories = Histories();
  int checked = 0;
  for (size_t i = 1; i < records_->size(); ++i) {
    const std::vector<std::string>& r = (*records_)[i];
    // Never tombstones in hub-sample: Salesforce contacts, web events,
    // opportunities.
    const bool contact = r[0] == "salesforce" && r[1] == "CONTACT";
    if (r[5].empty() ||
        !(contact || r[1] == "WEB_EVENT" || r[1] == "OPPORTUNITY")) {
      continue;
    }
    const std::string profile =
        (r[5][0] == 'F' ? "person " : "account ") + r[5];
    EXPECT_EQ(histories.count(profile), 1u) << profile;
    ++checked;
  }
  EXPECT_GT(checked, 1000);
}

// The funnel recomputed from stages.csv: every period, the person side for
// all persons, the account side for every segment (an account fragment's
// traits: its Salesforce Account's industry, tier and region; a Segment
// group's industry).
TEST_F(HubSampleLifecycleWorldTest, TheFunnelFollowsFromTheStages) {
  const nlohmann::json options =
      nlohmann::json::parse(ReadFile(*dir_ + "/truth/summary.json"))["options"];
  ASSERT_EQ(options["start"], "2024-01-01");
  ASSERT_EQ(options["months"], 24);
  std::vector<std::pair<std::string, std::string>> periods;
  const auto month = [](int m) {
    char text[11];
    std::snprintf(text, sizeof text, "%04d-%02d-01", 2024 + m / 12, m % 12 + 1);
    return std::string(text);
  };
  for (int m = 0; m < 24; ++m) periods.push_back({month(m), month(m + 1)});
  for (int m = 0; m < 24; m += 3) periods.push_back({month(m), month(m + 3)});
  periods.push_back({"2024-01-01", "2026-01-02"});

  // Account fragment -> trait -> value.
  std::map<std::string, std::map<std::string, std::string>> salesforce, by_id;
  for (const auto& row : ReadCsv(*dir_ + "/salesforce/Account.csv")) {
    salesforce[row[0]] = {{"industry", row[3]},
                          {"tier", row[8]},
                          {"region", row[9]},
                          {"source", row[14]}};
  }
  std::map<std::string, std::string> true_account_id;  // A000001 -> 001...
  for (size_t i = 1; i < records_->size(); ++i) {
    const auto& r = (*records_)[i];
    if (r[0] == "salesforce" && r[1] == "ACCOUNT") true_account_id[r[4]] = r[2];
  }
  std::map<std::string, std::map<std::string, std::string>> traits;
  std::map<std::string, std::set<std::string>> values;
  for (size_t i = 1; i < records_->size(); ++i) {
    const auto& r = (*records_)[i];
    if (r[1] != "ACCOUNT" || r[5].empty()) continue;
    const auto& account = salesforce.at(true_account_id.at(r[4]));
    for (const auto& [trait, value] : account) {
      values[trait].insert(value);
      if (r[0] == "salesforce" || (r[0] == "segment" && trait == "industry")) {
        traits[r[5]][trait] = value;
      }
    }
  }
  std::vector<std::string> segments = {""};
  for (const char* trait : {"industry", "tier", "region", "source"}) {
    for (const std::string& value : values[trait]) {
      // An account without the trait is in none of its segments.
      if (value.empty()) continue;
      segments.push_back(std::string(trait) + "=" + value);
    }
  }

  std::map<std::string, std::vector<std::string>> expected;
  const auto histories = Histories();
  for (const char* side : {"person", "account"}) {
    for (const auto& [start, end] : periods) {
      const int64_t from = ParseMicros(start + "T00:00:00.000000Z"),
                    to = ParseMicros(end + "T00:00:00.000000Z");
      for (const std::string& segment : segments) {
        if (std::string(side) == "person" && !segment.empty()) continue;
        for (const std::string& stage : kFunnelStages) {
          int64_t entries = 0, converted = 0;
          std::vector<int64_t> days;
          for (const auto& [profile, history] : histories) {
            if (history.front().side != side) continue;
            if (!segment.empty()) {
              const size_t eq = segment.find('=');
              const auto& t = traits[history.front().fragment];
              const auto it = t.find(segment.substr(0, eq));
              if (it == t.end() || it->second != segment.substr(eq + 1))
                continue;
            }
            for (size_t i = 0; i < history.size(); ++i) {
              const int64_t at = ParseMicros(history[i].at);
              if (history[i].stage != stage || at < from || at >= to) continue;
              ++entries;
              for (size_t j = i + 1; j < history.size(); ++j) {
                if (Rank(history[j].stage) > Rank(stage)) {
                  converted +=
                      ParseMicros(history[j].at) - at <= 90 * 86400000000LL;
                  break;
                }
              }
              if (i + 1 < history.size()) {
                days.push_back((ParseMicros(history[i + 1].at) - at) /
                               86400000000LL);
              }
            }
          }
          std::sort(days.begin(), days.end());
          std::string median;
          if (!days.empty()) {
            const size_t n = days.size();
            const int64_t x2 =
                n % 2 ? 2 * days[n / 2] : days[n / 2 - 1] + days[n / 2];
            median = std::to_string(x2 / 2) + (x2 % 2 ? ".5" : "");
          }
          const bool expand = stage == "EXPAND";
          expected[std::string(side) + "," + start + "," + end + "," + segment +
                   "," + stage] = {
              std::to_string(entries), expand ? "" : std::to_string(converted),
              expand ? "" : std::to_string(entries), median};
        }
      }
    }
  }
  ASSERT_EQ(funnel_->size(), 1 + 2 * periods.size() * segments.size() * 5);
  EXPECT_EQ((*funnel_)[0],
            (std::vector<std::string>{"side", "start", "end", "segment",
                                      "stage", "entries", "conv_num",
                                      "conv_den", "median_days"}));
  size_t compared = 0;
  std::map<std::string, int64_t> whole;  // "person,NURTURE" -> entries
  for (size_t i = 1; i < funnel_->size(); ++i) {
    const auto& row = (*funnel_)[i];
    ASSERT_EQ(row.size(), 9u);
    if (row[1] == "2024-01-01" && row[2] == "2026-01-02" && row[3].empty()) {
      whole[row[0] + "," + row[4]] = std::stoll(row[5]);
    }
    const auto it = expected.find(row[0] + "," + row[1] + "," + row[2] + "," +
                                  row[3] + "," + row[4]);
    if (it == expected.end()) continue;  // a person segment
    EXPECT_EQ(std::vector<std::string>(row.begin() + 5, row.end()), it->second)
        << row[0] << " " << row[1] << " " << row[2] << " " << row[3] << " "
        << row[4];
    ++compared;
  }
  EXPECT_EQ(compared, expected.size());
  // Whole-window entries are the transitions inside [2024-01-01, 2026-01-02).
  std::map<std::string, int64_t> inside;
  for (const StageRow& row : *stages_) {
    if (row.stage != "CHURNED" && row.at >= "2024-01-01" &&
        row.at < "2026-01-02") {
      inside[row.side + "," + row.stage]++;
    }
  }
  EXPECT_EQ(whole.size(), 10u);
  for (const auto& [key, entries] : whole) {
    EXPECT_EQ(entries, inside[key]) << key;
  }
  EXPECT_GT(inside["person,EXPAND"], 0);
  EXPECT_GT(inside["account,CONVERT"], 0);
}

}  // namespace
}  // namespace hub::sample::testing
