// Field classification and masking at read time (docs/governance.md,
// "Classification and masking"). Every trait, identifier type, event property
// and record id is public, personal or sensitive; what a role sees of each
// class is decided here, in one place, for every response that carries
// profile or account data.
#ifndef HUB_HUB_MASKING_H_
#define HUB_HUB_MASKING_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "hub/v1/config.pb.h"
#include "hub/v1/profile_service.pb.h"
#include "hub/v1/resources.pb.h"

namespace hub {

enum class FieldClass { kPublic, kPersonal, kSensitive };

// The kinds of named fields a response carries.
enum class FieldKind {
  kTrait,          // a person profile's trait, by trait name
  kAccountTrait,   // an account's trait, by trait name
  kIdentifier,     // an identifier, by type ("email")
  kEventProperty,  // an event's property, by property name
  kRecordId,       // a source record's external id, by entity ("CONTACT")
};

// "public", "personal" or "sensitive".
absl::string_view FieldClassName(FieldClass c);

// The class of every named field: the built-in table (docs/governance.md)
// with a ClassificationConfig's entries over it; a name in neither is
// personal. Immutable value type, so thread-safe.
class Classification {
 public:
  // The built-in table only.
  Classification();

  // The built-in table with `config`'s entries replacing their names'
  // classes. INVALID_ARGUMENT naming the entry (e.g.
  // `classification.traits["title"]: "secret" is not a class; ...`) for an
  // unknown class, an identifier type not in docs/sources.md, an entity that
  // is not a hub.v1.EntityType name, an empty name or a negative
  // read_audit_interval_ms.
  static absl::StatusOr<Classification> FromConfig(
      const hub::v1::ClassificationConfig& config);

  FieldClass Of(FieldKind kind, absl::string_view name) const;

 private:
  absl::flat_hash_map<std::string, FieldClass>& MapOf(FieldKind kind);
  const absl::flat_hash_map<std::string, FieldClass>& MapOf(FieldKind kind) const;

  absl::flat_hash_map<std::string, FieldClass> traits_, account_traits_, identifiers_,
      event_properties_, record_ids_;
};

// What a role sees of a value of some class.
enum class Treatment {
  kRaw,     // the value as stored
  kMasked,  // "a***@acme.example", "+*********23", "A***"
  kHashed,  // "hmac:" + 16 hex digits of HMAC-SHA256(key, value)
};

// admin and steward: raw; service: personal raw, sensitive hashed; analyst
// and any other role: personal masked, sensitive hashed. Public is raw for
// everyone.
Treatment TreatmentOf(absl::string_view role, FieldClass c);

// True if `role` sees personal data other than raw (its reads are not
// audited, its errors are scrubbed, it may not filter by personal fields).
bool MasksPersonal(absl::string_view role);

// The masked form of `value`: an email (one '@') keeps its first character
// and domain ("a***@acme.example"); a phone (digits, at least 7, and
// + ( ) - . space) has every digit but the last two replaced by '*'
// ("+*********23"); anything else keeps its first character (a UTF-8
// sequence) followed by "***". Empty stays empty. For values of unknown
// meaning, e.g. an echo in an error message.
std::string MaskValue(absl::string_view value);

// The masked form of the value of field `name` (a trait, identifier type,
// property or entity): as MaskValue, but the phone form only for a field
// whose name holds "phone", so that a numeric id ("zendesk.user_id") keeps
// only its first character.
std::string MaskField(absl::string_view name, absl::string_view value);

// "hmac:" + the first 16 lower-case hex digits of HMAC-SHA256(key, value).
// Equal values give equal hashes under one key, so analysts can count
// distinct values; another key gives unrelated hashes.
std::string KeyedHash(absl::string_view key, absl::string_view value);

// Masks responses for a role. Pure apart from the key; immutable, so
// thread-safe.
class Masker {
 public:
  // `key`: the secret of keyed hashes (the store's "masking_key").
  Masker(Classification classes, std::string key)
      : classes_(std::move(classes)), key_(std::move(key)) {}

  // Each Apply rewrites the non-public values of a response in place as
  // `role` may see them and returns the names of the resources
  // ("profiles/12", "accounts/3") whose personal or sensitive values it left
  // raw: the unmasked reads to audit (empty for an analyst, and for a
  // response holding only public values).
  std::vector<std::string> Apply(absl::string_view role, hub::v1::Profile* profile) const;
  std::vector<std::string> Apply(absl::string_view role, hub::v1::Account* account) const;
  std::vector<std::string> Apply(absl::string_view role,
                                 hub::v1::ListProfilesResponse* response) const;
  std::vector<std::string> Apply(absl::string_view role,
                                 hub::v1::ListAccountsResponse* response) const;
  std::vector<std::string> Apply(absl::string_view role,
                                 hub::v1::ListAccountMembersResponse* response) const;
  std::vector<std::string> Apply(absl::string_view role,
                                 hub::v1::ListProfileEventsResponse* response) const;
  std::vector<std::string> Apply(absl::string_view role,
                                 hub::v1::BatchGetProfilesResponse* response) const;

  // For a role that MasksPersonal, `status` with every echo of the
  // request's string fields in its message masked (MaskValue), as typed,
  // trimmed, lower-cased and as normalised email or phone, and any other
  // word holding an '@' masked too: an error must not hand a masked role a
  // raw value, not even its own input. Other roles and OK: `status` as is.
  absl::Status ScrubError(absl::string_view role, const absl::Status& status,
                          const google::protobuf::Message& request) const;
  // `text` scrubbed as ScrubError scrubs a message (unchanged for a role
  // that does not MasksPersonal): for text that echoes the request outside
  // a status, such as a batch item's requested name.
  std::string ScrubText(absl::string_view role, absl::string_view text,
                        const google::protobuf::Message& request) const;

  // PERMISSION_DENIED naming `field` if `role` MasksPersonal and the account
  // trait `trait` is not public (a filter or grouping on it would reveal its
  // values); OK otherwise.
  absl::Status CheckAccountTraitFilter(absl::string_view role, absl::string_view trait,
                                       absl::string_view field) const {
    return CheckTraitFilter(role, FieldKind::kAccountTrait, trait, field);
  }
  // As CheckAccountTraitFilter, for a trait of `kind` (kTrait or
  // kAccountTrait).
  absl::Status CheckTraitFilter(absl::string_view role, FieldKind kind, absl::string_view trait,
                                absl::string_view field) const;

  const Classification& classes() const { return classes_; }

 private:
  // Rewrites `value` of field `name` of class `c` for `role`; true if it
  // stayed raw while not public.
  bool Treat(absl::string_view role, absl::string_view name, FieldClass c,
             std::string* value) const;
  bool ApplyTraits(absl::string_view role, FieldKind kind,
                   google::protobuf::RepeatedPtrField<hub::v1::Trait>* traits) const;
  bool ApplyIdentifiers(
      absl::string_view role,
      google::protobuf::RepeatedPtrField<hub::v1::ProfileIdentifier>* ids) const;
  bool ApplyRecords(absl::string_view role,
                    google::protobuf::RepeatedPtrField<hub::v1::SourceRecordRef>* records) const;
  bool ApplyEvent(absl::string_view role, hub::v1::Event* event) const;

  Classification classes_;
  std::string key_;
};

}  // namespace hub

#endif  // HUB_HUB_MASKING_H_
