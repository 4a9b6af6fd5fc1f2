#include "adapters/segment_adapter.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "adapters/segment_mapper.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/adapters/adapter_test_support.h"

namespace hub {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing_support::CollectingSink;
using testing_support::EqualsRecord;
using testing_support::ExternalIds;
using testing_support::FileSource;
using testing_support::TempFolder;

std::vector<hub::v1::SourceRecord> MapText(const char* json) {
  auto records = MapSegmentMessage("segment", nlohmann::json::parse(json));
  EXPECT_TRUE(records.ok()) << records.status();
  return records.ok() ? *records : std::vector<hub::v1::SourceRecord>{};
}

TEST(MapSegmentMessageTest, Identify) {
  auto records = MapText(R"({"type":"identify","messageId":"ajs-7f3c2a1e",
    "anonymousId":"a8f1c2d3","userId":"u_1001",
    "traits":{"email":"ana.ruiz@acme.example","name":"Ana Maria Ruiz",
              "phone":"+1 415 555 0101","title":"CTO",
              "company":{"name":"Acme Corp","id":"c1"}},
    "timestamp":"2024-05-02T10:00:00.000Z",
    "receivedAt":"2024-05-02T10:00:00.480Z"})");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(records[0], EqualsRecord(R"pb(
                source: "segment"
                entity: CONTACT
                external_id: "u_1001"
                updated_at { seconds: 1714644000 }
                identifiers { type: "user_id" value: "u_1001" }
                identifiers { type: "segment.anonymous_id" value: "a8f1c2d3" }
                identifiers { type: "email" value: "ana.ruiz@acme.example" }
                identifiers { type: "phone" value: "+1 415 555 0101" }
                attributes { key: "first_name" value: "Ana" }
                attributes { key: "last_name" value: "Maria Ruiz" }
                attributes { key: "title" value: "CTO" }
                attributes { key: "company" value: "Acme Corp" }
              )pb"));
}

TEST(MapSegmentMessageTest, AnonymousIdentifyWithExplicitNameTraits) {
  auto records = MapText(R"({"type":"identify","anonymousId":"anon-1",
    "traits":{"firstName":"Li","last_name":"Wei","name":"Ignored Name",
              "company":"Beta"},
    "timestamp":"2024-05-02T10:00:00Z"})");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(records[0], EqualsRecord(R"pb(
                source: "segment"
                entity: CONTACT
                external_id: "anon-1"
                updated_at { seconds: 1714644000 }
                identifiers { type: "segment.anonymous_id" value: "anon-1" }
                attributes { key: "first_name" value: "Li" }
                attributes { key: "last_name" value: "Wei" }
                attributes { key: "company" value: "Beta" }
              )pb"));
}

TEST(MapSegmentMessageTest, Track) {
  auto records = MapText(R"({"type":"track","messageId":"ajs-7f3c2a1f",
    "anonymousId":"a8f1c2d3","userId":"u_1001","event":"Demo Requested",
    "properties":{"plan":"enterprise","seats":25,"trial":true,"empty":null,
                  "meta":{"a":1}},
    "context":{"page":{"url":"https://acme.example/demo","path":"/demo"},
               "traits":{"email":"ana.ruiz@acme.example"}},
    "timestamp":"2024-05-02T10:03:00.000Z"})");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(
      records[0], EqualsRecord(R"pb(
        source: "segment"
        entity: WEB_EVENT
        external_id: "ajs-7f3c2a1f"
        updated_at { seconds: 1714644180 }
        occurred_at { seconds: 1714644180 }
        event_type: "demo_requested"
        identifiers { type: "user_id" value: "u_1001" }
        identifiers { type: "segment.anonymous_id" value: "a8f1c2d3" }
        identifiers { type: "email" value: "ana.ruiz@acme.example" }
        properties { key: "plan" value: "enterprise" }
        properties { key: "seats" value: "25" }
        properties { key: "trial" value: "true" }
        properties { key: "meta" value: "{\"a\":1}" }
        properties { key: "page_url" value: "https://acme.example/demo" }
      )pb"));
}

