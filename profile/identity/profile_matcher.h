// ProfileMatcher: the probabilistic matcher on hubd's write path.
#ifndef HUB_PROFILE_IDENTITY_PROFILE_MATCHER_H_
#define HUB_PROFILE_IDENTITY_PROFILE_MATCHER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hub/v1/match_config.pb.h"
#include "match/fellegi_sunter.h"
#include "profile/store/store.h"

namespace hub {

// Scores a person profile against candidate profiles with a trained
// Fellegi–Sunter model (the fields' m and u and the prior, as
// `hub-match --write-model` writes them), for profiles no deterministic
// identifier joined. The config's columns name traits: "title" is the trait
// title; "first_name+last_name" joins two traits with a space (both must be
// present); alternatives separated by "|" are tried in order, so
// "first_name+last_name|name" reads a CRM's split name or a support desk's
// full one. The column "@account" is the profile's current account
// ("accounts/{id}"), which the write path supplies with the traits.
// Term-frequency weights are off: a write compares one profile
// with a handful of candidates, not a dataset.
//
// Immutable after Create: thread-safe.
class ProfileMatcher {
 public:
  // INVALID_ARGUMENT naming the field for a config that is not a valid
  // MatchConfig or carries no model (m, u for every field, prior).
  static absl::StatusOr<ProfileMatcher> Create(hub::v1::MatchConfig config);

  // A profile's value for each column, from its traits (sorted by name) and
  // its current account (0: none).
  using Values = std::vector<std::string>;
  Values ValuesOf(const std::vector<NamedTrait>& traits, int64_t account = 0) const;

  // The profile's block keys: a candidate shares at least one.
  std::vector<uint64_t> BlockKeys(const Values& values) const;

  struct Candidate {
    int64_t id = 0;
    Values values;
  };
  struct Score {
    int64_t id = 0;
    double probability = 0;
    // Per field "column=level(weight)", e.g. "first_name+last_name=exact(+9.3)".
    std::string explanation;
  };
  // Scores `self` against every candidate, in candidate order.
  std::vector<Score> ScoreAll(const Values& self,
                              const std::vector<Candidate>& candidates) const;

  // At or above: merge. In [lower, upper): a suggestion for review.
  double upper_threshold() const { return config_.upper_threshold(); }
  double lower_threshold() const { return config_.lower_threshold(); }
  // A block key shared by more profiles than this names no candidates.
  int max_block_size() const { return config_.max_block_size(); }

 private:
  explicit ProfileMatcher(hub::v1::MatchConfig config);

  hub::v1::MatchConfig config_;
  match::Model model_;  // from the config; term frequency off
  std::vector<std::string> columns_;  // as a match::Dataset's
  // Per column: its alternatives, each a list of traits to join.
  std::vector<std::vector<std::vector<std::string>>> sources_;
};

}  // namespace hub

#endif  // HUB_PROFILE_IDENTITY_PROFILE_MATCHER_H_
