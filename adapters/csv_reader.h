// CsvReader: a streaming RFC 4180 reader (Salesforce Bulk API 2.0 results).
#ifndef HUB_ADAPTERS_CSV_READER_H_
#define HUB_ADAPTERS_CSV_READER_H_

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace hub {

// Reads comma-separated records one at a time from a stream, in fixed-size
// chunks, so a file of any size is read in bounded memory (plus the largest
// record).
//
// Accepted syntax (RFC 4180):
//   - records end with LF or CRLF; the last record may lack a line ending;
//   - a field is either unquoted (no `"`, `,`, CR or LF inside) or enclosed in
//     double quotes, inside which `""` stands for one `"` and commas, CR and
//     LF are data (a quoted CRLF is kept as CRLF);
//   - a UTF-8 byte-order mark at the very start is skipped;
//   - an empty line between records is skipped (so a single-column file cannot
//     express an empty value).
// `a,"",` reads as three fields, all but the first empty: an empty quoted
// field and an empty unquoted field both read as "" (Bulk API: empty = null).
// Rows are returned as found; comparing their width with the header's is the
// caller's business.
//
// Not thread-safe.
class CsvReader {
 public:
  // Opens the file at `path`. Returns NOT_FOUND if it does not exist and
  // PERMISSION_DENIED if it cannot be opened.
  static absl::StatusOr<std::unique_ptr<CsvReader>> Open(
      const std::string& path);

  // Reads from `in`; `name` (e.g. a file path) prefixes error messages.
  CsvReader(std::unique_ptr<std::istream> in, std::string name);
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record into `*fields` (replacing its contents). Returns
  // true if a record was read, false at the end of the input. Returns
  // DATA_LOSS "<name>:<line>: ..." for malformed input: a quoted field not
  // closed before the end of the input (the line is where the field began),
  // a character other than `,` or a line ending after a closing quote, a `"`
  // inside an unquoted field, or a failed read. After an error the reader is
  // unusable.
  absl::StatusOr<bool> ReadRow(std::vector<std::string>* fields);

  // Ignores spaces right after each separator, for files written
  // `"a", "b", 3` (Python's skipinitialspace). Default off: RFC 4180 keeps
  // them as data.
  void set_skip_initial_space(bool skip) { skip_initial_space_ = skip; }

  // The 1-based line on which the last record read began.
  int64_t row_line() const { return row_line_; }

 private:
  static constexpr int kEof = -1;
  static constexpr size_t kChunkSize = 64 * 1024;

  int Get();
  int Peek();
  bool Fill();
  absl::Status Error(int64_t line, const char* what) const;
  absl::Status ReadQuoted(std::string* field);
  // Reads one field starting at `c`; sets `*last` when the record ended.
  absl::Status ReadField(int c, std::string* field, bool* last);

  std::unique_ptr<std::istream> in_;
  std::string name_;
  std::vector<char> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool started_ = false;
  bool failed_ = false;
  bool skip_initial_space_ = false;
  int64_t line_ = 1;
  int64_t row_line_ = 0;
};

}  // namespace hub

#endif  // HUB_ADAPTERS_CSV_READER_H_
