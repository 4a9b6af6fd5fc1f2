// SalesforceApiAdapter: pulls Account, Contact, Lead and Opportunity over
// Salesforce's REST query API (docs/sources.md, "salesforce_api").
#ifndef HUB_ADAPTERS_SALESFORCE_API_ADAPTER_H_
#define HUB_ADAPTERS_SALESFORCE_API_ADAPTER_H_

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
struct SalesforceApiOptions : ApiRunOptions {
  // The REST API version in request paths.
  std::string api_version = "v58.0";
};

// Reads the objects in the order Account, Contact, Lead, Opportunity, each
// with one SOQL query through queryAll (so soft-deleted rows come too):
//   GET /services/data/{v}/queryAll?q=SELECT <the fields the file mapper
//     uses> FROM <object> [WHERE SystemModstamp >= <mark - overlap>]
//     ORDER BY SystemModstamp, Id
// then GET {nextRecordsUrl} until `done`. Records become rows (null -> "",
// booleans "true"/"false", datetimes "+0000" -> "Z", decimals with at least
// two fraction digits, as the Bulk API's CSV has them) mapped with
// MapSalesforceRow, so IsDeleted=true rows become deletes exactly as in the
// file adapter. Each API page is one RecordSink::Write; a page that reads
// nothing new and moves no position is not written.
//
// Cursor: for each object reached, "<object>=<mark>:<id>@<stamp>,..."
// joined by ";": `mark` is the highest SystemModstamp read (unix micros),
// followed by the (Id, SystemModstamp) pairs read within the overlap window
// before it. A Pull (resumed or the next run) queries from mark - overlap
// and drops the pairs listed, so nothing is skipped or read twice. A
// cursor the adapter did not produce is INVALID_ARGUMENT.
//
// Authentication: the access token is sent as a bearer token. A 401 whose
// body names INVALID_SESSION_ID, when refresh_token_env, client_id_env and
// client_secret_env are set, triggers one OAuth refresh per Pull
// (POST /services/oauth2/token, grant_type=refresh_token) and the request
// is retried with the new token; a failed refresh, or a 401 without a
// refresh configured or after the refresh, is UNAUTHENTICATED naming the
// source.
//
// Errors: ApiClient::Get's (UNAVAILABLE after retries, DEADLINE_EXCEEDED,
// ...); RESOURCE_EXHAUSTED naming REQUEST_LIMIT_EXCEEDED when the org's API
// request limit is hit (403) — pages written before stay written;
// DATA_LOSS naming the page URL for a page that is not a query result (not
// JSON, no records array, no nextRecordsUrl while not done, a record
// without Id or a valid SystemModstamp) — nothing of that page is written.
//
// Not thread-safe; one Pull at a time.
class SalesforceApiAdapter : public SourceAdapter {
 public:
  // Builds the adapter for `source` (kind "salesforce_api") with default
  // SalesforceApiOptions; the registry's factory. INVALID_ARGUMENT naming
  // the field if base_url is not http(s)://..., not exactly one of
  // token_env and token_file is set, the token cannot be read or is empty,
  // ca_file is not readable, only some of refresh_token_env, client_id_env,
  // client_secret_env are set or one names an unset variable, or
  // query_overlap is negative. Secrets are read here, never stored.
  static absl::StatusOr<std::unique_ptr<SourceAdapter>> Create(
      const hub::v1::Source& source, const AdapterOptions& options);
  static absl::StatusOr<std::unique_ptr<SourceAdapter>> Create(
      const hub::v1::Source& source, const AdapterOptions& options,
      SalesforceApiOptions api_options);

  absl::Status Pull(const std::string& cursor, RecordSink* sink) override;

  // The credentials of the refresh-token flow (empty if not configured).
  struct OAuthRefresh {
    std::string refresh_token;
    std::string client_id;
    std::string client_secret;
  };

 private:
  SalesforceApiAdapter(std::string source, ApiClientOptions client_options,
                       std::string ca_file, OAuthRefresh refresh,
                       absl::Duration overlap, std::string api_version);

  // Get with the refresh-once rule and REQUEST_LIMIT_EXCEEDED mapping.
  absl::StatusOr<HttpResponse> Get(ApiClient* client, const std::string& path,
                                   bool* refreshed);
  absl::Status Refresh(ApiClient* client);

  std::string source_;
  ApiClientOptions client_options_;
  std::string ca_file_;
  OAuthRefresh refresh_;
  absl::Duration overlap_;
  std::string api_version_;
};

}  // namespace hub

#endif  // HUB_ADAPTERS_SALESFORCE_API_ADAPTER_H_
