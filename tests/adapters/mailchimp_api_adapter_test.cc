// MailchimpApiAdapter against FakeMailchimpServer (real HTTP on loopback),
// serving the mailchimp/ export of a hub-sample world; the file adapter
// reading the same folder is the reference.
#include "adapters/mailchimp_api_adapter.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "adapters/adapter_registry.h"
#include "adapters/mailchimp_adapter.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/adapters/adapter_test_support.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_mailchimp_server.h"

namespace hub {
namespace {

using ::nlohmann::json;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using testing_support::HookSink;
using testing_support::Sorted;
using testing_support::CollectingSink;
using testing_support::ExternalIds;
using testing_support::FakeClock;
using testing_support::FakeMailchimpOptions;
using testing_support::FakeMailchimpServer;
using testing_support::MailchimpReport;
using testing_support::Page;
using testing_support::TempFolder;
using testing_support::Texts;

constexpr char kTokenEnv[] = "HUB_TEST_MAILCHIMP_KEY";
constexpr char kKey[] = "mc-test-key-us21";
constexpr int kPageSize = 25;

class MailchimpApiAdapterTest : public ::testing::Test {
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
    ASSERT_EQ(setenv(kTokenEnv, kKey, 1), 0);
    auto server = FakeMailchimpServer::Start(mailchimp_dir());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  static std::string mailchimp_dir() { return world_->path() + "/mailchimp"; }

  hub::v1::Source ApiSource() const {
    hub::v1::Source source;
    source.set_name("sources/mc");
    source.set_kind("mailchimp_api");
    source.set_base_url(server_->base_url());
    source.set_token_env(kTokenEnv);
    return source;
  }

  std::unique_ptr<SourceAdapter> Adapter(MailchimpApiOptions options = {}) {
    return Adapter(ApiSource(), std::move(options));
  }
  std::unique_ptr<SourceAdapter> Adapter(const hub::v1::Source& source,
                                         MailchimpApiOptions options = {},
                                         int page_size = kPageSize) {
    options.clock = &clock_;
    options.jitter = [] { return 0.5; };
    auto adapter =
        MailchimpApiAdapter::Create(source, AdapterOptions{page_size}, options);
    EXPECT_TRUE(adapter.ok()) << adapter.status();
    return adapter.ok() ? *std::move(adapter) : nullptr;
  }

  // What the file adapter reads from the same folder, as sorted texts.
  static std::vector<std::string> FileImport() {
    hub::v1::Source source =
        testing_support::FileSource("mailchimp", mailchimp_dir());
    source.set_name("sources/mc");
    auto adapter = MailchimpAdapter::Create(source, AdapterOptions());
    EXPECT_TRUE(adapter.ok()) << adapter.status();
    CollectingSink sink;
    EXPECT_TRUE((*adapter)->Pull("", &sink).ok());
    return Sorted(Texts(sink.Records()));
  }

  std::string MembersPath() const {
    return absl::StrCat("/3.0/lists/", server_->list_id(), "/members");
  }

