// Identifier types and their normalisation.
#ifndef HUB_PROFILE_IDENTITY_IDENTIFIER_H_
#define HUB_PROFILE_IDENTITY_IDENTIFIER_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "profile/store/store.h"

namespace hub {

// What is known about an identifier type.
struct IdentifierType {
  std::string name;  // e.g. "email"
  Side side = Side::kPerson;
};

// Returns the type named `name`, or nullopt if Hub does not know it. The
// known types are listed in docs/sources.md.
std::optional<IdentifierType> FindIdentifierType(absl::string_view name);

// The outcome of normalising one identifier value.
struct NormalizedValue {
  // The canonical value; empty if `blocked`.
  std::string value;
  // True for placeholder values that must never link ("null", "unknown",
  // "0", "test@test.com", ...): the identifier is ignored, not an error.
  bool blocked = false;
};

// Normalises a raw identifier value of a known type:
//   email:  trim, lower-case; must be local@domain.tld without spaces.
//   phone:  E.164: "+" and digits; 10 digits get the default region's +1;
//           7-15 digits required.
//   domain: strip scheme, "www.", port, path; lower-case; needs a dot.
//   others: trim.
// Returns INVALID_ARGUMENT naming the type and value for a malformed value.
absl::StatusOr<NormalizedValue> NormalizeIdentifier(const IdentifierType& type,
                                                    absl::string_view raw);

// The domain of a normalised email ("ana@acme.example" -> "acme.example").
absl::string_view EmailDomain(absl::string_view email);

// True for free-mail domains (gmail.com, outlook.com, ...), which never link
// a person to an account.
bool IsFreeMailDomain(absl::string_view domain);

}  // namespace hub

#endif  // HUB_PROFILE_IDENTITY_IDENTIFIER_H_
