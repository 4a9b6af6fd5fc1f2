#include "adapters/hubspot_mapper.h"

#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "adapters/mapper_internal.h"

namespace hub {
namespace {

using adapters_internal::AddIdentifier;
using adapters_internal::AddLink;
using adapters_internal::Json;
using adapters_internal::SetAttribute;
using adapters_internal::SetProperty;
using adapters_internal::SetTime;
using adapters_internal::TextAt;
using hub::v1::SourceRecord;

struct AttributeProperty {
  const char* property;
  const char* attribute;
};

constexpr AttributeProperty kCompanyAttributes[] = {
    {"name", "name"},
    {"website", "website"},
    {"industry", "industry"},
    {"type", "type"},
    {"country", "country"},
    {"numberofemployees", "employees"},
    {"phone", "phone"},
    {"lifecyclestage", "lifecyclestage"},
    {"hs_analytics_source", "source"},
    {"createdate", "created_date"}};
constexpr AttributeProperty kContactAttributes[] = {
    {"firstname", "first_name"},
    {"lastname", "last_name"},
    {"jobtitle", "title"},
    {"company", "company"},
    {"lifecyclestage", "lifecyclestage"},
    {"createdate", "created_date"}};
constexpr AttributeProperty kDealAttributes[] = {{"dealname", "name"}};

template <size_t N>
void SetAttributes(const Json& properties, const AttributeProperty (&list)[N],
                   SourceRecord* record) {
  for (const AttributeProperty& a : list) {
    SetAttribute(record, a.attribute, TextAt(properties, a.property));
  }
}

// Adds an identifier of `type` for each entry of a ";"-separated list
// (hs_additional_emails, hs_additional_domains).
void AddIdentifiers(SourceRecord* record, absl::string_view type,
                    const std::string& list) {
  for (absl::string_view value : absl::StrSplit(list, ';')) {
    AddIdentifier(record, type, absl::StripAsciiWhitespace(value));
  }
}

// The id of the first object of `type` associated with `result`.
std::string FirstAssociated(const Json& result, absl::string_view type) {
  const Json* list =
      adapters_internal::Path(result, {"associations", type, "results"});
  if (list == nullptr || !list->is_array() || list->empty()) return "";
  return TextAt((*list)[0], "id");
}

void MapCompany(const Json& result, const Json& p, SourceRecord* record) {
  record->set_entity(hub::v1::ACCOUNT);
  AddIdentifier(record, "hubspot.company_id", TextAt(result, "id"));
  AddIdentifier(record, "domain", TextAt(p, "domain"));
  AddIdentifiers(record, "domain", TextAt(p, "hs_additional_domains"));
  SetAttributes(p, kCompanyAttributes, record);
}

void MapContact(const Json& result, const Json& p, SourceRecord* record) {
  record->set_entity(hub::v1::CONTACT);
  AddIdentifier(record, "hubspot.contact_id", TextAt(result, "id"));
  AddIdentifier(record, "email", TextAt(p, "email"));
  AddIdentifiers(record, "email", TextAt(p, "hs_additional_emails"));
  AddIdentifier(record, "phone", TextAt(p, "phone"));
  AddIdentifier(record, "phone", TextAt(p, "mobilephone"));
  AddLink(record, "account", "hubspot.company_id",
          TextAt(p, "associatedcompanyid"));
  SetAttributes(p, kContactAttributes, record);
}

// HubSpot's default deal types, in the words the stage rules use.
std::string DealType(const std::string& type) {
  if (type == "newbusiness") return "new";
  if (type == "existingbusiness") return "upsell";
  return type;
}

void MapDeal(const Json& result, const Json& p, SourceRecord* record) {
  record->set_entity(hub::v1::OPPORTUNITY);
  AddLink(record, "account", "hubspot.company_id",
          FirstAssociated(result, "companies"));
  AddLink(record, "person", "hubspot.contact_id",
          FirstAssociated(result, "contacts"));
  SetTime(record, adapters_internal::kOccurredAt, TextAt(p, "createdate"));
  record->set_event_type("opportunity");
  SetProperty(record, "type", DealType(TextAt(p, "dealtype")));
  SetProperty(record, "stage", TextAt(p, "dealstage"));
  SetProperty(record, "amount", TextAt(p, "amount"));
  SetProperty(record, "close_date", TextAt(p, "closedate"));
  SetProperty(record, "is_closed", TextAt(p, "hs_is_closed"));
  SetProperty(record, "is_won", TextAt(p, "hs_is_closed_won"));
  SetAttributes(p, kDealAttributes, record);
}

}  // namespace

const std::vector<std::string>& HubSpotMappedProperties(
    absl::string_view object) {
  static const auto* const kProperties =
      new std::map<std::string, std::vector<std::string>, std::less<>>{
          {"companies",
           {"name", "domain", "hs_additional_domains", "website", "industry",
            "type", "country", "numberofemployees", "phone", "lifecyclestage",
            "hs_analytics_source", "createdate", "hs_lastmodifieddate"}},
          {"contacts",
           {"email", "hs_additional_emails", "phone", "mobilephone",
            "associatedcompanyid", "firstname", "lastname", "jobtitle",
            "company", "lifecyclestage", "createdate", "lastmodifieddate"}},
          {"deals",
           {"dealname", "dealtype", "dealstage", "amount", "closedate",
            "hs_is_closed", "hs_is_closed_won", "createdate",
            "hs_lastmodifieddate"}}};
  static const auto* const kNone = new std::vector<std::string>();
  auto it = kProperties->find(object);
  return it == kProperties->end() ? *kNone : it->second;
}

absl::string_view HubSpotModifiedProperty(absl::string_view object) {
  return object == "contacts" ? "lastmodifieddate" : "hs_lastmodifieddate";
}

absl::StatusOr<SourceRecord> MapHubSpotObject(absl::string_view source,
                                              absl::string_view object,
                                              const Json& result) {
  void (*map)(const Json&, const Json&, SourceRecord*) = nullptr;
  if (object == "companies") map = &MapCompany;
  if (object == "contacts") map = &MapContact;
  if (object == "deals") map = &MapDeal;
  if (map == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown HubSpot object type \"", object, "\""));
  }
  const Json* id = adapters_internal::Field(result, "id");
  if (!result.is_object() || id == nullptr || !id->is_string() ||
      id->get<std::string>().empty()) {
    return absl::DataLossError(
        absl::StrCat("a ", object, " result has no string \"id\""));
  }
  const Json* properties = adapters_internal::Field(result, "properties");
  static const auto* const kEmpty = new Json(Json::object());
  const Json& p = properties != nullptr ? *properties : *kEmpty;
  SourceRecord record;
  record.set_source(std::string(source));
  record.set_external_id(id->get<std::string>());
  record.set_deleted(adapters_internal::IsTrue(result, "archived"));
  // Archiving does not touch the modification property: the delete's time
  // is when it happened, so that it supersedes the last revision.
  SetTime(&record, adapters_internal::kUpdatedAt,
          record.deleted() ? TextAt(result, "archivedAt")
                           : TextAt(p, HubSpotModifiedProperty(object)));
  map(result, p, &record);
  return record;
}

absl::StatusOr<HubSpotPage> ParseHubSpotPage(absl::string_view body) {
  absl::StatusOr<Json> json = adapters_internal::ParseJson(body);
  if (!json.ok()) return json.status();
  const Json* results = adapters_internal::Field(*json, "results");
  if (results == nullptr || !results->is_array()) {
    return absl::DataLossError(
        "not a HubSpot objects page (needs a \"results\" array)");
  }
  HubSpotPage page;
  for (const Json& result : *results) {
    const Json* id = adapters_internal::Field(result, "id");
    if (id == nullptr || !id->is_string() || id->get<std::string>().empty()) {
      return absl::DataLossError(
          "a result is not an object with a string \"id\"");
    }
    page.results.push_back(result);
  }
  const Json* next = adapters_internal::Path(*json, {"paging", "next"});
  if (next != nullptr) {
    const Json* after = adapters_internal::Field(*next, "after");
    if (after == nullptr || !after->is_string() ||
        after->get<std::string>().empty()) {
      return absl::DataLossError("paging.next has no \"after\"");
    }
    page.next_after = after->get<std::string>();
  }
  return page;
}

}  // namespace hub
