#include "profile/lifecycle/stage_rules.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/str_cat.h"
#include "profile/base/fixed64.h"
#include "profile/base/hash.h"
#include "profile/base/time_util.h"

namespace hub {
namespace {

int64_t Micros(const google::protobuf::Timestamp& ts) {
  return ts.seconds() * 1000000 + ts.nanos() / 1000;
}

bool IsEvent(hub::v1::EntityType e) {
  return e == hub::v1::EMAIL_ACTIVITY || e == hub::v1::WEB_EVENT ||
         e == hub::v1::TICKET || e == hub::v1::SURVEY_RESPONSE ||
         e == hub::v1::OPPORTUNITY;
}

int Rank(Stage s) { return static_cast<int>(s); }

const std::string* Find(const google::protobuf::Map<std::string, std::string>& m,
                        const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? nullptr : &it->second;
}

// Fixed-width little-endian encoding of the facts (version byte first).
constexpr char kFactsVersion = 2;


}  // namespace

const char* StageName(Stage stage) {
  switch (stage) {
    case Stage::kAttract: return "ATTRACT";
    case Stage::kCapture: return "CAPTURE";
    case Stage::kNurture: return "NURTURE";
    case Stage::kConvert: return "CONVERT";
    case Stage::kExpand: return "EXPAND";
    case Stage::kChurned: return "CHURNED";
    case Stage::kNone: break;
  }
  return "";
}

StageRules StageRules::Default() {
  StageRules r;
  r.engagement_points = {{"email_opened", 1},   {"email_clicked", 3},
                         {"page_view", 1},      {"form_submitted", 5},
                         {"form_submit", 5},    {"demo_requested", 5},
                         {"generate_lead", 5},  {"signed_up", 5}};
  r.lead_status = {{"Marketing Qualified", Stage::kNurture},
                   {"Sales Accepted", Stage::kNurture},
                   {"Sales Qualified", Stage::kNurture}};
  r.lifecycle_stage = {{"subscriber", Stage::kCapture},
                       {"lead", Stage::kCapture},
                       {"marketingqualifiedlead", Stage::kNurture},
                       {"salesqualifiedlead", Stage::kNurture},
                       {"opportunity", Stage::kConvert},
                       {"customer", Stage::kExpand},
                       {"evangelist", Stage::kExpand}};
  return r;
}

int64_t RecordTime(const hub::v1::SourceRecord& r) {
  if (IsEvent(r.entity())) return Micros(r.occurred_at());
  if (r.entity() == hub::v1::CONTACT || r.entity() == hub::v1::LEAD) {
    if (const std::string* created = Find(r.attributes(), "created_date")) {
      absl::StatusOr<absl::Time> t = ParseTimestamp(*created);
      if (t.ok()) return absl::ToUnixMicros(*t);
    }
  }
  return Micros(r.updated_at());
}

int64_t PersonFacts::Declared(Stage s) const {
  if (Rank(s) < Rank(Stage::kCapture) || Rank(s) > Rank(Stage::kExpand)) return kNever;
  return declared[Rank(s) - Rank(Stage::kCapture)];
}

void PersonFacts::Fold(const hub::v1::SourceRecord& r, const StageRules& rules) {
  const int64_t at = RecordTime(r);
  first_seen = std::min(first_seen, at);
  bool identifying = r.entity() == hub::v1::CONTACT || r.entity() == hub::v1::LEAD;
  for (const hub::v1::Identifier& id : r.identifiers()) {
    if (id.type() == "email") identifying = true;
  }
  if (identifying) identified = std::min(identified, at);
  const int64_t updated = Micros(r.updated_at());
  auto declare = [&](const absl::flat_hash_map<std::string, Stage>& map,
                     const std::string& attribute) {
    const std::string* value = Find(r.attributes(), attribute);
    if (value == nullptr) return;
    auto it = map.find(*value);
    if (it == map.end()) return;
    int64_t& d = declared[Rank(it->second) - Rank(Stage::kCapture)];
    d = std::min(d, updated);
  };
  declare(rules.lead_status, "lead_status");
  declare(rules.lifecycle_stage, "lifecyclestage");
  if (r.entity() == hub::v1::EMAIL_ACTIVITY) AddSend(r);
  AddDayCounts(r, at);
  if (IsEvent(r.entity()) && !r.event_type().empty()) {
    auto it = rules.engagement_points.find(r.event_type());
    if (it != rules.engagement_points.end() && it->second > 0) {
      AddEngagement(at, it->second, rules);
    }
  }
}

void PersonFacts::AddEngagement(int64_t at, int32_t points, const StageRules& rules) {
  if (at > engaged) return;  // the window reached the threshold before
  const bool in_order = engagement.empty() || at >= engagement.back().first;
  engagement.insert(std::upper_bound(engagement.begin(), engagement.end(),
                                     std::make_pair(at, points)),
                    {at, points});
  if (in_order) {
    // Only windows ending at `at` gained a point: check that one.
    int64_t sum = 0;
    for (auto it = engagement.rbegin(); it != engagement.rend(); ++it) {
      if (it->first <= at - rules.engagement_window_us) break;
      sum += it->second;
    }
    if (sum >= rules.engagement_threshold) engaged = at;
  } else {
    FindCrossing(rules);
  }
  DropAfterCrossing();
}

void PersonFacts::MergeSend(const Send& s) {
  auto it = std::lower_bound(sends.begin(), sends.end(), s.key,
                             [](const Send& a, uint64_t key) { return a.key < key; });
  if (it == sends.end() || it->key != s.key) it = sends.insert(it, Send{s.key});
  it->sent = std::min(it->sent, s.sent);
  it->flags |= s.flags;
}

void PersonFacts::MergeDay(int64_t day, const std::array<int64_t, kDayCounts>& counts) {
  auto [it, added] = days.try_emplace(day);
  if (added) {
    it->second.fill(0);
    it->second[kWebFirst] = kNever;
  }
  it->second[kWebFirst] = std::min(it->second[kWebFirst], counts[kWebFirst]);
  for (int i = kWebFirst + 1; i < kDayCounts; ++i) it->second[i] += counts[i];
}

void PersonFacts::AddDayCounts(const hub::v1::SourceRecord& r, int64_t at) {
  std::array<int64_t, kDayCounts> c;
  c.fill(0);
  c[kWebFirst] = kNever;
  int64_t when = at;
  if (r.entity() == hub::v1::WEB_EVENT) {
    c[kWebFirst] = at;
    if (r.event_type() == "page_view") c[kPageViews] = 1;
  } else if (r.entity() == hub::v1::LEAD) {
    const std::string* status = Find(r.attributes(), "lead_status");
    if (status == nullptr) return;
    if (*status == "Marketing Qualified") {
      c[kMql] = 1;
    } else if (*status == "Sales Accepted") {
      c[kSal] = 1;
    } else if (*status == "Sales Qualified") {
      c[kSql] = 1;
    } else {
      return;
    }
    when = Micros(r.updated_at());  // the status holds since the last change
  } else if (r.entity() == hub::v1::SURVEY_RESPONSE && r.event_type() == "nps_response") {
    c[kNps] = 1;
    const std::string* score = Find(r.properties(), "score");
    int value = -1;
    if (score != nullptr && absl::SimpleAtoi(*score, &value) && value >= 0 && value <= 10) {
      if (value >= 9) c[kPromoters] = 1;
      if (value <= 6) c[kDetractors] = 1;
    }
  } else if (r.entity() == hub::v1::SURVEY_RESPONSE && r.event_type() == "csat_response") {
    c[kCsat] = 1;
    const std::string* score = Find(r.properties(), "score");
    if (score != nullptr && *score == "good") c[kCsatGood] = 1;
  } else {
    return;
  }
  MergeDay(DayOf(when), c);
}

void PersonFacts::AddSend(const hub::v1::SourceRecord& r) {
  const std::string* campaign = Find(r.properties(), "campaign_id");
  const std::string* member = nullptr;
  for (const hub::v1::Identifier& id : r.identifiers()) {
    if (id.type() == "mailchimp.member_id") member = &id.value();
  }
  if (campaign == nullptr || member == nullptr || campaign->empty() || member->empty()) return;
  Send s;
  s.key = Fnv1a64(*member, Fnv1a64("\x1f", Fnv1a64(*campaign)));
  const std::string& type = r.event_type();
  if (type == "email_sent") {
    s.sent = Micros(r.occurred_at());
  } else if (type == "email_bounced") {
    s.flags = kBounced;
  } else if (type == "email_opened") {
    s.flags = kOpened;
  } else if (type == "email_clicked") {
    s.flags = kClicked;
  } else if (type == "email_unsubscribed") {
    s.flags = kUnsubscribed;
  } else {
    return;
  }
  MergeSend(s);
}

void PersonFacts::DropAfterCrossing() {
  if (engaged == kNever) return;
  engagement.erase(std::upper_bound(engagement.begin(), engagement.end(),
                                    std::make_pair(engaged, INT32_MAX)),
                   engagement.end());
}

void PersonFacts::FindCrossing(const StageRules& rules) {
  engaged = kNever;
  int64_t sum = 0;
  size_t lo = 0;
  for (size_t i = 0; i < engagement.size(); ++i) {
    sum += engagement[i].second;
    // Events at the same instant all belong to the window ending there.
    if (i + 1 < engagement.size() && engagement[i + 1].first == engagement[i].first) continue;
    const int64_t at = engagement[i].first;
    while (engagement[lo].first <= at - rules.engagement_window_us) sum -= engagement[lo++].second;
    if (sum >= rules.engagement_threshold) {
      engaged = at;
      return;
    }
  }
}

void PersonFacts::Absorb(const PersonFacts& other, const StageRules& rules) {
  first_seen = std::min(first_seen, other.first_seen);
  identified = std::min(identified, other.identified);
  for (size_t i = 0; i < declared.size(); ++i) {
    declared[i] = std::min(declared[i], other.declared[i]);
  }
  // Both lists hold every event up to their own crossing; the merged
  // crossing is no later than either, so together they hold every event it
  // can depend on.
  std::vector<std::pair<int64_t, int32_t>> all = engagement;
  all.insert(all.end(), other.engagement.begin(), other.engagement.end());
  std::sort(all.begin(), all.end());
  engagement = std::move(all);
  for (const Send& send : other.sends) MergeSend(send);
  for (const auto& [day, counts] : other.days) MergeDay(day, counts);
  FindCrossing(rules);
  DropAfterCrossing();
}

void PersonFacts::TakeEarliest(const PersonFacts& m) {
  first_seen = std::min(first_seen, m.first_seen);
  identified = std::min(identified, m.identified);
  engaged = std::min(engaged, m.engaged);
  for (size_t i = 0; i < declared.size(); ++i) declared[i] = std::min(declared[i], m.declared[i]);
}

bool PersonFacts::operator==(const PersonFacts& o) const {
  return first_seen == o.first_seen && identified == o.identified &&
         engaged == o.engaged && declared == o.declared && engagement == o.engagement &&
         sends == o.sends && days == o.days;
}

std::string PersonFacts::Serialize() const {
  std::string out(1, kFactsVersion);
  out.reserve(1 + 8 * (3 + declared.size() + 3 + 2 * engagement.size() + 3 * sends.size() +
                       days.size() * (2 + kDayCounts)));  // an upper bound: one allocation
  PutFixed64(&out, first_seen);
  PutFixed64(&out, identified);
  PutFixed64(&out, engaged);
  for (int64_t d : declared) PutFixed64(&out, d);
  PutFixed64(&out, static_cast<int64_t>(engagement.size()));
  for (const auto& [at, points] : engagement) {
    PutFixed64(&out, at);
    PutFixed64(&out, points);
  }
  PutFixed64(&out, static_cast<int64_t>(sends.size()));
  for (const Send& s : sends) {
    PutFixed64(&out, static_cast<int64_t>(s.key));
    PutFixed64(&out, s.sent);
    PutFixed64(&out, s.flags);
  }
  // Per day: the day, a mask of the counts that are set, then those counts.
  PutFixed64(&out, static_cast<int64_t>(days.size()));
  for (const auto& [day, counts] : days) {
    int64_t mask = 0;
    for (int i = 0; i < kDayCounts; ++i) {
      if (counts[i] != (i == kWebFirst ? kNever : 0)) mask |= int64_t{1} << i;
    }
    PutFixed64(&out, day);
    PutFixed64(&out, mask);
    for (int i = 0; i < kDayCounts; ++i) {
      if (mask & (int64_t{1} << i)) PutFixed64(&out, counts[i]);
    }
  }
  return out;
}

absl::StatusOr<PersonFacts> PersonFacts::Parse(absl::string_view in) {
  PersonFacts f;
  int64_t n = 0;
  bool ok = !in.empty() && in[0] == kFactsVersion;
  if (ok) in.remove_prefix(1);
  ok = ok && GetFixed64(&in, &f.first_seen) && GetFixed64(&in, &f.identified) &&
       GetFixed64(&in, &f.engaged);
  for (int64_t& d : f.declared) ok = ok && GetFixed64(&in, &d);
  ok = ok && GetFixed64(&in, &n) && n >= 0 && static_cast<size_t>(n) * 16 <= in.size();
  if (!ok) return absl::DataLossError("stage facts: malformed");
  f.engagement.resize(n);
  for (auto& [at, points] : f.engagement) {
    int64_t p = 0;
    GetFixed64(&in, &at);
    GetFixed64(&in, &p);
    points = static_cast<int32_t>(p);
  }
  int64_t sends = 0;
  if (!GetFixed64(&in, &sends) || sends < 0 || static_cast<size_t>(sends) * 24 > in.size()) {
    return absl::DataLossError("stage facts: malformed sends");
  }
  f.sends.resize(sends);
  for (Send& s : f.sends) {
    int64_t key = 0, flags = 0;
    GetFixed64(&in, &key);
    GetFixed64(&in, &s.sent);
    GetFixed64(&in, &flags);
    s.key = static_cast<uint64_t>(key);
    s.flags = static_cast<uint32_t>(flags);
  }
  int64_t day_count = 0;
  if (!GetFixed64(&in, &day_count) || day_count < 0) {
    return absl::DataLossError("stage facts: malformed days");
  }
  for (int64_t d = 0; d < day_count; ++d) {
    int64_t day = 0, mask = 0;
    if (!GetFixed64(&in, &day) || !GetFixed64(&in, &mask)) {
      return absl::DataLossError("stage facts: malformed days");
    }
    std::array<int64_t, kDayCounts>& counts = f.days[day];
    counts.fill(0);
    counts[kWebFirst] = kNever;
    for (int i = 0; i < kDayCounts; ++i) {
      if ((mask & (int64_t{1} << i)) && !GetFixed64(&in, &counts[i])) {
        return absl::DataLossError("stage facts: malformed days");
      }
    }
  }
  if (!in.empty()) return absl::DataLossError("stage facts: trailing bytes");
  return f;
}

const std::vector<std::string>& StageRuleProperties() {
  static const auto* kProperties = new std::vector<std::string>{
      "score", "campaign_id", "is_closed", "is_won", "close_date", "type", "amount"};
  return *kProperties;
}

absl::StatusOr<Opportunity> OpportunityOf(const hub::v1::SourceRecord& r) {
  Opportunity o;
  if (!r.has_occurred_at()) {
    return absl::InvalidArgumentError("opportunity: occurred_at missing");
  }
  o.created = Micros(r.occurred_at());
  auto flag = [&](const char* name) {
    const std::string* v = Find(r.properties(), name);
    return v != nullptr && absl::AsciiStrToLower(*v) == "true";
  };
  if (flag("is_closed")) {
    const std::string* close = Find(r.properties(), "close_date");
    if (close == nullptr) {
      return absl::InvalidArgumentError("opportunity: properties.close_date missing");
    }
    absl::StatusOr<absl::Time> t = ParseTimestamp(*close);
    if (!t.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("opportunity: properties.close_date: ", t.status().message()));
    }
    o.closed = absl::ToUnixMicros(*t);
    o.won = flag("is_won");
  }
  const std::string* type = Find(r.properties(), "type");
  o.renewal = type != nullptr && *type == "renewal";
  o.upsell = type != nullptr && *type == "upsell";
  if (const std::string* amount = Find(r.properties(), "amount")) {
    // A decimal with at most two fraction digits ("26800.00"), in cents.
    absl::string_view text = absl::StripAsciiWhitespace(*amount);
    std::pair<absl::string_view, absl::string_view> parts =
        absl::StrSplit(text, absl::MaxSplits('.', 1));
    int64_t units = 0, cents = 0;
    std::string fraction(parts.second.substr(0, 2));
    while (fraction.size() < 2) fraction.push_back('0');
    if (absl::SimpleAtoi(parts.first, &units) && absl::SimpleAtoi(fraction, &cents) &&
        !parts.first.empty() && parts.first[0] != '-') {
      o.amount_cents = units * 100 + cents;
    }
  }
  return o;
}

