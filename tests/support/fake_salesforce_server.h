// FakeSalesforceServer: Salesforce's REST query API and OAuth token
// endpoint on loopback, for the salesforce_api adapter's tests. Serves the
// rows of a sample world's salesforce/*.csv as query result pages
// (vendor-formats.md §1), checks the bearer token, and injects faults.
#ifndef HUB_TESTS_SUPPORT_FAKE_SALESFORCE_SERVER_H_
#define HUB_TESTS_SUPPORT_FAKE_SALESFORCE_SERVER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
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
  // the `k`-th data page (1-based, counted from this call) is answered 200
  // with `body` instead, once.
  void MalformPage(int k, std::string body);

  // "<METHOD> <path>[?q=<decoded SOQL>]" of every request, in order.
  std::vector<std::string> requests();

 private:
  explicit FakeSalesforceServer(FakeSalesforceOptions options)
      : options_(std::move(options)), valid_token_(options_.access_token) {}
  void HandleGet(const httplib::Request& req, httplib::Response& res);
  void HandleToken(const httplib::Request& req, httplib::Response& res);
  // Returns true (and fills `res`) if a fault or bad auth answers `req`.
  bool Intercept(const httplib::Request& req, httplib::Response& res)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs a SOQL query into a new locator; fills `res` on a bad query.
  bool Query(const std::string& soql, bool all, std::string* locator,
             httplib::Response& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  nlohmann::json Page(const std::string& version, const std::string& locator,
                      size_t offset) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const FakeSalesforceOptions options_;
  absl::Mutex mu_;
  // Records by object, typed as the API sends them.
  std::map<std::string, std::vector<nlohmann::json>> records_
      ABSL_GUARDED_BY(mu_);
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
