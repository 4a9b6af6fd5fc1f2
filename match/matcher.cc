#include "match/matcher.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "profile/base/status_macros.h"

namespace hub::match {
namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since)
      .count();
}

// Runs fn(begin, end) over [0, n) split across `threads` threads.
template <typename Fn>
void ParallelFor(size_t n, int threads, Fn fn) {
  threads = std::max(1, std::min<int>(threads, static_cast<int>(n / 1024 + 1)));
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    const size_t begin = n * t / threads;
    const size_t end = n * (t + 1) / threads;
    workers.emplace_back([=] { fn(begin, end); });
  }
  for (std::thread& w : workers) w.join();
}

}  // namespace

absl::StatusOr<hub::v1::MatchConfig> FinishMatchConfig(
    hub::v1::MatchConfig config) {
  if (config.fields().empty()) {
    return absl::InvalidArgumentError("fields: at least one field is required");
  }
  if (config.fields_size() > kMaxFields) {
    return absl::InvalidArgumentError(
        absl::StrCat("fields: at most ", kMaxFields, " fields"));
  }
  if (config.blocking().empty()) {
    return absl::InvalidArgumentError(
        "blocking: at least one blocking rule is required");
  }
  if (config.max_block_size() < 0) {
    return absl::InvalidArgumentError("max_block_size: must not be negative");
  }
  if (config.max_block_size() == 0) config.set_max_block_size(1000);
  if (config.upper_threshold() == 0) config.set_upper_threshold(0.5);
  if (config.lower_threshold() == 0) config.set_lower_threshold(0.2);
  if (config.upper_threshold() <= 0 || config.upper_threshold() > 1) {
    return absl::InvalidArgumentError("upper_threshold: must be in (0, 1]");
  }
  if (config.lower_threshold() < 0 ||
      config.lower_threshold() > config.upper_threshold()) {
    return absl::InvalidArgumentError(
        "lower_threshold: must be in [0, upper_threshold]");
  }
  if (config.u_sample_pairs() < 0 || config.em_iterations() < 0) {
    return absl::InvalidArgumentError(
        "u_sample_pairs, em_iterations: must not be negative");
  }
  if (config.em_iterations() == 0) config.set_em_iterations(50);
  if (config.dense_cluster_limit() < 0) {
    return absl::InvalidArgumentError("dense_cluster_limit: must not be negative");
  }
  if (config.dense_cluster_limit() == 0) config.set_dense_cluster_limit(1000);
  if (config.seed() == 0) config.set_seed(1);
  return config;
}

std::vector<std::string> ConfigColumns(const hub::v1::MatchConfig& config) {
  std::vector<std::string> columns;
  absl::flat_hash_set<std::string> seen;
  auto add = [&](const std::string& c) {
    if (!c.empty() && seen.insert(c).second) columns.push_back(c);
  };
  for (const hub::v1::MatchField& f : config.fields()) {
    add(f.column());
    add(f.swapped_with());
    add(f.longitude_column());
  }
  for (const hub::v1::BlockingRule& rule : config.blocking()) {
    for (const std::string& key : rule.keys()) {
      add(ParseKeySpec(key).column);
    }
  }
  return columns;
}

Dataset MakeDataset(const hub::v1::MatchConfig& config) {
  std::vector<std::string> columns = ConfigColumns(config);
  std::vector<absl::flat_hash_set<std::string>> missing(columns.size());
  for (const hub::v1::MatchField& f : config.fields()) {
    for (size_t c = 0; c < columns.size(); ++c) {
      if (columns[c] != f.column() && columns[c] != f.longitude_column()) continue;
      for (const std::string& v : f.missing_values()) {
        missing[c].insert(NormalizeValue(v));
      }
    }
  }
  return Dataset(std::move(columns), std::move(missing));
}

absl::StatusOr<std::unique_ptr<Matcher>> Matcher::Create(
    const hub::v1::MatchConfig& config, const Dataset* data, int threads) {
  std::unique_ptr<Matcher> matcher(new Matcher(config, data, threads));
  for (const hub::v1::MatchField& field : config.fields()) {
    HUB_ASSIGN_OR_RETURN(FieldComparator fc, FieldComparator::Create(field, *data));
    if (fc.num_levels() > kPatternMissing) {
      return absl::InvalidArgumentError(absl::StrCat(
          "fields[", field.column(), "].thresholds: too many levels"));
    }
    matcher->fields_.push_back(std::move(fc));
  }
  return matcher;
}

