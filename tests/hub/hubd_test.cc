// Integration tests: the real hubd binary on a loopback port, a generated
// sample world synced through every file adapter, checked against the
// world's ground truth through the generated gRPC stubs.
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "hub/auth.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "hub/v1/governance_service.grpc.pb.h"
#include "profile/base/time_util.h"
#include "tests/hub/hub_client.h"
#include "tests/support/hubd_process.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::HubClient;
using testing_support::HubdProcess;
using testing_support::TempDir;

constexpr char kToken[] = "integration-test-token";
const char* const kKinds[] = {"salesforce", "mailchimp", "segment", "ga4", "zendesk"};

std::string RunCommand(const std::string& cmd) {
  std::string out;
  EXPECT_EQ(testing_support::RunShell(cmd, &out), 0) << cmd << "\n" << out;
  return out;
}

// Writes a config accepting kToken and returns hubd's arguments. With
// `matching`, the config carries docs/person_matching.example.textproto.
std::vector<std::string> HubdArgs(const TempDir& dir, bool matching = false) {
  std::ofstream config(dir.File("hub.textproto"));
  config << "db_path: \"" << dir.File("hub.db") << "\"\n"
         << "tokens { principal: \"tests\" role: \"admin\" sha256: \""
         << Sha256Hex(kToken) << "\" }\n";
  if (matching) {
    std::ifstream model(HUB_SOURCE_DIR "/docs/person_matching.example.textproto");
    config << "person_matching {\n" << model.rdbuf() << "}\n";
  }
  return {"--config", dir.File("hub.textproto")};
}

// Splits one CSV line (quotes allowed, no embedded newlines).
std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

struct TruthRow {
  std::string source, entity, external_id, person, account, fragment, invalid;
};

std::vector<TruthRow> ReadTruth(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "source,entity,external_id,person,account,fragment,invalid");
  std::vector<TruthRow> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> f = SplitCsv(line);
    if (f.size() != 7) {
      ADD_FAILURE() << "bad truth line: " << line;
      continue;
    }
    rows.push_back(TruthRow{f[0], f[1], f[2], f[3], f[4], f[5], f[6]});
  }
  return rows;
}

std::string KeyOf(const std::string& source, const std::string& entity,
                  const std::string& external_id) {
  return absl::StrCat(source, "|", entity, "|", external_id);
}

// Pairwise precision and recall of person records (contacts and leads; with
// `with_activity`, every person record) in one profile vs of one person.
struct PairScores {
  double precision = 0, recall = 0, true_pairs = 0;
};

void PrintScores(const char* label, const PairScores& all, const PairScores& identified) {
  std::printf("%s: person records P %.4f R %.4f (%.0f pairs); contacts and leads "
              "P %.4f R %.4f (%.0f pairs)\n",
              label, all.precision, all.recall, all.true_pairs, identified.precision,
              identified.recall, identified.true_pairs);
}

class HubdTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { StartAndSyncWorld("--accounts 40 --seed 11", false); }

  // Generates a world with hub-sample `world_flags`, starts hubd (with the
  // write-path matcher if `matching`) and syncs every source once.
  static void StartAndSyncWorld(const std::string& world_flags, bool matching) {
    dir_ = new TempDir();
    RunCommand(absl::StrCat(HUB_SAMPLE_BIN, " --out ", dir_->File("world"), " ",
                            world_flags, " 2>&1"));
    auto p = HubdProcess::Start(HUBD_BIN, HubdArgs(*dir_, matching), dir_->path());
    ASSERT_TRUE(p.ok()) << p.status();
    hubd_ = p->release();
    client_ = new HubClient(hubd_->address(), kToken);
    for (const char* kind : kKinds) {
      grpc::Status s = client_->CreateSource(kind, kind, dir_->File(absl::StrCat("world/", kind)));
      ASSERT_TRUE(s.ok()) << s.error_message();
      hub::v1::SyncJob job = client_->SyncAndWait(kind);
      ASSERT_EQ(job.state(), hub::v1::SyncJob::SUCCEEDED) << kind << ": " << job.DebugString();
      first_jobs_[kind] = job;
    }
  }
  static void TearDownTestSuite() {
    delete client_;
    if (hubd_ != nullptr) {
      int status = hubd_->Stop(SIGTERM);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << hubd_->Stderr();
    }
    delete hubd_;
    delete dir_;
  }

  // Every live profile (or account) by name, with lineage.
  template <typename Resource, typename ListFn, typename GetFn>
  static std::vector<Resource> All(ListFn list, GetFn get) {
    std::vector<Resource> out;
    std::string token;
    do {
      auto page = list(token);
      for (const Resource& r : page.first) out.push_back(get(r.name()));
      token = page.second;
    } while (!token.empty());
    return out;
  }

  static std::vector<hub::v1::Profile> AllProfiles() {
    return All<hub::v1::Profile>(
        [](const std::string& token) {
          hub::v1::ListProfilesRequest req;
          req.set_page_size(500);
          req.set_page_token(token);
          hub::v1::ListProfilesResponse resp;
          EXPECT_TRUE(client_->profiles()->ListProfiles(client_->Ctx().get(), req, &resp).ok());
          return std::make_pair(std::vector<hub::v1::Profile>(resp.profiles().begin(), resp.profiles().end()),
                                resp.next_page_token());
        },
        [](const std::string& name) {
          hub::v1::GetProfileRequest req;
          req.set_name(name);
          hub::v1::Profile p;
          EXPECT_TRUE(client_->profiles()->GetProfile(client_->Ctx().get(), req, &p).ok());
          return p;
        });
  }

  static std::vector<hub::v1::Account> AllAccounts() {
    return All<hub::v1::Account>(
        [](const std::string& token) {
          hub::v1::ListAccountsRequest req;
          req.set_page_size(500);
          req.set_page_token(token);
          hub::v1::ListAccountsResponse resp;
          EXPECT_TRUE(client_->profiles()->ListAccounts(client_->Ctx().get(), req, &resp).ok());
          return std::make_pair(std::vector<hub::v1::Account>(resp.accounts().begin(), resp.accounts().end()),
                                resp.next_page_token());
        },
        [](const std::string& name) {
          hub::v1::GetAccountRequest req;
          req.set_name(name);
          hub::v1::Account a;
          EXPECT_TRUE(client_->profiles()->GetAccount(client_->Ctx().get(), req, &a).ok());
          return a;
        });
  }

  static std::vector<hub::v1::Event> AllEvents(const std::string& profile) {
    std::vector<hub::v1::Event> out;
    std::string token;
    do {
      hub::v1::ListProfileEventsRequest req;
      req.set_name(profile);
      req.set_page_size(1000);
      req.set_page_token(token);
      hub::v1::ListProfileEventsResponse resp;
      grpc::Status s = client_->profiles()->ListProfileEvents(client_->Ctx().get(), req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      out.insert(out.end(), resp.events().begin(), resp.events().end());
      token = resp.next_page_token();
    } while (!token.empty());
    return out;
  }

  // Where every person record landed: its profile's name.
  static std::map<std::string, std::string> PlacedPersonRecords() {
    std::map<std::string, std::string> placed;
    for (const hub::v1::Profile& p : AllProfiles()) {
      for (const auto& r : p.source_records()) {
        placed[KeyOf(r.source(), hub::v1::EntityType_Name(r.entity()), r.external_id())] =
            p.name();
      }
      for (const hub::v1::Event& e : AllEvents(p.name())) {
        placed[KeyOf(e.source(), hub::v1::EntityType_Name(e.entity()), e.external_id())] =
            p.name();
      }
    }
    return placed;
  }

  static PairScores PersonPairScores(const std::vector<TruthRow>& truth,
                                     const std::map<std::string, std::string>& placed,
                                     bool with_activity) {
    std::map<std::pair<std::string, std::string>, double> joint;
    std::map<std::string, double> per_profile, per_person;
    for (const TruthRow& row : truth) {
      if (!row.invalid.empty() || row.person.empty() || row.entity == "ACCOUNT" ||
          row.entity == "OPPORTUNITY") {
        continue;
      }
      if (!with_activity && row.entity != "CONTACT" && row.entity != "LEAD") continue;
      auto it = placed.find(KeyOf(row.source, row.entity, row.external_id));
      if (it == placed.end()) continue;
      ++joint[{it->second, row.person}];
      ++per_profile[it->second];
      ++per_person[row.person];
    }
    auto pairs = [](double n) { return n * (n - 1) / 2; };
    double correct = 0, predicted = 0, actual = 0;
    for (const auto& [k, n] : joint) correct += pairs(n);
    for (const auto& [k, n] : per_profile) predicted += pairs(n);
    for (const auto& [k, n] : per_person) actual += pairs(n);
    return PairScores{correct / predicted, correct / actual, actual};
  }

  static TempDir* dir_;
  static HubdProcess* hubd_;
  static HubClient* client_;
  static std::map<std::string, hub::v1::SyncJob> first_jobs_;
};

TempDir* HubdTest::dir_ = nullptr;
HubdProcess* HubdTest::hubd_ = nullptr;
HubClient* HubdTest::client_ = nullptr;
std::map<std::string, hub::v1::SyncJob> HubdTest::first_jobs_;

TEST_F(HubdTest, ProfilesMatchTheGroundTruthExactly) {
  std::vector<TruthRow> truth = ReadTruth(dir_->File("world/truth/records.csv"));
  ASSERT_GT(truth.size(), 1000u);
  // Where every record landed, from lineage (persons, accounts) and events.
  std::map<std::string, std::string> placed;
  std::vector<hub::v1::Profile> profiles = AllProfiles();
  for (const hub::v1::Profile& p : profiles) {
    for (const auto& r : p.source_records()) {
      placed[KeyOf(r.source(), hub::v1::EntityType_Name(r.entity()), r.external_id())] = p.name();
    }
    for (const hub::v1::Event& e : AllEvents(p.name())) {
      placed[KeyOf(e.source(), hub::v1::EntityType_Name(e.entity()), e.external_id())] = p.name();
    }
  }
  std::vector<hub::v1::Account> accounts = AllAccounts();
  for (const hub::v1::Account& a : accounts) {
    for (const auto& r : a.source_records()) {
      placed[KeyOf(r.source(), hub::v1::EntityType_Name(r.entity()), r.external_id())] = a.name();
    }
  }
  std::map<std::string, std::set<std::string>> fragment_to_profiles;
  std::map<std::string, std::set<std::string>> profile_to_fragments;
  std::map<std::string, std::set<std::string>> profile_to_persons;
  std::set<std::string> person_fragments, account_fragments;
  int64_t invalid = 0, checked = 0;
  for (const TruthRow& row : truth) {
    if (!row.invalid.empty()) {
      ++invalid;
      continue;
    }
    if (row.entity == "OPPORTUNITY") continue;  // account events; not in lineage
    std::string key = KeyOf(row.source, row.entity, row.external_id);
    auto it = placed.find(key);
    if (it == placed.end()) {
      ADD_FAILURE() << "record not found in any profile: " << key;
      continue;
    }
    ++checked;
    (row.entity == "ACCOUNT" ? account_fragments : person_fragments).insert(row.fragment);
    fragment_to_profiles[row.fragment].insert(it->second);
    profile_to_fragments[it->second].insert(row.fragment);
    if (!row.person.empty()) profile_to_persons[it->second].insert(row.person);
  }
  for (const auto& [fragment, names] : fragment_to_profiles) {
    EXPECT_EQ(names.size(), 1u) << "fragment " << fragment << " split across profiles";
  }
  for (const auto& [name, fragments] : profile_to_fragments) {
    EXPECT_EQ(fragments.size(), 1u) << name << " joins several fragments";
  }
  for (const auto& [name, persons] : profile_to_persons) {
    EXPECT_EQ(persons.size(), 1u) << name << " merges several true persons";
  }
  // Person-level pairwise precision and recall of the whole pipeline.
  // Deterministic keys alone: the records a person left with no shared
  // identifier stay apart — devices that never identified (events only, no
  // traits at all) and a few contacts under a personal address.
  const PairScores all = PersonPairScores(truth, placed, /*with_activity=*/true);
  const PairScores identified = PersonPairScores(truth, placed, /*with_activity=*/false);
  PrintScores("deterministic", all, identified);
  EXPECT_EQ(all.precision, 1.0);
  EXPECT_EQ(identified.precision, 1.0);
  EXPECT_GE(all.recall, 0.9397);  // the measured floor
  EXPECT_EQ(profiles.size(), person_fragments.size());
  EXPECT_EQ(accounts.size(), account_fragments.size());
  // Every invalid row is in the quarantine, counted by the jobs.
  int64_t quarantined = 0;
  for (const auto& [kind, job] : first_jobs_) quarantined += job.records_quarantined();
  EXPECT_EQ(quarantined, invalid);
  EXPECT_GT(checked, 1000);
}

