// A generated export read back independently: every file parses, the truth
// lists exactly the records the files hold, its fragments and invalid rows
// are right, and identifiers never cross true persons or accounts.
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/tools/export_reader.h"
#include "tests/tools/hub_sample_test_util.h"
#include "tools/hub_sample/md5.h"

namespace hub::sample::testing {
namespace {

struct TruthRow {
  std::string source, entity, external_id, person, account, fragment, invalid;
};

class HubSampleExportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Under ctest a fixture has generated the export once for all tests
    // (each runs in its own process); otherwise generate it here.
    const char* shared = std::getenv("HUB_SAMPLE_EXPORT_200_7");
    if (shared != nullptr &&
        std::filesystem::exists(std::string(shared) + "/truth/summary.json")) {
      dir_ = new std::string(shared);
    } else {
      dir_ = new std::string(FreshDir("export_200_7"));
      ASSERT_EQ(RunHubSample("--out " + *dir_ + " --accounts 200 --seed 7"), 0);
    }
    export_ = new Export(ReadExport(*dir_));
    truth_ = new std::vector<TruthRow>;
    std::vector<std::string> problems;
    const auto rows =
        ParseCsv(ReadFile(*dir_ + "/truth/records.csv"), &problems);
    ASSERT_TRUE(problems.empty());
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows[0].size(), 7u);
    for (size_t i = 1; i < rows.size(); ++i) {
      ASSERT_EQ(rows[i].size(), 7u);
      truth_->push_back({rows[i][0].value, rows[i][1].value, rows[i][2].value,
                         rows[i][3].value, rows[i][4].value, rows[i][5].value,
                         rows[i][6].value});
    }
    summary_ = new nlohmann::json(
        nlohmann::json::parse(ReadFile(*dir_ + "/truth/summary.json")));
  }

  static void TearDownTestSuite() {
    delete dir_;
    delete export_;
    delete truth_;
    delete summary_;
  }

  static const std::vector<ParsedRecord>& records() { return export_->records; }
  static const std::vector<TruthRow>& truth() { return *truth_; }

  static std::string* dir_;
  static Export* export_;
  static std::vector<TruthRow>* truth_;
  static nlohmann::json* summary_;
};

std::string* HubSampleExportTest::dir_ = nullptr;
Export* HubSampleExportTest::export_ = nullptr;
std::vector<TruthRow>* HubSampleExportTest::truth_ = nullptr;
nlohmann::json* HubSampleExportTest::summary_ = nullptr;

TEST_F(HubSampleExportTest, EveryFileParsesAsTheContractSays) {
  EXPECT_TRUE(export_->problems.empty()) << export_->problems.front();
  EXPECT_GT(records().size(), 10000u);
}

TEST_F(HubSampleExportTest, TruthListsExactlyTheRecordsOfTheFilesInOrder) {
  ASSERT_EQ(truth().size(), records().size());
  for (size_t i = 0; i < records().size(); ++i) {
    const ParsedRecord& r = records()[i];
    const TruthRow& t = truth()[i];
    ASSERT_EQ(std::tie(t.source, t.entity, t.external_id),
              std::tie(r.source, r.entity, r.external_id))
        << "row " << i + 2;
  }
}

TEST_F(HubSampleExportTest, RecordKeysAreUniqueAndNothingPostdatesTheExport) {
  std::set<std::tuple<std::string, std::string, std::string>> keys;
  for (const ParsedRecord& r : records()) {
    if (r.external_id.empty()) continue;  // the deliberately broken rows
    EXPECT_TRUE(keys.emplace(r.source, r.entity, r.external_id).second)
        << r.source << " " << r.entity << " " << r.external_id;
  }
  EXPECT_LE(export_->latest, "2026-01-01T00:00:00");
  EXPECT_GE(export_->latest, "2025-12-01T00:00:00");
}

TEST_F(HubSampleExportTest, InvalidRowsAreExactlyTheBrokenOnes) {
  ASSERT_EQ(truth().size(), records().size());
  std::map<std::string, int> reasons;
  for (size_t i = 0; i < records().size(); ++i) {
    EXPECT_EQ(truth()[i].invalid, records()[i].invalid)
        << "row " << i + 2 << " " << truth()[i].external_id;
    EXPECT_EQ(truth()[i].fragment.empty(), !truth()[i].invalid.empty())
        << "row " << i + 2;
    reasons[truth()[i].invalid]++;
  }
  EXPECT_GT(reasons["invalid email"], 0);
  EXPECT_GT(reasons["invalid timestamp"], 0);
  EXPECT_GT(reasons["missing external_id"], 0);
  const int invalid = static_cast<int>(records().size()) - reasons[""];
  EXPECT_LT(invalid * 1000,
            static_cast<int>(records().size()) * 5);  // well under 0.5%
}

// Union-find over the independently parsed identifiers.
class Partition {
 public:
  int Node(const std::string& key) {
    auto [it, inserted] = index_.emplace(key, static_cast<int>(parent_.size()));
    if (inserted) parent_.push_back(it->second);
    return it->second;
  }
  int Find(int x) {
    return parent_[x] == x ? x : parent_[x] = Find(parent_[x]);
  }
  void Union(int a, int b) { parent_[Find(a)] = Find(b); }

