#include "match/dataset.h"

#include <utility>

#include "absl/strings/ascii.h"

namespace hub::match {

std::string NormalizeValue(absl::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  bool space = false;
  for (char c : raw) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

Dataset::Dataset(std::vector<std::string> columns,
                 std::vector<absl::flat_hash_set<std::string>> missing)
    : names_(std::move(columns)),
      missing_(std::move(missing)),
      columns_(names_.size()),
      interned_(names_.size()) {
  missing_.resize(names_.size());
  for (Column& column : columns_) {
    column.values.push_back("");
    column.counts.push_back(0);
  }
}

int Dataset::column_index(absl::string_view name) const {
  for (size_t c = 0; c < names_.size(); ++c) {
    if (names_[c] == name) return static_cast<int>(c);
  }
  return -1;
}

void Dataset::Add(std::string id, int source,
                  const std::vector<std::string>& values) {
  ids_.push_back(std::move(id));
  sources_.push_back(static_cast<uint8_t>(source));
  if (source != 0) is_link_ = true;
  for (size_t c = 0; c < columns_.size(); ++c) {
    Column& column = columns_[c];
    std::string value = NormalizeValue(values[c]);
    uint32_t value_id = 0;
    if (!value.empty() && !missing_[c].contains(value)) {
      auto [it, inserted] = interned_[c].try_emplace(
          std::move(value), static_cast<uint32_t>(column.values.size()));
      if (inserted) {
        column.values.push_back(it->first);
        column.counts.push_back(0);
      }
      value_id = it->second;
      ++column.counts[value_id];
      ++column.present;
    }
    column.ids.push_back(value_id);
  }
}

}  // namespace hub::match
