// Helpers shared by the API adapters (internal to adapters/).
#ifndef HUB_ADAPTERS_API_INTERNAL_H_
#define HUB_ADAPTERS_API_INTERNAL_H_

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/adapter_options.h"
#include "adapters/http/api_client.h"
#include "adapters/http/http_client.h"
#include "hub/v1/sync_service.pb.h"

namespace hub {
namespace adapters_internal {

// The token a Source of `kind` names: the value of the environment variable
// token_env, or the content of token_file, surrounding whitespace removed.
// INVALID_ARGUMENT naming the field if not exactly one of them is set, or
// the variable or file is unset, unreadable or empty.
absl::StatusOr<std::string> ReadApiToken(const hub::v1::Source& source,
                                         absl::string_view kind);

// Percent-encodes every byte of `value` outside [A-Za-z0-9-_.~], for a URL
// query value or path segment.
std::string UrlEscape(absl::string_view value);

// The ApiClientOptions of an API adapter: `source`'s base_url with `auth`,
// the adapter's knobs (`Knobs` has retry, max_requests, deadline,
// request_timeout, clock and jitter, as ZendeskApiOptions does), bounded by
// the run's deadline and request budget from `options`
// (Source.sync_timeout, max_requests). Checks base_url and ca_file now, so
// that CreateSource rejects an unusable source naming the field.
template <typename Knobs>
absl::StatusOr<ApiClientOptions> ApiClientOptionsFor(const hub::v1::Source& source,
                                                     const AdapterOptions& options,
                                                     Knobs knobs, HttpAuth auth) {
  ApiClientOptions client;
  client.base_url = source.base_url();
  client.auth = std::move(auth);
  client.retry = knobs.retry;
  client.max_requests = options.max_requests > 0 ? options.max_requests : knobs.max_requests;
  client.deadline = std::min(knobs.deadline, options.deadline);
  client.request_timeout = knobs.request_timeout;
  client.clock = knobs.clock;
  client.jitter = std::move(knobs.jitter);
  CurlHttpClientOptions curl;
  curl.ca_file = source.ca_file();
  absl::StatusOr<std::unique_ptr<HttpClient>> http = CurlHttpClient::Create(curl);
  if (!http.ok()) return http.status();
  absl::Status valid = ApiClient::Create(*std::move(http), client).status();
  if (!valid.ok()) return valid;
  return client;
}

}  // namespace adapters_internal
}  // namespace hub

#endif  // HUB_ADAPTERS_API_INTERNAL_H_
