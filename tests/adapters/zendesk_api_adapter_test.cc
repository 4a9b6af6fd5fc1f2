// ZendeskApiAdapter against FakeZendeskServer (real HTTP on loopback),
// serving the zendesk/ export of a hub-sample world; the file adapter
// reading the same folder is the reference.
#include "adapters/zendesk_api_adapter.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "adapters/adapter_registry.h"
#include "adapters/zendesk_adapter.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/adapters/adapter_test_support.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_zendesk_server.h"

namespace hub {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using testing_support::HookSink;
using testing_support::Sorted;
using testing_support::CollectingSink;
using testing_support::ExternalIds;
using testing_support::FakeClock;
using testing_support::FakeZendeskOptions;
using testing_support::FakeZendeskServer;
using testing_support::Page;
using testing_support::TempFolder;
using testing_support::Texts;

constexpr char kTokenEnv[] = "HUB_TEST_ZENDESK_TOKEN";
constexpr int kPageSize = 25;

class ZendeskApiAdapterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = new TempFolder();
    const std::string command =
        absl::StrCat(HUB_SAMPLE_BIN, " --out ", world_->path(),
                     " --accounts 30 --seed 11 --months 12 2>/dev/null");
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  static void TearDownTestSuite() { delete world_; }

  void SetUp() override {
    ASSERT_EQ(setenv(kTokenEnv, "zd-test-token", 1), 0);
    FakeZendeskOptions options;
    options.page_size = kPageSize;
    auto server = FakeZendeskServer::Start(zendesk_dir(), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  static std::string zendesk_dir() { return world_->path() + "/zendesk"; }

  hub::v1::Source ApiSource() const {
    hub::v1::Source source;
    source.set_name("sources/zd");
    source.set_kind("zendesk_api");
    source.set_base_url(server_->base_url());
    source.set_auth_email("agent@hubsample.example");
    source.set_token_env(kTokenEnv);
    return source;
  }

  std::unique_ptr<SourceAdapter> Adapter(ZendeskApiOptions options = {}) {
    return Adapter(ApiSource(), std::move(options));
  }
  std::unique_ptr<SourceAdapter> Adapter(const hub::v1::Source& source,
                                         ZendeskApiOptions options = {}) {
    options.clock = &clock_;
    options.jitter = [] { return 0.5; };
    auto adapter = ZendeskApiAdapter::Create(source, AdapterOptions(), options);
    EXPECT_TRUE(adapter.ok()) << adapter.status();
    return adapter.ok() ? *std::move(adapter) : nullptr;
  }

  // What the file adapter reads from the same folder, as sorted texts.
  static std::vector<std::string> FileImport() {
    hub::v1::Source source =
        testing_support::FileSource("zendesk", zendesk_dir());
    source.set_name("sources/zd");
    auto adapter = ZendeskAdapter::Create(source, AdapterOptions());
    EXPECT_TRUE(adapter.ok()) << adapter.status();
    CollectingSink sink;
    EXPECT_TRUE((*adapter)->Pull("", &sink).ok());
    return Sorted(Texts(sink.Records()));
  }

  static TempFolder* world_;
  FakeClock clock_;
  std::unique_ptr<FakeZendeskServer> server_;
};
TempFolder* ZendeskApiAdapterTest::world_ = nullptr;

TEST_F(ZendeskApiAdapterTest, FullPullEqualsTheFileImport) {
  const std::vector<std::string> want = FileImport();
  ASSERT_EQ(want.size(), server_->Count("organizations") +
                             server_->Count("users") +
                             server_->Count("tickets") +
                             server_->Count("satisfaction_ratings"));
  CollectingSink sink;
  ASSERT_TRUE(Adapter()->Pull("", &sink).ok());
  EXPECT_EQ(Sorted(Texts(sink.Records())), want);
  for (const Page& page : sink.pages()) {
    EXPECT_FALSE(page.records.empty()) << page.cursor;
  }
  EXPECT_TRUE(clock_.sleeps().empty());
}

TEST_F(ZendeskApiAdapterTest, RequestsFollowTheVendorPaging) {
  CollectingSink sink;
  ASSERT_TRUE(Adapter()->Pull("", &sink).ok());
  const std::vector<std::string> requests = server_->requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(
      requests.front(),
      "/api/v2/incremental/organizations.json?per_page=1000&start_time=0");
  auto count = [&](absl::string_view prefix) {
    return std::count_if(
        requests.begin(), requests.end(),
        [&](const std::string& r) { return absl::StartsWith(r, prefix); });
  };
  auto pages = [](size_t items) {
    return static_cast<long>((items + kPageSize - 1) / kPageSize);
  };
  EXPECT_EQ(
      count("/api/v2/incremental/users/cursor.json?per_page=1000&start_time=0"),
      1);
  EXPECT_EQ(count("/api/v2/incremental/users/cursor.json?cursor="),
            pages(server_->Count("users")) - 1);
  EXPECT_EQ(count("/api/v2/incremental/tickets/cursor.json?cursor="),
            pages(server_->Count("tickets")) - 1);
  EXPECT_EQ(count("/api/v2/satisfaction_ratings.json?page[after]="),
            pages(server_->Count("satisfaction_ratings")) - 1);
  EXPECT_EQ(count("/api/v2/satisfaction_ratings.json?page[size]=100"), 1);
}

TEST_F(ZendeskApiAdapterTest, ResumesExactlyAfterEveryPage) {
  // Pages hold up to 1000 items (the time export's per_page).
  testing_support::PullAllCheckingResume(Adapter().get(), 1000);
}

TEST_F(ZendeskApiAdapterTest, TimeExportEqualsTheFileImportAndResumes) {
  hub::v1::Source source = ApiSource();
  source.set_export_mode("time");
  std::unique_ptr<SourceAdapter> adapter = Adapter(source);
  CollectingSink sink;
  ASSERT_TRUE(adapter->Pull("", &sink).ok());
  EXPECT_EQ(Sorted(Texts(sink.Records())), FileImport());
  const std::vector<std::string> requests = server_->requests();
  EXPECT_EQ(
      std::count(requests.begin(), requests.end(),
                 "/api/v2/incremental/users.json?per_page=1000&start_time=0"),
      1);
  EXPECT_EQ(
      std::count(requests.begin(), requests.end(),
                 "/api/v2/incremental/tickets.json?per_page=1000&start_time=0"),
      1);
  EXPECT_THAT(sink.last_cursor(), HasSubstr(";users=t"));
  EXPECT_THAT(sink.last_cursor(), HasSubstr(";tickets=t"));
  testing_support::PullAllCheckingResume(adapter.get(), 1000);

  // Later changes only, on the next run.
  server_->Add("tickets", {{"id", 1001},
                           {"status", "deleted"},
                           {"created_at", "2024-01-27T22:39:19Z"},
                           {"updated_at", "2030-01-02T00:00:00Z"},
                           {"generated_timestamp", 1893542400}});
  CollectingSink next;
  ASSERT_TRUE(adapter->Pull(sink.last_cursor(), &next).ok());
  ASSERT_EQ(next.Records().size(), 1u);
  EXPECT_EQ(next.Records()[0].external_id(), "1001");
  EXPECT_TRUE(next.Records()[0].deleted());

  // A cursor of the cursor export is not one of the time export.
  CollectingSink wrong;
  EXPECT_EQ(adapter->Pull("users=cabc", &wrong).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ZendeskApiAdapterTest, SecondPullReadsOnlyWhatWasAdded) {
  CollectingSink first;
  std::unique_ptr<SourceAdapter> adapter = Adapter();
  ASSERT_TRUE(adapter->Pull("", &first).ok());
  server_->Add("organizations", {{"id", 9199001},
                                 {"name", "Newco"},
                                 {"domain_names", {"newco.example"}},
                                 {"created_at", "2030-01-01T00:00:00Z"},
                                 {"updated_at", "2030-01-01T00:00:00Z"}});
  server_->Add("users", {{"id", 361999001},
                         {"name", "Nia Newman"},
                         {"email", "nia@newco.example"},
                         {"active", true},
                         {"updated_at", "2030-01-01T00:00:00Z"}});
  server_->Add("tickets", {{"id", 1000},
                           {"status", "deleted"},
                           {"requester_id", 361999001},
                           {"created_at", "2024-01-07T00:46:59Z"},
                           {"updated_at", "2030-01-02T00:00:00Z"}});
  server_->Add("satisfaction_ratings",
               {{"id", 5599001},
                {"ticket_id", 1000},
                {"score", "bad"},
                {"requester_id", 361999001},
                {"created_at", "2030-01-02T00:00:00Z"},
                {"updated_at", "2030-01-02T00:00:00Z"}});
  CollectingSink second;
  ASSERT_TRUE(adapter->Pull(first.last_cursor(), &second).ok());
  const std::vector<hub::v1::SourceRecord> added = second.Records();
  EXPECT_THAT(ExternalIds(added),
              ElementsAre("9199001", "361999001", "1000", "csat:5599001"));
  ASSERT_EQ(added.size(), 4u);
  EXPECT_TRUE(added[2].deleted());  // status "deleted" is a delete
  EXPECT_EQ(added[2].entity(), hub::v1::TICKET);
  EXPECT_EQ(second.writes(), 4);
  CollectingSink third;
  ASSERT_TRUE(adapter->Pull(second.last_cursor(), &third).ok());
  EXPECT_EQ(third.writes(), 0);
}

TEST_F(ZendeskApiAdapterTest, ThrottledThenOkSleepsRetryAfter) {
  const std::vector<std::string> want = FileImport();
  server_->ThrottleNext(1, 7);
  CollectingSink sink;
  ASSERT_TRUE(Adapter()->Pull("", &sink).ok());
  EXPECT_EQ(Sorted(Texts(sink.Records())), want);
  EXPECT_THAT(clock_.sleeps(), ElementsAre(absl::Seconds(7)));
}

TEST_F(ZendeskApiAdapterTest, ServerErrorsThenOkBackOff) {
  const std::vector<std::string> want = FileImport();
  server_->FailNext(2, 503);
  CollectingSink sink;
  ASSERT_TRUE(Adapter()->Pull("", &sink).ok());
  EXPECT_EQ(Sorted(Texts(sink.Records())), want);
  EXPECT_THAT(clock_.sleeps(),
              ElementsAre(absl::Milliseconds(500), absl::Seconds(1)));
}

TEST_F(ZendeskApiAdapterTest, RetriesExhaustedKeepsCommittedPagesAndResumes) {
  const std::vector<std::string> want = FileImport();
  FakeZendeskServer* server = server_.get();
  HookSink sink([server](int pages) {
    if (pages == 3) server->FailNext(1000, 502);
  });
  absl::Status pulled = Adapter()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(pulled.message(),
              HasSubstr(": HTTP 502 (gave up after 5 attempts)"));
  EXPECT_THAT(std::string(pulled.message()),
              StartsWith("GET " + server_->base_url() + "/api/v2/"));
  EXPECT_EQ(sink.inner().writes(), 3);
  EXPECT_EQ(clock_.sleeps().size(), 4u);

  server_->FailNext(0, 502);
  CollectingSink rest;
  ASSERT_TRUE(Adapter()->Pull(sink.inner().last_cursor(), &rest).ok());
  std::vector<std::string> got = Texts(sink.inner().Records());
  for (std::string& t : Texts(rest.Records())) got.push_back(t);
  EXPECT_EQ(Sorted(got), want);
}

TEST_F(ZendeskApiAdapterTest, MalformedPageIsDataLossAndWritesNothingOfIt) {
  const std::vector<std::string> want = FileImport();
  server_->MalformPage("users", 2, "{\"users\": [ oops");
  CollectingSink sink;
  absl::Status pulled = Adapter()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(pulled.message()),
              StartsWith(server_->base_url() +
                         "/api/v2/incremental/users/cursor.json?cursor="));
  // Organizations whole, then the first users page; the cursor stands there.
  ASSERT_GE(sink.writes(), 2);
  EXPECT_EQ(sink.pages().back().records.size(), static_cast<size_t>(kPageSize));
  EXPECT_EQ(sink.pages().back().records.front().entity(), hub::v1::CONTACT);
  EXPECT_THAT(sink.last_cursor(), StartsWith("organizations=t"));
  EXPECT_THAT(sink.last_cursor(), HasSubstr(";users=c"));
  EXPECT_THAT(sink.last_cursor(), Not(HasSubstr("tickets=")));

  CollectingSink rest;
  ASSERT_TRUE(Adapter()->Pull(sink.last_cursor(), &rest).ok());
  std::vector<std::string> got = Texts(sink.Records());
  for (std::string& t : Texts(rest.Records())) got.push_back(t);
  EXPECT_EQ(Sorted(got), want);
}

TEST_F(ZendeskApiAdapterTest, PageWithoutItemArrayIsDataLoss) {
  server_->MalformPage("tickets", 1,
                       R"({"after_cursor":"x","end_of_stream":false})");
  CollectingSink sink;
  absl::Status pulled = Adapter()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(
      pulled.message(),
      server_->base_url() +
          "/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=1000: "
          "Zendesk page has no \"tickets\" array");
  EXPECT_THAT(sink.last_cursor(), Not(HasSubstr("tickets=")));
}

TEST_F(ZendeskApiAdapterTest, PageWithoutAfterCursorMidStreamIsDataLoss) {
  server_->MalformPage("users", 1, R"({"users":[],"end_of_stream":false})");
  CollectingSink sink;
  absl::Status pulled = Adapter()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(
      pulled.message(),
      server_->base_url() +
          "/api/v2/incremental/users/cursor.json?start_time=0&per_page=1000: "
          "page has no after_cursor and is not the end of the stream");
  EXPECT_THAT(sink.last_cursor(), Not(HasSubstr("users=")));
}

TEST_F(ZendeskApiAdapterTest, BadCredentialsAreUnauthenticatedAndWriteNothing) {
  ASSERT_EQ(setenv(kTokenEnv, "wrong-token", 1), 0);
  CollectingSink sink;
  absl::Status pulled = Adapter()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(
      pulled.message(),
      "GET " + server_->base_url() +
          "/api/v2/incremental/organizations.json?start_time=0&per_page=1000: "
          "HTTP 401: {\"error\":\"Couldn't authenticate you\"}");
  EXPECT_THAT(pulled.message(), Not(HasSubstr("wrong-token")));
  EXPECT_EQ(sink.writes(), 0);
  EXPECT_EQ(server_->requests().size(), 1u);  // not retried
}

TEST_F(ZendeskApiAdapterTest, BearerTokenFromAFile) {
  TempFolder folder;
  hub::v1::Source source = ApiSource();
  source.clear_auth_email();
  source.clear_token_env();
  source.set_token_file(folder.Write("token", "zd-test-token\n"));
  CollectingSink sink;
  ASSERT_TRUE(Adapter(source)->Pull("", &sink).ok());
  EXPECT_EQ(Sorted(Texts(sink.Records())), FileImport());
}

TEST_F(ZendeskApiAdapterTest, RequestBudgetIsResourceExhausted) {
  ZendeskApiOptions options;
  options.max_requests = 3;
  CollectingSink sink;
  absl::Status pulled = Adapter(options)->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(pulled.message()),
              StartsWith("request budget max_requests=3 spent before GET "));
  EXPECT_EQ(server_->requests().size(), 3u);
  EXPECT_EQ(sink.writes(), 3);
}

TEST_F(ZendeskApiAdapterTest, CreateRejectsBadConfigurationNamingTheField) {
  auto rejects = [](const hub::v1::Source& source, const std::string& field) {
    auto adapter = ZendeskApiAdapter::Create(source, AdapterOptions());
    EXPECT_EQ(adapter.status().code(), absl::StatusCode::kInvalidArgument)
        << field;
    EXPECT_THAT(std::string(adapter.status().message()), StartsWith(field));
  };
  hub::v1::Source source = ApiSource();
  source.set_base_url("");
  rejects(source, "base_url");
  source.set_base_url("ftp://acme.zendesk.com");
  rejects(source, "base_url");
  source = ApiSource();
  source.clear_token_env();
  rejects(source, "token_env, token_file");
  source.set_token_env(kTokenEnv);
  source.set_token_file("/x");
  rejects(source, "token_env, token_file");
  source = ApiSource();
  source.set_token_env("HUB_TEST_ZENDESK_TOKEN_UNSET");
  rejects(source, "token_env");
  source = ApiSource();
  source.clear_token_env();
  source.set_token_file("/nonexistent/token");
  rejects(source, "token_file");
  source = ApiSource();
  source.set_ca_file("/nonexistent/ca.pem");
  rejects(source, "ca_file");
  source = ApiSource();
  source.set_export_mode("incremental");
  rejects(source, "export_mode");
}

TEST_F(ZendeskApiAdapterTest, RejectsCursorsItDidNotProduce) {
  std::unique_ptr<SourceAdapter> adapter = Adapter();
  for (const char* cursor :
       {"users-0001.json:3", "users=x", "organizations=c1",
        "organizations=tx:", "bogus=c1", "users=c1;users=c2"}) {
    CollectingSink sink;
    EXPECT_EQ(adapter->Pull(cursor, &sink).code(),
              absl::StatusCode::kInvalidArgument)
        << cursor;
    EXPECT_EQ(sink.writes(), 0);
  }
  EXPECT_TRUE(server_->requests().empty());
}

TEST(ZendeskApiAdapterTimeExportTest, RecordsSharingASecondComeOutOnce) {
  // Five organizations, three in one second, served two a page: the
  // shared second is never split and reappears on the next page.
  TempFolder folder;
  folder.Write("organizations-0001.json", R"({"organizations":[
    {"id":1,"name":"A","updated_at":"2024-01-01T00:00:01Z"},
    {"id":2,"name":"B","updated_at":"2024-01-01T00:00:02Z"},
    {"id":3,"name":"C","updated_at":"2024-01-01T00:00:02Z"},
    {"id":4,"name":"D","updated_at":"2024-01-01T00:00:02Z"},
    {"id":5,"name":"E","updated_at":"2024-01-01T00:00:03Z"}]})");
  FakeZendeskOptions fake;
  fake.page_size = 2;
  auto server = FakeZendeskServer::Start(folder.path(), fake);
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_EQ(setenv(kTokenEnv, "zd-test-token", 1), 0);
  hub::v1::Source source;
  source.set_name("sources/zd");
  source.set_kind("zendesk_api");
  source.set_base_url((*server)->base_url());
  source.set_token_env(kTokenEnv);
  auto adapter = ZendeskApiAdapter::Create(source, AdapterOptions());
  ASSERT_TRUE(adapter.ok()) << adapter.status();
  CollectingSink sink;
  ASSERT_TRUE((*adapter)->Pull("", &sink).ok());
  EXPECT_THAT(ExternalIds(sink.Records()),
              ElementsAre("1", "2", "3", "4", "5"));
  // Pages: [1 2 3 4]; [2 3 4] again, all read already (an empty page that
  // moves the position past that second); [5]; then the empty streams'
  // first positions.
  ASSERT_EQ(sink.pages().size(), 6u);
  EXPECT_EQ(sink.pages()[0].cursor, "organizations=t1704067202:2,3,4");
  EXPECT_TRUE(sink.pages()[1].records.empty());
  EXPECT_EQ(sink.pages()[1].cursor, "organizations=t1704067203:");
  EXPECT_EQ(sink.pages()[2].cursor, "organizations=t1704067203:5");
  EXPECT_THAT(
      (*server)->requests(),
      ElementsAre(
          "/api/v2/incremental/organizations.json?per_page=1000&start_time=0",
          "/api/v2/incremental/"
          "organizations.json?per_page=1000&start_time=1704067202",
          "/api/v2/incremental/"
          "organizations.json?per_page=1000&start_time=1704067203",
          "/api/v2/incremental/users/cursor.json?per_page=1000&start_time=0",
          "/api/v2/incremental/tickets/cursor.json?per_page=1000&start_time=0",
          "/api/v2/satisfaction_ratings.json?page[size]=100"));
}

}  // namespace
}  // namespace hub

