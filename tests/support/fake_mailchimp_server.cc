#include "tests/support/fake_mailchimp_server.h"

#include <algorithm>
#include <fstream>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"

namespace hub {
namespace testing_support {
namespace {

using nlohmann::json;

constexpr const char* kReportNames[] = {"sent-to", "email-activity",
                                        "unsubscribed"};
constexpr const char* kReportArrays[] = {"sent_to", "emails", "unsubscribes"};

// The time at `key` in unix seconds; -1 if missing or unparseable.
int64_t TimeAt(const json& item, const char* key) {
  auto it = item.find(key);
  absl::Time t;
  std::string error;
  if (it != item.end() && it->is_string() &&
      absl::ParseTime(absl::RFC3339_full, it->get<std::string>(), &t, &error)) {
    return absl::ToUnixSeconds(t);
  }
  return -1;
}

std::string Text(const json& item, const char* key) {
  auto it = item.find(key);
  return it != item.end() && it->is_string() ? it->get<std::string>() : "";
}

// The array `key` of the JSON file `path`; empty if there is no file.
absl::StatusOr<std::vector<json>> LoadArray(const std::string& path,
                                            const char* key) {
  std::ifstream in(path);
  if (!in.is_open()) return std::vector<json>();
  json doc = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc[key].is_array()) {
    return absl::DataLossError(absl::StrCat(path, ": no \"", key, "\" array"));
  }
  return doc[key].get<std::vector<json>>();
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

// Reads the time parameter `name` into `*since` (unix seconds; -1 if
// absent); false if it does not parse.
bool SinceParam(const httplib::Request& req, const std::string& name,
                int64_t* since) {
  *since = -1;
  if (!req.has_param(name)) return true;
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, req.get_param_value(name), &t,
                       &error)) {
    return false;
  }
  *since = absl::ToUnixSeconds(t);
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<FakeMailchimpServer>> FakeMailchimpServer::Start(
    const std::string& mailchimp_dir, FakeMailchimpOptions options) {
  std::unique_ptr<FakeMailchimpServer> server(
      new FakeMailchimpServer(std::move(options)));
  {
    absl::MutexLock lock(&server->mu_);
    auto members = LoadArray(mailchimp_dir + "/members.json", "members");
    if (!members.ok()) return members.status();
    auto campaigns = LoadArray(mailchimp_dir + "/campaigns.json", "campaigns");
    if (!campaigns.ok()) return campaigns.status();
    server->members_ = *std::move(members);
    server->campaigns_ = *std::move(campaigns);
    if (!server->members_.empty()) {
      server->list_id_ = Text(server->members_.front(), "list_id");
    }
    for (const json& campaign : server->campaigns_) {
      const std::string id = Text(campaign, "id");
      Rows& rows = server->reports_[id];
      for (size_t r = 0; r < 3; ++r) {
        auto loaded = LoadArray(absl::StrCat(mailchimp_dir, "/reports/", id,
                                             "/", kReportNames[r], ".json"),
                                kReportArrays[r]);
        if (!loaded.ok()) return loaded.status();
        rows[r] = *std::move(loaded);
      }
    }
  }
  FakeMailchimpServer* self = server.get();
  server->http_.server().Get(
      ".*", [self](const httplib::Request& req, httplib::Response& res) {
        self->Handle(req, res);
      });
  if (!server->http_.Start())
    return absl::UnavailableError("cannot bind 127.0.0.1");
  return server;
}

std::string FakeMailchimpServer::list_id() {
  absl::MutexLock lock(&mu_);
  return list_id_;
}

void FakeMailchimpServer::PutMember(json member) {
  absl::MutexLock lock(&mu_);
  if (list_id_.empty()) list_id_ = Text(member, "list_id");
  for (json& m : members_) {
    if (Text(m, "id") == Text(member, "id")) {
      m = std::move(member);
      return;
    }
  }
  members_.push_back(std::move(member));
}

void FakeMailchimpServer::AddCampaign(json campaign) {
  absl::MutexLock lock(&mu_);
  reports_[Text(campaign, "id")];
  campaigns_.push_back(std::move(campaign));
}

void FakeMailchimpServer::AddReportRow(const std::string& campaign,
                                       MailchimpReport report, json row) {
  absl::MutexLock lock(&mu_);
  std::vector<json>& rows = reports_[campaign][static_cast<size_t>(report)];
  if (report == MailchimpReport::kEmailActivity) {
    for (json& r : rows) {
      if (Text(r, "email_id") == Text(row, "email_id")) {
        for (json& a : row["activity"]) r["activity"].push_back(std::move(a));
        return;
      }
    }
  }
  rows.push_back(std::move(row));
}

size_t FakeMailchimpServer::MemberCount() {
  absl::MutexLock lock(&mu_);
  return members_.size();
}

size_t FakeMailchimpServer::CampaignCount() {
  absl::MutexLock lock(&mu_);
  return campaigns_.size();
}

size_t FakeMailchimpServer::ReportRows(const std::string& campaign,
                                       MailchimpReport report) {
  absl::MutexLock lock(&mu_);
  return reports_[campaign][static_cast<size_t>(report)].size();
}

void FakeMailchimpServer::ThrottleNext(int n, int retry_after_seconds) {
  absl::MutexLock lock(&mu_);
  faults_.ThrottleNext(n, retry_after_seconds);
}

void FakeMailchimpServer::FailNext(int n, int status, int skip) {
  absl::MutexLock lock(&mu_);
  faults_.FailNext(n, status, skip);
}

void FakeMailchimpServer::MalformPage(const std::string& path_part, int k,
                                      std::string body) {
  absl::MutexLock lock(&mu_);
  malformed_.push_back(Malformed{path_part, k, std::move(body)});
}

std::vector<std::string> FakeMailchimpServer::requests() {
  absl::MutexLock lock(&mu_);
  return log_;
}

bool FakeMailchimpServer::Intercept(const httplib::Request& req,
                                    httplib::Response& res) {
  const std::string auth = req.get_header_value("Authorization");
  absl::string_view basic = auth;
  std::string decoded;
  const bool basic_ok = absl::ConsumePrefix(&basic, "Basic ") &&
                        absl::Base64Unescape(basic, &decoded) &&
                        decoded.find(':') != std::string::npos &&
                        decoded.substr(decoded.find(':') + 1) == options_.key;
  if (!basic_ok && auth != "Bearer " + options_.key) {
    res.status = 401;
    res.set_content(
        R"({"type":"https://mailchimp.com/developer/marketing/docs/errors/",)"
        R"("title":"API Key Invalid","status":401,)"
        R"("detail":"Your API key may be invalid, or you've attempted to access the wrong datacenter."})",
        "application/problem+json");
    return true;
  }
  if (faults_.Answer(res, R"({"title":"Too Many Requests","status":429})",
                     "application/problem+json")) {
    return true;
  }
  return false;
}

void FakeMailchimpServer::Handle(const httplib::Request& req,
                                 httplib::Response& res) {
  absl::MutexLock lock(&mu_);
  std::string target = req.path;
  std::string sep = "?";
  for (const auto& [k, v] : req.params) {
    absl::StrAppend(&target, sep, k, "=", v);
    sep = "&";
  }
  log_.push_back(target);
  if (Intercept(req, res)) return;
  int status = 200;
  json body = Answer(req, &status);
  res.status = status;
  if (status == 200) {
    for (auto it = malformed_.begin(); it != malformed_.end(); ++it) {
      if (absl::StrContains(req.path, it->path_part) && --it->remaining == 0) {
        res.set_content(it->body, "application/json; charset=utf-8");
        malformed_.erase(it);
        return;
      }
    }
  }
  res.set_content(body.dump(), status == 200 ? "application/json; charset=utf-8"
                                             : "application/problem+json");
}

json FakeMailchimpServer::Answer(const httplib::Request& req, int* status) {
  const int64_t count = std::max<int64_t>(
      1, std::min<int64_t>(options_.page_size, IntParam(req, "count", 10)));
  const int64_t offset = std::max<int64_t>(0, IntParam(req, "offset", 0));
  auto page = [&](const std::vector<json>& items) {
    json out = json::array();
    for (int64_t i = offset;
         i < static_cast<int64_t>(items.size()) && i < offset + count; ++i) {
      out.push_back(items[i]);
    }
    return out;
  };
  std::vector<absl::string_view> parts =
      absl::StrSplit(req.path, '/', absl::SkipEmpty());
  if (req.path == "/3.0/lists") {
    std::vector<json> lists;
    if (!list_id_.empty())
      lists.push_back({{"id", list_id_}, {"name", "Hub sample"}});
    return {{"lists", page(lists)}, {"total_items", lists.size()}};
  }
  if (parts.size() == 4 && parts[1] == "lists" && parts[3] == "members") {
    json body = Members(std::string(parts[2]), req, status);
    if (*status != 200) return body;
    std::vector<json> rows = body["rows"].get<std::vector<json>>();
    return {{"members", page(rows)},
            {"list_id", list_id_},
            {"total_items", rows.size()}};
  }
  if (req.path == "/3.0/campaigns") {
    std::vector<json> sorted = campaigns_;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const json& a, const json& b) {
                       return TimeAt(a, "send_time") < TimeAt(b, "send_time");
                     });
    return {{"campaigns", page(sorted)}, {"total_items", sorted.size()}};
  }
  if (parts.size() == 4 && parts[1] == "reports") {
    json body =
        Report(std::string(parts[2]), std::string(parts[3]), req, status);
    if (*status != 200) return body;
    const char* array = body["array"].get_ref<const std::string&>().c_str();
    std::vector<json> rows = body["rows"].get<std::vector<json>>();
    return {{array, page(rows)},
            {"campaign_id", std::string(parts[2])},
            {"total_items", rows.size()}};
  }
  *status = 404;
  return {{"title", "Resource Not Found"}, {"status", 404}};
}

