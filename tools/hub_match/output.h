// hub-match's run: load, match, write clusters (and scored pairs).
#ifndef HUB_TOOLS_HUB_MATCH_OUTPUT_H_
#define HUB_TOOLS_HUB_MATCH_OUTPUT_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "hub/v1/match_config.pb.h"

namespace hub::match {

struct RunOptions {
  std::vector<std::string> files;  // one (dedupe) or two (link)
  int threads = 1;
  std::string pairs_path;          // empty: no pairs file
  double min_probability = 0.2;    // for the pairs file
  std::string model_path;          // empty: no model file
  std::ostream* summary = nullptr; // human summary; null: none
};

// Loads `options.files`, matches them under `config` (from
// LoadMatchConfig) and writes one CSV row per record to `out`:
// `record_id,cluster_id`, or for a linkage `source,record_id,cluster_id`
// with source 1 or 2; a cluster's id is the id of its first record in input
// order (prefixed "<source>:" in a linkage). Errors as LoadCsv, plus
// INVALID_ARGUMENT for a config that does not fit the files. With
// `model_path`, also writes `config` with the trained model (each field's m
// and u, the prior) there: the matching section hubd's write path reads.
absl::Status RunHubMatch(const hub::v1::MatchConfig& config,
                         const RunOptions& options, std::ostream& out);

}  // namespace hub::match

#endif  // HUB_TOOLS_HUB_MATCH_OUTPUT_H_
