// mailchimp/: members.json, campaigns.json, reports/<campaign>/*.json.
#include <algorithm>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "tools/hub_sample/civil_time.h"
#include "tools/hub_sample/output.h"
#include "tools/hub_sample/vocabulary.h"
#include "tools/hub_sample/writers.h"

namespace hub::sample {
namespace {

constexpr const char* kUnsubscribeReasons[] = {
    "N/A (Unsubscribed by admin)", "I no longer want to receive these emails",
    "The emails are inappropriate", "I never signed up for this mailing list"};

std::string MailchimpTime(int64_t seconds) {
  return FormatTime(seconds, TimeStyle::kMailchimp);
}

std::string Ip(int member) {
  return absl::StrCat("198.51.", 100 + member % 100, ".",
                      1 + member / 100 % 250);
}

int AccountOf(const World& w, int person) { return w.persons[person].account; }

absl::Status WriteMembers(const World& w, const std::string& dir,
                          Truth* truth) {
  std::vector<size_t> order(w.members.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const Member &a = w.members[x], &b = w.members[y];
    return a.last_changed != b.last_changed ? a.last_changed < b.last_changed
                                            : a.id < b.id;
  });
  OutputFile file(dir + "/members.json");
  JsonWriter j(file.buffer());
  j.BeginObject().Key("members").BeginArray();
  for (size_t i : order) {
    const Member& m = w.members[i];
    const Person& p = w.persons[m.person];
    file.buffer()->push_back('\n');
    j.BeginObject();
    j.Key("id").String(m.id).Key("email_address").String(m.email_text);
    j.Key("unique_email_id")
        .String(m.unique_email_id)
        .Key("contact_id")
        .String(m.contact_id);
    j.Key("full_name").String(absl::StrCat(p.first_name, " ", p.last_name));
    j.Key("email_type").String("html").Key("status").String(m.status);
    j.Key("merge_fields").BeginObject();
    j.Key("FNAME").String(p.first_name).Key("LNAME").String(p.last_name);
    j.Key("PHONE")
        .String(m.phone_text)
        .Key("COMPANY")
        .String(w.accounts[p.account].name);
    j.EndObject();
    j.Key("timestamp_opt").String(MailchimpTime(m.opt_in));
    j.Key("last_changed").String(MailchimpTime(m.last_changed));
    j.Key("list_id").String(w.list_id).EndObject();
    RecordFacts facts;
    facts.updated = Micros(m.last_changed);
    facts.deleted = m.status == "archived";
    truth->Add(Source::kMailchimp, Entity::kContact, m.id, m.person, p.account,
               {{IdType::kMemberId, m.id},
                {IdType::kEmail, m.email_text},
                {IdType::kPhone, m.phone_text}},
               facts);
    file.MaybeFlush();
  }
  j.EndArray()
      .Key("list_id")
      .String(w.list_id)
      .Key("total_items")
      .Int(static_cast<int64_t>(order.size()));
  j.EndObject();
  file.buffer()->push_back('\n');
  return file.Close();
}

absl::Status WriteCampaigns(const World& w, const std::string& dir) {
  OutputFile file(dir + "/campaigns.json");
  JsonWriter j(file.buffer());
  j.BeginObject().Key("campaigns").BeginArray();
  for (const Campaign& c : w.campaigns) {
    file.buffer()->push_back('\n');
    j.BeginObject().Key("id").String(c.id).Key("type").String("regular");
    j.Key("status")
        .String("sent")
        .Key("emails_sent")
        .Int(static_cast<int64_t>(c.sends.size()));
    j.Key("send_time").String(MailchimpTime(c.send_time));
    j.Key("recipients")
        .BeginObject()
        .Key("list_id")
        .String(w.list_id)
        .EndObject();
    j.Key("settings").BeginObject().Key("subject_line").String(c.subject);
    j.Key("title").String(c.title).EndObject().EndObject();
  }
  j.EndArray()
      .Key("total_items")
      .Int(static_cast<int64_t>(w.campaigns.size()))
      .EndObject();
  file.buffer()->push_back('\n');
  return file.Close();
}

absl::Status WriteSentTo(const World& w, const Campaign& c,
                         const std::string& dir, Truth* truth) {
  OutputFile file(dir + "/sent-to.json");
  JsonWriter j(file.buffer());
  j.BeginObject().Key("sent_to").BeginArray();
  for (const Send& s : c.sends) {
    const Member& m = w.members[s.member];
    const char* status = s.status == 'h'   ? "hard"
                         : s.status == 'o' ? "soft"
                                           : "sent";
    file.buffer()->push_back('\n');
    j.BeginObject()
        .Key("email_id")
        .String(m.id)
        .Key("email_address")
        .String(m.email_text);
    j.Key("status").String(status).Key("open_count").Int(0);
    j.Key("campaign_id")
        .String(c.id)
        .Key("list_id")
        .String(w.list_id)
        .EndObject();
    const IdRef ids[] = {{IdType::kEmail, m.email_text},
                         {IdType::kMemberId, m.id}};
    const int account = AccountOf(w, m.person);
    RecordFacts facts;
    facts.occurred = Micros(c.send_time);
    facts.event_type = "email_sent";
    facts.campaign_id = c.id;
    truth->Add(Source::kMailchimp, Entity::kEmailActivity,
               absl::StrCat(c.id, ":", m.id, ":sent"), m.person, account, ids,
               2, facts);
    if (s.status != 's') {
      facts.event_type = "email_bounced";
      truth->Add(Source::kMailchimp, Entity::kEmailActivity,
                 absl::StrCat(c.id, ":", m.id, ":bounce"), m.person, account,
                 ids, 2, facts);
    }
    file.MaybeFlush();
  }
  j.EndArray()
      .Key("campaign_id")
      .String(c.id)
      .Key("total_items")
      .Int(static_cast<int64_t>(c.sends.size()));
  j.EndObject();
  return file.Close();
}

absl::Status WriteActivity(const World& w, const Campaign& c,
                           const std::string& dir,
                           const std::vector<std::string>& urls, Truth* truth) {
  OutputFile file(dir + "/email-activity.json");
  JsonWriter j(file.buffer());
  j.BeginObject().Key("emails").BeginArray();
  int64_t total = 0;
  for (const Send& s : c.sends) {
    if (s.event_count == 0) continue;
    const Member& m = w.members[s.member];
    const IdRef ids[] = {{IdType::kEmail, m.email_text},
                         {IdType::kMemberId, m.id}};
    const int account = AccountOf(w, m.person);
    file.buffer()->push_back('\n');
    j.BeginObject()
        .Key("campaign_id")
        .String(c.id)
        .Key("list_id")
        .String(w.list_id);
    j.Key("list_is_active").Bool(true).Key("email_id").String(m.id);
    j.Key("email_address").String(m.email_text).Key("activity").BeginArray();
    for (uint32_t k = s.first_event; k < s.first_event + s.event_count; ++k) {
      const EmailEvent& e = c.events[k];
      const std::string at = MailchimpTime(e.at);
      const char* action = e.action == EmailAction::kClick ? "click" : "open";
      j.BeginObject().Key("action").String(action).Key("timestamp").String(at);
      if (e.action == EmailAction::kClick) {
        j.Key("url").String(
            absl::StrCat("https://www.hubsample.test", urls[e.url],
                         "?utm_source=mailchimp&utm_campaign=", c.id));
      }
      j.Key("ip").String(Ip(s.member)).EndObject();
      RecordFacts facts;
      facts.occurred = Micros(e.at);
      facts.event_type =
          e.action == EmailAction::kClick ? "email_clicked" : "email_opened";
      facts.campaign_id = c.id;
      truth->Add(Source::kMailchimp, Entity::kEmailActivity,
                 absl::StrCat(c.id, ":", m.id, ":", action, ":", at), m.person,
                 account, ids, 2, facts);
    }
    j.EndArray().EndObject();
    ++total;
    file.MaybeFlush();
  }
  j.EndArray().Key("campaign_id").String(c.id).Key("total_items").Int(total);
  j.Key("_links").BeginArray().EndArray().EndObject();
  return file.Close();
}

absl::Status WriteUnsubscribed(const World& w, const Campaign& c,
                               const std::string& dir, Truth* truth) {
  OutputFile file(dir + "/unsubscribed.json");
  JsonWriter j(file.buffer());
  j.BeginObject().Key("unsubscribes").BeginArray();
  for (const Unsubscribe& u : c.unsubscribes) {
    const Member& m = w.members[u.member];
    j.BeginObject()
        .Key("email_id")
        .String(m.id)
        .Key("email_address")
        .String(m.email_text);
    j.Key("timestamp")
        .String(MailchimpTime(u.at))
        .Key("reason")
        .String(kUnsubscribeReasons[u.reason]);
    j.Key("campaign_id")
        .String(c.id)
        .Key("list_id")
        .String(w.list_id)
        .EndObject();
    RecordFacts facts;
    facts.occurred = Micros(u.at);
    facts.event_type = "email_unsubscribed";
    facts.campaign_id = c.id;
    truth->Add(Source::kMailchimp, Entity::kEmailActivity,
               absl::StrCat(c.id, ":", m.id, ":unsubscribe"), m.person,
               AccountOf(w, m.person),
               {{IdType::kEmail, m.email_text}, {IdType::kMemberId, m.id}},
               facts);
  }
  j.EndArray().Key("campaign_id").String(c.id);
  j.Key("total_items")
      .Int(static_cast<int64_t>(c.unsubscribes.size()))
      .EndObject();
  return file.Close();
}

}  // namespace

absl::Status WriteMailchimp(const World& world, const std::string& dir,
                            Truth* truth) {
  if (absl::Status s = MakeDirectories(dir); !s.ok()) return s;
  if (absl::Status s = WriteMembers(world, dir, truth); !s.ok()) return s;
  if (absl::Status s = WriteCampaigns(world, dir); !s.ok()) return s;
  const std::vector<std::string>& urls = GetVocabulary().site_paths;
  for (const Campaign& c : world.campaigns) {
    const std::string report = absl::StrCat(dir, "/reports/", c.id);
    if (absl::Status s = MakeDirectories(report); !s.ok()) return s;
    if (absl::Status s = WriteSentTo(world, c, report, truth); !s.ok())
      return s;
    if (absl::Status s = WriteActivity(world, c, report, urls, truth); !s.ok())
      return s;
    if (absl::Status s = WriteUnsubscribed(world, c, report, truth); !s.ok())
      return s;
  }
  return absl::OkStatus();
}

}  // namespace hub::sample
