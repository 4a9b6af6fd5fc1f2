// SalesforceApiAdapter against FakeSalesforceServer (real HTTP on
// loopback), serving the salesforce/ export of a hub-sample world; the file
// adapter reading the same folder is the reference.
#include "adapters/salesforce_api_adapter.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "adapters/salesforce_bulk_adapter.h"
#include "adapters/salesforce_mapper.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/adapters/adapter_test_support.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_salesforce_server.h"

namespace hub {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using testing_support::CollectingSink;
using testing_support::ExternalIds;
using testing_support::FakeClock;
using testing_support::FakeSalesforceOptions;
using testing_support::FakeSalesforceServer;
using testing_support::HookSink;
using testing_support::Page;
using testing_support::Sorted;
using testing_support::TempFolder;
using testing_support::Texts;

constexpr char kTokenEnv[] = "HUB_TEST_SF_TOKEN";
constexpr char kRefreshEnv[] = "HUB_TEST_SF_REFRESH";
constexpr char kClientIdEnv[] = "HUB_TEST_SF_CLIENT_ID";
constexpr char kClientSecretEnv[] = "HUB_TEST_SF_CLIENT_SECRET";
constexpr int kPageSize = 10;
constexpr char kAccountQuery[] =
    "GET /services/data/v58.0/queryAll?q=SELECT Id, Name, Website, Industry, "
    "Type, BillingCountry, NumberOfEmployees, Phone, Tier__c, Region__c, "
    "AccountSource, CreatedDate, SystemModstamp, IsDeleted FROM Account ORDER "
    "BY "
    "SystemModstamp, Id";

std::string ReadFixture(const std::string& name) {
  std::ifstream in(absl::StrCat(HUB_SHARED_DIR, "/fixtures/salesforce/", name));
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_FALSE(text.str().empty()) << name;
  return text.str();
}

size_t CountIf(const std::vector<std::string>& v, absl::string_view prefix) {
  return std::count_if(v.begin(), v.end(), [&](const std::string& s) {
    return absl::StartsWith(s, prefix);
  });
}

class SalesforceApiAdapterTest : public ::testing::Test {
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
    ASSERT_EQ(setenv(kTokenEnv, "sf-access-1", 1), 0);
    ASSERT_EQ(setenv(kRefreshEnv, "sf-refresh", 1), 0);
    ASSERT_EQ(setenv(kClientIdEnv, "sf-client", 1), 0);
    ASSERT_EQ(setenv(kClientSecretEnv, "sf-secret", 1), 0);
    FakeSalesforceOptions options;
    options.page_size = kPageSize;
    auto server = FakeSalesforceServer::Start(salesforce_dir(), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  static std::string salesforce_dir() { return world_->path() + "/salesforce"; }

  hub::v1::Source ApiSource() const {
    hub::v1::Source source;
    source.set_name("sources/sf");
    source.set_kind("salesforce_api");
    source.set_base_url(server_->base_url());
    source.set_token_env(kTokenEnv);
    source.set_refresh_token_env(kRefreshEnv);
    source.set_client_id_env(kClientIdEnv);
    source.set_client_secret_env(kClientSecretEnv);
    return source;
  }

  std::unique_ptr<SourceAdapter> Adapter(const hub::v1::Source& source,
                                         SalesforceApiOptions options = {}) {
    options.clock = &clock_;
    options.jitter = [] { return 0.5; };
    auto adapter =
        SalesforceApiAdapter::Create(source, AdapterOptions(), options);
    EXPECT_TRUE(adapter.ok()) << adapter.status();
    return adapter.ok() ? *std::move(adapter) : nullptr;
  }
  std::unique_ptr<SourceAdapter> Adapter() { return Adapter(ApiSource()); }

  // What the file adapter reads from the same folder.
  static std::vector<hub::v1::SourceRecord> FileRecords() {
    hub::v1::Source source =
        testing_support::FileSource("salesforce", salesforce_dir());
    source.set_name("sources/sf");
    auto adapter = SalesforceBulkAdapter::Create(source, AdapterOptions());
    EXPECT_TRUE(adapter.ok()) << adapter.status();
    CollectingSink sink;
    EXPECT_TRUE((*adapter)->Pull("", &sink).ok());
    return sink.Records();
  }
  static std::vector<std::string> FileImport() {
    return Sorted(Texts(FileRecords()));
  }

  size_t ServerCount() {
    size_t n = 0;
    for (absl::string_view object : kSalesforceObjects) {
      n += server_->Count(std::string(object));
    }
    return n;
  }

  static TempFolder* world_;
  FakeClock clock_;
  std::unique_ptr<FakeSalesforceServer> server_;
};
TempFolder* SalesforceApiAdapterTest::world_ = nullptr;

TEST_F(SalesforceApiAdapterTest, FullPullEqualsTheFileImport) {
  const std::vector<std::string> want = FileImport();
  ASSERT_EQ(want.size(), ServerCount());
  CollectingSink sink;
  ASSERT_TRUE(Adapter()->Pull("", &sink).ok());
  EXPECT_EQ(Sorted(Texts(sink.Records())), want);
  for (const Page& page : sink.pages()) {
    EXPECT_FALSE(page.records.empty()) << page.cursor;
  }
  EXPECT_TRUE(clock_.sleeps().empty());
}

TEST_F(SalesforceApiAdapterTest, DeletedRowsComeAsDeletesLikeTheFileImport) {
  std::vector<std::string> want;
  for (const hub::v1::SourceRecord& r : FileRecords()) {
    if (r.deleted()) want.push_back(r.external_id());
  }
  ASSERT_EQ(want.size(), 1u);  // the world has one soft-deleted Lead
  CollectingSink sink;
  ASSERT_TRUE(Adapter()->Pull("", &sink).ok());
  std::vector<std::string> got;
  for (const hub::v1::SourceRecord& r : sink.Records()) {
    if (r.deleted()) got.push_back(r.external_id());
  }
  EXPECT_EQ(got, want);

  // A Contact deleted later comes as a delete on the next run.
  const hub::v1::SourceRecord contact = [&] {
    for (const hub::v1::SourceRecord& r : sink.Records()) {
      if (r.entity() == hub::v1::CONTACT) return r;
    }
    return hub::v1::SourceRecord();
  }();
  server_->Upsert("Contact", {{"Id", contact.external_id()},
                              {"LastName", "Gone"},
                              {"SystemModstamp", "2030-01-01T00:00:00.000Z"},
                              {"IsDeleted", "true"}});
  CollectingSink next;
  ASSERT_TRUE(Adapter()->Pull(sink.last_cursor(), &next).ok());
  ASSERT_EQ(next.Records().size(), 1u);
  EXPECT_EQ(next.Records()[0].external_id(), contact.external_id());
  EXPECT_EQ(next.Records()[0].entity(), hub::v1::CONTACT);
  EXPECT_TRUE(next.Records()[0].deleted());
}

TEST_F(SalesforceApiAdapterTest,
       RequestsAreSoqlQueriesFollowingNextRecordsUrl) {
  CollectingSink sink;
  ASSERT_TRUE(Adapter()->Pull("", &sink).ok());
  const std::vector<std::string> requests = server_->requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests.front(), kAccountQuery);
  size_t pages = 0;
  for (absl::string_view object : kSalesforceObjects) {
    pages += (server_->Count(std::string(object)) + kPageSize - 1) / kPageSize;
  }
  EXPECT_EQ(
      CountIf(requests, "GET /services/data/v58.0/queryAll?q=SELECT Id, "), 4u);
  EXPECT_EQ(CountIf(requests, "GET /services/data/v58.0/query/01gFAKE"),
            pages - 4);
  EXPECT_EQ(requests.size(), pages);
  EXPECT_EQ(static_cast<size_t>(sink.writes()), pages);
}

TEST_F(SalesforceApiAdapterTest, ResumesExactlyAfterEveryPage) {
  std::unique_ptr<SourceAdapter> adapter = Adapter();
  const std::vector<hub::v1::SourceRecord> all =
      testing_support::PullAllCheckingResume(adapter.get(), kPageSize);
  EXPECT_EQ(Sorted(Texts(all)), FileImport());
}

TEST_F(SalesforceApiAdapterTest, SecondPullReadsOnlyNewAndChangedRecords) {
  std::unique_ptr<SourceAdapter> adapter = Adapter();
  CollectingSink first;
  ASSERT_TRUE(adapter->Pull("", &first).ok());
  // The Contact high-water mark, and a record committed late, 2 minutes
  // before it (inside the 5-minute overlap), and one 10 minutes before it
  // (outside: a later run cannot see it).
  int64_t mark = 0;
  std::string account_id;
  for (const hub::v1::SourceRecord& r : first.Records()) {
    if (r.entity() == hub::v1::CONTACT) {
      mark = std::max<int64_t>(mark, r.updated_at().seconds());
    }
    if (r.entity() == hub::v1::ACCOUNT && account_id.empty()) {
      account_id = r.external_id();
    }
  }
  auto stamp = [](int64_t seconds) {
    return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ",
                            absl::FromUnixSeconds(seconds),
                            absl::UTCTimeZone());
  };
  server_->Upsert("Account", {{"Id", account_id},
                              {"Name", "Renamed Ltd."},
                              {"SystemModstamp", stamp(1893456000)},
                              {"IsDeleted", "false"}});
  server_->Upsert("Contact", {{"Id", "0035g000000LATEAAA"},
                              {"LastName", "Late"},
                              {"Email", "late@example.com"},
                              {"SystemModstamp", stamp(mark - 120)},
                              {"IsDeleted", "false"}});
  server_->Upsert("Contact", {{"Id", "0035g000000TOOLATE"},
                              {"LastName", "Too Late"},
                              {"SystemModstamp", stamp(mark - 600)},
                              {"IsDeleted", "false"}});
  server_->Upsert("Contact", {{"Id", "0035g000000NEWAAAA"},
                              {"LastName", "New"},
                              {"SystemModstamp", stamp(1893456000)},
                              {"IsDeleted", "false"}});
  CollectingSink second;
  ASSERT_TRUE(adapter->Pull(first.last_cursor(), &second).ok());
  EXPECT_THAT(
      ExternalIds(second.Records()),
      ElementsAre(account_id, "0035g000000LATEAAA", "0035g000000NEWAAAA"));
  ASSERT_EQ(second.Records().size(), 3u);
  EXPECT_EQ(second.Records()[0].attributes().at("name"), "Renamed Ltd.");
  EXPECT_EQ(second.writes(), 2);
  const std::vector<std::string> requests = server_->requests();
  EXPECT_EQ(CountIf(requests,
                    absl::StrCat("GET /services/data/v58.0/queryAll?q=SELECT "
                                 "Id, AccountId, FirstName")),
            2u);
  EXPECT_THAT(requests,
              ::testing::Contains(HasSubstr(absl::StrCat(
                  " FROM Contact WHERE SystemModstamp >= ", stamp(mark - 300),
                  " ORDER BY SystemModstamp, Id"))));
  CollectingSink third;
  ASSERT_TRUE(adapter->Pull(second.last_cursor(), &third).ok());
  EXPECT_EQ(third.writes(), 0);
}