TEST(MapSegmentMessageTest, NpsSurveyIsASurveyResponse) {
  auto records = MapText(R"({"type":"track","messageId":"m-nps",
    "userId":"u_1001","event":"Survey Responded",
    "properties":{"survey":"nps","score":9,"comment":"Great"},
    "timestamp":"2024-05-02T10:04:00Z"})");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(records[0], EqualsRecord(R"pb(
                source: "segment"
                entity: SURVEY_RESPONSE
                external_id: "m-nps"
                updated_at { seconds: 1714644240 }
                occurred_at { seconds: 1714644240 }
                event_type: "nps_response"
                identifiers { type: "user_id" value: "u_1001" }
                properties { key: "survey" value: "nps" }
                properties { key: "score" value: "9" }
                properties { key: "comment" value: "Great" }
              )pb"));
  auto other_survey = MapText(R"({"type":"track","messageId":"m2",
    "event":"Survey Responded","properties":{"survey":"onboarding"}})");
  EXPECT_EQ(other_survey[0].entity(), hub::v1::WEB_EVENT);
  EXPECT_EQ(other_survey[0].event_type(), "survey_responded");
}

TEST(MapSegmentMessageTest, PageUsesPropertiesUrlWithoutContextPage) {
  auto records = MapText(R"({"type":"page","messageId":"p1",
    "anonymousId":"anon-1","name":"Pricing",
    "properties":{"url":"https://acme.example/pricing","title":"Pricing"},
    "timestamp":"2024-05-02T10:00:00Z"})");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(
      records[0], EqualsRecord(R"pb(
        source: "segment"
        entity: WEB_EVENT
        external_id: "p1"
        updated_at { seconds: 1714644000 }
        occurred_at { seconds: 1714644000 }
        event_type: "page_view"
        identifiers { type: "segment.anonymous_id" value: "anon-1" }
        properties { key: "url" value: "https://acme.example/pricing" }
        properties { key: "title" value: "Pricing" }
        properties { key: "page_url" value: "https://acme.example/pricing" }
        properties { key: "page_name" value: "Pricing" }
      )pb"));
}

TEST(MapSegmentMessageTest, GroupYieldsAccountAndMembership) {
  auto records = MapText(R"({"type":"group","messageId":"ajs-7f3c2a20",
    "userId":"u_1001","groupId":"acct_77",
    "traits":{"name":"Acme Corp","website":"https://acme.example",
              "industry":"Manufacturing","employees":500,"plan":"pro"},
    "timestamp":"2024-05-02T10:04:00.000Z"})");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[0], EqualsRecord(R"pb(
                source: "segment"
                entity: ACCOUNT
                external_id: "acct_77"
                updated_at { seconds: 1714644240 }
                identifiers { type: "segment.group_id" value: "acct_77" }
                identifiers { type: "domain" value: "https://acme.example" }
                attributes { key: "name" value: "Acme Corp" }
                attributes { key: "industry" value: "Manufacturing" }
                attributes { key: "employees" value: "500" }
              )pb"));
  EXPECT_THAT(records[1], EqualsRecord(R"pb(
                source: "segment"
                entity: CONTACT
                external_id: "group:u_1001:acct_77"
                updated_at { seconds: 1714644240 }
                identifiers { type: "user_id" value: "u_1001" }
                links {
                  relation: "account"
                  target { type: "segment.group_id" value: "acct_77" }
                }
              )pb"));
}

TEST(MapSegmentMessageTest, MalformedMessageStillMaps) {
  auto records = MapText(R"({"type":"track","userId":"u1","event":"Clicked",
                             "timestamp":"not a time"})");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(records[0], EqualsRecord(R"pb(
                source: "segment"
                entity: WEB_EVENT
                external_id: ""
                event_type: "clicked"
                identifiers { type: "user_id" value: "u1" }
                attributes { key: "_invalid_updated_at" value: "not a time" }
                attributes { key: "_invalid_occurred_at" value: "not a time" }
              )pb"));
}

TEST(MapSegmentMessageTest, OtherTypesYieldNothingAndNonObjectsFail) {
  EXPECT_THAT(MapText(R"({"type":"alias","userId":"B","previousId":"A"})"),
              IsEmpty());
  EXPECT_THAT(MapText(R"({"type":"screen","userId":"B"})"), IsEmpty());
  EXPECT_THAT(MapText(R"({"userId":"B"})"), IsEmpty());
  EXPECT_EQ(MapSegmentMessage("segment", nlohmann::json::parse("[1]"))
                .status()
                .code(),
            absl::StatusCode::kDataLoss);
}

