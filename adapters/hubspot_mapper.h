// Maps HubSpot CRM v3 objects (vendor-formats.md §2) to SourceRecords
// (docs/sources.md, "hubspot_api"). Free of I/O.
#ifndef HUB_ADAPTERS_HUBSPOT_MAPPER_H_
#define HUB_ADAPTERS_HUBSPOT_MAPPER_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hub/v1/records.pb.h"
#include "nlohmann/json.hpp"

namespace hub {

// The object types the mapper knows, in the order the adapter reads them
// (companies first, so that a contact's account exists when it arrives).
inline constexpr std::array<absl::string_view, 3> kHubSpotObjects = {
    "companies", "contacts", "deals"};

// The properties MapHubSpotObject reads for `object` (an entry of
// kHubSpotObjects; empty for any other): what the adapter asks for with
// `properties=`, since HubSpot returns only default properties otherwise.
const std::vector<std::string>& HubSpotMappedProperties(
    absl::string_view object);

// The property with an object's last modification time, which search
// filters and sorts on: `lastmodifieddate` for contacts,
// `hs_lastmodifieddate` for companies and deals.
absl::string_view HubSpotModifiedProperty(absl::string_view object);

// Maps one object of `object` type (an entry of `results`, with
// `properties` and, for deals, `associations`) to a record with `source`:
//   companies -> ACCOUNT: ids hubspot.company_id = id, domain = domain and
//     each of hs_additional_domains (";"-separated);
//   contacts -> CONTACT: ids hubspot.contact_id = id, email and each of
//     hs_additional_emails, phone = phone and mobilephone; link account ->
//     hubspot.company_id = associatedcompanyid;
//   deals -> OPPORTUNITY, event_type "opportunity", occurred_at =
//     createdate; links account -> hubspot.company_id and person ->
//     hubspot.contact_id (the first associated company and contact);
//     properties type (dealtype newbusiness -> new, existingbusiness ->
//     upsell, others as is), stage (dealstage), amount, close_date
//     (closedate), is_closed (hs_is_closed), is_won (hs_is_closed_won).
// external_id = id; updated_at = the modification property (archivedAt
// for an archived object); deleted = `archived`; the other mapped
// properties become attributes (firstname -> first_name, jobtitle ->
// title, createdate -> created_date, ...; `lifecyclestage` keeps its name
// and value, for the stage rules).
//
// An object that is bad as a record still maps (an unparseable time is
// kept for ingest to quarantine, see SetTime). DATA_LOSS if `result` is not
// an object or lacks a string `id`; INVALID_ARGUMENT for an unknown
// `object`.
absl::StatusOr<hub::v1::SourceRecord> MapHubSpotObject(
    absl::string_view source, absl::string_view object,
    const nlohmann::json& result);

// One page of a list or search response: `{"results":[...],
// "paging":{"next":{"after":"..."}}}` (search adds `total`).
struct HubSpotPage {
  std::vector<nlohmann::json> results;
  // paging.next.after; empty on the last page.
  std::string next_after;
};

// Parses a page. DATA_LOSS if `body` is not JSON, has no `results` array,
// a result is not an object with a string `id`, or `paging.next` has no
// string `after`.
absl::StatusOr<HubSpotPage> ParseHubSpotPage(absl::string_view body);

}  // namespace hub

#endif  // HUB_ADAPTERS_HUBSPOT_MAPPER_H_
