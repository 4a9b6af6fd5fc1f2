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

// Reads a Segment archive: every "*.jsonl" or "*.ndjson" file under the
// source's folder, subfolders included (an object-store listing such as
// "2024-05-02/1714640000.jsonl" copied or mounted as files), in path order,
// one Segment message per line (blank lines skipped), each mapped with
// MapSegmentMessage. New files are read by the next run; records already
// ingested (same messageId) change nothing, so reading a file twice is
// harmless.
//
// Cursor: "<file>:<lines consumed>", or, when a page ends between the
// records of one message (a group maps to two),
// "<file>:<lines consumed>:<records of the next line consumed>", then
// ";files=<n>": the number of archive files whose paths sort at or before
// <file> when the cursor was made (<file> is escaped with
// EscapeCursorToken; "events.jsonl:7" is a cursor of this form without the
// count). A run reads <file> from that position and every later file. If
// more files now sort at or before <file> than the cursor counted, a file
// arrived late, out of order: the run reads the whole archive again, so that
// nothing is skipped (a late file that arrives in the same interval as an
// earlier file is removed goes unnoticed: the count is unchanged). A cursor
// whose file is gone (removed after it was read) reads the files after it. A cursor beyond the end of its file is
// INVALID_ARGUMENT.
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
