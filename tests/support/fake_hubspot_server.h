// FakeHubSpotServer: HubSpot's CRM v3 objects API on loopback, for the
// hubspot_api adapter's tests. Serves a sample world's salesforce/*.csv,
// converted into HubSpot companies, contacts and deals (below), as list and
// search pages (vendor-formats.md §2), checks the bearer token, and injects
// faults.
#ifndef HUB_TESTS_SUPPORT_FAKE_HUBSPOT_SERVER_H_
#define HUB_TESTS_SUPPORT_FAKE_HUBSPOT_SERVER_H_

#include <cstdint>
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

struct FakeHubSpotOptions {
  // The most results a page holds, whatever the request's limit (HubSpot
  // honours a list limit up to 100).
  int page_size = 100;
  // The private-app token accepted.
  std::string token = "hs-test-token";
  // The most results a search query pages through (HubSpot: 10,000); a
  // search request with `after` at or past it gets 400.
  int search_cap = 10000;
};

// The world, converted deterministically (ids are numbers in file order:
// companies from 101, contacts from 5001, deals from 9001):
//   Account -> company: name, domain (Website in lower case without
//     scheme, "www." and path), website, industry, type, country,
//     numberofemployees, phone, lifecyclestage (customer if it has a won
//     opportunity, opportunity if an open one, else lead), createdate,
//     hs_lastmodifieddate (SystemModstamp);
//   Contact, and Lead not converted -> contact: email, phone, firstname,
//     lastname, jobtitle, company (Lead), associatedcompanyid (the
//     Contact's account), lifecyclestage (a Contact's is its account's; a
//     Lead's from Status: Marketing Qualified -> marketingqualifiedlead,
//     Sales Accepted and Sales Qualified -> salesqualifiedlead, Closed - Not
//     Converted -> other, else lead), createdate, lastmodifieddate;
//   Opportunity -> deal: dealname, dealtype (New Business -> newbusiness,
//     Upsell -> existingbusiness, Renewal -> renewal), dealstage (Closed
//     Won -> closedwon, Closed Lost -> closedlost, else lower case without
//     spaces), amount, closedate (CloseDate at 00:00Z), hs_is_closed,
//     hs_is_closed_won, createdate, hs_lastmodifieddate; associated with
//     its account's company and its contact.
// A row with IsDeleted true is archived, archivedAt its SystemModstamp.
//
// Endpoints ({type}: companies, contacts, deals):
//   GET /crm/v3/objects/{type}?limit=N&archived=B&properties=p,...
//     [&associations=companies,contacts][&after=A] -> {results, paging?}:
//     live (archived=false) or archived objects by id, min(N, page_size)
//     a page (N above 100: 400);
//     `after` is the id to start at;
//   POST /crm/v3/objects/{type}/search with exactly one GTE filter on the
//     type's modification property, sorted ascending by it -> {total,
//     results, paging?} of live objects by (time, id), min(limit,
//     page_size) a page; `after` an offset;
//   POST /crm/v3/associations/deals/{companies|contacts}/batch/read.
// A result has id, properties (those asked for; null if unset),
// createdAt, updatedAt, archived (and archivedAt), associations if asked.
// Without "Authorization: Bearer <token>": 401 INVALID_AUTHENTICATION.
//
// Thread-safe: handlers run on the server's threads; the control methods
// may be called at any time.
class FakeHubSpotServer {
 public:
  // Loads Account.csv, Contact.csv, Lead.csv, Opportunity.csv of
  // `salesforce_dir` and starts serving. DATA_LOSS if a file cannot be read
  // or parsed; UNAVAILABLE if binding fails.
  static absl::StatusOr<std::unique_ptr<FakeHubSpotServer>> Start(
      const std::string& salesforce_dir, FakeHubSpotOptions options = {});
  ~FakeHubSpotServer() = default;
  FakeHubSpotServer(const FakeHubSpotServer&) = delete;
  FakeHubSpotServer& operator=(const FakeHubSpotServer&) = delete;

  // "http://127.0.0.1:<port>".
  std::string base_url() const { return http_.base_url(); }

  // Adds an object of `type`, or sets properties of the one with `id`
  // ("" sets null); a deal's `companies`/`contacts` replace its
  // associations when given.
  void Upsert(const std::string& type, int64_t id,
              const std::map<std::string, std::string>& properties,
              const std::vector<int64_t>& companies = {},
              const std::vector<int64_t>& contacts = {});
  // Archives the object at `archived_at` (ISO).
  void Archive(const std::string& type, int64_t id,
               const std::string& archived_at);
  // Every object of `type` as the list endpoint returns it with all the
  // mapped properties and, for deals, associations; live ones first.
  std::vector<nlohmann::json> Objects(const std::string& type);

  // Faults, each consumed by the requests it hits:
  // after `skip` more requests are answered, the next `n` get 429 of
  // `policy` ("SECONDLY", "DAILY", ...);
  void ThrottleNext(int n, const std::string& policy, int skip = 0);
  // after `skip` more requests are answered, the next `n` get `status`;
  void FailNext(int n, int status, int skip = 0);
  // the `k`-th objects page (1-based, counted from this call) is answered
  // 200 with `body` instead, once.
  void MalformPage(int k, std::string body);

  // "<METHOD> <path>[?<query>]" and, for a POST, " <body>", in order.
  std::vector<std::string> requests();

 private:
  struct Object {
    nlohmann::json properties = nlohmann::json::object();
    std::string archived_at;  // empty: live
    std::vector<int64_t> companies, contacts;
  };
  using ObjectMap = std::map<int64_t, Object>;

  explicit FakeHubSpotServer(FakeHubSpotOptions options)
      : options_(std::move(options)) {}
  void Handle(const httplib::Request& req, httplib::Response& res);
  // Returns true (and fills `res`) if a fault or bad auth answers `req`.
  bool Intercept(const httplib::Request& req, httplib::Response& res)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void List(const std::string& type, const httplib::Request& req,
            httplib::Response& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Search(const std::string& type, const httplib::Request& req,
              httplib::Response& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Associations(const std::string& type, const httplib::Request& req,
                    httplib::Response& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  nlohmann::json Result(const std::string& type, int64_t id,
                        const Object& object,
                        const std::vector<std::string>& properties,
                        bool associations) const;
  // True (once) if this objects page is the malformed one.
  bool Malformed(httplib::Response& res) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const FakeHubSpotOptions options_;
  absl::Mutex mu_;
  std::map<std::string, ObjectMap> objects_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> log_ ABSL_GUARDED_BY(mu_);
  InjectedFaults faults_ ABSL_GUARDED_BY(mu_);
  int throttle_ ABSL_GUARDED_BY(mu_) = 0;
  int throttle_skip_ ABSL_GUARDED_BY(mu_) = 0;
  std::string throttle_policy_ ABSL_GUARDED_BY(mu_);
  int malformed_in_ ABSL_GUARDED_BY(mu_) = 0;
  std::string malformed_body_ ABSL_GUARDED_BY(mu_);
  LoopbackHttpServer http_;  // last: stops (joining handlers) first
};

}  // namespace testing_support
}  // namespace hub

#endif  // HUB_TESTS_SUPPORT_FAKE_HUBSPOT_SERVER_H_
