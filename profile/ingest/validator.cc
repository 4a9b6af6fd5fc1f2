#include "profile/ingest/validator.h"

#include <algorithm>

#include <google/protobuf/stubs/common.h>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "profile/base/time_util.h"
#include "profile/identity/identifier.h"

namespace hub {
namespace {

absl::Status Reason(absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

// The UTF-8 check protobuf itself applies when parsing: a string that passes
// can be stored and read back (overlong forms, surrogates and code points
// past U+10FFFF fail).
bool IsValidUtf8(absl::string_view s) {
  return google::protobuf::internal::IsStructurallyValidUTF8(
      s.data(), static_cast<int>(s.size()));
}

// Names a field; called only to report an error, so the success path
// allocates nothing.
using FieldName = absl::FunctionRef<std::string()>;

// Checks one string field: valid UTF-8 and at most `max` bytes.
absl::Status CheckString(absl::string_view value, size_t max, FieldName field) {
  if (value.size() > max) {
    return Reason(field(), absl::StrCat("value of ", value.size(),
                                        " bytes exceeds ", max));
  }
  if (!IsValidUtf8(value)) return Reason(field(), "invalid UTF-8");
  return absl::OkStatus();
}

absl::Status CheckTime(const google::protobuf::Timestamp& ts,
                       absl::string_view field, absl::Time now,
                       const ValidationLimits& limits) {
  absl::Time t = FromProtoTime(ts);
  if (t < absl::UnixEpoch() || t > now + limits.max_future) {
    return Reason(field, absl::StrCat("timestamp ", FormatTimestamp(t),
                                      " is outside [1970-01-01, now + 1 day]"));
  }
  return absl::OkStatus();
}

absl::Status CheckStrings(const google::protobuf::Map<std::string, std::string>& map,
                          absl::string_view field,
                          const ValidationLimits& limits) {
  for (const auto& [k, v] : map) {
    if (!IsValidUtf8(k) || k.size() > limits.max_name_bytes) {
      return Reason(field, "a key is longer than 256 bytes or invalid UTF-8");
    }
    absl::Status s = CheckString(v, limits.max_value_bytes, [&, k = absl::string_view(k)] {
      return absl::StrCat(field, "[", k, "]");
    });
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Key>> NormalizeKey(const hub::v1::Identifier& id,
                                                FieldName field,
                                                const ValidationLimits& limits) {
  if (absl::Status s = CheckString(id.type(), limits.max_name_bytes,
                                   [&] { return field() + ".type"; });
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckString(id.value(), limits.max_identifier_bytes,
                                   [&] { return field() + ".value"; });
      !s.ok()) {
    return s;
  }
  std::optional<IdentifierType> type = FindIdentifierType(id.type());
  if (!type) {
    return Reason(field(), absl::StrCat("unknown identifier type \"", id.type(), "\""));
  }
  absl::StatusOr<NormalizedValue> v = NormalizeIdentifier(*type, id.value());
  if (!v.ok()) return Reason(field(), v.status().message());
  if (v->blocked) return std::optional<Key>();
  return std::optional<Key>(Key{type->name, v->value, type->side});
}

absl::Status CheckHeader(const hub::v1::SourceRecord& r, absl::Time now,
                         const ValidationLimits& limits) {
  if (r.source().empty()) return Reason("source", "required");
  auto named = [](const char* name) { return [name] { return std::string(name); }; };
  if (absl::Status s = CheckString(r.source(), limits.max_name_bytes, named("source")); !s.ok()) return s;
  if (absl::Status s = CheckString(r.event_type(), limits.max_name_bytes, named("event_type")); !s.ok()) return s;
  if (r.entity() == hub::v1::ENTITY_TYPE_UNSPECIFIED) {
    return Reason("entity", "required");
  }
  if (r.external_id().empty()) return Reason("external_id", "required");
  if (absl::Status s = CheckString(r.external_id(), limits.max_external_id_bytes,
                                   named("external_id"));
      !s.ok()) {
    return s;
  }
  auto bad_time = r.attributes().find("_invalid_updated_at");
  if (bad_time != r.attributes().end()) {
    return Reason("updated_at",
                  absl::StrCat("invalid timestamp \"", bad_time->second, "\""));
  }
  if (!r.has_updated_at()) return Reason("updated_at", "required");
  if (absl::Status s = CheckTime(r.updated_at(), "updated_at", now, limits); !s.ok()) return s;
  // A tombstone says only that the record is gone: vendors' delete feeds
  // (Salesforce getDeleted, HubSpot archived objects) carry no event time.
  if ((IsActivity(r.entity()) || r.entity() == hub::v1::OPPORTUNITY) && !r.deleted()) {
    auto bad_occurred = r.attributes().find("_invalid_occurred_at");
    if (bad_occurred != r.attributes().end()) {
      return Reason("occurred_at", absl::StrCat("invalid timestamp \"",
                                                bad_occurred->second, "\""));
    }
    if (!r.has_occurred_at()) return Reason("occurred_at", "required for activities");
    if (absl::Status s = CheckTime(r.occurred_at(), "occurred_at", now, limits); !s.ok()) return s;
  }
  if (absl::Status s = CheckStrings(r.attributes(), "attributes", limits); !s.ok()) return s;
  return CheckStrings(r.properties(), "properties", limits);
}

void SanitizeMap(google::protobuf::Map<std::string, std::string>* map) {
  std::vector<std::pair<std::string, std::string>> entries(map->begin(), map->end());
  map->clear();
  for (auto& [k, v] : entries) {
    SanitizeUtf8(&k);
    SanitizeUtf8(&v);
    (*map)[k] = v;
  }
}

}  // namespace

void SanitizeUtf8(std::string* s) {
  if (IsValidUtf8(*s)) return;
  std::string out;
  for (unsigned char c : *s) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD for every non-ASCII byte
    }
  }
  *s = std::move(out);
}

void SanitizeUtf8(hub::v1::SourceRecord* r) {
  SanitizeUtf8(r->mutable_source());
  SanitizeUtf8(r->mutable_external_id());
  SanitizeUtf8(r->mutable_event_type());
  for (hub::v1::Identifier& id : *r->mutable_identifiers()) {
    SanitizeUtf8(id.mutable_type());
    SanitizeUtf8(id.mutable_value());
  }
  for (hub::v1::Link& link : *r->mutable_links()) {
    SanitizeUtf8(link.mutable_relation());
    SanitizeUtf8(link.mutable_target()->mutable_type());
    SanitizeUtf8(link.mutable_target()->mutable_value());
  }
  SanitizeMap(r->mutable_attributes());
  SanitizeMap(r->mutable_properties());
}

RecordRole RoleOf(hub::v1::EntityType entity) {
  if (entity == hub::v1::ACCOUNT) return RecordRole::kAccount;
  if (entity == hub::v1::OPPORTUNITY) return RecordRole::kAccountEvent;
  return RecordRole::kPerson;
}

bool IsActivity(hub::v1::EntityType entity) {
  return entity == hub::v1::EMAIL_ACTIVITY || entity == hub::v1::WEB_EVENT ||
         entity == hub::v1::TICKET || entity == hub::v1::SURVEY_RESPONSE;
}

absl::StatusOr<ValidatedRecord> ValidateRecord(
    const hub::v1::SourceRecord& r, absl::Time now,
    const ValidationLimits& limits) {
  if (absl::Status s = CheckHeader(r, now, limits); !s.ok()) return s;
  if (static_cast<size_t>(r.identifiers_size()) > limits.max_identifiers) {
    return Reason("identifiers", absl::StrCat(r.identifiers_size(), " exceed the limit of ",
                                              limits.max_identifiers));
  }
  ValidatedRecord out;
  RecordRole role = RoleOf(r.entity());
  for (int i = 0; i < r.identifiers_size(); ++i) {
    auto field = [i] { return absl::StrCat("identifiers[", i, "]"); };
    absl::StatusOr<std::optional<Key>> key =
        NormalizeKey(r.identifiers(i), field, limits);
    if (!key.ok()) return key.status();
    if (!*key) continue;
    Side want = role == RecordRole::kAccount ? Side::kAccount : Side::kPerson;
    if ((*key)->side != want || role == RecordRole::kAccountEvent) {
      return Reason(field(), absl::StrCat("identifier type \"", (*key)->type,
                                        "\" does not identify a ",
                                        hub::v1::EntityType_Name(r.entity()),
                                        "; use a link"));
    }
    if (std::find(out.identifiers.begin(), out.identifiers.end(), **key) ==
        out.identifiers.end()) {
      out.identifiers.push_back(**std::move(key));
    }
  }
  for (int i = 0; i < r.links_size(); ++i) {
    const hub::v1::Link& link = r.links(i);
    auto field = [i] { return absl::StrCat("links[", i, "]"); };
    if (link.relation() != "account" && link.relation() != "person") {
      if (!IsValidUtf8(link.relation())) return Reason(field(), "invalid UTF-8 relation");
      return Reason(field(), absl::StrCat("unknown relation \"", link.relation(), "\""));
    }
    absl::StatusOr<std::optional<Key>> key =
        NormalizeKey(link.target(), field, limits);
    if (!key.ok()) return key.status();
    if (!*key) continue;
    Side want = link.relation() == "account" ? Side::kAccount : Side::kPerson;
    if ((*key)->side != want) {
      return Reason(field(), absl::StrCat("identifier type \"", (*key)->type,
                                          "\" cannot target a ", link.relation()));
    }
    out.links.push_back(ResolvedLink{link.relation(), **std::move(key)});
  }
  if (role == RecordRole::kPerson && out.identifiers.empty()) {
    return Reason("identifiers", "no usable identifier to resolve a person");
  }
  if (role == RecordRole::kAccount && out.identifiers.empty()) {
    return Reason("identifiers", "no usable identifier to resolve an account");
  }
  return out;
}

}  // namespace hub