namespace hub {
namespace {

TEST(ZendeskApiAdapterTimeExportTest, TicketsDedupeByGeneratedTimestamp) {
  // updated_at differs from generated_timestamp; the export orders, pages
  // and dedupes by the latter. Pages: [11 12 13] (second 200 not split);
  // [12 13] again, all read (the position moves past second 200); [14].
  TempFolder folder;
  folder.Write("tickets-0001.json", R"({"tickets":[
    {"id":11,"status":"open","updated_at":"2024-01-01T00:00:09Z","generated_timestamp":100},
    {"id":12,"status":"open","updated_at":"2024-01-01T00:00:01Z","generated_timestamp":200},
    {"id":13,"status":"deleted","updated_at":"2024-01-01T00:00:02Z","generated_timestamp":200},
    {"id":14,"status":"open","updated_at":"2024-01-01T00:00:03Z","generated_timestamp":300}]})");
  FakeZendeskOptions fake;
  fake.page_size = 2;
  auto server = FakeZendeskServer::Start(folder.path(), fake);
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_EQ(setenv(kTokenEnv, "zd-test-token", 1), 0);
  hub::v1::Source source;
  source.set_name("sources/zd");
  source.set_kind("zendesk_api");
  source.set_base_url((*server)->base_url());
  source.set_token_env(kTokenEnv);
  source.set_export_mode("time");
  auto adapter = ZendeskApiAdapter::Create(source, AdapterOptions());
  ASSERT_TRUE(adapter.ok()) << adapter.status();
  CollectingSink sink;
  ASSERT_TRUE((*adapter)->Pull("", &sink).ok());
  EXPECT_THAT(ExternalIds(sink.Records()), ElementsAre("11", "12", "13", "14"));
  std::vector<std::string> tickets;
  for (const std::string& r : (*server)->requests()) {
    if (absl::StartsWith(r, "/api/v2/incremental/tickets"))
      tickets.push_back(r);
  }
  EXPECT_THAT(
      tickets,
      ElementsAre(
          "/api/v2/incremental/tickets.json?per_page=1000&start_time=0",
          "/api/v2/incremental/tickets.json?per_page=1000&start_time=200",
          "/api/v2/incremental/tickets.json?per_page=1000&start_time=201"));
  EXPECT_THAT(sink.last_cursor(), HasSubstr("tickets=t300:14"));
}

}  // namespace
}  // namespace hub
