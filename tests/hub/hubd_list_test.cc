// ListProfiles and ListAccounts filters, orders and page tokens, read_mask
// and BatchGetProfiles against the real hubd. Every filtered listing is
// checked against the same filter evaluated here, on the client, over every
// profile the hub holds: the SQL the hub runs and this plain evaluation must
// agree exactly, page by page.
#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "hub/auth.h"
#include "tests/hub/hub_client.h"
#include "tests/support/hubd_process.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;
using hub::v1::Profile;
using testing_support::HubClient;
using testing_support::HubdProcess;
using testing_support::RunShell;
using testing_support::TempDir;

constexpr char kAdmin[] = "list-test-admin";
constexpr char kAnalyst[] = "list-test-analyst";

std::string TraitOf(const Profile& p, const std::string& name) {
  for (const auto& t : p.traits()) {
    if (t.name() == name) return t.value();
  }
  return "";
}

bool HasTrait(const Profile& p, const std::string& name) {
  for (const auto& t : p.traits()) {
    if (t.name() == name) return true;
  }
  return false;
}

int64_t IdOf(const std::string& name) {
  return std::stoll(name.substr(name.find('/') + 1));
}

class HubdListTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    std::string out;
    ASSERT_EQ(RunShell(absl::StrCat(HUB_SAMPLE_BIN, " --out ", dir_->File("world"),
                                    " --accounts 12 --seed 11 2>&1"),
                       &out),
              0)
        << out;
    const std::string config = dir_->File("hub.textproto");
    std::ofstream(config) << "db_path: \"" << dir_->File("hub.db") << "\"\n"
                          << "tokens { principal: \"ops\" role: \"admin\" sha256: \""
                          << Sha256Hex(kAdmin) << "\" }\n"
                          << "tokens { principal: \"bi\" role: \"analyst\" sha256: \""
                          << Sha256Hex(kAnalyst) << "\" }\n";
    auto hubd = HubdProcess::Start(HUBD_BIN, {"--config", config}, dir_->path());
    ASSERT_TRUE(hubd.ok()) << hubd.status();
    hubd_ = hubd->release();
    HubClient client(hubd_->address(), kAdmin);
    ASSERT_TRUE(client.CreateSource("crm", "salesforce", dir_->File("world/salesforce")).ok());
    ASSERT_EQ(client.SyncAndWait("crm").state(), hub::v1::SyncJob::SUCCEEDED);
  }

  static void TearDownTestSuite() {
    delete hubd_;
    delete dir_;
  }

  // Every live profile, each as GetProfile returns it but without lineage
  // (as ListProfiles does), in id order.
  std::vector<Profile> AllProfiles(HubClient& client) {
    std::vector<Profile> all;
    hub::v1::ListProfilesRequest req;
    req.set_page_size(1000);
    hub::v1::ListProfilesResponse resp;
    EXPECT_TRUE(client.profiles()->ListProfiles(client.Ctx().get(), req, &resp).ok());
    EXPECT_TRUE(resp.next_page_token().empty());
    for (const Profile& p : resp.profiles()) all.push_back(p);
    return all;
  }

  // ListProfiles with `filter` and `order_by`, `page_size` at a time,
  // following tokens to the end: the names in order.
  std::vector<std::string> ListAll(HubClient& client, const std::string& filter,
                                   const std::string& order_by, int page_size) {
    std::vector<std::string> names;
    hub::v1::ListProfilesRequest req;
    req.set_filter(filter);
    req.set_order_by(order_by);
    req.set_page_size(page_size);
    for (int pages = 0; pages < 10000; ++pages) {
      hub::v1::ListProfilesResponse resp;
      grpc::Status s = client.profiles()->ListProfiles(client.Ctx().get(), req, &resp);
      EXPECT_TRUE(s.ok()) << filter << ": " << s.error_message();
      if (!s.ok()) break;
      EXPECT_LE(resp.profiles_size(), page_size);
      for (const Profile& p : resp.profiles()) names.push_back(p.name());
      if (resp.next_page_token().empty()) break;
      req.set_page_token(resp.next_page_token());
    }
    return names;
  }

  static std::vector<std::string> Names(const std::vector<Profile>& profiles,
                                        const std::function<bool(const Profile&)>& keep) {
    std::vector<std::string> out;
    for (const Profile& p : profiles) {
      if (keep(p)) out.push_back(p.name());
    }
    return out;
  }

  static TempDir* dir_;
  static HubdProcess* hubd_;
};

