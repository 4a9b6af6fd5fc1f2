// Maps Salesforce Bulk API 2.0 result rows to SourceRecords
// (docs/sources.md, "salesforce/"). Free of I/O: the file adapter and a
// future HTTP adapter both call it.
#ifndef HUB_ADAPTERS_SALESFORCE_MAPPER_H_
#define HUB_ADAPTERS_SALESFORCE_MAPPER_H_

#include <array>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hub/v1/records.pb.h"

namespace hub {

// The objects the mapper knows, in the order the file adapter reads them.
inline constexpr std::array<absl::string_view, 4> kSalesforceObjects = {
    "Account", "Contact", "Lead", "Opportunity"};

// Maps one result row of `object` (an entry of kSalesforceObjects), whose
// columns are named by `header` (field API names), to a record with
// `source` as its source. Columns are found by name, so their order and
// extra columns do not matter; a missing column reads as null. Empty values
// are nulls: they yield no identifier, link, attribute or property.
//
// Mapping (docs/sources.md): Account -> ACCOUNT, Contact -> CONTACT,
// Lead -> LEAD, Opportunity -> OPPORTUNITY; external_id = Id; updated_at =
// SystemModstamp; deleted = IsDeleted; the columns not used otherwise become
// attributes under snake_case names (BillingCountry -> country,
// NumberOfEmployees -> employees, Status -> lead_status, Tier__c -> tier,
// CreatedDate -> created_date, ...).
//
// A row that is bad as a record still maps: a missing Id gives an empty
// external_id, an email is passed as is, and an unparseable SystemModstamp
// (or Opportunity CreatedDate) leaves the time unset and keeps the text in
// attribute _invalid_updated_at (_invalid_occurred_at) for ingest to
// quarantine. Returns INVALID_ARGUMENT for an unknown `object` and
// DATA_LOSS if `row` and `header` differ in width.
absl::StatusOr<hub::v1::SourceRecord> MapSalesforceRow(
    absl::string_view source, absl::string_view object,
    const std::vector<std::string>& header,
    const std::vector<std::string>& row);

// The fields MapSalesforceRow reads for `object` (an entry of
// kSalesforceObjects; empty for any other), Id first: the columns of the
// file table in docs/sources.md, and what the API adapter SELECTs.
const std::vector<std::string>& SalesforceMappedFields(
    absl::string_view object);

// One page of a REST query result (vendor-formats.md §1).
struct SalesforceQueryPage {
  bool done = false;
  // The path of the next page while !done.
  std::string next_records_url;
  // One row per record, columns as the `fields` asked for, in Bulk API CSV
  // form: null or missing -> "", booleans "true"/"false", datetimes
  // "...000+0000" -> "...000Z", integers as is, other numbers with at
  // least two fraction digits (9800.0 -> "9800.00", as currency fields).
  std::vector<std::vector<std::string>> rows;
};

// Parses a query result page `{totalSize, done, nextRecordsUrl?,
// records[]}`, taking `fields` of each record. DATA_LOSS if `body` is not
// JSON, is an error array ([{message, errorCode}], quoted in the message),
// lacks `done` or `records`, a record is not an object, or nextRecordsUrl
// is missing while not done.
absl::StatusOr<SalesforceQueryPage> ParseSalesforceQueryPage(
    absl::string_view body, const std::vector<std::string>& fields);

// One getDeleted result (vendor-formats.md §1, "Deletes" (b)).
struct SalesforceDeletedPage {
  // One row per deletedRecords entry, in the columns of
  // SalesforceDeletedFields(): its id, its deletedDate in Bulk CSV form
  // ("...000Z"), and "true" — what MapSalesforceRow makes a delete of.
  std::vector<std::vector<std::string>> rows;
  // earliestDateAvailable (InfinitePast if absent) and latestDateCovered.
  absl::Time earliest_available;
  absl::Time latest_covered;
};

// Id, SystemModstamp, IsDeleted.
const std::vector<std::string>& SalesforceDeletedFields();

// Parses `{deletedRecords:[{id, deletedDate}], earliestDateAvailable,
// latestDateCovered}`. DATA_LOSS if `body` is not JSON, is an error array,
// or lacks deletedRecords or a valid latestDateCovered.
absl::StatusOr<SalesforceDeletedPage> ParseSalesforceDeletedPage(
    absl::string_view body);

}  // namespace hub

#endif  // HUB_ADAPTERS_SALESFORCE_MAPPER_H_
