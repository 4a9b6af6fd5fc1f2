#include "tools/hub_sample/lifecycle_truth.h"

#include <algorithm>
#include <array>
#include <numeric>

#include "tools/hub_sample/civil_time.h"
#include "tools/hub_sample/funnel.h"
#include "tools/hub_sample/output.h"

namespace hub::sample {
namespace {

constexpr const char* kTraitNames[] = {"industry", "tier", "region", "source"};
constexpr int kTraits = 4;
using Traits = std::array<int16_t, kTraits>;
constexpr Traits kNoTraits = {-1, -1, -1, -1};

void AppendDate(std::string* out, int64_t micros) {
  AppendTime(out, micros / 1000000, TimeStyle::kDate);
}

// The segments of a profile whose account has `traits`: 0 (all), then the
// position of each trait value it has.
void SegmentsOf(const Traits& traits, const std::vector<int> segment_of[],
                std::vector<int>* out) {
  out->assign(1, 0);
  for (int k = 0; k < kTraits; ++k) {
    if (traits[k] >= 0) out->push_back(segment_of[k][traits[k]]);
  }
}

// An NPS score: an integer 0-10, else -1.
int NpsScore(std::string_view text) {
  if (text.empty() || text.size() > 2) return -1;
  int score = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    score = score * 10 + (c - '0');
  }
  return score <= 10 ? score : -1;
}

// "12" or "12.5" for a doubled non-negative value.
void AppendHalves(std::string* out, int64_t doubled) {
  AppendInt(out, doubled / 2);
  if (doubled % 2 != 0) out->append(".5");
}

void AppendPeriod(std::string* out, const FunnelPeriod& period) {
  AppendDate(out, period.start);
  out->push_back(',');
  AppendDate(out, period.end);
  out->push_back(',');
}

// metrics.csv: side,start,end,segment,metric,numerator,denominator,value.
// Rows by period, segment, then metric in the page's order.
absl::Status WriteMetrics(const std::string& dir, const StageMetrics& metrics,
                          const std::vector<std::string>& labels) {
  OutputFile file(dir + "/metrics.csv");
  std::string* out = file.buffer();
  out->append("side,start,end,segment,metric,numerator,denominator,value\n");
  for (size_t p = 0; p < metrics.periods().size(); ++p) {
    for (size_t segment = 0; segment < labels.size(); ++segment) {
      for (int m = 0; m < kMetricCount; ++m) {
        const Metric metric = static_cast<Metric>(m);
        const MetricInfo& info = GetMetricInfo(metric);
        const MetricFigures f =
            metrics.Get(p, static_cast<int>(segment), metric);
        out->append(info.account ? "account," : "person,");
        AppendPeriod(out, metrics.periods()[p]);
        AppendCsvField(out, labels[segment]);
        out->push_back(',');
        out->append(info.name);
        out->push_back(',');
        if (info.kind != MetricKind::kMedian) AppendInt(out, f.numerator);
        out->push_back(',');
        if (info.kind == MetricKind::kRate) AppendInt(out, f.denominator);
        out->push_back(',');
        if (f.has_value) AppendDecimal(out, f.value_num, f.value_den);
        out->push_back('\n');
      }
      file.MaybeFlush();
    }
  }
  return file.Close();
}

// customer_value.csv: start,end,dimension,segment,accounts_at_start,revenue,
// churned,revenue_per_account,clv,rank. Rows by period, then the overall
// row (dimension and segment empty), then each trait's values (sorted),
// ranked within their dimension.
absl::Status WriteCustomerValue(const std::string& dir,
                                const StageMetrics& metrics,
                                const std::vector<std::string>& labels,
                                const std::vector<int>& trait_of) {
  OutputFile file(dir + "/customer_value.csv");
  std::string* out = file.buffer();
  out->append(
      "start,end,dimension,segment,accounts_at_start,revenue,churned,"
      "revenue_per_account,clv,rank\n");
  for (size_t p = 0; p < metrics.periods().size(); ++p) {
    for (size_t begin = 0, end; begin < labels.size(); begin = end) {
      const int trait = trait_of[begin];
      std::vector<CustomerValue> values;
      std::vector<std::string> names;
      for (end = begin; end < labels.size() && trait_of[end] == trait; ++end) {
        const int segment = static_cast<int>(end);
        const MetricFigures churn = metrics.Get(p, segment, Metric::kChurnRate);
        values.push_back(ComputeCustomerValue(
            churn.denominator,
            metrics.Get(p, segment, Metric::kClosedWonRevenue).numerator,
            churn.numerator));
        names.push_back(
            trait < 0 ? std::string()
                      : labels[end].substr(
                            std::string_view(kTraitNames[trait]).size() + 1));
      }
      const std::vector<int> ranks = RankByClv(values, names);
      for (size_t i = 0; i < values.size(); ++i) {
        const CustomerValue& v = values[i];
        AppendPeriod(out, metrics.periods()[p]);
        if (trait >= 0) out->append(kTraitNames[trait]);
        out->push_back(',');
        AppendCsvField(out, names[i]);
        out->push_back(',');
        AppendInt(out, v.accounts_at_start);
        out->push_back(',');
        AppendInt(out, v.revenue);
        out->push_back(',');
        AppendInt(out, v.churned);
        out->push_back(',');
        if (v.has_revenue_per_account) AppendDecimal(out, v.rpa_num, v.rpa_den);
        out->push_back(',');
        if (v.has_clv) AppendDecimal(out, v.clv_num, v.clv_den);
        out->push_back(',');
        AppendInt(out, ranks[i]);
        out->push_back('\n');
      }
    }
    file.MaybeFlush();
  }
  return file.Close();
}

}  // namespace