// The recorded analytics-go /v1/batch bodies: every message of every file.
TEST(MapSegmentMessageTest, RecordedAnalyticsGoBatches) {
  const char kDownload[] = R"pb(
    source: "segment"
    entity: WEB_EVENT
    external_id: "I'm unique"
    updated_at { seconds: 1257894000 }
    occurred_at { seconds: 1257894000 }
    event_type: "download"
    identifiers { type: "user_id" value: "123456" }
    properties { key: "application" value: "Segment Desktop" }
    properties { key: "platform" value: "osx" }
    properties { key: "version" value: "1.1.0" })pb";
  auto many = [](const char* version) {
    return std::string(R"pb(
             source: "segment"
             entity: WEB_EVENT
             external_id: "I'm unique"
             updated_at { seconds: 1257894000 }
             occurred_at { seconds: 1257894000 }
             event_type: "download"
             identifiers { type: "user_id" value: "123456" }
             properties { key: "application" value: "Segment Desktop" }
             properties { key: "version" value: ")pb") +
           version + "\" }";
  };
  std::string message_id = kDownload;
  message_id.replace(message_id.find("I'm unique"), 10, "abc");
  std::string timestamp = kDownload;
  for (int i = 0; i < 2; ++i) {
    timestamp.replace(timestamp.find("1257894000"), 10, "1436569200");
  }
  const std::map<std::string, std::vector<std::string>> expected = {
      {"analytics-go_test-context-track.json", {kDownload}},
      {"analytics-go_test-enqueue-alias.json", {}},
      {"analytics-go_test-enqueue-group.json",
       {R"pb(source: "segment"
             entity: ACCOUNT
             external_id: "A"
             updated_at { seconds: 1257894000 }
             identifiers { type: "segment.group_id" value: "A" })pb",
        R"pb(source: "segment"
             entity: CONTACT
             external_id: "group:B:A"
             updated_at { seconds: 1257894000 }
             identifiers { type: "user_id" value: "B" }
             links {
               relation: "account"
               target { type: "segment.group_id" value: "A" }
             })pb"}},
      {"analytics-go_test-enqueue-identify.json",
       {R"pb(source: "segment"
             entity: CONTACT
             external_id: "B"
             updated_at { seconds: 1257894000 }
             identifiers { type: "user_id" value: "B" })pb"}},
      {"analytics-go_test-enqueue-page.json",
       {R"pb(source: "segment"
             entity: WEB_EVENT
             external_id: "I'm unique"
             updated_at { seconds: 1257894000 }
             occurred_at { seconds: 1257894000 }
             event_type: "page_view"
             identifiers { type: "user_id" value: "B" }
             properties { key: "page_name" value: "A" })pb"}},
      {"analytics-go_test-enqueue-screen.json", {}},
      {"analytics-go_test-enqueue-track.json", {kDownload}},
      {"analytics-go_test-integrations-track.json", {kDownload}},
      {"analytics-go_test-interval-track.json", {kDownload}},
      {"analytics-go_test-many-track.json", {many("0"), many("1"), many("2")}},
      {"analytics-go_test-messageid-track.json", {message_id}},
      {"analytics-go_test-timestamp-track.json", {timestamp}},
  };
  const std::string dir = std::string(HUB_SHARED_DIR) + "/fixtures/segment";
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") {
      files.push_back(entry.path().filename());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> expected_files;
  for (const auto& [file, records] : expected) expected_files.push_back(file);
  ASSERT_EQ(files, expected_files);
  for (const auto& [file, want] : expected) {
    SCOPED_TRACE(file);
    std::ifstream in(dir + "/" + file);
    nlohmann::json body = nlohmann::json::parse(in);
    std::vector<hub::v1::SourceRecord> got;
    for (const auto& message : body.at("batch")) {
      auto records = MapSegmentMessage("segment", message);
      ASSERT_TRUE(records.ok()) << records.status();
      got.insert(got.end(), records->begin(), records->end());
    }
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_THAT(got[i], EqualsRecord(want[i].c_str())) << i;
    }
  }
}

class SegmentFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_.Write(
        "events.jsonl",
        R"({"type":"identify","messageId":"m1","userId":"u1","timestamp":"2024-05-02T10:00:00Z"})"
        "\n"
        R"({"type":"group","messageId":"m2","userId":"u1","groupId":"g1","timestamp":"2024-05-02T10:00:00Z"})"
        "\r\n"
        R"({"type":"alias","messageId":"m3","userId":"u1","previousId":"a"})"
        "\n\n"
        R"({"type":"track","messageId":"m4","userId":"u1","event":"Signed Up","timestamp":"2024-05-02T10:00:00Z"})"
        "\n"
        R"({"type":"group","messageId":"m5","userId":"u2","groupId":"g1","timestamp":"2024-05-02T10:00:00Z"})"
        "\n"
        R"({"type":"page","messageId":"m6","anonymousId":"x","timestamp":"2024-05-02T10:00:00Z"})");
  }
  std::unique_ptr<SourceAdapter> NewAdapter(int page_size) {
    auto adapter = SegmentAdapter::Create(FileSource("segment", folder_.path()),
                                          AdapterOptions{page_size});
    EXPECT_TRUE(adapter.ok()) << adapter.status();
    return *std::move(adapter);
  }
  TempFolder folder_;
};