TEST_F(SalesforceApiAdapterTest, ZeroOverlapQueriesFromTheMarkItself) {
  hub::v1::Source source = ApiSource();
  source.mutable_query_overlap()->set_seconds(0);
  std::unique_ptr<SourceAdapter> adapter = Adapter(source);
  CollectingSink first;
  ASSERT_TRUE(adapter->Pull("", &first).ok());
  CollectingSink second;
  ASSERT_TRUE(adapter->Pull(first.last_cursor(), &second).ok());
  EXPECT_EQ(second.writes(), 0);
  EXPECT_THAT(first.last_cursor(), StartsWith("Account="));
  EXPECT_THAT(first.last_cursor(), HasSubstr(";Opportunity="));
}

TEST_F(SalesforceApiAdapterTest, ExpiredSessionRefreshesOnceAndContinues) {
  const std::vector<std::string> want = FileImport();
  FakeSalesforceServer* server = server_.get();
  HookSink sink([server](int pages) {
    if (pages == 2) server->ExpireSession();
  });
  ASSERT_TRUE(Adapter()->Pull("", &sink).ok());
  EXPECT_EQ(Sorted(Texts(sink.inner().Records())), want);
  const std::vector<std::string> requests = server_->requests();
  EXPECT_EQ(std::count(requests.begin(), requests.end(),
                       "POST /services/oauth2/token"),
            1);
  // Page 3 was asked for twice: refused, then with the new token.
  ASSERT_GE(requests.size(), 5u);
  EXPECT_EQ(requests[3], "POST /services/oauth2/token");
  EXPECT_EQ(requests[2], requests[4]);
}