// Per fragment of one side (index: fragment number; 0 unused).
struct LifecycleTruth::Side {
  std::vector<StageFacts> facts;
  std::vector<int32_t> account;  // persons: current account fragment, 0: none
  std::vector<Traits> traits;    // the traits of the profile's account
  std::vector<std::vector<Transition>> histories;
};

int16_t LifecycleTruth::TraitValues::Intern(std::string_view value) {
  if (value.empty()) return -1;
  auto [it, inserted] = index.try_emplace(std::string(value),
                                          static_cast<int16_t>(values.size()));
  if (inserted) values.emplace_back(value);
  return it->second;
}

void LifecycleTruth::AddPersonRecord(uint32_t row, Entity entity,
                                     const RecordFacts& facts, bool email,
                                     int32_t account_node,
                                     std::string_view member_id) {
  const bool contact_or_lead =
      entity == Entity::kContact || entity == Entity::kLead;
  int64_t time = facts.occurred;
  if (contact_or_lead) {
    time = facts.created != kNoTime ? facts.created : facts.updated;
    contact_records_.push_back(
        {row, account_node, facts.updated,
         IsQualifyingLeadStatus(facts.lead_status) ? facts.updated : kNoTime});
  }
  person_records_.push_back(
      {row, static_cast<uint8_t>(EngagementPoints(facts.event_type)),
       contact_or_lead || email, time});

  // The stage metrics' facts.
  const std::string_view type = facts.event_type;
  switch (entity) {
    case Entity::kWebEvent:
      web_events_.push_back({row, type == "page_view", facts.occurred});
      break;
    case Entity::kLead: {
      const std::string_view s = facts.lead_status;
      const Metric status = s == "Marketing Qualified" ? Metric::kMqls
                            : s == "Sales Accepted"    ? Metric::kSals
                                                       : Metric::kSqls;
      if (IsQualifyingLeadStatus(s)) {
        lead_statuses_.push_back({row, status, facts.updated});
      }
      break;
    }
    case Entity::kEmailActivity: {
      EmailKind kind;
      if (type == "email_sent") {
        kind = EmailKind::kSent;
      } else if (type == "email_bounced") {
        kind = EmailKind::kBounced;
      } else if (type == "email_opened") {
        kind = EmailKind::kOpened;
      } else if (type == "email_clicked") {
        kind = EmailKind::kClicked;
      } else if (type == "email_unsubscribed") {
        kind = EmailKind::kUnsubscribed;
      } else {
        break;
      }
      if (facts.campaign_id.empty() || member_id.empty()) break;
      std::string key(facts.campaign_id);
      key.push_back('\t');
      key.append(member_id);
      const auto send =
          send_keys_
              .try_emplace(std::move(key),
                           static_cast<uint32_t>(send_keys_.size()))
              .first->second;
      email_records_.push_back({row, send, kind, facts.occurred});
      break;
    }
    case Entity::kSurveyResponse:
      if (type == "nps_response") {
        surveys_.push_back({row, true,
                            static_cast<int8_t>(NpsScore(facts.score)),
                            facts.occurred});
      } else if (type == "csat_response") {
        surveys_.push_back({row, false,
                            static_cast<int8_t>(facts.score == "good"),
                            facts.occurred});
      }
      break;
    default:
      break;
  }
}