namespace {

// Customer status at each closing, in time order (lost before won at one
// instant): +1 customer, -1 former customer, 0 never a customer.
struct StatusStep {
  int64_t at;
  int status;
};

std::vector<StatusStep> CustomerSteps(const std::vector<Opportunity>& opps) {
  std::vector<const Opportunity*> closings;
  for (const Opportunity& o : opps) {
    if (o.closed != kNever) closings.push_back(&o);
  }
  std::sort(closings.begin(), closings.end(), [](const Opportunity* a, const Opportunity* b) {
    if (a->closed != b->closed) return a->closed < b->closed;
    return a->won < b->won;
  });
  std::vector<StatusStep> steps;
  int status = 0;
  for (const Opportunity* o : closings) {
    if (o->won) {
      status = 1;
    } else if (o->renewal && status == 1) {
      status = -1;
    } else {
      continue;
    }
    steps.push_back({o->closed, status});
  }
  return steps;
}

Stage StageAtInstant(const PersonFacts& f, const std::vector<Opportunity>& opps,
                     const std::vector<StatusStep>& steps, int64_t t) {
  int status = 0;
  for (const StatusStep& s : steps) {
    if (s.at > t) break;
    status = s.status;
  }
  if (status == 1 || f.Declared(Stage::kExpand) <= t) return Stage::kExpand;
  if (status == -1) return Stage::kChurned;
  bool open = f.Declared(Stage::kConvert) <= t;
  for (const Opportunity& o : opps) {
    if (o.created <= t && t < o.closed) open = true;
  }
  if (open) return Stage::kConvert;
  if (f.engaged <= t || f.Declared(Stage::kNurture) <= t) return Stage::kNurture;
  if (f.identified <= t || f.Declared(Stage::kCapture) <= t) return Stage::kCapture;
  return Stage::kAttract;
}

}  // namespace

