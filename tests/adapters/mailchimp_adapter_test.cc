#include "adapters/mailchimp_adapter.h"

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "adapters/mailchimp_mapper.h"
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
using Json = nlohmann::json;

const MailchimpCampaign kCampaign{"7a1b2c3d4e", "2024-05-02T10:00:00+00:00"};

TEST(MapMailchimpMemberTest, MemberWithMergeFields) {
  auto record = MapMailchimpMember("mailchimp", Json::parse(R"({
    "id":"9f3a1c6d0b6c8e5a4f2d1e0b7c6a5d4e","email_address":"Ana.Ruiz@acme.example",
    "unique_email_id":"u1","contact_id":"c1","full_name":"Ana Ruiz",
    "status":"archived",
    "merge_fields":{"FNAME":"Ana","LNAME":"Ruiz","PHONE":"+1 415 555 0101",
                    "COMPANY":"Acme Corp"},
    "timestamp_opt":"2024-04-01T10:00:00+00:00",
    "last_changed":"2024-05-02T09:15:00+00:00","list_id":"16d6ec4ffc"})"));
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_THAT(*record, EqualsRecord(R"pb(
    source: "mailchimp"
    entity: CONTACT
    external_id: "9f3a1c6d0b6c8e5a4f2d1e0b7c6a5d4e"
    deleted: true
    updated_at { seconds: 1714641300 }
    identifiers {
      type: "mailchimp.member_id"
      value: "9f3a1c6d0b6c8e5a4f2d1e0b7c6a5d4e"
    }
    identifiers { type: "email" value: "Ana.Ruiz@acme.example" }
    identifiers { type: "phone" value: "+1 415 555 0101" }
    attributes { key: "first_name" value: "Ana" }
    attributes { key: "last_name" value: "Ruiz" }
    attributes { key: "company" value: "Acme Corp" }
    attributes { key: "email_status" value: "archived" }
  )pb"));
}

TEST(MapMailchimpSentToTest, BouncedRowYieldsSentAndBounced) {
  auto records = MapMailchimpSentTo("mailchimp", kCampaign, Json::parse(R"({
    "email_id":"e2","email_address":"li@beta.example","status":"hard",
    "campaign_id":"7a1b2c3d4e","list_id":"16d6ec4ffc"})"));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_THAT((*records)[0], EqualsRecord(R"pb(
                source: "mailchimp"
                entity: EMAIL_ACTIVITY
                external_id: "7a1b2c3d4e:e2:sent"
                updated_at { seconds: 1714644000 }
                occurred_at { seconds: 1714644000 }
                event_type: "email_sent"
                identifiers { type: "email" value: "li@beta.example" }
                identifiers { type: "mailchimp.member_id" value: "e2" }
                properties { key: "campaign_id" value: "7a1b2c3d4e" }
              )pb"));
  EXPECT_THAT((*records)[1], EqualsRecord(R"pb(
                source: "mailchimp"
                entity: EMAIL_ACTIVITY
                external_id: "7a1b2c3d4e:e2:bounce"
                updated_at { seconds: 1714644000 }
                occurred_at { seconds: 1714644000 }
                event_type: "email_bounced"
                identifiers { type: "email" value: "li@beta.example" }
                identifiers { type: "mailchimp.member_id" value: "e2" }
                properties { key: "campaign_id" value: "7a1b2c3d4e" }
                properties { key: "bounce_type" value: "hard" }
              )pb"));
  auto sent =
      MapMailchimpSentTo("mailchimp", kCampaign,
                         Json::parse(R"({"email_id":"e1","status":"sent"})"));
  ASSERT_TRUE(sent.ok());
  EXPECT_THAT(ExternalIds(*sent), ElementsAre("7a1b2c3d4e:e1:sent"));
}

// The email-activity page of vendor-formats §3a.
TEST(MapMailchimpEmailActivityTest, VendorExamplePage) {
  Json page = Json::parse(R"({"emails": [
  {"campaign_id": "7a1b2c3d4e", "list_id": "16d6ec4ffc", "list_is_active": true,
   "email_id": "9f3a1c6d0b6c8e5a4f2d1e0b7c6a5d4e", "email_address": "ana.ruiz@acme.example",
   "activity": [{"action": "open", "timestamp": "2024-05-02T10:01:00+00:00", "ip": "198.51.100.7"},
                {"action": "click", "timestamp": "2024-05-02T10:02:10+00:00", "url": "https://acme.example/pricing", "ip": "198.51.100.7"}]},
  {"campaign_id": "7a1b2c3d4e", "list_id": "16d6ec4ffc", "list_is_active": true,
   "email_id": "0c2b4a6d8e1f3a5c7e9b0d2f4a6c8e1b", "email_address": "li.wei@beta.example",
   "activity": [{"action": "bounce", "type": "hard", "timestamp": "2024-05-02T10:00:05+00:00"}]}],
 "campaign_id": "7a1b2c3d4e", "total_items": 2, "_links": []})");
  std::vector<hub::v1::SourceRecord> records;
  for (const Json& email : page["emails"]) {
    auto mapped = MapMailchimpEmailActivity("mailchimp", kCampaign, email);
    ASSERT_TRUE(mapped.ok()) << mapped.status();
    records.insert(records.end(), mapped->begin(), mapped->end());
  }
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(
      records[0], EqualsRecord(R"pb(
        source: "mailchimp"
        entity: EMAIL_ACTIVITY
        external_id: "7a1b2c3d4e:9f3a1c6d0b6c8e5a4f2d1e0b7c6a5d4e:open:2024-05-02T10:01:00+00:00"
        updated_at { seconds: 1714644060 }
        occurred_at { seconds: 1714644060 }
        event_type: "email_opened"
        identifiers { type: "email" value: "ana.ruiz@acme.example" }
        identifiers {
          type: "mailchimp.member_id"
          value: "9f3a1c6d0b6c8e5a4f2d1e0b7c6a5d4e"
        }
        properties { key: "campaign_id" value: "7a1b2c3d4e" }
      )pb"));
  EXPECT_THAT(
      records[1], EqualsRecord(R"pb(
        source: "mailchimp"
        entity: EMAIL_ACTIVITY
        external_id: "7a1b2c3d4e:9f3a1c6d0b6c8e5a4f2d1e0b7c6a5d4e:click:2024-05-02T10:02:10+00:00"
        updated_at { seconds: 1714644130 }
        occurred_at { seconds: 1714644130 }
        event_type: "email_clicked"
        identifiers { type: "email" value: "ana.ruiz@acme.example" }
        identifiers {
          type: "mailchimp.member_id"
          value: "9f3a1c6d0b6c8e5a4f2d1e0b7c6a5d4e"
        }
        properties { key: "campaign_id" value: "7a1b2c3d4e" }
        properties { key: "url" value: "https://acme.example/pricing" }
      )pb"));
  EXPECT_THAT(
      records[2], EqualsRecord(R"pb(
        source: "mailchimp"
        entity: EMAIL_ACTIVITY
        external_id: "7a1b2c3d4e:0c2b4a6d8e1f3a5c7e9b0d2f4a6c8e1b:bounce:2024-05-02T10:00:05+00:00"
        updated_at { seconds: 1714644005 }
        occurred_at { seconds: 1714644005 }
        event_type: "email_bounced"
        identifiers { type: "email" value: "li.wei@beta.example" }
        identifiers {
          type: "mailchimp.member_id"
          value: "0c2b4a6d8e1f3a5c7e9b0d2f4a6c8e1b"
        }
        properties { key: "campaign_id" value: "7a1b2c3d4e" }
        properties { key: "bounce_type" value: "hard" }
      )pb"));
}

TEST(MapMailchimpActivityTest, MissingPartsLeaveExternalIdEmpty) {
  auto record = MapMailchimpActivity(
      "mailchimp", MailchimpCampaign{},
      Json::parse(R"({"email_id":"e1","action":"open","timestamp":"later"})"));
  ASSERT_TRUE(record.ok());
  EXPECT_THAT(*record, EqualsRecord(R"pb(
    source: "mailchimp"
    entity: EMAIL_ACTIVITY
    external_id: ""
    event_type: "email_opened"
    identifiers { type: "mailchimp.member_id" value: "e1" }
    attributes { key: "_invalid_updated_at" value: "later" }
    attributes { key: "_invalid_occurred_at" value: "later" }
  )pb"));
  EXPECT_EQ(MapMailchimpActivity("mailchimp", kCampaign, Json::parse("[]"))
                .status()
                .code(),
            absl::StatusCode::kDataLoss);
}

// The recorded Airbyte records: members, (flattened) email activity and
// unsubscribes map; segments and tags are not record sources.
TEST(MailchimpRecordedFixtureTest, AirbyteExpectedRecords) {
  std::ifstream in(std::string(HUB_SHARED_DIR) +
                   "/fixtures/mailchimp/airbyte_expected_records_subset.jsonl");
  ASSERT_TRUE(in.is_open());
  std::vector<hub::v1::SourceRecord> records;
  std::vector<std::string> streams;
  for (std::string line; std::getline(in, line);) {
    Json wrapped = Json::parse(line);
    const std::string stream = wrapped.at("stream");
    streams.push_back(stream);
    const Json& data = wrapped.at("data");
    absl::StatusOr<hub::v1::SourceRecord> record;
    if (stream == "list_members") {
      record = MapMailchimpMember("mailchimp", data);
    } else if (stream == "email_activity") {
      record = MapMailchimpActivity("mailchimp", MailchimpCampaign{}, data);
    } else if (stream == "unsubscribes") {
      record = MapMailchimpUnsubscribe("mailchimp", MailchimpCampaign{}, data);
    } else {
      continue;
    }
    ASSERT_TRUE(record.ok()) << record.status();
    records.push_back(*record);
  }
  EXPECT_THAT(streams, ElementsAre("email_activity", "list_members",
                                   "unsubscribes", "segments", "tags"));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(
      records[0], EqualsRecord(R"pb(
        source: "mailchimp"
        entity: EMAIL_ACTIVITY
        external_id: "7847cdaeff:11273c9a5dc6ae6c5aaccfb77b2addfb:open:2023-11-06T20:17:57+00:00"
        updated_at { seconds: 1699301877 }
        occurred_at { seconds: 1699301877 }
        event_type: "email_opened"
        identifiers { type: "email" value: "AirbyteMailchimpUser@gmail.com" }
        identifiers {
          type: "mailchimp.member_id"
          value: "11273c9a5dc6ae6c5aaccfb77b2addfb"
        }
        properties { key: "campaign_id" value: "7847cdaeff" }
      )pb"));
  EXPECT_THAT(records[1], EqualsRecord(R"pb(
                source: "mailchimp"
                entity: CONTACT
                external_id: "458f50b08c829a8ab901d3f8f88df914"
                updated_at { seconds: 1699044792 }
                identifiers {
                  type: "mailchimp.member_id"
                  value: "458f50b08c829a8ab901d3f8f88df914"
                }
                identifiers {
                  type: "email"
                  value: "integration-test+Thomas@airbyte.io"
                }
                attributes { key: "first_name" value: "Thomas" }
                attributes { key: "email_status" value: "unsubscribed" }
              )pb"));
  EXPECT_THAT(
      records[2], EqualsRecord(R"pb(
        source: "mailchimp"
        entity: EMAIL_ACTIVITY
        external_id: "7847cdaeff:11273c9a5dc6ae6c5aaccfb77b2addfb:unsubscribe"
        updated_at { seconds: 1699301881 }
        occurred_at { seconds: 1699301881 }
        event_type: "email_unsubscribed"
        identifiers { type: "email" value: "AirbyteMailchimpUser@gmail.com" }
        identifiers {
          type: "mailchimp.member_id"
          value: "11273c9a5dc6ae6c5aaccfb77b2addfb"
        }
        properties { key: "campaign_id" value: "7847cdaeff" }
        properties { key: "reason" value: "Did not signup for list" }
      )pb"));
}

Json Member(const char* id, const char* email, const char* last_changed) {
  return {{"id", id},
          {"email_address", email},
          {"status", "subscribed"},
          {"last_changed", last_changed}};
}

class MailchimpFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteMembers({Member("b", "b@x.example", "2024-05-02T10:00:00+00:00"),
                  Member("a", "a@x.example", "2024-05-02T09:00:00+00:00"),
                  Member("c", "c@x.example", "2024-05-02T10:00:00+00:00"),
                  Member("b", "b2@x.example", "2024-05-02T10:00:00+00:00"),
                  Member("z", "z@x.example", "garbage")});
    folder_.Write("campaigns.json", R"({"campaigns":[
      {"id":"c1","type":"regular","send_time":"2024-05-02T10:00:00+00:00"},
      {"id":"c2","type":"regular","send_time":"2024-05-02T09:00:00+00:00"},
      {"id":"c1","type":"regular","send_time":"2024-05-02T10:00:00+00:00"},
      {"id":"c3","type":"regular","send_time":"2024-05-02T09:00:00+00:00"}]})");
    folder_.Write("reports/c1/sent-to.json", R"({"sent_to":[
      {"email_id":"e1","email_address":"a@x.example","status":"sent","campaign_id":"c1"},
      {"email_id":"e2","email_address":"b@x.example","status":"soft","campaign_id":"c1"}],
      "campaign_id":"c1","total_items":2})");
    folder_.Write("reports/c1/email-activity.json", R"({"emails":[
      {"campaign_id":"c1","email_id":"e1","email_address":"a@x.example","activity":[
        {"action":"open","timestamp":"2024-05-02T10:01:00+00:00"},
        {"action":"click","timestamp":"2024-05-02T10:02:10+00:00","url":"https://x.example"}]}],
      "campaign_id":"c1","total_items":1})");
    folder_.Write("reports/c1/unsubscribed.json", R"({"unsubscribes":[
      {"email_id":"e1","email_address":"a@x.example","timestamp":"2024-05-02T10:03:00+00:00",
       "reason":"too many","campaign_id":"c1"}]})");
    folder_.Write("reports/c2/email-activity.json", R"({"emails":[
      {"campaign_id":"c2","email_id":"e3","email_address":"c@x.example","activity":[
        {"action":"bounce","type":"soft","timestamp":"2024-05-02T09:00:05+00:00"}]}]})");
    folder_.Write("reports/c9/sent-to.json",
                  R"({"sent_to":[{"email_id":"e9"}]})");
  }
  void WriteMembers(std::vector<Json> members) {
    folder_.Write("members.json",
                  Json{{"members", members}, {"list_id", "l1"}}.dump(1));
  }
  std::unique_ptr<SourceAdapter> NewAdapter(int page_size) {
    auto adapter = MailchimpAdapter::Create(
        FileSource("mailchimp", folder_.path()), AdapterOptions{page_size});
    EXPECT_TRUE(adapter.ok()) << adapter.status();
    return *std::move(adapter);
  }
  TempFolder folder_;
};