TEST_F(SalesforceApiAdapterTest,
       SessionExpiringAgainInOneRunIsUnauthenticated) {
  FakeSalesforceServer* server = server_.get();
  HookSink sink([server](int pages) {
    if (pages == 2 || pages == 4) server->ExpireSession();
  });
  absl::Status pulled = Adapter()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(pulled.message()), StartsWith("source sf: GET "));
  EXPECT_THAT(pulled.message(), HasSubstr("INVALID_SESSION_ID"));
  EXPECT_EQ(sink.inner().writes(), 4);
}

TEST_F(SalesforceApiAdapterTest, FailedRefreshIsUnauthenticatedNamingSource) {
  ASSERT_EQ(setenv(kRefreshEnv, "revoked-refresh-token", 1), 0);
  server_->ExpireSession();
  CollectingSink sink;
  absl::Status pulled = Adapter()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(pulled.message(),
            "source sf: refreshing the Salesforce access token failed: POST " +
                server_->base_url() +
                "/services/oauth2/token: HTTP 400: "
                "{\"error\":\"invalid_grant\",\"error_description\":"
                "\"expired access/refresh token\"}");
  EXPECT_THAT(pulled.message(), Not(HasSubstr("revoked-refresh-token")));
  EXPECT_THAT(pulled.message(), Not(HasSubstr("sf-secret")));
  EXPECT_EQ(sink.writes(), 0);
}

TEST_F(SalesforceApiAdapterTest,
       ExpiredSessionWithoutRefreshIsUnauthenticated) {
  hub::v1::Source source = ApiSource();
  source.clear_refresh_token_env();
  source.clear_client_id_env();
  source.clear_client_secret_env();
  server_->ExpireSession();
  CollectingSink sink;
  absl::Status pulled = Adapter(source)->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kUnauthenticated);
  // The fake's 401 body is the recorded one.
  const std::string fixture(absl::StripAsciiWhitespace(
      ReadFixture("restforce_expired_session_response.json")));
  EXPECT_THAT(std::string(pulled.message()),
              StartsWith("source sf: GET " + server_->base_url() +
                         "/services/data/v58.0/queryAll?q=SELECT"));
  EXPECT_TRUE(absl::EndsWith(pulled.message(), ": HTTP 401: " + fixture))
      << pulled.message();
  EXPECT_EQ(server_->requests().size(), 1u);
  EXPECT_EQ(sink.writes(), 0);
}