std::vector<uint32_t> Matcher::IgnoredFields(
    const std::vector<hub::v1::BlockingRule>& rules) const {
  std::vector<uint32_t> ignored;
  for (const hub::v1::BlockingRule& rule : rules) {
    uint32_t bits = 0;
    for (const std::string& key : rule.keys()) {
      const KeySpec spec = ParseKeySpec(key);
      // A shared token leaves the field's similarity free to vary; every
      // other transform forces (near) agreement.
      if (spec.transform == "token") continue;
      for (size_t f = 0; f < fields_.size(); ++f) {
        if (fields_[f].column_name() == spec.column) bits |= 1u << f;
      }
    }
    ignored.push_back(bits);
  }
  return ignored;
}

double Matcher::AllPairs() const {
  double left = 0;
  for (uint32_t r = 0; r < data_->size(); ++r) left += data_->source(r) == 0;
  const double right = data_->size() - left;
  return data_->is_link() ? left * right : left * (left - 1) / 2;
}

std::vector<Pattern> Matcher::ComparePairs(
    const std::vector<PairKey>& pairs) const {
  std::vector<Pattern> patterns(pairs.size());
  ParallelFor(pairs.size(), threads_, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      patterns[i] = ComparePair(fields_, PairFirst(pairs[i]), PairSecond(pairs[i]));
    }
  });
  return patterns;
}

absl::StatusOr<MatchResult> Matcher::Run() {
  MatchResult result;
  auto start = std::chrono::steady_clock::now();
  std::vector<hub::v1::BlockingRule> rules(config_.blocking().begin(),
                                           config_.blocking().end());
  HUB_ASSIGN_OR_RETURN(Candidates candidates,
                       CandidatePairs(rules, *data_, config_.max_block_size(),
                                      &result.blocking));
  const std::vector<PairKey>& pairs = candidates.pairs;
  result.timings.blocking = Seconds(start);

  start = std::chrono::steady_clock::now();
  // Auto: ten random pairs per record, within [100k, 1M].
  const int64_t samples =
      config_.u_sample_pairs() > 0
          ? config_.u_sample_pairs()
          : std::clamp<int64_t>(10 * data_->size(), 100000, 1000000);
  model_.fields = EstimateU(fields_, *data_, samples, config_.seed(), threads_);
  result.timings.u_sampling = Seconds(start);

  start = std::chrono::steady_clock::now();
  std::vector<Pattern> patterns = ComparePairs(pairs);
  result.timings.comparing = Seconds(start);

  start = std::chrono::steady_clock::now();
  const double all_pairs = AllPairs();
  const std::vector<uint32_t> by_rule = IgnoredFields(rules);
  std::vector<uint32_t> ignored(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    uint32_t bits = ~0u;
    for (size_t r = 0; r < rules.size(); ++r) {
      if (candidates.rules[i] >> r & 1) bits &= by_rule[r];
    }
    ignored[i] = bits;
  }
  EstimateM(patterns, ignored,
            all_pairs / std::max<double>(1, pairs.size()),
            config_.em_iterations(), &model_);
  model_.lambda = std::clamp(
      model_.candidate_lambda * pairs.size() / std::max(1.0, all_pairs), 1e-12, 0.5);
  scorer_ = std::make_unique<Scorer>(&fields_, &model_);
  result.pairs.resize(pairs.size());
  ParallelFor(pairs.size(), threads_, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      const uint32_t a = PairFirst(pairs[i]), b = PairSecond(pairs[i]);
      result.pairs[i] = {a, b, static_cast<float>(Scorer::Probability(
                                   scorer_->LogOdds(a, patterns[i])))};
    }
  });
  result.timings.em = Seconds(start);

  start = std::chrono::steady_clock::now();
  auto score = [&](uint32_t a, uint32_t b) -> float {
    if (data_->is_link() && data_->source(a) == data_->source(b)) return 0;
    return static_cast<float>(Scorer::Probability(
        scorer_->LogOdds(a, ComparePair(fields_, a, b))));
  };
  result.cluster = AverageLinkage(static_cast<uint32_t>(data_->size()),
                                  result.pairs, config_.upper_threshold(), score,
                                  static_cast<uint32_t>(config_.dense_cluster_limit()),
                                  /*witnesses=*/!data_->is_link());
  result.timings.clustering = Seconds(start);
  return result;
}

}  // namespace hub::match