TEST_F(MailchimpFolderTest, MembersByLastChangedThenCampaignReportsInOrder) {
  auto adapter = NewAdapter(4);
  CollectingSink sink;
  ASSERT_TRUE(adapter->Pull("", &sink).ok());
  EXPECT_THAT(
      ExternalIds(sink.Records()),
      ElementsAre("z", "a", "b", "b", "c", "c1:e1:sent", "c1:e2:sent",
                  "c1:e2:bounce", "c1:e1:open:2024-05-02T10:01:00+00:00",
                  "c1:e1:click:2024-05-02T10:02:10+00:00", "c1:e1:unsubscribe",
                  "c2:e3:bounce:2024-05-02T09:00:05+00:00"));
  EXPECT_EQ(sink.Records()[2].identifiers(1).value(), "b@x.example");
  EXPECT_EQ(sink.Records()[3].identifiers(1).value(), "b2@x.example");
  std::vector<std::string> cursors;
  for (const auto& page : sink.pages()) cursors.push_back(page.cursor);
  EXPECT_THAT(
      cursors,
      ElementsAre("m=1714644000000000,2,b", "m=1714644000000000,1,c;c=c1,3,0,0",
                  "m=1714644000000000,1,c;c=c1,3,2,1;c=c2,0,1,0"));
}

