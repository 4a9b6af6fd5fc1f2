#include "tests/support/fake_salesforce_server.h"

#include <algorithm>
#include <regex>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "adapters/csv_reader.h"
#include "adapters/salesforce_mapper.h"

namespace hub {
namespace testing_support {
namespace {

using nlohmann::json;

constexpr char kExpired[] =
    R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])";

bool IsBoolean(const std::string& field) {
  return field == "IsDeleted" || field == "IsConverted" ||
         field == "IsClosed" || field == "IsWon";
}

// A CSV text value as the REST API types it.
json Typed(const std::string& field, const std::string& text) {
  if (text.empty()) return nullptr;
  if (IsBoolean(field)) return text == "true";
  if (field == "NumberOfEmployees") return std::stoll(text);
  if (field == "Amount") return std::stod(text);
  if (text.size() > 19 && text[10] == 'T' && absl::EndsWith(text, "Z")) {
    return absl::StrCat(text.substr(0, text.size() - 1), "+0000");
  }
  return text;
}

// A record's SystemModstamp as the SOQL literal is written ("...Z").
std::string Stamp(const json& record) {
  auto it = record.find("SystemModstamp");
  std::string stamp = it != record.end() && it->is_string()
                          ? it->get<std::string>()
                          : std::string();
  if (absl::EndsWith(stamp, "+0000")) {
    stamp.resize(stamp.size() - 5);
    stamp.push_back('Z');
  }
  return stamp;
}

json Record(const std::map<std::string, std::string>& fields) {
  json record = json::object();
  for (const auto& [field, text] : fields) record[field] = Typed(field, text);
  return record;
}

void SetError(httplib::Response& res, int status, const std::string& message,
              const std::string& code) {
  res.status = status;
  res.set_content(
      json::array({{{"message", message}, {"errorCode", code}}}).dump(),
      "application/json; charset=utf-8");
}

}  // namespace

absl::StatusOr<std::unique_ptr<FakeSalesforceServer>>
FakeSalesforceServer::Start(const std::string& salesforce_dir,
                            FakeSalesforceOptions options) {
  std::unique_ptr<FakeSalesforceServer> server(
      new FakeSalesforceServer(options));
  for (absl::string_view object : kSalesforceObjects) {
    const std::string file = absl::StrCat(salesforce_dir, "/", object, ".csv");
    absl::StatusOr<std::unique_ptr<CsvReader>> reader = CsvReader::Open(file);
    if (!reader.ok()) return absl::DataLossError(reader.status().message());
    std::vector<std::string> header, row;
    absl::StatusOr<bool> more = (*reader)->ReadRow(&header);
    while (more.ok() && *more && (more = (*reader)->ReadRow(&row)).ok() &&
           *more) {
      std::map<std::string, std::string> fields;
      for (size_t i = 0; i < header.size() && i < row.size(); ++i) {
        fields[header[i]] = row[i];
      }
      server->Upsert(std::string(object), fields);
    }
    if (!more.ok()) return absl::DataLossError(more.status().message());
  }
  FakeSalesforceServer* self = server.get();
  server->http_.server().Get(
      ".*", [self](const httplib::Request& req, httplib::Response& res) {
        self->HandleGet(req, res);
      });
  server->http_.server().Post(
      ".*", [self](const httplib::Request& req, httplib::Response& res) {
        self->HandleToken(req, res);
      });
  if (!server->http_.Start()) {
    return absl::UnavailableError("cannot bind 127.0.0.1");
  }
  return server;
}

void FakeSalesforceServer::Upsert(
    const std::string& object,
    const std::map<std::string, std::string>& fields) {
  absl::MutexLock lock(&mu_);
  std::vector<json>& records = records_[object];
  json record = Record(fields);
  for (json& r : records) {
    if (r["Id"] == record["Id"]) {
      r = std::move(record);
      return;
    }
  }
  records.push_back(std::move(record));
}

size_t FakeSalesforceServer::Count(const std::string& object) {
  absl::MutexLock lock(&mu_);
  return records_[object].size();
}

void FakeSalesforceServer::ExpireSession() {
  absl::MutexLock lock(&mu_);
  valid_token_ = "";
}

void FakeSalesforceServer::ThrottleNext(int n, int retry_after_seconds) {
  absl::MutexLock lock(&mu_);
  faults_.ThrottleNext(n, retry_after_seconds);
}

void FakeSalesforceServer::FailNext(int n, int status, int skip) {
  absl::MutexLock lock(&mu_);
  faults_.FailNext(n, status, skip);
}

void FakeSalesforceServer::LimitAfter(int skip) {
  absl::MutexLock lock(&mu_);
  limit_after_ = skip;
}

void FakeSalesforceServer::MalformPage(int k, std::string body) {
  absl::MutexLock lock(&mu_);
  malformed_in_ = k;
  malformed_body_ = std::move(body);
}

std::vector<std::string> FakeSalesforceServer::requests() {
  absl::MutexLock lock(&mu_);
  return log_;
}

bool FakeSalesforceServer::Intercept(const httplib::Request& req,
                                     httplib::Response& res) {
  if (faults_.Answer(res)) return true;
  if (req.method != "GET") return false;
  if (limit_after_ == 0) {
    SetError(res, 403, "TotalRequests Limit exceeded.",
             "REQUEST_LIMIT_EXCEEDED");
    return true;
  }
  if (limit_after_ > 0) --limit_after_;
  if (valid_token_.empty() ||
      req.get_header_value("Authorization") != "Bearer " + valid_token_) {
    res.status = 401;
    res.set_content(kExpired, "application/json; charset=utf-8");
    return true;
  }
  return false;
}

