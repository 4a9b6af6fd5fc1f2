// ZendeskApiAdapter: pulls Zendesk Support's incremental exports over its
// HTTP API (docs/sources.md, "zendesk_api").
#ifndef HUB_ADAPTERS_ZENDESK_API_ADAPTER_H_
#define HUB_ADAPTERS_ZENDESK_API_ADAPTER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "adapters/adapter_options.h"
#include "adapters/http/api_client.h"
#include "adapters/http/clock.h"
#include "adapters/source_adapter.h"
#include "hub/v1/sync_service.pb.h"

namespace hub {

// Run settings of the API adapter that a Source does not carry.
struct ZendeskApiOptions : ApiRunOptions {
  // `start_time` (unix seconds) of the first request of each export.
  int64_t start_time = 0;
};

// Reads the streams in the order organizations, users, tickets,
// satisfaction_ratings, each to its end, from base_url:
//   organizations: GET /api/v2/incremental/organizations.json?start_time=T
//     (time-based; the next T is the page's end_time; items of the previous
//     page's last second that reappear are skipped by id);
//   users, tickets: GET /api/v2/incremental/{users,tickets}/cursor.json,
//     first ?start_time=T, then ?cursor=<after_cursor>, until end_of_stream;
//     with export_mode "time", time-based like organizations instead
//     (/api/v2/incremental/{users,tickets}.json?start_time=T; a ticket's
//     second is its generated_timestamp);
//   satisfaction_ratings: GET /api/v2/satisfaction_ratings.json?page[size]=N
//     then &page[after]=<meta.after_cursor>, while meta.has_more.
// Items map with zendesk_mapper.h (tickets with status "deleted" and
// inactive users become deletes). Each API page (per_page = min(page_size,
// 1000), 100 for ratings) is one RecordSink::Write whose cursor is the
// position after it, so a run resumes after the last committed page; a page
// that reads nothing new and moves no position is not written.
//
// Cursor: for each stream reached, "<stream>=<position>" joined by ";":
// "c<after_cursor>" for the cursor exports, "t<start_time>:<id>,<id>..."
// for time-based ones (the ids already read at that second), values
// percent-escaped. A later Pull continues from there and reads only what
// changed since. A cursor the adapter did not produce is INVALID_ARGUMENT.
//
// Errors: those of ApiClient::Get (UNAUTHENTICATED for bad credentials,
// UNAVAILABLE after retries, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED, ...);
// DATA_LOSS naming the page URL for a page that is not JSON, lacks its
// item array, or lacks after_cursor (end_time) while not at the end of its
// stream — nothing of that page is written.
//
// Not thread-safe; one Pull at a time.
class ZendeskApiAdapter : public SourceAdapter {
 public:
  // Builds the adapter for `source` (kind "zendesk_api") with default
  // ZendeskApiOptions; the registry's factory. INVALID_ARGUMENT naming the
  // field if base_url is not http(s)://..., not exactly one of token_env and
  // token_file is set, the token cannot be read or is empty, ca_file is not
  // readable, or export_mode is not "", "cursor" or "time". The token is
  // read here, never stored.
  static absl::StatusOr<std::unique_ptr<SourceAdapter>> Create(
      const hub::v1::Source& source, const AdapterOptions& options);
  static absl::StatusOr<std::unique_ptr<SourceAdapter>> Create(
      const hub::v1::Source& source, const AdapterOptions& options,
      ZendeskApiOptions api_options);

  absl::Status Pull(const std::string& cursor, RecordSink* sink) override;

 private:
  ZendeskApiAdapter(std::string source, ApiClientOptions client_options,
                    std::string ca_file, AdapterOptions options,
                    int64_t start_time, bool time_export);

  std::string source_;
  ApiClientOptions client_options_;
  std::string ca_file_;
  AdapterOptions options_;
  int64_t start_time_;
  bool time_export_;  // export_mode "time"
};

}  // namespace hub

#endif  // HUB_ADAPTERS_ZENDESK_API_ADAPTER_H_
