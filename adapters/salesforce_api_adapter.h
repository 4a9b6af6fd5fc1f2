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
  // Bulk mode: the wait between polls of a query job's state (slept on
  // `clock`).
  absl::Duration bulk_poll_interval = absl::Seconds(2);
};

// Reads the objects in the order Account, Contact, Lead, Opportunity, each
// with one SOQL query (so soft-deleted rows come too)
//   SELECT <the fields the file mapper uses> FROM <object>
//   [WHERE SystemModstamp >= <mark - overlap>] ORDER BY SystemModstamp, Id
// in the mode Source.export_mode names:
//   "" (REST): GET /services/data/{v}/queryAll?q=<SOQL>, then
//     GET {nextRecordsUrl} until `done`. Records become rows in Bulk CSV form
//     (null -> "", booleans "true"/"false", datetimes "+0000" -> "Z",
//     decimals with at least two fraction digits).
//   "bulk" (Bulk API 2.0): POST /services/data/{v}/jobs/query
//     {"operation":"queryAll","query":<SOQL>}, GET /jobs/query/{id} every
//     bulk_poll_interval until JobComplete, then
//     GET /jobs/query/{id}/results?maxRecords=<page_size>[&locator=L] (CSV)
//     while the Sforce-Locator header is not "null".
// Rows are mapped with MapSalesforceRow, so IsDeleted=true rows become
// deletes exactly as in the file adapter. Each API page is one
// RecordSink::Write; a page that reads nothing new and moves no position is
// not written.
//
// Deletes purged from the recycle bin, which queryAll no longer returns:
// in a run after the one that first read an object, after its query,
// GET /services/data/{v}/sobjects/<object>/deleted/?start=S&end=E for
// windows of at most 30 days from the last latestDateCovered up to now;
// each deletedRecords entry becomes a delete (external_id = id, updated_at
// = deletedDate) unless the run or the overlap already read that (Id,
// time). If S is before earliestDateAvailable the vendor can no longer say
// what was deleted: FAILED_PRECONDITION saying to run with full_resync.
//
// Cursor: for each object reached,
// "<object>=<mark>:<id>@<stamp>,...[:<deleted from>[:<job>/<locator>]]"
// joined by ";": `mark` is the highest SystemModstamp read (unix micros),
// followed by the (Id, SystemModstamp) pairs read within the overlap window
// before it, the start of the next getDeleted window (unix micros), and in
// bulk mode the job being read and its next results locator. A Pull
// (resumed or the next run) continues that job from the locator; if the
// job is gone (404) or there is none, it queries from mark - overlap and
// drops the pairs listed, so nothing is skipped or read twice. A cursor the
// adapter did not produce is INVALID_ARGUMENT.
//
// Authentication: the access token is sent as a bearer token. A 401 whose
// body names INVALID_SESSION_ID, when refresh_token_env, client_id_env and
// client_secret_env are set, triggers one OAuth refresh per Pull
// (POST /services/oauth2/token, grant_type=refresh_token) and the request
// is retried with the new token; a failed refresh, or a 401 without a
// refresh configured or after the refresh, is UNAUTHENTICATED naming the
// source.
//
// Errors: ApiClient's (UNAVAILABLE after retries, DEADLINE_EXCEEDED —
// also when a bulk job is not complete by the run's deadline — ...);
// RESOURCE_EXHAUSTED naming REQUEST_LIMIT_EXCEEDED when the org's API
// request limit is hit (403) — pages written before stay written;
// FAILED_PRECONDITION naming the job and its errorMessage for a bulk job
// that ends Failed or Aborted; DATA_LOSS naming the page URL for a page
// that is not a query or getDeleted result (not JSON or CSV, no records
// array, no nextRecordsUrl while not done, no Sforce-Locator header, no
// deletedRecords or latestDateCovered, a record without Id or a valid
// SystemModstamp) — nothing of that page is written.
//
// Not thread-safe; one Pull at a time.
class SalesforceApiAdapter : public SourceAdapter {
 public:
  // Builds the adapter for `source` (kind "salesforce_api") with default
  // SalesforceApiOptions; the registry's factory. INVALID_ARGUMENT naming
  // the field if base_url is not http(s)://..., not exactly one of
  // token_env and token_file is set, the token cannot be read or is empty,
  // ca_file is not readable, only some of refresh_token_env, client_id_env,
  // client_secret_env are set or one names an unset variable,
  // query_overlap is negative, or export_mode is neither "" nor "bulk".
  // Secrets are read here, never stored.
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
  // The state of one Pull (defined in the .cc).
  struct Run;

  SalesforceApiAdapter(std::string source, ApiClientOptions client_options,
                       std::string ca_file, OAuthRefresh refresh,
                       absl::Duration overlap, SalesforceApiOptions api,
                       bool bulk, int page_size);

  // Get (and the bulk job POST) with the refresh-once rule and
  // REQUEST_LIMIT_EXCEEDED mapping.
  absl::StatusOr<HttpResponse> Get(
      Run* run, const std::string& path,
      absl::string_view accept = "application/json");
  absl::StatusOr<HttpResponse> Post(Run* run, const std::string& path,
                                    const std::string& body);
  absl::StatusOr<HttpResponse> Checked(
      Run* run, const std::function<absl::StatusOr<HttpResponse>()>& send);
  absl::Status Refresh(ApiClient* client);

  // Reads object `i` from its position with the REST query API.
  absl::Status ReadRest(Run* run, size_t i);
  // Reads object `i` from its position with a Bulk API 2.0 query job.
  absl::Status ReadBulk(Run* run, size_t i);
  // Creates a job for object `i` from its position and waits until it is
  // complete; returns its id.
  absl::StatusOr<std::string> RunJob(Run* run, size_t i);
  // Emits the deletes getDeleted reports for object `i`.
  absl::Status ReadDeleted(Run* run, size_t i);

  std::string source_;
  ApiClientOptions client_options_;
  std::string ca_file_;
  OAuthRefresh refresh_;
  absl::Duration overlap_;
  std::string api_version_;
  absl::Duration poll_interval_;
  bool bulk_;
  int page_size_;
};

}  // namespace hub

#endif  // HUB_ADAPTERS_SALESFORCE_API_ADAPTER_H_