TEST_F(MailchimpFolderTest, ResumesExactlyFromEveryPageCursor) {
  for (int page_size : {1, 2, 3, 5, 1000}) {
    SCOPED_TRACE(page_size);
    auto adapter = NewAdapter(page_size);
    EXPECT_EQ(
        testing_support::PullAllCheckingResume(adapter.get(), page_size).size(),
        12u);
  }
}

TEST_F(MailchimpFolderTest, MembersChangedSinceTheMarkAreReadNext) {
  auto adapter = NewAdapter(1000);
  CollectingSink first;
  ASSERT_TRUE(adapter->Pull("", &first).ok());
  WriteMembers({Member("a", "a@x.example", "2024-05-02T09:00:00+00:00"),
                Member("c", "c-new@x.example", "2024-05-02T11:00:00+00:00"),
                Member("d", "d@x.example", "2024-05-02T12:00:00+00:00")});
  folder_.Write("reports/c3/unsubscribed.json", R"({"unsubscribes":[
      {"email_id":"e4","timestamp":"2024-05-02T10:03:00+00:00"}]})");
  CollectingSink second;
  ASSERT_TRUE(adapter->Pull(first.last_cursor(), &second).ok());
  EXPECT_THAT(ExternalIds(second.Records()),
              ElementsAre("c", "d", "c3:e4:unsubscribe"));
}

