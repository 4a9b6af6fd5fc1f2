#include "hub/permissions.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace {

using RoleList = std::vector<absl::string_view>;

const absl::flat_hash_map<std::string, RoleList>& Table() {
  // Profile reads: every role but sync, which only brings records in.
  const RoleList readers = {"admin", "steward", "analyst", "service"};
  // Identity stewardship, the audit log and the quarantine.
  const RoleList stewards = {"admin", "steward"};
  const RoleList analysts = {"admin", "analyst"};
  // What hub-sync and an external sync scheduler need.
  const RoleList syncers = {"admin", "sync"};
  const RoleList admins = {"admin"};
  static const auto* table = new absl::flat_hash_map<std::string, RoleList>{
      {"hub.v1.ProfileService/GetProfile", readers},
      {"hub.v1.ProfileService/LookupProfile", readers},
      {"hub.v1.ProfileService/BatchGetProfiles", readers},
      {"hub.v1.ProfileService/ListProfiles", readers},
      {"hub.v1.ProfileService/ListProfileEvents", readers},
      {"hub.v1.ProfileService/GetAccount", readers},
      {"hub.v1.ProfileService/ListAccounts", readers},
      {"hub.v1.ProfileService/ListAccountMembers", readers},
      {"hub.v1.ProfileService/ListIdentityRefusals", stewards},
      {"hub.v1.ProfileService/MergeProfiles", stewards},
      {"hub.v1.ProfileService/UnmergeProfile", stewards},
      {"hub.v1.ProfileService/ListMerges", stewards},
      {"hub.v1.ProfileService/AddDoNotLink", stewards},
      {"hub.v1.ProfileService/ListMergeSuggestions", stewards},
      {"hub.v1.ProfileService/AcceptMergeSuggestion", stewards},
      {"hub.v1.ProfileService/RejectMergeSuggestion", stewards},
      {"hub.v1.ProfileService/WatchProfileChanges", readers},
      {"hub.v1.MetricsService/ListStageTransitions", analysts},
      {"hub.v1.MetricsService/GetFunnel", analysts},
      {"hub.v1.MetricsService/GetStageMetrics", analysts},
      {"hub.v1.MetricsService/GetCustomerValue", analysts},
      {"hub.v1.SyncService/CreateSource", admins},
      {"hub.v1.SyncService/GetSource", admins},
      {"hub.v1.SyncService/ListSources", admins},
      {"hub.v1.SyncService/RunSync", syncers},
      {"hub.v1.SyncService/GetSyncJob", syncers},
      {"hub.v1.SyncService/ListSyncJobs", admins},
      {"hub.v1.SyncService/CancelSyncJob", admins},
      {"hub.v1.SyncService/GetSourceCursor", syncers},
      {"hub.v1.SyncService/IngestRecords", syncers},
      {"hub.v1.GovernanceService/ListAuditEntries", stewards},
      {"hub.v1.GovernanceService/VerifyAuditLog", stewards},
      {"hub.v1.GovernanceService/ListQuarantine", stewards},
      {"hub.v1.GovernanceService/ReleaseQuarantine", stewards},
      {"hub.v1.GovernanceService/DiscardQuarantine", stewards},
      {"hub.v1.GovernanceService/EraseSubject", stewards},
      {"hub.v1.GovernanceService/ExportSubject", stewards},
      {"hub.v1.GovernanceService/GetConsent", {"admin", "steward", "service"}},
      {"hub.v1.GovernanceService/SetConsent", stewards},
      {"hub.v1.GovernanceService/PlaceLegalHold", stewards},
      {"hub.v1.GovernanceService/ReleaseLegalHold", stewards},
      {"hub.v1.GovernanceService/ListLegalHolds", stewards},
      {"hub.v1.GovernanceService/PurgeExpired", stewards},
  };
  return *table;
}

}  // namespace

const std::vector<absl::string_view>& Roles() {
  static const auto* roles =
      new RoleList{"admin", "steward", "analyst", "service", "sync"};
  return *roles;
}

bool IsRole(absl::string_view role) {
  const RoleList& roles = Roles();
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

const std::vector<absl::string_view>& AllowedRoles(absl::string_view method) {
  static const auto* none = new RoleList;
  auto it = Table().find(method);
  return it == Table().end() ? *none : it->second;
}

absl::StatusOr<Principal> Authorize(const Authenticator& auth,
                                    const grpc::ServerContextBase& context,
                                    absl::string_view method) {
  HUB_ASSIGN_OR_RETURN(Principal who, auth.Authenticate(context));
  const RoleList& allowed = AllowedRoles(method);
  if (std::find(allowed.begin(), allowed.end(), who.role) != allowed.end()) {
    who.method = std::string(method);
    return who;
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "role \"", who.role, "\" of ", who.name, " may not call ", method, " (allowed: ",
      allowed.empty() ? "nobody" : absl::StrJoin(allowed, ", "), ")"));
}

}  // namespace hub
