// ApiClient: GET (and form POST) requests against one vendor API with
// authentication, retries, back-off, a request budget and a deadline — the
// policy every API adapter shares.
#ifndef HUB_ADAPTERS_HTTP_API_CLIENT_H_
#define HUB_ADAPTERS_HTTP_API_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "adapters/http/clock.h"
#include "adapters/http/http_client.h"

namespace hub {

// How requests authenticate.
struct HttpAuth {
  enum class Scheme { kNone, kBasic, kBearer };
  Scheme scheme = Scheme::kNone;
  // Basic: the user name ("{email}/token" for a Zendesk API token).
  std::string user;
  // Basic: the password; Bearer: the token.
  std::string secret;

  static HttpAuth Basic(std::string user, std::string password) {
    return HttpAuth{Scheme::kBasic, std::move(user), std::move(password)};
  }
  static HttpAuth Bearer(std::string token) {
    return HttpAuth{Scheme::kBearer, "", std::move(token)};
  }
};

// When and how often a request is retried.
//
// Retried: 429 (after its Retry-After, in seconds or as an HTTP-date; else
// until its X-RateLimit-Reset (a Unix time) or RateLimit-Reset (seconds);
// else as a 5xx), any 5xx (after its Retry-After if given, else back-off), and
// exchanges that failed UNAVAILABLE or DEADLINE_EXCEEDED (back-off).
// Back-off before retry n (1-based) is "full jitter": uniform in
// [0, min(max_backoff, initial_backoff * 2^(n-1))).
struct RetryPolicy {
  // Tries per request, the first included. At least 1.
  int max_attempts = 5;
  // Back-off ceiling before the first retry.
  absl::Duration initial_backoff = absl::Seconds(1);
  // Back-off ceiling cap.
  absl::Duration max_backoff = absl::Seconds(60);
  // A Retry-After longer than this fails the request RESOURCE_EXHAUSTED
  // instead of sleeping.
  absl::Duration max_retry_after = absl::Minutes(15);
  // For a vendor that says in a 429's body which limit was hit (HubSpot's
  // policyName): returns the wait before the retry, or the error to fail
  // the request with at once (a daily quota, which no retry within the run
  // can clear). Null: Retry-After, else back-off.
  std::function<absl::StatusOr<absl::Duration>(const HttpResponse&)> throttled;
};

// What an API adapter's run sets on its ApiClient beyond the source's
// base_url and credentials (each adapter's options extend it).
struct ApiRunOptions {
  // Retries of each request (429 Retry-After, 5xx and connection back-off).
  RetryPolicy retry;
  // The most HTTP requests one Pull may make (RESOURCE_EXHAUSTED beyond).
  int64_t max_requests = 10000;
  // The run's deadline: no request starts or waits past it.
  absl::Time deadline = absl::InfiniteFuture();
  // Timeout of one request (shortened to the time left before `deadline`).
  absl::Duration request_timeout = absl::Seconds(60);
  // Time and back-off sleeping; null: Clock::Real(). Not owned.
  Clock* clock = nullptr;
  // Back-off jitter in [0, 1); null: pseudo-random.
  std::function<double()> jitter;
};

// Options for ApiClient.
struct ApiClientOptions {
  // Required. Scheme, host and optional path prefix, e.g.
  // "https://acme.zendesk.com" or "http://127.0.0.1:8080"; paths given to Get
  // are appended. A trailing "/" is ignored.
  std::string base_url;
  // Added to every request.
  HttpAuth auth;
  RetryPolicy retry;
  // The most HTTP exchanges (retries included) this client may make; one
  // client serves one adapter run. At least 1.
  int64_t max_requests = 10000;
  // The job's deadline: no request starts after it, no request's timeout
  // reaches past it, and no back-off sleeps past it.
  absl::Time deadline = absl::InfiniteFuture();
  // Timeout of one exchange (shortened to the time left before `deadline`).
  absl::Duration request_timeout = absl::Seconds(60);
  // Time and sleeping; null: Clock::Real(). Not owned; must outlive the
  // client.
  Clock* clock = nullptr;
  // Uniform random number in [0, 1) for the back-off jitter; null: a
  // pseudo-random generator.
  std::function<double()> jitter;
};

// Sends GETs to one API under ApiClientOptions' policy and turns the final
// outcome into a Status.
//
// Not thread-safe (one adapter run uses it from one thread).
class ApiClient {
 public:
  // Takes ownership of `http`. INVALID_ARGUMENT naming the option if
  // base_url is not http(s)://..., max_attempts or max_requests is below 1,
  // or a duration is negative.
  static absl::StatusOr<std::unique_ptr<ApiClient>> Create(
      std::unique_ptr<HttpClient> http, ApiClientOptions options);

  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // GETs base_url + `path_and_query` ("/api/v2/x.json?a=b") and returns the
  // 2xx response. Errors, each naming the URL (never the credentials):
  //   UNAUTHENTICATED (401), PERMISSION_DENIED (403), NOT_FOUND (404),
  //   INVALID_ARGUMENT (400, 422), FAILED_PRECONDITION (other 3xx/4xx);
  //   UNAVAILABLE when 5xx or connection failures outlast max_attempts;
  //   RESOURCE_EXHAUSTED when 429s outlast max_attempts, a Retry-After
  //   exceeds max_retry_after, or the max_requests budget is spent (the
  //   message names "max_requests");
  //   the error RetryPolicy::throttled returns for a 429, at once;
  //   DEADLINE_EXCEEDED when timeouts outlast max_attempts or the deadline
  //   passes (or would, during a back-off).
  // `accept` is the Accept header (e.g. "text/csv" for a CSV resource).
  absl::StatusOr<HttpResponse> Get(
      absl::string_view path_and_query,
      absl::string_view accept = "application/json");

  // POSTs `body` of `content_type` to base_url + `path` with the
  // Authorization header (e.g. creating a vendor job), under Get's policy;
  // errors as Get's, messages naming "POST <url>" (never the body). A retried
  // POST may reach the vendor twice, so use it only where a duplicate is
  // harmless.
  absl::StatusOr<HttpResponse> Post(absl::string_view path,
                                    absl::string_view content_type,
                                    std::string body);

  // POSTs `form` (already application/x-www-form-urlencoded) to base_url +
  // `path` without the Authorization header (e.g. an OAuth token request,
  // whose credentials travel in the form), under the same retry, budget and
  // deadline policy as Get; errors as Get's, messages naming "POST <url>"
  // (never the form).
  absl::StatusOr<HttpResponse> PostForm(absl::string_view path,
                                        std::string form);

  // Post(path, "application/json", json): a search request.
  absl::StatusOr<HttpResponse> PostJson(absl::string_view path,
                                        std::string json);

  // Replaces the bearer token sent from now on (after an OAuth refresh).
  void SetBearerToken(absl::string_view token);

  // base_url + `path_and_query`.
  std::string Url(absl::string_view path_and_query) const;

  // Exchanges made so far.
  int64_t requests() const { return requests_; }

 private:
  ApiClient(std::unique_ptr<HttpClient> http, ApiClientOptions options);

  absl::Duration Backoff(int retry);
  absl::StatusOr<HttpResponse> Send(HttpRequest request);

  std::unique_ptr<HttpClient> http_;
  ApiClientOptions options_;
  std::string auth_header_;
  int64_t requests_ = 0;
};

}  // namespace hub

#endif  // HUB_ADAPTERS_HTTP_API_CLIENT_H_
