// ApiClient over CurlHttpClient against a real HTTP server on loopback. The
// Clock is fake (sleeps advance it instantly), the exchanges are real.
#include "adapters/http/api_client.h"

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/fake_clock.h"
#include "tests/support/loopback_http_server.h"

namespace hub {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testing_support::FakeClock;
using testing_support::LoopbackHttpServer;

class ApiClientTest : public ::testing::Test {
 protected:
  // Serves GET /x: the first `failures` requests get `fail_status` (with
  // Retry-After `retry_after` if set), the rest 200 "ok".
  void ServeFailingThenOk(int failures, int fail_status,
                          std::string retry_after = "") {
    http_.server().Get("/x",
                       [=](const httplib::Request&, httplib::Response& res) {
                         if (hits_++ < failures) {
                           res.status = fail_status;
                           if (!retry_after.empty())
                             res.set_header("Retry-After", retry_after);
                           res.set_content("busy", "text/plain");
                           return;
                         }
                         res.set_content("ok", "text/plain");
                       });
    ASSERT_TRUE(http_.Start());
  }

  std::unique_ptr<ApiClient> Client(ApiClientOptions options = {}) {
    if (options.base_url.empty()) options.base_url = http_.base_url();
    options.clock = &clock_;
    if (!options.jitter) options.jitter = [] { return 0.5; };
    auto curl = CurlHttpClient::Create({});
    EXPECT_TRUE(curl.ok()) << curl.status();
    auto client = ApiClient::Create(*std::move(curl), options);
    EXPECT_TRUE(client.ok()) << client.status();
    return *std::move(client);
  }

  // Handlers use these: they outlive the server (declared last, destroyed
  // first, joining its handler threads).
  absl::Notification release_;
  FakeClock clock_;
  std::atomic<int> hits_{0};
  LoopbackHttpServer http_;
};

TEST_F(ApiClientTest, ReturnsBodyAndHeadersCaseInsensitively) {
  http_.server().Get("/api/v2/x.json", [](const httplib::Request& req,
                                          httplib::Response& res) {
    res.set_header("X-Rate-Limit", "700");
    res.set_content("{\"q\":\"" + req.get_param_value("q") + "\"}",
                    "application/json");
  });
  ASSERT_TRUE(http_.Start());
  absl::StatusOr<HttpResponse> r = Client()->Get("/api/v2/x.json?q=a%2Bb");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"q\":\"a+b\"}");
  EXPECT_EQ(r->Header("x-rate-limit"), "700");
  EXPECT_EQ(r->Header("X-RATE-LIMIT"), "700");
  EXPECT_EQ(r->Header("content-type"), "application/json");
  EXPECT_EQ(r->Header("x-missing"), std::nullopt);
}

TEST_F(ApiClientTest, SendsBasicAuthAndAccept) {
  std::string auth, accept;
  http_.server().Get("/x",
                     [&](const httplib::Request& req, httplib::Response& res) {
                       auth = req.get_header_value("Authorization");
                       accept = req.get_header_value("Accept");
                       res.set_content("ok", "text/plain");
                     });
  ASSERT_TRUE(http_.Start());
  ApiClientOptions options;
  options.auth = HttpAuth::Basic("ana@acme.example/token", "s3cret");
  ASSERT_TRUE(Client(options)->Get("/x").ok());
  EXPECT_EQ(auth,
            "Basic " + absl::Base64Escape("ana@acme.example/token:s3cret"));
  EXPECT_EQ(accept, "application/json");
}

TEST_F(ApiClientTest, SendsBearerTokenAndStripsTrailingSlashOfBaseUrl) {
  std::string auth;
  http_.server().Get("/x",
                     [&](const httplib::Request& req, httplib::Response& res) {
                       auth = req.get_header_value("Authorization");
                       res.set_content("ok", "text/plain");
                     });
  ASSERT_TRUE(http_.Start());
  ApiClientOptions options;
  options.base_url = http_.base_url() + "/";
  options.auth = HttpAuth::Bearer("tok-1");
  ASSERT_TRUE(Client(options)->Get("/x").ok());
  EXPECT_EQ(auth, "Bearer tok-1");
}

