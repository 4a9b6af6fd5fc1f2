// MD5 as Mailchimp uses it: the member id (subscriber hash) is the lower-case
// hex MD5 of the lower-cased email address.
#ifndef HUB_TOOLS_HUB_SAMPLE_MD5_H_
#define HUB_TOOLS_HUB_SAMPLE_MD5_H_

#include <string>
#include <string_view>

namespace hub::sample {

// The 32-character lower-case hex MD5 digest of `data` (RFC 1321).
std::string Md5Hex(std::string_view data);

}  // namespace hub::sample

#endif  // HUB_TOOLS_HUB_SAMPLE_MD5_H_
