#include "adapters/zendesk_adapter.h"

#include <memory>
#include <string>

#include "adapters/zendesk_mapper.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/adapters/adapter_test_support.h"

namespace hub {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing_support::CollectingSink;
using testing_support::EqualsRecord;
using testing_support::ExternalIds;
using testing_support::FileSource;
using testing_support::TempFolder;

// The cursor page of vendor-formats §6.
constexpr char kTicketsPage[] = R"({"tickets": [
  {"url": "https://acme.zendesk.com/api/v2/tickets/101.json", "id": 101, "external_id": null,
   "via": {"channel": "email", "source": {"from": {"address": "ana.ruiz@acme.example"}, "to": {}, "rel": null}},
   "created_at": "2024-05-01T08:00:00Z", "updated_at": "2024-05-02T09:00:00Z", "subject": "SSO broken", "status": "solved",
   "requester_id": 36100001, "submitter_id": 36100001, "organization_id": 9100001, "tags": ["sso"],
   "satisfaction_rating": {"score": "good", "id": 5501, "comment": "Quick fix"}, "generated_timestamp": 1714640400},
  {"url": "https://acme.zendesk.com/api/v2/tickets/102.json", "id": 102, "status": "deleted",
   "created_at": "2024-05-01T09:00:00Z", "updated_at": "2024-05-02T09:05:00Z", "requester_id": 36100002,
   "organization_id": null, "tags": [], "satisfaction_rating": null, "generated_timestamp": 1714640700}],
 "after_url": "https://acme.zendesk.com/api/v2/incremental/tickets/cursor.json?cursor=MTcxNDY0MDcwMC4wfHwxMDJ8",
 "after_cursor": "MTcxNDY0MDcwMC4wfHwxMDJ8", "before_url": null, "before_cursor": null, "end_of_stream": true})";

TEST(ParseZendeskPageTest, TicketsPage) {
  auto page = ParseZendeskTicketsPage("zendesk", kTicketsPage);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->after_cursor, "MTcxNDY0MDcwMC4wfHwxMDJ8");
  EXPECT_TRUE(page->end_of_stream);
  ASSERT_EQ(page->records.size(), 2u);
  EXPECT_THAT(page->records[0], EqualsRecord(R"pb(
                source: "zendesk"
                entity: TICKET
                external_id: "101"
                updated_at { seconds: 1714640400 }
                occurred_at { seconds: 1714550400 }
                event_type: "ticket"
                identifiers { type: "zendesk.user_id" value: "36100001" }
                links {
                  relation: "account"
                  target { type: "zendesk.organization_id" value: "9100001" }
                }
                properties { key: "status" value: "solved" }
                properties { key: "subject" value: "SSO broken" }
              )pb"));
  EXPECT_THAT(page->records[1], EqualsRecord(R"pb(
                source: "zendesk"
                entity: TICKET
                external_id: "102"
                deleted: true
                updated_at { seconds: 1714640700 }
                occurred_at { seconds: 1714554000 }
                event_type: "ticket"
                identifiers { type: "zendesk.user_id" value: "36100002" }
                properties { key: "status" value: "deleted" }
              )pb"));
}

TEST(ParseZendeskPageTest, UsersPage) {
  auto page = ParseZendeskPage("zendesk", ZendeskStream::kUsers, R"({"users":[
    {"id":36100001,"name":"Ana Maria Ruiz","email":"Ana.Ruiz@acme.example",
     "phone":"+1 415 555 0101","organization_id":9100001,"role":"end-user",
     "active":true,"created_at":"2024-04-01T10:00:00Z",
     "updated_at":"2024-05-02T09:15:00Z"},
    {"id":36100002,"name":"Gone","email":null,"phone":null,
     "organization_id":null,"role":"end-user","active":false,
     "created_at":"2024-04-01T10:00:00Z","updated_at":"bogus"}],
    "after_cursor":"abc","end_of_stream":false})");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->after_cursor, "abc");
  EXPECT_FALSE(page->end_of_stream);
  ASSERT_EQ(page->records.size(), 2u);
  EXPECT_THAT(page->records[0], EqualsRecord(R"pb(
                source: "zendesk"
                entity: CONTACT
                external_id: "36100001"
                updated_at { seconds: 1714641300 }
                identifiers { type: "zendesk.user_id" value: "36100001" }
                identifiers { type: "email" value: "Ana.Ruiz@acme.example" }
                identifiers { type: "phone" value: "+1 415 555 0101" }
                links {
                  relation: "account"
                  target { type: "zendesk.organization_id" value: "9100001" }
                }
                attributes { key: "first_name" value: "Ana" }
                attributes { key: "last_name" value: "Maria Ruiz" }
              )pb"));
  EXPECT_THAT(page->records[1], EqualsRecord(R"pb(
                source: "zendesk"
                entity: CONTACT
                external_id: "36100002"
                deleted: true
                identifiers { type: "zendesk.user_id" value: "36100002" }
                attributes { key: "first_name" value: "Gone" }
                attributes { key: "_invalid_updated_at" value: "bogus" }
              )pb"));
}

TEST(ParseZendeskPageTest, OrganizationsPage) {
  auto page =
      ParseZendeskPage("zendesk", ZendeskStream::kOrganizations,
                       R"({"organizations":[{"id":9100001,"name":"Acme Corp",
          "domain_names":["acme.example","www.acme-corp.example",""],
          "created_at":"2024-04-01T10:00:00Z",
          "updated_at":"2024-05-02T09:15:00Z"}],"end_of_stream":true})");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(page->end_of_stream);
  EXPECT_EQ(page->after_cursor, "");
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_THAT(page->records[0], EqualsRecord(R"pb(
                source: "zendesk"
                entity: ACCOUNT
                external_id: "9100001"
                updated_at { seconds: 1714641300 }
                identifiers { type: "zendesk.organization_id" value: "9100001" }
                identifiers { type: "domain" value: "acme.example" }
                identifiers { type: "domain" value: "www.acme-corp.example" }
                attributes { key: "name" value: "Acme Corp" }
              )pb"));
}

