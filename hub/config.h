// Loading hubd's configuration (textproto hub.v1.HubConfig).
#ifndef HUB_HUB_CONFIG_H_
#define HUB_HUB_CONFIG_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "profile/ingest/retention.h"
#include "hub/v1/config.pb.h"
#include "profile/consent/consent_policy.h"
#include "profile/identity/identity_policy.h"
#include "profile/lifecycle/stage_rules.h"
#include "profile/identity/profile_matcher.h"
#include "profile/survivorship/survivorship_policy.h"

namespace hub {

// The embedded default: an empty HubConfig with its defaults filled in.
hub::v1::HubConfig DefaultConfig();

// Reads a textproto HubConfig from `path` and fills in defaults for unset
// fields. Errors: NOT_FOUND if the file cannot be read; INVALID_ARGUMENT for
// a parse error (with line and column) or an invalid value (naming the field).
absl::StatusOr<hub::v1::HubConfig> LoadConfig(const std::string& path);

// Fills defaults (listen_address, db_path, max_batch_records) and checks
// values. INVALID_ARGUMENT naming the field on a bad value.
absl::Status FinishConfig(hub::v1::HubConfig* config);

// The identity policy: the defaults with `config`'s rules and blocked
// patterns applied. INVALID_ARGUMENT naming the field for an unknown type, a
// negative limit or a bad pattern.
absl::StatusOr<IdentityPolicy> BuildIdentityPolicy(
    const hub::v1::IdentityConfig& config);

// The survivorship policy of `config`. INVALID_ARGUMENT naming the field
// for an unknown or missing rule, a SOURCE_PRIORITY rule without sources
// (its own or `source_trust`), sources on another rule, an empty or repeated
// trait or source name.
absl::StatusOr<SurvivorshipPolicy> BuildSurvivorshipPolicy(
    const hub::v1::SurvivorshipConfig& config);

// The stage rules of `config` (the defaults where unset). INVALID_ARGUMENT
// "lifecycle.<field>: ..." for a value out of range or an unknown stage.
absl::StatusOr<StageRules> BuildStageRules(const hub::v1::LifecycleConfig& config);

// The write-path matcher `config.person_matching` describes, or nullopt when
// it is unset. INVALID_ARGUMENT "person_matching.<field>: ..." when it is
// not a valid MatchConfig or lacks its model (m and u per field, prior).
absl::StatusOr<std::optional<ProfileMatcher>> BuildProfileMatcher(
    const hub::v1::HubConfig& config);

// The consent policy of `config` (the built-in purposes where unset).
// INVALID_ARGUMENT "consent.<field>: ..." for a bad purpose name, an
// unknown default state or merge rule.
absl::StatusOr<ConsentPolicy> BuildConsentPolicy(const hub::v1::ConsentConfig& config);

// The retention policy of `config` (the ages of hub.v1.RetentionConfig).
// INVALID_ARGUMENT "retention.<field>: ..." for a malformed, zero or
// negative age or an empty event type.
absl::StatusOr<RetentionPolicy> BuildRetentionPolicy(const hub::v1::RetentionConfig& config);

// The operations settings with their defaults filled in (docs/operations.md):
// keepalive 60000/20000 ms, min client ping interval 10000 ms, messages up to
// 16 MiB each way, store probe every 1000 ms with a 250 ms lock wait.
hub::v1::OperationsConfig OpsWithDefaults(const hub::v1::OperationsConfig& ops);

// Checks the ops section. INVALID_ARGUMENT "ops.<field>: ..." for a negative
// value or an admin_listen_address that is not host:port.
absl::Status CheckOps(const hub::v1::OperationsConfig& ops);

// How often hubd purges on its own: zero when `purge_interval` is unset or
// "0". INVALID_ARGUMENT "retention.purge_interval: ..." when malformed or
// negative.
absl::StatusOr<absl::Duration> RetentionPurgeInterval(const hub::v1::RetentionConfig& config);

}  // namespace hub

#endif  // HUB_HUB_CONFIG_H_
