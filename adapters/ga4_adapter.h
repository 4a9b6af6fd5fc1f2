// Ga4Adapter: reads a GA4 BigQuery NDJSON export (docs/sources.md, "ga4/").
#ifndef HUB_ADAPTERS_GA4_ADAPTER_H_
#define HUB_ADAPTERS_GA4_ADAPTER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "adapters/adapter_options.h"
#include "adapters/source_adapter.h"
#include "hub/v1/sync_service.pb.h"

namespace hub {

// Reads the daily files events_YYYYMMDD.ndjson of the source's folder in
// date order (other files are ignored), line by line, mapping each row with
// MapGa4Row; blank lines are skipped.
//
// Cursor: "events_YYYYMMDD.ndjson:<lines consumed>" — that day file is
// consumed up to the line and every earlier day file entirely. A Pull
// resumes there and then reads every later day file. A cursor past the end
// of its file is INVALID_ARGUMENT; one whose file is gone resumes with the
// next later file.
//
// A line that is not a JSON object fails the pull with DATA_LOSS
// "<file>:<line>: ...".
//
// Not thread-safe; one Pull at a time.
class Ga4Adapter : public SourceAdapter {
 public:
  // Builds the adapter for `source` (kind "ga4"). INVALID_ARGUMENT naming
  // `path` if it is empty or not a readable directory.
  static absl::StatusOr<std::unique_ptr<SourceAdapter>> Create(
      const hub::v1::Source& source, const AdapterOptions& options);

  absl::Status Pull(const std::string& cursor, RecordSink* sink) override;

 private:
  Ga4Adapter(std::string source, std::string path, AdapterOptions options);

  std::string source_;
  std::string path_;
  AdapterOptions options_;
};

}  // namespace hub

#endif  // HUB_ADAPTERS_GA4_ADAPTER_H_
