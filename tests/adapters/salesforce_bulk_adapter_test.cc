#include "adapters/salesforce_bulk_adapter.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "adapters/salesforce_mapper.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
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

std::vector<std::string> Split(const char* csv_line) {
  return absl::StrSplit(csv_line, ',');
}

const char kAccountHeader[] =
    "Id,Name,Website,Industry,Type,BillingCountry,NumberOfEmployees,Phone,"
    "Tier__c,Region__c,AccountSource,CreatedDate,SystemModstamp,IsDeleted";
const char kContactHeader[] =
    "Id,AccountId,FirstName,LastName,Email,Phone,Title,LeadSource,"
    "CreatedDate,SystemModstamp,IsDeleted";
const char kLeadHeader[] =
    "Id,FirstName,LastName,Email,Phone,Company,Title,Status,LeadSource,"
    "IsConverted,ConvertedContactId,ConvertedAccountId,CreatedDate,"
    "SystemModstamp,IsDeleted";
const char kOpportunityHeader[] =
    "Id,AccountId,ContactId,Name,Type,StageName,Amount,CloseDate,IsClosed,"
    "IsWon,CreatedDate,SystemModstamp,IsDeleted";

absl::StatusOr<hub::v1::SourceRecord> Map(const char* object,
                                          const char* header, const char* row) {
  return MapSalesforceRow("salesforce", object, Split(header), Split(row));
}

