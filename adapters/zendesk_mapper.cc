#include "adapters/zendesk_mapper.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "adapters/mapper_internal.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace {

using adapters_internal::AddIdentifier;
using adapters_internal::AddLink;
using adapters_internal::Field;
using adapters_internal::Json;
using adapters_internal::SetAttribute;
using adapters_internal::SetProperty;
using adapters_internal::SetTime;
using adapters_internal::TextAt;
using hub::v1::SourceRecord;

absl::StatusOr<SourceRecord> NewRecord(absl::string_view source,
                                       hub::v1::EntityType entity,
                                       const Json& item,
                                       absl::string_view what) {
  HUB_RETURN_IF_ERROR(adapters_internal::RequireObject(item, what));
  SourceRecord record;
  record.set_source(std::string(source));
  record.set_entity(entity);
  record.set_external_id(TextAt(item, "id"));
  SetTime(&record, adapters_internal::kUpdatedAt, TextAt(item, "updated_at"));
  return record;
}

using ItemMapper = absl::StatusOr<SourceRecord> (*)(absl::string_view,
                                                    const nlohmann::json&);

ItemMapper MapperFor(ZendeskStream stream) {
  switch (stream) {
    case ZendeskStream::kOrganizations:
      return &MapZendeskOrganization;
    case ZendeskStream::kUsers:
      return &MapZendeskUser;
    case ZendeskStream::kTickets:
      return &MapZendeskTicket;
    case ZendeskStream::kSatisfactionRatings:
      return &MapZendeskSatisfactionRating;
  }
  return nullptr;
}

int64_t ChangeTime(const Json& item, const SourceRecord& record) {
  const Json* generated = Field(item, "generated_timestamp");
  if (generated != nullptr && generated->is_number_integer()) {
    return generated->get<int64_t>();
  }
  return record.has_updated_at() ? record.updated_at().seconds() : 0;
}

}  // namespace

absl::string_view ZendeskStreamName(ZendeskStream stream) {
  switch (stream) {
    case ZendeskStream::kOrganizations:
      return "organizations";
    case ZendeskStream::kUsers:
      return "users";
    case ZendeskStream::kTickets:
      return "tickets";
    case ZendeskStream::kSatisfactionRatings:
      return "satisfaction_ratings";
  }
  return "";
}

absl::StatusOr<SourceRecord> MapZendeskOrganization(
    absl::string_view source, const nlohmann::json& organization) {
  HUB_ASSIGN_OR_RETURN(SourceRecord record,
                       NewRecord(source, hub::v1::ACCOUNT, organization,
                                 "Zendesk organization"));
  AddIdentifier(&record, "zendesk.organization_id", record.external_id());
  const Json* domains = Field(organization, "domain_names");
  if (domains != nullptr && domains->is_array()) {
    for (const Json& domain : *domains) {
      AddIdentifier(&record, "domain", adapters_internal::Text(&domain));
    }
  }
  SetAttribute(&record, "name", TextAt(organization, "name"));
  return record;
}

absl::StatusOr<SourceRecord> MapZendeskUser(absl::string_view source,
                                            const nlohmann::json& user) {
  HUB_ASSIGN_OR_RETURN(SourceRecord record, NewRecord(source, hub::v1::CONTACT,
                                                      user, "Zendesk user"));
  const Json* active = Field(user, "active");
  record.set_deleted(active != nullptr && active->is_boolean() &&
                     !active->get<bool>());
  AddIdentifier(&record, "zendesk.user_id", record.external_id());
  AddIdentifier(&record, "email", TextAt(user, "email"));
  AddIdentifier(&record, "phone", TextAt(user, "phone"));
  AddLink(&record, "account", "zendesk.organization_id",
          TextAt(user, "organization_id"));
  auto [first, last] = adapters_internal::SplitName(TextAt(user, "name"));
  SetAttribute(&record, "first_name", first);
  SetAttribute(&record, "last_name", last);
  return record;
}

absl::StatusOr<SourceRecord> MapZendeskTicket(absl::string_view source,
                                              const nlohmann::json& ticket) {
  HUB_ASSIGN_OR_RETURN(
      SourceRecord record,
      NewRecord(source, hub::v1::TICKET, ticket, "Zendesk ticket"));
  const std::string status = TextAt(ticket, "status");
  record.set_deleted(status == "deleted");
  AddIdentifier(&record, "zendesk.user_id", TextAt(ticket, "requester_id"));
  AddLink(&record, "account", "zendesk.organization_id",
          TextAt(ticket, "organization_id"));
  record.set_event_type("ticket");
  SetTime(&record, adapters_internal::kOccurredAt,
          TextAt(ticket, "created_at"));
  SetProperty(&record, "status", status);
  SetProperty(&record, "priority", TextAt(ticket, "priority"));
  SetProperty(&record, "subject", TextAt(ticket, "subject"));
  return record;
}

absl::StatusOr<SourceRecord> MapZendeskSatisfactionRating(
    absl::string_view source, const nlohmann::json& rating) {
  HUB_ASSIGN_OR_RETURN(SourceRecord record,
                       NewRecord(source, hub::v1::SURVEY_RESPONSE, rating,
                                 "Zendesk satisfaction rating"));
  if (!record.external_id().empty()) {
    record.set_external_id(absl::StrCat("csat:", record.external_id()));
  }
  AddIdentifier(&record, "zendesk.user_id", TextAt(rating, "requester_id"));
  record.set_event_type("csat_response");
  SetTime(&record, adapters_internal::kOccurredAt,
          TextAt(rating, "created_at"));
  SetProperty(&record, "score", TextAt(rating, "score"));
  SetProperty(&record, "comment", TextAt(rating, "comment"));
  SetProperty(&record, "ticket_id", TextAt(rating, "ticket_id"));
  return record;
}

absl::StatusOr<ZendeskPage> ParseZendeskPage(absl::string_view source,
                                             ZendeskStream stream,
                                             absl::string_view json_text) {
  HUB_ASSIGN_OR_RETURN(Json page, adapters_internal::ParseJson(json_text));
  HUB_RETURN_IF_ERROR(adapters_internal::RequireObject(page, "Zendesk page"));
  const absl::string_view name = ZendeskStreamName(stream);
  const Json* items = Field(page, name);
  if (items == nullptr || !items->is_array()) {
    return absl::DataLossError(
        absl::StrCat("Zendesk page has no \"", name, "\" array"));
  }
  ZendeskPage result;
  result.records.reserve(items->size());
  result.change_times.reserve(items->size());
  ItemMapper map = MapperFor(stream);
  for (size_t i = 0; i < items->size(); ++i) {
    absl::StatusOr<SourceRecord> record = map(source, (*items)[i]);
    HUB_RETURN_IF_ERROR(adapters_internal::WithContext(
        record.status(), absl::StrCat(name, "[", i, "]")));
    result.change_times.push_back(ChangeTime((*items)[i], *record));
    result.records.push_back(*std::move(record));
  }
  if (stream == ZendeskStream::kSatisfactionRatings) {
    result.after_cursor = TextAt(page, {"meta", "after_cursor"});
    const Json* meta = Field(page, "meta");
    result.end_of_stream =
        meta == nullptr || !adapters_internal::IsTrue(*meta, "has_more");
  } else {
    result.after_cursor = TextAt(page, "after_cursor");
    result.end_of_stream = adapters_internal::IsTrue(page, "end_of_stream");
    const Json* end_time = Field(page, "end_time");
    if (end_time != nullptr && end_time->is_number_integer()) {
      result.end_time = end_time->get<int64_t>();
    }
  }
  return result;
}

}  // namespace hub
