// Plain-text layout for hubctl's table output: aligned columns and labelled
// fields, with values escaped so that source data cannot drive the terminal.
#ifndef HUB_TOOLS_HUBCTL_TABLE_H_
#define HUB_TOOLS_HUBCTL_TABLE_H_

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hubctl {

// Returns `s` with control characters (C0, DEL, C1) written as escapes
// ("\n", "\t", "\r", "\x1b", "\u0085") and each byte of invalid UTF-8 as
// "\xNN"; other text, including valid non-ASCII UTF-8, is kept.
std::string EscapeForTerminal(std::string_view s);

// The number of code points in UTF-8 `s`: its width on a terminal for text
// without wide (East Asian) or combining characters.
size_t DisplayWidth(std::string_view s);

// Returns the longest prefix of UTF-8 `s` at most `width` display columns
// wide, cut at a code point boundary.
std::string_view TruncateToWidth(std::string_view s, size_t width);

// Appends `s` to `out` padded with spaces to `width` display columns.
void AppendPadded(std::string* out, std::string_view s, size_t width);

// Rows of cells printed as left-aligned columns two spaces apart, each line
// prefixed by an indent. The last column is not padded, so lines carry no
// trailing spaces. Cells are escaped with EscapeForTerminal. A value type;
// not thread-safe.
class Table {
 public:
  // `header` is printed as the first row; empty for no header row.
  explicit Table(std::vector<std::string> header = {});

  // Adds a row; missing trailing cells print as empty.
  void AddRow(std::vector<std::string> cells);

  // True if no rows were added (the header does not count).
  bool empty() const { return rows_.empty(); }

  // Writes the header and rows, one line each, each starting with `indent`.
  void Print(std::ostream& out, std::string_view indent = "") const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// A labelled field of a resource view, e.g. {"account", "accounts/3"}.
using Field = std::pair<std::string, std::string>;

// Writes one "  label  value" line per field with the values aligned.
void PrintFields(std::ostream& out, const std::vector<Field>& fields);

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_TABLE_H_
