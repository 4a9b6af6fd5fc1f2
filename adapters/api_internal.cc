#include "adapters/api_internal.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <utility>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "adapters/http/http_client.h"
#include "profile/base/status_macros.h"

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

absl::StatusOr<ApiClientOptions> ApiClientOptionsFor(const hub::v1::Source& source,
                                                     const AdapterOptions& options,
                                                     ApiRunOptions run, HttpAuth auth) {
  ApiClientOptions client;
  client.base_url = source.base_url();
  client.auth = std::move(auth);
  client.retry = run.retry;
  client.max_requests = options.max_requests > 0 ? options.max_requests : run.max_requests;
  client.deadline = std::min(run.deadline, options.deadline);
  client.request_timeout = run.request_timeout;
  client.clock = run.clock;
  client.jitter = std::move(run.jitter);
  CurlHttpClientOptions curl;
  curl.ca_file = source.ca_file();
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> http, CurlHttpClient::Create(curl));
  HUB_RETURN_IF_ERROR(ApiClient::Create(std::move(http), client).status());
  return client;
}

absl::StatusOr<absl::Duration> ReadQueryOverlap(const hub::v1::Source& source) {
  if (!source.has_query_overlap()) return absl::Minutes(5);
  const google::protobuf::Duration& d = source.query_overlap();
  if (d.seconds() < 0 || d.nanos() < 0 || d.nanos() > 999999999 ||
      d.seconds() > 315576000000) {
    return absl::InvalidArgumentError(absl::StrCat(
        "query_overlap: must be a non-negative Duration, got seconds=",
        d.seconds(), " nanos=", d.nanos()));
  }
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

}  // namespace adapters_internal
}  // namespace hub