  static TempFolder* world_;
  FakeClock clock_;
  std::unique_ptr<FakeMailchimpServer> server_;
};
TempFolder* MailchimpApiAdapterTest::world_ = nullptr;

TEST_F(MailchimpApiAdapterTest, FullPullEqualsTheFileImport) {
  const std::vector<std::string> want = FileImport();
  ASSERT_GT(want.size(), server_->MemberCount());
  CollectingSink sink;
  ASSERT_TRUE(Adapter()->Pull("", &sink).ok());
  EXPECT_EQ(Sorted(Texts(sink.Records())), want);
  EXPECT_TRUE(clock_.sleeps().empty());
}

TEST_F(MailchimpApiAdapterTest, RequestsFollowTheVendorPaging) {
  CollectingSink sink;
  ASSERT_TRUE(Adapter()->Pull("", &sink).ok());
  const std::vector<std::string> requests = server_->requests();
  ASSERT_GE(requests.size(), 3u);
  EXPECT_EQ(requests[0], "/3.0/lists?count=25&offset=0");
  EXPECT_EQ(requests[1], MembersPath() +
                             "?count=25&offset=0&sort_dir=ASC&"
                             "sort_field=last_changed");
  // Keyset paging: the next page starts at the high-water mark.
  EXPECT_THAT(requests[2],
              StartsWith(MembersPath() + "?count=25&offset=0&since_last_"
                                         "changed="));
  auto count = [&](absl::string_view part) {
    return std::count_if(
        requests.begin(), requests.end(),
        [&](const std::string& r) { return absl::StrContains(r, part); });
  };
  const long campaigns = static_cast<long>(server_->CampaignCount());
  ASSERT_GT(campaigns, 0);
  EXPECT_EQ(count("/3.0/campaigns?count=25&offset=0&sort_dir=ASC&sort_field="
                  "send_time"),
            1);
  EXPECT_EQ(count("/email-activity?count=25&offset=0"), campaigns);
  EXPECT_EQ(count("/unsubscribed?count=25&offset=0"), campaigns);
  EXPECT_EQ(count("/sent-to?count=25&offset=0"), campaigns);
}

// On a smaller world (10 campaigns) with pages of 5, so that every stream
// and activity window spans several pages and a pull per page stays cheap.
TEST_F(MailchimpApiAdapterTest, ResumesExactlyAfterEveryPage) {
  TempFolder small;
  const std::string command =
      absl::StrCat(HUB_SAMPLE_BIN, " --out ", small.path(),
                   " --accounts 40 --seed 3 --months 6 2>/dev/null");
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  auto server = FakeMailchimpServer::Start(small.path() + "/mailchimp");
  ASSERT_TRUE(server.ok()) << server.status();
  hub::v1::Source source = ApiSource();
  source.set_base_url((*server)->base_url());
  std::unique_ptr<SourceAdapter> adapter = Adapter(source, {}, 5);
  // One API item can map to several records: no bound on a page's records.
  testing_support::PullAllCheckingResume(adapter.get(), 0);
}

TEST_F(MailchimpApiAdapterTest, SecondPullReadsOnlyWhatWasAddedOrChanged) {
  std::unique_ptr<SourceAdapter> adapter = Adapter();
  CollectingSink first;
  ASSERT_TRUE(adapter->Pull("", &first).ok());
  const std::string list = server_->list_id();
  // The newest member already read: a new member changed in the same
  // second must be read, the one already read must not be read again.
  std::ifstream in(mailchimp_dir() + "/members.json");
  json members = json::parse(in)["members"];
  const json newest = members.back();
  const std::string mark = newest["last_changed"];
  server_->PutMember({{"id", "00000000000000000000000000000001"},
                      {"email_address", "same.second@newco.example"},
                      {"status", "subscribed"},
                      {"merge_fields", {{"FNAME", "Sam"}, {"LNAME", "Second"}}},
                      {"last_changed", mark},
                      {"list_id", list}});
  json changed = members.front();
  changed["last_changed"] = "2031-01-01T00:00:00+00:00";
  changed["status"] = "archived";
  server_->PutMember(changed);
  // A new activity of a member already in a campaign's report, and a new
  // unsubscribe there.
  std::ifstream cin(mailchimp_dir() + "/campaigns.json");
  std::string campaign;
  json row;
  const json campaigns = json::parse(cin)["campaigns"];
  for (const json& c : campaigns) {
    campaign = c["id"];
    std::ifstream ain(mailchimp_dir() + "/reports/" + campaign +
                      "/email-activity.json");
    json emails = json::parse(ain)["emails"];
    if (emails.empty()) continue;
    row = emails[0];
    break;
  }
  ASSERT_TRUE(row.is_object());
  const std::string email_id = row["email_id"];
  server_->AddReportRow(
      campaign, MailchimpReport::kEmailActivity,
      {{"campaign_id", campaign},
       {"email_id", email_id},
       {"email_address", row["email_address"]},
       {"activity",
        {{{"action", "open"}, {"timestamp", "2031-01-02T00:00:00+00:00"}}}}});
  server_->AddReportRow(campaign, MailchimpReport::kUnsubscribed,
                        {{"email_id", email_id},
                         {"email_address", row["email_address"]},
                         {"timestamp", "2031-01-03T00:00:00+00:00"},
                         {"reason", "Too many emails"},
                         {"campaign_id", campaign}});
  // A new campaign with one recipient.
  server_->AddCampaign({{"id", "newcamp001"},
                        {"type", "regular"},
                        {"send_time", "2031-01-04T00:00:00+00:00"}});
  server_->AddReportRow("newcamp001", MailchimpReport::kSentTo,
                        {{"email_id", email_id},
                         {"email_address", row["email_address"]},
                         {"status", "sent"},
                         {"campaign_id", "newcamp001"}});

  CollectingSink second;
  ASSERT_TRUE(adapter->Pull(first.last_cursor(), &second).ok());
  const std::vector<hub::v1::SourceRecord> added = second.Records();
  EXPECT_THAT(ExternalIds(added),
              ElementsAre("00000000000000000000000000000001",
                          changed["id"].get<std::string>(),
                          absl::StrCat(campaign, ":", email_id,
                                       ":open:2031-01-02T00:00:00+00:00"),
                          absl::StrCat(campaign, ":", email_id, ":unsubscribe"),
                          absl::StrCat("newcamp001:", email_id, ":sent")));
  ASSERT_EQ(added.size(), 5u);
  EXPECT_TRUE(added[1].deleted());  // archived
  CollectingSink third;
  ASSERT_TRUE(adapter->Pull(second.last_cursor(), &third).ok());
  EXPECT_EQ(third.writes(), 0);
}

TEST_F(MailchimpApiAdapterTest, ThrottledThenOkSleepsRetryAfter) {
  const std::vector<std::string> want = FileImport();
  server_->ThrottleNext(1, 7);
  CollectingSink sink;
  ASSERT_TRUE(Adapter()->Pull("", &sink).ok());
  EXPECT_EQ(Sorted(Texts(sink.Records())), want);
  EXPECT_THAT(clock_.sleeps(), ElementsAre(absl::Seconds(7)));
}

TEST_F(MailchimpApiAdapterTest, ServerErrorsThenOkBackOff) {
  const std::vector<std::string> want = FileImport();
  server_->FailNext(2, 503, /*skip=*/2);
  CollectingSink sink;
  ASSERT_TRUE(Adapter()->Pull("", &sink).ok());
  EXPECT_EQ(Sorted(Texts(sink.Records())), want);
  EXPECT_THAT(clock_.sleeps(),
              ElementsAre(absl::Milliseconds(500), absl::Seconds(1)));
}

TEST_F(MailchimpApiAdapterTest, RetriesExhaustedKeepsCommittedPagesAndResumes) {
  const std::vector<std::string> want = FileImport();
  FakeMailchimpServer* server = server_.get();
  HookSink sink([server](int pages) {
    if (pages == 3) server->FailNext(1000, 502);
  });
  absl::Status pulled = Adapter()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(pulled.message(),
              HasSubstr(": HTTP 502 (gave up after 5 attempts)"));
  EXPECT_THAT(std::string(pulled.message()),
              StartsWith("GET " + server_->base_url() + "/3.0/"));
  EXPECT_EQ(sink.inner().writes(), 3);
  EXPECT_EQ(clock_.sleeps().size(), 4u);

  server_->FailNext(0, 502);
  CollectingSink rest;
  ASSERT_TRUE(Adapter()->Pull(sink.inner().last_cursor(), &rest).ok());
  std::vector<std::string> got = Texts(sink.inner().Records());
  for (std::string& t : Texts(rest.Records())) got.push_back(t);
  EXPECT_EQ(Sorted(got), want);
}

TEST_F(MailchimpApiAdapterTest, MalformedPageIsDataLossAndWritesNothingOfIt) {
  const std::vector<std::string> want = FileImport();
  server_->MalformPage("/members", 2, "{\"members\": [ oops");
  CollectingSink sink;
  absl::Status pulled = Adapter()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(pulled.message()),
              StartsWith(server_->base_url() + MembersPath() +
                         "?sort_field=last_changed&sort_dir=ASC&since_last_"
                         "changed="));
  ASSERT_EQ(sink.writes(), 1);
  EXPECT_EQ(sink.pages()[0].records.size(), static_cast<size_t>(kPageSize));
  EXPECT_THAT(sink.last_cursor(), StartsWith("m="));
  EXPECT_THAT(sink.last_cursor(), Not(HasSubstr("c=")));