TEST_F(HubdTest, SubjectExportHoldsExactlyTheWorldsRecordsOfThePerson) {
  std::vector<TruthRow> truth = ReadTruth(dir_->File("world/truth/records.csv"));
  // The subject: the profile with the most source records and an email.
  hub::v1::Profile subject;
  std::string email;
  for (const hub::v1::Profile& p : AllProfiles()) {
    for (const auto& id : p.identifiers()) {
      if (id.type() == "email" && p.source_records_size() > subject.source_records_size()) {
        subject = p;
        email = id.value();
      }
    }
  }
  ASSERT_FALSE(email.empty());
  // Its fragment in the truth (ProfilesMatchTheGroundTruthExactly holds each
  // profile to one), and every valid person-side record of that fragment.
  const auto& first = subject.source_records(0);
  std::string fragment;
  for (const TruthRow& row : truth) {
    if (KeyOf(row.source, row.entity, row.external_id) ==
        KeyOf(first.source(), hub::v1::EntityType_Name(first.entity()), first.external_id())) {
      fragment = row.fragment;
    }
  }
  ASSERT_FALSE(fragment.empty());
  std::set<std::string> expected;
  for (const TruthRow& row : truth) {
    if (row.fragment == fragment && row.invalid.empty() && row.entity != "OPPORTUNITY") {
      expected.insert(KeyOf(row.source, row.entity, row.external_id));
    }
  }

  auto governance = hub::v1::GovernanceService::NewStub(client_->channel());
  hub::v1::ExportSubjectRequest req;
  req.set_identifier_type("email");
  req.set_identifier_value(email);
  req.set_reason("DSR-7");
  hub::v1::SubjectExport exported;
  grpc::Status s = governance->ExportSubject(client_->Ctx().get(), req, &exported);
  ASSERT_TRUE(s.ok()) << s.error_message();
  std::set<std::string> got;
  for (const hub::v1::SourceRecord& r : exported.records()) {
    got.insert(KeyOf(r.source(), hub::v1::EntityType_Name(r.entity()), r.external_id()));
  }
  EXPECT_EQ(got, expected);
  EXPECT_GT(expected.size(), 10u);
  EXPECT_EQ(exported.profile().name(), subject.name());
  EXPECT_EQ(exported.profile().traits_size(), subject.traits_size());
  for (const auto& t : exported.profile().traits()) EXPECT_FALSE(t.lineage().source().empty());

  // hubctl writes the same export as JSON.
  std::string out;
  EXPECT_EQ(testing_support::RunShell(
                absl::StrCat("HUB_TOKEN=", kToken, " ", HUBCTL_BIN, " --server ",
                             hubd_->address(), " export --type email --value ", email,
                                  " --reason DSR-7"),
                     &out),
            0);
  EXPECT_EQ(out.find("{\n \"profile\": {\n  \"name\": \"" + subject.name() + "\""), 0u)
      << out.substr(0, 200);
}

TEST_F(HubdTest, ResyncChangesNothing) {
  size_t persons = AllProfiles().size();
  for (const char* kind : kKinds) {
    hub::v1::SyncJob again = client_->SyncAndWait(kind, /*full=*/true);
    ASSERT_EQ(again.state(), hub::v1::SyncJob::SUCCEEDED) << again.error();
    EXPECT_EQ(again.records_read(), first_jobs_[kind].records_read()) << kind;
    EXPECT_EQ(again.records_ingested(), 0) << kind;
    EXPECT_EQ(again.records_unchanged(), again.records_read()) << kind;
    EXPECT_EQ(again.profiles_created(), 0) << kind;
    hub::v1::SyncJob resumed = client_->SyncAndWait(kind);  // from the cursor
    ASSERT_EQ(resumed.state(), hub::v1::SyncJob::SUCCEEDED) << resumed.error();
    EXPECT_EQ(resumed.records_read(), 0) << kind;
  }
  EXPECT_EQ(AllProfiles().size(), persons);
}

