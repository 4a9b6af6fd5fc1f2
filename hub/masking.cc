#include "hub/masking.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "hub/filter.h"
#include "hub/v1/records.pb.h"
#include "profile/identity/identifier.h"

namespace hub {
namespace {

// Calls `add` with every value `node` compares a field to.
template <typename Add>
void AddFilterValues(const FilterNode& node, const Add& add) {
  if (node.kind == FilterNode::Kind::kCompare) add(node.value);
  for (const FilterNode& child : node.children) AddFilterValues(child, add);
}

using ClassMap = absl::flat_hash_map<std::string, FieldClass>;

// The built-in classes (docs/governance.md has the same table). Names of
// people and the sources' ids of a person are personal; what describes a
// company, a role or a lifecycle is public. Nothing the sources send is
// sensitive by default: a deployment names its own sensitive fields.
void AddDefaults(FieldKind kind, ClassMap* m) {
  constexpr FieldClass kPub = FieldClass::kPublic, kPer = FieldClass::kPersonal;
  switch (kind) {
    case FieldKind::kTrait:
      *m = {{"first_name", kPer},   {"last_name", kPer},      {"name", kPer},
            {"email", kPer},        {"phone", kPer},          {"title", kPub},
            {"company", kPub},      {"country", kPub},        {"industry", kPub},
            {"lead_status", kPub},  {"lead_source", kPub},    {"is_converted", kPub},
            {"email_status", kPub}, {"lifecyclestage", kPub}, {"created_date", kPub},
            {"source", kPub}};
      break;
    case FieldKind::kAccountTrait:
      *m = {{"name", kPub},     {"website", kPub},        {"industry", kPub},
            {"type", kPub},     {"country", kPub},        {"employees", kPub},
            {"tier", kPub},     {"region", kPub},         {"source", kPub},
            {"phone", kPer},    {"lifecyclestage", kPub}, {"created_date", kPub}};
      break;
    case FieldKind::kIdentifier:
      break;  // by side: see Classification::Of
    case FieldKind::kEventProperty:
      *m = {{"type", kPub},         {"stage", kPub},         {"amount", kPub},
            {"close_date", kPub},   {"is_closed", kPub},     {"is_won", kPub},
            {"campaign_id", kPub},  {"status", kPub},        {"priority", kPub},
            {"score", kPub},        {"survey", kPub},        {"ticket_id", kPub},
            {"ga_session_id", kPub}, {"analytics_storage", kPub}, {"url", kPer},
            {"page_url", kPer},     {"page_location", kPer}, {"subject", kPer},
            {"comment", kPer}};
      break;
    case FieldKind::kRecordId:
      *m = {{"CONTACT", kPer}, {"LEAD", kPer},       {"ACCOUNT", kPub},
            {"OPPORTUNITY", kPub}, {"EMAIL_ACTIVITY", kPer}, {"WEB_EVENT", kPer},
            {"TICKET", kPub},  {"SURVEY_RESPONSE", kPub}};
      break;
  }
}

absl::StatusOr<FieldClass> ParseClass(const std::string& value, const std::string& field) {
  if (value == "public") return FieldClass::kPublic;
  if (value == "personal") return FieldClass::kPersonal;
  if (value == "sensitive") return FieldClass::kSensitive;
  return absl::InvalidArgumentError(absl::StrCat(
      field, ": \"", value, "\" is not a class; use public, personal or sensitive"));
}

// Checks the name of a config entry of `kind`.
absl::Status CheckName(FieldKind kind, const std::string& name, const std::string& field) {
  if (name.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": empty name"));
  hub::v1::EntityType entity;
  if (kind == FieldKind::kIdentifier && !FindIdentifierType(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": unknown identifier type \"", name, "\""));
  }
  if (kind == FieldKind::kRecordId &&
      (!hub::v1::EntityType_Parse(name, &entity) ||
       entity == hub::v1::ENTITY_TYPE_UNSPECIFIED)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": \"", name, "\" is not an entity type (CONTACT, LEAD, ACCOUNT, ...)"));
  }
  return absl::OkStatus();
}

bool IsPhoneLike(absl::string_view v) {
  int digits = 0;
  for (char c : v) {
    if (absl::ascii_isdigit(c)) {
      ++digits;
    } else if (c != '+' && c != '(' && c != ')' && c != '-' && c != '.' && c != ' ') {
      return false;
    }
  }
  return digits >= 7;
}

