// Formatting of scalar proto values and of whole messages as JSON.
#ifndef HUB_TOOLS_HUBCTL_FORMAT_H_
#define HUB_TOOLS_HUBCTL_FORMAT_H_

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "hub/v1/metrics_service.pb.h"
#include "hub/v1/records.pb.h"

namespace hubctl {

// RFC 3339 in UTC ("2024-03-01T10:00:00Z", with a fraction only when
// non-zero); "-" for an unset (zero) timestamp.
std::string FormatTimestamp(const google::protobuf::Timestamp& t);

// "2024-03-01" for a UTC midnight; otherwise as FormatTimestamp.
std::string FormatDateOrTimestamp(const google::protobuf::Timestamp& t);

// The enum value's name ("CONTACT"), or the number for an unknown value.
std::string EntityTypeName(hub::v1::EntityType entity);

// As EntityTypeName, for a lifecycle stage ("CAPTURE").
std::string StageName(hub::v1::Stage stage);

// Returns `message` in the proto3 JSON mapping (lowerCamelCase names, int64 as
// strings, enums by name), indented, with fields at their default values
// printed too so that scripts see every field, and a trailing newline.
// Fails with kInternal if the message cannot be converted.
absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message);

// `s`, or "-" when it is empty (a table cell with nothing to show).
std::string OrDash(std::string_view s);

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_FORMAT_H_