void LifecycleTruth::AddAccountRecord(uint32_t row, const RecordFacts& facts) {
  const std::string_view values[kTraits] = {facts.industry, facts.tier,
                                            facts.region, facts.source};
  AccountRecord record{row, {}};
  for (int k = 0; k < kTraits; ++k) {
    record.traits[k] = traits_[k].Intern(values[k]);
  }
  account_records_.push_back(record);
}

void LifecycleTruth::AddOpportunity(uint32_t row,
                                    const OpportunityFacts& facts) {
  opportunities_.push_back({row, facts});
}

void LifecycleTruth::ComputePersons(const FragmentMap& fragments,
                                    Side* persons) const {
  const std::vector<int32_t>& of_row = *fragments.of_row;
  const size_t n = static_cast<size_t>(fragments.person_fragments) + 1;
  persons->facts.assign(n, StageFacts());
  persons->account.assign(n, 0);
  std::vector<std::pair<int32_t, Engagement>> engagements;
  for (const PersonRecord& r : person_records_) {
    const int32_t f = of_row[r.row];
    StageFacts& facts = persons->facts[static_cast<size_t>(f)];
    facts.first_seen = std::min(facts.first_seen, r.time);
    if (r.identifies) facts.identified = std::min(facts.identified, r.time);
    if (r.points > 0) engagements.push_back({f, {r.time, r.points}});
  }
  // The current account: of the records naming one, the latest updated_at
  // decides (on a tie, the one written last).
  std::vector<int64_t> decided_at(n, kNoTime);
  for (const ContactRecord& r : contact_records_) {
    const size_t f = static_cast<size_t>(of_row[r.row]);
    StageFacts& facts = persons->facts[f];
    facts.nurtured = std::min(facts.nurtured, r.qualified);
    const int32_t account =
        r.account_node < 0 ? 0 : fragments.account_of_node(r.account_node);
    if (account == 0) continue;
    if (decided_at[f] == kNoTime || r.updated >= decided_at[f]) {
      decided_at[f] = r.updated;
      persons->account[f] = account;
    }
  }
  std::stable_sort(
      engagements.begin(), engagements.end(),
      [](const auto& x, const auto& y) { return x.first < y.first; });
  for (size_t begin = 0, end; begin < engagements.size(); begin = end) {
    std::vector<Engagement> events;
    for (end = begin; end < engagements.size() &&
                      engagements[end].first == engagements[begin].first;
         ++end) {
      events.push_back(engagements[end].second);
    }
    StageFacts& facts =
        persons->facts[static_cast<size_t>(engagements[begin].first)];
    facts.nurtured = std::min(facts.nurtured, EngagedAt(std::move(events)));
  }
}

