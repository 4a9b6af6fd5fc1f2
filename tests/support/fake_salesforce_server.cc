#include "tests/support/fake_salesforce_server.h"

#include <algorithm>
#include <regex>
#include <set>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
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

// A datetime as the API writes it in JSON ("...000+0000").
std::string ApiTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3S+0000", time,
                          absl::UTCTimeZone());
}

// A datetime as CSV and SOQL literals write it ("...000Z").
std::string CsvTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

std::string Value(const std::map<std::string, std::string>& fields,
                  const std::string& field) {
  auto it = fields.find(field);
  return it == fields.end() ? std::string() : it->second;
}

// A CSV field as the Bulk API writes it: quoted unless empty (null).
std::string CsvField(const std::string& text) {
  if (text.empty()) return text;
  return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\"", "\"\""}}), "\"");
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
        self->HandlePost(req, res);
      });
  if (!server->http_.Start()) {
    return absl::UnavailableError("cannot bind 127.0.0.1");
  }
  return server;
}

void FakeSalesforceServer::Upsert(const std::string& object,
                                  const Fields& fields) {
  absl::MutexLock lock(&mu_);
  std::vector<Fields>& records = records_[object];
  for (Fields& r : records) {
    if (Value(r, "Id") == Value(fields, "Id")) {
      r = fields;
      return;
    }
  }
  records.push_back(fields);
}

size_t FakeSalesforceServer::Count(const std::string& object) {
  absl::MutexLock lock(&mu_);
  return records_[object].size();
}

void FakeSalesforceServer::Delete(const std::string& object,
                                  const std::string& id, absl::Time when) {
  absl::MutexLock lock(&mu_);
  for (Fields& r : records_[object]) {
    if (Value(r, "Id") == id) {
      r["IsDeleted"] = "true";
      r["SystemModstamp"] = CsvTime(when);
    }
  }
  deletions_[object].push_back(Deletion{id, when});
}

void FakeSalesforceServer::Purge(const std::string& object,
                                 const std::string& id, absl::Time when) {
  Delete(object, id, when);
  absl::MutexLock lock(&mu_);
  std::vector<Fields>& records = records_[object];
  records.erase(
      std::remove_if(records.begin(), records.end(),
                     [&id](const Fields& r) { return Value(r, "Id") == id; }),
      records.end());
}

void FakeSalesforceServer::SetNow(absl::Time now) {
  absl::MutexLock lock(&mu_);
  now_ = now;
}

void FakeSalesforceServer::SetEarliestDeleted(absl::Time earliest) {
  absl::MutexLock lock(&mu_);
  earliest_deleted_ = earliest;
}

void FakeSalesforceServer::ExpireJobs() {
  absl::MutexLock lock(&mu_);
  jobs_.clear();
}