std::vector<Transition> History(const PersonFacts& facts,
                                const std::vector<Opportunity>& opportunities,
                                bool opportunities_seen) {
  int64_t first = facts.first_seen;
  if (opportunities_seen) {
    for (const Opportunity& o : opportunities) first = std::min(first, o.created);
  }
  std::vector<Transition> out;
  if (first == kNever) return out;
  std::vector<int64_t> instants = {first, facts.identified, facts.engaged};
  instants.insert(instants.end(), facts.declared.begin(), facts.declared.end());
  for (const Opportunity& o : opportunities) {
    instants.push_back(o.created);
    instants.push_back(o.closed);
  }
  std::sort(instants.begin(), instants.end());
  instants.erase(std::unique(instants.begin(), instants.end()), instants.end());
  const std::vector<StatusStep> steps = CustomerSteps(opportunities);
  Stage current = Stage::kNone;
  for (int64_t t : instants) {
    if (t < first || t == kNever) continue;
    const Stage next = StageAtInstant(facts, opportunities, steps, t);
    if (next == current) continue;
    const int top = next == Stage::kChurned ? Rank(Stage::kConvert) : Rank(next) - 1;
    if (current != Stage::kChurned) {
      for (int r = Rank(current) + 1; r <= top; ++r) out.push_back({t, static_cast<Stage>(r)});
    }
    out.push_back({t, next});
    current = next;
  }
  return out;
}

Stage StageAt(const std::vector<Transition>& history, int64_t t) {
  Stage s = Stage::kNone;
  for (const Transition& tr : history) {
    if (tr.at > t) break;
    s = tr.stage;
  }
  return s;
}

std::vector<TransitionOutcome> Outcomes(const std::vector<Transition>& history) {
  std::vector<TransitionOutcome> out(history.size());
  for (size_t i = 0; i < history.size(); ++i) {
    if (i + 1 < history.size()) out[i].left = history[i + 1].at;
    for (size_t j = i + 1; j < history.size(); ++j) {
      if (Rank(history[j].stage) > Rank(history[i].stage)) {
        out[i].reached_next = history[j].at;
        break;
      }
    }
  }
  return out;
}

}  // namespace hub
