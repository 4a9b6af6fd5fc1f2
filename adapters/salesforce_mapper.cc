#include "adapters/salesforce_mapper.h"

#include <utility>

#include "absl/status/status.h"
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

}  // namespace

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