TEST_F(SegmentFolderTest, PagesCutInsideAMessageCarryTheRecordIndex) {
  auto adapter = NewAdapter(2);
  CollectingSink sink;
  ASSERT_TRUE(adapter->Pull("", &sink).ok());
  std::vector<std::string> cursors;
  for (const auto& page : sink.pages()) cursors.push_back(page.cursor);
  EXPECT_THAT(cursors, ElementsAre("events.jsonl:1:1;files=1", "events.jsonl:5;files=1",
                                   "events.jsonl:6;files=1", "events.jsonl:7;files=1"));
  EXPECT_THAT(
      ExternalIds(sink.Records()),
      ElementsAre("u1", "g1", "group:u1:g1", "m4", "g1", "group:u2:g1", "m6"));
}

TEST_F(SegmentFolderTest, ResumesExactlyFromEveryPageCursor) {
  for (int page_size : {1, 2, 3, 1000}) {
    SCOPED_TRACE(page_size);
    auto adapter = NewAdapter(page_size);
    EXPECT_EQ(
        testing_support::PullAllCheckingResume(adapter.get(), page_size).size(),
        7u);
  }
}

TEST_F(SegmentFolderTest, SinkErrorStopsThePull) {
  auto adapter = NewAdapter(1);
  CollectingSink sink(/*fail_at=*/2);
  EXPECT_EQ(adapter->Pull("", &sink),
            absl::UnavailableError("sink unavailable"));
  EXPECT_EQ(sink.writes(), 3);
  EXPECT_EQ(sink.pages().size(), 2u);
}

TEST_F(SegmentFolderTest, BadCursorsAreInvalidArgument) {
  auto adapter = NewAdapter(2);
  testing_support::ExpectInvalidCursors(
      adapter.get(),
      {"7", "events.jsonl", "events.jsonl:x", "events.jsonl:8",
       "events.jsonl:1:0", "events.jsonl:1:2", "events.jsonl:2:1",
       "events.jsonl:3:1", "events.jsonl:7:1", "events.jsonl:1:1:1",
       "events.jsonl:5;files", "events.jsonl:5;count=1", "events.jsonl:5;files=x",
       ":5"});
}

