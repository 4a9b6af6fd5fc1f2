// RecordSink: the port through which adapters hand records to the core.
#ifndef HUB_PROFILE_INGEST_RECORD_SINK_H_
#define HUB_PROFILE_INGEST_RECORD_SINK_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "hub/v1/records.pb.h"

namespace hub {

// Receives pages of records from a source adapter. Each page carries the
// adapter's cursor as of the end of that page: the position from which a
// later run resumes. An implementation commits the records and the cursor
// together, or neither.
//
// Not thread-safe: one adapter run writes to one sink from one thread.
class RecordSink {
 public:
  virtual ~RecordSink() = default;

  // Ingests `records` and then saves `cursor` as the position after them,
  // atomically. Returns OK when the page is committed, or — for a sink that
  // pipelines (PipelinedIngestSink) — accepted for commit in order; then an error
  // of an earlier page is returned by a later Write or by its Finish. On
  // error the adapter must stop (returning the error from Pull); the cursor
  // of the last committed page stands, so nothing is skipped next run.
  virtual absl::Status Write(std::vector<hub::v1::SourceRecord> records,
                             const std::string& cursor) = 0;
};

}  // namespace hub

#endif  // HUB_PROFILE_INGEST_RECORD_SINK_H_
