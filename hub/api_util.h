// Resource names and page tokens of the hub.v1 API.
#ifndef HUB_HUB_API_UTIL_H_
#define HUB_HUB_API_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "profile/store/store.h"

namespace hub {

// Parses "{collection}/{id}" (e.g. "profiles/12") where id is a positive
// integer. INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<int64_t> ParseIdName(absl::string_view name,
                                    absl::string_view collection,
                                    absl::string_view field);

// Parses "profiles/{id}" (a person) or "accounts/{id}" (an account), id a
// positive integer. INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::pair<Side, int64_t>> ParseProfileOrAccountName(
    absl::string_view name, absl::string_view field);

// Parses "sources/{source_id}". INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> ParseSourceName(absl::string_view name,
                                            absl::string_view field);

// Parses "sources/{source_id}/syncJobs/{job_id}".
absl::StatusOr<std::pair<std::string, int64_t>> ParseSyncJobName(
    absl::string_view name);

// True for a valid source id: [a-z0-9-]{1,63}.
bool IsValidSourceId(absl::string_view id);

// An opaque page token: a tag naming the list call plus integers, encoded as
// web-safe base64. Decoding fails with INVALID_ARGUMENT ("page_token: ...")
// unless the token came from EncodePageToken with the same tag and count.
std::string EncodePageToken(absl::string_view tag,
                            const std::vector<int64_t>& values);
absl::StatusOr<std::vector<int64_t>> DecodePageToken(absl::string_view token,
                                                     absl::string_view tag,
                                                     size_t count);

// Clamps a page_size: 0 -> `default_size`, > `max_size` -> `max_size`;
// negative is INVALID_ARGUMENT.
absl::StatusOr<int> PageSize(int32_t requested, int default_size,
                             int max_size);

}  // namespace hub

#endif  // HUB_HUB_API_UTIL_H_