TEST_F(ApiClientTest, PostFormSendsTheFormWithoutAuthThenBearerIsReplaced) {
  std::string method, type, body, post_auth, get_auth;
  http_.server().Post(
      "/oauth", [&](const httplib::Request& req, httplib::Response& res) {
        method = req.method;
        type = req.get_header_value("Content-Type");
        body = req.body;
        post_auth = req.get_header_value("Authorization");
        res.set_content("{\"access_token\":\"t2\"}", "application/json");
      });
  http_.server().Get("/x",
                     [&](const httplib::Request& req, httplib::Response& res) {
                       get_auth = req.get_header_value("Authorization");
                       res.set_content("ok", "text/plain");
                     });
  http_.server().Post(
      "/denied", [](const httplib::Request&, httplib::Response& res) {
        res.status = 400;
        res.set_content("{\"error\":\"invalid_grant\"}", "application/json");
      });
  ASSERT_TRUE(http_.Start());
  ApiClientOptions options;
  options.auth = HttpAuth::Bearer("t1");
  std::unique_ptr<ApiClient> client = Client(options);
  absl::StatusOr<HttpResponse> r =
      client->PostForm("/oauth", "grant_type=refresh_token&refresh_token=r");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body, "{\"access_token\":\"t2\"}");
  EXPECT_EQ(method, "POST");
  EXPECT_EQ(type, "application/x-www-form-urlencoded");
  EXPECT_EQ(body, "grant_type=refresh_token&refresh_token=r");
  EXPECT_EQ(post_auth, "");
  client->SetBearerToken("t2");
  ASSERT_TRUE(client->Get("/x").ok());
  EXPECT_EQ(get_auth, "Bearer t2");
  absl::StatusOr<HttpResponse> denied =
      client->PostForm("/denied", "refresh_token=secret-r");
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(denied.status().message(),
            "POST " + http_.base_url() +
                "/denied: HTTP 400: {\"error\":\"invalid_grant\"}");
  EXPECT_EQ(client->requests(), 3);
}

TEST_F(ApiClientTest, PostJsonSendsTheDocumentWithAuth) {
  std::string type, body, auth;
  http_.server().Post(
      "/search", [&](const httplib::Request& req, httplib::Response& res) {
        type = req.get_header_value("Content-Type");
        body = req.body;
        auth = req.get_header_value("Authorization");
        res.set_content("{\"results\":[]}", "application/json");
      });
  ASSERT_TRUE(http_.Start());
  ApiClientOptions options;
  options.auth = HttpAuth::Bearer("pat-1");
  absl::StatusOr<HttpResponse> r =
      Client(options)->PostJson("/search", "{\"limit\":100}");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body, "{\"results\":[]}");
  EXPECT_EQ(type, "application/json");
  EXPECT_EQ(body, "{\"limit\":100}");
  EXPECT_EQ(auth, "Bearer pat-1");
}

TEST_F(ApiClientTest, ThrottledHookChoosesTheWaitOrFailsAtOnce) {
  // 429 "busy" twice, Retry-After 7, which the hook overrides.
  ServeFailingThenOk(2, 429, "7");
  ApiClientOptions options;
  std::vector<std::string> bodies;
  options.retry.throttled = [&bodies](const HttpResponse& response)
      -> absl::StatusOr<absl::Duration> {
    bodies.push_back(response.body);
    if (bodies.size() == 1) return absl::Seconds(1);
    return absl::ResourceExhaustedError("daily quota");
  };
  absl::StatusOr<HttpResponse> r = Client(options)->Get("/x");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(),
            "GET " + http_.base_url() + "/x: HTTP 429: daily quota");
  EXPECT_THAT(bodies, ElementsAre("busy", "busy"));
  EXPECT_THAT(clock_.sleeps(), ElementsAre(absl::Seconds(1)));
  EXPECT_EQ(hits_, 2);
}