std::vector<AccountTimeline> LifecycleTruth::ComputeAccounts(
    const FragmentMap& fragments, const Side& persons, Side* accounts) const {
  const std::vector<int32_t>& of_row = *fragments.of_row;
  const size_t n = static_cast<size_t>(fragments.account_fragments) + 1;
  accounts->facts.assign(n, StageFacts());
  accounts->account.assign(n, 0);
  accounts->traits.assign(n, kNoTraits);
  for (const AccountRecord& r : account_records_) {
    Traits& traits = accounts->traits[static_cast<size_t>(of_row[r.row])];
    for (int k = 0; k < kTraits; ++k) {
      if (r.traits[k] >= 0) traits[k] = r.traits[k];
    }
  }
  for (size_t f = 1; f < persons.facts.size(); ++f) {
    const int32_t g = persons.account[f];
    if (g > 0) accounts->facts[static_cast<size_t>(g)].Merge(persons.facts[f]);
  }
  std::vector<std::vector<OpportunityFacts>> opportunities(n);
  for (const OpportunityRecord& r : opportunities_) {
    const size_t g = static_cast<size_t>(of_row[r.row]);
    opportunities[g].push_back(r.facts);
    accounts->facts[g].first_seen =
        std::min(accounts->facts[g].first_seen, r.facts.created);
  }
  std::vector<AccountTimeline> timelines(n);
  accounts->histories.resize(n);
  for (size_t g = 1; g < n; ++g) {
    if (!opportunities[g].empty()) {
      timelines[g] = AccountTimeline(opportunities[g]);
    }
    accounts->histories[g] = StageHistory(accounts->facts[g], &timelines[g]);
  }
  return timelines;
}

void LifecycleTruth::ComputePersonHistories(
    const std::vector<AccountTimeline>& timelines, const Side& accounts,
    Side* persons) const {
  const size_t n = persons->facts.size();
  persons->histories.resize(n);
  persons->traits.assign(n, kNoTraits);
  for (size_t f = 1; f < n; ++f) {
    const size_t g = static_cast<size_t>(persons->account[f]);
    persons->histories[f] =
        StageHistory(persons->facts[f], g > 0 ? &timelines[g] : nullptr);
    if (g > 0) persons->traits[f] = accounts.traits[g];
  }
}

std::vector<std::string> LifecycleTruth::Segments(
    std::vector<int> segment_of[], std::vector<int>* trait_of) const {
  std::vector<std::string> labels = {""};
  trait_of->assign(1, -1);
  for (int k = 0; k < kTraits; ++k) {
    const std::vector<std::string>& values = traits_[k].values;
    std::vector<size_t> order(values.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](size_t x, size_t y) { return values[x] < values[y]; });
    segment_of[k].assign(values.size(), 0);
    for (size_t i : order) {
      segment_of[k][i] = static_cast<int>(labels.size());
      labels.push_back(std::string(kTraitNames[k]) + "=" + values[i]);
      trait_of->push_back(k);
    }
  }
  return labels;
}