// {rows: [...]}: the members of `list` for Answer to page.
json FakeMailchimpServer::Members(const std::string& list,
                                  const httplib::Request& req, int* status) {
  if (list != list_id_) {
    *status = 404;
    return {{"title", "Resource Not Found"}, {"status", 404}};
  }
  int64_t since;
  if (!SinceParam(req, "since_last_changed", &since)) {
    *status = 400;
    return {{"title", "Invalid Resource"}, {"status", 400}};
  }
  std::vector<json> members;
  for (const json& m : members_) {
    if (TimeAt(m, "last_changed") >= since) members.push_back(m);
  }
  auto key = [](const json& m) {
    return std::make_pair(TimeAt(m, "last_changed"), Text(m, "id"));
  };
  std::stable_sort(
      members.begin(), members.end(),
      [&](const json& a, const json& b) { return key(a) < key(b); });
  return {{"rows", members}};
}

// {array: <name>, rows: [...]} for Answer to page.
json FakeMailchimpServer::Report(const std::string& campaign,
                                 const std::string& name,
                                 const httplib::Request& req, int* status) {
  size_t r = 0;
  while (r < 3 && name != kReportNames[r]) ++r;
  auto it = reports_.find(campaign);
  if (r == 3 || it == reports_.end()) {
    *status = 404;
    return {{"title", "Resource Not Found"}, {"status", 404}};
  }
  std::vector<json> rows = it->second[r];
  if (r == static_cast<size_t>(MailchimpReport::kEmailActivity)) {
    int64_t since;
    if (!SinceParam(req, "since", &since)) {
      *status = 400;
      return {{"title", "Invalid Resource"}, {"status", 400}};
    }
    std::vector<json> kept;
    for (json& row : rows) {
      json activity = json::array();
      for (const json& a : row["activity"]) {
        if (TimeAt(a, "timestamp") >= since) activity.push_back(a);
      }
      if (activity.empty()) continue;
      row["activity"] = std::move(activity);
      kept.push_back(std::move(row));
    }
    rows = std::move(kept);
  }
  return {{"array", kReportArrays[r]}, {"rows", rows}};
}

}  // namespace testing_support
}  // namespace hub
