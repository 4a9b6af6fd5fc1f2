#include "adapters/http/api_client.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace hub {
namespace {

// Values at or above this are Unix times, below it delta-seconds (no
// vendor asks for a wait of 31 years).
constexpr int64_t kFirstUnixReset = 1000000000;

// The delay a rate-limit reset header asks for, when there is no
// Retry-After: X-RateLimit-Reset (Intercom, GitHub: the Unix time the window
// resets) or RateLimit-Reset (the IETF draft, Zendesk: seconds until then).
// nullopt if absent or unparseable.
std::optional<absl::Duration> ResetHeader(const HttpResponse& response, absl::Time now) {
  for (const char* name : {"x-ratelimit-reset", "ratelimit-reset"}) {
    std::optional<std::string> value = response.Header(name);
    int64_t n;
    if (!value.has_value() || !absl::SimpleAtoi(*value, &n) || n < 0) continue;
    if (n >= kFirstUnixReset) return std::max(absl::ZeroDuration(), absl::FromUnixSeconds(n) - now);
    return absl::Seconds(n);
  }
  return std::nullopt;
}

// The delay a Retry-After value asks for: delta-seconds or an HTTP-date
// (RFC 9110 IMF-fixdate); without one, a rate-limit reset header's.
// nullopt if none is present and parseable.
std::optional<absl::Duration> RetryAfter(const HttpResponse& response,
                                         absl::Time now) {
  std::optional<std::string> value = response.Header("retry-after");
  if (!value.has_value()) return ResetHeader(response, now);
  int64_t seconds;
  if (absl::SimpleAtoi(*value, &seconds) && seconds >= 0) {
    return absl::Seconds(seconds);
  }
  absl::Time when;
  std::string error;
  if (absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", *value, absl::UTCTimeZone(),
                      &when, &error)) {
    return std::max(absl::ZeroDuration(), when - now);
  }
  return std::nullopt;
}

// The final status for a non-2xx, non-retried response.
absl::Status StatusForHttp(const std::string& method, int status,
                           const std::string& url, const std::string& body) {
  const std::string message =
      absl::StrCat(method, " ", url, ": HTTP ", status,
                   body.empty() ? "" : ": ", body.substr(0, 200));
  switch (status) {
    case 400:
    case 422:
      return absl::InvalidArgumentError(message);
    case 401:
      return absl::UnauthenticatedError(message);
    case 403:
      return absl::PermissionDeniedError(message);
    case 404:
      return absl::NotFoundError(message);
    default:
      return absl::FailedPreconditionError(message);
  }
}

bool Retryable(absl::StatusCode code) {
  return code == absl::StatusCode::kUnavailable ||
         code == absl::StatusCode::kDeadlineExceeded;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ApiClient>> ApiClient::Create(
    std::unique_ptr<HttpClient> http, ApiClientOptions options) {
  absl::string_view base = options.base_url;
  if (!(absl::StartsWith(base, "http://") ||
        absl::StartsWith(base, "https://")) ||
      base.find("://") + 3 >= base.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "base_url \"", options.base_url, "\" is not an http(s) URL"));
  }
  if (options.retry.max_attempts < 1) {
    return absl::InvalidArgumentError("max_attempts must be at least 1");
  }
  if (options.max_requests < 1) {
    return absl::InvalidArgumentError("max_requests must be at least 1");
  }
  if (options.retry.initial_backoff < absl::ZeroDuration() ||
      options.retry.max_backoff < absl::ZeroDuration() ||
      options.request_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "initial_backoff and max_backoff must not be negative, "
        "request_timeout must be positive");
  }
  if (http == nullptr) return absl::InvalidArgumentError("http is null");
  return std::unique_ptr<ApiClient>(
      new ApiClient(std::move(http), std::move(options)));
}

ApiClient::ApiClient(std::unique_ptr<HttpClient> http, ApiClientOptions options)
    : http_(std::move(http)), options_(std::move(options)) {
  while (absl::EndsWith(options_.base_url, "/")) options_.base_url.pop_back();
  if (options_.clock == nullptr) options_.clock = Clock::Real();
  if (!options_.jitter) {
    auto gen = std::make_shared<absl::BitGen>();
    options_.jitter = [gen] { return absl::Uniform<double>(*gen, 0.0, 1.0); };
  }
  const HttpAuth& auth = options_.auth;
  if (auth.scheme == HttpAuth::Scheme::kBasic) {
    auth_header_ = absl::StrCat("Basic ", absl::Base64Escape(absl::StrCat(
                                              auth.user, ":", auth.secret)));
  } else if (auth.scheme == HttpAuth::Scheme::kBearer) {
    auth_header_ = absl::StrCat("Bearer ", auth.secret);
  }
}