TEST_F(SalesforceApiAdapterTest, RequestLimitExceededKeepsCommittedPages) {
  const std::vector<std::string> want = FileImport();
  server_->LimitAfter(3);
  CollectingSink sink;
  absl::Status pulled = Adapter()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(pulled.message()),
              StartsWith("source sf: the Salesforce org's API request limit "
                         "is exceeded (REQUEST_LIMIT_EXCEEDED); run stopped"));
  EXPECT_EQ(sink.writes(), 3);
  EXPECT_EQ(server_->requests().size(), 4u);  // not retried
  EXPECT_TRUE(clock_.sleeps().empty());

  server_->LimitAfter(-1);
  CollectingSink rest;
  ASSERT_TRUE(Adapter()->Pull(sink.last_cursor(), &rest).ok());
  std::vector<std::string> got = Texts(sink.Records());
  for (std::string& t : Texts(rest.Records())) got.push_back(t);
  EXPECT_EQ(Sorted(got), want);
}

TEST_F(SalesforceApiAdapterTest, MalformedPageIsDataLossAndWritesNothingOfIt) {
  const std::vector<std::string> want = FileImport();
  server_->MalformPage(3, "{\"totalSize\": 57, \"records\": [ oops");
  CollectingSink sink;
  absl::Status pulled = Adapter()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(pulled.message()),
              StartsWith(server_->base_url() +
                         "/services/data/v58.0/query/01gFAKE1-20: "
                         "invalid JSON at line 1"));
  EXPECT_EQ(sink.writes(), 2);

  CollectingSink rest;
  ASSERT_TRUE(Adapter()->Pull(sink.last_cursor(), &rest).ok());
  std::vector<std::string> got = Texts(sink.Records());
  for (std::string& t : Texts(rest.Records())) got.push_back(t);
  EXPECT_EQ(Sorted(got), want);
}

TEST_F(SalesforceApiAdapterTest, ErrorArrayOrRecordWithoutIdIsDataLoss) {
  server_->MalformPage(
      1, ReadFixture("restforce_sobject_query_error_response.json"));
  CollectingSink sink;
  absl::Status pulled = Adapter()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(pulled.message(), HasSubstr("INVALID_FIELD"));
  EXPECT_EQ(sink.writes(), 0);

  server_->MalformPage(
      1,
      ReadFixture("restforce_sobject_query_paginated_last_page_response.json"));
  pulled = Adapter()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(pulled.message()),
              HasSubstr(": Account record \"\" lacks an Id or a valid "
                        "SystemModstamp"));
  EXPECT_EQ(sink.writes(), 0);
}

TEST_F(SalesforceApiAdapterTest, ThrottlingAndServerErrorsAreRetried) {
  const std::vector<std::string> want = FileImport();
  server_->ThrottleNext(1, 7);
  server_->FailNext(2, 503);
  CollectingSink sink;
  ASSERT_TRUE(Adapter()->Pull("", &sink).ok());
  EXPECT_EQ(Sorted(Texts(sink.Records())), want);
  // One request tried four times: Retry-After, then the back-off of
  // retries 2 and 3 (ceilings 2 s and 4 s, jitter 0.5).
  EXPECT_THAT(clock_.sleeps(), ElementsAre(absl::Seconds(7), absl::Seconds(1),
                                           absl::Seconds(2)));
}

TEST_F(SalesforceApiAdapterTest, CreateRejectsBadConfigurationNamingTheField) {
  auto rejects = [](const hub::v1::Source& source, const std::string& field) {
    auto adapter = SalesforceApiAdapter::Create(source, AdapterOptions());
    EXPECT_EQ(adapter.status().code(), absl::StatusCode::kInvalidArgument)
        << field;
    EXPECT_THAT(std::string(adapter.status().message()), StartsWith(field));
  };
  hub::v1::Source source = ApiSource();
  source.set_base_url("ftp://example.my.salesforce.com");
  rejects(source, "base_url");
  source = ApiSource();
  source.clear_token_env();
  rejects(source, "token_env, token_file");
  source = ApiSource();
  source.clear_client_secret_env();
  rejects(source, "refresh_token_env, client_id_env, client_secret_env");
  source = ApiSource();
  source.set_client_id_env("HUB_TEST_SF_UNSET");
  rejects(source, "client_id_env");
  source = ApiSource();
  source.mutable_query_overlap()->set_seconds(-1);
  rejects(source, "query_overlap");
  source = ApiSource();
  source.set_export_mode("time");
  rejects(source, "export_mode");
  source = ApiSource();
  source.set_auth_email("a@b.example");
  rejects(source, "auth_email");
}

TEST_F(SalesforceApiAdapterTest, RejectsCursorsItDidNotProduce) {
  testing_support::ExpectInvalidCursors(
      Adapter().get(),
      {"Account.csv:3", "Account=x:", "Account=0:", "Account=5:a",
       "Account=5:a@x", "Task=5:", "Account=5:;Account=6:"});
  EXPECT_TRUE(server_->requests().empty());
}