// The first UTF-8 sequence of `v` (one byte for ASCII).
absl::string_view FirstChar(absl::string_view v) {
  size_t n = 1;
  while (n < v.size() && (static_cast<unsigned char>(v[n]) & 0xC0) == 0x80) ++n;
  return v.substr(0, n);
}

// Every form in which an error may echo `value`: as typed, trimmed,
// lower-cased, and normalised as an email or phone.
std::set<std::string> EchoesOf(absl::string_view value) {
  std::set<std::string> out;
  const std::string trimmed(absl::StripAsciiWhitespace(value));
  out.insert(std::string(value));
  out.insert(trimmed);
  out.insert(absl::AsciiStrToLower(trimmed));
  for (const char* type : {"email", "phone"}) {
    absl::StatusOr<NormalizedValue> n = NormalizeIdentifier(*FindIdentifierType(type), value);
    if (n.ok()) out.insert(n->value);
  }
  return out;
}

// `message` with each whitespace- or quote-delimited word holding an '@'
// masked.
std::string MaskEmailWords(const std::string& message) {
  std::string out;
  size_t i = 0;
  while (i < message.size()) {
    size_t end = message.find_first_of(" \t\n\"'", i);
    if (end == std::string::npos) end = message.size();
    absl::string_view word = absl::string_view(message).substr(i, end - i);
    out += word.find('@') == absl::string_view::npos ? std::string(word) : MaskValue(word);
    if (end < message.size()) out += message[end];
    i = end + 1;
  }
  return out;
}

}  // namespace

absl::string_view FieldClassName(FieldClass c) {
  switch (c) {
    case FieldClass::kPublic: return "public";
    case FieldClass::kPersonal: return "personal";
    case FieldClass::kSensitive: return "sensitive";
  }
  return "personal";
}

Classification::Classification() {
  for (FieldKind kind : {FieldKind::kTrait, FieldKind::kAccountTrait, FieldKind::kIdentifier,
                         FieldKind::kEventProperty, FieldKind::kRecordId}) {
    AddDefaults(kind, &MapOf(kind));
  }
}

absl::StatusOr<Classification> Classification::FromConfig(
    const hub::v1::ClassificationConfig& config) {
  if (config.read_audit_interval_ms() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "classification.read_audit_interval_ms: must not be negative, got ",
        config.read_audit_interval_ms()));
  }
  Classification out;
  const std::pair<FieldKind, const google::protobuf::Map<std::string, std::string>*> maps[] = {
      {FieldKind::kTrait, &config.traits()},
      {FieldKind::kAccountTrait, &config.account_traits()},
      {FieldKind::kIdentifier, &config.identifiers()},
      {FieldKind::kEventProperty, &config.event_properties()},
      {FieldKind::kRecordId, &config.record_ids()}};
  const char* const names[] = {"traits", "account_traits", "identifiers", "event_properties",
                               "record_ids"};
  for (size_t i = 0; i < std::size(maps); ++i) {
    // Sorted, so that of two bad entries the same one is named every time.
    std::map<std::string, std::string> sorted(maps[i].second->begin(), maps[i].second->end());
    for (const auto& [name, value] : sorted) {
      const std::string field = absl::StrCat("classification.", names[i], "[\"", name, "\"]");
      absl::Status checked = CheckName(maps[i].first, name, field);
      if (!checked.ok()) return checked;
      absl::StatusOr<FieldClass> c = ParseClass(value, field);
      if (!c.ok()) return c.status();
      out.MapOf(maps[i].first)[name] = *c;
    }
  }
  return out;
}

FieldClass Classification::Of(FieldKind kind, absl::string_view name) const {
  const ClassMap& m = MapOf(kind);
  auto it = m.find(name);
  if (it != m.end()) return it->second;
  // A person's identifiers are personal; an account's (its CRM ids, its
  // domain) describe a company.
  if (kind == FieldKind::kIdentifier) {
    std::optional<IdentifierType> type = FindIdentifierType(name);
    if (type && type->side == Side::kAccount) return FieldClass::kPublic;
  }
  return FieldClass::kPersonal;
}

ClassMap& Classification::MapOf(FieldKind kind) {
  return const_cast<ClassMap&>(static_cast<const Classification*>(this)->MapOf(kind));
}

const ClassMap& Classification::MapOf(FieldKind kind) const {
  switch (kind) {
    case FieldKind::kTrait: return traits_;
    case FieldKind::kAccountTrait: return account_traits_;
    case FieldKind::kIdentifier: return identifiers_;
    case FieldKind::kEventProperty: return event_properties_;
    case FieldKind::kRecordId: return record_ids_;
  }
  return traits_;
}