  CollectingSink rest;
  ASSERT_TRUE(Adapter()->Pull(sink.last_cursor(), &rest).ok());
  std::vector<std::string> got = Texts(sink.Records());
  for (std::string& t : Texts(rest.Records())) got.push_back(t);
  EXPECT_EQ(Sorted(got), want);
}

TEST_F(MailchimpApiAdapterTest, ItemOfTheWrongShapeIsDataLossNamingTheUrl) {
  server_->MalformPage("/unsubscribed", 1,
                       R"({"unsubscribes":[7],"total_items":1})");
  CollectingSink sink;
  absl::Status pulled = Adapter()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(pulled.message()),
              StartsWith(server_->base_url() + "/3.0/reports/"));
  EXPECT_THAT(std::string(pulled.message()),
              HasSubstr("/unsubscribed?count=25&offset=0: item 0: "));
  for (const Page& page : sink.pages()) {
    for (const hub::v1::SourceRecord& r : page.records) {
      EXPECT_NE(r.event_type(), "email_unsubscribed");
    }
  }
}

TEST_F(MailchimpApiAdapterTest, PageWithoutItemArrayIsDataLoss) {
  server_->MalformPage("/campaigns", 1, R"({"total_items":3})");
  CollectingSink sink;
  absl::Status pulled = Adapter()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(pulled.message(),
            server_->base_url() +
                "/3.0/campaigns?sort_field=send_time&sort_dir=ASC&count=25&"
                "offset=0: page has no \"campaigns\" array");
  EXPECT_THAT(sink.last_cursor(), Not(HasSubstr("c=")));
}

