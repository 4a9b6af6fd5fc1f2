#include "match/fellegi_sunter.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace hub::match {
namespace {

// Probabilities are kept away from 0 and 1 so that no single field can make
// a weight infinite.
constexpr double kMinProbability = 1e-6;

// EM refines m only when the anchored model puts at least this share of the
// candidates among matches. Below it, the two-class mixture's likelihood is
// dominated by structure among the non-matches, and EM converges on a
// spurious class (restaurants: "same city", a share of 0.005 grows to 0.48).
constexpr double kRefineMinMatchShare = 0.25;

double Clamp(double p) {
  return std::min(1 - kMinProbability, std::max(kMinProbability, p));
}

// random = g * m + (1 - g) * u for the global match share g, so
// u = (random - g * m) / (1 - g), renormalised.
void CorrectU(double g, Model* model) {
  for (FieldParams& f : model->fields) {
    double sum = 0;
    for (size_t l = 0; l < f.u.size(); ++l) {
      f.u[l] = std::max(f.random[l] * 0.01, (f.random[l] - g * f.m[l]) / (1 - g));
      sum += f.u[l];
    }
    for (double& u : f.u) u = Clamp(u / sum);
  }
}

// Estimates m without asking EM to find the match class: under conditional
// independence, field f's levels among pairs that agree strongly (top two
// levels) on every *other* present field, at least two, are distributed as
// among matches. Returns the share of pairs agreeing strongly on every
// present field: EM's starting prior.
double AnchoredM(const std::vector<std::pair<Pattern, double>>& distinct,
                Model* model) {
  const size_t num_fields = model->fields.size();
  std::vector<int> strong(num_fields);
  std::vector<std::vector<double>> counts(num_fields);
  for (size_t f = 0; f < num_fields; ++f) {
    const int levels = static_cast<int>(model->fields[f].u.size());
    strong[f] = std::max(1, levels - 2);
    counts[f].assign(levels, 0);
  }
  double anchors = 0, all = 0;
  for (const auto& [pattern, count] : distinct) {
    int present = 0, agreeing = 0;
    for (size_t f = 0; f < num_fields; ++f) {
      const int level = PatternLevel(pattern, f);
      if (level == FieldComparator::kMissing) continue;
      ++present;
      agreeing += level >= strong[f];
    }
    all += count;
    if (present >= 2 && agreeing == present) anchors += count;
    for (size_t f = 0; f < num_fields; ++f) {
      const int level = PatternLevel(pattern, f);
      if (level == FieldComparator::kMissing) continue;
      const int others = present - 1;
      if (others >= 2 && agreeing - (level >= strong[f]) == others) {
        counts[f][level] += count;
      }
    }
  }
  for (size_t f = 0; f < num_fields; ++f) {
    std::vector<double>& m = model->fields[f].m;
    const int levels = static_cast<int>(counts[f].size());
    double sum = 0;
    for (double c : counts[f]) sum += c;
    m.assign(levels, 0);
    // Too few anchors: "matches mostly agree exactly".
    const bool anchored = sum >= 10;
    double total = 0;
    for (int l = 0; l < levels; ++l) {
      total += m[l] = anchored ? counts[f][l] + 0.5 : std::pow(4.0, l);
    }
    for (double& v : m) v = Clamp(v / total);
  }
  return Clamp(all > 0 ? std::max(anchors / all, 1e-4) : 0.1);
}

// Expectation-maximisation over the distinct comparison patterns (with their
// counts), from the candidate match share `lambda`: re-estimates the share,
// u (from the random-pair distribution, given the implied global share) and,
// with `update_m`, m. Returns the candidate match share.
double RunEm(const std::vector<std::pair<Pattern, double>>& distinct,
             double lambda, double pairs_per_candidate, int iterations,
             bool update_m, Model* model) {
  const size_t num_fields = model->fields.size();
  std::vector<std::vector<double>> match_counts(num_fields);
  model->em_iterations = 0;
  for (int it = 0; it < iterations; ++it) {
    for (size_t f = 0; f < num_fields; ++f) {
      match_counts[f].assign(model->fields[f].m.size(), 0);
    }
    double match_sum = 0, all = 0;
    for (const auto& [pattern, count] : distinct) {
      double log_ratio = std::log(lambda / (1 - lambda));
      for (size_t f = 0; f < num_fields; ++f) {
        const int level = PatternLevel(pattern, f);
        if (level == FieldComparator::kMissing) continue;
        log_ratio += std::log(model->fields[f].m[level] / model->fields[f].u[level]);
      }
      const double matches = count / (1 + std::exp(-log_ratio));
      match_sum += matches;
      all += count;
      if (!update_m) continue;
      for (size_t f = 0; f < num_fields; ++f) {
        const int level = PatternLevel(pattern, f);
        if (level != FieldComparator::kMissing) match_counts[f][level] += matches;
      }
    }
    const double next = Clamp(all > 0 ? match_sum / all : 0.5);
    double change = std::fabs(next - lambda);
    lambda = next;
    if (update_m) {
      for (size_t f = 0; f < num_fields; ++f) {
        std::vector<double>& m = model->fields[f].m;
        double total = 0;
        for (double c : match_counts[f]) total += c + 0.5;
        for (size_t l = 0; l < m.size(); ++l) {
          const double updated = Clamp((match_counts[f][l] + 0.5) / total);
          change = std::max(change, std::fabs(updated - m[l]));
          m[l] = updated;
        }
      }
    }
    CorrectU(std::min(0.5, lambda / pairs_per_candidate), model);
    model->em_iterations = it + 1;
    if (change < 1e-6) break;
  }
  return lambda;
}

}  // namespace

