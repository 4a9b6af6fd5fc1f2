#include "hub/auth.h"

#include <grpc/grpc_security_constants.h>
#include <openssl/rand.h>

#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace hub {

absl::StatusOr<std::string> GenerateToken() {
  unsigned char bytes[20];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return absl::InternalError("no randomness for a token");
  }
  return "hub_" + absl::BytesToHexString(absl::string_view(
                      reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

Authenticator::Authenticator(const std::vector<TokenRecord>& tokens,
                             absl::flat_hash_map<std::string, Principal> by_common_name)
    : by_common_name_(std::move(by_common_name)) {
  for (const TokenRecord& t : tokens) {
    by_hash_[absl::AsciiStrToLower(t.sha256_hex)] = Principal{t.principal, t.role};
  }
}

absl::StatusOr<Principal> Authenticator::Authenticate(
    const grpc::ServerContextBase& context) const {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return ByCertificate(context);
  absl::string_view value(it->second.data(), it->second.size());
  if (!absl::ConsumePrefix(&value, "Bearer ") &&
      !absl::ConsumePrefix(&value, "bearer ")) {
    return absl::UnauthenticatedError(
        "authorization metadata must be \"Bearer <token>\"");
  }
  auto found = by_hash_.find(Sha256Hex(absl::StripAsciiWhitespace(value)));
  if (found == by_hash_.end()) {
    return absl::UnauthenticatedError("invalid token");
  }
  return found->second;
}

absl::StatusOr<Principal> Authenticator::ByCertificate(
    const grpc::ServerContextBase& context) const {
  std::shared_ptr<const grpc::AuthContext> peer = context.auth_context();
  if (peer == nullptr || !peer->IsPeerAuthenticated()) {
    return absl::UnauthenticatedError(
        "missing \"authorization: Bearer <token>\" metadata");
  }
  std::vector<grpc::string_ref> names = peer->FindPropertyValues(GRPC_X509_CN_PROPERTY_NAME);
  if (names.empty()) {
    return absl::UnauthenticatedError("the client certificate has no subject CN");
  }
  std::string name(names.front().data(), names.front().size());
  auto found = by_common_name_.find(name);
  if (found == by_common_name_.end()) {
    return absl::UnauthenticatedError(
        absl::StrCat("client certificate CN \"", name, "\" maps to no principal"));
  }
  return found->second;
}

}  // namespace hub
