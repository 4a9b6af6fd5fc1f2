#include "adapters/salesforce_mapper.h"

#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "adapters/mapper_internal.h"

namespace hub {
namespace {

using adapters_internal::AddIdentifier;
using adapters_internal::AddLink;
using adapters_internal::SetAttribute;
using adapters_internal::SetProperty;
using adapters_internal::SetTime;
using hub::v1::SourceRecord;

// A row's values by column name.
class Row {
 public:
  Row(const std::vector<std::string>& header,
      const std::vector<std::string>& values)
      : header_(header), values_(values) {}

  absl::string_view operator[](absl::string_view column) const {
    for (size_t i = 0; i < header_.size(); ++i) {
      if (header_[i] == column) return values_[i];
    }
    return {};
  }
  bool IsTrue(absl::string_view column) const {
    return (*this)[column] == "true";
  }

 private:
  const std::vector<std::string>& header_;
  const std::vector<std::string>& values_;
};

struct AttributeColumn {
  const char* column;
  const char* attribute;
};

constexpr AttributeColumn kAccountAttributes[] = {
    {"Name", "name"},
    {"Website", "website"},
    {"Industry", "industry"},
    {"Type", "type"},
    {"BillingCountry", "country"},
    {"NumberOfEmployees", "employees"},
    {"Phone", "phone"},
    {"Tier__c", "tier"},
    {"Region__c", "region"},
    {"AccountSource", "source"},
    {"CreatedDate", "created_date"}};
constexpr AttributeColumn kContactAttributes[] = {
    {"FirstName", "first_name"},
    {"LastName", "last_name"},
    {"Title", "title"},
    {"LeadSource", "lead_source"},
    {"CreatedDate", "created_date"}};
constexpr AttributeColumn kLeadAttributes[] = {
    {"FirstName", "first_name"},     {"LastName", "last_name"},
    {"Company", "company"},          {"Title", "title"},
    {"Status", "lead_status"},       {"LeadSource", "lead_source"},
    {"IsConverted", "is_converted"}, {"CreatedDate", "created_date"}};
constexpr AttributeColumn kOpportunityAttributes[] = {{"Name", "name"}};

template <size_t N>
void SetAttributes(const Row& row, const AttributeColumn (&columns)[N],
                   SourceRecord* record) {
  for (const AttributeColumn& c : columns) {
    SetAttribute(record, c.attribute, row[c.column]);
  }
}

void MapAccount(const Row& row, SourceRecord* record) {
  record->set_entity(hub::v1::ACCOUNT);
  AddIdentifier(record, "salesforce.account_id", row["Id"]);
  AddIdentifier(record, "domain", row["Website"]);
  SetAttributes(row, kAccountAttributes, record);
}

void MapContact(const Row& row, SourceRecord* record) {
  record->set_entity(hub::v1::CONTACT);
  AddIdentifier(record, "salesforce.contact_id", row["Id"]);
  AddIdentifier(record, "email", row["Email"]);
  AddIdentifier(record, "phone", row["Phone"]);
  AddLink(record, "account", "salesforce.account_id", row["AccountId"]);
  SetAttributes(row, kContactAttributes, record);
}

void MapLead(const Row& row, SourceRecord* record) {
  record->set_entity(hub::v1::LEAD);
  AddIdentifier(record, "salesforce.lead_id", row["Id"]);
  AddIdentifier(record, "email", row["Email"]);
  AddIdentifier(record, "phone", row["Phone"]);
  if (row.IsTrue("IsConverted")) {
    AddIdentifier(record, "salesforce.contact_id", row["ConvertedContactId"]);
    AddLink(record, "account", "salesforce.account_id",
            row["ConvertedAccountId"]);
  }
  SetAttributes(row, kLeadAttributes, record);
}

std::string OpportunityType(absl::string_view type) {
  if (type == "New Business") return "new";
  if (type == "Upsell") return "upsell";
  if (type == "Renewal") return "renewal";
  return std::string(type);
}

void MapOpportunity(const Row& row, SourceRecord* record) {
  record->set_entity(hub::v1::OPPORTUNITY);
  AddLink(record, "account", "salesforce.account_id", row["AccountId"]);
  AddLink(record, "person", "salesforce.contact_id", row["ContactId"]);
  SetTime(record, adapters_internal::kOccurredAt, row["CreatedDate"]);
  record->set_event_type("opportunity");
  SetProperty(record, "type", OpportunityType(row["Type"]));
  SetProperty(record, "stage", row["StageName"]);
  SetProperty(record, "amount", row["Amount"]);
  SetProperty(record, "close_date", row["CloseDate"]);
  SetProperty(record, "is_closed", row["IsClosed"]);
  SetProperty(record, "is_won", row["IsWon"]);
  SetAttributes(row, kOpportunityAttributes, record);
}

// A JSON value as the Bulk API's CSV would hold it.
std::string CsvValue(const adapters_internal::Json& value) {
  if (value.is_null()) return "";
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer() || value.is_number_unsigned()) {
    return value.dump();
  }
  if (value.is_number_float()) {
    std::string text = value.dump();
    const size_t dot = text.find('.');
    if (dot == std::string::npos || text.find_first_of("eE") != text.npos) {
      return text;
    }
    while (text.size() - dot - 1 < 2) text.push_back('0');
    return text;
  }
  if (!value.is_string()) return value.dump();
  std::string text = value.get<std::string>();
  if (text.size() > 19 && text[10] == 'T' && absl::EndsWith(text, "+0000")) {
    text.resize(text.size() - 5);
    text.push_back('Z');
  }
  return text;
}

}  // namespace