TempDir* HubdListTest::dir_ = nullptr;
HubdProcess* HubdListTest::hubd_ = nullptr;

TEST_F(HubdListTest, FiltersAgreeWithTheProfilesPageByPage) {
  HubClient client(hubd_->address(), kAdmin);
  const std::vector<Profile> all = AllProfiles(client);
  ASSERT_GT(all.size(), 25u);

  // The data's most common stage, a trait with several values and an
  // account with members, so that every filter below selects a proper,
  // non-empty subset.
  std::map<int, int> stages;
  std::map<std::string, int> titles;
  std::map<std::string, int> accounts;
  for (const Profile& p : all) {
    ++stages[p.stage()];
    if (HasTrait(p, "title")) ++titles[TraitOf(p, "title")];
    if (!p.account().empty()) ++accounts[p.account()];
  }
  ASSERT_GE(stages.size(), 2u);
  ASSERT_GE(titles.size(), 2u);
  ASSERT_FALSE(accounts.empty());
  const auto stage = std::max_element(stages.begin(), stages.end(), [](auto& a, auto& b) {
                       return a.second < b.second;
                     })->first;
  const std::string stage_name = hub::v1::Stage_Name(stage);
  const std::string title = titles.begin()->first;
  const std::string account = accounts.begin()->first;
  std::vector<int64_t> updates;
  for (const Profile& p : all) updates.push_back(TimeUtil::TimestampToMicroseconds(p.update_time()));
  std::sort(updates.begin(), updates.end());
  const int64_t mid_us = updates[updates.size() / 2];
  const std::string mid = TimeUtil::ToString(TimeUtil::MicrosecondsToTimestamp(mid_us));
  auto us = [](const Profile& p) { return TimeUtil::TimestampToMicroseconds(p.update_time()); };

  struct Case {
    std::string filter;
    std::function<bool(const Profile&)> keep;
  };
  const std::vector<Case> cases = {
      {"", [](const Profile&) { return true; }},
      {"stage = " + stage_name, [&](const Profile& p) { return p.stage() == stage; }},
      {"stage != " + stage_name, [&](const Profile& p) { return p.stage() != stage; }},
      {"account = \"" + account + "\"", [&](const Profile& p) { return p.account() == account; }},
      {"account != \"" + account + "\"", [&](const Profile& p) { return p.account() != account; }},
      {"account = \"\"", [](const Profile& p) { return p.account().empty(); }},
      {"traits.title = \"" + title + "\"",
       [&](const Profile& p) { return HasTrait(p, "title") && TraitOf(p, "title") == title; }},
      {"traits.title != \"" + title + "\"",
       [&](const Profile& p) { return !HasTrait(p, "title") || TraitOf(p, "title") != title; }},
      {"traits.title:*", [](const Profile& p) { return HasTrait(p, "title"); }},
      {"-traits.title:*", [](const Profile& p) { return !HasTrait(p, "title"); }},
      {"update_time >= \"" + mid + "\"", [&](const Profile& p) { return us(p) >= mid_us; }},
      {"update_time < \"" + mid + "\"", [&](const Profile& p) { return us(p) < mid_us; }},
      {"stage = " + stage_name + " AND (traits.title = \"" + title + "\" OR account = \"" +
           account + "\")",
       [&](const Profile& p) {
         return p.stage() == stage && ((HasTrait(p, "title") && TraitOf(p, "title") == title) ||
                                       p.account() == account);
       }},
      {"NOT stage = " + stage_name + " update_time >= \"" + mid + "\"",
       [&](const Profile& p) { return p.stage() != stage && us(p) >= mid_us; }},
      {"account = \"accounts/999999999\"", [](const Profile&) { return false; }},
  };
  for (const Case& c : cases) {
    const std::vector<std::string> expected = Names(all, c.keep);
    EXPECT_EQ(ListAll(client, c.filter, "", 3), expected) << c.filter;
    // The reverse order, and one big page.
    std::vector<std::string> reversed(expected.rbegin(), expected.rend());
    EXPECT_EQ(ListAll(client, c.filter, "name desc", 4), reversed) << c.filter;
    EXPECT_EQ(ListAll(client, c.filter, "", 1000), expected) << c.filter;
  }
  // The selective cases do select: neither nothing nor everything.
  for (size_t i = 1; i < 4; ++i) {
    const size_t n = Names(all, cases[i].keep).size();
    EXPECT_GT(n, 0u) << cases[i].filter;
    EXPECT_LT(n, all.size()) << cases[i].filter;
  }

  // Ordered by last change (ties by id), forwards and backwards.
  std::vector<Profile> by_update = all;
  std::stable_sort(by_update.begin(), by_update.end(),
                   [&](const Profile& a, const Profile& b) { return us(a) < us(b); });
  std::vector<std::string> expected = Names(by_update, [](const Profile&) { return true; });
  EXPECT_EQ(ListAll(client, "", "update_time", 5), expected);
  std::stable_sort(by_update.begin(), by_update.end(), [&](const Profile& a, const Profile& b) {
    return us(a) != us(b) ? us(a) > us(b) : IdOf(a.name()) > IdOf(b.name());
  });
  expected = Names(by_update, [](const Profile&) { return true; });
  EXPECT_EQ(ListAll(client, "", "update_time desc", 5), expected);
  expected = Names(by_update, [&](const Profile& p) { return p.stage() == stage; });
  EXPECT_EQ(ListAll(client, "stage = " + stage_name, "  update_time   desc ", 2), expected);
}

