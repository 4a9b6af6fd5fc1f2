#include "adapters/ga4_mapper.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "adapters/mapper_internal.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace {

using adapters_internal::Field;
using adapters_internal::Json;
using adapters_internal::TextAt;

// The value of the entry `key` of a GA4 key/value list (event_params,
// user_properties), as text; "" if absent.
std::string ParamValue(const Json& row, absl::string_view list,
                       absl::string_view key) {
  const Json* entries = Field(row, list);
  if (entries == nullptr || !entries->is_array()) return "";
  for (const Json& entry : *entries) {
    if (TextAt(entry, "key") != key) continue;
    const Json* value = Field(entry, "value");
    if (value == nullptr) return "";
    for (const char* kind :
         {"string_value", "int_value", "float_value", "double_value"}) {
      std::string text = TextAt(*value, kind);
      if (!text.empty()) return text;
    }
    return "";
  }
  return "";
}

}  // namespace

absl::StatusOr<hub::v1::SourceRecord> MapGa4Row(absl::string_view source,
                                                const nlohmann::json& row) {
  HUB_RETURN_IF_ERROR(adapters_internal::RequireObject(row, "GA4 row"));
  const std::string pseudo_id = TextAt(row, "user_pseudo_id");
  const std::string timestamp = TextAt(row, "event_timestamp");
  const std::string name = TextAt(row, "event_name");
  std::string index = TextAt(row, "batch_event_index");
  if (index.empty()) index = "0";
  hub::v1::SourceRecord record;
  record.set_source(std::string(source));
  record.set_entity(hub::v1::WEB_EVENT);
  if (!pseudo_id.empty() && !timestamp.empty() && !name.empty()) {
    record.set_external_id(
        absl::StrCat(pseudo_id, ":", timestamp, ":", name, ":", index));
  }
  adapters_internal::SetTimeFromMicros(&record, adapters_internal::kBoth,
                                       timestamp);
  adapters_internal::AddIdentifier(&record, "ga4.user_pseudo_id", pseudo_id);
  adapters_internal::AddIdentifier(&record, "user_id", TextAt(row, "user_id"));
  adapters_internal::AddIdentifier(
      &record, "salesforce.contact_id",
      ParamValue(row, "user_properties", "crm_contact_id"));
  record.set_event_type(name);
  adapters_internal::SetProperty(
      &record, "page_location",
      ParamValue(row, "event_params", "page_location"));
  adapters_internal::SetProperty(
      &record, "ga_session_id",
      ParamValue(row, "event_params", "ga_session_id"));
  adapters_internal::SetProperty(
      &record, "analytics_storage",
      TextAt(row, {"privacy_info", "analytics_storage"}));
  adapters_internal::SetProperty(&record, "ads_storage",
                                 TextAt(row, {"privacy_info", "ads_storage"}));
  return record;
}

}  // namespace hub
