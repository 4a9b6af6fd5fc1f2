#include "tools/hub_sample/lifecycle_truth.h"

#include <algorithm>
#include <array>
#include <numeric>

#include "tools/hub_sample/civil_time.h"
#include "tools/hub_sample/funnel.h"
#include "tools/hub_sample/output.h"

namespace hub::sample {
namespace {

constexpr const char* kTraitNames[] = {"industry", "tier", "region"};
constexpr int kTraits = 3;
using Traits = std::array<int16_t, kTraits>;
constexpr Traits kNoTraits = {-1, -1, -1};

void AppendDate(std::string* out, int64_t micros) {
  AppendTime(out, micros / 1000000, TimeStyle::kDate);
}

// "12" or "12.5" for a doubled non-negative value.
void AppendHalves(std::string* out, int64_t doubled) {
  AppendInt(out, doubled / 2);
  if (doubled % 2 != 0) out->append(".5");
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
                                     int32_t account_node) {
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
}

void LifecycleTruth::AddAccountRecord(uint32_t row, const RecordFacts& facts) {
  const std::string_view values[kTraits] = {facts.industry, facts.tier,
                                            facts.region};
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
    std::vector<int> segment_of[]) const {
  std::vector<std::string> labels = {""};
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
  const std::vector<std::string> labels = Segments(segment_of);
  OutputFile funnel_file(dir + "/funnel.csv");
  out = funnel_file.buffer();
  out->append(
      "side,start,end,segment,stage,entries,conv_num,conv_den,median_days\n");
  for (int side = 0; side < 2; ++side) {
    Funnel funnel(FunnelPeriods(start, end), static_cast<int>(labels.size()));
    std::vector<int> segments;
    for (size_t f = 1; f < sides[side].histories.size(); ++f) {
      segments.assign(1, 0);
      for (int k = 0; k < kTraits; ++k) {
        const int16_t value = sides[side].traits[f][k];
        if (value >= 0) segments.push_back(segment_of[k][value]);
      }
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
  return funnel_file.Close();
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