absl::Status LifecycleTruth::Write(const std::string& dir,
                                   const FragmentMap& fragments, int64_t start,
                                   int64_t end, LifecycleSummary* summary) {
  Side sides[2];
  Side& persons = sides[0];
  Side& accounts = sides[1];
  ComputePersons(fragments, &persons);
  const std::vector<AccountTimeline> timelines =
      ComputeAccounts(fragments, persons, &accounts);
  ComputePersonHistories(timelines, accounts, &persons);
  static constexpr const char* kSides[] = {"person", "account"};
  static constexpr char kPrefix[] = {'F', 'G'};
  int64_t* const counts[2][2] = {
      {&summary->person_profiles, &summary->person_transitions},
      {&summary->account_profiles, &summary->account_transitions}};

  OutputFile stages(dir + "/stages.csv");
  std::string* out = stages.buffer();
  out->append("side,fragment,seq,at,stage\n");
  for (int side = 0; side < 2; ++side) {
    const auto& histories = sides[side].histories;
    for (size_t f = 1; f < histories.size(); ++f) {
      *counts[side][0] += !histories[f].empty();
      *counts[side][1] += static_cast<int64_t>(histories[f].size());
      for (size_t seq = 0; seq < histories[f].size(); ++seq) {
        out->append(kSides[side]);
        out->push_back(',');
        out->push_back(kPrefix[side]);
        AppendInt(out, static_cast<int64_t>(f));
        out->push_back(',');
        AppendInt(out, static_cast<int64_t>(seq));
        out->push_back(',');
        AppendMicrosTime(out, histories[f][seq].at);
        out->push_back(',');
        out->append(StageName(histories[f][seq].stage));
        out->push_back('\n');
      }
      stages.MaybeFlush();
    }
  }
  if (absl::Status s = stages.Close(); !s.ok()) return s;

  std::vector<int> segment_of[kTraits];
  std::vector<int> trait_of;
  const std::vector<std::string> labels = Segments(segment_of, &trait_of);
  const int segment_count = static_cast<int>(labels.size());
  OutputFile funnel_file(dir + "/funnel.csv");
  out = funnel_file.buffer();
  out->append(
      "side,start,end,segment,stage,entries,conv_num,conv_den,median_days\n");
  std::vector<Funnel> funnels;
  funnels.reserve(2);
  std::vector<int> segments;
  for (int side = 0; side < 2; ++side) {
    Funnel& funnel =
        funnels.emplace_back(FunnelPeriods(start, end), segment_count);
    for (size_t f = 1; f < sides[side].histories.size(); ++f) {
      SegmentsOf(sides[side].traits[f], segment_of, &segments);
      funnel.Add(sides[side].histories[f], segments);
    }
    for (size_t p = 0; p < funnel.periods().size(); ++p) {
      for (size_t segment = 0; segment < labels.size(); ++segment) {
        for (int stage = 0; stage < kFunnelStages; ++stage) {
          AppendFunnelRow(kSides[side], funnel, p, static_cast<int>(segment),
                          labels[segment], static_cast<Stage>(stage), out);
        }
      }
      funnel_file.MaybeFlush();
    }
  }
  if (absl::Status s = funnel_file.Close(); !s.ok()) return s;

  StageMetrics metrics(funnels[0], segment_count);
  AddMetrics(fragments, persons, accounts, segment_of, &metrics);
  if (absl::Status s = WriteMetrics(dir, metrics, labels); !s.ok()) return s;
  return WriteCustomerValue(dir, metrics, labels, trait_of);
}