TEST_F(HubdTest, LookupByAnyIdentifierFindsTheSameProfile) {
  std::vector<hub::v1::Profile> profiles = AllProfiles();
  const hub::v1::Profile* rich = nullptr;
  for (const auto& p : profiles) {
    if (rich == nullptr || p.identifiers_size() > rich->identifiers_size()) rich = &p;
  }
  ASSERT_NE(rich, nullptr);
  ASSERT_GE(rich->identifiers_size(), 3);
  for (const auto& id : rich->identifiers()) {
    hub::v1::LookupProfileRequest req;
    req.set_identifier_type(id.type());
    req.set_identifier_value(id.type() == "email" ? "  " + id.value() + " " : id.value());
    hub::v1::Profile found;
    grpc::Status s = client_->profiles()->LookupProfile(client_->Ctx().get(), req, &found);
    ASSERT_TRUE(s.ok()) << id.type() << ": " << s.error_message();
    EXPECT_EQ(found.name(), rich->name());
  }
}

TEST_F(HubdTest, BadRequestsGetCanonicalCodesNamingTheField) {
  hub::v1::ListProfilesRequest list;
  list.set_page_token("bogus");
  hub::v1::ListProfilesResponse lr;
  grpc::Status s = client_->profiles()->ListProfiles(client_->Ctx().get(), list, &lr);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "page_token: \"bogus\" is not a token from a previous call");
  list.set_page_token("");
  list.set_page_size(-1);
  s = client_->profiles()->ListProfiles(client_->Ctx().get(), list, &lr);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "page_size: must not be negative, got -1");

  hub::v1::LookupProfileRequest lookup;
  lookup.set_identifier_type("shoe_size");
  lookup.set_identifier_value("44");
  hub::v1::Profile p;
  s = client_->profiles()->LookupProfile(client_->Ctx().get(), lookup, &p);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message().substr(0, 33), "identifier_type: \"shoe_size\" is n");
  lookup.set_identifier_type("email");
  lookup.set_identifier_value("nobody@nowhere.example");
  s = client_->profiles()->LookupProfile(client_->Ctx().get(), lookup, &p);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  lookup.set_identifier_value("not-an-email");
  s = client_->profiles()->LookupProfile(client_->Ctx().get(), lookup, &p);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  hub::v1::GetProfileRequest get;
  get.set_name("profiles/abc");
  s = client_->profiles()->GetProfile(client_->Ctx().get(), get, &p);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "name: expected \"profiles/{id}\", got \"profiles/abc\"");
  get.set_name("profiles/99999999");
  s = client_->profiles()->GetProfile(client_->Ctx().get(), get, &p);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);

  // No token, a wrong token: UNAUTHENTICATED on every service.
  get.set_name("profiles/1");
  s = client_->profiles()->GetProfile(client_->Ctx(false).get(), get, &p);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  HubClient wrong(hubd_->address(), "wrong-token");
  s = wrong.profiles()->GetProfile(wrong.Ctx().get(), get, &p);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  hub::v1::ListSourcesResponse sources;
  s = wrong.sync()->ListSources(wrong.Ctx().get(), hub::v1::ListSourcesRequest(), &sources);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // Sources.
  s = client_->CreateSource("Bad_Id", "salesforce", dir_->path());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  s = client_->CreateSource("crm2", "oracle", dir_->path());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  s = client_->CreateSource("crm3", "salesforce", dir_->File("no/such/folder"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  s = client_->CreateSource("salesforce", "salesforce", dir_->File("world/salesforce"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  hub::v1::RunSyncRequest run;
  run.set_name("sources/nope");
  hub::v1::SyncJob job;
  s = client_->sync()->RunSync(client_->Ctx().get(), run, &job);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  hub::v1::GetSyncJobRequest gj;
  gj.set_name("sources/salesforce/jobs/1");
  s = client_->sync()->GetSyncJob(client_->Ctx().get(), gj, &job);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// Reads a truth CSV whose header is `header` into rows of fields.
std::vector<std::vector<std::string>> ReadCsv(const std::string& path, const std::string& header) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, header) << path;
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line)) rows.push_back(SplitCsv(line));
  return rows;
}

int64_t MicrosOf(const std::string& text) {
  absl::StatusOr<absl::Time> t = ParseTimestamp(text);
  EXPECT_TRUE(t.ok()) << text;
  return t.ok() ? absl::ToUnixMicros(*t) : 0;
}

// The profile or account holding each fragment, from where its records landed.
std::map<std::string, std::string> FragmentHolders(const std::vector<TruthRow>& truth,
                                                   const std::map<std::string, std::string>& placed) {
  std::map<std::string, std::string> out;
  for (const TruthRow& row : truth) {
    if (!row.invalid.empty() || row.fragment.empty() || row.entity == "OPPORTUNITY") continue;
    auto it = placed.find(KeyOf(row.source, row.entity, row.external_id));
    if (it != placed.end()) out[row.fragment] = it->second;
  }
  return out;
}

TEST_F(HubdTest, StageHistoriesMatchTheTruthExactly) {
  std::vector<TruthRow> truth = ReadTruth(dir_->File("world/truth/records.csv"));
  std::map<std::string, std::string> placed = PlacedPersonRecords();
  for (const hub::v1::Account& a : AllAccounts()) {
    for (const auto& r : a.source_records()) {
      placed[KeyOf(r.source(), hub::v1::EntityType_Name(r.entity()), r.external_id())] = a.name();
    }
  }
  const std::map<std::string, std::string> holder = FragmentHolders(truth, placed);
  // Truth: fragment -> "time STAGE" lines.
  std::map<std::string, std::string> expected;
  for (const auto& f : ReadCsv(dir_->File("world/truth/stages.csv"), "side,fragment,seq,at,stage")) {
    ASSERT_EQ(f.size(), 5u);
    absl::StrAppend(&expected[f[1]], MicrosOf(f[3]), " ", f[4], "\n");
  }
  ASSERT_GT(expected.size(), 100u);
  int mismatches = 0, compared = 0;
  std::set<std::string> holders_with_history;
  for (const auto& [fragment, want] : expected) {
    auto h = holder.find(fragment);
    ASSERT_NE(h, holder.end()) << "no profile holds " << fragment;
    std::string got;
    std::string token;
    do {
      hub::v1::ListStageTransitionsRequest req;
      req.set_parent(h->second);
      req.set_page_token(token);
      req.set_page_size(3);
      hub::v1::ListStageTransitionsResponse resp;
      grpc::Status s = client_->metrics()->ListStageTransitions(client_->Ctx().get(), req, &resp);
      ASSERT_TRUE(s.ok()) << s.error_message();
      for (const auto& t : resp.transitions()) {
        absl::StrAppend(&got, absl::ToUnixMicros(FromProtoTime(t.enter_time())), " ",
                        hub::v1::Stage_Name(t.stage()), "\n");
      }
      token = resp.next_page_token();
    } while (!token.empty());
    ++compared;
    holders_with_history.insert(h->second);
    if (got != want && ++mismatches <= 5) {
      ADD_FAILURE() << fragment << " (" << h->second << ")\nwant:\n" << want << "got:\n" << got;
    }
  }
  EXPECT_EQ(mismatches, 0) << "of " << compared << " histories";
  std::printf("stage histories: %d compared, %d differ\n", compared, mismatches);
}

