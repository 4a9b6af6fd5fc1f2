#include "tests/tools/export_reader.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "nlohmann/json.hpp"

namespace hub::sample::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// True if `text` is well-formed UTF-8 (no overlong or surrogate checks).
bool ValidUtf8(const std::string& text) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const int extra = c < 0x80         ? 0
                      : (c >> 5) == 6  ? 1
                      : (c >> 4) == 14 ? 2
                      : (c >> 3) == 30 ? 3
                                       : -1;
    if (extra < 0 || i + extra >= text.size() + (extra == 0 ? 1 : 0))
      return false;
    for (int k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80)
        return false;
    }
    i += 1 + extra;
  }
  return true;
}

bool ValidDate(int y, int m, int d) {
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m >= 1 && m <= 12 && d >= 1 &&
         d <= (m == 2 && !leap ? 28 : kDays[m - 1]);
}

// ISO-8601 UTC spellings the vendors use (Z, .000Z, +00:00) with real ranges.
bool ValidTimestamp(const std::string& text) {
  static const std::regex kIso(
      R"((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|\+00:00))");
  std::smatch m;
  if (!std::regex_match(text, m, kIso)) return false;
  return ValidDate(std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3])) &&
         std::stoi(m[4]) < 24 && std::stoi(m[5]) < 60 && std::stoi(m[6]) < 60;
}

std::string Str(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return "";
  if (j[key].is_string()) return j[key].get<std::string>();
  return j[key].dump();
}

class Reader {
 public:
  explicit Reader(std::string dir) : dir_(std::move(dir)) {}

  Export Run() {
    Salesforce();
    Mailchimp();
    Segment();
    Ga4();
    Zendesk();
    return std::move(out_);
  }

 private:
  void Problem(const std::string& text) { out_.problems.push_back(text); }

  // Adds a record; `stamp` is the text of its updated_at field.
  void Add(const std::string& source, const std::string& entity,
           const std::string& external_id, std::vector<ParsedId> ids,
           const std::string& stamp, bool stamp_ok) {
    ParsedRecord r{source, entity, external_id, {}, "", ""};
    for (ParsedId& id : ids) {
      if (!id.value.empty()) r.ids.push_back(std::move(id));
    }
    if (external_id.empty()) {
      r.invalid = "missing external_id";
    } else if (!stamp_ok || stamp.empty()) {
      r.invalid = "invalid timestamp";
    } else {
      for (const ParsedId& id : r.ids) {
        if (id.type == "email" && Trim(id.value).find('@') == std::string::npos)
          r.invalid = "invalid email";
      }
    }
    if (r.invalid.empty() && source != "ga4")
      out_.latest = std::max(out_.latest, stamp.substr(0, 19));
    if (r.invalid.empty() && entity == "ACCOUNT") {
      for (const ParsedId& id : r.ids) {
        if (id.type == "domain")
          out_.account_domains.push_back(NormalizeId("domain", id.value));
      }
    }
    out_.records.push_back(std::move(r));
  }

  void Add(const std::string& source, const std::string& entity,
           const std::string& external_id, std::vector<ParsedId> ids,
           const std::string& stamp) {
    Add(source, entity, external_id, std::move(ids), stamp,
        ValidTimestamp(stamp));
  }

  // Rows of a Bulk CSV file as column -> value maps; checks the quoting rule.
  std::vector<std::map<std::string, std::string>> Csv(const std::string& name) {
    const std::string text = ReadFile(dir_ + "/salesforce/" + name);
    if (!ValidUtf8(text)) Problem(name + ": invalid UTF-8");
    const auto rows = ParseCsv(text, &out_.problems);
    std::vector<std::map<std::string, std::string>> out;
    if (rows.empty()) {
      Problem(name + ": empty");
      return out;
    }
    for (size_t r = 1; r < rows.size(); ++r) {
      if (rows[r].size() != rows[0].size())
        Problem(name + ": ragged row " + std::to_string(r));
      std::map<std::string, std::string> row;
      for (size_t c = 0; c < rows[r].size() && c < rows[0].size(); ++c) {
        if (!rows[r][c].value.empty() && !rows[r][c].quoted)
          Problem(name + ": unquoted value");
        row[rows[0][c].value] = rows[r][c].value;
      }
      out.push_back(std::move(row));
    }
    return out;
  }