TEST_F(ApiClientTest, PostSendsBodyWithAuthAndGetTakesAnAccept) {
  std::string type, body, post_auth, accept;
  int posts = 0;
  http_.server().Post("/jobs",
                      [&](const httplib::Request& req, httplib::Response& res) {
                        if (posts++ == 0) {
                          res.status = 503;
                          return;
                        }
                        type = req.get_header_value("Content-Type");
                        body = req.body;
                        post_auth = req.get_header_value("Authorization");
                        res.status = 201;
                        res.set_content("{\"id\":\"750\"}", "application/json");
                      });
  http_.server().Get("/results",
                     [&](const httplib::Request& req, httplib::Response& res) {
                       accept = req.get_header_value("Accept");
                       res.set_header("Sforce-Locator", "MTAw");
                       res.set_content("\"Id\"\n\"a\"\n", "text/csv");
                     });
  ASSERT_TRUE(http_.Start());
  ApiClientOptions options;
  options.auth = HttpAuth::Bearer("t1");
  std::unique_ptr<ApiClient> client = Client(options);
  absl::StatusOr<HttpResponse> r =
      client->Post("/jobs", "application/json", "{\"operation\":\"query\"}");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, "{\"id\":\"750\"}");
  EXPECT_EQ(type, "application/json");
  EXPECT_EQ(body, "{\"operation\":\"query\"}");
  EXPECT_EQ(post_auth, "Bearer t1");
  EXPECT_THAT(clock_.sleeps(), ElementsAre(absl::Milliseconds(500)));
  absl::StatusOr<HttpResponse> csv = client->Get("/results", "text/csv");
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(accept, "text/csv");
  EXPECT_EQ(csv->Header("sforce-locator"), "MTAw");
  EXPECT_EQ(csv->body, "\"Id\"\n\"a\"\n");
  EXPECT_EQ(client->requests(), 3);
}

TEST_F(ApiClientTest, ThrottledThenOkSleepsExactlyRetryAfterSeconds) {
  ServeFailingThenOk(1, 429, "7");
  std::unique_ptr<ApiClient> client = Client();
  absl::StatusOr<HttpResponse> r = client->Get("/x");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->body, "ok");
  EXPECT_THAT(clock_.sleeps(), ElementsAre(absl::Seconds(7)));
  EXPECT_EQ(client->requests(), 2);
}

TEST_F(ApiClientTest, WithoutRetryAfterARateLimitResetHeaderSetsTheWait) {
  // The fake clock reads 1700000000 (2023-11-14 22:13:20 UTC).
  std::vector<std::pair<std::string, std::string>> resets = {
      {"X-RateLimit-Reset", "1700000012"},  // a Unix time: 12 s from now
      {"RateLimit-Reset", "5"},             // seconds
      {"X-RateLimit-Reset", "1699999990"}}; // already past: retry at once
  http_.server().Get("/x", [&](const httplib::Request&, httplib::Response& res) {
    if (hits_ < static_cast<int>(resets.size())) {
      res.status = 429;
      res.set_header(resets[hits_].first, resets[hits_].second);
      ++hits_;
      return;
    }
    res.set_content("ok", "text/plain");
  });
  ASSERT_TRUE(http_.Start());
  ASSERT_TRUE(Client()->Get("/x").ok());
  EXPECT_THAT(clock_.sleeps(),
              ElementsAre(absl::Seconds(12), absl::Seconds(5), absl::ZeroDuration()));
}

TEST_F(ApiClientTest, RetryAfterAsHttpDateSleepsUntilThen) {
  // The fake clock reads 2023-11-14 22:13:20 UTC.
  ServeFailingThenOk(1, 429, "Tue, 14 Nov 2023 22:13:50 GMT");
  ASSERT_TRUE(Client()->Get("/x").ok());
  EXPECT_THAT(clock_.sleeps(), ElementsAre(absl::Seconds(30)));
}

TEST_F(ApiClientTest, ServiceUnavailableTwiceThenOkBacksOffWithJitter) {
  ServeFailingThenOk(2, 503);
  ApiClientOptions options;
  options.retry.initial_backoff = absl::Seconds(2);
  std::unique_ptr<ApiClient> client = Client(options);
  ASSERT_TRUE(client->Get("/x").ok());
  // Jitter 0.5 of the ceilings 2 s and 4 s.
  EXPECT_THAT(clock_.sleeps(), ElementsAre(absl::Seconds(1), absl::Seconds(2)));
  EXPECT_EQ(client->requests(), 3);
}

TEST_F(ApiClientTest, BackoffCeilingIsCapped) {
  ServeFailingThenOk(4, 500);
  ApiClientOptions options;
  options.retry.initial_backoff = absl::Seconds(2);
  options.retry.max_backoff = absl::Seconds(5);
  options.jitter = [] { return 0.9; };
  ASSERT_TRUE(Client(options)->Get("/x").ok());
  EXPECT_THAT(clock_.sleeps(),
              ElementsAre(absl::Milliseconds(1800), absl::Milliseconds(3600),
                          absl::Milliseconds(4500), absl::Milliseconds(4500)));
}

