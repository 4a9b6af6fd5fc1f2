// Accounts, buying groups and the Salesforce side of their lifecycle.
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/hub_sample/civil_time.h"
#include "tools/hub_sample/simulator_internal.h"

namespace hub::sample {
namespace {

constexpr const char* kLeadStatus[] = {
    "Open - Not Contacted",  "Working - Contacted", "Marketing Qualified",
    "Sales Accepted",        "Sales Qualified",     "Closed - Converted",
    "Closed - Not Converted"};
constexpr int kSqlStatus = 4, kNotConverted = 6;

constexpr const char* kOpenStages[] = {
    "Prospecting",          "Qualification",       "Needs Analysis",
    "Value Proposition",    "Id. Decision Makers", "Perception Analysis",
    "Proposal/Price Quote", "Negotiation/Review"};

const std::vector<std::string>& ImportSources() {
  static const auto* const kSources =
      new std::vector<std::string>{"Trade Show", "Purchased List", "Webinar",
                                   "Partner Referral", "Phone Inquiry"};
  return *kSources;
}

// Sometimes a CRM first name carries a nickname in quotes: Robert "Rob".
std::string WithNickname(const std::string& first, Rng& rng) {
  if (first.size() < 5 || !rng.Chance(0.02)) return first;
  size_t end = 0;  // the end of the first three UTF-8 characters
  for (int starts = 0; end < first.size(); ++end) {
    const bool start = (static_cast<unsigned char>(first[end]) & 0xc0) != 0x80;
    if (start && ++starts > 3) break;
  }
  return absl::StrCat(first, " \"", first.substr(0, end), "\"");
}

int64_t Amount(const std::string& tier, Rng& rng) {
  if (tier == "smb") return rng.Between(50, 250) * 100;
  if (tier == "mid") return rng.Between(250, 1200) * 100;
  return rng.Between(1200, 6000) * 100;
}

}  // namespace

void Simulator::SimulateAccount(int a) {
  Rng rng(StreamSeed(options_.seed, 1, static_cast<uint64_t>(a)));
  MakeAccount(a, rng);
  const std::string& tier = w_.accounts[a].tier;
  const int n = tier == "smb"   ? static_cast<int>(rng.Between(2, 4))
                : tier == "mid" ? static_cast<int>(rng.Between(3, 6))
                                : static_cast<int>(rng.Between(4, 8));
  for (int i = 0; i < n; ++i) MakePerson(a, i == 0 || (i == 1 && n >= 5), rng);
  if (rng.Chance(0.25)) {
    PlanExisting(a, rng);
  } else {
    PlanProspect(a, rng);
  }
  if (w_.accounts[a].customer_since <= w_.end) RunCustomer(a, rng);
  FinishAccount(a, rng);
  for (int p : w_.accounts[a].persons) SimulateEmail(p, rng);
  for (int p : w_.accounts[a].persons) SimulateWeb(p, rng);
  SimulateSupport(a, rng);
  MakeGroup(a, rng);
}

void Simulator::MakeAccount(int a, Rng& rng) {
  Account& acc = w_.accounts[a];
  std::vector<std::string> words;
  for (int attempt = 0;; ++attempt) {
    words = {rng.Pick(vocab_.company_heads)};
    if (attempt >= 6) words.push_back(rng.Pick(vocab_.company_heads));
    words.push_back(rng.Pick(vocab_.company_cores));
    if (attempt >= 40) words.push_back(absl::StrCat(attempt));
    const bool hyphen = rng.Chance(0.15);
    std::string slug =
        absl::AsciiStrToLower(absl::StrJoin(words, hyphen ? "-" : ""));
    if (words[0] == words[1 % words.size()]) continue;
    if (slugs_.insert(slug).second) {
      acc.slug = slug;
      break;
    }
  }
  acc.domain = acc.slug + ".example";
  acc.name = absl::StrJoin(words, " ");
  acc.short_name = acc.name;
  const std::string& suffix = rng.Pick(vocab_.company_suffixes);
  if (!suffix.empty()) {
    const bool comma = (suffix == "Inc." || suffix == "LLC") && rng.Chance(0.4);
    absl::StrAppend(&acc.name, comma ? ", " : " ", suffix);
  }
  acc.industry = rng.Pick(vocab_.industries);
  static const char* const kTiers[] = {"smb", "mid", "enterprise"};
  static const char* const kRegions[] = {"na", "emea", "apac", "latam"};
  const int tier = rng.Weighted({50, 35, 15});
  acc.tier = kTiers[tier];
  acc.region = kRegions[rng.Weighted({45, 30, 15, 10})];
  acc.country = rng.Pick(CountriesOf(acc.region));
  acc.employees = static_cast<int>(tier == 0   ? rng.Between(10, 200)
                                   : tier == 1 ? rng.Between(200, 2000)
                                               : rng.Between(2000, 50000));
  if (rng.Chance(0.8))
    acc.phone = FormatPhone(NextPhone(), static_cast<int>(rng.Below(5)));
  const int64_t number = rng.Between(1, 2500);
  acc.street = absl::StrCat(number, " ", rng.Pick(vocab_.streets));
  if (rng.Chance(0.3))
    absl::StrAppend(&acc.street, "\nSuite ", rng.Between(100, 990));
  if (rng.Chance(0.92)) acc.website = WebsiteFor(acc.domain, rng);
  acc.sf_id = NextSalesforceId("001");
  acc.at_risk = rng.Chance(0.25);
  // Salesforce's default AccountSource picklist, then "": not recorded. Drawn
  // from a stream of its own: a draw from `rng` would shift every later draw
  // of the account, and so every other fact of the world.
  Rng source_rng(StreamSeed(options_.seed, 4, static_cast<uint64_t>(a)));
  static const char* const kSources[] = {
      "Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other",
      ""};
  acc.source = kSources[source_rng.Weighted({40, 15, 20, 5, 10, 10})];
}

int Simulator::MakePerson(int a, bool senior, Rng& rng) {
  Person p;
  p.account = a;
  const Name& first = rng.Pick(vocab_.first_names);
  const Name& last = rng.Pick(vocab_.last_names);
  p.first_name = first.text;
  p.last_name = last.text;
  p.first_ascii = first.ascii;
  p.last_ascii = last.ascii;
  p.title = senior ? rng.Pick(vocab_.senior_titles) : rng.Pick(vocab_.titles);
  p.email = UniqueEmail(absl::StrCat(first.ascii, ".", last.ascii),
                        w_.accounts[a].domain);
  if (rng.Chance(0.7)) p.phone = NextPhone();
  p.engagement = 0.05 + 0.5 * rng.Unit();
  p.web = rng.Chance(0.75);
  p.second_device = p.web && rng.Chance(0.12);
  const int index = static_cast<int>(w_.persons.size());
  w_.persons.push_back(std::move(p));
  w_.accounts[a].persons.push_back(index);
  moments_.emplace_back();
  return index;
}

void Simulator::PlanProspect(int a, Rng& rng) {
  Account& acc = w_.accounts[a];
  acc.engaged_at = w_.start + rng.Between(0, span_ * 85 / 100);
  acc.sf_created = acc.engaged_at - rng.Between(kHour, 180 * kDay);
  for (int p : acc.persons)
    w_.persons[p].first_visit = acc.engaged_at + rng.Between(0, 60 * kDay);
  const int depth =
      rng.Weighted({20, 35, 45});  // attract only, capture, opportunity
  if (depth == 0) return;
  const std::vector<int> persons = acc.persons;
  const auto capture_time = [&](int p, int64_t at) {
    const Person& person = w_.persons[p];
    return person.web ? std::max(at, person.first_visit +
                                         rng.Between(kHour, 20 * kDay))
                      : at;
  };
  const int64_t first_capture = capture_time(
      persons[0], acc.engaged_at + rng.Between(7 * kDay, 60 * kDay));
  std::vector<int> leads = {Capture(persons[0], first_capture, rng)};
  for (size_t i = 1; i < persons.size(); ++i) {
    if (rng.Chance(0.45)) {
      leads.push_back(Capture(
          persons[i],
          capture_time(persons[i], first_capture + rng.Between(3, 150) * kDay),
          rng));
    } else {
      leads.push_back(-1);
    }
  }
  const auto nurture_target = [&] {
    static constexpr int kTargets[] = {0, 1, 2, 3, kSqlStatus, kNotConverted};
    return kTargets[rng.Weighted({15, 25, 28, 10, 5, 17})];
  };
  if (depth == 1 || leads[0] < 0) {
    for (int l : leads) {
      if (l >= 0) ProgressLead(l, nurture_target(), rng);
    }
    return;
  }
  ProgressLead(leads[0], kSqlStatus, rng);
  const Lead& champion_lead = w_.leads[leads[0]];
  const int64_t opp_at = champion_lead.modified + rng.Between(0, 7 * kDay);
  if (champion_lead.status != kLeadStatus[kSqlStatus] || opp_at > w_.end)
    return;
  ConvertLead(leads[0], opp_at, rng);
  AddMoment(persons[0], opp_at - rng.Between(kDay, 10 * kDay),
            MomentKind::kDemo);
  for (size_t i = 1; i < persons.size(); ++i) {
    if (leads[i] >= 0) {
      if (rng.Chance(0.75)) {
        ProgressLead(leads[i], 2, rng);
        ConvertLead(leads[i], opp_at + rng.Between(0, 30 * kDay), rng);
      } else {
        ProgressLead(leads[i], nurture_target(), rng);
      }
    } else if (rng.Chance(0.55)) {
      EnsureContact(persons[i], opp_at + rng.Between(kDay, 60 * kDay), "Other",
                    rng);
    }
  }
  const double win = acc.tier == "smb" ? 0.5 : acc.tier == "mid" ? 0.42 : 0.35;
  const int64_t close = opp_at + rng.Between(30 * kDay, 150 * kDay);
  const int64_t amount = Amount(acc.tier, rng);
  const int o = AddOpportunity(a, "New Business", opp_at, close, amount, win,
                               w_.persons[persons[0]].contact, rng);
  if (w_.opportunities[o].won) acc.customer_since = w_.opportunities[o].close;
}

void Simulator::PlanExisting(int a, Rng& rng) {
  Account& acc = w_.accounts[a];
  const int64_t since = w_.start - rng.Between(30 * kDay, 700 * kDay);
  const int64_t deal_created = since - rng.Between(30 * kDay, 150 * kDay);
  acc.sf_created = deal_created - rng.Between(10 * kDay, 200 * kDay);
  acc.engaged_at = acc.sf_created;
  const std::vector<int> persons = acc.persons;
  for (size_t i = 0; i < persons.size(); ++i) {
    const int p = persons[i];
    w_.persons[p].first_visit = w_.start + rng.Between(0, span_ * 6 / 10);
    if (i > 0 && !rng.Chance(0.8)) continue;
    const int64_t at = i == 0
                           ? deal_created - rng.Between(0, 20 * kDay)
                           : rng.Between(acc.sf_created, w_.start + span_ / 3);
    if (rng.Chance(0.3)) {
      const int64_t created = at - rng.Between(5, 60) * kDay;
      const int l = AddLead(p, created, rng.Pick(ImportSources()), rng);
      ConvertLead(l, at, rng);
    } else {
      EnsureContact(p, at, rng.Pick(ImportSources()), rng);
    }
  }
  AddOpportunity(a, "New Business", deal_created, since, Amount(acc.tier, rng),
                 1.0, w_.persons[persons[0]].contact, rng);
  acc.customer_since = since;
}

void Simulator::RunCustomer(int a, Rng& rng) {
  Account& acc = w_.accounts[a];
  const int64_t since = acc.customer_since;
  int64_t arr = 0;
  for (auto o = w_.opportunities.rbegin();
       o != w_.opportunities.rend() && o->account == a; ++o) {
    if (o->won)
      arr = o->amount;  // this account's opportunities are the latest ones
  }
  for (int p : acc.persons) {
    if (rng.Chance(0.8))
      GrantProductUser(p, since + rng.Between(0, 60 * kDay), rng);
  }
  const int champion = w_.persons[acc.persons[0]].contact;
  for (int k = 1;; ++k) {
    const int64_t anniversary = since + 365 * kDay * k;
    if (rng.Chance(0.3)) {
      const int64_t created =
          anniversary - 365 * kDay + rng.Between(30, 240) * kDay;
      if (created <= w_.end) {
        const int64_t close = created + rng.Between(20, 90) * kDay;
        const int64_t amount = arr * rng.Between(10, 50) / 100 / 100 * 100;
        const int contact = rng.Chance(0.6) ? champion : -1;
        const int o = AddOpportunity(a, "Upsell", created, close, amount, 0.6,
                                     contact, rng);
        if (w_.opportunities[o].won) arr += w_.opportunities[o].amount;
      }
    }
    const int64_t created = anniversary - 90 * kDay;
    if (created > w_.end) break;
    const int64_t amount = arr * rng.Between(95, 115) / 100 / 100 * 100;
    const int contact = rng.Chance(0.6) ? champion : -1;
    const int o = AddOpportunity(a, "Renewal", created, anniversary, amount,
                                 acc.at_risk ? 0.55 : 0.92, contact, rng);
    const Opportunity& renewal = w_.opportunities[o];
    if (!renewal.closed) break;
    if (!renewal.won) {
      acc.churned_at = anniversary;
      break;
    }
  }
  for (int p : acc.persons) {
    Person& person = w_.persons[p];
    if (person.user_id.empty()) continue;
    person.user_until = acc.churned_at;
    for (int64_t t =
             std::max(person.user_since, w_.start) + rng.Between(20, 90) * kDay;
         t <= std::min(w_.end, acc.churned_at);
         t += rng.Between(150, 210) * kDay) {
      if (!rng.Chance(0.45)) continue;
      Moment m{t, MomentKind::kNps, 0, 0};
      m.score = static_cast<int8_t>(
          acc.at_risk ? rng.Weighted({4, 4, 5, 6, 7, 8, 8, 6, 4, 3, 2})
                      : rng.Weighted({1, 1, 1, 1, 2, 3, 5, 8, 14, 14, 10}));
      m.comment = static_cast<int8_t>(rng.Below(vocab_.nps_comments.size()));
      moments_[p].push_back(m);
    }
  }
}

void Simulator::FinishAccount(int a, Rng& rng) {
  Account& acc = w_.accounts[a];
  acc.sf_modified = acc.sf_created;
  if (acc.customer_since <= w_.end) {
    acc.type = "Customer";
    acc.sf_modified = std::max(acc.sf_modified, acc.customer_since);
  }
  if (acc.churned_at <= w_.end) {
    acc.type = "Former Customer";
    acc.sf_modified = std::max(acc.sf_modified, acc.churned_at);
  }
  if (rng.Chance(0.5)) {
    acc.sf_modified =
        std::max(acc.sf_modified, rng.Between(acc.sf_created, w_.end));
  }
}

int Simulator::Capture(int p, int64_t at, Rng& rng) {
  if (at > w_.end) return -1;
  Person& person = w_.persons[p];
  const int channel =
      person.web ? rng.Weighted({64, 18, 18}) : 2;  // form, sign-up, import
  std::string source = channel == 0   ? "Web"
                       : channel == 1 ? "Product Signup"
                                      : "";
  if (source.empty()) source = rng.Pick(ImportSources());
  if (channel == 0) AddMoment(p, at, MomentKind::kForm);
  if (channel == 1) {
    GrantProductUser(p, at, rng);
    person.user_until = at + 45 * kDay;  // a trial
  }
  const int lead = AddLead(p, at, source, rng);
  if (rng.Chance(
          0.04)) {  // a duplicate lead: another form or list, typed differently
    const int64_t created = at + rng.Between(10, 200) * kDay;
    const int dup = AddLead(p, created, rng.Pick(ImportSources()), rng);
    if (dup >= 0) {
      Lead& l = w_.leads[dup];
      l.last_name = Typo(person.last_name, rng);
      if (l.broken != Broken::kEmail) l.email = NoisyEmail(person.email, 1);
      static constexpr int kTargets[] = {0, 1, kNotConverted};
      ProgressLead(dup, kTargets[rng.Below(3)], rng);
      l.deleted = rng.Chance(0.3);
    }
  }
  return lead;
}

int Simulator::AddLead(int p, int64_t at, const std::string& source, Rng& rng) {
  if (at > w_.end) return -1;
  Person& person = w_.persons[p];
  const Account& acc = w_.accounts[person.account];
  Lead l;
  l.person = p;
  l.id = NextSalesforceId("00Q");
  l.first_name = WithNickname(person.first_name, rng);
  l.last_name =
      rng.Chance(0.05) ? Typo(person.last_name, rng) : person.last_name;
  l.email = rng.Chance(0.06) ? NoisyEmail(person.email, 1) : person.email;
  if (!person.phone.empty() && rng.Chance(0.6)) {
    l.phone = FormatPhone(person.phone, static_cast<int>(rng.Below(5)));
  }
  l.company = acc.name;
  if (rng.Chance(0.3)) l.company = acc.short_name;  // typed without suffix
  if (rng.Chance(0.8)) l.title = person.title;
  l.status = kLeadStatus[0];
  l.source = source;
  l.created = l.modified = at;
  l.broken = MaybeBroken(rng, true, true, true);
  if (l.broken == Broken::kEmail) l.email = BreakEmail(person.email);
  person.known_at = std::min(person.known_at, at);
  w_.leads.push_back(std::move(l));
  return static_cast<int>(w_.leads.size()) - 1;
}

void Simulator::ProgressLead(int lead, int target, Rng& rng) {
  Lead& l = w_.leads[lead];
  std::vector<int> path;
  if (target == kNotConverted) {
    path = {1};
    if (rng.Chance(0.5)) path.push_back(2);
    path.push_back(kNotConverted);
  } else {
    for (int s = 1; s <= target; ++s) path.push_back(s);
  }
  int64_t t = l.modified;
  for (int s : path) {
    t += rng.Between(2 * kDay, 20 * kDay);
    if (t > w_.end) return;
    l.status = kLeadStatus[s];
    l.modified = t;
  }
}

void Simulator::ConvertLead(int lead, int64_t at, Rng& rng) {
  if (lead < 0) return;
  Lead& l = w_.leads[lead];
  at = std::max(at, l.modified + kHour);
  if (at > w_.end) return;
  const int c = EnsureContact(l.person, at, l.source, rng);
  Lead& converted = w_.leads[lead];
  converted.status = kLeadStatus[5];
  converted.converted = true;
  converted.contact = c;
  converted.modified = at;
}

int Simulator::EnsureContact(int p, int64_t at, const std::string& source,
                             Rng& rng) {
  Person& person = w_.persons[p];
  if (person.contact >= 0 || at > w_.end) return person.contact;
  Contact c;
  c.person = p;
  c.account = person.account;
  c.id = NextSalesforceId("003");
  c.first_name = WithNickname(person.first_name, rng);
  c.last_name = person.last_name;
  if (!rng.Chance(0.02)) c.email = person.email;
  if (!person.phone.empty() && rng.Chance(0.85)) {
    c.phone = FormatPhone(person.phone, static_cast<int>(rng.Below(5)));
  }
  if (rng.Chance(0.9)) c.title = person.title;
  c.source = source;
  c.created = at;
  c.modified = std::min(w_.end, at + rng.Between(0, 200 * kDay));
  c.broken = MaybeBroken(rng, !c.email.empty(), true, true);
  if (c.broken == Broken::kEmail) c.email = BreakEmail(c.email);
  person.contact = static_cast<int>(w_.contacts.size());
  person.known_at = std::min(person.known_at, at);
  person.ga4_crm = rng.Chance(0.9);
  w_.contacts.push_back(std::move(c));
  if (person.web &&
      rng.Chance(
          0.85)) {  // follows a link in a sales email: identified by email
    const int64_t after_contact = at + rng.Between(kDay, 45 * kDay);
    const int64_t in_window = w_.start + rng.Between(0, 90 * kDay);
    const int64_t click = std::max(after_contact, in_window);
    AddMoment(p, click, MomentKind::kEmailClick);
  }
  return person.contact;
}

int Simulator::AddOpportunity(int a, const std::string& type, int64_t created,
                              int64_t close, int64_t amount, double win,
                              int contact, Rng& rng) {
  const Account& acc = w_.accounts[a];
  Opportunity o;
  o.account = a;
  o.contact = rng.Chance(0.85) ? contact : -1;
  o.id = NextSalesforceId("006");
  o.type = type;
  o.name = absl::StrCat(acc.name, " - ", type);
  if (type == "Renewal")
    absl::StrAppend(&o.name, " ",
                    FormatTime(close, TimeStyle::kDate).substr(0, 4));
  o.amount = std::max<int64_t>(amount, 1000);
  o.created = created;
  o.close = close;
  if (close <= w_.end) {
    o.closed = true;
    o.won = rng.Chance(win);
    o.stage = o.won ? "Closed Won" : "Closed Lost";
    o.modified = close;
  } else {
    const int64_t stage = (w_.end - created) * 8 / (close - created);
    o.stage = kOpenStages[std::min<int64_t>(7, std::max<int64_t>(0, stage))];
    o.modified =
        created + rng.Between(0, std::max<int64_t>(0, w_.end - created));
  }
  w_.opportunities.push_back(std::move(o));
  return static_cast<int>(w_.opportunities.size()) - 1;
}

void Simulator::GrantProductUser(int p, int64_t at, Rng& rng) {
  Person& person = w_.persons[p];
  if (!person.user_id.empty() || at > w_.end) return;
  person.user_id = absl::StrCat("u_", 1000 + user_counter_++);
  person.user_since = at;
  person.user_until = kNever;
  person.web = true;
  person.known_at = std::min(person.known_at, at);
  const int64_t visit =
      at >= w_.start ? at : w_.start + rng.Between(0, 30 * kDay);
  person.first_visit = std::min(person.first_visit, visit);
  AddMoment(p, at, MomentKind::kSignup);
}

void Simulator::AddMoment(int p, int64_t at, MomentKind kind) {
  if (at < w_.start || at > w_.end || !w_.persons[p].web) return;
  moments_[p].push_back(Moment{at, kind, -1, 0});
}

}  // namespace hub::sample
