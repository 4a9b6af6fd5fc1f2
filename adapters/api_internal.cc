#include "adapters/api_internal.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace hub {
namespace adapters_internal {

absl::StatusOr<std::string> ReadApiToken(const hub::v1::Source& source,
                                         absl::string_view kind) {
  if (source.token_env().empty() == source.token_file().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("token_env, token_file: exactly one must be set for a ",
                     kind, " source"));
  }
  if (!source.token_env().empty()) {
    const char* value = std::getenv(source.token_env().c_str());
    if (value == nullptr || *value == '\0') {
      return absl::InvalidArgumentError(
          absl::StrCat("token_env: environment variable \"", source.token_env(),
                       "\" is not set or empty"));
    }
    return std::string(absl::StripAsciiWhitespace(value));
  }
  std::ifstream in(source.token_file());
  std::stringstream text;
  text << in.rdbuf();
  std::string token(absl::StripAsciiWhitespace(text.str()));
  if (!in.is_open() || token.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "token_file: \"", source.token_file(), "\" is not readable or empty"));
  }
  return token;
}

std::string UrlEscape(absl::string_view value) {
  std::string out;
  for (unsigned char c : value) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' ||
        c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

}  // namespace adapters_internal
}  // namespace hub
