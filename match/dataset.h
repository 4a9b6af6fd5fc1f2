// Dataset: the records a matcher run compares, column by column, with every
// value normalised and interned once.
#ifndef HUB_MATCH_DATASET_H_
#define HUB_MATCH_DATASET_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"

namespace hub::match {

// One column: each record's value as an id into `values`, id 0 meaning
// missing. Interning makes exact comparison an integer compare and gives
// each value's frequency (for term-frequency adjustment) for free.
struct Column {
  std::vector<uint32_t> ids;        // by record
  std::vector<std::string> values;  // by id; values[0] == ""
  std::vector<uint32_t> counts;     // by id: records holding the value
  uint32_t present = 0;             // records with a value
};

// Lower-cases ASCII, trims and collapses runs of whitespace to one space.
std::string NormalizeValue(absl::string_view raw);

// Records from one file (dedupe) or two (link: source 0 and 1), with the
// columns named at construction. Memory: one 32-bit id per record and
// column plus each distinct value once. Not thread-safe to build; read-only
// use from several threads is safe.
class Dataset {
 public:
  // `missing` holds, per column, normalised values that count as missing.
  Dataset(std::vector<std::string> columns,
          std::vector<absl::flat_hash_set<std::string>> missing);

  // Appends a record; `values` are raw, one per column.
  void Add(std::string id, int source, const std::vector<std::string>& values);

  size_t size() const { return ids_.size(); }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  const std::string& column_name(int c) const { return names_[c]; }
  // The index of the column named `name`, or -1.
  int column_index(absl::string_view name) const;
  const Column& column(int c) const { return columns_[c]; }
  const std::string& id(size_t record) const { return ids_[record]; }
  int source(size_t record) const { return sources_[record]; }
  // True once a record of source 1 was added: a linkage of two files.
  bool is_link() const { return is_link_; }

 private:
  std::vector<std::string> names_;
  std::vector<absl::flat_hash_set<std::string>> missing_;
  std::vector<Column> columns_;
  std::vector<absl::flat_hash_map<std::string, uint32_t>> interned_;
  std::vector<std::string> ids_;
  std::vector<uint8_t> sources_;
  bool is_link_ = false;
};

}  // namespace hub::match

#endif  // HUB_MATCH_DATASET_H_
