// HubSpotApiAdapter: pulls contacts, companies and deals over HubSpot's CRM
// v3 objects API (docs/sources.md, "hubspot_api").
#ifndef HUB_ADAPTERS_HUBSPOT_API_ADAPTER_H_
#define HUB_ADAPTERS_HUBSPOT_API_ADAPTER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "adapters/adapter_options.h"
#include "adapters/http/api_client.h"
#include "adapters/source_adapter.h"
#include "hub/v1/sync_service.pb.h"

namespace hub {

// Run settings of the API adapter that a Source does not carry.
struct HubSpotApiOptions : ApiRunOptions {
  // The most results one search query pages through (HubSpot's limit).
  int search_cap = 10000;
  // The wait before retrying a 429 of the SECONDLY (or any non-DAILY)
  // policy: the length of HubSpot's shortest window.
  absl::Duration throttle_wait = absl::Seconds(1);
};

// Reads companies, contacts and deals in that order (mapped with
// hubspot_mapper.h); for each, its live objects, then its archived ones:
//   live, first run: GET /crm/v3/objects/{type}?limit=L&archived=false
//     &properties=<mapped>[&associations=companies,contacts for deals]
//     [&after=<paging.next.after>] to the end of the list;
//   live, later runs: POST /crm/v3/objects/{type}/search with the filter
//     <modified> GTE <mark - overlap> (epoch millis), sorted ascending by
//     it, paged by `after`; when a query has returned search_cap results
//     it starts again from the highest time read (HubSpot's 10,000 cap).
//     Search results carry no associations: a deal page's are read with
//     POST /crm/v3/associations/deals/{companies,contacts}/batch/read;
//   archived: GET ...?archived=true&limit=L&properties=... to the end each
//     run (HubSpot cannot filter it); objects archived since the previous
//     pass (archivedAt) become deletes.
// L = min(page_size, 100). Each API page is one RecordSink::Write; a page
// that reads nothing new and moves no position is not written.
//
// Cursor: for each stream that has read something ("companies",
// "companies.archived", ...),
// "<stream>=<floor>:<top>:<after>:<id>@<stamp>,..." joined by ";" (times
// epoch millis, tokens percent-escaped): `top` is the highest time read,
// `floor` the time before which (less the overlap) everything was read,
// `after` the next page of an unfinished list, and the (id, time) pairs
// read within the overlap before `top`, which a later read drops. A search
// resumes from floor - overlap, so nothing is skipped or read twice. A
// cursor the adapter did not produce is INVALID_ARGUMENT.
//
// Errors: ApiClient's (UNAVAILABLE after retries, DEADLINE_EXCEEDED, ...);
// UNAUTHENTICATED naming the source for a rejected token; a 429 with
// policyName DAILY stops the run at once with RESOURCE_EXHAUSTED (others
// are retried after throttle_wait); DATA_LOSS naming the page (URL, and
// `after` for a search) for a page that is not an objects page (not JSON,
// no results, a result without id or a valid modification time) — nothing
// of that page is written and the cursor stays at the last page committed.
//
// Not thread-safe; one Pull at a time.
class HubSpotApiAdapter : public SourceAdapter {
 public:
  // Builds the adapter for `source` (kind "hubspot_api") with default
  // HubSpotApiOptions; the registry's factory. INVALID_ARGUMENT naming the
  // field if base_url is not http(s)://..., not exactly one of token_env
  // and token_file is set, the token cannot be read or is empty, ca_file is
  // not readable, query_overlap is negative, or a field HubSpot does not use
  // is set. The token is read here, never stored.
  static absl::StatusOr<std::unique_ptr<SourceAdapter>> Create(
      const hub::v1::Source& source, const AdapterOptions& options);
  static absl::StatusOr<std::unique_ptr<SourceAdapter>> Create(
      const hub::v1::Source& source, const AdapterOptions& options,
      HubSpotApiOptions api_options);

  absl::Status Pull(const std::string& cursor, RecordSink* sink) override;

 private:
  HubSpotApiAdapter(std::string source, ApiClientOptions client_options,
                    std::string ca_file, int limit, absl::Duration overlap,
                    int search_cap);

  std::string source_;
  ApiClientOptions client_options_;
  std::string ca_file_;
  int limit_;
  int64_t overlap_ms_;
  int search_cap_;
};

}  // namespace hub

#endif  // HUB_ADAPTERS_HUBSPOT_API_ADAPTER_H_
