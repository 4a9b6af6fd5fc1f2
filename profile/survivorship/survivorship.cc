#include "profile/survivorship/survivorship.h"

#include <map>
#include <tuple>

#include "absl/strings/match.h"
#include "profile/base/time_util.h"

namespace hub {

std::vector<NamedTrait> TraitCandidates(const hub::v1::SourceRecord& r) {
  std::vector<NamedTrait> out;
  if (r.deleted() || (r.entity() != hub::v1::CONTACT &&
                      r.entity() != hub::v1::LEAD &&
                      r.entity() != hub::v1::ACCOUNT)) {
    return out;
  }
  int64_t observed = absl::ToUnixMicros(FromProtoTime(r.updated_at()));
  for (const auto& [name, value] : r.attributes()) {
    if (value.empty() || absl::StartsWith(name, "_")) continue;
    NamedTrait t;
    t.name = name;
    t.value = TraitValue{value, r.source(), r.entity(), r.external_id(),
                         observed, "most_recent"};
    out.push_back(std::move(t));
  }
  return out;
}

bool Beats(const TraitValue& a, const TraitValue& b) {
  return std::tie(a.observed_us, a.source, a.entity, a.external_id, a.value) >
         std::tie(b.observed_us, b.source, b.entity, b.external_id, b.value);
}

std::vector<NamedTrait> Survive(const std::vector<NamedTrait>& current,
                                const std::vector<NamedTrait>& candidates) {
  std::map<std::string, const TraitValue*> best;
  for (const NamedTrait& t : current) best[t.name] = &t.value;
  std::map<std::string, const TraitValue*> wins;
  for (const NamedTrait& c : candidates) {
    const TraitValue*& slot = best[c.name];
    if (slot == nullptr || Beats(c.value, *slot)) {
      slot = &c.value;
      wins[c.name] = &c.value;
    }
  }
  std::vector<NamedTrait> out;
  for (const auto& [name, value] : wins) out.push_back(NamedTrait{name, *value});
  return out;
}

std::vector<NamedTrait> Recompute(
    const std::vector<hub::v1::SourceRecord>& records) {
  std::vector<NamedTrait> candidates;
  for (const hub::v1::SourceRecord& r : records) {
    std::vector<NamedTrait> c = TraitCandidates(r);
    candidates.insert(candidates.end(), c.begin(), c.end());
  }
  return Survive({}, candidates);
}

}  // namespace hub