TEST_F(HubdTest, FunnelMatchesTheTruthExactly) {
  auto rows = ReadCsv(dir_->File("world/truth/funnel.csv"),
                      "side,start,end,segment,stage,entries,conv_num,conv_den,median_days");
  ASSERT_GT(rows.size(), 100u);
  // One call per (side, period, segment); rows come grouped that way.
  std::map<std::string, hub::v1::Funnel> funnels;
  std::set<std::string> traits;  // of the segments compared
  int compared = 0, mismatches = 0;
  for (const auto& f : rows) {
    ASSERT_EQ(f.size(), 9u);
    traits.insert(f[3].substr(0, f[3].find('=')));
    const std::string key = absl::StrCat(f[0], "|", f[1], "|", f[2], "|", f[3]);
    if (!funnels.count(key)) {
      hub::v1::GetFunnelRequest req;
      req.set_side(f[0] == "person" ? hub::v1::PERSONS : hub::v1::ACCOUNTS);
      *req.mutable_period()->mutable_start_time() = ToProtoTime(absl::FromUnixMicros(MicrosOf(f[1])));
      *req.mutable_period()->mutable_end_time() = ToProtoTime(absl::FromUnixMicros(MicrosOf(f[2])));
      req.set_segment(f[3]);
      req.set_conversion_window_days(90);
      grpc::Status s = client_->metrics()->GetFunnel(client_->Ctx().get(), req, &funnels[key]);
      ASSERT_TRUE(s.ok()) << key << ": " << s.error_message();
    }
    hub::v1::Stage stage;
    ASSERT_TRUE(hub::v1::Stage_Parse(f[4], &stage)) << f[4];
    const hub::v1::FunnelStage& got = funnels[key].stages(static_cast<int>(stage) - 1);
    std::string want_text = absl::StrCat(f[5], ",", f[6], ",", f[7], ",", f[8]);
    std::string got_text = absl::StrCat(got.entries(), ",");
    if (got.has_conversion_to_next()) {
      absl::StrAppend(&got_text, got.conversion_to_next().numerator(), ",",
                      got.conversion_to_next().denominator());
    } else {
      absl::StrAppend(&got_text, ",");
    }
    absl::StrAppend(&got_text, ",");
    if (got.has_median_days_in_stage()) absl::StrAppend(&got_text, got.median_days_in_stage());
    ++compared;
    if (got_text != want_text && ++mismatches <= 10) {
      ADD_FAILURE() << key << " " << f[4] << ": want " << want_text << " got " << got_text;
    }
  }
  EXPECT_EQ(mismatches, 0) << "of " << compared << " funnel rows";
  EXPECT_EQ(traits, (std::set<std::string>{"", "industry", "region", "source", "tier"}));
  std::printf("funnel rows: %d compared, %d differ\n", compared, mismatches);
}

TEST_F(HubdTest, StageMetricsMatchTheTruthExactly) {
  auto rows = ReadCsv(dir_->File("world/truth/metrics.csv"),
                      "side,start,end,segment,metric,numerator,denominator,value");
  ASSERT_GT(rows.size(), 1000u);
  std::map<std::string, hub::v1::StageMetrics> responses;
  std::set<std::string> names;
  int compared = 0, mismatches = 0;
  for (const auto& f : rows) {
    ASSERT_EQ(f.size(), 8u);
    names.insert(f[4]);
    const std::string key = absl::StrCat(f[1], "|", f[2], "|", f[3]);
    if (!responses.count(key)) {
      hub::v1::GetStageMetricsRequest req;
      *req.mutable_period()->mutable_start_time() = ToProtoTime(absl::FromUnixMicros(MicrosOf(f[1])));
      *req.mutable_period()->mutable_end_time() = ToProtoTime(absl::FromUnixMicros(MicrosOf(f[2])));
      req.set_segment(f[3]);
      grpc::Status s = client_->metrics()->GetStageMetrics(client_->Ctx().get(), req, &responses[key]);
      ASSERT_TRUE(s.ok()) << key << ": " << s.error_message();
    }
    const hub::v1::Metric* got = nullptr;
    for (const hub::v1::Metric& m : responses[key].metrics()) {
      if (m.name() == f[4]) got = &m;
    }
    if (got == nullptr) continue;  // listed as unavailable (checked below)
    std::string got_text;
    if (got->has_count()) {
      got_text = absl::StrCat(got->count(), ",,");
    } else if (got->has_amount()) {
      got_text = absl::StrCat(absl::StrFormat("%.0f", got->amount()), ",,");
    } else if (got->has_rate()) {
      // Revenue shares are kept in cents: compare them by value only.
      const bool cents =
          f[4] == "upsell_revenue_share" || f[4] == "existing_customer_revenue_share";
      const hub::v1::Rate& r = got->rate();
      got_text = absl::StrCat(cents ? f[5] : absl::StrCat(r.numerator()), ",",
                              cents ? f[6] : absl::StrCat(r.denominator()), ",",
                              r.has_value() ? absl::StrFormat("%.6f", r.value()) : "");
    } else {
      // A value (the median; the average deal size, whose revenue and count
      // are closed_won_revenue and win_rate's numerator).
      const bool average = f[4] == "average_deal_size";
      got_text = absl::StrCat(average ? f[5] : "", ",", average ? f[6] : "", ",",
                              got->has_value() ? absl::StrFormat("%.6f", got->value()) : "");
    }
    const std::string want_text = absl::StrCat(f[5], ",", f[6], ",", f[7]);
    ++compared;
    if (got_text != want_text && ++mismatches <= 10) {
      ADD_FAILURE() << key << " " << f[4] << ": want " << want_text << " got " << got_text;
    }
  }
  EXPECT_EQ(mismatches, 0) << "of " << compared;
  // Every metric of the truth is answered.
  const hub::v1::StageMetrics& any = responses.begin()->second;
  std::set<std::string> answered;
  for (const hub::v1::Metric& m : any.metrics()) answered.insert(m.name());
  EXPECT_EQ(answered, names);
  EXPECT_EQ(any.unavailable_size(), 0);
  std::printf("stage metrics: %d values compared, %d differ; %d of %zu metrics maintained\n",
              compared, mismatches, any.metrics_size(), names.size());
}

