#include "adapters/ga4_adapter.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "adapters/ga4_mapper.h"
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

// The row of vendor-formats §5.
constexpr char kRow[] =
    R"json({"event_date":"20240502","event_timestamp":"1714644180123456","event_name":"generate_lead",
 "event_params":[{"key":"ga_session_id","value":{"string_value":null,"int_value":"1714644000","float_value":null,"double_value":null}},
                 {"key":"page_location","value":{"string_value":"https://acme.example/demo","int_value":null,"float_value":null,"double_value":null}}],
 "event_previous_timestamp":null,"event_value_in_usd":null,"event_bundle_sequence_id":"2211","event_server_timestamp_offset":null,
 "user_id":"u_1001","user_pseudo_id":"1146540.1714640000",
 "privacy_info":{"analytics_storage":"Yes","ads_storage":"No","uses_transient_token":"No"},
 "user_properties":[{"key":"crm_contact_id","value":{"string_value":"0035g00000AbCdEAAV","int_value":null,"float_value":null,"double_value":null,"set_timestamp_micros":"1714644180000000"}}],
 "user_first_touch_timestamp":"1714640000000000","user_ltv":{"revenue":"0.0","currency":"USD"},
 "device":{"category":"desktop","operating_system":"Windows","language":"en-us","web_info":{"browser":"Chrome","browser_version":"124.0","hostname":"acme.example"}},
 "geo":{"continent":"Americas","sub_continent":"Northern America","country":"United States","region":"California","city":"San Jose","metro":"(not set)"},
 "app_info":null,"traffic_source":{"name":"may","medium":"email","source":"newsletter"},"stream_id":"2100450278","platform":"WEB",
 "ecommerce":null,"items":[]})json";

TEST(MapGa4RowTest, VendorExampleRow) {
  auto record = MapGa4Row("ga4", nlohmann::json::parse(kRow));
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_THAT(*record, EqualsRecord(R"pb(
    source: "ga4"
    entity: WEB_EVENT
    external_id: "1146540.1714640000:1714644180123456:generate_lead:0"
    updated_at { seconds: 1714644180 nanos: 123456000 }
    occurred_at { seconds: 1714644180 nanos: 123456000 }
    event_type: "generate_lead"
    identifiers { type: "ga4.user_pseudo_id" value: "1146540.1714640000" }
    identifiers { type: "user_id" value: "u_1001" }
    identifiers { type: "salesforce.contact_id" value: "0035g00000AbCdEAAV" }
    properties { key: "page_location" value: "https://acme.example/demo" }
    properties { key: "ga_session_id" value: "1714644000" }
    properties { key: "analytics_storage" value: "Yes" }
    properties { key: "ads_storage" value: "No" }
  )pb"));
}

TEST(MapGa4RowTest, AnonymousRowWithBatchIndexAndNumericTimestamp) {
  auto record = MapGa4Row("ga4", nlohmann::json::parse(R"({
    "event_timestamp":1714644000000000,"event_name":"page_view",
    "user_id":null,"user_pseudo_id":"77.88","batch_event_index":3,
    "event_params":[{"key":"ga_session_id","value":{"int_value":42}}]})"));
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_THAT(*record, EqualsRecord(R"pb(
    source: "ga4"
    entity: WEB_EVENT
    external_id: "77.88:1714644000000000:page_view:3"
    updated_at { seconds: 1714644000 }
    occurred_at { seconds: 1714644000 }
    event_type: "page_view"
    identifiers { type: "ga4.user_pseudo_id" value: "77.88" }
    properties { key: "ga_session_id" value: "42" }
  )pb"));
}

TEST(MapGa4RowTest, MalformedRowStillMaps) {
  auto record = MapGa4Row(
      "ga4", nlohmann::json::parse(
                 R"({"event_timestamp":"soon","event_name":"page_view"})"));
  ASSERT_TRUE(record.ok());
  EXPECT_THAT(*record, EqualsRecord(R"pb(
    source: "ga4"
    entity: WEB_EVENT
    external_id: ""
    event_type: "page_view"
    attributes { key: "_invalid_updated_at" value: "soon" }
    attributes { key: "_invalid_occurred_at" value: "soon" }
  )pb"));
  EXPECT_EQ(MapGa4Row("ga4", nlohmann::json::parse("\"x\"")).status().code(),
            absl::StatusCode::kDataLoss);
}

std::string Row(const char* pseudo, const char* micros) {
  return absl::StrCat(R"({"event_name":"page_view","user_pseudo_id":")", pseudo,
                      R"(","event_timestamp":")", micros, "\"}\n");
}

class Ga4FolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Written out of order: the adapter sorts by date.
    folder_.Write(
        "events_20240503.ndjson",
        Row("c", "1714700000000000") + "\n" + Row("d", "1714700000000001"));
    folder_.Write("events_20240502.ndjson",
                  Row("a", "1714600000000000") + Row("b", "1714600000000001"));
    folder_.Write("events_intraday_20240504.ndjson", Row("x", "1"));
    folder_.Write("notes.txt", "not an export");
  }
  std::unique_ptr<SourceAdapter> NewAdapter(int page_size) {
    auto adapter = Ga4Adapter::Create(FileSource("ga4", folder_.path()),
                                      AdapterOptions{page_size});
    EXPECT_TRUE(adapter.ok()) << adapter.status();
    return *std::move(adapter);
  }
  TempFolder folder_;
};

