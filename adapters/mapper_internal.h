// Helpers shared by the vendor mappers (internal to adapters/).
#ifndef HUB_ADAPTERS_MAPPER_INTERNAL_H_
#define HUB_ADAPTERS_MAPPER_INTERNAL_H_

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hub/v1/records.pb.h"
#include "nlohmann/json.hpp"

namespace hub {
namespace adapters_internal {

using Json = nlohmann::json;

// Attribute names that carry a timestamp text which did not parse.
inline constexpr char kInvalidUpdatedAt[] = "_invalid_updated_at";
inline constexpr char kInvalidOccurredAt[] = "_invalid_occurred_at";

// Parses a whole JSON document. DATA_LOSS "invalid JSON at line L, column C
// (byte B): ..." if it is not valid JSON.
absl::StatusOr<Json> ParseJson(absl::string_view text);
// As ParseJson for one line of an NDJSON file: the error names the column.
absl::StatusOr<Json> ParseJsonLine(absl::string_view line);

// The member `key` of `object`, or null if `object` is not an object, lacks
// `key`, or holds JSON null there.
const Json* Field(const Json& object, absl::string_view key);
// Follows `path` through nested objects, as Field does at each step.
const Json* Path(const Json& object,
                 std::initializer_list<absl::string_view> path);

// The text of a value: a string as is, a number or boolean as JSON writes it
// (36100001, 1.5, true), an object or array as compact JSON, null as "".
std::string Text(const Json* value);
inline std::string TextAt(const Json& object, absl::string_view key) {
  return Text(Field(object, key));
}
inline std::string TextAt(const Json& object,
                          std::initializer_list<absl::string_view> path) {
  return Text(Path(object, path));
}

// True if `object[key]` is the boolean true or the string "true".
bool IsTrue(const Json& object, absl::string_view key);

// DATA_LOSS "<what> is not a JSON object" unless `value` is an object.
absl::Status RequireObject(const Json& value, absl::string_view what);

// Builders; each skips an empty value.
void AddIdentifier(hub::v1::SourceRecord* record, absl::string_view type,
                   absl::string_view value);
void AddLink(hub::v1::SourceRecord* record, absl::string_view relation,
             absl::string_view type, absl::string_view value);
void SetAttribute(hub::v1::SourceRecord* record, absl::string_view key,
                  absl::string_view value);
void SetProperty(hub::v1::SourceRecord* record, absl::string_view key,
                 absl::string_view value);

// Which of a record's times a source timestamp sets.
enum TimeField { kUpdatedAt = 1, kOccurredAt = 2, kBoth = 3 };

// Sets the `fields` of `record` from `text` (any ParseTimestamp spelling).
// An empty text sets nothing; an unparseable one sets nothing and keeps the
// text in the attribute _invalid_updated_at / _invalid_occurred_at so that
// ingest can quarantine the record with a reason.
void SetTime(hub::v1::SourceRecord* record, TimeField fields,
             absl::string_view text);
// As SetTime, for a count of microseconds since the epoch (GA4).
void SetTimeFromMicros(hub::v1::SourceRecord* record, TimeField fields,
                       absl::string_view text);

// "Demo Requested" -> "demo_requested", "signedUp" -> "signed_up".
std::string SnakeCase(absl::string_view text);

// Splits a full name at its first space: "Ana Maria Ruiz" -> {"Ana",
// "Maria Ruiz"}; one word -> {word, ""}.
std::pair<std::string, std::string> SplitName(absl::string_view name);

// True if `text` is well-formed UTF-8 (protobuf strings must be).
bool IsValidUtf8(absl::string_view text);
// Replaces each byte of `*text` that is not part of a well-formed UTF-8
// sequence with U+FFFD; returns true if it changed anything.
bool RepairUtf8(std::string* text);

// Returns `status` with "<context>: " prefixed to its message (same code).
absl::Status WithContext(const absl::Status& status, absl::string_view context);

}  // namespace adapters_internal
}  // namespace hub

#endif  // HUB_ADAPTERS_MAPPER_INTERNAL_H_
