// An independent reader of a hub-sample export for the tests: maps every file
// to the records an adapter yields per docs/sources.md, with their
// identifiers and the quarantine reason ingest would give. Shares no code
// with hub-sample, so that it checks the generator rather than echoes it.
#ifndef HUB_TESTS_TOOLS_EXPORT_READER_H_
#define HUB_TESTS_TOOLS_EXPORT_READER_H_

#include <string>
#include <vector>

namespace hub::sample::testing {

struct ParsedId {
  std::string type;   // identifier type of docs/sources.md, e.g. "email"
  std::string value;  // as written in the file
};

struct ParsedRecord {
  std::string source, entity, external_id;
  std::vector<ParsedId> ids;
  std::string
      account_id;  // OPPORTUNITY: its AccountId (links the account fragment)
  std::string invalid;  // "", "invalid email", "invalid timestamp", "missing
                        // external_id"
};

struct CsvField {
  std::string value;
  bool quoted = false;
};

// RFC 4180 parsing (quoted fields may hold commas, doubled quotes and
// newlines). Appends a problem and stops on malformed input.
std::vector<std::vector<CsvField>> ParseCsv(const std::string& text,
                                            std::vector<std::string>* problems);

struct Export {
  std::vector<ParsedRecord> records;  // in file order
  std::vector<std::string> problems;  // anything not as the contract says
  std::vector<std::string>
      account_domains;  // normalised domains of ACCOUNT records
  std::string latest;   // the latest valid ISO updated_at seen (GA4 aside)
};

// Reads the export under `dir`.
Export ReadExport(const std::string& dir);

std::string ReadFile(const std::string& path);

// Identifier normalisation, written independently of hub-sample's.
std::string NormalizeId(const std::string& type, const std::string& value);
bool IsPersonSide(const std::string& type);

}  // namespace hub::sample::testing

#endif  // HUB_TESTS_TOOLS_EXPORT_READER_H_
