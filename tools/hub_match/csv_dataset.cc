#include "tools/hub_match/csv_dataset.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "adapters/csv_reader.h"
#include "match/matcher.h"
#include "profile/base/status_macros.h"
#include "profile/base/text_proto.h"

namespace hub::match {
absl::StatusOr<hub::v1::MatchConfig> LoadMatchConfig(const std::string& path) {
  hub::v1::MatchConfig config;
  HUB_RETURN_IF_ERROR(ReadTextProto(path, &config));
  absl::StatusOr<hub::v1::MatchConfig> finished = FinishMatchConfig(config);
  if (!finished.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", finished.status().message()));
  }
  return finished;
}

absl::Status LoadCsv(const std::string& path, int source,
                     const hub::v1::MatchConfig& config, Dataset* data) {
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> reader, CsvReader::Open(path));
  reader->set_skip_initial_space(config.skip_initial_space());
  std::vector<std::string> row;
  HUB_ASSIGN_OR_RETURN(bool has_header, reader->ReadRow(&row));
  if (!has_header) return absl::InvalidArgumentError(absl::StrCat(path, ": empty file"));
  std::vector<std::string> header;
  for (const std::string& h : row) {
    header.emplace_back(absl::StripAsciiWhitespace(h));
  }
  auto find = [&](const std::string& name) -> int {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  std::vector<int> positions;
  for (int c = 0; c < data->num_columns(); ++c) {
    const int at = find(data->column_name(c));
    if (at < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": no column \"", data->column_name(c), "\" in the header"));
    }
    positions.push_back(at);
  }
  int id_at = -1;
  if (!config.id_column().empty()) {
    id_at = find(config.id_column());
    if (id_at < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": id_column \"", config.id_column(), "\" is not in the header"));
    }
  }
  std::vector<std::string> values(positions.size());
  for (int64_t number = 1;; ++number) {
    HUB_ASSIGN_OR_RETURN(bool more, reader->ReadRow(&row));
    if (!more) break;
    if (row.size() != header.size()) {
      return absl::DataLossError(absl::StrCat(path, ":", reader->row_line(), ": ",
                                              row.size(), " fields, the header has ",
                                              header.size()));
    }
    for (size_t c = 0; c < positions.size(); ++c) values[c] = row[positions[c]];
    data->Add(id_at < 0 ? absl::StrCat(number) : row[id_at], source, values);
  }
  return absl::OkStatus();
}

}  // namespace hub::match
