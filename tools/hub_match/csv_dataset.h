// Loading hub-match's inputs: a MatchConfig textproto and CSV files.
#ifndef HUB_TOOLS_HUB_MATCH_CSV_DATASET_H_
#define HUB_TOOLS_HUB_MATCH_CSV_DATASET_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hub/v1/match_config.pb.h"
#include "match/dataset.h"

namespace hub::match {

// Reads a MatchConfig textproto and fills in defaults (FinishMatchConfig).
// NOT_FOUND if the file is missing; INVALID_ARGUMENT with the parser's
// line:column or the bad field otherwise.
absl::StatusOr<hub::v1::MatchConfig> LoadMatchConfig(const std::string& path);

// Appends the rows of the CSV file at `path` (header first; RFC 4180 with
// quoted fields spanning lines) to `data` as source `source`. A record's id
// is its id_column value, or its 1-based row number when id_column is empty.
// INVALID_ARGUMENT if the header lacks a configured column (naming it and
// the file); DATA_LOSS "path:line: ..." for a malformed row or one of the
// wrong width; NOT_FOUND if the file is missing.
absl::Status LoadCsv(const std::string& path, int source,
                     const hub::v1::MatchConfig& config, Dataset* data);

}  // namespace hub::match

#endif  // HUB_TOOLS_HUB_MATCH_CSV_DATASET_H_