void LifecycleTruth::AddMetrics(const FragmentMap& fragments,
                                const Side& persons, const Side& accounts,
                                const std::vector<int> segment_of[],
                                StageMetrics* metrics) const {
  const std::vector<int32_t>& of_row = *fragments.of_row;
  std::vector<int> segments;
  // The segments of the person profile a record belongs to.
  const auto person = [&](uint32_t row) {
    const size_t f = static_cast<size_t>(of_row[row]);
    SegmentsOf(persons.traits[f], segment_of, &segments);
    return f;
  };
  const auto stage_is = [](const std::vector<Transition>& history, int64_t t,
                           Stage want) {
    Stage stage;
    return HistoryStageAt(history, t, &stage) && stage == want;
  };

  // ATTRACT: page views; persons with a web event while in ATTRACT, once per
  // period.
  std::vector<std::pair<size_t, int64_t>> attract;  // (fragment, time)
  for (const WebEvent& e : web_events_) {
    const size_t f = person(e.row);
    if (e.page_view) metrics->AddPageView(e.at, segments);
    if (stage_is(persons.histories[f], e.at, Stage::kAttract)) {
      attract.push_back({f, e.at});
    }
  }
  std::sort(attract.begin(), attract.end());
  std::vector<int64_t> times;
  for (size_t begin = 0, end; begin < attract.size(); begin = end) {
    times.clear();
    for (end = begin;
         end < attract.size() && attract[end].first == attract[begin].first;
         ++end) {
      times.push_back(attract[end].second);
    }
    SegmentsOf(persons.traits[attract[begin].first], segment_of, &segments);
    metrics->AddAnonymousVisitor(times, segments);
  }

  // CAPTURE: LEAD records by status, at their updated_at.
  for (const LeadStatus& l : lead_statuses_) {
    person(l.row);
    metrics->AddLeadStatus(l.status, l.updated, segments);
  }

  // NURTURE: sends, keyed by (campaign_id, member); the send's record is its
  // earliest email_sent.
  constexpr uint32_t kNoRow = UINT32_MAX;
  std::vector<EmailSend> sends(send_keys_.size());
  std::vector<uint32_t> sent_row(send_keys_.size(), kNoRow);
  for (const EmailRecord& r : email_records_) {
    EmailSend& send = sends[r.send];
    switch (r.kind) {
      case EmailKind::kSent:
        if (sent_row[r.send] == kNoRow || r.at < send.sent) {
          sent_row[r.send] = r.row;
          send.sent = r.at;
        }
        break;
      case EmailKind::kBounced:
        send.bounced = true;
        break;
      case EmailKind::kOpened:
        send.opened = true;
        break;
      case EmailKind::kClicked:
        send.clicked = true;
        break;
      case EmailKind::kUnsubscribed:
        send.unsubscribed = true;
        break;
    }
  }
  for (size_t k = 0; k < sends.size(); ++k) {
    if (sent_row[k] == kNoRow) continue;  // activity without a send
    const size_t f = person(sent_row[k]);
    const size_t g = static_cast<size_t>(persons.account[f]);
    sends[k].customer =
        g > 0 && stage_is(accounts.histories[g], sends[k].sent, Stage::kExpand);
    metrics->AddSend(sends[k], segments);
  }

  // EXPAND: surveys of persons.
  for (const SurveyRecord& r : surveys_) {
    person(r.row);
    if (r.nps) {
      metrics->AddNpsResponse(r.at, r.score, segments);
    } else {
      metrics->AddCsatResponse(r.at, r.score == 1, segments);
    }
  }

  // Accounts: churn; opportunities by their account profile.
  for (size_t g = 1; g < accounts.histories.size(); ++g) {
    if (accounts.histories[g].empty()) continue;
    SegmentsOf(accounts.traits[g], segment_of, &segments);
    metrics->AddAccount(accounts.histories[g], segments);
  }
  for (const OpportunityRecord& r : opportunities_) {
    const size_t g = static_cast<size_t>(of_row[r.row]);
    SegmentsOf(accounts.traits[g], segment_of, &segments);
    metrics->AddOpportunity(r.facts, &accounts.histories[g], segments);
  }
}

void LifecycleTruth::AppendFunnelRow(const char* side, const Funnel& funnel,
                                     size_t period, int segment,
                                     const std::string& label, Stage stage,
                                     std::string* out) {
  const FunnelFigures figures = funnel.Get(period, segment, stage);
  out->append(side);
  out->push_back(',');
  AppendDate(out, funnel.periods()[period].start);
  out->push_back(',');
  AppendDate(out, funnel.periods()[period].end);
  out->push_back(',');
  AppendCsvField(out, label);
  out->push_back(',');
  out->append(StageName(stage));
  out->push_back(',');
  AppendInt(out, figures.entries);
  out->push_back(',');
  if (stage != Stage::kExpand) {
    AppendInt(out, figures.converted);
    out->push_back(',');
    AppendInt(out, figures.entries);
  } else {
    out->push_back(',');
  }
  out->push_back(',');
  if (figures.left > 0) AppendHalves(out, figures.median_days_x2);
  out->push_back('\n');
}

}  // namespace hub::sample
