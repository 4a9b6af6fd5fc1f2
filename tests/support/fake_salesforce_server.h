// FakeSalesforceServer: Salesforce's REST query API, Bulk API 2.0 query
// jobs, getDeleted and the OAuth token endpoint on loopback, for the
// salesforce_api adapter's tests. Serves the rows of a sample world's
// salesforce/*.csv as query result pages (vendor-formats.md §1) or CSV
// results (§1b), checks the bearer token, and injects faults.
#ifndef HUB_TESTS_SUPPORT_FAKE_SALESFORCE_SERVER_H_
#define HUB_TESTS_SUPPORT_FAKE_SALESFORCE_SERVER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "tests/support/loopback_http_server.h"

namespace hub {
namespace testing_support {

struct FakeSalesforceOptions {
  // Records per query result page.
  int page_size = 200;
  // The access token accepted until ExpireSession().
  std::string access_token = "sf-access-1";
  // The access token the refresh flow issues (accepted after it).
  std::string refreshed_token = "sf-access-2";
  // What the token endpoint requires.
  std::string refresh_token = "sf-refresh";
  std::string client_id = "sf-client";
  std::string client_secret = "sf-secret";
  // Polls of a bulk query job answered InProgress before its final state.
  int bulk_polls = 2;
  // The vendor's "now": getDeleted covers no later (FakeClock's start).
  absl::Time now = absl::FromUnixSeconds(1700000000);
  // getDeleted's earliestDateAvailable.
  absl::Time earliest_deleted = absl::FromUnixSeconds(946684800);  // 2000
};

// Endpoints (API version any "vNN.N"):
//   GET /services/data/{v}/query?q=SOQL and /queryAll?q=SOQL, where SOQL is
//     exactly "SELECT f1, f2, ... FROM <Object>
//     [WHERE SystemModstamp >= <YYYY-MM-DDTHH:MM:SS.sssZ>]
//     ORDER BY SystemModstamp, Id" (else 400 MALFORMED_QUERY; an unknown
//     field 400 INVALID_FIELD) -> {totalSize, done, nextRecordsUrl?,
//     records:[{attributes:{type,url}, <fields>}]}; query leaves out rows
//     with IsDeleted true, queryAll keeps them. Values are typed as
//     Salesforce sends them: null for empty, booleans, NumberOfEmployees an
//     integer, Amount a number, datetimes "...000+0000".
//   GET /services/data/{v}/query/<locator>-<offset>: the next page of a
//     result (a snapshot taken by its first request).
//   POST /services/data/{v}/jobs/query {"operation":"query"|"queryAll",
//     "query":SOQL as above} -> 200 {id, operation, object,
//     state:"UploadComplete", ...} (a snapshot of the rows, as the query
//     would return them); 400 as for /query.
//   GET /services/data/{v}/jobs/query/{id} -> {id, state, ...}: InProgress
//     for bulk_polls polls, then JobComplete (or the state FailNextJob set,
//     with errorMessage).
//   GET /services/data/{v}/jobs/query/{id}/results?maxRecords=N
//     [&locator=L] -> text/csv: a header of the selected fields, then up to
//     N rows, every non-empty value quoted with quotes doubled, empty for
//     null; headers Sforce-Locator (the next page's locator, "null" on the
//     last) and Sforce-NumberOfRecords. A job unknown or gone after
//     ExpireJobs() is 404 [{"errorCode":"NOT_FOUND",...}]; results of a job
//     not JobComplete are 400.
//   GET /services/data/{v}/sobjects/<Object>/deleted/?start=ISO&end=ISO
//     -> {deletedRecords:[{id, deletedDate}], earliestDateAvailable,
//     latestDateCovered}: the deletes (Delete, Purge) with deletedDate in
//     [start, latestDateCovered], where latestDateCovered is
//     min(end, `now`) rounded down to the minute; 400 if end - start is over
//     30 days or a time does not parse.
//   POST /services/oauth2/token (form grant_type=refresh_token, client_id,
//     client_secret, refresh_token) -> {access_token, instance_url, ...};
//     400 {"error":"invalid_grant",...} if any differs.
// A data request without "Authorization: Bearer <valid token>" gets 401
// [{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}].
//
// Thread-safe: handlers run on the server's threads; the control methods
// may be called at any time.
class FakeSalesforceServer {
 public:
  // Loads Account.csv, Contact.csv, Lead.csv, Opportunity.csv of
  // `salesforce_dir` and starts serving. DATA_LOSS if a file cannot be read
  // or parsed; UNAVAILABLE if binding fails.
  static absl::StatusOr<std::unique_ptr<FakeSalesforceServer>> Start(
      const std::string& salesforce_dir, FakeSalesforceOptions options = {});
  ~FakeSalesforceServer() = default;
  FakeSalesforceServer(const FakeSalesforceServer&) = delete;
  FakeSalesforceServer& operator=(const FakeSalesforceServer&) = delete;

  // "http://127.0.0.1:<port>".
  std::string base_url() const { return http_.base_url(); }