Pattern ComparePair(const std::vector<FieldComparator>& fields, uint32_t a,
                    uint32_t b) {
  Pattern p = 0;
  for (size_t f = 0; f < fields.size(); ++f) {
    const int level = fields[f].Compare(a, b);
    const Pattern bits = level == FieldComparator::kMissing ? kPatternMissing
                                                           : Pattern(level);
    p |= bits << (4 * f);
  }
  return p;
}

std::vector<FieldParams> EstimateU(const std::vector<FieldComparator>& fields,
                                   const Dataset& data, int64_t sample_pairs,
                                   uint64_t seed, int threads) {
  std::vector<uint32_t> left, right;
  for (uint32_t r = 0; r < data.size(); ++r) {
    (data.source(r) == 0 ? left : right).push_back(r);
  }
  if (!data.is_link()) right = left;
  // The sample is cut into fixed chunks, each with its own seed, so the
  // estimate does not depend on the number of threads.
  constexpr int kChunks = 64;
  std::vector<std::vector<std::vector<int64_t>>> counts(kChunks);
  for (int c = 0; c < kChunks; ++c) {
    counts[c].resize(fields.size());
    for (size_t f = 0; f < fields.size(); ++f) {
      counts[c][f].assign(fields[f].num_levels(), 0);
    }
  }
  auto run_chunk = [&](int c) {
    if (left.empty() || right.size() < 2) return;
    std::mt19937_64 rng(seed * 7919 + c);
    std::uniform_int_distribution<size_t> pick_l(0, left.size() - 1);
    std::uniform_int_distribution<size_t> pick_r(0, right.size() - 1);
    for (int64_t i = c; i < sample_pairs; i += kChunks) {
      const uint32_t a = left[pick_l(rng)];
      const uint32_t b = right[pick_r(rng)];
      if (a == b) continue;
      for (size_t f = 0; f < fields.size(); ++f) {
        const int level = fields[f].Compare(a, b);
        if (level != FieldComparator::kMissing) ++counts[c][f][level];
      }
    }
  };
  threads = std::max(1, std::min(threads, kChunks));
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int c = t; c < kChunks; c += threads) run_chunk(c);
    });
  }
  for (std::thread& w : workers) w.join();
  std::vector<FieldParams> params(fields.size());
  for (size_t f = 0; f < fields.size(); ++f) {
    const int levels = fields[f].num_levels();
    std::vector<double> total(levels, 0);
    double sum = 0;
    for (int c = 0; c < kChunks; ++c) {
      for (int l = 0; l < levels; ++l) total[l] += counts[c][f][l];
    }
    for (double c : total) sum += c;
    // Add-half smoothing: a level never seen among random pairs is rare,
    // not impossible.
    params[f].random.resize(levels);
    for (int l = 0; l < levels; ++l) {
      params[f].random[l] = Clamp((total[l] + 0.5) / (sum + 0.5 * levels));
    }
    params[f].u = params[f].random;
  }
  return params;
}