 private:
  std::map<std::string, int> index_;
  std::vector<int> parent_;
};

TEST_F(HubSampleExportTest, FragmentsEqualAnIndependentUnionFind) {
  ASSERT_EQ(truth().size(), records().size());
  Partition partition;
  std::vector<int> node(records().size(), -1);
  for (size_t i = 0; i < records().size(); ++i) {
    const ParsedRecord& r = records()[i];
    if (!r.invalid.empty()) continue;
    const bool account_side =
        r.entity == "ACCOUNT" || r.entity == "OPPORTUNITY";
    if (r.entity == "OPPORTUNITY")
      node[i] = partition.Node("salesforce.account_id|" + r.account_id);
    for (const ParsedId& id : r.ids) {
      ASSERT_EQ(IsPersonSide(id.type), !account_side)
          << r.external_id << " " << id.type;
      const int n =
          partition.Node(id.type + "|" + NormalizeId(id.type, id.value));
      if (node[i] < 0) node[i] = n;
      partition.Union(node[i], n);
    }
    if (node[i] < 0) node[i] = partition.Node("record|" + std::to_string(i));
  }
  std::map<std::string, int> truth_to_root;
  std::map<int, std::string> root_to_truth;
  for (size_t i = 0; i < records().size(); ++i) {
    if (node[i] < 0) continue;
    const int root = partition.Find(node[i]);
    const std::string& fragment = truth()[i].fragment;
    ASSERT_FALSE(fragment.empty());
    EXPECT_EQ(fragment[0], records()[i].entity == "ACCOUNT" ||
                                   records()[i].entity == "OPPORTUNITY"
                               ? 'G'
                               : 'F');
    auto [t, t_new] = truth_to_root.emplace(fragment, root);
    auto [r, r_new] = root_to_truth.emplace(root, fragment);
    ASSERT_EQ(t->second, root)
        << "truth fragment " << fragment << " is split, row " << i + 2;
    ASSERT_EQ(r->second, fragment) << "truth fragments " << fragment << " and "
                                   << r->second << " should be one";
  }
}

TEST_F(HubSampleExportTest, AFragmentNeverSpansTwoTruePersonsOrAccounts) {
  std::map<std::string, std::string> owner;
  for (const TruthRow& t : truth()) {
    if (t.fragment.empty()) continue;
    const std::string& who = t.fragment[0] == 'F' ? t.person : t.account;
    ASSERT_FALSE(who.empty()) << t.external_id;
    auto [it, inserted] = owner.emplace(t.fragment, who);
    EXPECT_EQ(it->second, who) << "fragment " << t.fragment;
  }
}

TEST_F(HubSampleExportTest,
       EveryIdentifierValueBelongsToOneTruePersonOrAccount) {
  std::map<std::string, std::string> owner;
  for (size_t i = 0; i < records().size(); ++i) {
    const TruthRow& t = truth()[i];
    for (const ParsedId& id : records()[i].ids) {
      const std::string who = IsPersonSide(id.type) ? t.person : t.account;
      ASSERT_FALSE(who.empty()) << t.external_id << " " << id.type;
      const std::string key = id.type + "|" + NormalizeId(id.type, id.value);
      auto [it, inserted] = owner.emplace(key, who);
      EXPECT_EQ(it->second, who) << key;
    }
  }
  EXPECT_GT(owner.size(), 3000u);
}

TEST_F(HubSampleExportTest, FreeMailDomainsAreNeverAccountDomains) {
  const std::set<std::string> free_mail = {
      "gmail.com",  "yahoo.com", "outlook.com", "hotmail.com",
      "icloud.com", "proton.me", "aol.com",     "gmx.de"};
  ASSERT_GT(export_->account_domains.size(), 200u);
  for (const std::string& domain : export_->account_domains) {
    EXPECT_EQ(free_mail.count(domain), 0u) << domain;
    EXPECT_EQ(
        domain.size() > 8 && domain.substr(domain.size() - 8) == ".example",
        true)
        << domain;
  }
  int personal = 0;
  for (const ParsedRecord& r : records()) {
    for (const ParsedId& id : r.ids) {
      if (id.type != "email") continue;
      const std::string email = NormalizeId("email", id.value);
      personal += free_mail.count(email.substr(email.find('@') + 1)) > 0;
    }
  }
  EXPECT_GT(personal, 0);  // some Zendesk users write from a personal address
}