void FakeSalesforceServer::HandleToken(const httplib::Request& req,
                                       httplib::Response& res) {
  absl::MutexLock lock(&mu_);
  log_.push_back(absl::StrCat(req.method, " ", req.path));
  if (Intercept(req, res)) return;
  httplib::Params form;
  httplib::detail::parse_query_text(req.body, form);
  auto param = [&form](const std::string& name) {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  if (req.path != "/services/oauth2/token") {
    res.status = 404;
    return;
  }
  if (param("grant_type") != "refresh_token" ||
      param("client_id") != options_.client_id ||
      param("client_secret") != options_.client_secret ||
      param("refresh_token") != options_.refresh_token) {
    res.status = 400;
    res.set_content(
        R"({"error":"invalid_grant","error_description":"expired access/refresh token"})",
        "application/json; charset=utf-8");
    return;
  }
  valid_token_ = options_.refreshed_token;
  res.set_content(json{{"access_token", valid_token_},
                       {"instance_url", base_url()},
                       {"id", base_url() + "/id/00D/005"},
                       {"token_type", "Bearer"},
                       {"issued_at", "1700000000000"},
                       {"signature", "c2lnbmF0dXJl"}}
                      .dump(),
                  "application/json; charset=utf-8");
}

void FakeSalesforceServer::HandleGet(const httplib::Request& req,
                                     httplib::Response& res) {
  absl::MutexLock lock(&mu_);
  std::string entry = absl::StrCat(req.method, " ", req.path);
  if (req.has_param("q"))
    absl::StrAppend(&entry, "?q=", req.get_param_value("q"));
  log_.push_back(entry);
  if (Intercept(req, res)) return;
  static const std::regex kPath(
      R"(^/services/data/(v\d+\.\d)/(query|queryAll)(?:/([A-Za-z0-9]+)-(\d+))?$)");
  std::smatch m;
  if (!std::regex_match(req.path, m, kPath)) {
    SetError(res, 404, "The requested resource does not exist", "NOT_FOUND");
    return;
  }
  std::string locator = m[3].str();
  size_t offset = 0;
  if (locator.empty()) {
    if (!Query(req.get_param_value("q"), m[2] == "queryAll", &locator, res)) {
      return;
    }
  } else {
    offset = std::stoul(m[4].str());
    if (locators_.count(locator) == 0) {
      SetError(res, 400, "invalid query locator", "INVALID_QUERY_LOCATOR");
      return;
    }
  }
  if (malformed_in_ > 0 && --malformed_in_ == 0) {
    res.set_content(malformed_body_, "application/json; charset=utf-8");
    return;
  }
  res.set_content(Page(m[1].str(), locator, offset).dump(), "application/json; charset=utf-8");
}

bool FakeSalesforceServer::Query(const std::string& soql, bool all,
                                 std::string* locator, httplib::Response& res) {
  static const std::regex kSoql(
      R"(^SELECT (.+) FROM (\w+)(?: WHERE SystemModstamp >= (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z))? ORDER BY SystemModstamp, Id$)");
  std::smatch m;
  if (!std::regex_match(soql, m, kSoql) || records_.count(m[2].str()) == 0) {
    SetError(res, 400, "unexpected token: " + soql, "MALFORMED_QUERY");
    return false;
  }
  const std::string object = m[2].str();
  const std::string from = m[3].str();
  std::vector<std::string> fields = absl::StrSplit(m[1].str(), ", ");
  const std::vector<std::string>& known = SalesforceMappedFields(object);
  for (const std::string& field : fields) {
    if (std::find(known.begin(), known.end(), field) == known.end()) {
      SetError(res, 400, "No such column '" + field + "'", "INVALID_FIELD");
      return false;
    }
  }
  std::vector<json> rows;
  for (const json& record : records_[object]) {
    if (!all && record.contains("IsDeleted") && record["IsDeleted"] == true) {
      continue;
    }
    if (!from.empty() && Stamp(record) < from) continue;
    json row = {{"attributes",
                 {{"type", object},
                  {"url", absl::StrCat("/services/data/v58.0/sobjects/", object,
                                       "/", record.value("Id", ""))}}}};
    for (const std::string& field : fields) {
      row[field] = record.contains(field) ? record[field] : json(nullptr);
    }
    rows.push_back(std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
    return std::make_pair(Stamp(a), a.value("Id", "")) <
           std::make_pair(Stamp(b), b.value("Id", ""));
  });
  *locator = absl::StrCat("01gFAKE", locators_.size() + 1);
  locators_[*locator] = std::move(rows);
  return true;
}

json FakeSalesforceServer::Page(const std::string& version,
                                const std::string& locator, size_t offset) {
  const std::vector<json>& rows = locators_[locator];
  const size_t end =
      std::min(rows.size(), offset + std::max(1, options_.page_size));
  json records = json::array();
  for (size_t i = std::min(offset, rows.size()); i < end; ++i) {
    records.push_back(rows[i]);
  }
  json page = {{"totalSize", rows.size()},
               {"done", end >= rows.size()},
               {"records", std::move(records)}};
  if (end < rows.size()) {
    page["nextRecordsUrl"] =
        absl::StrCat("/services/data/", version, "/query/", locator, "-", end);
  }
  return page;
}

}  // namespace testing_support
}  // namespace hub
