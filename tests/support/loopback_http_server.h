// LoopbackHttpServer: a real cpp-httplib server on 127.0.0.1, on an
// ephemeral port, serving from its own thread, for HTTP client tests.
#ifndef HUB_TESTS_SUPPORT_LOOPBACK_HTTP_SERVER_H_
#define HUB_TESTS_SUPPORT_LOOPBACK_HTTP_SERVER_H_

#include <memory>
#include <string>
#include <thread>

#include "httplib.h"

namespace hub {
namespace testing_support {

// Register handlers on server(), then Start(). The destructor stops the
// server and joins its thread. Handlers run on the server's worker threads.
// cpp-httplib brotli-compresses a response whose Content-Type is exactly
// "application/json" when the client accepts it (ours does), at ~30 ms a
// page; the fake vendors answer "application/json; charset=utf-8", as the
// real ones do, which it sends as is.
class LoopbackHttpServer {
 public:
  // Plain HTTP.
  LoopbackHttpServer() : server_(std::make_unique<httplib::Server>()) {}
  // HTTPS with the PEM certificate and key at these paths.
  LoopbackHttpServer(const std::string& cert_path, const std::string& key_path)
      : server_(std::make_unique<httplib::SSLServer>(cert_path.c_str(),
                                                     key_path.c_str())),
        scheme_("https") {}
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  httplib::Server& server() { return *server_; }

  // Binds 127.0.0.1:0 and starts serving; connections are accepted (queued
  // by the kernel) as soon as this returns. Returns false if binding fails.
  bool Start();

  int port() const { return port_; }
  // "http://127.0.0.1:<port>" (https for an HTTPS server).
  std::string base_url() const;

 private:
  std::unique_ptr<httplib::Server> server_;
  std::string scheme_ = "http";
  std::thread thread_;
  int port_ = -1;
};

// The throttling and server errors a fake vendor API injects, each consumed
// by the requests it hits. Not thread-safe: the fake's mutex guards it.
class InjectedFaults {
 public:
  // The next `n` requests get 429 with "Retry-After: <seconds>".
  void ThrottleNext(int n, int retry_after_seconds) {
    throttle_ = n;
    retry_after_ = retry_after_seconds;
  }
  // After `skip` more requests are answered, the next `n` get `status`.
  void FailNext(int n, int status, int skip) {
    fail_ = n;
    fail_status_ = status;
    fail_skip_ = skip;
  }
  // If a fault is due for this request, answers `res` with it — a 429 with
  // `throttle_body` (of `throttle_type`, none if empty) or the failure
  // status with an HTML page — and returns true.
  bool Answer(httplib::Response& res, const std::string& throttle_body = "",
              const std::string& throttle_type = "application/json; charset=utf-8");

 private:
  int throttle_ = 0;
  int retry_after_ = 0;
  int fail_ = 0;
  int fail_status_ = 503;
  int fail_skip_ = 0;
};

}  // namespace testing_support
}  // namespace hub

#endif  // HUB_TESTS_SUPPORT_LOOPBACK_HTTP_SERVER_H_