TEST_F(MailchimpApiAdapterTest, BadKeyIsUnauthenticatedNamingTheSource) {
  ASSERT_EQ(setenv(kTokenEnv, "wrong-key-us21", 1), 0);
  CollectingSink sink;
  absl::Status pulled = Adapter()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(pulled.message()),
              StartsWith("sources/mc: GET " + server_->base_url() +
                         "/3.0/lists?count=25&offset=0: HTTP 401: "));
  EXPECT_THAT(pulled.message(), Not(HasSubstr("wrong-key")));
  EXPECT_EQ(sink.writes(), 0);
  EXPECT_EQ(server_->requests().size(), 1u);  // not retried
}

TEST_F(MailchimpApiAdapterTest, BearerTokenFromAFileAndExplicitListIds) {
  TempFolder folder;
  hub::v1::Source source = ApiSource();
  source.clear_token_env();
  source.set_token_file(folder.Write("token", std::string(kKey) + "\n"));
  source.set_auth_scheme("bearer");
  source.add_list_ids(server_->list_id());
  CollectingSink sink;
  ASSERT_TRUE(Adapter(source)->Pull("", &sink).ok());
  EXPECT_EQ(Sorted(Texts(sink.Records())), FileImport());
  EXPECT_THAT(server_->requests().front(), StartsWith(MembersPath()));
}

