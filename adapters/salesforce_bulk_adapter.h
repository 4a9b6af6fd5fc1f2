// SalesforceBulkAdapter: reads a folder of Salesforce Bulk API 2.0 query
// results (docs/sources.md, "salesforce/").
#ifndef HUB_ADAPTERS_SALESFORCE_BULK_ADAPTER_H_
#define HUB_ADAPTERS_SALESFORCE_BULK_ADAPTER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "adapters/adapter_options.h"
#include "adapters/source_adapter.h"
#include "hub/v1/sync_service.pb.h"

namespace hub {

// Reads Account.csv, Contact.csv, Lead.csv and Opportunity.csv, in that
// order, from the source's folder (a missing file is skipped), streaming
// each with CsvReader and mapping rows with MapSalesforceRow.
//
// Cursor: for each file with rows consumed, "<file>:<rows consumed>" (data
// rows, header excluded), joined by ";" in file order, e.g.
// "Account.csv:120;Contact.csv:35". A Pull reads every file from its count
// onwards, so rows appended to any file after a run are read by the next.
// A cursor naming an unknown file, repeating one, or counting more rows
// than the file has is INVALID_ARGUMENT.
//
// A row whose width differs from the header's or a broken quote fails the
// pull with DATA_LOSS "<file>:<line>: ...". Bytes that are not UTF-8 are
// replaced with U+FFFD (protobuf strings must be UTF-8), keeping the row.
//
// Not thread-safe; one Pull at a time.
class SalesforceBulkAdapter : public SourceAdapter {
 public:
  // Builds the adapter for `source` (kind "salesforce", `path` the export
  // folder). INVALID_ARGUMENT naming `path` if it is empty or not a readable
  // directory.
  static absl::StatusOr<std::unique_ptr<SourceAdapter>> Create(
      const hub::v1::Source& source, const AdapterOptions& options);

  absl::Status Pull(const std::string& cursor, RecordSink* sink) override;

 private:
  SalesforceBulkAdapter(std::string source, std::string path,
                        AdapterOptions options);

  std::string source_;
  std::string path_;
  AdapterOptions options_;
};

}  // namespace hub

#endif  // HUB_ADAPTERS_SALESFORCE_BULK_ADAPTER_H_