TEST_F(HubdTest, CustomerValueMatchesTheTruthExactly) {
  auto rows = ReadCsv(dir_->File("world/truth/customer_value.csv"),
                      "start,end,dimension,segment,accounts_at_start,revenue,churned,"
                      "revenue_per_account,clv,rank");
  ASSERT_GT(rows.size(), 100u);
  std::map<std::string, hub::v1::CustomerValue> responses;
  std::set<std::string> dimensions;  // compared
  int compared = 0, mismatches = 0;
  auto six = [](bool has, double v) { return has ? absl::StrFormat("%.6f", v) : std::string(); };
  for (const auto& f : rows) {
    ASSERT_EQ(f.size(), 10u);
    dimensions.insert(f[2]);
    const std::string key = absl::StrCat(f[0], "|", f[1]);
    if (!responses.count(key)) {
      hub::v1::GetCustomerValueRequest req;
      *req.mutable_period()->mutable_start_time() = ToProtoTime(absl::FromUnixMicros(MicrosOf(f[0])));
      *req.mutable_period()->mutable_end_time() = ToProtoTime(absl::FromUnixMicros(MicrosOf(f[1])));
      grpc::Status s = client_->metrics()->GetCustomerValue(client_->Ctx().get(), req, &responses[key]);
      ASSERT_TRUE(s.ok()) << key << ": " << s.error_message();
    }
    const hub::v1::CustomerValue& value = responses[key];
    const hub::v1::SegmentValue* got = nullptr;
    if (f[2].empty()) {
      got = &value.overall();
    } else {
      for (const hub::v1::SegmentValue& v : value.segments()) {
        if (v.segment() == absl::StrCat(f[2], "=", f[3])) got = &v;
      }
    }
    ++compared;
    if (got == nullptr) {
      if (++mismatches <= 10) ADD_FAILURE() << key << " " << f[2] << "=" << f[3] << ": missing";
      continue;
    }
    const std::string got_text = absl::StrCat(
        got->accounts_at_start(), ",", absl::StrFormat("%.0f", got->revenue()), ",",
        got->churned(), ",", six(got->has_revenue_per_account(), got->revenue_per_account()), ",",
        six(got->has_clv(), got->clv()), ",", got->rank());
    const std::string want_text =
        absl::StrCat(f[4], ",", f[5], ",", f[6], ",", f[7], ",", f[8], ",", f[9]);
    if (got_text != want_text && ++mismatches <= 10) {
      ADD_FAILURE() << key << " " << f[2] << "=" << f[3] << ": want " << want_text << " got "
                    << got_text;
    }
  }
  EXPECT_EQ(mismatches, 0) << "of " << compared;
  std::printf("customer value: %d rows compared, %d differ\n", compared, mismatches);
  EXPECT_EQ(dimensions, (std::set<std::string>{"", "industry", "region", "source", "tier"}));
  // One dimension alone: just its segments, as in the answer for all.
  hub::v1::GetCustomerValueRequest one;
  *one.mutable_period() = responses.begin()->second.period();
  one.set_dimension("source");
  hub::v1::CustomerValue sources;
  ASSERT_TRUE(client_->metrics()->GetCustomerValue(client_->Ctx().get(), one, &sources).ok());
  std::vector<std::string> want, got;
  for (const hub::v1::SegmentValue& v : responses.begin()->second.segments()) {
    if (absl::StartsWith(v.segment(), "source=")) want.push_back(v.ShortDebugString());
  }
  for (const hub::v1::SegmentValue& v : sources.segments()) got.push_back(v.ShortDebugString());
  EXPECT_FALSE(want.empty());
  EXPECT_EQ(got, want);
  hub::v1::GetCustomerValueRequest bad;
  *bad.mutable_period() = responses.begin()->second.period();
  bad.set_dimension("color");
  hub::v1::CustomerValue out;
  grpc::Status s = client_->metrics()->GetCustomerValue(client_->Ctx().get(), bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "dimension: \"color\" is not one of industry, tier, region, source");
  bad.set_dimension("");
  bad.set_gross_margin(1.5);
  s = client_->metrics()->GetCustomerValue(client_->Ctx().get(), bad, &out);
  EXPECT_EQ(s.error_message(), "gross_margin: 1.5 is outside (0, 1]");
}