// An archive of several files, in nested folders as an object-store listing
// has them: read in path order, new files on the next run, late ones too.
TEST(SegmentArchiveTest, ReadsEveryFileInPathOrderAndNewOnesNextRun) {
  TempFolder folder;
  auto line = [](const char* id) {
    return absl::StrCat(R"({"type":"track","messageId":")", id,
                        R"(","userId":"u1","event":"Signed Up","timestamp":"2024-05-02T10:00:00Z"})",
                        "\n");
  };
  std::filesystem::create_directories(folder.path() + "/2024-05-02");
  std::filesystem::create_directories(folder.path() + "/2024-05-03");
  folder.Write("2024-05-02/0900.jsonl", line("a1") + line("a2"));
  folder.Write("2024-05-02/1000.ndjson", line("b1"));
  folder.Write("2024-05-02/notes.txt", "not an archive file\n");
  auto adapter =
      SegmentAdapter::Create(FileSource("segment", folder.path()), AdapterOptions{2});
  ASSERT_TRUE(adapter.ok()) << adapter.status();
  CollectingSink first;
  ASSERT_TRUE((*adapter)->Pull("", &first).ok());
  EXPECT_THAT(ExternalIds(first.Records()), ElementsAre("a1", "a2", "b1"));
  const std::string cursor = first.pages().back().cursor;
  EXPECT_EQ(cursor, "2024-05-02%2F1000.ndjson:1;files=2");
  // Nothing new: nothing read.
  CollectingSink idle;
  ASSERT_TRUE((*adapter)->Pull(cursor, &idle).ok());
  EXPECT_EQ(idle.writes(), 0);
  // A new file, and a line appended to the last one read.
  folder.Write("2024-05-02/1000.ndjson", line("b1") + line("b2"));
  folder.Write("2024-05-03/0000.jsonl", line("c1"));
  CollectingSink second;
  ASSERT_TRUE((*adapter)->Pull(cursor, &second).ok());
  EXPECT_THAT(ExternalIds(second.Records()), ElementsAre("b2", "c1"));
  EXPECT_EQ(second.pages().back().cursor, "2024-05-03%2F0000.jsonl:1;files=3");
  // A file that sorts before the cursor's arrives late: everything is read
  // again (ingest recognises the records it has), nothing skipped.
  folder.Write("2024-05-02/0930.jsonl", line("late"));
  CollectingSink third;
  ASSERT_TRUE((*adapter)->Pull(second.pages().back().cursor, &third).ok());
  EXPECT_THAT(ExternalIds(third.Records()),
              ElementsAre("a1", "a2", "late", "b1", "b2", "c1"));
  // The cursor's own file removed (retention): later files still read.
  std::filesystem::remove(folder.path() + "/2024-05-03/0000.jsonl");
  folder.Write("2024-05-04.jsonl", line("d1"));
  CollectingSink fourth;
  ASSERT_TRUE((*adapter)->Pull("2024-05-03%2F0000.jsonl:1;files=4", &fourth).ok());
  EXPECT_THAT(ExternalIds(fourth.Records()), ElementsAre("d1"));
}

TEST(SegmentArchiveTest, OldCursorsWithoutACountStillResume) {
  TempFolder folder;
  folder.Write("events.jsonl",
               R"({"type":"track","messageId":"m1","userId":"u1","event":"A","timestamp":"2024-05-02T10:00:00Z"})"
               "\n"
               R"({"type":"track","messageId":"m2","userId":"u1","event":"B","timestamp":"2024-05-02T10:00:00Z"})"
               "\n");
  auto adapter =
      SegmentAdapter::Create(FileSource("segment", folder.path()), AdapterOptions{10});
  ASSERT_TRUE(adapter.ok());
  CollectingSink sink;
  ASSERT_TRUE((*adapter)->Pull("events.jsonl:1", &sink).ok());
  EXPECT_THAT(ExternalIds(sink.Records()), ElementsAre("m2"));
  EXPECT_EQ(sink.pages().back().cursor, "events.jsonl:2;files=1");
}

TEST_F(SegmentFolderTest, MalformedJsonLineIsDataLossNamingFileAndLine) {
  folder_.Write("events.jsonl",
                "{\"type\":\"identify\",\"userId\":\"u1\"}\n{\"type\": \n");
  auto adapter = NewAdapter(1);
  CollectingSink sink;
  absl::Status status = adapter->Pull("", &sink);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("events.jsonl:2: invalid JSON"));
  EXPECT_EQ(sink.pages().size(), 1u);
}

TEST(SegmentAdapterTest, MissingEventsFileYieldsNothing) {
  TempFolder folder;
  auto adapter = SegmentAdapter::Create(FileSource("segment", folder.path()),
                                        AdapterOptions{});
  ASSERT_TRUE(adapter.ok());
  CollectingSink sink;
  EXPECT_TRUE((*adapter)->Pull("", &sink).ok());
  EXPECT_TRUE((*adapter)->Pull("events.jsonl:3", &sink).ok());
  EXPECT_EQ(sink.writes(), 0);
}

}  // namespace
}  // namespace hub
