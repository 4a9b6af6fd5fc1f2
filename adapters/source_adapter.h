// SourceAdapter: reads one source system and maps its data to SourceRecords.
#ifndef HUB_ADAPTERS_SOURCE_ADAPTER_H_
#define HUB_ADAPTERS_SOURCE_ADAPTER_H_

#include <string>

#include "absl/status/status.h"
#include "profile/ingest/record_sink.h"

namespace hub {

// A connector to one configured source (an export folder today, a vendor
// API later). Created per run by the AdapterRegistry.
//
// Not thread-safe; one Pull at a time.
class SourceAdapter {
 public:
  virtual ~SourceAdapter() = default;

  // Reads every record after `cursor` (empty: from the beginning) and writes
  // them to `sink` in pages, each with the cursor as of the end of that page.
  // The cursor format is the adapter's own and opaque to everyone else.
  //
  // Returns OK when the source is exhausted. Returns the sink's error as is
  // if a Write fails. Returns INVALID_ARGUMENT for a cursor the adapter did
  // not produce, DATA_LOSS for a malformed file or page (naming the file and
  // line), NOT_FOUND / PERMISSION_DENIED if the source cannot be read. Pages
  // written before an error stay written.
  virtual absl::Status Pull(const std::string& cursor, RecordSink* sink) = 0;
};

}  // namespace hub

#endif  // HUB_ADAPTERS_SOURCE_ADAPTER_H_