  void Salesforce() {
    for (auto& r : Csv("Account.csv")) {
      Add("salesforce", "ACCOUNT", r["Id"],
          {{"salesforce.account_id", r["Id"]}, {"domain", r["Website"]}},
          r["SystemModstamp"]);
    }
    for (auto& r : Csv("Contact.csv")) {
      Add("salesforce", "CONTACT", r["Id"],
          {{"salesforce.contact_id", r["Id"]},
           {"email", r["Email"]},
           {"phone", r["Phone"]}},
          r["SystemModstamp"]);
    }
    for (auto& r : Csv("Lead.csv")) {
      std::vector<ParsedId> ids = {{"salesforce.lead_id", r["Id"]},
                                   {"email", r["Email"]},
                                   {"phone", r["Phone"]}};
      if (r["IsConverted"] == "true")
        ids.push_back({"salesforce.contact_id", r["ConvertedContactId"]});
      Add("salesforce", "LEAD", r["Id"], std::move(ids), r["SystemModstamp"]);
    }
    for (auto& r : Csv("Opportunity.csv")) {
      Add("salesforce", "OPPORTUNITY", r["Id"], {}, r["SystemModstamp"]);
      out_.records.back().account_id = r["AccountId"];
    }
  }

  json Json(const std::string& path) {
    try {
      return json::parse(ReadFile(path));
    } catch (const std::exception& e) {
      Problem(path + ": " + e.what());
      return json::object();
    }
  }

  void Mailchimp() {
    const std::string dir = dir_ + "/mailchimp";
    const json members = Json(dir + "/members.json");
    if (members.value("total_items", -1) !=
        static_cast<int>(members["members"].size())) {
      Problem("members.json: total_items");
    }
    for (const json& m : members["members"]) {
      Add("mailchimp", "CONTACT", Str(m, "id"),
          {{"mailchimp.member_id", Str(m, "id")},
           {"email", Str(m, "email_address")},
           {"phone", Str(m["merge_fields"], "PHONE")}},
          Str(m, "last_changed"));
    }
    const json campaigns = Json(dir + "/campaigns.json");
    size_t reports = 0;
    for (const auto& entry : fs::directory_iterator(dir + "/reports"))
      reports += entry.is_directory();
    if (reports != campaigns["campaigns"].size())
      Problem("mailchimp: reports do not match campaigns");
    for (const json& c : campaigns["campaigns"]) {
      const std::string id = Str(c, "id"), sent = Str(c, "send_time"),
                        report = dir + "/reports/" + id;
      const json sent_to = Json(report + "/sent-to.json");
      for (const json& s : sent_to["sent_to"]) {
        const std::string eid = Str(s, "email_id"), status = Str(s, "status");
        const std::vector<ParsedId> ids = {{"email", Str(s, "email_address")},
                                           {"mailchimp.member_id", eid}};
        Add("mailchimp", "EMAIL_ACTIVITY", id + ":" + eid + ":sent", ids, sent);
        if (status == "hard" || status == "soft")
          Add("mailchimp", "EMAIL_ACTIVITY", id + ":" + eid + ":bounce", ids,
              sent);
      }
      const json activity = Json(report + "/email-activity.json");
      for (const json& e : activity["emails"]) {
        const std::string eid = Str(e, "email_id");
        const std::vector<ParsedId> ids = {{"email", Str(e, "email_address")},
                                           {"mailchimp.member_id", eid}};
        for (const json& a : e["activity"]) {
          const std::string at = Str(a, "timestamp");
          Add("mailchimp", "EMAIL_ACTIVITY",
              id + ":" + eid + ":" + Str(a, "action") + ":" + at, ids, at);
        }
      }
      const json unsubscribed = Json(report + "/unsubscribed.json");
      for (const json& u : unsubscribed["unsubscribes"]) {
        const std::string eid = Str(u, "email_id");
        Add("mailchimp", "EMAIL_ACTIVITY", id + ":" + eid + ":unsubscribe",
            {{"email", Str(u, "email_address")}, {"mailchimp.member_id", eid}},
            Str(u, "timestamp"));
      }
    }
  }

