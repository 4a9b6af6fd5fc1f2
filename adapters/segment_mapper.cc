#include "adapters/segment_mapper.h"

#include <string>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
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
using adapters_internal::Text;
using adapters_internal::TextAt;
using hub::v1::SourceRecord;

SourceRecord NewRecord(absl::string_view source, hub::v1::EntityType entity,
                       std::string external_id) {
  SourceRecord record;
  record.set_source(std::string(source));
  record.set_entity(entity);
  record.set_external_id(std::move(external_id));
  return record;
}

void AddPersonIds(const Json& message, SourceRecord* record) {
  AddIdentifier(record, "user_id", TextAt(message, "userId"));
  AddIdentifier(record, "segment.anonymous_id", TextAt(message, "anonymousId"));
}

std::string FirstOf(const Json& object, absl::string_view a,
                    absl::string_view b) {
  std::string value = TextAt(object, a);
  return value.empty() ? TextAt(object, b) : value;
}

SourceRecord MapIdentify(absl::string_view source, const Json& message) {
  std::string id = TextAt(message, "userId");
  if (id.empty()) id = TextAt(message, "anonymousId");
  SourceRecord record = NewRecord(source, hub::v1::CONTACT, std::move(id));
  SetTime(&record, adapters_internal::kUpdatedAt, TextAt(message, "timestamp"));
  AddPersonIds(message, &record);
  static const Json kNoTraits = Json::object();
  const Json* found = Field(message, "traits");
  const Json& traits = found != nullptr ? *found : kNoTraits;
  AddIdentifier(&record, "email", TextAt(traits, "email"));
  AddIdentifier(&record, "phone", TextAt(traits, "phone"));
  std::string first = FirstOf(traits, "first_name", "firstName");
  std::string last = FirstOf(traits, "last_name", "lastName");
  if (first.empty() && last.empty()) {
    std::tie(first, last) =
        adapters_internal::SplitName(TextAt(traits, "name"));
  }
  SetAttribute(&record, "first_name", first);
  SetAttribute(&record, "last_name", last);
  SetAttribute(&record, "title", TextAt(traits, "title"));
  const Json* company = Field(traits, "company");
  SetAttribute(&record, "company",
               company != nullptr && company->is_object()
                   ? TextAt(*company, "name")
                   : Text(company));
  return record;
}

bool IsNps(const Json& message) {
  return adapters_internal::SnakeCase(TextAt(message, "event")) ==
             "survey_responded" &&
         absl::AsciiStrToLower(TextAt(message, {"properties", "survey"})) ==
             "nps";
}

SourceRecord MapEvent(absl::string_view source, const Json& message,
                      bool is_page) {
  bool nps = !is_page && IsNps(message);
  SourceRecord record =
      NewRecord(source, nps ? hub::v1::SURVEY_RESPONSE : hub::v1::WEB_EVENT,
                TextAt(message, "messageId"));
  SetTime(&record, adapters_internal::kBoth, TextAt(message, "timestamp"));
  AddPersonIds(message, &record);
  AddIdentifier(&record, "email",
                TextAt(message, {"context", "traits", "email"}));
  record.set_event_type(
      is_page ? "page_view"
      : nps   ? "nps_response"
              : adapters_internal::SnakeCase(TextAt(message, "event")));
  const Json* properties = Field(message, "properties");
  if (properties != nullptr && properties->is_object()) {
    for (const auto& [key, value] : properties->items()) {
      SetProperty(&record, key, Text(&value));
    }
  }
  std::string url = TextAt(message, {"context", "page", "url"});
  if (url.empty() && is_page) url = TextAt(message, {"properties", "url"});
  SetProperty(&record, "page_url", url);
  if (is_page) SetProperty(&record, "page_name", TextAt(message, "name"));
  return record;
}

std::vector<SourceRecord> MapGroup(absl::string_view source,
                                   const Json& message) {
  const std::string group_id = TextAt(message, "groupId");
  const std::string user_id = TextAt(message, "userId");
  const std::string timestamp = TextAt(message, "timestamp");
  std::vector<SourceRecord> records;
  SourceRecord account = NewRecord(source, hub::v1::ACCOUNT, group_id);
  SetTime(&account, adapters_internal::kUpdatedAt, timestamp);
  AddIdentifier(&account, "segment.group_id", group_id);
  AddIdentifier(&account, "domain", TextAt(message, {"traits", "website"}));
  for (const char* trait : {"name", "industry", "employees"}) {
    SetAttribute(&account, trait, TextAt(message, {"traits", trait}));
  }
  records.push_back(std::move(account));
  if (user_id.empty()) return records;
  SourceRecord member = NewRecord(
      source, hub::v1::CONTACT,
      group_id.empty() ? "" : absl::StrCat("group:", user_id, ":", group_id));
  SetTime(&member, adapters_internal::kUpdatedAt, timestamp);
  AddIdentifier(&member, "user_id", user_id);
  AddLink(&member, "account", "segment.group_id", group_id);
  records.push_back(std::move(member));
  return records;
}

}  // namespace

absl::StatusOr<std::vector<SourceRecord>> MapSegmentMessage(
    absl::string_view source, const nlohmann::json& message) {
  HUB_RETURN_IF_ERROR(
      adapters_internal::RequireObject(message, "Segment message"));
  const std::string type = TextAt(message, "type");
  if (type == "identify")
    return std::vector<SourceRecord>{MapIdentify(source, message)};
  if (type == "track" || type == "page") {
    return std::vector<SourceRecord>{MapEvent(source, message, type == "page")};
  }
  if (type == "group") return MapGroup(source, message);
  return std::vector<SourceRecord>();
}

}  // namespace hub