TEST_F(MailchimpFolderTest, BadCursorsAreInvalidArgument) {
  auto adapter = NewAdapter(2);
  // Malformed cursors fail before anything is written.
  testing_support::ExpectInvalidCursors(
      adapter.get(), {"x", "m=1,0,b", "m=x,1,b", "m=1,1", "m=1,1,b;m=1,1,b",
                      "c=c1,1,1", "c=,1,0,0", "q=1", "c=c1,1,0,0;c=c1,1,0,0",
                      "c=c1,1,0,0;", "c=c%zz,1,0,0"});
  // Well-formed cursors past the end of a report are found when the pull
  // reaches that report, after the members pages were written (known gap:
  // checking up front would read every report twice).
  for (const char* cursor : {"c=c1,4,0,0", "c=c1,0,3,0", "c=c2,0,2,0"}) {
    CollectingSink sink;
    EXPECT_EQ(adapter->Pull(cursor, &sink).code(),
              absl::StatusCode::kInvalidArgument)
        << cursor;
  }
}

TEST_F(MailchimpFolderTest, MalformedJsonIsDataLossNamingFileAndLine) {
  folder_.Write("members.json", "{\"members\": [\n  {\"id\": \"a\",}\n]}");
  auto adapter = NewAdapter(2);
  CollectingSink sink;
  absl::Status status = adapter->Pull("", &sink);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(),
              HasSubstr("members.json: invalid JSON at line 2"));
}

TEST_F(MailchimpFolderTest, WrongShapeIsDataLossNamingFileAndItem) {
  folder_.Write("reports/c2/email-activity.json", R"({"emails":[{}, "x"]})");
  auto adapter = NewAdapter(1000);
  CollectingSink sink;
  absl::Status status = adapter->Pull("", &sink);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(),
              HasSubstr("c2/email-activity.json: emails[1]: Mailchimp email "
                        "activity is not a JSON object"));
  folder_.Write("members.json", R"({"members": {}})");
  status = adapter->Pull("", &sink);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(),
              HasSubstr("members.json: no \"members\" array"));
}

TEST_F(MailchimpFolderTest, SinkErrorStopsThePull) {
  auto adapter = NewAdapter(5);
  CollectingSink sink(/*fail_at=*/1);
  EXPECT_EQ(adapter->Pull("", &sink).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(sink.writes(), 2);
  EXPECT_EQ(sink.pages().size(), 1u);
}

}  // namespace
}  // namespace hub
