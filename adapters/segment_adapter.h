// SegmentAdapter: reads a Segment export (docs/sources.md, "segment/").
#ifndef HUB_ADAPTERS_SEGMENT_ADAPTER_H_
#define HUB_ADAPTERS_SEGMENT_ADAPTER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "adapters/adapter_options.h"
#include "adapters/source_adapter.h"
#include "hub/v1/sync_service.pb.h"

namespace hub {

// Reads events.jsonl (one Segment message per line, blank lines skipped)
// from the source's folder line by line and maps each message with
// MapSegmentMessage. No events.jsonl: no records.
//
// Cursor: "events.jsonl:<lines consumed>", or, when a page ends between
// the records of one message (a group maps to two),
// "events.jsonl:<lines consumed>:<records of the next line consumed>".
// A cursor beyond the end of the file is INVALID_ARGUMENT.
//
// A line that is not a JSON object fails the pull with DATA_LOSS
// "<file>:<line>: ...".
//
// Not thread-safe; one Pull at a time.
class SegmentAdapter : public SourceAdapter {
 public:
  // Builds the adapter for `source` (kind "segment"). INVALID_ARGUMENT
  // naming `path` if it is empty or not a readable directory.
  static absl::StatusOr<std::unique_ptr<SourceAdapter>> Create(
      const hub::v1::Source& source, const AdapterOptions& options);

  absl::Status Pull(const std::string& cursor, RecordSink* sink) override;

 private:
  SegmentAdapter(std::string source, std::string path, AdapterOptions options);

  std::string source_;
  std::string path_;
  AdapterOptions options_;
};

}  // namespace hub

#endif  // HUB_ADAPTERS_SEGMENT_ADAPTER_H_
