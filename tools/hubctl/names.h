// Parsing of the resource names and ids hubctl accepts on its command line.
#ifndef HUB_TOOLS_HUBCTL_NAMES_H_
#define HUB_TOOLS_HUBCTL_NAMES_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace hubctl {

// Returns "profiles/{id}" for "profiles/{id}" or a bare "{id}", where id is a
// positive decimal integer (leading zeros are dropped: "007" -> "profiles/7").
// Fails with kInvalidArgument for anything else, including "accounts/3".
absl::StatusOr<std::string> ParseProfileName(std::string_view arg);

// As ParseProfileName, for "accounts/{id}".
absl::StatusOr<std::string> ParseAccountName(std::string_view arg);

// Returns "profiles/{id}" or "accounts/{id}" canonicalised as above. A bare
// {id} is refused (it could be either). Fails with kInvalidArgument.
absl::StatusOr<std::string> ParseProfileOrAccountName(std::string_view arg);

// As ParseProfileName, for "mergeSuggestions/{id}".
absl::StatusOr<std::string> ParseSuggestionName(std::string_view arg);

// Returns "sources/{source_id}" for "sources/{source_id}" or a bare
// "{source_id}", where source_id matches [a-z0-9-]{1,63}. Fails with
// kInvalidArgument otherwise.
absl::StatusOr<std::string> ParseSourceName(std::string_view arg);

// Returns the bare source id of "{source_id}" or "sources/{source_id}"
// (the form CreateSource takes). Fails with kInvalidArgument otherwise.
absl::StatusOr<std::string> ParseSourceId(std::string_view arg);

// Checks a full sync job name "sources/{source_id}/syncJobs/{job_id}" (job_id
// a positive integer) and returns it canonicalised. Fails with
// kInvalidArgument otherwise.
absl::StatusOr<std::string> ParseSyncJobName(std::string_view arg);

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_NAMES_H_