void FakeSalesforceServer::FailNextJob(std::string state,
                                       std::string error_message) {
  absl::MutexLock lock(&mu_);
  fail_state_ = std::move(state);
  fail_message_ = std::move(error_message);
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
  std::string entry = absl::StrCat(req.method, " ", req.path);
  if (req.has_param("q")) {
    absl::StrAppend(&entry, "?q=", req.get_param_value("q"));
  } else if (req.method == "GET" && !req.params.empty()) {
    std::vector<std::string> params;
    for (const auto& [name, value] : req.params) {
      params.push_back(absl::StrCat(name, "=", value));
    }
    absl::StrAppend(&entry, "?", absl::StrJoin(params, "&"));
  }
  if (absl::EndsWith(req.path, "/jobs/query")) {
    absl::StrAppend(&entry, " ", req.body);
  }
  log_.push_back(entry);
  if (faults_.Answer(res)) return true;
  if (req.path == "/services/oauth2/token") return false;
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

void FakeSalesforceServer::HandlePost(const httplib::Request& req,
                                      httplib::Response& res) {
  absl::MutexLock lock(&mu_);
  if (Intercept(req, res)) return;
  static const std::regex kJobs(R"(^/services/data/v\d+\.\d/jobs/query$)");
  if (std::regex_match(req.path, kJobs)) {
    HandleJobCreate(req, res);
  } else if (req.path == "/services/oauth2/token") {
    HandleToken(req, res);
  } else {
    res.status = 404;
  }
}

void FakeSalesforceServer::HandleToken(const httplib::Request& req,
                                       httplib::Response& res) {
  httplib::Params form;
  httplib::detail::parse_query_text(req.body, form);
  auto param = [&form](const std::string& name) {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
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

void FakeSalesforceServer::HandleJobCreate(const httplib::Request& req,
                                           httplib::Response& res) {
  json body = json::parse(req.body, nullptr, false);
  const std::string operation =
      body.is_object() ? body.value("operation", "") : "";
  const std::string query = body.is_object() ? body.value("query", "") : "";
  if (operation != "query" && operation != "queryAll") {
    SetError(res, 400, "invalid operation: " + operation, "INVALIDJOB");
    return;
  }
  Job job;
  if (!Select(query, operation == "queryAll", &job, res)) return;
  job.polls_left = options_.bulk_polls;
  if (!fail_state_.empty()) {
    job.final_state = std::exchange(fail_state_, "");
    job.error_message = std::exchange(fail_message_, "");
  }
  const std::string id = absl::StrCat("750FAKE", ++jobs_created_);
  res.set_content(json{{"id", id},
                       {"operation", operation},
                       {"object", job.object},
                       {"createdById", "005FAKE"},
                       {"state", "UploadComplete"},
                       {"concurrencyMode", "Parallel"},
                       {"contentType", "CSV"},
                       {"apiVersion", 58.0},
                       {"lineEnding", "LF"},
                       {"columnDelimiter", "COMMA"}}
                      .dump(),
                  "application/json; charset=utf-8");
  jobs_[id] = std::move(job);
}

void FakeSalesforceServer::HandleJob(const std::string& id, bool results,
                                     const httplib::Request& req,
                                     httplib::Response& res) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) {
    SetError(res, 404, "The requested resource does not exist", "NOT_FOUND");
    return;
  }
  Job& job = it->second;
  if (!results) {
    std::string state = job.final_state;
    if (job.polls_left > 0) {
      --job.polls_left;
      state = "InProgress";
    }
    json info = {{"id", id},
                 {"operation", "queryAll"},
                 {"object", job.object},
                 {"state", state},
                 {"numberRecordsProcessed", job.rows.size()}};
    if (state == job.final_state && !job.error_message.empty()) {
      info["errorMessage"] = job.error_message;
    }
    res.set_content(info.dump(), "application/json; charset=utf-8");
    return;
  }
  if (job.polls_left > 0 || job.final_state != "JobComplete") {
    SetError(res, 400, "job is not complete", "INVALIDJOBSTATE");
    return;
  }
  size_t offset = 0, max_records = 0;
  std::string decoded;
  if (req.has_param("locator") &&
      (!absl::Base64Unescape(req.get_param_value("locator"), &decoded) ||
       !absl::SimpleAtoi(decoded, &offset))) {
    SetError(res, 400, "invalid locator", "INVALID_LOCATOR");
    return;
  }
  if (!absl::SimpleAtoi(req.get_param_value("maxRecords"), &max_records) ||
      max_records == 0) {
    max_records = 50000;
  }
  if (malformed_in_ > 0 && --malformed_in_ == 0) {
    res.set_content(malformed_body_, "text/csv");
    return;
  }
  std::vector<std::string> header;
  for (const std::string& field : job.fields) header.push_back(CsvField(field));
  std::string csv = absl::StrCat(absl::StrJoin(header, ","), "\n");
  const size_t end = std::min(job.rows.size(), offset + max_records);
  for (size_t i = std::min(offset, end); i < end; ++i) {
    std::vector<std::string> values;
    for (const std::string& field : job.fields) {
      values.push_back(CsvField(Value(job.rows[i], field)));
    }
    absl::StrAppend(&csv, absl::StrJoin(values, ","), "\n");
  }
  res.set_header("Sforce-Locator", end < job.rows.size()
                                       ? absl::Base64Escape(std::to_string(end))
                                       : std::string("null"));
  res.set_header("Sforce-NumberOfRecords",
                 std::to_string(end - std::min(offset, end)));
  res.set_content(csv, "text/csv");
}

void FakeSalesforceServer::HandleDeleted(const std::string& object,
                                         const httplib::Request& req,
                                         httplib::Response& res) {
  absl::Time start, end;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_sec, req.get_param_value("start"), &start,
                       &error) ||
      !absl::ParseTime(absl::RFC3339_sec, req.get_param_value("end"), &end,
                       &error) ||
      end < start || end - start > absl::Hours(24 * 30)) {
    SetError(res, 400, "start and end must be dates at most 30 days apart",
             "INVALID_DATE_RANGE");
    return;
  }
  // Covered up to the vendor's now, in whole minutes.
  const absl::Time covered =
      absl::FromUnixSeconds(absl::ToUnixSeconds(std::min(end, now_)) / 60 * 60);
  json deleted = json::array();
  for (const Deletion& d : deletions_[object]) {
    if (d.when >= start && d.when <= covered) {
      deleted.push_back({{"id", d.id}, {"deletedDate", ApiTime(d.when)}});
    }
  }
  res.set_content(json{{"deletedRecords", std::move(deleted)},
                       {"earliestDateAvailable", ApiTime(earliest_deleted_)},
                       {"latestDateCovered", ApiTime(covered)}}
                      .dump(),
                  "application/json; charset=utf-8");
}