TEST_F(HubSampleExportTest, SummaryCountsEqualWhatTheFilesHold) {
  std::map<std::string, std::map<std::string, int>> by_source;
  std::set<std::string> persons, accounts, person_fragments, account_fragments;
  int invalid = 0;
  for (size_t i = 0; i < records().size(); ++i) {
    by_source[records()[i].source][records()[i].entity]++;
    invalid += !records()[i].invalid.empty();
    const TruthRow& t = truth()[i];
    if (!t.person.empty()) persons.insert(t.person);
    if (!t.account.empty()) accounts.insert(t.account);
    if (!t.fragment.empty())
      (t.fragment[0] == 'F' ? person_fragments : account_fragments)
          .insert(t.fragment);
  }
  const nlohmann::json& s = *summary_;
  EXPECT_EQ(s["records"].get<size_t>(), records().size());
  EXPECT_EQ(s["invalid_records"].get<int>(), invalid);
  EXPECT_EQ(s["persons"].get<size_t>(), persons.size());
  EXPECT_EQ(s["accounts"].get<size_t>(), 200u);
  EXPECT_EQ(accounts.size(), 200u);
  EXPECT_EQ(s["person_fragments"].get<size_t>(), person_fragments.size());
  EXPECT_EQ(s["account_fragments"].get<size_t>(), account_fragments.size());
  std::map<std::string, std::map<std::string, int>> summary_by_source;
  for (const auto& [source, entities] : s["by_source"].items()) {
    for (const auto& [entity, n] : entities.items())
      summary_by_source[source][entity] = n.get<int>();
  }
  EXPECT_EQ(summary_by_source, by_source);
  EXPECT_EQ(by_source.size(), 5u);
}

TEST_F(HubSampleExportTest, MailchimpIdsAreTheMd5OfTheLowerCasedEmail) {
  int members = 0;
  for (const ParsedRecord& r : records()) {
    if (r.source != "mailchimp" || r.entity != "CONTACT") continue;
    std::string email;
    for (const ParsedId& id : r.ids) {
      if (id.type == "email") email = NormalizeId("email", id.value);
    }
    EXPECT_EQ(r.external_id, Md5Hex(email)) << email;
    ++members;
  }
  EXPECT_GT(members, 100);
}

TEST_F(HubSampleExportTest, SalesforceCsvExercisesQuotingEdgeCases) {
  bool comma = false, quote = false, newline = false;
  for (const char* name : {"Account", "Contact", "Lead", "Opportunity"}) {
    std::vector<std::string> problems;
    for (const auto& row : ParseCsv(
             ReadFile(*dir_ + "/salesforce/" + name + ".csv"), &problems)) {
      for (const CsvField& f : row) {
        comma |= f.value.find(',') != std::string::npos;
        quote |= f.value.find('"') != std::string::npos;
        newline |= f.value.find('\n') != std::string::npos;
      }
    }
    EXPECT_TRUE(problems.empty()) << name;
  }
  EXPECT_TRUE(comma);
  EXPECT_TRUE(quote);
  EXPECT_TRUE(newline);
}

// The simulated lifecycle shows up in the vendor fields.
TEST_F(HubSampleExportTest, LifecycleReachesEveryStage) {
  std::vector<std::string> problems;
  std::set<std::string> statuses, stages, types, account_types, account_sources;
  for (const auto& row :
       ParseCsv(ReadFile(*dir_ + "/salesforce/Lead.csv"), &problems))
    statuses.insert(row[7].value);
  for (const auto& row :
       ParseCsv(ReadFile(*dir_ + "/salesforce/Opportunity.csv"), &problems)) {
    types.insert(row[4].value);
    stages.insert(row[5].value);
  }
  for (const auto& row :
       ParseCsv(ReadFile(*dir_ + "/salesforce/Account.csv"), &problems)) {
    account_types.insert(row[4].value);
    account_sources.insert(row[14].value);
  }
  EXPECT_EQ(statuses,
            (std::set<std::string>{
                "Status", "Open - Not Contacted", "Working - Contacted",
                "Marketing Qualified", "Sales Accepted", "Sales Qualified",
                "Closed - Converted", "Closed - Not Converted"}));
  EXPECT_EQ(types, (std::set<std::string>{"Type", "New Business", "Upsell",
                                          "Renewal"}));
  EXPECT_EQ(account_types,
            (std::set<std::string>{"Type", "Prospect", "Customer",
                                   "Former Customer"}));
  // AccountSource's picklist; "": not recorded.
  EXPECT_EQ(
      account_sources,
      (std::set<std::string>{"AccountSource", "", "Web", "Phone Inquiry",
                             "Partner Referral", "Purchased List", "Other"}));
  EXPECT_TRUE(stages.count("Closed Won") && stages.count("Closed Lost") &&
              stages.size() > 4);
  const nlohmann::json& s = (*summary_)["by_source"];
  EXPECT_GT(s["segment"]["SURVEY_RESPONSE"].get<int>(), 0);
  EXPECT_GT(s["zendesk"]["SURVEY_RESPONSE"].get<int>(), 0);
  // ~60% of accounts are Zendesk organizations, ~50% Segment groups.
  EXPECT_GT(s["zendesk"]["ACCOUNT"].get<int>(), 90);
  EXPECT_LT(s["zendesk"]["ACCOUNT"].get<int>(), 150);
  EXPECT_GT(s["segment"]["ACCOUNT"].get<int>(), 70);
  EXPECT_LT(s["segment"]["ACCOUNT"].get<int>(), 130);
}

}  // namespace
}  // namespace hub::sample::testing