TEST_F(Ga4FolderTest, ReadsDayFilesInDateOrder) {
  auto adapter = NewAdapter(3);
  CollectingSink sink;
  ASSERT_TRUE(adapter->Pull("", &sink).ok());
  ASSERT_EQ(sink.pages().size(), 2u);
  EXPECT_EQ(sink.pages()[0].cursor, "events_20240503.ndjson:1");
  EXPECT_EQ(sink.pages()[1].cursor, "events_20240503.ndjson:3");
  EXPECT_THAT(ExternalIds(sink.Records()),
              ElementsAre("a:1714600000000000:page_view:0",
                          "b:1714600000000001:page_view:0",
                          "c:1714700000000000:page_view:0",
                          "d:1714700000000001:page_view:0"));
}

TEST_F(Ga4FolderTest, ResumesExactlyFromEveryPageCursor) {
  for (int page_size : {1, 2, 3, 1000}) {
    SCOPED_TRACE(page_size);
    auto adapter = NewAdapter(page_size);
    EXPECT_EQ(
        testing_support::PullAllCheckingResume(adapter.get(), page_size).size(),
        4u);
  }
}

TEST_F(Ga4FolderTest, NewDayFilesAreReadAfterTheLastCursor) {
  auto adapter = NewAdapter(1000);
  CollectingSink first;
  ASSERT_TRUE(adapter->Pull("", &first).ok());
  folder_.Write("events_20240501.ndjson", Row("old", "1"));  // Before: skipped.
  folder_.Write("events_20240505.ndjson", Row("e", "1714900000000000"));
  CollectingSink second;
  ASSERT_TRUE(adapter->Pull(first.last_cursor(), &second).ok());
  EXPECT_THAT(ExternalIds(second.Records()),
              ElementsAre("e:1714900000000000:page_view:0"));
  EXPECT_EQ(second.last_cursor(), "events_20240505.ndjson:1");
}

TEST_F(Ga4FolderTest, BadCursorsAreInvalidArgument) {
  auto adapter = NewAdapter(2);
  testing_support::ExpectInvalidCursors(
      adapter.get(), {"x", "events_20240502.ndjson", "events_2024050.ndjson:1",
                      "events_20240502.ndjson:-1", "events_20240502.ndjson:3",
                      "events_20240503.ndjson:4", "Account.csv:1"});
}

TEST_F(Ga4FolderTest, MalformedJsonIsDataLossNamingFileAndLine) {
  folder_.Write("events_20240503.ndjson", Row("c", "1") + "{oops\n");
  auto adapter = NewAdapter(1);
  CollectingSink sink;
  absl::Status status = adapter->Pull("", &sink);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(),
              HasSubstr("events_20240503.ndjson:2: invalid JSON"));
  EXPECT_EQ(sink.pages().size(), 3u);
}

TEST_F(Ga4FolderTest, SinkErrorStopsThePull) {
  auto adapter = NewAdapter(1);
  CollectingSink sink(/*fail_at=*/0);
  EXPECT_EQ(adapter->Pull("", &sink).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(sink.writes(), 1);
}

}  // namespace
}  // namespace hub
