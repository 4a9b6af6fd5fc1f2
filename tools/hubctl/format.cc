#include "tools/hubctl/format.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace hubctl {

std::string FormatTimestamp(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  return google::protobuf::util::TimeUtil::ToString(t);
}

std::string FormatDateOrTimestamp(const google::protobuf::Timestamp& t) {
  if (t.nanos() != 0 || t.seconds() % 86400 != 0) return FormatTimestamp(t);
  return FormatTimestamp(t).substr(0, 10);  // "2024-03-01T00:00:00Z"
}

std::string EntityTypeName(hub::v1::EntityType entity) {
  const std::string& name = hub::v1::EntityType_Name(entity);
  return name.empty() ? absl::StrCat(static_cast<int>(entity)) : name;
}

std::string StageName(hub::v1::Stage stage) {
  const std::string& name = hub::v1::Stage_Name(stage);
  return name.empty() ? absl::StrCat(static_cast<int>(stage)) : name;
}

std::string OrDash(std::string_view s) { return s.empty() ? "-" : std::string(s); }

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  std::string json;
  const auto status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot print as JSON: ", status.ToString()));
  }
  if (json.empty() || json.back() != '\n') json += '\n';
  return json;
}

}  // namespace hubctl
