// Which roles may call which RPC: the one permission table of hubd, and the
// check every handler makes before anything else (docs/governance.md,
// "Roles").
#ifndef HUB_HUB_PERMISSIONS_H_
#define HUB_HUB_PERMISSIONS_H_

#include <grpcpp/grpcpp.h>

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hub/auth.h"

namespace hub {

// The roles a principal may hold: "admin", "steward", "analyst", "service",
// "sync".
const std::vector<absl::string_view>& Roles();

// Whether `role` is one of Roles().
bool IsRole(absl::string_view role);

// The roles allowed to call `method`, a fully-qualified RPC name such as
// "hub.v1.ProfileService/GetProfile"; empty for a method the table does not
// list (nobody may call it, not even admin).
const std::vector<absl::string_view>& AllowedRoles(absl::string_view method);

// The caller of `method`: UNAUTHENTICATED (from `auth`) when the call has
// no valid credential; PERMISSION_DENIED naming the caller's role and
// `method` when the table does not allow that role. Thread-safe.
absl::StatusOr<Principal> Authorize(const Authenticator& auth,
                                    const grpc::ServerContextBase& context,
                                    absl::string_view method);

}  // namespace hub

#endif  // HUB_HUB_PERMISSIONS_H_
