// Helpers shared by the API adapters (internal to adapters/).
#ifndef HUB_ADAPTERS_API_INTERNAL_H_
#define HUB_ADAPTERS_API_INTERNAL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "adapters/adapter_options.h"
#include "adapters/http/api_client.h"
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

// The ApiClientOptions of an API adapter: `source`'s base_url with `auth`
// and the adapter's `run` options, bounded by the run's deadline and
// request budget from `options` (Source.sync_timeout, max_requests). Checks
// base_url and ca_file now, so that CreateSource rejects an unusable source
// naming the field.
absl::StatusOr<ApiClientOptions> ApiClientOptionsFor(const hub::v1::Source& source,
                                                     const AdapterOptions& options,
                                                     ApiRunOptions run, HttpAuth auth);

// Source.query_overlap, the look-back of an incremental query by
// modification time (default 5 minutes). INVALID_ARGUMENT naming the field
// if it is not a non-negative Duration.
absl::StatusOr<absl::Duration> ReadQueryOverlap(const hub::v1::Source& source);

}  // namespace adapters_internal
}  // namespace hub

#endif  // HUB_ADAPTERS_API_INTERNAL_H_