TEST_F(HubdListTest, ATokenIsBoundToItsFilterAndOrder) {
  HubClient client(hubd_->address(), kAdmin);
  hub::v1::ListProfilesRequest req;
  req.set_filter("traits.title:*");
  req.set_page_size(2);
  hub::v1::ListProfilesResponse first;
  ASSERT_TRUE(client.profiles()->ListProfiles(client.Ctx().get(), req, &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());

  // The same filter written differently: the token still serves.
  hub::v1::ListProfilesRequest same = req;
  same.set_filter("  traits.title : * ");
  same.set_page_token(first.next_page_token());
  hub::v1::ListProfilesResponse second;
  grpc::Status s = client.profiles()->ListProfiles(client.Ctx().get(), same, &second);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_GT(second.profiles_size(), 0);
  EXPECT_GT(IdOf(second.profiles(0).name()), IdOf(first.profiles(1).name()));

  // Another filter, or another order: refused, naming the token.
  for (auto [filter, order] : std::vector<std::pair<std::string, std::string>>{
           {"traits.title:* AND stage = CAPTURE", ""}, {"", ""}, {"traits.title:*", "name desc"}}) {
    hub::v1::ListProfilesRequest other = same;
    other.set_filter(filter);
    other.set_order_by(order);
    hub::v1::ListProfilesResponse resp;
    s = client.profiles()->ListProfiles(client.Ctx().get(), other, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << filter << " / " << order;
    EXPECT_TRUE(absl::StartsWith(s.error_message(), "page_token: it was issued for another"))
        << s.error_message();
  }
}

TEST_F(HubdListTest, BadFiltersAndOrdersNameTheProblem) {
  HubClient client(hubd_->address(), kAdmin);
  struct Bad {
    std::string filter, order_by, message;
  };
  for (const Bad& b : std::vector<Bad>{
           {"colour = red", "", "filter: unknown field colour"},
           {"stage = SHOPPING", "", "filter: stage is one of"},
           {"stage < CAPTURE", "", "filter: stage takes "},
           {"update_time > yesterday", "", "filter: update_time takes an RFC 3339 time"},
           {"account = \"profiles/3\"", "", "filter: account"},
           {"stage = (", "", "filter: "},
           {"", "email", "order_by: \"email\" is not one of"},
           {"", "name sideways", "order_by: "},
       }) {
    hub::v1::ListProfilesRequest req;
    req.set_filter(b.filter);
    req.set_order_by(b.order_by);
    hub::v1::ListProfilesResponse resp;
    grpc::Status s = client.profiles()->ListProfiles(client.Ctx().get(), req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << b.filter << b.order_by;
    EXPECT_TRUE(absl::StartsWith(s.error_message(), b.message))
        << b.filter << b.order_by << ": " << s.error_message();
  }
  // Accounts have no `account` field.
  hub::v1::ListAccountsRequest accounts;
  accounts.set_filter("account = \"accounts/1\"");
  hub::v1::ListAccountsResponse resp;
  grpc::Status s = client.profiles()->ListAccounts(client.Ctx().get(), accounts, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(s.error_message(), "filter: unknown field account"))
      << s.error_message();
}

TEST_F(HubdListTest, AnAnalystMayFilterOnPublicTraitsOnly) {
  HubClient analyst(hubd_->address(), kAnalyst);
  hub::v1::ListProfilesRequest req;
  req.set_filter("traits.last_name = \"Smith\"");
  hub::v1::ListProfilesResponse resp;
  grpc::Status s = analyst.profiles()->ListProfiles(analyst.Ctx().get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message(),
            "filter: traits.last_name: trait \"last_name\" is personal; role \"analyst\" may "
            "not filter or group by it");
  req.set_filter("traits.title:*");
  EXPECT_TRUE(analyst.profiles()->ListProfiles(analyst.Ctx().get(), req, &resp).ok());
  EXPECT_GT(resp.profiles_size(), 0);
}

TEST_F(HubdListTest, AccountsFilterByStageAndTrait) {
  HubClient client(hubd_->address(), kAdmin);
  hub::v1::ListAccountsRequest req;
  req.set_page_size(1000);
  hub::v1::ListAccountsResponse all;
  ASSERT_TRUE(client.profiles()->ListAccounts(client.Ctx().get(), req, &all).ok());
  ASSERT_GE(all.accounts_size(), 6);
  const hub::v1::Stage stage = all.accounts(0).stage();
  std::vector<std::string> expected;
  for (const auto& a : all.accounts()) {
    if (a.stage() == stage) expected.push_back(a.name());
  }
  std::vector<std::string> got;
  req.set_filter(absl::StrCat("stage = ", hub::v1::Stage_Name(stage)));
  req.set_page_size(1);
  for (int pages = 0; pages < 100; ++pages) {
    hub::v1::ListAccountsResponse resp;
    ASSERT_TRUE(client.profiles()->ListAccounts(client.Ctx().get(), req, &resp).ok());
    for (const auto& a : resp.accounts()) got.push_back(a.name());
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  EXPECT_EQ(got, expected);
  EXPECT_NE(stage, hub::v1::STAGE_UNSPECIFIED);
}

TEST_F(HubdListTest, ReadMaskTrimsEveryProfileRead) {
  HubClient client(hubd_->address(), kAdmin);
  const std::vector<Profile> all = AllProfiles(client);
  const Profile* with_title = nullptr;
  for (const Profile& p : all) {
    if (HasTrait(p, "title") && p.traits_size() > 1) with_title = &p;
  }
  ASSERT_NE(with_title, nullptr);

  hub::v1::GetProfileRequest get;
  get.set_name(with_title->name());
  Profile full;
  ASSERT_TRUE(client.profiles()->GetProfile(client.Ctx().get(), get, &full).ok());
  get.mutable_read_mask()->add_paths("name");
  get.mutable_read_mask()->add_paths("stage");
  get.mutable_read_mask()->add_paths("traits.title");
  Profile trimmed;
  ASSERT_TRUE(client.profiles()->GetProfile(client.Ctx().get(), get, &trimmed).ok());
  Profile expected;
  expected.set_name(full.name());
  expected.set_stage(full.stage());
  for (const auto& t : full.traits()) {
    if (t.name() == "title") *expected.add_traits() = t;
  }
  EXPECT_TRUE(MessageDifferencer::Equals(trimmed, expected)) << trimmed.DebugString();

  // The same mask on LookupProfile and ListProfiles.
  hub::v1::ListProfilesRequest list;
  *list.mutable_read_mask() = get.read_mask();
  list.set_filter(absl::StrCat("traits.title = \"", TraitOf(*with_title, "title"), "\""));
  list.set_page_size(1000);
  hub::v1::ListProfilesResponse listed;
  ASSERT_TRUE(client.profiles()->ListProfiles(client.Ctx().get(), list, &listed).ok());
  ASSERT_GT(listed.profiles_size(), 0);
  for (const Profile& p : listed.profiles()) {
    EXPECT_EQ(p.traits_size(), 1) << p.name();
    EXPECT_EQ(p.traits(0).name(), "title");
    EXPECT_FALSE(p.has_create_time());
    EXPECT_EQ(p.identifiers_size(), 0);
  }
  ASSERT_GT(full.identifiers_size(), 0);
  hub::v1::LookupProfileRequest lookup;
  lookup.set_identifier_type(full.identifiers(0).type());
  lookup.set_identifier_value(full.identifiers(0).value());
  lookup.mutable_read_mask()->add_paths("identifiers");
  Profile looked;
  ASSERT_TRUE(client.profiles()->LookupProfile(client.Ctx().get(), lookup, &looked).ok());
  Profile only_ids;
  *only_ids.mutable_identifiers() = full.identifiers();
  EXPECT_TRUE(MessageDifferencer::Equals(looked, only_ids)) << looked.DebugString();

  // An unknown path is refused, naming it.
  get.mutable_read_mask()->add_paths("shoe_size");
  grpc::Status s = client.profiles()->GetProfile(client.Ctx().get(), get, &trimmed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(s.error_message(),
                               "read_mask.paths[3]: \"shoe_size\" is not a Profile field"))
      << s.error_message();
}

TEST_F(HubdListTest, BatchGetReportsEachNameOnItsOwn) {
  HubClient client(hubd_->address(), kAdmin);
  const std::vector<Profile> all = AllProfiles(client);
  ASSERT_GE(all.size(), 2u);
  hub::v1::BatchGetProfilesRequest req;
  req.add_names(all[1].name());
  req.add_names("profiles/999999999");
  req.add_names("people/1");
  req.add_names(all[0].name());
  req.add_names(all[1].name());
  hub::v1::BatchGetProfilesResponse resp;
  grpc::Status s = client.profiles()->BatchGetProfiles(client.Ctx().get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(resp.results_size(), 5);
  for (int i : {0, 3, 4}) {
    hub::v1::GetProfileRequest get;
    get.set_name(req.names(i));
    Profile expected;
    ASSERT_TRUE(client.profiles()->GetProfile(client.Ctx().get(), get, &expected).ok());
    EXPECT_EQ(resp.results(i).requested_name(), req.names(i));
    ASSERT_TRUE(resp.results(i).has_profile()) << i;
    EXPECT_TRUE(MessageDifferencer::Equals(resp.results(i).profile(), expected)) << i;
  }
  EXPECT_EQ(resp.results(1).error().code(), static_cast<int>(grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(resp.results(1).error().message(), "profiles/999999999 not found");
  EXPECT_EQ(resp.results(2).error().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_TRUE(absl::StartsWith(resp.results(2).error().message(), "names[2]: "))
      << resp.results(2).error().message();

  // With a read mask, every profile is trimmed.
  req.mutable_read_mask()->add_paths("name");
  ASSERT_TRUE(client.profiles()->BatchGetProfiles(client.Ctx().get(), req, &resp).ok());
  Profile name_only;
  name_only.set_name(all[0].name());
  EXPECT_TRUE(MessageDifferencer::Equals(resp.results(3).profile(), name_only));

  // The request as a whole: no names, too many, a bad mask or purpose.
  hub::v1::BatchGetProfilesRequest bad;
  s = client.profiles()->BatchGetProfiles(client.Ctx().get(), bad, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "names: required, 1 to 1000 profile names");
  for (int i = 0; i < 1001; ++i) bad.add_names(all[0].name());
  s = client.profiles()->BatchGetProfiles(client.Ctx().get(), bad, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "names: at most 1000 per call, got 1001");
  bad.mutable_names()->DeleteSubrange(0, 1);
  s = client.profiles()->BatchGetProfiles(client.Ctx().get(), bad, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.results_size(), 1000);
  bad.set_purpose("astrology");
  s = client.profiles()->BatchGetProfiles(client.Ctx().get(), bad, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(s.error_message(), "purpose: ")) << s.error_message();
}

}  // namespace
}  // namespace hub