TEST_F(HubdTest, MetricsRequestsAreValidated) {
  hub::v1::GetFunnelRequest req;
  hub::v1::Funnel funnel;
  auto call = [&]() { return client_->metrics()->GetFunnel(client_->Ctx().get(), req, &funnel); };
  grpc::Status s = call();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "side: required (PERSONS or ACCOUNTS)");
  req.set_side(hub::v1::PERSONS);
  EXPECT_EQ(call().error_message(), "period: required");
  req.mutable_period()->mutable_start_time()->set_seconds(1704067200);  // 2024-01-01
  EXPECT_EQ(call().error_message(), "period.end_time: required");
  req.mutable_period()->mutable_end_time()->set_seconds(1704067200 + 3600);
  EXPECT_EQ(call().error_message(),
            "period.end_time: 2024-01-01T01:00:00.000000Z is not a UTC midnight (metrics are "
            "kept per UTC day)");
  req.mutable_period()->mutable_end_time()->set_seconds(1704067200);
  EXPECT_EQ(call().error_message(), "period: end_time must be after start_time");
  req.mutable_period()->mutable_end_time()->set_seconds(1704067200 + 86400);
  req.set_segment("color=blue");
  EXPECT_EQ(call().error_message(),
            "segment: \"color=blue\" is not <trait>=<value> with <trait> one of "
            "industry, tier, region, source");
  req.set_segment("source=");
  EXPECT_EQ(call().error_message(),
            "segment: \"source=\" is not <trait>=<value> with <trait> one of "
            "industry, tier, region, source");
  req.set_segment("");
  req.set_conversion_window_days(400);
  EXPECT_EQ(call().error_message(), "conversion_window_days: 400 is outside 1..365");
  req.set_conversion_window_days(0);
  ASSERT_TRUE(call().ok());
  EXPECT_EQ(funnel.conversion_window_days(), 90);
  ASSERT_EQ(funnel.stages_size(), 5);

  hub::v1::ListStageTransitionsRequest list;
  hub::v1::ListStageTransitionsResponse resp;
  list.set_parent("people/1");
  s = client_->metrics()->ListStageTransitions(client_->Ctx().get(), list, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  list.set_parent("profiles/99999999");
  s = client_->metrics()->ListStageTransitions(client_->Ctx().get(), list, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  list.set_parent(AllProfiles().front().name());
  s = client_->metrics()->ListStageTransitions(client_->Ctx(false).get(), list, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // As of before anything happened: no stage, no transitions.
  list.mutable_as_of()->set_seconds(0);
  s = client_->metrics()->ListStageTransitions(client_->Ctx().get(), list, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.stage(), hub::v1::STAGE_UNSPECIFIED);
  EXPECT_EQ(resp.transitions_size(), 0);
}

TEST_F(HubdTest, AccountMembersAreThePersonsLinkedToIt) {
  std::vector<hub::v1::Profile> profiles = AllProfiles();
  std::map<std::string, int64_t> expected;
  for (const auto& p : profiles) {
    if (!p.account().empty()) ++expected[p.account()];
  }
  ASSERT_GT(expected.size(), 10u);
  for (const hub::v1::Account& a : AllAccounts()) {
    std::set<std::string> members;
    std::string token;
    do {
      hub::v1::ListAccountMembersRequest req;
      req.set_parent(a.name());
      req.set_page_size(3);
      req.set_page_token(token);
      hub::v1::ListAccountMembersResponse resp;
      grpc::Status s = client_->profiles()->ListAccountMembers(client_->Ctx().get(), req, &resp);
      ASSERT_TRUE(s.ok()) << s.error_message();
      for (const auto& p : resp.profiles()) {
        EXPECT_EQ(p.account(), a.name());
        EXPECT_TRUE(members.insert(p.name()).second);
      }
      token = resp.next_page_token();
    } while (!token.empty());
    EXPECT_EQ(static_cast<int64_t>(members.size()), a.member_count()) << a.name();
    EXPECT_EQ(static_cast<int64_t>(members.size()), expected[a.name()]) << a.name();
  }
  hub::v1::ListAccountMembersRequest bad;
  bad.set_parent("profiles/1");
  hub::v1::ListAccountMembersResponse resp;
  EXPECT_EQ(client_->profiles()->ListAccountMembers(client_->Ctx().get(), bad, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  bad.set_parent("accounts/99999999");
  EXPECT_EQ(client_->profiles()->ListAccountMembers(client_->Ctx().get(), bad, &resp).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(HubdTest, PagesCoverEveryProfileOnce) {
  std::set<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    hub::v1::ListProfilesRequest req;
    req.set_page_size(7);
    req.set_page_token(token);
    hub::v1::ListProfilesResponse resp;
    ASSERT_TRUE(client_->profiles()->ListProfiles(client_->Ctx().get(), req, &resp).ok());
    EXPECT_LE(resp.profiles_size(), 7);
    for (const auto& p : resp.profiles()) EXPECT_TRUE(seen.insert(p.name()).second);
    token = resp.next_page_token();
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(seen.size(), AllProfiles().size());
  EXPECT_EQ(pages, static_cast<int>((seen.size() + 6) / 7));
}

TEST_F(HubdTest, HealthServesAndSyncJobsAreListed) {
  auto health = grpc::health::v1::Health::NewStub(client_->channel());
  grpc::health::v1::HealthCheckRequest req;
  grpc::health::v1::HealthCheckResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(health->Check(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  hub::v1::ListSyncJobsRequest list;
  list.set_parent("sources/salesforce");
  hub::v1::ListSyncJobsResponse jobs;
  ASSERT_TRUE(client_->sync()->ListSyncJobs(client_->Ctx().get(), list, &jobs).ok());
  ASSERT_GE(jobs.sync_jobs_size(), 1);
  EXPECT_EQ(jobs.sync_jobs(jobs.sync_jobs_size() - 1).name(), "sources/salesforce/syncJobs/1");
}

TEST(HubdStandaloneTest, GeneratesTheAdminTokenOnceAndShutsDownOnSigterm) {
  TempDir dir;
  auto first = HubdProcess::Start(HUBD_BIN, {"--db", dir.File("hub.db")}, dir.path());
  ASSERT_TRUE(first.ok()) << first.status();
  std::string out = (*first)->Stdout();
  size_t at = out.find("HUB_TOKEN=");
  ASSERT_NE(at, std::string::npos) << out;
  std::string token = out.substr(at + 10, out.find('\n', at) - at - 10);
  EXPECT_EQ(token.size(), 44u);
  int status = (*first)->Stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  auto second = HubdProcess::Start(HUBD_BIN, {"--db", dir.File("hub.db")}, dir.path());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*second)->Stdout().find("HUB_TOKEN="), std::string::npos);
  HubClient client((*second)->address(), token);
  hub::v1::ListSourcesResponse resp;
  EXPECT_TRUE(client.sync()->ListSources(client.Ctx().get(), {}, &resp).ok());
  status = (*second)->Stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(HubdStandaloneTest, BadConfigIsRefusedWithTheField) {
  TempDir dir;
  std::ofstream(dir.File("bad.textproto")) << "tokens { role: \"root\" sha256: \"x\" }\n";
  auto p = HubdProcess::Start(HUBD_BIN, {"--config", dir.File("bad.textproto")}, dir.path());
  ASSERT_FALSE(p.ok());
  EXPECT_NE(std::string(p.status().message()).find("tokens[0].sha256"), std::string::npos)
      << p.status();
}

// A larger world, where some persons' contacts share no identifier (8
// persons, 20 of 1659 contact/lead pairs), with the write-path matcher on
// (docs/person_matching.example.textproto, trained on another world).
class HubdMatchingTest : public HubdTest {
 protected:
  static void SetUpTestSuite() { StartAndSyncWorld("--accounts 150 --seed 7", true); }
};

TEST_F(HubdMatchingTest, MatcherJoinsWhatIdentifiersCouldNotWithoutFalseMerges) {
  std::vector<TruthRow> truth = ReadTruth(dir_->File("world/truth/records.csv"));
  const std::map<std::string, std::string> placed = PlacedPersonRecords();
  const PairScores all = PersonPairScores(truth, placed, /*with_activity=*/true);
  const PairScores identified = PersonPairScores(truth, placed, /*with_activity=*/false);
  PrintScores("with matching", all, identified);
  EXPECT_GE(identified.precision, 0.99);
  EXPECT_GE(identified.recall, 0.99);
  EXPECT_GE(all.precision, 0.99);
  // Deterministic resolution alone would place each record in its truth
  // fragment: the matcher must do better than that.
  std::map<std::string, std::string> by_fragment;
  std::map<std::string, std::set<std::string>> fragments_of_profile;
  for (const TruthRow& row : truth) {
    const std::string key = KeyOf(row.source, row.entity, row.external_id);
    by_fragment[key] = row.fragment;
    auto it = placed.find(key);
    if (it != placed.end() && row.invalid.empty() &&
        (row.entity == "CONTACT" || row.entity == "LEAD")) {
      fragments_of_profile[it->second].insert(row.fragment);
    }
  }
  const PairScores deterministic = PersonPairScores(truth, by_fragment, false);
  std::printf("identifiers alone: contacts and leads R %.4f\n", deterministic.recall);
  EXPECT_GT(identified.recall, deterministic.recall);
  // Each profile joining the contacts/leads of several fragments was joined
  // by scored, probabilistic ledger entries; the sync jobs counted exactly
  // the probabilistic entries of all ledgers.
  std::set<std::string> profiles;
  for (const auto& [key, name] : placed) profiles.insert(name);
  int joined = 0, probabilistic_entries = 0;
  for (const std::string& name : profiles) {
    hub::v1::ListMergesRequest merges_req;
    merges_req.set_name(name);
    merges_req.set_page_size(1000);
    hub::v1::ListMergesResponse merges;
    ASSERT_TRUE(client_->profiles()->ListMerges(client_->Ctx().get(), merges_req, &merges).ok());
    int probabilistic = 0;
    for (const hub::v1::MergeLedgerEntry& e : merges.entries()) {
      if (e.rule() != "probabilistic") continue;
      ++probabilistic;
      EXPECT_GE(e.score(), 0.5) << name;
    }
    probabilistic_entries += probabilistic;
    const size_t fragments = fragments_of_profile[name].size();
    if (fragments < 2) continue;
    ++joined;
    EXPECT_GE(probabilistic, static_cast<int>(fragments) - 1) << name;
  }
  EXPECT_GT(joined, 0);
  int64_t counted = 0;
  for (const auto& [kind, job] : first_jobs_) counted += job.probabilistic_merges();
  EXPECT_EQ(counted, probabilistic_entries);
  // The review queue answers, and every suggestion explains itself.
  hub::v1::ListMergeSuggestionsRequest req;
  req.set_all_states(true);
  hub::v1::ListMergeSuggestionsResponse resp;
  grpc::Status s = client_->profiles()->ListMergeSuggestions(client_->Ctx().get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  for (const hub::v1::MergeSuggestion& m : resp.suggestions()) {
    EXPECT_EQ(m.state(), hub::v1::MergeSuggestion::PENDING);
    EXPECT_NE(m.explanation().find("first_name+last_name="), std::string::npos);
  }
  std::printf("with matching: %d suggestions pending\n", resp.suggestions_size());
}

}  // namespace
}  // namespace hub