TEST(MapSalesforceRowTest, Account) {
  auto record = Map("Account", kAccountHeader,
                    "001A,Acme Corp,www.acme.example,Manufacturing,Customer,US,"
                    "500,(415) 555-0100,Tier 1,NA,Partner Referral,"
                    "2024-04-01T10:00:00.000Z,2024-05-02T09:15:00.000Z,false");
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_THAT(*record, EqualsRecord(R"pb(
    source: "salesforce"
    entity: ACCOUNT
    external_id: "001A"
    updated_at { seconds: 1714641300 }
    identifiers { type: "salesforce.account_id" value: "001A" }
    identifiers { type: "domain" value: "www.acme.example" }
    attributes { key: "name" value: "Acme Corp" }
    attributes { key: "website" value: "www.acme.example" }
    attributes { key: "industry" value: "Manufacturing" }
    attributes { key: "type" value: "Customer" }
    attributes { key: "country" value: "US" }
    attributes { key: "employees" value: "500" }
    attributes { key: "phone" value: "(415) 555-0100" }
    attributes { key: "tier" value: "Tier 1" }
    attributes { key: "region" value: "NA" }
    attributes { key: "source" value: "Partner Referral" }
    attributes { key: "created_date" value: "2024-04-01T10:00:00.000Z" }
  )pb"));
}

TEST(MapSalesforceRowTest, ContactWithAccountLink) {
  auto record = Map("Contact", kContactHeader,
                    "003A,001A,Ana,Ruiz,ana.ruiz@acme.example,(415) 555-0101,"
                    "CTO,Web,2024-04-01T10:00:00.000Z,2024-05-02T09:15:00.000Z,"
                    "true");
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_THAT(*record, EqualsRecord(R"pb(
    source: "salesforce"
    entity: CONTACT
    external_id: "003A"
    deleted: true
    updated_at { seconds: 1714641300 }
    identifiers { type: "salesforce.contact_id" value: "003A" }
    identifiers { type: "email" value: "ana.ruiz@acme.example" }
    identifiers { type: "phone" value: "(415) 555-0101" }
    links {
      relation: "account"
      target { type: "salesforce.account_id" value: "001A" }
    }
    attributes { key: "first_name" value: "Ana" }
    attributes { key: "last_name" value: "Ruiz" }
    attributes { key: "title" value: "CTO" }
    attributes { key: "lead_source" value: "Web" }
    attributes { key: "created_date" value: "2024-04-01T10:00:00.000Z" }
  )pb"));
}

TEST(MapSalesforceRowTest, ConvertedLeadNamesItsContactAndAccount) {
  auto record = Map("Lead", kLeadHeader,
                    "00QA,Li,Wei,li@beta.example,,Beta Inc,VP,"
                    "Closed - Converted,Event,true,003B,001B,"
                    "2024-04-01T10:00:00.000Z,2024-05-02T09:16:30.000Z,false");
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_THAT(*record, EqualsRecord(R"pb(
    source: "salesforce"
    entity: LEAD
    external_id: "00QA"
    updated_at { seconds: 1714641390 }
    identifiers { type: "salesforce.lead_id" value: "00QA" }
    identifiers { type: "email" value: "li@beta.example" }
    identifiers { type: "salesforce.contact_id" value: "003B" }
    links {
      relation: "account"
      target { type: "salesforce.account_id" value: "001B" }
    }
    attributes { key: "first_name" value: "Li" }
    attributes { key: "last_name" value: "Wei" }
    attributes { key: "company" value: "Beta Inc" }
    attributes { key: "title" value: "VP" }
    attributes { key: "lead_status" value: "Closed - Converted" }
    attributes { key: "lead_source" value: "Event" }
    attributes { key: "is_converted" value: "true" }
    attributes { key: "created_date" value: "2024-04-01T10:00:00.000Z" }
  )pb"));
}

TEST(MapSalesforceRowTest, UnconvertedLeadIgnoresConversionIds) {
  auto record = Map("Lead", kLeadHeader,
                    "00QB,,,x@y.example,555-0102,,,Marketing Qualified,,false,"
                    "003Z,001Z,,2024-05-02T09:15:00.000Z,false");
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_THAT(*record, EqualsRecord(R"pb(
    source: "salesforce"
    entity: LEAD
    external_id: "00QB"
    updated_at { seconds: 1714641300 }
    identifiers { type: "salesforce.lead_id" value: "00QB" }
    identifiers { type: "email" value: "x@y.example" }
    identifiers { type: "phone" value: "555-0102" }
    attributes { key: "lead_status" value: "Marketing Qualified" }
    attributes { key: "is_converted" value: "false" }
  )pb"));
}

TEST(MapSalesforceRowTest, Opportunity) {
  auto record = Map("Opportunity", kOpportunityHeader,
                    "006A,001A,003A,Acme renewal 2024,Renewal,Closed Won,"
                    "12000.50,2024-05-02,true,true,2024-04-01T10:00:00.000Z,"
                    "2024-05-02T09:15:00.000Z,false");
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_THAT(*record, EqualsRecord(R"pb(
    source: "salesforce"
    entity: OPPORTUNITY
    external_id: "006A"
    updated_at { seconds: 1714641300 }
    occurred_at { seconds: 1711965600 }
    event_type: "opportunity"
    links {
      relation: "account"
      target { type: "salesforce.account_id" value: "001A" }
    }
    links {
      relation: "person"
      target { type: "salesforce.contact_id" value: "003A" }
    }
    attributes { key: "name" value: "Acme renewal 2024" }
    properties { key: "type" value: "renewal" }
    properties { key: "stage" value: "Closed Won" }
    properties { key: "amount" value: "12000.50" }
    properties { key: "close_date" value: "2024-05-02" }
    properties { key: "is_closed" value: "true" }
    properties { key: "is_won" value: "true" }
  )pb"));
}

TEST(MapSalesforceRowTest, OpportunityTypes) {
  for (auto [type, want] :
       {std::pair{"New Business", "new"}, std::pair{"Upsell", "upsell"},
        std::pair{"Existing Business", "Existing Business"}}) {
    auto record = MapSalesforceRow("salesforce", "Opportunity", {"Id", "Type"},
                                   {"006", type});
    ASSERT_TRUE(record.ok());
    EXPECT_EQ(record->properties().at("type"), want);
    EXPECT_EQ(record->links_size(), 0);
  }
}

TEST(MapSalesforceRowTest, MalformedRowStillMapsForQuarantine) {
  auto record = Map("Contact", kContactHeader,
                    ",,Bob,,not-an-email,,,,,last tuesday,false");
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_THAT(*record, EqualsRecord(R"pb(
    source: "salesforce"
    entity: CONTACT
    external_id: ""
    identifiers { type: "email" value: "not-an-email" }
    attributes { key: "first_name" value: "Bob" }
    attributes { key: "_invalid_updated_at" value: "last tuesday" }
  )pb"));
}

TEST(MapSalesforceRowTest, ColumnsAreFoundByNameAndMayBeMissing) {
  auto record = MapSalesforceRow("crm", "Account", {"SystemModstamp", "Id"},
                                 {"2024-05-02T09:15:00.000Z", "001A"});
  ASSERT_TRUE(record.ok());
  EXPECT_THAT(*record, EqualsRecord(R"pb(
    source: "crm"
    entity: ACCOUNT
    external_id: "001A"
    updated_at { seconds: 1714641300 }
    identifiers { type: "salesforce.account_id" value: "001A" }
  )pb"));
}

TEST(MapSalesforceRowTest, Errors) {
  EXPECT_EQ(Map("Case", "Id", "500A").status().code(),
            absl::StatusCode::kInvalidArgument);
  auto wrong_width = Map("Account", "Id,Name", "001A");
  EXPECT_EQ(wrong_width.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(wrong_width.status().message(), "row has 1 fields, header has 2");
}

// An export with quoting edge cases, CRLF, and no Lead.csv.
class SalesforceFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_.Write(
        "Account.csv",
        "\"Id\",\"Name\",\"Website\",\"SystemModstamp\",\"IsDeleted\"\n"
        "\"A1\",\"Beta, "
        "Inc.\",\"beta.example\",\"2024-05-02T09:15:00.000Z\",\"false\"\n"
        "\"A2\",\"The \"\"Best\"\" "
        "Co\",,\"2024-05-02T09:15:00.000Z\",\"false\"\n"
        "\"A3\",\"Multi\nLine\",,\"2024-05-02T09:16:30.000Z\",\"true\"\n");
    folder_.Write(
        "Contact.csv",
        "\"Id\",\"AccountId\",\"Email\",\"SystemModstamp\"\r\n"
        "\"C1\",\"A1\",\"a@beta.example\",\"2024-05-02T09:15:00.000Z\"\r\n"
        "\"C2\",,\"o\"\"neil@beta.example\",\"2024-05-02T09:15:00.000Z\"\r\n");
    folder_.Write("Opportunity.csv",
                  "\"Id\",\"AccountId\",\"CreatedDate\",\"SystemModstamp\"\n"
                  "\"O1\",\"A1\",\"2024-04-01T10:00:00.000Z\",\"2024-05-02T09:"
                  "15:00.000Z\"\n");
    folder_.Write("Unrelated.csv", "\"x\"\n\"y\"\n");
  }

  std::unique_ptr<SourceAdapter> NewAdapter(int page_size) {
    auto adapter = SalesforceBulkAdapter::Create(
        FileSource("salesforce", folder_.path()), AdapterOptions{page_size});
    EXPECT_TRUE(adapter.ok()) << adapter.status();
    return *std::move(adapter);
  }

  TempFolder folder_;
};

TEST_F(SalesforceFolderTest, ReadsFilesInOrderInPagesWithFileRowCursors) {
  auto adapter = NewAdapter(2);
  CollectingSink sink;
  ASSERT_TRUE(adapter->Pull("", &sink).ok());
  ASSERT_EQ(sink.pages().size(), 3u);
  EXPECT_THAT(ExternalIds(sink.pages()[0].records), ElementsAre("A1", "A2"));
  EXPECT_EQ(sink.pages()[0].cursor, "Account.csv:2");
  EXPECT_THAT(ExternalIds(sink.pages()[1].records), ElementsAre("A3", "C1"));
  EXPECT_EQ(sink.pages()[1].cursor, "Account.csv:3;Contact.csv:1");
  EXPECT_THAT(ExternalIds(sink.pages()[2].records), ElementsAre("C2", "O1"));
  EXPECT_EQ(sink.pages()[2].cursor,
            "Account.csv:3;Contact.csv:2;Opportunity.csv:1");
  const auto records = sink.Records();
  EXPECT_EQ(records[1].attributes().at("name"), "The \"Best\" Co");
  EXPECT_EQ(records[2].attributes().at("name"), "Multi\nLine");
  EXPECT_TRUE(records[2].deleted());
  EXPECT_EQ(records[4].identifiers(1).value(), "o\"neil@beta.example");
  EXPECT_EQ(records[5].occurred_at().seconds(), 1711965600);
}

TEST_F(SalesforceFolderTest, ResumesExactlyFromEveryPageCursor) {
  for (int page_size : {1, 2, 3, 1000}) {
    SCOPED_TRACE(page_size);
    auto adapter = NewAdapter(page_size);
    auto records =
        testing_support::PullAllCheckingResume(adapter.get(), page_size);
    EXPECT_THAT(ExternalIds(records),
                ElementsAre("A1", "A2", "A3", "C1", "C2", "O1"));
  }
}

TEST_F(SalesforceFolderTest, RowsAppendedAfterARunAreReadNext) {
  auto adapter = NewAdapter(10);
  CollectingSink first;
  ASSERT_TRUE(adapter->Pull("", &first).ok());
  folder_.Write("Account.csv",
                "Id,SystemModstamp\nA1,2024-05-02T09:15:00Z\n"
                "A2,2024-05-02T09:15:00Z\nA3,2024-05-02T09:15:00Z\n"
                "A4,2024-05-03T12:00:00Z\n");
  CollectingSink second;
  ASSERT_TRUE(adapter->Pull(first.last_cursor(), &second).ok());
  EXPECT_THAT(ExternalIds(second.Records()), ElementsAre("A4"));
  EXPECT_EQ(second.last_cursor(),
            "Account.csv:4;Contact.csv:2;Opportunity.csv:1");
}

TEST_F(SalesforceFolderTest, SinkErrorStopsThePull) {
  auto adapter = NewAdapter(2);
  CollectingSink sink(/*fail_at=*/1, absl::AbortedError("commit conflict"));
  absl::Status status = adapter->Pull("", &sink);
  EXPECT_EQ(status, absl::AbortedError("commit conflict"));
  EXPECT_EQ(sink.writes(), 2);
  EXPECT_EQ(sink.pages().size(), 1u);
}

TEST_F(SalesforceFolderTest, BadCursorsAreInvalidArgument) {
  auto adapter = NewAdapter(2);
  testing_support::ExpectInvalidCursors(
      adapter.get(),
      {"garbage", "Account.csv", "Account.csv:x", "Account.csv:-1",
       "Lead.json:1", "Account.csv:1;Account.csv:2", "Account.csv:4",
       "Contact.csv:01", "events.jsonl:3"});
}

TEST_F(SalesforceFolderTest, UnterminatedQuoteIsDataLossNamingFileAndLine) {
  folder_.Write("Contact.csv",
                "Id,Email\n\"C1\",\"a@b.example\"\n\"C2\",\"broken\n");
  auto adapter = NewAdapter(1000);
  CollectingSink sink;
  absl::Status status = adapter->Pull("", &sink);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("Contact.csv:3: unterminated"));
  EXPECT_EQ(sink.writes(), 0);  // The page of Account rows was not full.
}

TEST_F(SalesforceFolderTest, RowWidthMismatchIsDataLossNamingFileAndLine) {
  folder_.Write("Opportunity.csv", "Id,AccountId\n\"O1\",\"A1\"\n\"O2\"\n");
  auto adapter = NewAdapter(1000);
  CollectingSink sink;
  absl::Status status = adapter->Pull("", &sink);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(),
              HasSubstr("Opportunity.csv:3: row has 1 fields, header has 2"));
}

TEST_F(SalesforceFolderTest, NonUtf8BytesAreReplacedAndTheRowKept) {
  // A nickname cut inside a multi-byte character, and a Latin-1 byte.
  folder_.Write("Account.csv",
                "Id,Name,Industry\n\"A1\",\"Bj\xC3\",\"M\xFCller \xC3\xA9\"\n");
  auto adapter = NewAdapter(1000);
  CollectingSink sink;
  ASSERT_TRUE(adapter->Pull("", &sink).ok());
  const std::vector<hub::v1::SourceRecord> records = sink.Records();
  ASSERT_GE(records.size(), 1u);
  const auto& attributes = records[0].attributes();
  EXPECT_EQ(attributes.at("name"), "Bj\xEF\xBF\xBD");
  EXPECT_EQ(attributes.at("industry"), "M\xEF\xBF\xBDller \xC3\xA9");
}

TEST_F(SalesforceFolderTest, FolderRemovedAfterCreateIsNotFound) {
  TempFolder other;
  auto adapter = SalesforceBulkAdapter::Create(
      FileSource("salesforce", other.path() + "/sub"), AdapterOptions{});
  EXPECT_EQ(adapter.status().code(), absl::StatusCode::kInvalidArgument);
  other.Write("sub/Account.csv", "Id\n");
  adapter = SalesforceBulkAdapter::Create(
      FileSource("salesforce", other.path() + "/sub"), AdapterOptions{});
  ASSERT_TRUE(adapter.ok());
  std::filesystem::remove_all(other.path() + "/sub");
  CollectingSink sink;
  EXPECT_EQ((*adapter)->Pull("", &sink).code(), absl::StatusCode::kNotFound);
}

TEST(SalesforceBulkAdapterTest, EmptyFolderYieldsNothing) {
  TempFolder folder;
  auto adapter = SalesforceBulkAdapter::Create(
      FileSource("salesforce", folder.path()), AdapterOptions{});
  ASSERT_TRUE(adapter.ok());
  CollectingSink sink;
  EXPECT_TRUE((*adapter)->Pull("", &sink).ok());
  EXPECT_EQ(sink.writes(), 0);
}

}  // namespace
}  // namespace hub
