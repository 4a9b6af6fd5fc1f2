#include "adapters/http/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <fstream>
#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace hub {
namespace {

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// Collects "Name: value" header lines; a status line (a new response after
// a 100 Continue) starts the set afresh.
size_t AppendHeader(char* data, size_t size, size_t count, void* out) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(out);
  absl::string_view line(data, size * count);
  if (absl::StartsWith(line, "HTTP/")) headers->clear();
  const size_t colon = line.find(':');
  if (colon != absl::string_view::npos) {
    std::string name(absl::StripAsciiWhitespace(line.substr(0, colon)));
    absl::AsciiStrToLower(&name);
    (*headers)[name] =
        std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  }
  return size * count;
}

absl::Status CurlError(CURLcode code, const HttpRequest& request,
                       const char* detail) {
  const std::string message =
      absl::StrCat(request.method, " ", request.url, ": ",
                   detail[0] != '\0' ? detail : curl_easy_strerror(code));
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return absl::DeadlineExceededError(message);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return absl::InvalidArgumentError(message);
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
      return absl::FailedPreconditionError(message);
    default:
      return absl::UnavailableError(message);
  }
}

// Owns an easy handle and its header list.
struct CurlHandle {
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  ~CurlHandle() {
    curl_slist_free_all(headers);
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
};

}  // namespace

std::optional<std::string> HttpResponse::Header(absl::string_view name) const {
  auto it = headers.find(absl::AsciiStrToLower(name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<std::unique_ptr<HttpClient>> CurlHttpClient::Create(
    const CurlHttpClientOptions& options) {
  if (!options.ca_file.empty() && !std::ifstream(options.ca_file).is_open()) {
    return absl::InvalidArgumentError(
        absl::StrCat("ca_file \"", options.ca_file, "\" is not readable"));
  }
  GlobalInitOnce();
  return std::unique_ptr<HttpClient>(new CurlHttpClient(options));
}

absl::StatusOr<HttpResponse> CurlHttpClient::Send(const HttpRequest& request) {
  if (request.timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        request.method, " ", request.url, ": timeout must be positive"));
  }
  CurlHandle h;
  if (h.curl == nullptr) return absl::InternalError("curl_easy_init failed");
  for (const auto& [name, value] : request.headers) {
    h.headers =
        curl_slist_append(h.headers, absl::StrCat(name, ": ", value).c_str());
  }
  HttpResponse response;
  char error[CURL_ERROR_SIZE] = "";
  const long timeout_ms =
      std::max<long>(1, absl::ToInt64Milliseconds(request.timeout));
  CURL* c = h.curl;
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "HEAD") curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  if (!request.body.empty()) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h.headers);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(
      c, CURLOPT_CONNECTTIMEOUT_MS,
      std::min<long>(timeout_ms,
                     std::max<long>(1, absl::ToInt64Milliseconds(
                                           options_.connect_timeout))));
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) {
    curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  }
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &AppendHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &response.headers);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  const CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) return CurlError(code, request, error);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace hub
