#include "tests/support/fake_hubspot_server.h"

#include <algorithm>
#include <regex>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "adapters/csv_reader.h"
#include "adapters/hubspot_mapper.h"
#include "adapters/salesforce_mapper.h"

namespace hub {
namespace testing_support {
namespace {

using nlohmann::json;
using Row = std::map<std::string, std::string>;

constexpr char kJson[] = "application/json; charset=utf-8";

void SetError(httplib::Response& res, int status, const std::string& message,
              const std::string& category) {
  res.status = status;
  res.set_content(json{{"status", "error"},
                       {"message", message},
                       {"correlationId", "0b8f4c1e-fake"},
                       {"category", category}}
                      .dump(),
                  kJson);
}

// Reads the rows of `dir`/`object`.csv as column -> value.
absl::StatusOr<std::vector<Row>> ReadRows(const std::string& dir,
                                          absl::string_view object) {
  const std::string file = absl::StrCat(dir, "/", object, ".csv");
  absl::StatusOr<std::unique_ptr<CsvReader>> reader = CsvReader::Open(file);
  if (!reader.ok()) return absl::DataLossError(reader.status().message());
  std::vector<Row> rows;
  std::vector<std::string> header, row;
  absl::StatusOr<bool> more = (*reader)->ReadRow(&header);
  while (more.ok() && *more && (more = (*reader)->ReadRow(&row)).ok() &&
         *more) {
    Row& fields = rows.emplace_back();
    for (size_t i = 0; i < header.size() && i < row.size(); ++i) {
      fields[header[i]] = row[i];
    }
  }
  if (!more.ok()) return absl::DataLossError(more.status().message());
  return rows;
}

// A Website as HubSpot's domain property holds it: the lower-case host
// without "www.".
std::string Domain(const std::string& website) {
  const std::string lower = absl::AsciiStrToLower(website);
  absl::string_view host = lower;
  if (!absl::ConsumePrefix(&host, "https://")) {
    absl::ConsumePrefix(&host, "http://");
  }
  absl::ConsumePrefix(&host, "www.");
  return std::string(host.substr(0, host.find('/')));
}

std::string LeadStage(const std::string& status) {
  if (status == "Marketing Qualified") return "marketingqualifiedlead";
  if (status == "Sales Accepted" || status == "Sales Qualified") {
    return "salesqualifiedlead";
  }
  if (status == "Closed - Not Converted") return "other";
  return "lead";
}

std::string DealType(const std::string& type) {
  if (type == "New Business") return "newbusiness";
  if (type == "Upsell") return "existingbusiness";
  return absl::AsciiStrToLower(type);
}

std::string DealStage(const std::string& stage) {
  if (stage == "Closed Won") return "closedwon";
  if (stage == "Closed Lost") return "closedlost";
  return absl::AsciiStrToLower(absl::StrReplaceAll(stage, {{" ", ""}}));
}

// An ISO time in epoch millis (-1 if unparseable or null).
int64_t Millis(const json& value) {
  absl::Time t;
  std::string error;
  if (!value.is_string() ||
      !absl::ParseTime(absl::RFC3339_full, value.get<std::string>(), &t,
                       &error)) {
    return -1;
  }
  return absl::ToUnixMillis(t);
}

}  // namespace

absl::StatusOr<std::unique_ptr<FakeHubSpotServer>> FakeHubSpotServer::Start(
    const std::string& salesforce_dir, FakeHubSpotOptions options) {
  std::unique_ptr<FakeHubSpotServer> server(new FakeHubSpotServer(options));
  std::map<std::string, std::vector<Row>> rows;
  for (absl::string_view object : kSalesforceObjects) {
    absl::StatusOr<std::vector<Row>> read = ReadRows(salesforce_dir, object);
    if (!read.ok()) return read.status();
    rows[std::string(object)] = *std::move(read);
  }
  // Account Id -> its stage by its opportunities.
  std::map<std::string, std::string> account_stage;
  for (const Row& o : rows["Opportunity"]) {
    std::string& stage = account_stage[o.at("AccountId")];
    if (o.at("IsWon") == "true") {
      stage = "customer";
    } else if (o.at("IsClosed") != "true" && stage != "customer") {
      stage = "opportunity";
    }
  }
  auto stage_of = [&account_stage](const std::string& account) {
    auto it = account_stage.find(account);
    return it == account_stage.end() ? std::string("lead") : it->second;
  };
  std::map<std::string, int64_t> company_ids, contact_ids;
  int64_t next = 101;
  for (const Row& a : rows["Account"]) company_ids[a.at("Id")] = next++;
  next = 5001;
  for (const Row& c : rows["Contact"]) contact_ids[c.at("Id")] = next++;
  auto id_in = [](const std::map<std::string, int64_t>& ids,
                  const std::string& key) -> std::vector<int64_t> {
    auto it = ids.find(key);
    if (it == ids.end()) return {};
    return {it->second};
  };
  auto company = [&](const std::string& key) {
    std::vector<int64_t> id = id_in(company_ids, key);
    return id.empty() ? std::string() : absl::StrCat(id[0]);
  };
  auto add = [&server](const std::string& type, int64_t id, const Row& row,
                       std::map<std::string, std::string> properties,
                       const std::string& modified,
                       std::vector<int64_t> companies = {},
                       std::vector<int64_t> contacts = {}) {
    properties["createdate"] = row.at("CreatedDate");
    properties[modified] = row.at("SystemModstamp");
    server->Upsert(type, id, properties, companies, contacts);
    if (row.at("IsDeleted") == "true") {
      server->Archive(type, id, row.at("SystemModstamp"));
    }
  };
  for (const Row& a : rows["Account"]) {
    add("companies", company_ids[a.at("Id")], a,
        {{"name", a.at("Name")},
         {"domain", Domain(a.at("Website"))},
         {"website", a.at("Website")},
         {"industry", a.at("Industry")},
         {"type", a.at("Type")},
         {"country", a.at("BillingCountry")},
         {"numberofemployees", a.at("NumberOfEmployees")},
         {"phone", a.at("Phone")},
         {"lifecyclestage", stage_of(a.at("Id"))},
         {"hs_analytics_source", a.at("AccountSource")}},
        "hs_lastmodifieddate");
  }
  for (const Row& c : rows["Contact"]) {
    add("contacts", contact_ids[c.at("Id")], c,
        {{"email", c.at("Email")},
         {"phone", c.at("Phone")},
         {"firstname", c.at("FirstName")},
         {"lastname", c.at("LastName")},
         {"jobtitle", c.at("Title")},
         {"associatedcompanyid", company(c.at("AccountId"))},
         {"lifecyclestage", stage_of(c.at("AccountId"))}},
        "lastmodifieddate");
  }
  for (const Row& l : rows["Lead"]) {
    if (l.at("IsConverted") == "true") continue;  // the Contact is the person
    add("contacts", next++, l,
        {{"email", l.at("Email")},
         {"phone", l.at("Phone")},
         {"firstname", l.at("FirstName")},
         {"lastname", l.at("LastName")},
         {"jobtitle", l.at("Title")},
         {"company", l.at("Company")},
         {"lifecyclestage", LeadStage(l.at("Status"))}},
        "lastmodifieddate");
  }
  next = 9001;
  for (const Row& o : rows["Opportunity"]) {
    add("deals", next++, o,
        {{"dealname", o.at("Name")},
         {"dealtype", DealType(o.at("Type"))},
         {"dealstage", DealStage(o.at("StageName"))},
         {"amount", o.at("Amount")},
         {"closedate", o.at("CloseDate").empty()
                           ? ""
                           : absl::StrCat(o.at("CloseDate"), "T00:00:00.000Z")},
         {"hs_is_closed", o.at("IsClosed")},
         {"hs_is_closed_won", o.at("IsWon")}},
        "hs_lastmodifieddate", id_in(company_ids, o.at("AccountId")),
        id_in(contact_ids, o.at("ContactId")));
  }
  FakeHubSpotServer* self = server.get();
  auto handle = [self](const httplib::Request& req, httplib::Response& res) {
    self->Handle(req, res);
  };
  server->http_.server().Get(".*", handle);
  server->http_.server().Post(".*", handle);
  if (!server->http_.Start()) {
    return absl::UnavailableError("cannot bind 127.0.0.1");
  }
  return server;
}

void FakeHubSpotServer::Upsert(
    const std::string& type, int64_t id,
    const std::map<std::string, std::string>& properties,
    const std::vector<int64_t>& companies,
    const std::vector<int64_t>& contacts) {
  absl::MutexLock lock(&mu_);
  Object& object = objects_[type][id];
  object.properties["hs_object_id"] = absl::StrCat(id);
  for (const auto& [name, value] : properties) {
    object.properties[name] = value.empty() ? json(nullptr) : json(value);
  }
  if (!companies.empty()) object.companies = companies;
  if (!contacts.empty()) object.contacts = contacts;
}

void FakeHubSpotServer::Archive(const std::string& type, int64_t id,
                                const std::string& archived_at) {
  absl::MutexLock lock(&mu_);
  objects_[type][id].archived_at = archived_at;
}

std::vector<json> FakeHubSpotServer::Objects(const std::string& type) {
  absl::MutexLock lock(&mu_);
  std::vector<json> live, archived;
  for (const auto& [id, object] : objects_[type]) {
    (object.archived_at.empty() ? live : archived)
        .push_back(Result(type, id, object, HubSpotMappedProperties(type),
                          type == "deals" && object.archived_at.empty()));
  }
  live.insert(live.end(), archived.begin(), archived.end());
  return live;
}

void FakeHubSpotServer::ThrottleNext(int n, const std::string& policy,
                                     int skip) {
  absl::MutexLock lock(&mu_);
  throttle_ = n;
  throttle_skip_ = skip;
  throttle_policy_ = policy;
}

void FakeHubSpotServer::FailNext(int n, int status, int skip) {
  absl::MutexLock lock(&mu_);
  faults_.FailNext(n, status, skip);
}

void FakeHubSpotServer::MalformPage(int k, std::string body) {
  absl::MutexLock lock(&mu_);
  malformed_in_ = k;
  malformed_body_ = std::move(body);
}

std::vector<std::string> FakeHubSpotServer::requests() {
  absl::MutexLock lock(&mu_);
  return log_;
}

bool FakeHubSpotServer::Intercept(const httplib::Request& req,
                                  httplib::Response& res) {
  if (throttle_ > 0 && throttle_skip_ > 0) {
    --throttle_skip_;
  } else if (throttle_ > 0) {
    --throttle_;
    res.status = 429;
    const bool daily = throttle_policy_ == "DAILY";
    res.set_content(
        json{{"status", "error"},
             {"message", daily ? "You have reached your daily limit."
                               : "You have reached your secondly limit."},
             {"errorType", "RATE_LIMIT"},
             {"correlationId", "5e2b1a70-fake"},
             {"policyName", throttle_policy_}}
            .dump(),
        kJson);
    return true;
  }
  if (faults_.Answer(res)) return true;
  if (req.get_header_value("Authorization") != "Bearer " + options_.token) {
    SetError(res, 401,
             "Authentication credentials not found. This API supports OAuth "
             "2.0 authentication and you can find more details at "
             "https://developers.hubspot.com/docs/methods/auth/oauth-overview",
             "INVALID_AUTHENTICATION");
    return true;
  }
  return false;
}

bool FakeHubSpotServer::Malformed(httplib::Response& res) {
  if (malformed_in_ > 0 && --malformed_in_ == 0) {
    res.set_content(malformed_body_, kJson);
    return true;
  }
  return false;
}

void FakeHubSpotServer::Handle(const httplib::Request& req,
                               httplib::Response& res) {
  absl::MutexLock lock(&mu_);
  std::string entry = absl::StrCat(req.method, " ", req.path);
  if (!req.params.empty()) {
    std::vector<std::string> params;
    for (const auto& [name, value] : req.params) {
      params.push_back(absl::StrCat(name, "=", value));
    }
    absl::StrAppend(&entry, "?", absl::StrJoin(params, "&"));
  }
  if (req.method == "POST") absl::StrAppend(&entry, " ", req.body);
  log_.push_back(entry);
  if (Intercept(req, res)) return;
  static const std::regex kObjects(
      R"(^/crm/v3/objects/(companies|contacts|deals)(/search)?$)");
  static const std::regex kAssociations(
      R"(^/crm/v3/associations/deals/(companies|contacts)/batch/read$)");
  std::smatch m;
  if (std::regex_match(req.path, m, kObjects) &&
      (req.method == "POST") == m[2].matched) {
    if (m[2].matched) {
      Search(m[1].str(), req, res);
    } else {
      List(m[1].str(), req, res);
    }
  } else if (req.method == "POST" &&
             std::regex_match(req.path, m, kAssociations)) {
    Associations(m[1].str(), req, res);
  } else {
    SetError(res, 404, "Unable to route " + req.path, "OBJECT_NOT_FOUND");
  }
}

json FakeHubSpotServer::Result(const std::string& type, int64_t id,
                               const Object& object,
                               const std::vector<std::string>& properties,
                               bool associations) const {
  json wanted = json::object();
  for (const std::string& name : properties) {
    auto it = object.properties.find(name);
    wanted[name] = it == object.properties.end() ? json(nullptr) : *it;
  }
  const json& p = object.properties;
  const std::string modified(HubSpotModifiedProperty(type));
  json result = {{"id", absl::StrCat(id)},
                 {"properties", std::move(wanted)},
                 {"createdAt", p.value("createdate", json(nullptr))},
                 {"updatedAt", p.value(modified, json(nullptr))},
                 {"archived", !object.archived_at.empty()}};
  if (!object.archived_at.empty()) result["archivedAt"] = object.archived_at;
  if (associations) {
    auto list = [](const std::vector<int64_t>& ids, const char* kind) {
      json results = json::array();
      for (int64_t to : ids) {
        results.push_back({{"id", absl::StrCat(to)}, {"type", kind}});
      }
      return json{{"results", results}};
    };
    result["associations"] = json::object();
    if (!object.companies.empty()) {
      result["associations"]["companies"] =
          list(object.companies, "deal_to_company");
    }
    if (!object.contacts.empty()) {
      result["associations"]["contacts"] =
          list(object.contacts, "deal_to_contact");
    }
  }
  return result;
}

void FakeHubSpotServer::List(const std::string& type,
                             const httplib::Request& req,
                             httplib::Response& res) {
  int limit = 10;
  if (req.has_param("limit") &&
      (!absl::SimpleAtoi(req.get_param_value("limit"), &limit) || limit < 1 ||
       limit > 100)) {
    SetError(res, 400, "limit must be between 1 and 100", "VALIDATION_ERROR");
    return;
  }
  limit = std::min(limit, std::max(1, options_.page_size));
  const bool archived = req.get_param_value("archived") == "true";
  int64_t after = 0;
  if (req.has_param("after") &&
      !absl::SimpleAtoi(req.get_param_value("after"), &after)) {
    SetError(res, 400, "invalid after", "VALIDATION_ERROR");
    return;
  }
  std::vector<std::string> properties =
      absl::StrSplit(req.get_param_value("properties"), ',', absl::SkipEmpty());
  const bool associations =
      req.get_param_value("associations") == "companies,contacts";
  if (Malformed(res)) return;
  json results = json::array();
  json page = json::object();
  const ObjectMap& objects = objects_[type];
  for (auto it = objects.lower_bound(after); it != objects.end(); ++it) {
    if (it->second.archived_at.empty() == archived) continue;
    if (static_cast<int>(results.size()) == limit) {
      page["paging"] = {{"next",
                         {{"after", absl::StrCat(it->first)},
                          {"link", absl::StrCat(base_url(), req.path,
                                                "?after=", it->first)}}}};
      break;
    }
    results.push_back(
        Result(type, it->first, it->second, properties, associations));
  }
  page["results"] = std::move(results);
  res.set_content(page.dump(), kJson);
}

void FakeHubSpotServer::Search(const std::string& type,
                               const httplib::Request& req,
                               httplib::Response& res) {
  const json body = json::parse(req.body, nullptr, false);
  const std::string modified(HubSpotModifiedProperty(type));
  const json want_sorts =
      json::array({{{"propertyName", modified}, {"direction", "ASCENDING"}}});
  const json* filter = nullptr;
  if (body.is_object() && body.contains("filterGroups") &&
      body["filterGroups"].is_array() && body["filterGroups"].size() == 1 &&
      body["filterGroups"][0].value("filters", json()).size() == 1) {
    filter = &body["filterGroups"][0]["filters"][0];
  }
  int64_t from = 0;
  if (filter == nullptr || filter->value("propertyName", "") != modified ||
      filter->value("operator", "") != "GTE" ||
      !absl::SimpleAtoi(filter->value("value", ""), &from) ||
      body.value("sorts", json()) != want_sorts) {
    SetError(res, 400,
             "expected one GTE filter and an ascending sort on " + modified,
             "VALIDATION_ERROR");
    return;
  }
  const int limit = body.value("limit", 10);
  int64_t offset = 0;
  if (body.contains("after") &&
      (!body["after"].is_string() ||
       !absl::SimpleAtoi(body["after"].get<std::string>(), &offset))) {
    SetError(res, 400, "invalid after", "VALIDATION_ERROR");
    return;
  }
  if (limit < 1 || limit > 200 || offset < 0 || offset >= options_.search_cap) {
    SetError(res, 400,
             absl::StrCat("Search results are limited to ", options_.search_cap,
                          " (limit ", limit, ", after ", offset, ")"),
             "VALIDATION_ERROR");
    return;
  }
  std::vector<std::string> properties;
  for (const json& p : body.value("properties", json::array())) {
    if (p.is_string()) properties.push_back(p.get<std::string>());
  }
  if (Malformed(res)) return;
  std::vector<std::tuple<int64_t, int64_t, const Object*>> matches;
  for (const auto& [id, object] : objects_[type]) {
    const int64_t time = Millis(object.properties.value(modified, json()));
    if (object.archived_at.empty() && time >= from) {
      matches.emplace_back(time, id, &object);
    }
  }
  std::sort(matches.begin(), matches.end());
  const int64_t total = static_cast<int64_t>(matches.size());
  const int64_t end = std::min(
      {total, offset + std::min(limit, std::max(1, options_.page_size)),
       static_cast<int64_t>(options_.search_cap)});
  json results = json::array();
  for (int64_t i = offset; i < end; ++i) {
    const auto& [time, id, object] = matches[i];
    results.push_back(Result(type, id, *object, properties, false));
  }
  json page = {{"total", total}, {"results", std::move(results)}};
  if (end < total) page["paging"] = {{"next", {{"after", absl::StrCat(end)}}}};
  res.set_content(page.dump(), kJson);
}

void FakeHubSpotServer::Associations(const std::string& type,
                                     const httplib::Request& req,
                                     httplib::Response& res) {
  const json body = json::parse(req.body, nullptr, false);
  if (!body.is_object() || !body.value("inputs", json()).is_array()) {
    SetError(res, 400, "expected inputs", "VALIDATION_ERROR");
    return;
  }
  const ObjectMap& deals = objects_["deals"];
  json results = json::array();
  for (const json& input : body["inputs"]) {
    int64_t id = 0;
    auto it = input.is_object() && absl::SimpleAtoi(input.value("id", ""), &id)
                  ? deals.find(id)
                  : deals.end();
    if (it == deals.end()) continue;
    const std::vector<int64_t>& ids =
        type == "companies" ? it->second.companies : it->second.contacts;
    if (ids.empty()) continue;
    json to = json::array();
    for (int64_t other : ids) {
      to.push_back({{"id", absl::StrCat(other)},
                    {"type", type == "companies" ? "deal_to_company"
                                                 : "deal_to_contact"}});
    }
    results.push_back({{"from", {{"id", absl::StrCat(id)}}}, {"to", to}});
  }
  res.set_content(json{{"status", "COMPLETE"}, {"results", results}}.dump(),
                  kJson);
}

}  // namespace testing_support
}  // namespace hub