const std::vector<std::string>& SalesforceMappedFields(
    absl::string_view object) {
  static const auto* const kFields =
      new std::map<std::string, std::vector<std::string>>{
          {"Account",
           {"Id", "Name", "Website", "Industry", "Type", "BillingCountry",
            "NumberOfEmployees", "Phone", "Tier__c", "Region__c",
            "AccountSource", "CreatedDate", "SystemModstamp", "IsDeleted"}},
          {"Contact",
           {"Id", "AccountId", "FirstName", "LastName", "Email", "Phone",
            "Title", "LeadSource", "CreatedDate", "SystemModstamp",
            "IsDeleted"}},
          {"Lead",
           {"Id", "FirstName", "LastName", "Email", "Phone", "Company", "Title",
            "Status", "LeadSource", "IsConverted", "ConvertedContactId",
            "ConvertedAccountId", "CreatedDate", "SystemModstamp",
            "IsDeleted"}},
          {"Opportunity",
           {"Id", "AccountId", "ContactId", "Name", "Type", "StageName",
            "Amount", "CloseDate", "IsClosed", "IsWon", "CreatedDate",
            "SystemModstamp", "IsDeleted"}}};
  static const auto* const kNone = new std::vector<std::string>();
  auto it = kFields->find(std::string(object));
  return it == kFields->end() ? *kNone : it->second;
}

absl::StatusOr<SalesforceQueryPage> ParseSalesforceQueryPage(
    absl::string_view body, const std::vector<std::string>& fields) {
  using adapters_internal::Json;
  absl::StatusOr<Json> json = adapters_internal::ParseJson(body);
  if (!json.ok()) return json.status();
  if (json->is_array()) {
    return absl::DataLossError(
        absl::StrCat("Salesforce error response: ", json->dump()));
  }
  if (!json->is_object() || !(*json)["done"].is_boolean() ||
      !(*json)["records"].is_array()) {
    return absl::DataLossError(
        "not a Salesforce query result (needs \"done\" and \"records\")");
  }
  SalesforceQueryPage page;
  page.done = (*json)["done"].get<bool>();
  const Json* next = adapters_internal::Field(*json, "nextRecordsUrl");
  if (next != nullptr && next->is_string()) {
    page.next_records_url = next->get<std::string>();
  }
  if (!page.done && !absl::StartsWith(page.next_records_url, "/")) {
    return absl::DataLossError(
        "query result is not done and has no nextRecordsUrl path");
  }
  for (const Json& record : (*json)["records"]) {
    if (!record.is_object()) {
      return absl::DataLossError("a query record is not an object");
    }
    std::vector<std::string>& row = page.rows.emplace_back();
    for (const std::string& field : fields) {
      auto it = record.find(field);
      row.push_back(it == record.end() ? "" : CsvValue(*it));
    }
  }
  return page;
}

const std::vector<std::string>& SalesforceDeletedFields() {
  static const auto* const kFields =
      new std::vector<std::string>{"Id", "SystemModstamp", "IsDeleted"};
  return *kFields;
}

absl::StatusOr<SalesforceDeletedPage> ParseSalesforceDeletedPage(
    absl::string_view body) {
  using adapters_internal::Json;
  absl::StatusOr<Json> json = adapters_internal::ParseJson(body);
  if (!json.ok()) return json.status();
  if (json->is_array()) {
    return absl::DataLossError(
        absl::StrCat("Salesforce error response: ", json->dump()));
  }
  auto time = [&json](absl::string_view key, absl::Time* out) {
    std::string error;
    return json->is_object() &&
           absl::ParseTime("%Y-%m-%dT%H:%M:%E*S%z",
                           adapters_internal::TextAt(*json, key), out, &error);
  };
  SalesforceDeletedPage page;
  const Json* deleted = json->is_object()
                            ? adapters_internal::Field(*json, "deletedRecords")
                            : nullptr;
  if (deleted == nullptr || !deleted->is_array() ||
      !time("latestDateCovered", &page.latest_covered)) {
    return absl::DataLossError(
        "not a getDeleted result (needs deletedRecords and "
        "latestDateCovered)");
  }
  if (!time("earliestDateAvailable", &page.earliest_available)) {
    page.earliest_available = absl::InfinitePast();
  }
  for (const Json& entry : *deleted) {
    if (!entry.is_object()) {
      return absl::DataLossError("a deletedRecords entry is not an object");
    }
    page.rows.push_back({adapters_internal::TextAt(entry, "id"),
                         CsvValue(entry.value("deletedDate", Json())), "true"});
  }
  return page;
}

absl::StatusOr<SourceRecord> MapSalesforceRow(
    absl::string_view source, absl::string_view object,
    const std::vector<std::string>& header,
    const std::vector<std::string>& values) {
  void (*map)(const Row&, SourceRecord*) = nullptr;
  if (object == "Account") map = &MapAccount;
  if (object == "Contact") map = &MapContact;
  if (object == "Lead") map = &MapLead;
  if (object == "Opportunity") map = &MapOpportunity;
  if (map == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown Salesforce object \"", object, "\""));
  }
  if (values.size() != header.size()) {
    return absl::DataLossError(absl::StrCat(
        "row has ", values.size(), " fields, header has ", header.size()));
  }
  Row row(header, values);
  SourceRecord record;
  record.set_source(std::string(source));
  record.set_external_id(std::string(row["Id"]));
  SetTime(&record, adapters_internal::kUpdatedAt, row["SystemModstamp"]);
  record.set_deleted(row.IsTrue("IsDeleted"));
  map(row, &record);
  return record;
}

}  // namespace hub