  // Adds a record of `object`, or replaces the one with its Id; `fields`
  // are CSV text values as in the world's files ("" for null).
  void Upsert(const std::string& object,
              const std::map<std::string, std::string>& fields);
  // The records of `object`, deleted ones included.
  size_t Count(const std::string& object);
  // Deletes the record `id` of `object` at `when`: it stays, IsDeleted true
  // and SystemModstamp `when` (in the recycle bin), and getDeleted lists it.
  void Delete(const std::string& object, const std::string& id,
              absl::Time when);
  // As Delete, then the record is purged from the recycle bin: queries no
  // longer return it; getDeleted still lists it.
  void Purge(const std::string& object, const std::string& id, absl::Time when);
  // Sets the vendor's now and getDeleted's earliestDateAvailable.
  void SetNow(absl::Time now);
  void SetEarliestDeleted(absl::Time earliest);
  // Every bulk job created so far is gone (its id 404s).
  void ExpireJobs();
  // The next bulk job created ends in `state` ("Failed", "Aborted") with
  // `error_message` instead of JobComplete.
  void FailNextJob(std::string state, std::string error_message);

  // The access token stops being valid; the refresh flow issues
  // refreshed_token, which is then the valid one.
  void ExpireSession();
  // Faults, each consumed by the requests it hits:
  // the next `n` requests get 429 with "Retry-After: <seconds>";
  void ThrottleNext(int n, int retry_after_seconds);
  // after `skip` more requests are answered, the next `n` get `status`;
  void FailNext(int n, int status, int skip = 0);
  // after `skip` more data requests, every data request gets 403
  // REQUEST_LIMIT_EXCEEDED (skip < 0: never, the default);
  void LimitAfter(int skip);
  // the `k`-th data page (1-based, counted from this call: a query page or
  // a bulk results page) is answered 200 with `body` instead, once (a
  // results page without Sforce-Locator).
  void MalformPage(int k, std::string body);

  // "<METHOD> <path>[?q=<decoded SOQL>]" of every request, in order; other
  // query parameters as "?k=v&..." (decoded, by name), and the body of a job
  // creation after a space.
  std::vector<std::string> requests();

 private:
  // A record's CSV text values by field ("" for null).
  using Fields = std::map<std::string, std::string>;
  struct Job {
    std::string object;
    std::vector<std::string> fields;
    std::vector<Fields> rows;
    int polls_left = 0;
    std::string final_state = "JobComplete";
    std::string error_message;
  };
  struct Deletion {
    std::string id;
    absl::Time when;
  };

  explicit FakeSalesforceServer(FakeSalesforceOptions options)
      : options_(std::move(options)),
        now_(options_.now),
        earliest_deleted_(options_.earliest_deleted),
        valid_token_(options_.access_token) {}
  void HandleGet(const httplib::Request& req, httplib::Response& res);
  void HandlePost(const httplib::Request& req, httplib::Response& res);
  void HandleToken(const httplib::Request& req, httplib::Response& res)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void HandleJobCreate(const httplib::Request& req, httplib::Response& res)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void HandleJob(const std::string& id, bool results,
                 const httplib::Request& req, httplib::Response& res)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void HandleDeleted(const std::string& object, const httplib::Request& req,
                     httplib::Response& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Returns true (and fills `res`) if a fault or bad auth answers `req`.
  bool Intercept(const httplib::Request& req, httplib::Response& res)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs a SOQL query into `*job` (object, fields, rows in order); fills
  // `res` and returns false on a bad query.
  bool Select(const std::string& soql, bool all, Job* job,
              httplib::Response& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs a SOQL query into a new locator; fills `res` on a bad query.
  bool Query(const std::string& soql, bool all, std::string* locator,
             httplib::Response& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  nlohmann::json Page(const std::string& version, const std::string& locator,
                      size_t offset) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const FakeSalesforceOptions options_;
  absl::Mutex mu_;
  // Records by object.
  std::map<std::string, std::vector<Fields>> records_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Job> jobs_ ABSL_GUARDED_BY(mu_);
  int jobs_created_ ABSL_GUARDED_BY(mu_) = 0;
  std::string fail_state_ ABSL_GUARDED_BY(mu_);
  std::string fail_message_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::vector<Deletion>> deletions_ ABSL_GUARDED_BY(mu_);
  absl::Time now_ ABSL_GUARDED_BY(mu_);
  absl::Time earliest_deleted_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::vector<nlohmann::json>> locators_
      ABSL_GUARDED_BY(mu_);
  std::string valid_token_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> log_ ABSL_GUARDED_BY(mu_);
  InjectedFaults faults_ ABSL_GUARDED_BY(mu_);
  int limit_after_ ABSL_GUARDED_BY(mu_) = -1;
  int malformed_in_ ABSL_GUARDED_BY(mu_) = 0;
  std::string malformed_body_ ABSL_GUARDED_BY(mu_);
  LoopbackHttpServer http_;  // last: stops (joining handlers) first
};

}  // namespace testing_support
}  // namespace hub

#endif  // HUB_TESTS_SUPPORT_FAKE_SALESFORCE_SERVER_H_