  void Segment() {
    std::istringstream lines(ReadFile(dir_ + "/segment/events.jsonl"));
    std::string line, last_received;
    while (std::getline(lines, line)) {
      json m;
      try {
        m = json::parse(line);
      } catch (const std::exception& e) {
        Problem(std::string("events.jsonl: ") + e.what());
        continue;
      }
      const std::string type = Str(m, "type"), user = Str(m, "userId"),
                        anon = Str(m, "anonymousId");
      const std::string stamp = Str(m, "timestamp");
      if (Str(m, "receivedAt") < last_received)
        Problem("events.jsonl: not sorted by receivedAt");
      last_received = Str(m, "receivedAt");
      const json context = m.value("context", json::object());
      if (type == "identify") {
        const json traits = m.value("traits", json::object());
        Add("segment", "CONTACT", user.empty() ? anon : user,
            {{"user_id", user},
             {"segment.anonymous_id", anon},
             {"email", Str(traits, "email")},
             {"phone", Str(traits, "phone")}},
            stamp);
      } else if (type == "track" || type == "page") {
        const json props = m.value("properties", json::object());
        const bool nps = Str(m, "event") == "Survey Responded" &&
                         Str(props, "survey") == "nps";
        const std::string email =
            context.contains("traits") ? Str(context["traits"], "email") : "";
        Add("segment", nps ? "SURVEY_RESPONSE" : "WEB_EVENT",
            Str(m, "messageId"),
            {{"user_id", user},
             {"segment.anonymous_id", anon},
             {"email", email}},
            stamp);
      } else if (type == "group") {
        const std::string group = Str(m, "groupId");
        Add("segment", "ACCOUNT", group,
            {{"segment.group_id", group},
             {"domain", Str(m["traits"], "website")}},
            stamp);
        if (!user.empty()) {
          Add("segment", "CONTACT", "group:" + user + ":" + group,
              {{"user_id", user}}, stamp);
        }
      } else {
        Problem("events.jsonl: unexpected type " + type);
      }
    }
  }

