#include "hub/auth.h"

#include <openssl/rand.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace hub {

absl::Status RequireRole(const Principal& who, absl::string_view action,
                         std::initializer_list<absl::string_view> roles) {
  for (absl::string_view role : roles) {
    if (who.role == role) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "role \"", who.role, "\" of ", who.name, " may not ", action, " (needs ",
      absl::StrJoin(roles, " or "), ")"));
}

absl::StatusOr<std::string> GenerateToken() {
  unsigned char bytes[20];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return absl::InternalError("no randomness for a token");
  }
  return "hub_" + absl::BytesToHexString(absl::string_view(
                      reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

Authenticator::Authenticator(const std::vector<TokenRecord>& tokens) {
  for (const TokenRecord& t : tokens) {
    by_hash_[absl::AsciiStrToLower(t.sha256_hex)] = Principal{t.principal, t.role};
  }
}

absl::StatusOr<Principal> Authenticator::Authenticate(
    const grpc::ServerContext& context) const {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(
        "missing \"authorization: Bearer <token>\" metadata");
  }
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

}  // namespace hub
