// Validation of incoming source records: the data-quality gate of ingest.
#ifndef HUB_PROFILE_INGEST_VALIDATOR_H_
#define HUB_PROFILE_INGEST_VALIDATOR_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hub/v1/records.pb.h"
#include "profile/store/store.h"

namespace hub {

// A normalised identifier.
struct Key {
  std::string type;
  std::string value;
  Side side = Side::kPerson;
  bool operator==(const Key& o) const {
    return type == o.type && value == o.value && side == o.side;
  }
};

// A normalised link.
struct ResolvedLink {
  std::string relation;  // "account" or "person"
  Key target;
};

// A record that passed validation, with its identifiers normalised.
struct ValidatedRecord {
  // Identifiers of the entity the record describes (or of the person who
  // acted, for activities): normalised, without duplicates or blocked values.
  std::vector<Key> identifiers;
  std::vector<ResolvedLink> links;
};

// Which side a record's own identity is on: persons for contacts, leads and
// person activities; accounts for accounts; none for opportunities.
enum class RecordRole { kPerson, kAccount, kAccountEvent };
RecordRole RoleOf(hub::v1::EntityType entity);
bool IsActivity(hub::v1::EntityType entity);

// Limits applied by ValidateRecord.
struct ValidationLimits {
  size_t max_external_id_bytes = 256;   // default 256
  size_t max_name_bytes = 256;          // source, types, keys (256)
  size_t max_identifier_bytes = 1024;   // an identifier value (1 KiB)
  size_t max_value_bytes = 64 * 1024;   // per attribute/property (64 KiB)
  size_t max_identifiers = 256;         // per record
  absl::Duration max_future = absl::Hours(24);  // updated_at beyond now
};

// Checks a record against the data-quality rules and normalises its
// identifiers and links. Pure. Returns INVALID_ARGUMENT whose message is the
// quarantine reason and names the field, e.g.
//   `identifiers[0]: invalid email "ana.acme.example": expected exactly one '@'...`
// Rules: source and external_id present; entity set; updated_at set and in
// [1970-01-01, now + max_future]; activities need occurred_at; identifier
// types known and of the record's side, values valid for their type; link
// relations "account"/"person" with a target of the right side; sizes within
// limits; every string valid UTF-8 (as protobuf requires to read it back).
absl::StatusOr<ValidatedRecord> ValidateRecord(
    const hub::v1::SourceRecord& record, absl::Time now,
    const ValidationLimits& limits = {});

// Replaces the bytes of any invalid UTF-8 string in `record` with U+FFFD, so
// a record quarantined for bad encoding can still be stored and listed.
void SanitizeUtf8(hub::v1::SourceRecord* record);
void SanitizeUtf8(std::string* text);

}  // namespace hub

#endif  // HUB_PROFILE_INGEST_VALIDATOR_H_