Treatment TreatmentOf(absl::string_view role, FieldClass c) {
  if (c == FieldClass::kPublic || role == "admin" || role == "steward") return Treatment::kRaw;
  if (c == FieldClass::kSensitive) return Treatment::kHashed;
  return role == "service" ? Treatment::kRaw : Treatment::kMasked;
}

bool MasksPersonal(absl::string_view role) {
  return TreatmentOf(role, FieldClass::kPersonal) != Treatment::kRaw;
}

std::string MaskField(absl::string_view name, absl::string_view value) {
  if (value.empty()) return "";
  const size_t at = value.find('@');
  if (at != absl::string_view::npos && at > 0 && value.find('@', at + 1) == absl::string_view::npos) {
    return absl::StrCat(FirstChar(value), "***", value.substr(at));
  }
  if (absl::StrContains(name, "phone") && IsPhoneLike(value)) {
    std::string out(value);
    int keep = 2;
    for (size_t i = out.size(); i-- > 0;) {
      if (!absl::ascii_isdigit(out[i])) continue;
      if (keep > 0) {
        --keep;
      } else {
        out[i] = '*';
      }
    }
    return out;
  }
  return absl::StrCat(FirstChar(value), "***");
}

std::string MaskValue(absl::string_view value) { return MaskField("phone", value); }

std::string KeyedHash(absl::string_view key, absl::string_view value) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(value.data()), value.size(), digest, &length);
  return absl::StrCat(
      "hmac:", absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), 8)));
}

bool Masker::Treat(absl::string_view role, absl::string_view name, FieldClass c,
                   std::string* value) const {
  if (value->empty() || c == FieldClass::kPublic) return false;
  switch (TreatmentOf(role, c)) {
    case Treatment::kRaw:
      return true;
    case Treatment::kMasked:
      *value = MaskField(name, *value);
      return false;
    case Treatment::kHashed:
      *value = KeyedHash(key_, *value);
      return false;
  }
  return false;
}

bool Masker::ApplyTraits(absl::string_view role, FieldKind kind,
                         google::protobuf::RepeatedPtrField<hub::v1::Trait>* traits) const {
  bool raw = false;
  for (hub::v1::Trait& t : *traits) {
    raw |= Treat(role, t.name(), classes_.Of(kind, t.name()), t.mutable_value());
    if (t.has_lineage()) {
      const std::string entity = hub::v1::EntityType_Name(t.lineage().entity());
      raw |= Treat(role, entity, classes_.Of(FieldKind::kRecordId, entity),
                   t.mutable_lineage()->mutable_external_id());
    }
  }
  return raw;
}

bool Masker::ApplyIdentifiers(
    absl::string_view role,
    google::protobuf::RepeatedPtrField<hub::v1::ProfileIdentifier>* ids) const {
  bool raw = false;
  for (hub::v1::ProfileIdentifier& id : *ids) {
    raw |= Treat(role, id.type(), classes_.Of(FieldKind::kIdentifier, id.type()),
                 id.mutable_value());
  }
  return raw;
}

bool Masker::ApplyRecords(
    absl::string_view role,
    google::protobuf::RepeatedPtrField<hub::v1::SourceRecordRef>* records) const {
  bool raw = false;
  for (hub::v1::SourceRecordRef& r : *records) {
    const std::string entity = hub::v1::EntityType_Name(r.entity());
    raw |= Treat(role, entity, classes_.Of(FieldKind::kRecordId, entity), r.mutable_external_id());
  }
  return raw;
}

bool Masker::ApplyEvent(absl::string_view role, hub::v1::Event* event) const {
  const std::string entity = hub::v1::EntityType_Name(event->entity());
  bool raw = Treat(role, entity, classes_.Of(FieldKind::kRecordId, entity),
                   event->mutable_external_id());
  for (auto& [name, value] : *event->mutable_properties()) {
    raw |= Treat(role, name, classes_.Of(FieldKind::kEventProperty, name), &value);
  }
  return raw;
}

std::vector<std::string> Masker::Apply(absl::string_view role, hub::v1::Profile* p) const {
  bool raw = ApplyTraits(role, FieldKind::kTrait, p->mutable_traits());
  raw |= ApplyIdentifiers(role, p->mutable_identifiers());
  raw |= ApplyRecords(role, p->mutable_source_records());
  if (!raw) return {};
  return {p->name()};
}

std::vector<std::string> Masker::Apply(absl::string_view role, hub::v1::Account* a) const {
  bool raw = ApplyTraits(role, FieldKind::kAccountTrait, a->mutable_traits());
  raw |= ApplyIdentifiers(role, a->mutable_identifiers());
  raw |= ApplyRecords(role, a->mutable_source_records());
  if (!raw) return {};
  return {a->name()};
}