TEST(SalesforceQueryPageTest, RecordedPagesParse) {
  auto first = ParseSalesforceQueryPage(
      ReadFixture("restforce_sobject_query_paginated_first_page_response.json"),
      {"Text_Label"});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->done);
  EXPECT_EQ(first->next_records_url, "/services/data/v26.0/query/01gD");
  EXPECT_THAT(first->rows, ElementsAre(ElementsAre("First Page")));

  auto last = ParseSalesforceQueryPage(
      ReadFixture("restforce_sobject_query_paginated_last_page_response.json"),
      {"Text_Label"});
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_TRUE(last->done);
  EXPECT_EQ(last->next_records_url, "");
  EXPECT_THAT(last->rows, ElementsAre(ElementsAre("Last Page")));

  auto empty = ParseSalesforceQueryPage(
      ReadFixture("restforce_sobject_query_empty_response.json"), {"Id"});
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_TRUE(empty->done);
  EXPECT_TRUE(empty->rows.empty());

  auto typed = ParseSalesforceQueryPage(
      ReadFixture("restforce_sobject_query_success_response.json"),
      {"Checkbox_Label", "Text_Label", "DateTime_Label", "Date_Label",
       "Missing"});
  ASSERT_TRUE(typed.ok()) << typed.status();
  EXPECT_THAT(typed->rows, ElementsAre(ElementsAre("false", "Hi there!",
                                                   "2011-07-07T00:37:00.000Z",
                                                   "2010-01-01", "")));

  auto error = ParseSalesforceQueryPage(
      ReadFixture("restforce_sobject_query_error_response.json"), {"Id"});
  EXPECT_EQ(error.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(
      error.status().message(),
      "Salesforce error response: "
      "[{\"errorCode\":\"INVALID_FIELD\",\"message\":\"error_message\"}]");
}

TEST(SalesforceQueryPageTest, RecordedGetDeletedResultParses) {
  auto page = ParseSalesforceDeletedPage(
      ReadFixture("restforce_sobject_get_deleted_success_response.json"));
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->rows,
              ElementsAre(ElementsAre("a00D0000008pQRAIA2",
                                      "2013-05-07T22:07:19.000Z", "true")));
  EXPECT_EQ(page->earliest_available, absl::FromUnixSeconds(1367596620));
  EXPECT_EQ(page->latest_covered, absl::FromUnixSeconds(1368048000));

  auto updated = ParseSalesforceDeletedPage(
      ReadFixture("restforce_sobject_get_updated_success_response.json"));
  EXPECT_EQ(updated.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(updated.status().message(),
            "not a getDeleted result (needs deletedRecords and "
            "latestDateCovered)");
}

TEST(SalesforceQueryPageTest, NumbersReadAsTheBulkCsvHasThem) {
  auto page = ParseSalesforceQueryPage(
      R"({"totalSize":1,"done":true,"records":[{"attributes":{"type":"Opportunity"},
          "Amount":9800.0,"NumberOfEmployees":250,"Rate":0.125,"Flag":true,
          "Note":null}]})",
      {"Amount", "NumberOfEmployees", "Rate", "Flag", "Note"});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->rows,
              ElementsAre(ElementsAre("9800.00", "250", "0.125", "true", "")));
  auto not_done = ParseSalesforceQueryPage(
      R"({"totalSize":3,"done":false,"records":[]})", {"Id"});
  EXPECT_EQ(not_done.status().code(), absl::StatusCode::kDataLoss);
}

// The same fixture with the clock and the vendor at `kNow`, a month after
// the world's last change, so that getDeleted windows are meaningful.
class SalesforceApiBulkTest : public SalesforceApiAdapterTest {
 protected:
  static constexpr absl::Duration kPoll = absl::Seconds(3);

  void SetUp() override {
    SalesforceApiAdapterTest::SetUp();
    clock_.SleepFor(kNow - clock_.Now());
    server_->SetNow(kNow);
  }

  hub::v1::Source BulkSource() const {
    hub::v1::Source source = ApiSource();
    source.set_export_mode("bulk");
    return source;
  }
  // An adapter of `source` (bulk by default) reading kPageSize-record pages.
  std::unique_ptr<SourceAdapter> Bulk(hub::v1::Source source) {
    SalesforceApiOptions options;
    options.clock = &clock_;
    options.jitter = [] { return 0.5; };
    options.bulk_poll_interval = kPoll;
    AdapterOptions adapter_options;
    adapter_options.page_size = kPageSize;
    auto adapter =
        SalesforceApiAdapter::Create(source, adapter_options, options);
    EXPECT_TRUE(adapter.ok()) << adapter.status();
    return adapter.ok() ? *std::move(adapter) : nullptr;
  }
  std::unique_ptr<SourceAdapter> Bulk() { return Bulk(BulkSource()); }

  // Moves the clock and the vendor's now on by `d`.
  void Advance(absl::Duration d) {
    clock_.SleepFor(d);
    server_->SetNow(clock_.Now());
  }

  // The Id of the first record of `entity` in `records`.
  static std::string FirstId(const std::vector<hub::v1::SourceRecord>& records,
                             hub::v1::EntityType entity, int skip = 0) {
    for (const hub::v1::SourceRecord& r : records) {
      if (r.entity() == entity && !r.deleted() && skip-- == 0) {
        return r.external_id();
      }
    }
    return "";
  }