TEST_F(ApiClientTest, RetriesExhaustedIsUnavailableNamingTheUrl) {
  ServeFailingThenOk(100, 503);
  ApiClientOptions options;
  options.retry.max_attempts = 3;
  absl::StatusOr<HttpResponse> r = Client(options)->Get("/x?page=2");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(r.status().message(),
            "GET " + http_.base_url() +
                "/x?page=2: HTTP 503 (gave up after 3 attempts)");
  EXPECT_EQ(hits_, 3);
  EXPECT_EQ(clock_.sleeps().size(), 2u);
}

TEST_F(ApiClientTest, ThrottlingOutlastingAttemptsIsResourceExhausted) {
  ServeFailingThenOk(100, 429, "1");
  ApiClientOptions options;
  options.retry.max_attempts = 2;
  absl::StatusOr<HttpResponse> r = Client(options)->Get("/x");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(clock_.sleeps(), ElementsAre(absl::Seconds(1)));
}

TEST_F(ApiClientTest, RetryAfterBeyondMaxRetryAfterFailsWithoutSleeping) {
  ServeFailingThenOk(1, 429, "3600");
  ApiClientOptions options;
  options.retry.max_retry_after = absl::Minutes(10);
  absl::StatusOr<HttpResponse> r = Client(options)->Get("/x");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(r.status().message(), HasSubstr("max_retry_after"));
  EXPECT_TRUE(clock_.sleeps().empty());
}

TEST_F(ApiClientTest, RequestBudgetSpentIsResourceExhaustedNamingIt) {
  ServeFailingThenOk(100, 503);
  ApiClientOptions options;
  options.max_requests = 3;
  std::unique_ptr<ApiClient> client = Client(options);
  absl::StatusOr<HttpResponse> r = client->Get("/x");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(),
            "request budget max_requests=3 spent before GET " +
                http_.base_url() + "/x");
  EXPECT_EQ(hits_, 3);
  EXPECT_EQ(client->requests(), 3);
}

TEST_F(ApiClientTest, ConnectionRefusedIsUnavailableAfterRetries) {
  std::string base_url;
  {
    LoopbackHttpServer gone;
    ASSERT_TRUE(gone.Start());
    base_url = gone.base_url();
  }
  ApiClientOptions options;
  options.base_url = base_url;
  options.retry.max_attempts = 2;
  absl::StatusOr<HttpResponse> r = Client(options)->Get("/x");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(r.status().message(), HasSubstr("GET " + base_url + "/x: "));
  EXPECT_THAT(r.status().message(), HasSubstr("gave up after 2 attempts"));
  EXPECT_EQ(clock_.sleeps().size(), 1u);
}

TEST_F(ApiClientTest, SlowServerTimesOutAsDeadlineExceeded) {
  http_.server().Get(
      "/slow", [&](const httplib::Request&, httplib::Response& res) {
        release_.WaitForNotificationWithTimeout(absl::Seconds(10));
        res.set_content("late", "text/plain");
      });
  ASSERT_TRUE(http_.Start());
  ApiClientOptions options;
  options.request_timeout = absl::Milliseconds(200);
  options.retry.max_attempts = 1;
  absl::StatusOr<HttpResponse> r = Client(options)->Get("/slow");
  release_.Notify();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(r.status().message(),
              HasSubstr("GET " + http_.base_url() + "/slow: "));
}

TEST_F(ApiClientTest, DeadlineShortensTheRequestTimeout) {
  http_.server().Get(
      "/slow", [&](const httplib::Request&, httplib::Response& res) {
        release_.WaitForNotificationWithTimeout(absl::Seconds(10));
        res.set_content("late", "text/plain");
      });
  ASSERT_TRUE(http_.Start());
  ApiClientOptions options;
  options.request_timeout = absl::Hours(1);
  options.deadline = clock_.Now() + absl::Milliseconds(200);
  absl::StatusOr<HttpResponse> r = Client(options)->Get("/slow");
  release_.Notify();
  // The retry's back-off would pass the deadline (the fake clock stood
  // still, so 200 ms are left, less than the back-off of 500 ms).
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(r.status().message(),
              HasSubstr("retrying would pass the deadline"));
  EXPECT_TRUE(clock_.sleeps().empty());
}

TEST_F(ApiClientTest, DeadlinePassedSendsNothing) {
  ServeFailingThenOk(0, 200);
  ApiClientOptions options;
  options.deadline = clock_.Now();
  absl::StatusOr<HttpResponse> r = Client(options)->Get("/x");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(hits_, 0);
}

