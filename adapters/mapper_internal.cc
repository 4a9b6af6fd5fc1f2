#include "adapters/mapper_internal.h"

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "profile/base/time_util.h"

namespace hub {
namespace adapters_internal {
namespace {

// 1-based line and column of byte offset `byte` (1-based, as nlohmann
// reports it) in `text`.
std::pair<size_t, size_t> LineAndColumn(absl::string_view text, size_t byte) {
  size_t end = std::min(byte > 0 ? byte - 1 : 0, text.size());
  size_t line = 1, column = 1;
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

void SetParsedTime(hub::v1::SourceRecord* record, TimeField fields,
                   absl::string_view text,
                   const absl::StatusOr<absl::Time>& time) {
  if (time.ok()) {
    if (fields & kUpdatedAt) *record->mutable_updated_at() = ToProtoTime(*time);
    if (fields & kOccurredAt) {
      *record->mutable_occurred_at() = ToProtoTime(*time);
    }
    return;
  }
  auto& attributes = *record->mutable_attributes();
  if (fields & kUpdatedAt) attributes[kInvalidUpdatedAt] = std::string(text);
  if (fields & kOccurredAt) attributes[kInvalidOccurredAt] = std::string(text);
}

}  // namespace

absl::StatusOr<Json> ParseJson(absl::string_view text) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    auto [line, column] = LineAndColumn(text, e.byte);
    return absl::DataLossError(absl::StrCat("invalid JSON at line ", line,
                                            ", column ", column, " (byte ",
                                            e.byte, "): ", e.what()));
  } catch (const Json::exception& e) {
    return absl::DataLossError(absl::StrCat("invalid JSON: ", e.what()));
  }
}

absl::StatusOr<Json> ParseJsonLine(absl::string_view line) {
  try {
    return Json::parse(line.begin(), line.end());
  } catch (const Json::exception& e) {
    return absl::DataLossError(absl::StrCat("invalid JSON: ", e.what()));
  }
}

const Json* Field(const Json& object, absl::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(std::string_view(key.data(), key.size()));
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

const Json* Path(const Json& object,
                 std::initializer_list<absl::string_view> path) {
  const Json* value = &object;
  for (absl::string_view key : path) {
    value = Field(*value, key);
    if (value == nullptr) return nullptr;
  }
  return value;
}

std::string Text(const Json* value) {
  if (value == nullptr || value->is_null()) return "";
  if (value->is_string()) return value->get<std::string>();
  return value->dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool IsTrue(const Json& object, absl::string_view key) {
  const Json* value = Field(object, key);
  if (value == nullptr) return false;
  if (value->is_boolean()) return value->get<bool>();
  return value->is_string() && value->get<std::string>() == "true";
}

absl::Status RequireObject(const Json& value, absl::string_view what) {
  if (value.is_object()) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat(what, " is not a JSON object"));
}

void AddIdentifier(hub::v1::SourceRecord* record, absl::string_view type,
                   absl::string_view value) {
  if (value.empty()) return;
  hub::v1::Identifier* id = record->add_identifiers();
  id->set_type(std::string(type));
  id->set_value(std::string(value));
}

void AddLink(hub::v1::SourceRecord* record, absl::string_view relation,
             absl::string_view type, absl::string_view value) {
  if (value.empty()) return;
  hub::v1::Link* link = record->add_links();
  link->set_relation(std::string(relation));
  link->mutable_target()->set_type(std::string(type));
  link->mutable_target()->set_value(std::string(value));
}

void SetAttribute(hub::v1::SourceRecord* record, absl::string_view key,
                  absl::string_view value) {
  if (value.empty()) return;
  (*record->mutable_attributes())[std::string(key)] = std::string(value);
}

void SetProperty(hub::v1::SourceRecord* record, absl::string_view key,
                 absl::string_view value) {
  if (value.empty()) return;
  (*record->mutable_properties())[std::string(key)] = std::string(value);
}

void SetTime(hub::v1::SourceRecord* record, TimeField fields,
             absl::string_view text) {
  if (text.empty()) return;
  SetParsedTime(record, fields, text, ParseTimestamp(text));
}

void SetTimeFromMicros(hub::v1::SourceRecord* record, TimeField fields,
                       absl::string_view text) {
  if (text.empty()) return;
  SetParsedTime(record, fields, text, ParseUnixMicros(text));
}

std::string SnakeCase(absl::string_view text) {
  std::string out;
  bool pending_separator = false;
  char previous = 0;
  for (char c : text) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      pending_separator = !out.empty();
      previous = 0;
      continue;
    }
    bool boundary =
        absl::ascii_isupper(static_cast<unsigned char>(c)) &&
        (absl::ascii_islower(static_cast<unsigned char>(previous)) ||
         absl::ascii_isdigit(static_cast<unsigned char>(previous)));
    if ((pending_separator || boundary) && !out.empty()) out.push_back('_');
    out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    pending_separator = false;
    previous = c;
  }
  return out;
}

std::pair<std::string, std::string> SplitName(absl::string_view name) {
  name = absl::StripAsciiWhitespace(name);
  size_t space = name.find(' ');
  if (space == absl::string_view::npos) return {std::string(name), ""};
  return {std::string(name.substr(0, space)),
          std::string(absl::StripLeadingAsciiWhitespace(name.substr(space)))};
}

namespace {

// The length of the well-formed UTF-8 sequence at text[i], or 0.
size_t Utf8SequenceLength(absl::string_view text, size_t i) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) return 1;
  size_t extra;
  uint32_t code;
  if ((c & 0xE0) == 0xC0) {
    extra = 1;
    code = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    extra = 2;
    code = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    extra = 3;
    code = c & 0x07;
  } else {
    return 0;
  }
  if (i + extra >= text.size()) return 0;
  for (size_t j = 1; j <= extra; ++j) {
    unsigned char d = static_cast<unsigned char>(text[i + j]);
    if ((d & 0xC0) != 0x80) return 0;
    code = (code << 6) | (d & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  if (code < kMin[extra] || code > 0x10FFFF ||
      (code >= 0xD800 && code <= 0xDFFF)) {
    return 0;
  }
  return extra + 1;
}

}  // namespace

bool IsValidUtf8(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    size_t n = Utf8SequenceLength(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

bool RepairUtf8(std::string* text) {
  if (IsValidUtf8(*text)) return false;
  std::string out;
  out.reserve(text->size() + 8);
  for (size_t i = 0; i < text->size();) {
    size_t n = Utf8SequenceLength(*text, i);
    if (n == 0) {
      out.append("\xEF\xBF\xBD");
      ++i;
    } else {
      out.append(*text, i, n);
      i += n;
    }
  }
  text->swap(out);
  return true;
}

absl::Status WithContext(const absl::Status& status,
                         absl::string_view context) {
  if (status.ok()) return status;
  return absl::Status(status.code(),
                      absl::StrCat(context, ": ", status.message()));
}

}  // namespace adapters_internal
}  // namespace hub