  // A purged Contact and a Contact still in the recycle bin, deleted after a
  // full pull with `source`, come as deletes once each.
  void ExpectDeletesOnce(const hub::v1::Source& source) {
    std::unique_ptr<SourceAdapter> adapter = Bulk(source);
    CollectingSink first;
    ASSERT_TRUE(adapter->Pull("", &first).ok());
    const std::string purged = FirstId(first.Records(), hub::v1::CONTACT);
    const std::string binned = FirstId(first.Records(), hub::v1::CONTACT, 1);
    // Queries never show the purged one again; queryAll shows the other as
    // IsDeleted, and getDeleted lists both.
    server_->Purge("Contact", purged, kNow + absl::Minutes(40));
    server_->Delete("Contact", binned, kNow + absl::Minutes(50));
    Advance(absl::Hours(1));
    CollectingSink second;
    ASSERT_TRUE(adapter->Pull(first.last_cursor(), &second).ok());
    ASSERT_EQ(second.Records().size(), 2u);
    EXPECT_EQ(second.Records()[0].external_id(), binned);
    EXPECT_TRUE(second.Records()[0].deleted());
    EXPECT_EQ(second.Records()[0].updated_at().seconds(),
              absl::ToUnixSeconds(kNow) + 3000);
    EXPECT_EQ(Texts({second.Records()[1]}),
              std::vector<std::string>{absl::StrCat(
                  "source: \"sf\" entity: CONTACT external_id: \"", purged,
                  "\" updated_at { seconds: ", absl::ToUnixSeconds(kNow) + 2400,
                  " } deleted: true identifiers { type: "
                  "\"salesforce.contact_id\" value: \"",
                  purged, "\" }")});
    Advance(absl::Hours(1));
    CollectingSink third;
    ASSERT_TRUE(adapter->Pull(second.last_cursor(), &third).ok());
    EXPECT_TRUE(third.Records().empty());
    CollectingSink fourth;
    ASSERT_TRUE(adapter->Pull(third.last_cursor(), &fourth).ok());
    EXPECT_EQ(fourth.writes(), 0);
  }

  static inline const absl::Time kNow = absl::FromUnixSeconds(1769904000);
};

TEST_F(SalesforceApiBulkTest, BulkFullPullEqualsTheRestFullPull) {
  CollectingSink rest;
  ASSERT_TRUE(Adapter()->Pull("", &rest).ok());
  const size_t rest_requests = server_->requests().size();
  CollectingSink bulk;
  ASSERT_TRUE(Bulk()->Pull("", &bulk).ok());
  EXPECT_EQ(Texts(bulk.Records()), Texts(rest.Records()));
  EXPECT_EQ(Sorted(Texts(bulk.Records())), FileImport());

  // Per object: a job, two InProgress polls (each followed by a sleep), the
  // JobComplete poll, then the results pages.
  std::vector<std::string> requests = server_->requests();
  requests.erase(requests.begin(), requests.begin() + rest_requests);
  EXPECT_EQ(
      requests[0],
      "POST /services/data/v58.0/jobs/query "
      "{\"operation\":\"queryAll\",\"query\":\"SELECT Id, Name, "
      "Website, Industry, Type, BillingCountry, NumberOfEmployees, Phone, "
      "Tier__c, Region__c, AccountSource, CreatedDate, SystemModstamp, "
      "IsDeleted FROM Account ORDER BY SystemModstamp, Id\"}");
  EXPECT_THAT(
      std::vector<std::string>(requests.begin() + 1, requests.begin() + 6),
      ElementsAre("GET /services/data/v58.0/jobs/query/750FAKE1",
                  "GET /services/data/v58.0/jobs/query/750FAKE1",
                  "GET /services/data/v58.0/jobs/query/750FAKE1",
                  "GET /services/data/v58.0/jobs/query/750FAKE1/"
                  "results?maxRecords=10",
                  "GET /services/data/v58.0/jobs/query/750FAKE1/"
                  "results?locator=MTA=&maxRecords=10"));
  size_t pages = 0;
  for (absl::string_view object : kSalesforceObjects) {
    pages += (server_->Count(std::string(object)) + kPageSize - 1) / kPageSize;
  }
  EXPECT_EQ(CountIf(requests, "POST /services/data/v58.0/jobs/query "), 4u);
  EXPECT_EQ(requests.size(), 4 * 4 + pages);
  EXPECT_EQ(static_cast<size_t>(bulk.writes()), pages);
  EXPECT_EQ(clock_.sleeps().size(), 8u + 1);  // the fixture's own first
  EXPECT_EQ(clock_.sleeps().back(), kPoll);
}

TEST_F(SalesforceApiBulkTest, ResumesExactlyAfterEveryResultsPage) {
  std::unique_ptr<SourceAdapter> adapter = Bulk();
  const std::vector<hub::v1::SourceRecord> all =
      testing_support::PullAllCheckingResume(adapter.get(), kPageSize);
  EXPECT_EQ(Sorted(Texts(all)), FileImport());
}

