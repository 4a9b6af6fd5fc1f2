// HubSpotApiAdapter against FakeHubSpotServer (real HTTP on loopback),
// serving a hub-sample world's Salesforce data converted to HubSpot objects;
// the fake's objects mapped one by one are the reference.
#include "adapters/hubspot_api_adapter.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "adapters/hubspot_mapper.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "profile/lifecycle/stage_rules.h"
#include "tests/adapters/adapter_test_support.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_hubspot_server.h"

namespace hub {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using testing_support::CollectingSink;
using testing_support::EqualsRecord;
using testing_support::ExternalIds;
using testing_support::FakeClock;
using testing_support::FakeHubSpotOptions;
using testing_support::FakeHubSpotServer;
using testing_support::HookSink;
using testing_support::Sorted;
using testing_support::TempFolder;
using testing_support::Texts;

constexpr char kTokenEnv[] = "HUB_TEST_HS_TOKEN";
constexpr int kPageSize = 10;
constexpr int kSearchCap = 15;
constexpr char kCompanyList[] =
    "/crm/v3/objects/companies?limit=10&archived=false&properties=name%2c"
    "domain%2chs_additional_domains%2cwebsite%2cindustry%2ctype%2ccountry%2c"
    "numberofemployees%2cphone%2clifecyclestage%2chs_analytics_source%2c"
    "createdate%2chs_lastmodifieddate";

size_t CountIf(const std::vector<std::string>& v, absl::string_view prefix) {
  return std::count_if(v.begin(), v.end(), [&](const std::string& s) {
    return absl::StartsWith(s, prefix);
  });
}

class HubSpotApiAdapterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = new TempFolder();
    const std::string command =
        absl::StrCat(HUB_SAMPLE_BIN, " --out ", world_->path(),
                     " --accounts 40 --seed 3 2>/dev/null");
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  static void TearDownTestSuite() { delete world_; }