TEST(ParseZendeskPageTest, SatisfactionRatingsPage) {
  auto page =
      ParseZendeskPage("zendesk", ZendeskStream::kSatisfactionRatings,
                       R"({"satisfaction_ratings":[{"id":5501,"ticket_id":101,
          "requester_id":36100001,"score":"good","comment":"Quick fix",
          "created_at":"2024-05-02T09:00:00Z","updated_at":"2024-05-02T09:05:00Z"},
          {"ticket_id":102,"score":"bad"}],
          "meta":{"has_more":true,"after_cursor":"xyz"}})");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->after_cursor, "xyz");
  EXPECT_FALSE(page->end_of_stream);
  ASSERT_EQ(page->records.size(), 2u);
  EXPECT_THAT(page->records[0], EqualsRecord(R"pb(
                source: "zendesk"
                entity: SURVEY_RESPONSE
                external_id: "csat:5501"
                updated_at { seconds: 1714640700 }
                occurred_at { seconds: 1714640400 }
                event_type: "csat_response"
                identifiers { type: "zendesk.user_id" value: "36100001" }
                properties { key: "score" value: "good" }
                properties { key: "comment" value: "Quick fix" }
                properties { key: "ticket_id" value: "101" }
              )pb"));
  EXPECT_THAT(page->records[1], EqualsRecord(R"pb(
                source: "zendesk"
                entity: SURVEY_RESPONSE
                external_id: ""
                event_type: "csat_response"
                properties { key: "score" value: "bad" }
                properties { key: "ticket_id" value: "102" }
              )pb"));
}

TEST(ParseZendeskPageTest, StructuralErrorsAreDataLoss) {
  auto bad_json = ParseZendeskTicketsPage("zendesk", "{\"tickets\": [\n{]}");
  EXPECT_EQ(bad_json.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(bad_json.status().message(), HasSubstr("line 2"));
  auto no_array = ParseZendeskTicketsPage("zendesk", R"({"users":[]})");
  EXPECT_EQ(no_array.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(no_array.status().message(),
            "Zendesk page has no \"tickets\" array");
  auto bad_item = ParseZendeskTicketsPage("zendesk", R"({"tickets":[{}, 7]})");
  EXPECT_EQ(bad_item.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(bad_item.status().message(),
            "tickets[1]: Zendesk ticket is not a JSON object");
}

std::string Users(std::initializer_list<int> ids, bool end) {
  nlohmann::json page = {{"users", nlohmann::json::array()},
                         {"end_of_stream", end}};
  for (int id : ids) {
    page["users"].push_back(
        {{"id", id}, {"updated_at", "2024-05-02T09:15:00Z"}});
  }
  return page.dump();
}

class ZendeskFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_.Write("users-0002.json", Users({3, 4}, false));
    folder_.Write("users-0001.json", Users({1, 2}, false));
    folder_.Write("users-0003.json", Users({}, true));
    folder_.Write("users-10.json", Users({5}, true));  // Page 10: last.
    folder_.Write(
        "organizations-0001.json",
        R"({"organizations":[{"id":900,"updated_at":"2024-05-02T09:15:00Z"}]})");
    folder_.Write("tickets-0001.json", kTicketsPage);
    folder_.Write(
        "satisfaction_ratings-0001.json",
        R"({"satisfaction_ratings":[{"id":1}],"meta":{"has_more":false}})");
    folder_.Write("tickets.json", "not a page file");
  }
  std::unique_ptr<SourceAdapter> NewAdapter(int page_size) {
    auto adapter = ZendeskAdapter::Create(FileSource("zendesk", folder_.path()),
                                          AdapterOptions{page_size});
    EXPECT_TRUE(adapter.ok()) << adapter.status();
    return *std::move(adapter);
  }
  TempFolder folder_;
};

TEST_F(ZendeskFolderTest, ReadsStreamsInOrderAndPagesByNumber) {
  auto adapter = NewAdapter(3);
  CollectingSink sink;
  ASSERT_TRUE(adapter->Pull("", &sink).ok());
  EXPECT_THAT(
      ExternalIds(sink.Records()),
      ElementsAre("900", "1", "2", "3", "4", "5", "101", "102", "csat:1"));
  std::vector<std::string> cursors;
  for (const auto& page : sink.pages()) cursors.push_back(page.cursor);
  EXPECT_THAT(
      cursors,
      ElementsAre("organizations-0001.json:1;users-0001.json:2",
                  "organizations-0001.json:1;users-10.json:1",
                  "organizations-0001.json:1;users-10.json:1;"
                  "tickets-0001.json:2;satisfaction_ratings-0001.json:1"));
}

TEST_F(ZendeskFolderTest, ResumesExactlyFromEveryPageCursor) {
  for (int page_size : {1, 2, 3, 1000}) {
    SCOPED_TRACE(page_size);
    auto adapter = NewAdapter(page_size);
    EXPECT_EQ(
        testing_support::PullAllCheckingResume(adapter.get(), page_size).size(),
        9u);
  }
}

TEST_F(ZendeskFolderTest, PagesAddedLaterAreReadNext) {
  auto adapter = NewAdapter(1000);
  CollectingSink first;
  ASSERT_TRUE(adapter->Pull("", &first).ok());
  folder_.Write("users-11.json", Users({6}, true));
  folder_.Write("organizations-0002.json", R"({"organizations":[{"id":901}]})");
  CollectingSink second;
  ASSERT_TRUE(adapter->Pull(first.last_cursor(), &second).ok());
  EXPECT_THAT(ExternalIds(second.Records()), ElementsAre("901", "6"));
}

TEST_F(ZendeskFolderTest, BadCursorsAreInvalidArgument) {
  auto adapter = NewAdapter(2);
  testing_support::ExpectInvalidCursors(
      adapter.get(),
      {"x", "users-0001.json", "users-0001.json:3", "users.json:1",
       "users-0001.json:1;users-0002.json:1", "groups-0001.json:1",
       "users-0001.json:x", "tickets-0001.json:3"});
}

TEST_F(ZendeskFolderTest, MalformedPageIsDataLossNamingFileAndLine) {
  folder_.Write("tickets-0002.json", "{\"tickets\": [\n  {\"id\": 1,}\n]}");
  auto adapter = NewAdapter(1000);
  CollectingSink sink;
  absl::Status status = adapter->Pull("", &sink);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(),
              HasSubstr("tickets-0002.json: invalid JSON at line 2"));
}

TEST_F(ZendeskFolderTest, SinkErrorStopsThePull) {
  auto adapter = NewAdapter(2);
  CollectingSink sink(/*fail_at=*/1);
  EXPECT_EQ(adapter->Pull("", &sink).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(sink.pages().size(), 1u);
}

}  // namespace
}  // namespace hub