TEST_F(SalesforceApiBulkTest, ResumeContinuesTheJobFromItsLocator) {
  CollectingSink full;
  ASSERT_TRUE(Bulk()->Pull("", &full).ok());
  CollectingSink crashed(2);
  ASSERT_FALSE(Bulk()->Pull("", &crashed).ok());
  ASSERT_EQ(crashed.pages().size(), 2u);
  EXPECT_THAT(crashed.last_cursor(), HasSubstr(":750FAKE5/MjA%3D"));
  const size_t before = server_->requests().size();
  CollectingSink rest;
  ASSERT_TRUE(Bulk()->Pull(crashed.last_cursor(), &rest).ok());
  EXPECT_EQ(server_->requests()[before],
            "GET /services/data/v58.0/jobs/query/750FAKE5/"
            "results?locator=MjA=&maxRecords=10");
  std::vector<std::string> got = Texts(crashed.Records());
  for (std::string& t : Texts(rest.Records())) got.push_back(t);
  EXPECT_EQ(got, Texts(full.Records()));
}

TEST_F(SalesforceApiBulkTest, ExpiredJobRestartsFromTheMarkWithoutDupOrSkip) {
  CollectingSink full;
  ASSERT_TRUE(Bulk()->Pull("", &full).ok());
  CollectingSink crashed(2);
  ASSERT_FALSE(Bulk()->Pull("", &crashed).ok());
  server_->ExpireJobs();
  const size_t before = server_->requests().size();
  CollectingSink rest;
  ASSERT_TRUE(Bulk()->Pull(crashed.last_cursor(), &rest).ok());
  std::vector<std::string> got = Texts(crashed.Records());
  for (std::string& t : Texts(rest.Records())) got.push_back(t);
  EXPECT_EQ(got, Texts(full.Records()));
  // The 404, then a job from the committed mark minus the overlap.
  const std::vector<std::string> requests = server_->requests();
  EXPECT_EQ(requests[before],
            "GET /services/data/v58.0/jobs/query/750FAKE5/"
            "results?locator=MjA=&maxRecords=10");
  int64_t mark = 0;
  for (const hub::v1::SourceRecord& r : crashed.Records()) {
    mark = std::max<int64_t>(mark, r.updated_at().seconds());
  }
  EXPECT_THAT(
      requests[before + 1],
      HasSubstr(absl::StrCat(" FROM Account WHERE SystemModstamp >= ",
                             absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ",
                                              absl::FromUnixSeconds(mark - 300),
                                              absl::UTCTimeZone()),
                             " ORDER BY SystemModstamp, Id\"}")));
  EXPECT_THAT(requests[before + 1],
              StartsWith("POST /services/data/v58.0/jobs/query "));
}

TEST_F(SalesforceApiBulkTest, EitherModeResumesTheOthersCursor) {
  CollectingSink full;
  ASSERT_TRUE(Bulk()->Pull("", &full).ok());
  for (const auto& [from, to] : {std::pair(BulkSource(), ApiSource()),
                                 std::pair(ApiSource(), BulkSource())}) {
    CollectingSink crashed(2);
    ASSERT_FALSE(Bulk(from)->Pull("", &crashed).ok());
    CollectingSink rest;
    ASSERT_TRUE(Bulk(to)->Pull(crashed.last_cursor(), &rest).ok())
        << crashed.last_cursor();
    std::vector<std::string> got = Texts(crashed.Records());
    for (std::string& t : Texts(rest.Records())) got.push_back(t);
    EXPECT_EQ(got, Texts(full.Records())) << crashed.last_cursor();
  }
}

TEST_F(SalesforceApiBulkTest, CsvQuotesCommasNewlinesAndNullsReadExactly) {
  server_->Upsert("Contact",
                  {{"Id", "0035g000000CSVAAAA"},
                   {"AccountId", ""},
                   {"FirstName", "Ana \"Nan\", Jr."},
                   {"LastName", "O\"Neil"},
                   {"Email", ""},
                   {"Phone", "+1 415 555 0101"},
                   {"Title", "Head of\nGrowth, \"EMEA\"\r\nand APAC"},
                   {"LeadSource", ","},
                   {"CreatedDate", "2025-12-01T10:00:00.000Z"},
                   {"SystemModstamp", "2026-01-15T09:15:00.000Z"},
                   {"IsDeleted", "false"}});
  const char* want = R"pb(
    source: "sf"
    entity: CONTACT
    external_id: "0035g000000CSVAAAA"
    updated_at { seconds: 1768468500 }
    identifiers { type: "salesforce.contact_id" value: "0035g000000CSVAAAA" }
    identifiers { type: "phone" value: "+1 415 555 0101" }
    attributes { key: "first_name" value: "Ana \"Nan\", Jr." }
    attributes { key: "last_name" value: "O\"Neil" }
    attributes { key: "title" value: "Head of\nGrowth, \"EMEA\"\r\nand APAC" }
    attributes { key: "lead_source" value: "," }
    attributes { key: "created_date" value: "2025-12-01T10:00:00.000Z" }
  )pb";
  for (const hub::v1::Source& source : {BulkSource(), ApiSource()}) {
    CollectingSink sink;
    ASSERT_TRUE(Bulk(source)->Pull("", &sink).ok());
    std::vector<hub::v1::SourceRecord> records = sink.Records();
    auto it = std::find_if(records.begin(), records.end(), [](const auto& r) {
      return r.external_id() == "0035g000000CSVAAAA";
    });
    ASSERT_NE(it, records.end()) << source.export_mode();
    EXPECT_THAT(*it, testing_support::EqualsRecord(want))
        << source.export_mode();
  }
}