std::vector<std::string> Masker::Apply(absl::string_view role,
                                       hub::v1::ListProfilesResponse* response) const {
  std::vector<std::string> out;
  for (hub::v1::Profile& p : *response->mutable_profiles()) {
    for (std::string& name : Apply(role, &p)) out.push_back(std::move(name));
  }
  return out;
}

std::vector<std::string> Masker::Apply(absl::string_view role,
                                       hub::v1::ListAccountsResponse* response) const {
  std::vector<std::string> out;
  for (hub::v1::Account& a : *response->mutable_accounts()) {
    for (std::string& name : Apply(role, &a)) out.push_back(std::move(name));
  }
  return out;
}

std::vector<std::string> Masker::Apply(absl::string_view role,
                                       hub::v1::ListAccountMembersResponse* response) const {
  std::vector<std::string> out;
  for (hub::v1::Profile& p : *response->mutable_profiles()) {
    for (std::string& name : Apply(role, &p)) out.push_back(std::move(name));
  }
  return out;
}

std::vector<std::string> Masker::Apply(absl::string_view role,
                                       hub::v1::ListProfileEventsResponse* response) const {
  std::vector<std::string> out;
  for (hub::v1::Event& e : *response->mutable_events()) {
    const std::string& owner = e.profile().empty() ? e.account() : e.profile();
    if (ApplyEvent(role, &e) && (out.empty() || out.back() != owner)) out.push_back(owner);
  }
  return out;
}

std::vector<std::string> Masker::Apply(absl::string_view role,
                                       hub::v1::BatchGetProfilesResponse* response) const {
  std::vector<std::string> out;
  for (hub::v1::BatchGetProfilesResult& r : *response->mutable_results()) {
    if (!r.has_profile()) continue;
    std::vector<std::string> raw = Apply(role, r.mutable_profile());
    out.insert(out.end(), raw.begin(), raw.end());
  }
  return out;
}

absl::Status Masker::ScrubError(absl::string_view role, const absl::Status& status,
                                const google::protobuf::Message& request) const {
  if (status.ok() || !MasksPersonal(role)) return status;
  return absl::Status(status.code(), ScrubText(role, status.message(), request));
}

std::string Masker::ScrubText(absl::string_view role, absl::string_view text,
                              const google::protobuf::Message& request) const {
  if (!MasksPersonal(role)) return std::string(text);
  std::set<std::string> echoes;
  const google::protobuf::Reflection* reflection = request.GetReflection();
  const google::protobuf::Descriptor* descriptor = request.GetDescriptor();
  auto add = [&](const std::string& value) {
    // An identifier type's name is vocabulary, not a value: messages name
    // types ("invalid email ...") whatever the request said.
    if (FindIdentifierType(value)) return;
    for (const std::string& echo : EchoesOf(value)) echoes.insert(echo);
  };
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING) continue;
    if (field->is_repeated()) {
      for (int j = 0; j < reflection->FieldSize(request, field); ++j) {
        add(reflection->GetRepeatedString(request, field, j));
      }
      continue;
    }
    const std::string value = reflection->GetString(request, field);
    add(value);
    // A filter's errors echo one compared value, not the whole filter.
    if (field->name() == "filter") {
      absl::StatusOr<std::unique_ptr<FilterNode>> root = ParseFilter(value);
      if (root.ok() && *root != nullptr) AddFilterValues(**root, add);
    }
  }
  std::vector<std::pair<std::string, std::string>> replacements;
  for (const std::string& echo : echoes) {
    if (echo.size() >= 3) replacements.emplace_back(echo, MaskValue(echo));
  }
  // Longest first, so that a value is masked whole rather than in part.
  std::sort(replacements.begin(), replacements.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  std::string message(text);
  for (const auto& [from, to] : replacements) {
    message = absl::StrReplaceAll(message, {{from, to}});
  }
  return MaskEmailWords(message);
}

absl::Status Masker::CheckTraitFilter(absl::string_view role, FieldKind kind,
                                      absl::string_view trait, absl::string_view field) const {
  const FieldClass c = classes_.Of(kind, trait);
  if (c == FieldClass::kPublic || !MasksPersonal(role)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      field, ": ", kind == FieldKind::kAccountTrait ? "account trait" : "trait", " \"", trait,
      "\" is ", FieldClassName(c), "; role \"", role, "\" may not filter or group by it"));
}

}  // namespace hub
