// Email campaigns (Mailchimp), support (Zendesk) and Segment group calls.
#include <algorithm>
#include <numeric>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tools/hub_sample/civil_time.h"
#include "tools/hub_sample/md5.h"
#include "tools/hub_sample/simulator_internal.h"

namespace hub::sample {
namespace {

constexpr const char* kMonths[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

// Numbers positions 0..n-1 in the order `less` gives, spacing ids by `step`
// with a pseudo-random offset below it (unique and increasing).
template <typename Less, typename Assign>
void NumberInOrder(size_t n, int64_t base, int64_t step, uint64_t salt,
                   Less less, Assign assign) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), less);
  for (size_t k = 0; k < n; ++k) {
    assign(order[k], base + static_cast<int64_t>(k) * step +
                         static_cast<int64_t>(Mix64(k ^ salt) %
                                              static_cast<uint64_t>(step)));
  }
}

}  // namespace

void Simulator::MakeCampaigns() {
  const int count = std::max(1, options_.months * 20 / 12);
  for (int i = 0; i < count; ++i) {
    Rng rng(StreamSeed(options_.seed, 3, static_cast<uint64_t>(i)));
    Campaign c;
    c.id = NextHex(10, 2);
    const int64_t day =
        (w_.start + span_ * (2 * i + 1) / (2 * count)) / kDay * kDay;
    c.send_time = day + 14 * kHour + rng.Between(0, kHour - 1);
    const std::string topic = rng.Pick(vocab_.campaign_topics);
    const std::string date = FormatTime(day, TimeStyle::kDate);
    c.title =
        absl::StrCat(topic, " - ", kMonths[std::stoi(date.substr(5, 2)) - 1],
                     " ", date.substr(0, 4));
    c.subject = rng.Chance(0.3)
                    ? absl::StrCat("\"", topic, "\": what's new, in 5 minutes")
                    : absl::StrCat(topic, " from the Hub team");
    w_.campaigns.push_back(std::move(c));
  }
}

void Simulator::SimulateEmail(int p, Rng& rng) {
  const Person& person = w_.persons[p];
  if (person.email.empty() || person.known_at > w_.end || !rng.Chance(0.62)) {
    return;
  }
  const int64_t opt_in = person.known_at + rng.Between(0, 14 * kDay);
  if (opt_in > w_.end) return;
  Member m;
  m.person = p;
  const int noise = EmailNoise(0.12, 0.04, rng);
  m.email_text = NoisyEmail(person.email, noise);
  m.id = Md5Hex(person.email);
  m.unique_email_id = NextHex(10, 3);
  m.contact_id = NextHex(16, 4) + NextHex(16, 5);
  m.status = "subscribed";
  if (!person.phone.empty() && rng.Chance(0.3)) {
    m.phone_text = FormatPhone(person.phone, static_cast<int>(rng.Below(5)));
  }
  m.opt_in = m.last_changed = opt_in;
  const int64_t archive_at = rng.Chance(0.02) ? std::max(opt_in, w_.start) +
                                                    rng.Between(30, 400) * kDay
                                              : kNever;
  bool ended = false;
  for (Campaign& c : w_.campaigns) {
    if (c.send_time < opt_in) continue;
    if (c.send_time >= archive_at || c.send_time > w_.end) break;
    if (!rng.Chance(0.35)) continue;  // not in this campaign's segment
    if (SendCampaign(c, &m, rng)) {
      ended = true;
      break;
    }
  }
  if (!ended && archive_at <= w_.end) {
    m.status = "archived";
    m.last_changed = archive_at;
  }
  w_.members.push_back(std::move(m));
}

bool Simulator::SendCampaign(Campaign& c, Member* m, Rng& rng) {
  const int member = static_cast<int>(w_.members.size());  // m is pushed last
  Send s{member, 's', static_cast<uint32_t>(c.events.size()), 0};
  const double r = rng.Unit();
  if (r < 0.004) {  // hard bounce: Mailchimp cleans the address
    s.status = 'h';
    c.sends.push_back(s);
    m->status = "cleaned";
    m->last_changed = c.send_time + rng.Between(60, kHour);
    return true;
  }
  if (r < 0.016) s.status = 'o';  // soft bounce
  int64_t last = c.send_time;
  if (s.status == 's' && rng.Chance(w_.persons[m->person].engagement)) {
    AddOpensAndClicks(c, &s, m->person, rng);
    if (s.event_count > 0) last = c.events.back().at;
  }
  c.sends.push_back(s);
  if (s.status != 's' || !rng.Chance(0.004)) return false;
  const int64_t at = last + rng.Between(60, 2 * kDay);
  if (at > w_.end) return false;
  c.unsubscribes.push_back({member, at, static_cast<uint8_t>(rng.Below(4))});
  m->status = "unsubscribed";
  m->last_changed = at;
  return true;
}