void EstimateM(const std::vector<Pattern>& patterns,
               const std::vector<uint32_t>& ignored, double pairs_per_candidate,
               int iterations, Model* model) {
  // Ignored fields' pattern bits set to "missing".
  absl::flat_hash_map<uint32_t, Pattern> masks;
  absl::flat_hash_map<Pattern, int64_t> histogram;
  for (size_t i = 0; i < patterns.size(); ++i) {
    auto [it, inserted] = masks.try_emplace(ignored[i], 0);
    if (inserted) {
      for (int f = 0; f < kMaxFields; ++f) {
        if (ignored[i] >> f & 1) it->second |= Pattern(kPatternMissing) << (4 * f);
      }
    }
    ++histogram[patterns[i] | it->second];
  }
  std::vector<std::pair<Pattern, double>> distinct(histogram.begin(),
                                                   histogram.end());
  std::sort(distinct.begin(), distinct.end());
  const double anchored = RunEm(distinct, AnchoredM(distinct, model),
                                pairs_per_candidate, iterations,
                                /*update_m=*/false, model);
  model->candidate_lambda = anchored;
  if (anchored < kRefineMinMatchShare) return;
  // Matches are a large share of the candidates: let EM refine m too. The
  // anchors, pairs agreeing on (nearly) everything, over-represent the
  // tightest sub-groups of an entity (one inventor's patents at one site)
  // and would teach the model that true matches rarely disagree.
  const int anchored_iterations = model->em_iterations;
  model->candidate_lambda = RunEm(distinct, anchored, pairs_per_candidate,
                                  iterations, /*update_m=*/true, model);
  model->em_iterations += anchored_iterations;
}

absl::StatusOr<Model> ModelFromConfig(const hub::v1::MatchConfig& config,
                                      const std::vector<FieldComparator>& fields) {
  Model model;
  if (!(config.prior() > 0 && config.prior() < 1)) {
    return absl::InvalidArgumentError("prior: must be in (0, 1)");
  }
  model.lambda = config.prior();
  for (size_t f = 0; f < fields.size(); ++f) {
    const hub::v1::MatchField& field = config.fields(static_cast<int>(f));
    const size_t levels = static_cast<size_t>(fields[f].num_levels());
    FieldParams params;
    params.m.assign(field.m().begin(), field.m().end());
    params.u.assign(field.u().begin(), field.u().end());
    for (const auto& [name, values] :
         {std::pair<const char*, const std::vector<double>*>{"m", &params.m},
          {"u", &params.u}}) {
      bool valid = values->size() == levels;
      for (double p : *values) valid = valid && p > 0 && p < 1;
      if (!valid) {
        return absl::InvalidArgumentError(absl::StrCat(
            "fields[", field.column(), "].", name, ": needs ", levels,
            " probabilities in (0, 1), one per level from else to exact"));
      }
    }
    params.random = params.u;
    model.fields.push_back(std::move(params));
  }
  return model;
}

void ModelToConfig(const Model& model, hub::v1::MatchConfig* config) {
  for (size_t f = 0; f < model.fields.size(); ++f) {
    hub::v1::MatchField* field = config->mutable_fields(static_cast<int>(f));
    field->clear_m();
    field->clear_u();
    for (double m : model.fields[f].m) field->add_m(m);
    for (double u : model.fields[f].u) field->add_u(u);
  }
  config->set_prior(model.lambda);
}

Scorer::Scorer(const std::vector<FieldComparator>* fields, const Model* model)
    : fields_(fields), model_(model) {
  prior_ = std::log2(model->lambda / (1 - model->lambda));
  weights_.resize(model->fields.size());
  for (size_t f = 0; f < model->fields.size(); ++f) {
    const FieldParams& p = model->fields[f];
    for (size_t l = 0; l < p.m.size(); ++l) {
      weights_[f].push_back(std::log2(p.m[l] / p.u[l]));
    }
  }
}

double Scorer::Weight(int field, int level, uint32_t a) const {
  const FieldComparator& fc = (*fields_)[field];
  if (level == fc.exact_level() && model_->term_frequency) {
    // Term frequency: agreeing on a value held by a share s of records has
    // u = s (Winkler), so rare values weigh more than common ones.
    // At the exact level both records hold the same value: `a`'s share.
    const std::optional<double> share = fc.ExactFrequency(a);
    if (share) {
      const FieldParams& p = model_->fields[field];
      return std::log2(p.m[level] / Clamp(*share));
    }
  }
  return weights_[field][level];
}

double Scorer::LogOdds(uint32_t a, Pattern pattern) const {
  double odds = prior_;
  for (size_t f = 0; f < weights_.size(); ++f) {
    const int level = PatternLevel(pattern, static_cast<int>(f));
    if (level != FieldComparator::kMissing) odds += Weight(f, level, a);
  }
  return odds;
}

double Scorer::Probability(double log_odds) {
  return 1 / (1 + std::exp2(-log_odds));
}

std::vector<Scorer::Contribution> Scorer::Explain(uint32_t a,
                                                  uint32_t b) const {
  std::vector<Contribution> out;
  for (size_t f = 0; f < weights_.size(); ++f) {
    const FieldComparator& fc = (*fields_)[f];
    Contribution c;
    c.column = fc.column_name();
    const int level = fc.Compare(a, b);
    if (level == FieldComparator::kMissing) {
      c.level = "missing";
    } else {
      c.level = fc.level_name(level);
      c.weight = Weight(f, level, a);
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace hub::match