TEST_F(SalesforceApiBulkTest, FailedJobFailsTheRunWithItsErrorMessage) {
  server_->FailNextJob("Failed",
                       "INVALID_FIELD: No such column 'Tier__c' on Account");
  CollectingSink sink;
  absl::Status pulled = Bulk()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(pulled.message(),
            "source sf: the Salesforce bulk query job 750FAKE1 for Account "
            "ended Failed: INVALID_FIELD: No such column 'Tier__c' on Account");
  EXPECT_EQ(sink.writes(), 0);
}

TEST_F(SalesforceApiBulkTest, JobNotCompleteByTheDeadlineIsDeadlineExceeded) {
  SalesforceApiOptions options;
  options.clock = &clock_;
  options.bulk_poll_interval = kPoll;
  options.deadline = clock_.Now() + absl::Seconds(5);
  auto adapter =
      SalesforceApiAdapter::Create(BulkSource(), AdapterOptions(), options);
  ASSERT_TRUE(adapter.ok()) << adapter.status();
  CollectingSink sink;
  absl::Status pulled = (*adapter)->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(pulled.message(),
            "source sf: the Salesforce bulk query job 750FAKE1 for Account is "
            "still InProgress at the run's deadline");
  EXPECT_EQ(sink.writes(), 0);
}

TEST_F(SalesforceApiBulkTest, BrokenCsvOrMissingLocatorIsDataLoss) {
  const std::string url = server_->base_url() +
                          "/services/data/v58.0/jobs/query/750FAKE1/"
                          "results?maxRecords=10&locator=MTA%3d";
  server_->MalformPage(2, "\"Id\",\"SystemModstamp\"\n\"001\",\"2026");
  CollectingSink sink;
  absl::Status pulled = Bulk()->Pull("", &sink);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(std::string(pulled.message()),
            url + ":2: unterminated quoted field");
  EXPECT_EQ(sink.writes(), 1);

  server_->MalformPage(
      1, "\"Id\",\"SystemModstamp\"\n\"001\",\"2026-01-20T00:00:00.000Z\"\n");
  CollectingSink rest;
  pulled = Bulk()->Pull(sink.last_cursor(), &rest);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(std::string(pulled.message()), url + ": no Sforce-Locator header");
  EXPECT_EQ(rest.writes(), 0);
}

TEST_F(SalesforceApiBulkTest, GetDeletedEmitsPurgedDeletesOnceInBulkMode) {
  ExpectDeletesOnce(BulkSource());
}

TEST_F(SalesforceApiBulkTest, GetDeletedEmitsPurgedDeletesOnceInRestMode) {
  ExpectDeletesOnce(ApiSource());
}

TEST_F(SalesforceApiBulkTest, GetDeletedAsksInWindowsOfThirtyDays) {
  CollectingSink first;
  ASSERT_TRUE(Adapter(ApiSource())->Pull("", &first).ok());
  Advance(absl::Hours(24 * 45));
  const size_t before = server_->requests().size();
  CollectingSink second;
  ASSERT_TRUE(Adapter(ApiSource())->Pull(first.last_cursor(), &second).ok());
  std::vector<std::string> requests = server_->requests();
  requests.erase(requests.begin(), requests.begin() + before);
  EXPECT_THAT(requests,
              ::testing::IsSupersetOf(
                  {"GET /services/data/v58.0/sobjects/Account/deleted/"
                   "?end=2026-03-03T00:00:00+00:00&start=2026-02-01T00:00:00+"
                   "00:00",
                   "GET /services/data/v58.0/sobjects/Account/deleted/"
                   "?end=2026-03-18T00:00:00+00:00&start=2026-03-03T00:00:00+"
                   "00:00"}));
  EXPECT_EQ(CountIf(requests, "GET /services/data/v58.0/sobjects/"), 8u);
  EXPECT_EQ(second.writes(), 1);
  EXPECT_TRUE(second.Records().empty());
}

TEST_F(SalesforceApiBulkTest,
       DeletesOlderThanTheVendorKeepsAreFailedPreconditionAskingAResync) {
  CollectingSink first;
  ASSERT_TRUE(Bulk()->Pull("", &first).ok());
  const std::string cursor = first.last_cursor();
  Advance(absl::Hours(24 * 20));
  server_->SetEarliestDeleted(kNow + absl::Hours(24 * 5));
  CollectingSink second;
  absl::Status pulled = Bulk()->Pull(cursor, &second);
  EXPECT_EQ(pulled.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(pulled.message(),
            "source sf: Salesforce can list Account deletes only since "
            "2026-02-06T00:00:00+00:00 but this source needs them since "
            "2026-02-01T00:00:00+00:00, so deletes in between cannot be "
            "known; run with full_resync");
  EXPECT_EQ(second.writes(), 0);
}

}  // namespace
}  // namespace hub