TEST_F(MailchimpApiAdapterTest, RequestBudgetIsResourceExhausted) {
  MailchimpApiOptions options;
  options.max_requests = 3;
  CollectingSink sink;
  absl::Status pulled = Adapter(options)->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(pulled.message()),
              StartsWith("request budget max_requests=3 spent before GET "));
  EXPECT_EQ(server_->requests().size(), 3u);
  EXPECT_EQ(sink.writes(), 2);
}

TEST_F(MailchimpApiAdapterTest, CreateRejectsBadConfigurationNamingTheField) {
  auto rejects = [](const hub::v1::Source& source, const std::string& field) {
    auto adapter = MailchimpApiAdapter::Create(source, AdapterOptions());
    EXPECT_EQ(adapter.status().code(), absl::StatusCode::kInvalidArgument)
        << field;
    EXPECT_THAT(std::string(adapter.status().message()), StartsWith(field));
  };
  hub::v1::Source source = ApiSource();
  source.set_base_url("");
  rejects(source, "base_url");
  source.set_base_url("ftp://us21.api.mailchimp.com");
  rejects(source, "base_url");
  source = ApiSource();
  source.clear_token_env();
  rejects(source, "token_env, token_file");
  source.set_token_env("HUB_TEST_MAILCHIMP_KEY_UNSET");
  rejects(source, "token_env");
  source = ApiSource();
  source.set_auth_scheme("digest");
  rejects(source, "auth_scheme");
  source = ApiSource();
  source.add_list_ids("");
  rejects(source, "list_ids");
  AdapterRegistry registry;
  RegisterBuiltinAdapters(&registry);
  EXPECT_TRUE(registry.Create(ApiSource()).ok());
}

TEST_F(MailchimpApiAdapterTest, RejectsCursorsItDidNotProduce) {
  std::unique_ptr<SourceAdapter> adapter = Adapter();
  for (const char* cursor :
       {"x", "m=", "m=l:1:2", "m=l:x:0:", "c=c1:0:0:-1::0:-1",
        "m=l:-2:0:", "m=l:1:0:;m=l:1:0:", "users=cabc"}) {
    CollectingSink sink;
    EXPECT_EQ(adapter->Pull(cursor, &sink).code(),
              absl::StatusCode::kInvalidArgument)
        << cursor;
    EXPECT_EQ(sink.writes(), 0);
  }
  EXPECT_TRUE(server_->requests().empty());
}

// The recorded Airbyte records, served in the API's own shapes (the
// activity nested under emails[].activity[] again), pull without error.
TEST(MailchimpApiAdapterFixtureTest, AirbyteRecordsPullThroughTheApi) {
  TempFolder empty;
  auto server = FakeMailchimpServer::Start(empty.path());
  ASSERT_TRUE(server.ok()) << server.status();
  std::ifstream in(std::string(HUB_SHARED_DIR) +
                   "/fixtures/mailchimp/airbyte_expected_records_subset.jsonl");
  ASSERT_TRUE(in.is_open());
  for (std::string line; std::getline(in, line);) {
    json wrapped = json::parse(line);
    json data = wrapped.at("data");
    const std::string stream = wrapped.at("stream");
    if (stream == "list_members") (*server)->PutMember(data);
    if (stream == "unsubscribes") {
      (*server)->AddCampaign({{"id", data["campaign_id"]}});
      (*server)->AddReportRow(data["campaign_id"],
                              MailchimpReport::kUnsubscribed, data);
    }
    if (stream == "email_activity") {
      json activity = json::object();
      for (const char* key : {"action", "timestamp", "ip"}) {
        activity[key] = data[key];
        data.erase(key);
      }
      data["activity"] = json::array({activity});
      (*server)->AddReportRow(data["campaign_id"],
                              MailchimpReport::kEmailActivity, data);
    }
  }
  ASSERT_EQ(setenv(kTokenEnv, kKey, 1), 0);
  hub::v1::Source source;
  source.set_name("sources/mc");
  source.set_kind("mailchimp_api");
  source.set_base_url((*server)->base_url());
  source.set_token_env(kTokenEnv);
  auto adapter = MailchimpApiAdapter::Create(source, AdapterOptions());
  ASSERT_TRUE(adapter.ok()) << adapter.status();
  CollectingSink sink;
  ASSERT_TRUE((*adapter)->Pull("", &sink).ok());
  EXPECT_THAT(
      ExternalIds(sink.Records()),
      ElementsAre("458f50b08c829a8ab901d3f8f88df914",
                  "7847cdaeff:11273c9a5dc6ae6c5aaccfb77b2addfb:open:"
                  "2023-11-06T20:17:57+00:00",
                  "7847cdaeff:11273c9a5dc6ae6c5aaccfb77b2addfb:unsubscribe"));
  EXPECT_EQ(sink.Records()[0].source(), "mc");
}

