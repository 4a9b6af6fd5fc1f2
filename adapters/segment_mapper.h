// Maps Segment-spec messages (identify, track, page, group) to
// SourceRecords (docs/sources.md, "segment/"). Free of I/O.
#ifndef HUB_ADAPTERS_SEGMENT_MAPPER_H_
#define HUB_ADAPTERS_SEGMENT_MAPPER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hub/v1/records.pb.h"
#include "nlohmann/json_fwd.hpp"

namespace hub {

// Maps one message (an export line or an element of a /v1/batch body's
// `batch`) to records with `source` as their source; updated_at (and
// occurred_at for events) = `timestamp`:
//   identify -> one CONTACT, external_id userId (else anonymousId); ids
//     user_id, segment.anonymous_id, email (traits.email), phone
//     (traits.phone); attributes first_name / last_name (traits.first_name
//     or firstName, ..., else split from traits.name), title, company
//     (traits.company.name, or traits.company if it is a string).
//   track, page -> one WEB_EVENT, external_id messageId; ids user_id,
//     segment.anonymous_id, email (context.traits.email); event_type
//     "page_view" for page, else the snake_case event name; properties =
//     `properties` as text (numbers/booleans as JSON writes them, objects as
//     compact JSON), plus page_url (context.page.url, for a page else
//     properties.url) and, for a page, page_name (`name`). A track
//     "Survey Responded" with properties.survey "nps" is a SURVEY_RESPONSE
//     with event_type "nps_response".
//   group -> an ACCOUNT, external_id groupId; ids segment.group_id, domain
//     (traits.website); attributes name, industry, employees. With a
//     userId, also a CONTACT "group:<userId>:<groupId>" with id user_id and
//     link account -> segment.group_id.
//   alias, screen and any other type -> no records.
// Missing values leave fields empty (an external_id missing a part is
// empty); an unparseable timestamp is kept in _invalid_updated_at
// (_invalid_occurred_at). Returns DATA_LOSS if `message` is not an object.
absl::StatusOr<std::vector<hub::v1::SourceRecord>> MapSegmentMessage(
    absl::string_view source, const nlohmann::json& message);

}  // namespace hub

#endif  // HUB_ADAPTERS_SEGMENT_MAPPER_H_