std::string ApiClient::Url(absl::string_view path_and_query) const {
  return absl::StrCat(options_.base_url, path_and_query);
}

absl::Duration ApiClient::Backoff(int retry) {
  const RetryPolicy& p = options_.retry;
  absl::Duration ceiling = p.initial_backoff;
  for (int i = 1; i < retry && ceiling < p.max_backoff; ++i) ceiling *= 2;
  return std::min(ceiling, p.max_backoff) * options_.jitter();
}

absl::StatusOr<HttpResponse> ApiClient::Get(absl::string_view path_and_query,
                                            absl::string_view accept) {
  HttpRequest request;
  request.url = Url(path_and_query);
  request.headers.emplace_back("Accept", std::string(accept));
  if (!auth_header_.empty()) {
    request.headers.emplace_back("Authorization", auth_header_);
  }
  return Send(std::move(request));
}

absl::StatusOr<HttpResponse> ApiClient::Post(absl::string_view path,
                                             absl::string_view content_type,
                                             std::string body) {
  HttpRequest request;
  request.method = "POST";
  request.url = Url(path);
  request.headers.emplace_back("Accept", "application/json");
  request.headers.emplace_back("Content-Type", std::string(content_type));
  if (!auth_header_.empty()) {
    request.headers.emplace_back("Authorization", auth_header_);
  }
  request.body = std::move(body);
  return Send(std::move(request));
}

absl::StatusOr<HttpResponse> ApiClient::PostForm(absl::string_view path,
                                                 std::string form) {
  HttpRequest request;
  request.method = "POST";
  request.url = Url(path);
  request.headers.emplace_back("Accept", "application/json");
  request.headers.emplace_back("Content-Type",
                               "application/x-www-form-urlencoded");
  request.body = std::move(form);
  return Send(std::move(request));
}

absl::StatusOr<HttpResponse> ApiClient::PostJson(absl::string_view path,
                                                 std::string json) {
  return Post(path, "application/json", std::move(json));
}

void ApiClient::SetBearerToken(absl::string_view token) {
  options_.auth = HttpAuth::Bearer(std::string(token));
  auth_header_ = absl::StrCat("Bearer ", token);
}

absl::StatusOr<HttpResponse> ApiClient::Send(HttpRequest request) {
  const std::string& method = request.method;
  Clock* clock = options_.clock;
  for (int attempt = 1;; ++attempt) {
    if (requests_ >= options_.max_requests) {
      return absl::ResourceExhaustedError(
          absl::StrCat("request budget max_requests=", options_.max_requests,
                       " spent before ", method, " ", request.url));
    }
    const absl::Duration left = options_.deadline - clock->Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(
          absl::StrCat("deadline passed before ", method, " ", request.url));
    }
    request.timeout = std::min(options_.request_timeout, left);
    ++requests_;
    absl::StatusOr<HttpResponse> response = http_->Send(request);
    absl::Status failure;
    std::optional<absl::Duration> wait;
    if (!response.ok()) {
      if (!Retryable(response.status().code())) return response.status();
      failure = response.status();
    } else if (response->status >= 200 && response->status < 300) {
      return response;
    } else if (response->status == 429 || response->status >= 500) {
      failure = absl::Status(
          response->status == 429 ? absl::StatusCode::kResourceExhausted
                                  : absl::StatusCode::kUnavailable,
          absl::StrCat(method, " ", request.url, ": HTTP ", response->status));
      wait = RetryAfter(*response, clock->Now());
      if (response->status == 429 && options_.retry.throttled) {
        absl::StatusOr<absl::Duration> asked =
            options_.retry.throttled(*response);
        if (!asked.ok()) {
          return absl::Status(asked.status().code(),
                              absl::StrCat(failure.message(), ": ",
                                           asked.status().message()));
        }
        wait = *asked;
      }
    } else {
      return StatusForHttp(method, response->status, request.url,
                           response->body);
    }
    if (attempt >= options_.retry.max_attempts) {
      return absl::Status(failure.code(),
                          absl::StrCat(failure.message(), " (gave up after ",
                                       attempt, " attempts)"));
    }
    if (wait.has_value() && *wait > options_.retry.max_retry_after) {
      return absl::ResourceExhaustedError(absl::StrCat(
          failure.message(), ": Retry-After ", absl::FormatDuration(*wait),
          " exceeds max_retry_after"));
    }
    const absl::Duration sleep = wait.value_or(Backoff(attempt));
    if (clock->Now() + sleep >= options_.deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          failure.message(), ": retrying would pass the deadline"));
    }
    clock->SleepFor(sleep);
  }
}

}  // namespace hub
