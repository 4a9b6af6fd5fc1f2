// MailchimpApiAdapter: pulls list members and campaign reports over the
// Mailchimp Marketing API v3 (docs/sources.md, "mailchimp_api").
#ifndef HUB_ADAPTERS_MAILCHIMP_API_ADAPTER_H_
#define HUB_ADAPTERS_MAILCHIMP_API_ADAPTER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

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
struct MailchimpApiOptions : ApiRunOptions {
  MailchimpApiOptions() { request_timeout = absl::Seconds(120); }
};

// Reads from base_url, with count = min(page_size, 1000):
//   1. the lists: Source.list_ids, or if empty every list of
//      GET /3.0/lists?count=N&offset=O;
//   2. for each list, its members, mapped with MapMailchimpMember:
//      GET /3.0/lists/{id}/members?count=N&offset=O&sort_field=last_changed
//      &sort_dir=ASC[&since_last_changed=ISO]. Keyset paging: each request
//      starts at the high-water mark (the greatest last_changed read) with
//      offset 0, and the members of the mark's second read already are
//      skipped by id; only a page wholly within the mark's second moves
//      the offset on. A member changed while paging moves behind the mark
//      and is read again, never skipped.
//   3. every campaign, GET /3.0/campaigns?count=N&offset=O&sort_field=
//      send_time&sort_dir=ASC (a repeated id is read once), and for each:
//      GET /3.0/reports/{id}/sent-to?count=N&offset=O (MapMailchimpSentTo),
//      GET /3.0/reports/{id}/email-activity?count=N&offset=O[&since=ISO]
//      (MapMailchimpEmailActivity), and
//      GET /3.0/reports/{id}/unsubscribed?count=N&offset=O
//      (MapMailchimpUnsubscribe).
//      Sent-to and unsubscribed rows only grow: their position is the rows
//      read. Email activity is read in windows: a window is every page of
//      since=<mark> (the greatest activity time of the previous window);
//      activities at exactly the mark read before are skipped by id.
// A stream (or window) ends at an empty page or one that reaches its
// total_items (without total_items: one shorter than `count`). Each API page is
// one RecordSink::Write whose cursor is the position after it; a page that
// reads nothing new and moves no position is not written.
//
// Cursor: ";"-joined, ids percent-escaped, times unix micros (-1: none):
//   "m=<list>:<mark>:<offset>:<ids at mark, |-joined>" per list reached;
//   "c=<campaign>:<sent-to rows>:<unsubscribed rows>:<activity mark>:
//     <ids at mark>:<window offset>:<next mark>:<ids at next mark>" per
//     campaign with any position.
// A cursor the adapter did not produce is INVALID_ARGUMENT.
//
// Errors: those of ApiClient::Get (UNAVAILABLE after retries,
// RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED, NOT_FOUND, ...); UNAUTHENTICATED
// (HTTP 401) prefixed with the source's name; DATA_LOSS naming the page URL
// for a page that is not JSON, lacks its item array or has an item the
// mapper rejects — nothing of that page is written and the cursor stays
// before it.
//
// Not thread-safe; one Pull at a time.
class MailchimpApiAdapter : public SourceAdapter {
 public:
  // Builds the adapter for `source` (kind "mailchimp_api") with default
  // MailchimpApiOptions; the registry's factory. INVALID_ARGUMENT naming
  // the field if base_url is not http(s)://..., not exactly one of
  // token_env and token_file is set, the token cannot be read or is empty,
  // ca_file is not readable, auth_scheme is not "", "basic" or "bearer", or
  // a list id is empty. The token is read here, never stored.
  static absl::StatusOr<std::unique_ptr<SourceAdapter>> Create(
      const hub::v1::Source& source, const AdapterOptions& options);
  static absl::StatusOr<std::unique_ptr<SourceAdapter>> Create(
      const hub::v1::Source& source, const AdapterOptions& options,
      MailchimpApiOptions api_options);

  absl::Status Pull(const std::string& cursor, RecordSink* sink) override;

 private:
  MailchimpApiAdapter(std::string name, std::string source,
                      ApiClientOptions client_options, std::string ca_file,
                      AdapterOptions options, std::vector<std::string> lists);

  std::string name_;    // Source.name, for error messages
  std::string source_;  // records' `source`
  ApiClientOptions client_options_;
  std::string ca_file_;
  AdapterOptions options_;
  std::vector<std::string> lists_;  // empty: discover
};

}  // namespace hub

#endif  // HUB_ADAPTERS_MAILCHIMP_API_ADAPTER_H_