void Simulator::AddOpensAndClicks(Campaign& c, Send* s, int p, Rng& rng) {
  int64_t t = c.send_time;
  for (int k = rng.Weighted({60, 30, 10}); k >= 0; --k) {
    t += rng.Between(300, k == 0 ? 2 * kDay : kDay);
    if (t > w_.end) break;
    c.events.push_back({t, EmailAction::kOpen, 0});
    if (s->event_count++ > 0 || !rng.Chance(0.3)) continue;
    int64_t click = t;  // clicks follow the first open
    for (int j = rng.Weighted({80, 20}); j >= 0; --j) {
      click += rng.Between(5, 600);
      if (click > w_.end) break;
      const auto url =
          static_cast<uint8_t>(rng.Below(vocab_.site_paths.size()));
      c.events.push_back({click, EmailAction::kClick, url});
      s->event_count++;
      AddMoment(p, click, MomentKind::kEmailClick);  // lands, identified
    }
  }
  std::sort(
      c.events.begin() + s->first_event, c.events.end(),
      [](const EmailEvent& x, const EmailEvent& y) { return x.at < y.at; });
}

void Simulator::SimulateSupport(int a, Rng& rng) {
  Account& acc = w_.accounts[a];
  const bool customer = acc.customer_since <= w_.end;
  if (rng.Chance(customer ? 0.95 : 0.45)) MakeOrganization(a, rng);
  for (int p : acc.persons) {
    const Person& person = w_.persons[p];
    int64_t from, to;
    double chance;
    if (customer) {
      from = std::max(acc.customer_since, w_.start);
      to = std::min(acc.churned_at, w_.end);
      chance = person.contact >= 0 || !person.user_id.empty() ? 0.45 : 0.12;
    } else if (person.known_at <= w_.end) {  // pre-sales questions
      from = std::max(person.known_at, w_.start);
      to = w_.end;
      chance = 0.08;
    } else {
      continue;
    }
    if (from >= to || !rng.Chance(chance)) continue;
    MakeUserTickets(MakeZendeskUser(p, rng), from, to, rng);
  }
}

void Simulator::MakeOrganization(int a, Rng& rng) {
  Account& acc = w_.accounts[a];
  const int64_t created =
      acc.customer_since <= w_.end
          ? acc.customer_since + rng.Between(0, 30 * kDay)
          : std::max(acc.engaged_at, w_.start) + rng.Between(0, 120 * kDay);
  if (created > w_.end) return;
  acc.org_index = static_cast<int>(w_.organizations.size());
  w_.organizations.push_back(a);
  acc.org_created = created;
  acc.org_updated = std::min(w_.end, created + rng.Between(0, 400 * kDay));
  if (rng.Chance(0.9)) {
    acc.org_domain = acc.domain;
    if (rng.Chance(0.1)) {
      acc.org_domain[0] = absl::ascii_toupper(acc.org_domain[0]);
    }
  }
}

int Simulator::MakeZendeskUser(int p, Rng& rng) {
  const Person& person = w_.persons[p];
  const int a = person.account;
  const bool has_org = w_.accounts[a].org_index >= 0;
  ZendeskUser u;
  u.person = p;
  u.name = absl::StrCat(person.first_name, " ", person.last_name);
  if (rng.Chance(0.06)) u.name = Typo(u.name, rng);
  if (rng.Chance(0.1)) {  // writes from a personal address
    static constexpr const char* kSeparators[] = {".", "", "_"};
    std::string local = absl::StrCat(
        person.first_ascii, kSeparators[rng.Below(3)], person.last_ascii);
    if (rng.Chance(0.5)) absl::StrAppend(&local, rng.Between(70, 99));
    u.email = UniqueEmail(local, rng.Pick(vocab_.free_mail_domains));
    if (!person.phone.empty() && rng.Chance(0.5)) {  // then linked by phone
      u.phone = FormatPhone(person.phone, static_cast<int>(rng.Below(5)));
    }
    if (has_org && rng.Chance(0.2)) u.org_account = a;
  } else {
    u.email = NoisyEmail(person.email, EmailNoise(0.1, 0.05, rng));
    if (!person.phone.empty() && rng.Chance(0.35)) {
      u.phone = FormatPhone(person.phone, static_cast<int>(rng.Below(5)));
    }
    if (has_org) u.org_account = a;
    u.broken = MaybeBroken(rng, true, false, false);
    if (u.broken == Broken::kEmail) u.email = BreakEmail(person.email);
  }
  u.active = rng.Chance(0.99);
  w_.zendesk_users.push_back(std::move(u));
  return static_cast<int>(w_.zendesk_users.size()) - 1;
}

