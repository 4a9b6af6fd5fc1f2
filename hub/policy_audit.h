// Policy changes made through the configuration file, in the audit log.
#ifndef HUB_HUB_POLICY_AUDIT_H_
#define HUB_HUB_POLICY_AUDIT_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "hub/v1/config.pb.h"
#include "profile/store/store.h"

namespace hub {

// The digest (hex SHA-256 of its deterministic serialisation) of each policy
// section of `config` that is set, by field name: every field of HubConfig
// but the operational listen_address, db_path and max_batch_records, so a
// section added later is audited without anyone remembering to.
std::map<std::string, std::string> PolicyDigests(const hub::v1::HubConfig& config);

// Compares the policy sections of `config` with those last audited in
// `store` and, if any was set, changed or removed, appends one
// "PolicyChanged" audit entry naming them (actor "hubd", role "system") and
// records the new digests, in one transaction. Returns the entry, or
// seq 0 if nothing changed. hubd calls it at start-up, once the
// configuration has been accepted.
absl::StatusOr<AuditEntry> AuditPolicyChanges(Store* store,
                                              const hub::v1::HubConfig& config);

}  // namespace hub

#endif  // HUB_HUB_POLICY_AUDIT_H_
