// Maps Zendesk Support incremental-export pages to SourceRecords
// (docs/sources.md, "zendesk/"). Free of I/O.
#ifndef HUB_ADAPTERS_ZENDESK_MAPPER_H_
#define HUB_ADAPTERS_ZENDESK_MAPPER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hub/v1/records.pb.h"
#include "nlohmann/json_fwd.hpp"

namespace hub {

// The exported object streams, in the order the file adapter reads them.
enum class ZendeskStream {
  kOrganizations,
  kUsers,
  kTickets,
  kSatisfactionRatings
};

// "organizations", "users", "tickets", "satisfaction_ratings": the page's
// array key and the page file prefix.
absl::string_view ZendeskStreamName(ZendeskStream stream);

// One page of an export, mapped.
struct ZendeskPage {
  // One record per item, in page order.
  std::vector<hub::v1::SourceRecord> records;
  // `after_cursor` (satisfaction ratings: `meta.after_cursor`); "" if none.
  std::string after_cursor;
  // `end_of_stream` (satisfaction ratings: not `meta.has_more`); false if
  // absent.
  bool end_of_stream = false;
  // `end_time` of a time-based export page (unix seconds); nullopt if absent
  // or not an integer.
  std::optional<int64_t> end_time;
  // Per record, the item's change time as time-based exports order by it:
  // `generated_timestamp` if an integer, else `updated_at` (unix seconds);
  // 0 if neither.
  std::vector<int64_t> change_times;
};

// Parses and maps one page of `stream` (the JSON text of a response body or
// a page file) with `source` as the records' source. Returns DATA_LOSS for
// text that is not JSON (naming line and column), a page that is not an
// object or lacks the item array, or an item that is not an object.
absl::StatusOr<ZendeskPage> ParseZendeskPage(absl::string_view source,
                                             ZendeskStream stream,
                                             absl::string_view json_text);
inline absl::StatusOr<ZendeskPage> ParseZendeskTicketsPage(
    absl::string_view source, absl::string_view json_text) {
  return ParseZendeskPage(source, ZendeskStream::kTickets, json_text);
}

// Item mappers; each returns DATA_LOSS if the item is not an object. Ids are
// JSON numbers or strings; numbers are written in decimal. updated_at =
// `updated_at`; an unparseable time is kept in _invalid_updated_at
// (_invalid_occurred_at).
//
// organization -> ACCOUNT, external_id id; ids zendesk.organization_id,
//   domain (each of domain_names); attribute name.
absl::StatusOr<hub::v1::SourceRecord> MapZendeskOrganization(
    absl::string_view source, const nlohmann::json& organization);
// user -> CONTACT, external_id id; ids zendesk.user_id, email, phone; link
//   account -> zendesk.organization_id; deleted when active is false;
//   attributes first_name, last_name (name split at the first space).
absl::StatusOr<hub::v1::SourceRecord> MapZendeskUser(
    absl::string_view source, const nlohmann::json& user);
// ticket -> TICKET, external_id id; id zendesk.user_id = requester_id; link
//   account -> zendesk.organization_id; event_type "ticket"; occurred_at =
//   created_at; deleted when status is "deleted"; properties status,
//   priority, subject.
absl::StatusOr<hub::v1::SourceRecord> MapZendeskTicket(
    absl::string_view source, const nlohmann::json& ticket);
// satisfaction rating -> SURVEY_RESPONSE, external_id "csat:<id>" (empty
//   without id); id zendesk.user_id = requester_id; event_type
//   "csat_response"; occurred_at = created_at; properties score, comment,
//   ticket_id.
absl::StatusOr<hub::v1::SourceRecord> MapZendeskSatisfactionRating(
    absl::string_view source, const nlohmann::json& rating);

}  // namespace hub

#endif  // HUB_ADAPTERS_ZENDESK_MAPPER_H_
