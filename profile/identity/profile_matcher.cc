#include "profile/identity/profile_matcher.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "match/blocking.h"
#include "match/matcher.h"
#include "profile/base/hash.h"
#include "profile/base/status_macros.h"

namespace hub {

ProfileMatcher::ProfileMatcher(hub::v1::MatchConfig config)
    : config_(std::move(config)), columns_(match::ConfigColumns(config_)) {
  for (const std::string& column : columns_) {
    std::vector<std::vector<std::string>> alternatives;
    for (absl::string_view alternative : absl::StrSplit(column, '|')) {
      alternatives.push_back(absl::StrSplit(alternative, '+'));
    }
    sources_.push_back(std::move(alternatives));
  }
}

absl::StatusOr<ProfileMatcher> ProfileMatcher::Create(hub::v1::MatchConfig config) {
  HUB_ASSIGN_OR_RETURN(config, match::FinishMatchConfig(std::move(config)));
  ProfileMatcher matcher(std::move(config));
  // The comparators tell how many levels each field has.
  match::Dataset empty = match::MakeDataset(matcher.config_);
  std::vector<match::FieldComparator> fields;
  for (const hub::v1::MatchField& field : matcher.config_.fields()) {
    HUB_ASSIGN_OR_RETURN(match::FieldComparator fc,
                         match::FieldComparator::Create(field, empty));
    fields.push_back(std::move(fc));
  }
  HUB_ASSIGN_OR_RETURN(matcher.model_, match::ModelFromConfig(matcher.config_, fields));
  matcher.model_.term_frequency = false;
  return matcher;
}

ProfileMatcher::Values ProfileMatcher::ValuesOf(
    const std::vector<NamedTrait>& traits, int64_t account) const {
  const std::string account_name = account != 0 ? absl::StrCat("accounts/", account) : "";
  auto find = [&](const std::string& name) -> const std::string* {
    if (name == "@account") return &account_name;
    auto it = std::lower_bound(
        traits.begin(), traits.end(), name,
        [](const NamedTrait& t, const std::string& n) { return t.name < n; });
    return it != traits.end() && it->name == name ? &it->value.value : nullptr;
  };
  Values values(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    for (const std::vector<std::string>& alternative : sources_[c]) {
      std::vector<std::string> parts;
      for (const std::string& trait : alternative) {
        const std::string* value = find(trait);
        if (value == nullptr || value->empty()) break;
        parts.push_back(*value);
      }
      if (parts.size() == alternative.size()) {
        values[c] = match::NormalizeValue(absl::StrJoin(parts, " "));
        break;
      }
    }
  }
  return values;
}

std::vector<uint64_t> ProfileMatcher::BlockKeys(const Values& values) const {
  std::vector<uint64_t> out, combos, next;
  for (int r = 0; r < config_.blocking_size(); ++r) {
    combos.assign(1, match::RuleSeed(r));
    for (const std::string& key : config_.blocking(r).keys()) {
      const match::KeySpec spec = match::ParseKeySpec(key);
      const auto at = std::find(columns_.begin(), columns_.end(), spec.column);
      const std::string& value = values[at - columns_.begin()];
      absl::StatusOr<std::vector<std::string>> keys =
          value.empty() ? std::vector<std::string>{}
                        : match::BlockKeys(spec.transform, value);
      next.clear();
      if (keys.ok()) {
        for (uint64_t c : combos) {
          for (const std::string& k : *keys) {
            next.push_back(match::ExtendBlockKey(c, Fnv1a64(k)));
          }
        }
      }
      combos.swap(next);
    }
    out.insert(out.end(), combos.begin(), combos.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<ProfileMatcher::Score> ProfileMatcher::ScoreAll(
    const Values& self, const std::vector<Candidate>& candidates) const {
  // One small dataset: the profile (record 0) and its candidates.
  match::Dataset data = match::MakeDataset(config_);
  data.Add("self", 0, self);
  for (const Candidate& c : candidates) data.Add(absl::StrCat(c.id), 0, c.values);
  std::vector<match::FieldComparator> fields;
  for (const hub::v1::MatchField& field : config_.fields()) {
    fields.push_back(*match::FieldComparator::Create(field, data));  // checked in Create
  }
  const match::Scorer scorer(&fields, &model_);
  std::vector<Score> out;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const uint32_t other = static_cast<uint32_t>(i + 1);
    Score s;
    s.id = candidates[i].id;
    s.probability = match::Scorer::Probability(
        scorer.LogOdds(0, match::ComparePair(fields, 0, other)));
    std::vector<std::string> parts;
    for (const match::Scorer::Contribution& c : scorer.Explain(0, other)) {
      parts.push_back(absl::StrFormat("%s=%s(%+.1f)", c.column, c.level, c.weight));
    }
    s.explanation = absl::StrJoin(parts, " ");
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace hub
