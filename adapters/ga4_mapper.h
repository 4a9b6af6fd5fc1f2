// Maps GA4 BigQuery export rows to SourceRecords (docs/sources.md, "ga4/").
// Free of I/O.
#ifndef HUB_ADAPTERS_GA4_MAPPER_H_
#define HUB_ADAPTERS_GA4_MAPPER_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hub/v1/records.pb.h"
#include "nlohmann/json_fwd.hpp"

namespace hub {

// Maps one export row (vendor-formats §5; INT64 columns as strings or
// numbers) to a WEB_EVENT with `source` as its source:
//   external_id "<user_pseudo_id>:<event_timestamp>:<event_name>:
//     <batch_event_index, or 0>" (empty if any of the first three is
//     missing); ids ga4.user_pseudo_id, user_id, salesforce.contact_id (user
//     property crm_contact_id); event_type = event_name; occurred_at =
//     updated_at = event_timestamp (microseconds); properties page_location
//     and ga_session_id (from event_params: the first non-null of
//     string_value, int_value, float_value, double_value) and
//     analytics_storage (privacy_info).
// An unparseable event_timestamp is kept in _invalid_updated_at and
// _invalid_occurred_at. Returns DATA_LOSS if `row` is not an object.
absl::StatusOr<hub::v1::SourceRecord> MapGa4Row(absl::string_view source,
                                                const nlohmann::json& row);

}  // namespace hub

#endif  // HUB_ADAPTERS_GA4_MAPPER_H_
