// SHA-256 (OpenSSL's), for hashes that must resist forgery: token hashes and
// the audit log's chain.
#ifndef HUB_PROFILE_BASE_SHA256_H_
#define HUB_PROFILE_BASE_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace hub {

// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(absl::string_view bytes);

}  // namespace hub

#endif  // HUB_PROFILE_BASE_SHA256_H_
