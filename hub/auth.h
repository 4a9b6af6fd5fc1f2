// Bearer-token authentication of RPCs.
#ifndef HUB_HUB_AUTH_H_
#define HUB_HUB_AUTH_H_

#include <grpcpp/grpcpp.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "profile/base/sha256.h"  // Sha256Hex, for token hashes
#include "profile/store/store.h"

namespace hub {

// Who is calling.
struct Principal {
  std::string name;
  std::string role;
};

// OK if `who` holds one of `roles`; PERMISSION_DENIED naming the caller's
// role and the action otherwise.
absl::Status RequireRole(const Principal& who, absl::string_view action,
                         std::initializer_list<absl::string_view> roles);

// A new random token: "hub_" + 40 hex digits from the system CSPRNG.
absl::StatusOr<std::string> GenerateToken();

// Checks the `authorization: Bearer <token>` metadata of a call against the
// accepted tokens (kept only as SHA-256 hashes). Immutable after
// construction, so thread-safe.
class Authenticator {
 public:
  explicit Authenticator(const std::vector<TokenRecord>& tokens);

  // Returns the caller, or UNAUTHENTICATED if the metadata is missing,
  // malformed or names an unknown token.
  absl::StatusOr<Principal> Authenticate(
      const grpc::ServerContext& context) const;

 private:
  absl::flat_hash_map<std::string, Principal> by_hash_;
};

}  // namespace hub

#endif  // HUB_HUB_AUTH_H_