  void SetUp() override {
    ASSERT_EQ(setenv(kTokenEnv, "hs-test-token", 1), 0);
    FakeHubSpotOptions options;
    options.search_cap = kSearchCap;
    auto server =
        FakeHubSpotServer::Start(world_->path() + "/salesforce", options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  hub::v1::Source ApiSource() const {
    hub::v1::Source source;
    source.set_name("sources/hs");
    source.set_kind("hubspot_api");
    source.set_base_url(server_->base_url());
    source.set_token_env(kTokenEnv);
    return source;
  }

  std::unique_ptr<SourceAdapter> Adapter(const hub::v1::Source& source) {
    HubSpotApiOptions options;
    options.clock = &clock_;
    options.jitter = [] { return 0.5; };
    options.search_cap = kSearchCap;
    AdapterOptions adapter_options;
    adapter_options.page_size = kPageSize;
    auto adapter = HubSpotApiAdapter::Create(source, adapter_options, options);
    EXPECT_TRUE(adapter.ok()) << adapter.status();
    return adapter.ok() ? *std::move(adapter) : nullptr;
  }
  std::unique_ptr<SourceAdapter> Adapter() { return Adapter(ApiSource()); }

  // The fake's objects, each mapped on its own.
  std::vector<std::string> Want() {
    std::vector<hub::v1::SourceRecord> records;
    for (absl::string_view type : kHubSpotObjects) {
      for (const nlohmann::json& object : server_->Objects(std::string(type))) {
        auto record = MapHubSpotObject("hs", type, object);
        EXPECT_TRUE(record.ok()) << record.status();
        records.push_back(*record);
      }
    }
    return Sorted(Texts(records));
  }

  // Pulls everything from the start; the cursor after it.
  std::string FullPull(SourceAdapter* adapter) {
    CollectingSink sink;
    EXPECT_TRUE(adapter->Pull("", &sink).ok());
    return sink.last_cursor();
  }

  static TempFolder* world_;
  FakeClock clock_;
  std::unique_ptr<FakeHubSpotServer> server_;
};
TempFolder* HubSpotApiAdapterTest::world_ = nullptr;

TEST_F(HubSpotApiAdapterTest, FullPullListsEveryObjectOfTheWorld) {
  const std::vector<std::string> want = Want();
  // 40 Accounts; 60 Contacts and 34 unconverted Leads (one of them deleted:
  // archived); 50 Opportunities.
  ASSERT_EQ(server_->Objects("companies").size(), 40u);
  ASSERT_EQ(server_->Objects("contacts").size(), 94u);
  ASSERT_EQ(server_->Objects("deals").size(), 50u);
  CollectingSink sink;
  ASSERT_TRUE(Adapter()->Pull("", &sink).ok());
  EXPECT_EQ(Sorted(Texts(sink.Records())), want);
  EXPECT_EQ(want.size(), 184u);
  const std::vector<hub::v1::SourceRecord> records = sink.Records();
  EXPECT_EQ(
      std::count_if(records.begin(), records.end(),
                    [](const hub::v1::SourceRecord& r) { return r.deleted(); }),
      1);
  const std::vector<std::string> requests = server_->requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests.front(),
            "GET /crm/v3/objects/companies?archived=false&limit=10&"
            "properties=name,domain,hs_additional_domains,website,industry,"
            "type,country,numberofemployees,phone,lifecyclestage,"
            "hs_analytics_source,createdate,hs_lastmodifieddate");
  // Pages: companies 4 + 1 archived (empty), contacts 10 + 1 archived,
  // deals 5 + 1 archived; an empty archived list writes nothing.
  EXPECT_EQ(requests.size(), 22u);
  EXPECT_EQ(CountIf(requests, "GET /crm/v3/objects/deals?"), 6u);
  EXPECT_EQ(CountIf(requests, "POST"), 0u);
  EXPECT_EQ(sink.writes(), 4 + 10 + 1 + 5);
  for (const testing_support::Page& page : sink.pages()) {
    EXPECT_FALSE(page.records.empty()) << page.cursor;
  }
  EXPECT_TRUE(clock_.sleeps().empty());
}

TEST_F(HubSpotApiAdapterTest, ResumesExactlyAfterEveryPage) {
  std::unique_ptr<SourceAdapter> adapter = Adapter();
  const std::vector<hub::v1::SourceRecord> all =
      testing_support::PullAllCheckingResume(adapter.get(), kPageSize);
  EXPECT_EQ(Sorted(Texts(all)), Want());
}

TEST_F(HubSpotApiAdapterTest, LaterRunsSearchFromTheMarkAndMapExactly) {
  std::unique_ptr<SourceAdapter> adapter = Adapter();
  const std::string cursor = FullPull(adapter.get());
  server_->Upsert("companies", 777,
                  {{"name", "Acme Corp"},
                   {"domain", "acme.example"},
                   {"hs_additional_domains", "acme.io;acme-corp.example"},
                   {"lifecyclestage", "customer"},
                   {"hs_analytics_source", "ORGANIC_SEARCH"},
                   {"createdate", "2030-01-01T00:00:00.000Z"},
                   {"hs_lastmodifieddate", "2030-01-02T00:00:00.000Z"}});
  server_->Upsert("contacts", 888,
                  {{"email", "ana.ruiz@acme.example"},
                   {"hs_additional_emails", "ana@acme.io"},
                   {"phone", "+1 415 555 0101"},
                   {"mobilephone", "+1 415 555 0199"},
                   {"firstname", "Ana"},
                   {"lastname", "Ruiz"},
                   {"associatedcompanyid", "777"},
                   {"lifecyclestage", "marketingqualifiedlead"},
                   {"createdate", "2030-01-01T00:00:00.000Z"},
                   {"lastmodifieddate", "2030-01-03T09:15:00.321Z"}});
  server_->Upsert("deals", 999,
                  {{"dealname", "Acme - New Business"},
                   {"dealtype", "newbusiness"},
                   {"dealstage", "closedwon"},
                   {"amount", "9800.00"},
                   {"closedate", "2030-02-01T00:00:00.000Z"},
                   {"hs_is_closed", "true"},
                   {"hs_is_closed_won", "true"},
                   {"createdate", "2030-01-05T00:00:00.000Z"},
                   {"hs_lastmodifieddate", "2030-02-01T10:00:00.000Z"}},
                  {777}, {888});
  CollectingSink second;
  ASSERT_TRUE(adapter->Pull(cursor, &second).ok());
  ASSERT_EQ(second.Records().size(), 3u);
  EXPECT_THAT(
      second.Records()[0], EqualsRecord(R"pb(
        source: "hs"
        entity: ACCOUNT
        external_id: "777"
        updated_at { seconds: 1893542400 }
        identifiers { type: "hubspot.company_id" value: "777" }
        identifiers { type: "domain" value: "acme.example" }
        identifiers { type: "domain" value: "acme.io" }
        identifiers { type: "domain" value: "acme-corp.example" }
        attributes { key: "name" value: "Acme Corp" }
        attributes { key: "lifecyclestage" value: "customer" }
        attributes { key: "source" value: "ORGANIC_SEARCH" }
        attributes { key: "created_date" value: "2030-01-01T00:00:00.000Z" }
      )pb"));
  EXPECT_THAT(
      second.Records()[1], EqualsRecord(R"pb(
        source: "hs"
        entity: CONTACT
        external_id: "888"
        updated_at { seconds: 1893662100 nanos: 321000000 }
        identifiers { type: "hubspot.contact_id" value: "888" }
        identifiers { type: "email" value: "ana.ruiz@acme.example" }
        identifiers { type: "email" value: "ana@acme.io" }
        identifiers { type: "phone" value: "+1 415 555 0101" }
        identifiers { type: "phone" value: "+1 415 555 0199" }
        links {
          relation: "account"
          target { type: "hubspot.company_id" value: "777" }
        }
        attributes { key: "first_name" value: "Ana" }
        attributes { key: "last_name" value: "Ruiz" }
        attributes { key: "lifecyclestage" value: "marketingqualifiedlead" }
        attributes { key: "created_date" value: "2030-01-01T00:00:00.000Z" }
      )pb"));
  EXPECT_THAT(
      second.Records()[2], EqualsRecord(R"pb(
        source: "hs"
        entity: OPPORTUNITY
        external_id: "999"
        updated_at { seconds: 1896170400 }
        occurred_at { seconds: 1893801600 }
        event_type: "opportunity"
        links {
          relation: "account"
          target { type: "hubspot.company_id" value: "777" }
        }
        links {
          relation: "person"
          target { type: "hubspot.contact_id" value: "888" }
        }
        properties { key: "type" value: "new" }
        properties { key: "stage" value: "closedwon" }
        properties { key: "amount" value: "9800.00" }
        properties { key: "close_date" value: "2030-02-01T00:00:00.000Z" }
        properties { key: "is_closed" value: "true" }
        properties { key: "is_won" value: "true" }
        attributes { key: "name" value: "Acme - New Business" }
      )pb"));
  // Searches on each type's modification property, from its mark less the
  // 5-minute overlap; the deal page's associations read in batch.
  const std::vector<std::string> requests = server_->requests();
  EXPECT_THAT(requests, ::testing::Contains(HasSubstr(
                            "POST /crm/v3/objects/contacts/search "
                            "{\"filterGroups\":[{\"filters\":[{\"operator\":"
                            "\"GTE\",\"propertyName\":\"lastmodifieddate\"")));
  EXPECT_EQ(CountIf(requests,
                    "POST /crm/v3/objects/companies/search {"
                    "\"filterGroups\":[{\"filters\":[{\"operator\":"
                    "\"GTE\",\"propertyName\":\"hs_lastmodifieddate\""),
            1u);
  EXPECT_EQ(
      CountIf(requests, "POST /crm/v3/associations/deals/companies/batch/read"),
      1u);
  EXPECT_EQ(
      CountIf(requests, "POST /crm/v3/associations/deals/contacts/batch/read"),
      1u);
  CollectingSink third;
  ASSERT_TRUE(adapter->Pull(second.last_cursor(), &third).ok());
  EXPECT_EQ(third.writes(), 0);
}

TEST_F(HubSpotApiAdapterTest, LifecycleStageDeclaresTheStageTheRulesMapItTo) {
  std::unique_ptr<SourceAdapter> adapter = Adapter();
  const std::string cursor = FullPull(adapter.get());
  const std::pair<const char*, Stage> stages[] = {
      {"subscriber", Stage::kCapture},
      {"lead", Stage::kCapture},
      {"marketingqualifiedlead", Stage::kNurture},
      {"salesqualifiedlead", Stage::kNurture},
      {"opportunity", Stage::kConvert},
      {"customer", Stage::kExpand},
      {"evangelist", Stage::kExpand}};
  // Contact 6001 + i declares stages[i] on 2030-01-0<i + 1>.
  for (size_t i = 0; i < std::size(stages); ++i) {
    const char* value = stages[i].first;
    server_->Upsert("contacts", 6001 + static_cast<int64_t>(i),
                    {{"email", absl::StrCat(value, "@stage.example")},
                     {"lifecyclestage", value},
                     {"createdate", "2030-01-01T00:00:00.000Z"},
                     {"lastmodifieddate",
                      absl::StrCat("2030-01-0", i + 1, "T00:00:00.000Z")}});
  }
  CollectingSink sink;
  ASSERT_TRUE(adapter->Pull(cursor, &sink).ok());
  const std::vector<hub::v1::SourceRecord> records = sink.Records();
  ASSERT_EQ(records.size(), std::size(stages));
  const StageRules rules = StageRules::Default();
  for (size_t i = 0; i < records.size(); ++i) {
    const hub::v1::SourceRecord& r = records[i];
    EXPECT_EQ(r.external_id(), absl::StrCat(6001 + i));
    EXPECT_EQ(r.attributes().at("lifecyclestage"), stages[i].first);
    PersonFacts facts;
    facts.Fold(r, rules);
    const int64_t day = 1893456000LL + static_cast<int64_t>(i) * 86400;
    EXPECT_EQ(facts.Declared(stages[i].second), day * 1000000)
        << r.external_id();
  }
}

TEST_F(HubSpotApiAdapterTest, SearchSlidesPastTheResultCapWithoutDupOrSkip) {
  std::unique_ptr<SourceAdapter> adapter = Adapter();
  const std::string cursor = FullPull(adapter.get());
  // 40 changed contacts, three to a millisecond: the cap (15) falls inside a
  // group of three, so the restarted query returns part of it again.
  std::vector<std::string> want;
  for (int i = 0; i < 40; ++i) {
    const int64_t contact = 5001 + i;
    server_->Upsert(
        "contacts", contact,
        {{"lastmodifieddate",
          absl::StrCat("2030-03-01T00:00:", i / 3 / 10, i / 3 % 10, ".500Z")}});
    want.push_back(absl::StrCat(contact));
  }
  CollectingSink sink;
  ASSERT_TRUE(adapter->Pull(cursor, &sink).ok());
  EXPECT_EQ(ExternalIds(sink.Records()), want);
  // Queries of 15 results: from the mark less the overlap (the last
  // contacts of the world, then 0..13), again from 00:00:04.500 (the time
  // of 12..14: 12..26), from 00:00:08.500 (24..38), from 00:00:12.500.
  const std::vector<std::string> requests = server_->requests();
  const std::string search =
      "POST /crm/v3/objects/contacts/search {\"filterGroups\":[{\"filters\":"
      "[{\"operator\":\"GTE\",\"propertyName\":\"lastmodifieddate\",\"value\":";
  EXPECT_EQ(CountIf(requests, absl::StrCat(search, "\"1898553604500\"")), 1u);
  EXPECT_EQ(CountIf(requests, absl::StrCat(search, "\"1898553608500\"")), 1u);
  EXPECT_EQ(CountIf(requests, absl::StrCat(search, "\"1898553612500\"")), 1u);
  for (const std::string& r : requests) {
    EXPECT_THAT(r, Not(HasSubstr("\"after\":\"15\""))) << "past the cap";
  }
  CollectingSink again;
  ASSERT_TRUE(adapter->Pull(sink.last_cursor(), &again).ok());
  EXPECT_EQ(again.writes(), 0);
}

TEST_F(HubSpotApiAdapterTest, MoreThanTheCapAtOneTimeFailsThePrecondition) {
  std::unique_ptr<SourceAdapter> adapter = Adapter();
  const std::string cursor = FullPull(adapter.get());
  for (int64_t contact = 5001; contact <= 5016; ++contact) {
    server_->Upsert("contacts", contact,
                    {{"lastmodifieddate", "2030-03-01T00:00:00.000Z"}});
  }
  CollectingSink sink;
  absl::Status pulled = adapter->Pull(cursor, &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(pulled.message(),
            "source hs: more than 15 contacts share the modification time "
            "1898553600000 (epoch ms); HubSpot's search cannot page past "
            "them");
  // The 15 read before are committed.
  EXPECT_EQ(sink.Records().size(), 15u);
}

TEST_F(HubSpotApiAdapterTest, SearchedDealMapsAsTheListedOne) {
  std::unique_ptr<SourceAdapter> adapter = Adapter();
  const std::string cursor = FullPull(adapter.get());
  server_->Upsert("deals", 9001,
                  {{"hs_lastmodifieddate", "2030-05-01T00:00:00.000Z"}});
  hub::v1::SourceRecord listed;
  for (const nlohmann::json& deal : server_->Objects("deals")) {
    if (deal["id"] == "9001") listed = *MapHubSpotObject("hs", "deals", deal);
  }
  ASSERT_EQ(listed.links_size(), 2);  // its company and contact
  CollectingSink sink;
  ASSERT_TRUE(adapter->Pull(cursor, &sink).ok());
  ASSERT_EQ(sink.Records().size(), 1u);
  EXPECT_EQ(Texts(sink.Records()), Texts({listed}));
}

TEST_F(HubSpotApiAdapterTest, ArchivedObjectsBecomeDeletesOnce) {
  std::unique_ptr<SourceAdapter> adapter = Adapter();
  const std::string cursor = FullPull(adapter.get());
  server_->Archive("contacts", 5003, "2030-04-01T12:00:00.000Z");
  server_->Archive("deals", 9002, "2030-04-02T12:00:00.000Z");
  CollectingSink sink;
  ASSERT_TRUE(adapter->Pull(cursor, &sink).ok());
  ASSERT_EQ(sink.Records().size(), 2u);
  EXPECT_EQ(sink.Records()[0].external_id(), "5003");
  EXPECT_EQ(sink.Records()[0].entity(), hub::v1::CONTACT);
  EXPECT_TRUE(sink.Records()[0].deleted());
  EXPECT_EQ(sink.Records()[0].updated_at().seconds(), 1901275200);
  EXPECT_EQ(sink.Records()[1].external_id(), "9002");
  EXPECT_EQ(sink.Records()[1].entity(), hub::v1::OPPORTUNITY);
  EXPECT_TRUE(sink.Records()[1].deleted());
  CollectingSink again;
  ASSERT_TRUE(adapter->Pull(sink.last_cursor(), &again).ok());
  EXPECT_EQ(again.writes(), 0);
}

TEST_F(HubSpotApiAdapterTest, SecondlyLimitIsRetriedAfterASecond) {
  const std::vector<std::string> want = Want();
  server_->ThrottleNext(2, "SECONDLY");
  CollectingSink sink;
  ASSERT_TRUE(Adapter()->Pull("", &sink).ok());
  EXPECT_EQ(Sorted(Texts(sink.Records())), want);
  EXPECT_THAT(clock_.sleeps(), ElementsAre(absl::Seconds(1), absl::Seconds(1)));
}

TEST_F(HubSpotApiAdapterTest, DailyLimitStopsTheRunAtTheLastCommittedPage) {
  const std::vector<std::string> want = Want();
  FakeHubSpotServer* server = server_.get();
  HookSink sink([server](int pages) {
    if (pages == 2) server->ThrottleNext(1, "DAILY");
  });
  absl::Status pulled = Adapter()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(pulled.message()),
              StartsWith(absl::StrCat("source hs: GET ", server_->base_url(),
                                      kCompanyList, "&after=121: HTTP 429: ")));
  EXPECT_THAT(pulled.message(),
              HasSubstr("HubSpot's daily API limit is reached (policyName "
                        "DAILY); run stopped"));
  EXPECT_EQ(sink.inner().writes(), 2);
  EXPECT_EQ(server_->requests().size(), 3u);  // not retried
  EXPECT_TRUE(clock_.sleeps().empty());

  CollectingSink rest;
  ASSERT_TRUE(Adapter()->Pull(sink.inner().last_cursor(), &rest).ok());
  std::vector<std::string> got = Texts(sink.inner().Records());
  for (std::string& t : Texts(rest.Records())) got.push_back(t);
  EXPECT_EQ(Sorted(got), want);
}

TEST_F(HubSpotApiAdapterTest, MalformedPageIsDataLossNamingItAndWritesNothing) {
  const std::vector<std::string> want = Want();
  server_->MalformPage(3, "{\"results\": [ oops");
  CollectingSink sink;
  absl::Status pulled = Adapter()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(pulled.message()),
              StartsWith(absl::StrCat(server_->base_url(), kCompanyList,
                                      "&after=121: invalid JSON at line 1")));
  EXPECT_EQ(sink.writes(), 2);

  CollectingSink rest;
  ASSERT_TRUE(Adapter()->Pull(sink.last_cursor(), &rest).ok());
  std::vector<std::string> got = Texts(sink.Records());
  for (std::string& t : Texts(rest.Records())) got.push_back(t);
  EXPECT_EQ(Sorted(got), want);
}

TEST_F(HubSpotApiAdapterTest, MalformedSearchPageNamesTheQuery) {
  std::unique_ptr<SourceAdapter> adapter = Adapter();
  const std::string cursor = FullPull(adapter.get());
  server_->MalformPage(1, R"({"results":[{"id":"101","properties":{}}]})");
  CollectingSink sink;
  absl::Status pulled = adapter->Pull(cursor, &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(
      std::string(pulled.message()),
      StartsWith(absl::StrCat("POST ", server_->base_url(),
                              "/crm/v3/objects/companies/search (from ")));
  EXPECT_THAT(pulled.message(),
              HasSubstr(", after \"\"): companies result \"101\" lacks a "
                        "valid hs_lastmodifieddate"));
  EXPECT_EQ(sink.writes(), 0);
}

TEST_F(HubSpotApiAdapterTest, RejectedTokenIsUnauthenticatedNamingTheSource) {
  ASSERT_EQ(setenv(kTokenEnv, "pat-na1-revoked", 1), 0);
  CollectingSink sink;
  absl::Status pulled = Adapter()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(pulled.message()),
              StartsWith(absl::StrCat(
                  "source hs: HubSpot rejected the private-app token: GET ",
                  server_->base_url(), kCompanyList, ": HTTP 401: ")));
  EXPECT_THAT(pulled.message(), HasSubstr("INVALID_AUTHENTICATION"));
  EXPECT_THAT(pulled.message(), Not(HasSubstr("pat-na1-revoked")));
  EXPECT_EQ(server_->requests().size(), 1u);
  EXPECT_EQ(sink.writes(), 0);
}

TEST_F(HubSpotApiAdapterTest, ServerErrorsAreRetriedWithBackoff) {
  const std::vector<std::string> want = Want();
  server_->FailNext(2, 503, 4);
  CollectingSink sink;
  ASSERT_TRUE(Adapter()->Pull("", &sink).ok());
  EXPECT_EQ(Sorted(Texts(sink.Records())), want);
  EXPECT_THAT(clock_.sleeps(),
              ElementsAre(absl::Milliseconds(500), absl::Seconds(1)));
}

TEST_F(HubSpotApiAdapterTest, CreateRejectsBadConfigurationNamingTheField) {
  auto rejects = [](const hub::v1::Source& source, const std::string& field) {
    auto adapter = HubSpotApiAdapter::Create(source, AdapterOptions());
    EXPECT_EQ(adapter.status().code(), absl::StatusCode::kInvalidArgument)
        << field;
    EXPECT_THAT(std::string(adapter.status().message()), StartsWith(field));
  };
  hub::v1::Source source = ApiSource();
  source.set_base_url("api.hubapi.com");
  rejects(source, "base_url");
  source = ApiSource();
  source.clear_token_env();
  rejects(source, "token_env, token_file");
  source = ApiSource();
  source.mutable_query_overlap()->set_seconds(-1);
  rejects(source, "query_overlap");
  source = ApiSource();
  source.set_auth_email("a@b.example");
  rejects(source, "auth_email");
  source = ApiSource();
  source.add_list_ids("abc");
  rejects(source, "list_ids");
}

TEST_F(HubSpotApiAdapterTest, RejectsCursorsItDidNotProduce) {
  testing_support::ExpectInvalidCursors(
      Adapter().get(),
      {"Account=5:", "companies=1:2", "companies=x:2::", "companies=3:2::",
       "companies=1:2::a@x", "tickets=1:2::", "companies=1:2::;companies=1:2::",
       "companies=1:2:%zz:"});
  EXPECT_TRUE(server_->requests().empty());
}

}  // namespace
}  // namespace hub
