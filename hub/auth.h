// Authentication of RPCs: bearer tokens and mTLS client certificates.
#ifndef HUB_HUB_AUTH_H_
#define HUB_HUB_AUTH_H_

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "profile/base/sha256.h"  // Sha256Hex, for token hashes
#include "profile/store/store.h"

namespace hub {

// Who is calling, and (set by Authorize) for which RPC.
struct Principal {
  std::string name;
  std::string role;
  // The full method name, e.g. "hub.v1.ProfileService/MergeProfiles".
  std::string method{};
  // Set by AtMostOnce (hub/idempotency.h) for a mutation carrying a request
  // id: RequestFingerprint of the call. ActorOf passes it on, so the audit
  // entry registers the request in the action's transaction.
  std::string request_fingerprint{};
};

// The actor of a steward request: the caller, and the request's `reason`
// and `request_id` (every steward request message has both).
template <typename Request>
Actor ActorOf(const Principal& who, const Request& req) {
  return Actor{who.name, who.role, req.reason(), req.request_id(), who.request_fingerprint};
}

// A new random token: "hub_" + 40 hex digits from the system CSPRNG.
absl::StatusOr<std::string> GenerateToken();

// Finds who is calling: from the `authorization: Bearer <token>` metadata,
// checked against the accepted tokens (kept only as SHA-256 hashes), or, on
// a call without that metadata, from the subject common name of the client
// certificate the TLS handshake verified. Immutable after construction, so
// thread-safe.
class Authenticator {
 public:
  // `by_common_name`: the principal of each client certificate subject CN.
  explicit Authenticator(const std::vector<TokenRecord>& tokens,
                         absl::flat_hash_map<std::string, Principal> by_common_name = {});

  // Returns the caller, or UNAUTHENTICATED if the authorization metadata is
  // malformed or names an unknown token, or if there is none and no
  // verified client certificate whose CN maps to a principal. A bad token
  // is refused even over a good certificate.
  absl::StatusOr<Principal> Authenticate(
      const grpc::ServerContextBase& context) const;

 private:
  absl::StatusOr<Principal> ByCertificate(const grpc::ServerContextBase& context) const;

  absl::flat_hash_map<std::string, Principal> by_hash_;
  absl::flat_hash_map<std::string, Principal> by_common_name_;
};

}  // namespace hub

#endif  // HUB_HUB_AUTH_H_
