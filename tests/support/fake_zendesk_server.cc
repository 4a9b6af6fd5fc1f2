#include "tests/support/fake_zendesk_server.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace hub {
namespace testing_support {
namespace {

using nlohmann::json;

constexpr const char* kStreams[] = {"organizations", "users", "tickets",
                                    "satisfaction_ratings"};

// The item's change time in unix seconds (generated_timestamp, else
// updated_at), 0 if it has neither.
int64_t ChangeTime(const json& item) {
  auto it = item.find("generated_timestamp");
  if (it != item.end() && it->is_number_integer()) return it->get<int64_t>();
  it = item.find("updated_at");
  absl::Time t;
  std::string error;
  if (it != item.end() && it->is_string() &&
      absl::ParseTime(absl::RFC3339_full, it->get<std::string>(), &t, &error)) {
    return absl::ToUnixSeconds(t);
  }
  return 0;
}

std::string EncodeCursor(const std::string& stream, size_t index) {
  return absl::Base64Escape(absl::StrCat(stream, ":", index));
}

// The index a cursor of `stream` names; -1 if it is not one.
int64_t DecodeCursor(const std::string& stream, const std::string& cursor) {
  std::string decoded;
  int64_t index;
  if (!absl::Base64Unescape(cursor, &decoded)) return -1;
  absl::string_view text = decoded;
  if (!absl::ConsumePrefix(&text, stream + ":") ||
      !absl::SimpleAtoi(text, &index) || index < 0) {
    return -1;
  }
  return index;
}

int64_t IntParam(const httplib::Request& req, const std::string& name,
                 int64_t fallback) {
  int64_t value;
  if (!req.has_param(name) ||
      !absl::SimpleAtoi(req.get_param_value(name), &value)) {
    return fallback;
  }
  return value;
}

void StableSortByTime(std::vector<json>* items) {
  std::stable_sort(items->begin(), items->end(),
                   [](const json& a, const json& b) {
                     return ChangeTime(a) < ChangeTime(b);
                   });
}

}  // namespace

absl::StatusOr<std::unique_ptr<FakeZendeskServer>> FakeZendeskServer::Start(
    const std::string& zendesk_dir, FakeZendeskOptions options) {
  std::unique_ptr<FakeZendeskServer> server(new FakeZendeskServer(options));
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(zendesk_dir, ec)) {
    files.push_back(entry.path().filename().string());
  }
  if (ec)
    return absl::NotFoundError(absl::StrCat(zendesk_dir, ": ", ec.message()));
  std::sort(files.begin(), files.end());
  {
    absl::MutexLock lock(&server->mu_);
    for (const char* stream : kStreams) {
      std::vector<json>& items = server->items_[stream];
      for (const std::string& file : files) {
        if (!absl::StartsWith(file, absl::StrCat(stream, "-"))) continue;
        std::ifstream in(zendesk_dir + "/" + file);
        json page = json::parse(in, nullptr, /*allow_exceptions=*/false);
        if (!page.is_object() || !page[stream].is_array()) {
          return absl::DataLossError(
              absl::StrCat(file, ": no \"", stream, "\" array"));
        }
        for (json& item : page[stream]) items.push_back(std::move(item));
      }
    }
    StableSortByTime(&server->items_["organizations"]);
  }
  FakeZendeskServer* self = server.get();
  server->http_.server().Get(
      ".*", [self](const httplib::Request& req, httplib::Response& res) {
        self->Handle(req, res);
      });
  if (!server->http_.Start())
    return absl::UnavailableError("cannot bind 127.0.0.1");
  return server;
}

void FakeZendeskServer::Add(const std::string& stream, json item) {
  absl::MutexLock lock(&mu_);
  items_[stream].push_back(std::move(item));
  if (stream == "organizations") StableSortByTime(&items_[stream]);
}

size_t FakeZendeskServer::Count(const std::string& stream) {
  absl::MutexLock lock(&mu_);
  return items_[stream].size();
}

void FakeZendeskServer::ThrottleNext(int n, int retry_after_seconds) {
  absl::MutexLock lock(&mu_);
  faults_.ThrottleNext(n, retry_after_seconds);
}

void FakeZendeskServer::FailNext(int n, int status, int skip) {
  absl::MutexLock lock(&mu_);
  faults_.FailNext(n, status, skip);
}

void FakeZendeskServer::MalformPage(const std::string& stream, int k,
                                    std::string body) {
  absl::MutexLock lock(&mu_);
  malformed_[stream] = Malformed{k, std::move(body)};
}

void FakeZendeskServer::set_delay(absl::Duration delay) {
  absl::MutexLock lock(&mu_);
  delay_ = delay;
}

std::vector<std::string> FakeZendeskServer::requests() {
  absl::MutexLock lock(&mu_);
  return log_;
}

bool FakeZendeskServer::Intercept(const httplib::Request& req,
                                  httplib::Response& res) {
  const std::string basic =
      absl::StrCat("Basic ", absl::Base64Escape(absl::StrCat(
                                 options_.email, "/token:", options_.token)));
  const std::string auth = req.get_header_value("Authorization");
  if (auth != basic && auth != "Bearer " + options_.token) {
    res.status = 401;
    res.set_content(R"({"error":"Couldn't authenticate you"})",
                    "application/json; charset=utf-8");
    return true;
  }
  if (faults_.Answer(res, R"({"error":"APIRateLimitExceeded"})")) return true;
  return false;
}

