// HttpClient: one synchronous HTTP exchange; CurlHttpClient, its libcurl
// implementation.
#ifndef HUB_ADAPTERS_HTTP_HTTP_CLIENT_H_
#define HUB_ADAPTERS_HTTP_HTTP_CLIENT_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hub {

// One request. `url` is absolute ("http://host:port/path?query").
struct HttpRequest {
  std::string method = "GET";
  std::string url;
  // Sent as given, in order ("Name", "value").
  std::vector<std::pair<std::string, std::string>> headers;
  // Sent when not empty.
  std::string body;
  // The most the exchange may take, connecting included. Must be positive.
  absl::Duration timeout = absl::Seconds(60);
};

// One response, whatever its status.
struct HttpResponse {
  int status = 0;
  // Header names lower-cased; a repeated header keeps its last value.
  std::map<std::string, std::string> headers;
  std::string body;

  // The value of header `name` (any case), or nullopt.
  std::optional<std::string> Header(absl::string_view name) const;
};

// Performs single HTTP exchanges: no retries, no redirects, no status
// interpretation (a 500 is a successful exchange).
//
// Implementations are thread-safe.
class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // Sends `request` and returns the response of any HTTP status. Errors:
  // INVALID_ARGUMENT for a malformed URL or non-positive timeout,
  // DEADLINE_EXCEEDED if `request.timeout` passed, UNAVAILABLE if the host
  // cannot be resolved or reached or the connection broke, and
  // FAILED_PRECONDITION for a TLS failure (e.g. an unverifiable
  // certificate). Messages name the method and URL.
  virtual absl::StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

// Options for CurlHttpClient.
struct CurlHttpClientOptions {
  // PEM bundle of CA certificates to verify servers with; "" uses the
  // system's. Peer and host verification are always on.
  std::string ca_file;
  // Upper bound on connecting, within each request's own timeout.
  absl::Duration connect_timeout = absl::Seconds(10);
};

// An HttpClient on libcurl, one easy handle per exchange. Thread-safe.
class CurlHttpClient : public HttpClient {
 public:
  // INVALID_ARGUMENT naming `ca_file` if it is set but not readable.
  static absl::StatusOr<std::unique_ptr<HttpClient>> Create(
      const CurlHttpClientOptions& options);

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override;

 private:
  explicit CurlHttpClient(CurlHttpClientOptions options)
      : options_(std::move(options)) {}

  const CurlHttpClientOptions options_;
};

}  // namespace hub

#endif  // HUB_ADAPTERS_HTTP_HTTP_CLIENT_H_
