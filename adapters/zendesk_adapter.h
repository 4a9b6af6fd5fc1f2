// ZendeskAdapter: reads Zendesk incremental-export pages
// (docs/sources.md, "zendesk/").
#ifndef HUB_ADAPTERS_ZENDESK_ADAPTER_H_
#define HUB_ADAPTERS_ZENDESK_ADAPTER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "adapters/adapter_options.h"
#include "adapters/source_adapter.h"
#include "hub/v1/sync_service.pb.h"

namespace hub {

// Reads the page files of each stream in the order organizations, users,
// tickets, satisfaction_ratings; a stream's pages "<stream>-NNNN.json" in
// ascending page number. Each page is parsed whole with ParseZendeskPage.
// Streams without pages are skipped.
//
// Cursor: for each stream reached, "<page file>:<items consumed>" joined by
// ";" in stream order, e.g. "organizations-0002.json:40;users-0001.json:7":
// the stream's earlier pages are consumed and so are that many items of the
// named page. A Pull reads each stream from its position onwards, so pages
// added later are read by the next run. A cursor naming an unknown stream
// or more items than its page holds is INVALID_ARGUMENT.
//
// A page that is not JSON or lacks its item array fails the pull with
// DATA_LOSS naming the file (and line, for a syntax error).
//
// Not thread-safe; one Pull at a time.
class ZendeskAdapter : public SourceAdapter {
 public:
  // Builds the adapter for `source` (kind "zendesk"). INVALID_ARGUMENT
  // naming `path` if it is empty or not a readable directory.
  static absl::StatusOr<std::unique_ptr<SourceAdapter>> Create(
      const hub::v1::Source& source, const AdapterOptions& options);

  absl::Status Pull(const std::string& cursor, RecordSink* sink) override;

 private:
  ZendeskAdapter(std::string source, std::string path, AdapterOptions options);

  std::string source_;
  std::string path_;
  AdapterOptions options_;
};

}  // namespace hub

#endif  // HUB_ADAPTERS_ZENDESK_ADAPTER_H_