void FakeSalesforceServer::HandleGet(const httplib::Request& req,
                                     httplib::Response& res) {
  absl::MutexLock lock(&mu_);
  if (Intercept(req, res)) return;
  static const std::regex kJob(
      R"(^/services/data/v\d+\.\d/jobs/query/([A-Za-z0-9]+)(/results)?$)");
  static const std::regex kDeleted(
      R"(^/services/data/v\d+\.\d/sobjects/(\w+)/deleted/?$)");
  static const std::regex kPath(
      R"(^/services/data/(v\d+\.\d)/(query|queryAll)(?:/([A-Za-z0-9]+)-(\d+))?$)");
  std::smatch m;
  if (std::regex_match(req.path, m, kJob)) {
    HandleJob(m[1].str(), m[2].matched, req, res);
    return;
  }
  if (std::regex_match(req.path, m, kDeleted)) {
    HandleDeleted(m[1].str(), req, res);
    return;
  }
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
  res.set_content(Page(m[1].str(), locator, offset).dump(),
                  "application/json; charset=utf-8");
}

bool FakeSalesforceServer::Select(const std::string& soql, bool all, Job* job,
                                  httplib::Response& res) {
  static const std::regex kSoql(
      R"(^SELECT (.+) FROM (\w+)(?: WHERE SystemModstamp >= (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z))? ORDER BY SystemModstamp, Id$)");
  std::smatch m;
  if (!std::regex_match(soql, m, kSoql) || records_.count(m[2].str()) == 0) {
    SetError(res, 400, "unexpected token: " + soql, "MALFORMED_QUERY");
    return false;
  }
  job->object = m[2].str();
  const std::string from = m[3].str();
  job->fields = absl::StrSplit(m[1].str(), ", ");
  const std::vector<std::string>& known = SalesforceMappedFields(job->object);
  for (const std::string& field : job->fields) {
    if (std::find(known.begin(), known.end(), field) == known.end()) {
      SetError(res, 400, "No such column '" + field + "'", "INVALID_FIELD");
      return false;
    }
  }
  for (const Fields& record : records_[job->object]) {
    if (!all && Value(record, "IsDeleted") == "true") continue;
    if (!from.empty() && Value(record, "SystemModstamp") < from) continue;
    job->rows.push_back(record);
  }
  std::stable_sort(
      job->rows.begin(), job->rows.end(), [](const Fields& a, const Fields& b) {
        return std::make_pair(Value(a, "SystemModstamp"), Value(a, "Id")) <
               std::make_pair(Value(b, "SystemModstamp"), Value(b, "Id"));
      });
  return true;
}

bool FakeSalesforceServer::Query(const std::string& soql, bool all,
                                 std::string* locator, httplib::Response& res) {
  Job job;
  if (!Select(soql, all, &job, res)) return false;
  std::vector<json> rows;
  for (const Fields& record : job.rows) {
    json row = {
        {"attributes",
         {{"type", job.object},
          {"url", absl::StrCat("/services/data/v58.0/sobjects/", job.object,
                               "/", Value(record, "Id"))}}}};
    for (const std::string& field : job.fields) {
      row[field] = Typed(field, Value(record, field));
    }
    rows.push_back(std::move(row));
  }
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