  void Ga4() {
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir_ + "/ga4"))
      files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    static const std::regex kName(R"(.*/events_(\d{8})\.ndjson)");
    for (const std::string& file : files) {
      std::smatch name;
      if (!std::regex_match(file, name, kName))
        Problem("ga4: unexpected file " + file);
      std::istringstream lines(ReadFile(file));
      std::string line;
      while (std::getline(lines, line)) {
        const json e = json::parse(line);
        if (Str(e, "event_date") != name[1].str())
          Problem("ga4: event_date differs from file");
        std::string crm;
        for (const json& p : e["user_properties"]) {
          if (Str(p, "key") == "crm_contact_id")
            crm = Str(p["value"], "string_value");
        }
        const std::string ts = Str(e, "event_timestamp"),
                          pseudo = Str(e, "user_pseudo_id");
        const std::string index =
            e.contains("batch_event_index") ? Str(e, "batch_event_index") : "0";
        const bool digits =
            !ts.empty() && std::all_of(ts.begin(), ts.end(), ::isdigit);
        Add("ga4", "WEB_EVENT",
            pseudo + ":" + ts + ":" + Str(e, "event_name") + ":" + index,
            {{"ga4.user_pseudo_id", pseudo},
             {"user_id", Str(e, "user_id")},
             {"salesforce.contact_id", crm}},
            ts, digits);
      }
    }
  }

  // Pages `<stem>-0001.json`, ... in order; checks numbering and page size.
  std::vector<json> Pages(const std::string& stem, const char* array) {
    std::vector<json> pages;
    for (int n = 1;; ++n) {
      char name[64];
      std::snprintf(name, sizeof name, "%s-%04d.json", stem.c_str(), n);
      const std::string path = dir_ + "/zendesk/" + name;
      if (!fs::exists(path)) break;
      pages.push_back(Json(path));
      if (pages.back()[array].size() > 1000)
        Problem(path + ": more than 1000 items");
    }
    if (pages.empty()) Problem("zendesk: no " + stem + " pages");
    size_t files = 0;
    for (const auto& entry : fs::directory_iterator(dir_ + "/zendesk")) {
      files += entry.path().filename().string().rfind(stem + "-", 0) == 0;
    }
    if (files != pages.size())
      Problem("zendesk: " + stem + " pages are not numbered 0001..");
    for (size_t i = 0; i < pages.size(); ++i) {
      const bool last = i + 1 == pages.size();
      const bool end = pages[i].contains("meta")
                           ? !pages[i]["meta"].value("has_more", true)
                           : pages[i].value("end_of_stream", !last);
      if (end != last) Problem("zendesk: " + stem + " end of stream flag");
    }
    return pages;
  }

  void Zendesk() {
    for (const json& page : Pages("users", "users")) {
      for (const json& u : page["users"]) {
        const std::string id = Str(u, "id");
        Add("zendesk", "CONTACT", id,
            {{"zendesk.user_id", id},
             {"email", Str(u, "email")},
             {"phone", Str(u, "phone")}},
            Str(u, "updated_at"));
      }
    }
    for (const json& page : Pages("organizations", "organizations")) {
      for (const json& o : page["organizations"]) {
        const std::string id = Str(o, "id");
        std::vector<ParsedId> ids = {{"zendesk.organization_id", id}};
        for (const json& d : o["domain_names"])
          ids.push_back({"domain", d.get<std::string>()});
        Add("zendesk", "ACCOUNT", id, std::move(ids), Str(o, "updated_at"));
      }
    }
    for (const json& page : Pages("tickets", "tickets")) {
      for (const json& t : page["tickets"]) {
        Add("zendesk", "TICKET", Str(t, "id"),
            {{"zendesk.user_id", Str(t, "requester_id")}},
            Str(t, "updated_at"));
      }
    }
    for (const json& page :
         Pages("satisfaction_ratings", "satisfaction_ratings")) {
      for (const json& r : page["satisfaction_ratings"]) {
        Add("zendesk", "SURVEY_RESPONSE", "csat:" + Str(r, "id"),
            {{"zendesk.user_id", Str(r, "requester_id")}},
            Str(r, "updated_at"));
      }
    }
  }

  std::string dir_;
  Export out_;
};

}  // namespace

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::vector<CsvField>> ParseCsv(
    const std::string& text, std::vector<std::string>* problems) {
  std::vector<std::vector<CsvField>> rows;
  std::vector<CsvField> row;
  CsvField field;
  size_t i = 0;
  bool at_field_start = true;
  while (i < text.size()) {
    const char c = text[i];
    if (at_field_start && c == '"') {
      field.quoted = true;
      ++i;
      for (;;) {
        if (i >= text.size()) {
          problems->push_back("csv: unterminated quote");
          return rows;
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.value.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.value.push_back(text[i++]);
      }
      at_field_start = false;
      if (i < text.size() && text[i] != ',' && text[i] != '\n') {
        problems->push_back("csv: text after closing quote");
        return rows;
      }
      continue;
    }
    if (c == ',' || c == '\n') {
      row.push_back(std::move(field));
      field = CsvField();
      at_field_start = true;
      if (c == '\n') {
        rows.push_back(std::move(row));
        row.clear();
      }
      ++i;
      continue;
    }
    if (c == '"') {
      problems->push_back("csv: quote inside unquoted field");
      return rows;
    }
    field.value.push_back(c);
    at_field_start = false;
    ++i;
  }
  if (!at_field_start || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

bool IsPersonSide(const std::string& type) {
  return type != "salesforce.account_id" && type != "domain" &&
         type != "segment.group_id" && type != "zendesk.organization_id";
}

std::string NormalizeId(const std::string& type, const std::string& value) {
  if (type == "email") return Lower(Trim(value));
  if (type == "phone") {
    std::string digits;
    for (char c : value) {
      if (std::isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
    }
    return digits.size() == 10 ? "+1" + digits : "+" + digits;
  }
  if (type == "domain") {
    std::string d = Lower(Trim(value));
    static const std::regex kDomain(
        R"(^(?:[a-z]+://)?(?:www\.)?([^/?#:]*).*$)");
    std::smatch m;
    return std::regex_match(d, m, kDomain) ? m[1].str() : d;
  }
  return value;
}

Export ReadExport(const std::string& dir) { return Reader(dir).Run(); }

}  // namespace hub::sample::testing