TEST_F(ApiClientTest, ClientErrorsMapToCanonicalCodesWithoutCredentials) {
  http_.server().Get(R"(/status/(\d+))", [](const httplib::Request& req,
                                            httplib::Response& res) {
    res.status = std::stoi(req.matches[1]);
    res.set_content("{\"error\":\"nope\"}", "application/json");
  });
  ASSERT_TRUE(http_.Start());
  ApiClientOptions options;
  options.auth = HttpAuth::Basic("ana@acme.example/token", "s3cret");
  std::unique_ptr<ApiClient> client = Client(options);
  const std::pair<int, absl::StatusCode> cases[] = {
      {401, absl::StatusCode::kUnauthenticated},
      {403, absl::StatusCode::kPermissionDenied},
      {404, absl::StatusCode::kNotFound},
      {400, absl::StatusCode::kInvalidArgument},
      {409, absl::StatusCode::kFailedPrecondition},
  };
  for (const auto& [status, code] : cases) {
    absl::StatusOr<HttpResponse> r =
        client->Get("/status/" + std::to_string(status));
    EXPECT_EQ(r.status().code(), code) << status;
    EXPECT_EQ(r.status().message(), "GET " + http_.base_url() + "/status/" +
                                        std::to_string(status) + ": HTTP " +
                                        std::to_string(status) +
                                        ": {\"error\":\"nope\"}");
    EXPECT_THAT(r.status().message(), Not(HasSubstr("s3cret")));
  }
  EXPECT_EQ(client->requests(), 5);  // none retried
  EXPECT_TRUE(clock_.sleeps().empty());
}

// A self-signed certificate for 127.0.0.1, written under the test temp dir;
// returns the folder holding cert.pem and key.pem ("" if openssl failed).
std::string SelfSignedCertificate() {
  const std::string dir = ::testing::TempDir() + "/api_client_test_tls";
  const std::string command =
      "mkdir -p " + dir +
      " && openssl req -x509 -newkey rsa:2048 -nodes -days 2 " +
      "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " + dir +
      "/key.pem -out " + dir + "/cert.pem >/dev/null 2>&1";
  return std::system(command.c_str()) == 0 ? dir : "";
}

TEST(ApiClientTlsTest, VerifiesServersAndTrustsTheCaFile) {
  const std::string dir = SelfSignedCertificate();
  ASSERT_FALSE(dir.empty());
  LoopbackHttpServer https(dir + "/cert.pem", dir + "/key.pem");
  https.server().Get("/x", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("secure", "text/plain");
  });
  ASSERT_TRUE(https.Start());
  FakeClock clock;
  auto get = [&](const std::string& ca_file) {
    CurlHttpClientOptions curl;
    curl.ca_file = ca_file;
    ApiClientOptions options;
    options.base_url = https.base_url();
    options.clock = &clock;
    options.retry.max_attempts = 1;
    return (*ApiClient::Create(*CurlHttpClient::Create(curl), options))
        ->Get("/x");
  };
  // Verification is on by default: a certificate no trusted CA signed fails.
  absl::StatusOr<HttpResponse> untrusted = get("");
  EXPECT_EQ(untrusted.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(untrusted.status().message(),
              HasSubstr("GET " + https.base_url() + "/x: "));
  absl::StatusOr<HttpResponse> trusted = get(dir + "/cert.pem");
  ASSERT_TRUE(trusted.ok()) << trusted.status();
  EXPECT_EQ(trusted->body, "secure");
}

TEST(ApiClientCreateTest, RejectsBadOptionsNamingThem) {
  auto create = [](ApiClientOptions options) {
    return ApiClient::Create(*CurlHttpClient::Create({}), std::move(options))
        .status();
  };
  ApiClientOptions bad_url;
  bad_url.base_url = "ftp://x";
  EXPECT_EQ(create(bad_url).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(create(bad_url).message(), HasSubstr("base_url"));
  ApiClientOptions budget;
  budget.base_url = "http://127.0.0.1:1";
  budget.max_requests = 0;
  EXPECT_THAT(create(budget).message(), HasSubstr("max_requests"));
  CurlHttpClientOptions ca;
  ca.ca_file = "/nonexistent/ca.pem";
  EXPECT_THAT(CurlHttpClient::Create(ca).status().message(),
              HasSubstr("ca_file"));
}

}  // namespace
}  // namespace hub
