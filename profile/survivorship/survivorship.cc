#include "profile/survivorship/survivorship.h"

#include <map>
#include <string>
#include <tuple>

#include "absl/strings/match.h"
#include "profile/base/time_util.h"

namespace hub {
namespace {

// most_recent's order, also the last tie-break of every rule.
bool Later(const TraitValue& a, const TraitValue& b) {
  return std::tie(a.observed_us, a.source, a.entity, a.external_id, a.value) >
         std::tie(b.observed_us, b.source, b.entity, b.external_id, b.value);
}

// True if the rule may choose `v` at all.
bool Eligible(const TraitRule& rule, const TraitValue& v) {
  return rule.rule != SurvivorshipRule::kNonEmpty || !v.value.empty();
}

NamedTrait Named(const std::string& name, TraitValue v, const TraitRule& rule) {
  v.rule = std::string(RuleName(rule.rule));
  return NamedTrait{name, std::move(v)};
}

// most_frequent over one trait's candidates (one per record).
std::optional<TraitValue> MostFrequent(const std::vector<const TraitValue*>& c) {
  // value -> (supporters, latest supporting observation)
  std::map<std::string, std::pair<int, const TraitValue*>> votes;
  for (const TraitValue* v : c) {
    auto& [count, latest] = votes[v->value];
    ++count;
    if (latest == nullptr || Later(*v, *latest)) latest = v;
  }
  const std::pair<int, const TraitValue*>* best = nullptr;
  for (const auto& [value, vote] : votes) {
    if (best == nullptr || vote.first > best->first ||
        (vote.first == best->first && Later(*vote.second, *best->second))) {
      best = &vote;
    }
  }
  if (best == nullptr) return std::nullopt;
  return *best->second;
}

}  // namespace

std::vector<NamedTrait> TraitCandidates(const hub::v1::SourceRecord& r) {
  std::vector<NamedTrait> out;
  if (r.deleted() || (r.entity() != hub::v1::CONTACT &&
                      r.entity() != hub::v1::LEAD &&
                      r.entity() != hub::v1::ACCOUNT)) {
    return out;
  }
  int64_t observed = absl::ToUnixMicros(FromProtoTime(r.updated_at()));
  for (const auto& [name, value] : r.attributes()) {
    if (absl::StartsWith(name, "_")) continue;
    NamedTrait t;
    t.name = name;
    t.value = TraitValue{value, r.source(), r.entity(), r.external_id(),
                         observed, ""};
    out.push_back(std::move(t));
  }
  return out;
}

bool Beats(const TraitRule& rule, const TraitValue& a, const TraitValue& b) {
  switch (rule.rule) {
    case SurvivorshipRule::kSourcePriority: {
      int ra = rule.Rank(a.source), rb = rule.Rank(b.source);
      if (ra != rb) return ra < rb;
      return Later(a, b);
    }
    case SurvivorshipRule::kFirstSeen:
      if (a.observed_us != b.observed_us) return a.observed_us < b.observed_us;
      return Later(a, b);
    case SurvivorshipRule::kMostRecent:
    case SurvivorshipRule::kMostFrequent:
    case SurvivorshipRule::kNonEmpty:
      return Later(a, b);
  }
  return Later(a, b);
}

std::optional<std::vector<NamedTrait>> Survive(
    const SurvivorshipPolicy& policy, const std::vector<NamedTrait>& current,
    const std::vector<NamedTrait>& candidates) {
  std::map<std::string, const TraitValue*> best;
  for (const NamedTrait& t : current) best[t.name] = &t.value;
  std::map<std::string, const TraitValue*> wins;
  for (const NamedTrait& c : candidates) {
    const TraitRule& rule = policy.For(c.name);
    absl::string_view name = RuleName(rule.rule);
    if (rule.rule == SurvivorshipRule::kMostFrequent) return std::nullopt;
    if (!c.value.rule.empty() && c.value.rule != name) return std::nullopt;
    const TraitValue*& slot = best[c.name];
    if (slot != nullptr && slot->rule != name) return std::nullopt;
    if (!Eligible(rule, c.value)) continue;
    if (slot == nullptr || Beats(rule, c.value, *slot)) {
      slot = &c.value;
      wins[c.name] = &c.value;
    }
  }
  std::vector<NamedTrait> out;
  for (const auto& [name, value] : wins) {
    out.push_back(Named(name, *value, policy.For(name)));
  }
  return out;
}

std::vector<NamedTrait> Recompute(
    const SurvivorshipPolicy& policy,
    const std::vector<hub::v1::SourceRecord>& records) {
  std::vector<NamedTrait> candidates;
  for (const hub::v1::SourceRecord& r : records) {
    std::vector<NamedTrait> c = TraitCandidates(r);
    candidates.insert(candidates.end(), c.begin(), c.end());
  }
  std::map<std::string, std::vector<const TraitValue*>> by_name;
  for (const NamedTrait& c : candidates) by_name[c.name].push_back(&c.value);
  std::vector<NamedTrait> out;
  for (const auto& [name, values] : by_name) {
    const TraitRule& rule = policy.For(name);
    std::optional<TraitValue> winner;
    if (rule.rule == SurvivorshipRule::kMostFrequent) {
      winner = MostFrequent(values);
    } else {
      for (const TraitValue* v : values) {
        if (Eligible(rule, *v) && (!winner || Beats(rule, *v, *winner))) winner = *v;
      }
    }
    if (winner) out.push_back(Named(name, *std::move(winner), rule));
  }
  return out;
}

}  // namespace hub
