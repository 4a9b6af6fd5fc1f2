#include "tests/support/loopback_http_server.h"

namespace hub {
namespace testing_support {

LoopbackHttpServer::~LoopbackHttpServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

bool LoopbackHttpServer::Start() {
  // Without it a response written in two parts waits for the client's
  // delayed ACK (~40 ms on Linux): every page would look that slow.
  server_->set_tcp_nodelay(true);
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) return false;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() is a no-op until the accept loop runs; wait for it so the
  // destructor cannot miss it.
  while (!server_->is_running()) std::this_thread::yield();
  return true;
}

std::string LoopbackHttpServer::base_url() const {
  return scheme_ + "://127.0.0.1:" + std::to_string(port_);
}

bool InjectedFaults::Answer(httplib::Response& res, const std::string& throttle_body,
                            const std::string& throttle_type) {
  if (throttle_ > 0) {
    --throttle_;
    res.status = 429;
    res.set_header("Retry-After", std::to_string(retry_after_));
    if (!throttle_body.empty()) res.set_content(throttle_body, throttle_type);
    return true;
  }
  if (fail_ > 0 && fail_skip_ > 0) {
    --fail_skip_;
  } else if (fail_ > 0) {
    --fail_;
    res.status = fail_status_;
    res.set_content("<html>Service Unavailable</html>", "text/html");
    return true;
  }
  return false;
}

}  // namespace testing_support
}  // namespace hub