// Activity windows spanning pages: one cursor per page resumes exactly, and
// a later activity at the window's mark second (another member) is read
// while those read already are not.
TEST(MailchimpApiAdapterWindowTest, ActivityWindowResumesAndDedupesAtTheMark) {
  TempFolder empty;
  auto server = FakeMailchimpServer::Start(empty.path());
  ASSERT_TRUE(server.ok()) << server.status();
  (*server)->AddCampaign(
      {{"id", "c1"}, {"send_time", "2024-05-01T00:00:00+00:00"}});
  auto activity = [&](const std::string& email_id, const std::string& at) {
    (*server)->AddReportRow(
        "c1", MailchimpReport::kEmailActivity,
        {{"campaign_id", "c1"},
         {"email_id", email_id},
         {"email_address", email_id + "@x.example"},
         {"activity", {{{"action", "open"}, {"timestamp", at}}}}});
  };
  activity("e1", "2024-05-02T10:00:00+00:00");
  activity("e2", "2024-05-03T10:00:00+00:00");
  activity("e3", "2024-05-02T11:00:00+00:00");
  activity("e1", "2024-05-04T10:00:00+00:00");  // appended to e1's row
  activity("e4", "2024-05-04T10:00:00+00:00");
  activity("e5", "2024-05-01T09:00:00+00:00");
  ASSERT_EQ(setenv(kTokenEnv, kKey, 1), 0);
  hub::v1::Source source;
  source.set_name("sources/mc");
  source.set_kind("mailchimp_api");
  source.set_base_url((*server)->base_url());
  source.set_token_env(kTokenEnv);
  auto adapter = MailchimpApiAdapter::Create(source, AdapterOptions{2});
  ASSERT_TRUE(adapter.ok()) << adapter.status();
  testing_support::PullAllCheckingResume(adapter->get(), 0);

  CollectingSink first;
  ASSERT_TRUE((*adapter)->Pull("", &first).ok());
  EXPECT_EQ(first.Records().size(), 6u);
  EXPECT_THAT(first.last_cursor(),
              StartsWith("c=c1:0:0:1714816800000000:c1%3Ae1%3Aopen"));
  activity("e5", "2024-05-04T10:00:00+00:00");  // at the mark, new
  activity("e2", "2024-05-05T10:00:00+00:00");
  CollectingSink second;
  ASSERT_TRUE((*adapter)->Pull(first.last_cursor(), &second).ok());
  EXPECT_THAT(ExternalIds(second.Records()),
              ElementsAre("c1:e2:open:2024-05-05T10:00:00+00:00",
                          "c1:e5:open:2024-05-04T10:00:00+00:00"));
  EXPECT_THAT((*server)->requests(),
              Contains("/3.0/reports/c1/email-activity?count=2&offset=0&"
                       "since=2024-05-04T10:00:00+00:00"));
}

}  // namespace
}  // namespace hub
