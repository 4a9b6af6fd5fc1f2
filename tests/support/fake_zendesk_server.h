// FakeZendeskServer: Zendesk Support's export endpoints on loopback, for
// the zendesk_api adapter's tests. Serves vendor-shaped pages (see
// docs/sources.md and vendor-formats.md §6) of items loaded from a sample
// world's zendesk/ folder, checks authentication, and injects faults.
#ifndef HUB_TESTS_SUPPORT_FAKE_ZENDESK_SERVER_H_
#define HUB_TESTS_SUPPORT_FAKE_ZENDESK_SERVER_H_

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

struct FakeZendeskOptions {
  // The most items per page; a request's per_page / page[size] may lower it.
  int page_size = 100;
  // Accepted credentials: HTTP Basic "{email}/token:{token}" or Bearer
  // "{token}". Anything else gets 401.
  std::string email = "agent@hubsample.example";
  std::string token = "zd-test-token";
};

// Endpoints:
//   GET /api/v2/incremental/{users,tickets}/cursor.json
//       ?start_time=T | ?cursor=C  [&per_page=N]
//     -> {<stream>:[...], after_cursor, after_url, before_cursor, before_url,
//         end_of_stream}; items in load order; the last page's after_cursor
//         returns items added later.
//   GET /api/v2/incremental/{organizations,users,tickets}.json?start_time=T
//       [&per_page=N]
//     -> {<stream>:[...], next_page, end_time, count, end_of_stream}:
//        time-based, items ordered by generated_timestamp (else
//        updated_at), those at or after T; a
//        second is never split across pages (so a page can exceed N) and
//        end_time is the page's last second, so its items reappear on the
//        next page, as Zendesk does.
//   GET /api/v2/satisfaction_ratings.json?page[size]=N [&page[after]=C]
//     -> {satisfaction_ratings:[...], meta:{has_more, after_cursor,
//        before_cursor}, links:{next, prev}}.
// Cursors are opaque (base64 of the stream and an item index).
//
// Thread-safe: handlers run on the server's threads; the control methods
// may be called at any time.
class FakeZendeskServer {
 public:
  // Loads every "<stream>-NNNN.json" page of `zendesk_dir` (item arrays as
  // hub-sample writes them) and starts serving. NOT_FOUND / DATA_LOSS if a
  // page cannot be read or parsed; UNAVAILABLE if binding fails.
  static absl::StatusOr<std::unique_ptr<FakeZendeskServer>> Start(
      const std::string& zendesk_dir, FakeZendeskOptions options = {});
  ~FakeZendeskServer() = default;
  FakeZendeskServer(const FakeZendeskServer&) = delete;
  FakeZendeskServer& operator=(const FakeZendeskServer&) = delete;

  // "http://127.0.0.1:<port>".
  std::string base_url() const { return http_.base_url(); }

  // Appends `item` to `stream` ("organizations", "users", "tickets",
  // "satisfaction_ratings"); organizations stay ordered by updated_at.
  void Add(const std::string& stream, nlohmann::json item);
  // The items of `stream`.
  size_t Count(const std::string& stream);

  // Faults, each consumed by the requests it hits:
  // the next `n` requests get 429 with "Retry-After: <seconds>";
  void ThrottleNext(int n, int retry_after_seconds);
  // after `skip` more requests are answered, the next `n` get `status`
  // (5xx);
  void FailNext(int n, int status, int skip = 0);
  // the `k`-th page (1-based, counted from this call) of `stream` is
  // answered 200 with `body` instead, once;
  void MalformPage(const std::string& stream, int k, std::string body);
  // every response waits `delay` first.
  void set_delay(absl::Duration delay);

  // "<path>?<query>" of every request received, in order.
  std::vector<std::string> requests();

 private:
  struct Malformed {
    int remaining = 0;  // pages of the stream before the malformed one
    std::string body;
  };

  explicit FakeZendeskServer(FakeZendeskOptions options)
      : options_(std::move(options)) {}
  void Handle(const httplib::Request& req, httplib::Response& res);
  // Returns true (and fills `res`) if a fault or bad auth answers `req`.
  bool Intercept(const httplib::Request& req, httplib::Response& res)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  nlohmann::json CursorPage(const std::string& stream,
                            const httplib::Request& req, int* status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  nlohmann::json TimePage(const std::string& stream,
                          const httplib::Request& req, int* status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const FakeZendeskOptions options_;
  absl::Mutex mu_;
  std::map<std::string, std::vector<nlohmann::json>> items_
      ABSL_GUARDED_BY(mu_);
  std::vector<std::string> log_ ABSL_GUARDED_BY(mu_);
  InjectedFaults faults_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Malformed> malformed_ ABSL_GUARDED_BY(mu_);
  absl::Duration delay_ ABSL_GUARDED_BY(mu_) = absl::ZeroDuration();
  LoopbackHttpServer http_;  // last: stops (joining handlers) first
};

}  // namespace testing_support
}  // namespace hub

#endif  // HUB_TESTS_SUPPORT_FAKE_ZENDESK_SERVER_H_