void FakeZendeskServer::Handle(const httplib::Request& req,
                               httplib::Response& res) {
  absl::Duration delay;
  {
    absl::MutexLock lock(&mu_);
    std::string target = req.path;
    std::string sep = "?";
    for (const auto& [k, v] : req.params) {
      absl::StrAppend(&target, sep, k, "=", v);
      sep = "&";
    }
    log_.push_back(target);
    delay = delay_;
  }
  absl::SleepFor(delay);
  absl::MutexLock lock(&mu_);
  if (Intercept(req, res)) return;
  std::string stream;
  for (const char* s : kStreams) {
    if (req.path == absl::StrCat("/api/v2/incremental/", s, "/cursor.json") ||
        req.path == absl::StrCat("/api/v2/incremental/", s, ".json") ||
        req.path == absl::StrCat("/api/v2/", s, ".json")) {
      stream = s;
    }
  }
  int status = 200;
  json body;
  if (stream != "satisfaction_ratings" &&
      req.path == absl::StrCat("/api/v2/incremental/", stream, ".json")) {
    body = TimePage(stream, req, &status);
  } else if ((stream == "users" || stream == "tickets") &&
             absl::EndsWith(req.path, "cursor.json")) {
    body = CursorPage(stream, req, &status);
  } else if (stream == "satisfaction_ratings" &&
             req.path == "/api/v2/satisfaction_ratings.json") {
    body = CursorPage(stream, req, &status);
  } else {
    res.status = 404;
    res.set_content(R"({"error":"InvalidEndpoint"})", "application/json; charset=utf-8");
    return;
  }
  res.status = status;
  auto m = malformed_.find(stream);
  if (status == 200 && m != malformed_.end() && --m->second.remaining == 0) {
    res.set_content(m->second.body, "application/json; charset=utf-8");
    malformed_.erase(m);
    return;
  }
  res.set_content(body.dump(), "application/json; charset=utf-8");
}

json FakeZendeskServer::CursorPage(const std::string& stream,
                                   const httplib::Request& req, int* status) {
  const std::vector<json>& items = items_[stream];
  const bool ratings = stream == "satisfaction_ratings";
  const std::string cursor_param = ratings ? "page[after]" : "cursor";
  int64_t begin = 0;
  if (req.has_param(cursor_param)) {
    begin = DecodeCursor(stream, req.get_param_value(cursor_param));
    if (begin < 0 || begin > static_cast<int64_t>(items.size())) {
      *status = 400;
      return json{{"error", "InvalidPaginationParameter"}};
    }
  } else if (!ratings) {
    const int64_t start_time = IntParam(req, "start_time", -1);
    if (start_time < 0) {
      *status = 400;
      return json{{"error", "InvalidValue"},
                  {"description", "start_time is required"}};
    }
    while (begin < static_cast<int64_t>(items.size()) &&
           ChangeTime(items[begin]) < start_time) {
      ++begin;
    }
  }
  const int64_t per_page = std::min<int64_t>(
      options_.page_size,
      IntParam(req, ratings ? "page[size]" : "per_page", options_.page_size));
  const int64_t end =
      std::min<int64_t>(items.size(), begin + std::max<int64_t>(1, per_page));
  json page_items = json::array();
  for (int64_t i = begin; i < end; ++i) page_items.push_back(items[i]);
  const std::string after = EncodeCursor(stream, end);
  const bool more = end < static_cast<int64_t>(items.size());
  const std::string base = base_url() + req.path;
  if (ratings) {
    return json{
        {stream, page_items},
        {"meta",
         {{"has_more", more},
          {"after_cursor", after},
          {"before_cursor", EncodeCursor(stream, begin)}}},
        {"links",
         {{"next", more ? json(base + "?page[after]=" + after) : json()},
          {"prev", json()}}}};
  }
  return json{{stream, page_items},
              {"after_cursor", after},
              {"after_url", base + "?cursor=" + after},
              {"before_cursor", json()},
              {"before_url", json()},
              {"end_of_stream", !more}};
}

json FakeZendeskServer::TimePage(const std::string& stream,
                                 const httplib::Request& req, int* status) {
  std::vector<json> items = items_[stream];
  StableSortByTime(&items);
  const int64_t start_time = IntParam(req, "start_time", -1);
  if (start_time < 0) {
    *status = 400;
    return json{{"error", "InvalidValue"},
                {"description", "start_time is required"}};
  }
  const int64_t per_page = std::max<int64_t>(
      1, std::min<int64_t>(options_.page_size,
                           IntParam(req, "per_page", options_.page_size)));
  size_t begin = 0;
  while (begin < items.size() && ChangeTime(items[begin]) < start_time) ++begin;
  size_t end = std::min(items.size(), begin + static_cast<size_t>(per_page));
  // Never split a second across pages.
  while (end > begin && end < items.size() &&
         ChangeTime(items[end]) == ChangeTime(items[end - 1])) {
    ++end;
  }
  const int64_t end_time =
      end > begin ? ChangeTime(items[end - 1]) : start_time;
  json page_items = json::array();
  for (size_t i = begin; i < end; ++i) page_items.push_back(items[i]);
  const bool more = end < items.size();
  return json{{stream, page_items},
              {"next_page", more ? json(absl::StrCat(base_url(), req.path,
                                                     "?start_time=", end_time))
                                 : json()},
              {"end_time", end_time},
              {"count", page_items.size()},
              {"end_of_stream", !more}};
}

}  // namespace testing_support
}  // namespace hub