void Simulator::MakeUserTickets(int zendesk_user, int64_t from, int64_t to,
                                Rng& rng) {
  ZendeskUser& u = w_.zendesk_users[zendesk_user];
  const Account& acc = w_.accounts[w_.persons[u.person].account];
  std::vector<int64_t> times(
      static_cast<size_t>(1 + rng.Weighted({50, 30, 15, 5})));
  for (int64_t& t : times) t = rng.Between(from, to);
  std::sort(times.begin(), times.end());
  u.created = times.front() - rng.Between(60, 3 * kDay);
  u.updated = u.created;
  for (int64_t t : times) {
    Ticket k;
    k.user = zendesk_user;
    k.org_account = u.org_account;
    k.subject = static_cast<int>(rng.Below(vocab_.ticket_subjects.size()));
    static constexpr const char* kPriority[] = {"low", "normal", "high",
                                                "urgent"};
    k.priority = kPriority[rng.Weighted({30, 50, 15, 5})];
    k.created = t;
    const int64_t resolve = rng.Between(kHour, 10 * kDay);
    if (t + resolve <= w_.end) {
      k.updated = t + resolve;
      k.status = w_.end - k.updated > 30 * kDay ? "closed" : "solved";
    } else {
      k.updated = t + rng.Between(0, w_.end - t);
      static constexpr const char* kOpen[] = {"new", "open", "pending"};
      k.status = kOpen[rng.Weighted({20, 50, 30})];
    }
    if ((k.status == "solved" || k.status == "closed") && rng.Chance(0.35)) {
      const int64_t rated = k.updated + rng.Between(kHour, 3 * kDay);
      if (rated <= w_.end) {
        Rating r;
        r.ticket = static_cast<int>(w_.tickets.size());
        r.good = rng.Chance(acc.at_risk ? 0.55 : 0.85);
        r.comment = static_cast<int>(rng.Below(vocab_.csat_comments.size()));
        r.created = rated;
        k.rating = static_cast<int>(w_.ratings.size());
        k.updated = rated;
        w_.ratings.push_back(r);
      }
    }
    if (rng.Chance(0.01)) k.status = "deleted";
    k.broken = MaybeBroken(rng, false, true, false);
    u.updated = std::max(u.updated, k.updated);
    w_.tickets.push_back(std::move(k));
  }
}

void Simulator::MakeGroup(int a, Rng& rng) {
  if (!rng.Chance(0.5)) return;
  Account& acc = w_.accounts[a];
  int chosen = -1;
  for (int p : acc.persons) {
    const Person& person = w_.persons[p];
    if (person.devices.empty()) continue;
    if (chosen < 0) chosen = p;
    if (!person.user_id.empty() && person.identified_user) {
      chosen = p;
      break;
    }
  }
  if (chosen < 0) return;
  const Person& person = w_.persons[chosen];
  int64_t at = person.devices[0].first_seen;
  if (person.identified_user)
    at = std::max(at, std::max(person.user_since, w_.start));
  at = std::min(w_.end, at + rng.Between(60, 2 * kDay));
  acc.group_id = absl::StrCat("grp_", 1000 + group_counter_++);
  if (rng.Chance(0.95)) acc.group_website = WebsiteFor(acc.domain, rng);
  SegmentMessage& m = PushSegment(chosen, 0, SegmentType::kGroup,
                                  at * 1000 + rng.Between(0, 999), rng);
  m.account = a;
  acc.group_message = static_cast<int>(m.seq);
}

void Simulator::NumberZendeskObjects() {
  const uint64_t salt = Mix64(options_.seed ^ 0x7a656e);
  auto& users = w_.zendesk_users;
  NumberInOrder(
      users.size(), 361000000000 + static_cast<int64_t>(salt % 1000) * 1000, 7,
      salt,
      [&](size_t x, size_t y) { return users[x].created < users[y].created; },
      [&](size_t i, int64_t id) { users[i].id = id; });
  std::vector<int>& orgs = w_.organizations;
  std::stable_sort(orgs.begin(), orgs.end(), [&](int x, int y) {
    return w_.accounts[x].org_created < w_.accounts[y].org_created;
  });
  for (size_t k = 0; k < orgs.size(); ++k) {
    Account& acc = w_.accounts[orgs[k]];
    acc.org_index = static_cast<int>(k);
    acc.org_id = 9100000 + static_cast<int64_t>(k) * 3 +
                 static_cast<int64_t>(Mix64(k ^ salt) % 3);
  }
  auto& tickets = w_.tickets;
  NumberInOrder(
      tickets.size(), 1000, 1, salt,
      [&](size_t x, size_t y) {
        return tickets[x].created < tickets[y].created;
      },
      [&](size_t i, int64_t id) { tickets[i].id = id; });
  auto& ratings = w_.ratings;
  NumberInOrder(
      ratings.size(), 5500000, 5, salt,
      [&](size_t x, size_t y) {
        return ratings[x].created < ratings[y].created;
      },
      [&](size_t i, int64_t id) { ratings[i].id = id; });
}

}  // namespace hub::sample
