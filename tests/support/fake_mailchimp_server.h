// FakeMailchimpServer: the Mailchimp Marketing API v3 read endpoints on
// loopback, for the mailchimp_api adapter's tests. Serves vendor-shaped
// offset/count pages (vendor-formats.md §3a) of the items of a sample
// world's mailchimp/ folder, checks authentication, and injects faults.
#ifndef HUB_TESTS_SUPPORT_FAKE_MAILCHIMP_SERVER_H_
#define HUB_TESTS_SUPPORT_FAKE_MAILCHIMP_SERVER_H_

#include <array>
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

struct FakeMailchimpOptions {
  // The most items per page; a request's `count` may lower it (default 10,
  // as Mailchimp's).
  int page_size = 1000;
  // Accepted credentials: HTTP Basic with any user name and this key as
  // the password, or "Bearer {key}". Anything else gets 401.
  std::string key = "mc-test-key-us21";
};

// The reports of a campaign.
enum class MailchimpReport { kSentTo = 0, kEmailActivity = 1, kUnsubscribed };

// Endpoints (all GET, with ?count=N&offset=O):
//   /3.0/lists -> {lists:[{id, name}], total_items}
//   /3.0/lists/{id}/members[?since_last_changed=ISO]
//     -> {members, list_id, total_items}: the list's members (those with
//        last_changed >= since), ordered by (last_changed, id);
//   /3.0/campaigns -> {campaigns, total_items}, ordered by send_time;
//   /3.0/reports/{id}/sent-to -> {sent_to, campaign_id, total_items};
//   /3.0/reports/{id}/email-activity[?since=ISO]
//     -> {emails, campaign_id, total_items}: rows with an activity at or
//        after `since`, holding only those activities;
//   /3.0/reports/{id}/unsubscribed -> {unsubscribes, campaign_id,
//        total_items}.
// Other paths: 404. A bad `since*` time: 400.
//
// Thread-safe: handlers run on the server's threads; the control methods
// may be called at any time.
class FakeMailchimpServer {
 public:
  // Loads `mailchimp_dir` (members.json, campaigns.json,
  // reports/<id>/{sent-to,email-activity,unsubscribed}.json, as hub-sample
  // writes them; a missing file is empty) and starts serving. DATA_LOSS if
  // a file is not in that shape; UNAVAILABLE if binding fails.
  static absl::StatusOr<std::unique_ptr<FakeMailchimpServer>> Start(
      const std::string& mailchimp_dir, FakeMailchimpOptions options = {});
  FakeMailchimpServer(const FakeMailchimpServer&) = delete;
  FakeMailchimpServer& operator=(const FakeMailchimpServer&) = delete;

  // "http://127.0.0.1:<port>".
  std::string base_url() const { return http_.base_url(); }
  // The list id of the loaded members.
  std::string list_id();

  // Adds or replaces (same `id`) a member; the first member of an empty
  // server names the list.
  void PutMember(nlohmann::json member);
  // Appends a campaign.
  void AddCampaign(nlohmann::json campaign);
  // Appends a row to a report of `campaign`; an email-activity row whose
  // email_id is already there has its `activity` appended to that row's.
  void AddReportRow(const std::string& campaign, MailchimpReport report,
                    nlohmann::json row);

  size_t MemberCount();
  size_t CampaignCount();
  // Rows of a report (email-activity: rows, not activities).
  size_t ReportRows(const std::string& campaign, MailchimpReport report);

  // Faults, each consumed by the requests it hits:
  // the next `n` requests get 429 with "Retry-After: <seconds>";
  void ThrottleNext(int n, int retry_after_seconds);
  // after `skip` more requests are answered, the next `n` get `status`;
  void FailNext(int n, int status, int skip = 0);
  // the `k`-th successful page (1-based, counted from this call) whose path
  // contains `path_part` is answered 200 with `body` instead, once.
  void MalformPage(const std::string& path_part, int k, std::string body);

  // "<path>?<query>" of every request received, in order (parameters
  // sorted by name).
  std::vector<std::string> requests();

 private:
  using Rows = std::array<std::vector<nlohmann::json>, 3>;
  struct Malformed {
    std::string path_part;
    int remaining = 0;
    std::string body;
  };

  explicit FakeMailchimpServer(FakeMailchimpOptions options)
      : options_(std::move(options)) {}
  void Handle(const httplib::Request& req, httplib::Response& res);
  bool Intercept(const httplib::Request& req, httplib::Response& res)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The body for `req`; sets `*status` if not 200.
  nlohmann::json Answer(const httplib::Request& req, int* status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  nlohmann::json Members(const std::string& list, const httplib::Request& req,
                         int* status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  nlohmann::json Report(const std::string& campaign, const std::string& name,
                        const httplib::Request& req, int* status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const FakeMailchimpOptions options_;
  absl::Mutex mu_;
  std::string list_id_ ABSL_GUARDED_BY(mu_);
  std::vector<nlohmann::json> members_ ABSL_GUARDED_BY(mu_);
  std::vector<nlohmann::json> campaigns_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Rows> reports_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> log_ ABSL_GUARDED_BY(mu_);
  InjectedFaults faults_ ABSL_GUARDED_BY(mu_);
  std::vector<Malformed> malformed_ ABSL_GUARDED_BY(mu_);
  LoopbackHttpServer http_;  // last: stops (joining handlers) first
};

}  // namespace testing_support
}  // namespace hub

#endif  // HUB_TESTS_SUPPORT_FAKE_MAILCHIMP_SERVER_H_
