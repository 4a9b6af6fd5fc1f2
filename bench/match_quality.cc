// match_quality: hub-match's accuracy and speed on the public entity
// resolution benchmarks in ../shared/datasets (see each SOURCE.md), with
// pairwise and B-cubed precision/recall/F1 against their ground truth.
// Thresholds are the defaults (chosen on febrl1); every other dataset runs
// untuned with its config from bench/match_configs/.
//
//   build/bin/match_quality [--datasets DIR] [--configs DIR] [--only NAME]
//   build/bin/match_quality --febrl FILE [--config NAME]   (febrl_gen output)
// Peak memory (max RSS of the process so far) is printed after each row.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "adapters/csv_reader.h"
#include "match/matcher.h"
#include "tools/hub_match/csv_dataset.h"

namespace {

using hub::match::Dataset;

// Reads one column of a CSV file (all rows, in order).
std::vector<std::string> ReadColumn(const std::string& path,
                                    const std::string& column, bool skip_space) {
  auto reader = hub::CsvReader::Open(path);
  if (!reader.ok()) {
    std::fprintf(stderr, "%s\n", reader.status().ToString().c_str());
    std::exit(1);
  }
  (*reader)->set_skip_initial_space(skip_space);
  std::vector<std::string> row, out;
  int at = -1;
  (void)*(*reader)->ReadRow(&row);
  for (size_t i = 0; i < row.size(); ++i) {
    if (absl::StripAsciiWhitespace(row[i]) == column) at = static_cast<int>(i);
  }
  while (*(*reader)->ReadRow(&row)) out.push_back(row.at(at));
  return out;
}

struct Metrics {
  double pairs_true = 0, pairs_predicted = 0, pairs_correct = 0;
  double b3_precision = 0, b3_recall = 0;
};

double Choose2(double n) { return n * (n - 1) / 2; }

// Pairwise and B-cubed scores of `predicted` cluster ids against `truth`
// labels. In a linkage only cross-source pairs count.
Metrics Score(const Dataset& data, const std::vector<uint32_t>& predicted,
              const std::vector<std::string>& truth) {
  Metrics m;
  const size_t n = predicted.size();
  // Counts per (predicted, truth), per predicted, per truth; split by
  // source for linkage.
  absl::flat_hash_map<std::string, double> joint[2], pred[2], real[2];
  for (size_t r = 0; r < n; ++r) {
    const int s = data.source(r);
    ++joint[s][absl::StrCat(predicted[r], "|", truth[r])];
    ++pred[s][absl::StrCat(predicted[r])];
    ++real[s][truth[r]];
  }
  auto pairs = [&](absl::flat_hash_map<std::string, double>* counts) {
    double total = 0;
    if (!data.is_link()) {
      for (const auto& [k, c] : counts[0]) total += Choose2(c);
      return total;
    }
    for (const auto& [k, c] : counts[0]) {
      auto it = counts[1].find(k);
      if (it != counts[1].end()) total += c * it->second;
    }
    return total;
  };
  m.pairs_correct = pairs(joint);
  m.pairs_predicted = pairs(pred);
  m.pairs_true = pairs(real);
  auto total = [&](absl::flat_hash_map<std::string, double>* counts,
                   const std::string& key) {
    double t = 0;
    for (int s = 0; s < 2; ++s) {
      auto it = counts[s].find(key);
      if (it != counts[s].end()) t += it->second;
    }
    return t;
  };
  for (size_t r = 0; r < n; ++r) {
    const std::string jk = absl::StrCat(predicted[r], "|", truth[r]);
    const double both = total(joint, jk);
    m.b3_precision += both / total(pred, absl::StrCat(predicted[r]));
    m.b3_recall += both / total(real, truth[r]);
  }
  m.b3_precision /= n;
  m.b3_recall /= n;
  return m;
}

double F1(double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0; }

struct Benchmark {
  std::string name;
  std::string config;
  std::vector<std::string> files;
  // Truth label per record, in load order.
  std::function<std::vector<std::string>(const Dataset&)> truth;
};

}  // namespace

int main(int argc, char** argv) {
  std::string datasets = HUB_SHARED_DIR "/datasets";
  std::string configs = HUB_SOURCE_DIR "/bench/match_configs";
  std::string only, febrl_file, febrl_config = "febrl_large";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--datasets") datasets = argv[i + 1];
    else if (flag == "--configs") configs = argv[i + 1];
    else if (flag == "--only") only = argv[i + 1];
    else if (flag == "--febrl") febrl_file = argv[i + 1];
    else if (flag == "--config") febrl_config = argv[i + 1];
  }
  const std::string d = datasets + "/";
  auto febrl_truth = [](const Dataset& data) {
    std::vector<std::string> out;
    const std::regex entity("rec-(\\d+)-");
    for (size_t r = 0; r < data.size(); ++r) {
      std::smatch m;
      std::regex_search(data.id(r), m, entity);
      out.push_back(m[1]);
    }
    return out;
  };
  auto column_truth = [](std::vector<std::string> files, std::string column,
                         bool skip_space) {
    return [=](const Dataset&) {
      std::vector<std::string> out;
      for (const std::string& f : files) {
        for (std::string v : ReadColumn(f, column, skip_space)) {
          out.push_back(std::string(absl::StripAsciiWhitespace(v)));
        }
      }
      return out;
    };
  };
  const std::string r1 = d + "dedupe-restaurant/restaurant-1.csv";
  const std::string r2 = d + "dedupe-restaurant/restaurant-2.csv";
  const std::string rt = d + "dedupe-restaurant/restaurant-nophone-training.csv";
  const std::string pin = d + "dedupe-patent-example/patstat_input.csv";
  const std::string pref = d + "dedupe-patent-example/patstat_reference.csv";
  const std::string f1k = d + "splink-fake-1000/fake_1000.csv";
  const std::string f20k = d + "splink-fake-20000/fake_20000_from_splink_demos.csv";
  std::vector<Benchmark> benchmarks = {
      {"febrl1", "febrl", {d + "febrl/dataset1.csv"}, febrl_truth},
      {"febrl2", "febrl", {d + "febrl/dataset2.csv"}, febrl_truth},
      {"febrl3", "febrl", {d + "febrl/dataset3.csv"}, febrl_truth},
      {"fake_1000", "splink_fake", {f1k}, column_truth({f1k}, "cluster", false)},
      {"fake_20000", "splink_fake", {f20k}, column_truth({f20k}, "cluster", false)},
      {"restaurant_dedupe", "restaurant", {rt}, column_truth({rt}, "unique_id", true)},
      {"restaurant_link", "restaurant", {r1, r2}, column_truth({r1, r2}, "unique_id", true)},
      {"patent", "patent", {pin}, [&](const Dataset& data) {
         std::vector<std::string> ids = ReadColumn(pref, "person_id", false);
         std::vector<std::string> leuven = ReadColumn(pref, "leuven_id", false);
         absl::flat_hash_map<std::string, std::string> by_id;
         for (size_t i = 0; i < ids.size(); ++i) by_id[ids[i]] = leuven[i];
         std::vector<std::string> out;
         for (size_t r = 0; r < data.size(); ++r) out.push_back(by_id.at(data.id(r)));
         return out;
       }},
  };
  if (!febrl_file.empty()) {
    benchmarks = {{"febrl_gen", febrl_config, {febrl_file}, febrl_truth}};
  }
  std::printf("%-18s %7s %8s %8s | %6s %6s %6s | %6s %6s %6s | %s\n", "dataset",
              "records", "true_pr", "pred_pr", "P", "R", "F1", "B3_P", "B3_R",
              "B3_F1", "seconds  peak");
  for (const Benchmark& b : benchmarks) {
    if (!only.empty() && b.name != only) continue;
    const auto start = std::chrono::steady_clock::now();
    auto config = hub::match::LoadMatchConfig(configs + "/" + b.config + ".textproto");
    if (!config.ok()) {
      std::fprintf(stderr, "%s\n", config.status().ToString().c_str());
      return 1;
    }
    Dataset data = hub::match::MakeDataset(*config);
    for (size_t i = 0; i < b.files.size(); ++i) {
      absl::Status s = hub::match::LoadCsv(b.files[i], static_cast<int>(i), *config, &data);
      if (!s.ok()) {
        std::fprintf(stderr, "%s\n", s.ToString().c_str());
        return 1;
      }
    }
    auto matcher = hub::match::Matcher::Create(*config, &data, 2);
    if (!matcher.ok()) {
      std::fprintf(stderr, "%s\n", matcher.status().ToString().c_str());
      return 1;
    }
    auto result = (*matcher)->Run();
    if (!result.ok()) {
      std::fprintf(stderr, "%s\n", result.status().ToString().c_str());
      return 1;
    }
    const double seconds = std::chrono::duration<double>(
                               std::chrono::steady_clock::now() - start)
                               .count();
    const Metrics m = Score(data, result->cluster, b.truth(data));
    const double p = m.pairs_predicted > 0 ? m.pairs_correct / m.pairs_predicted : 0;
    const double r = m.pairs_true > 0 ? m.pairs_correct / m.pairs_true : 0;
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    std::printf("%-18s %7zu %8.0f %8.0f | %6.4f %6.4f %6.4f | %6.4f %6.4f %6.4f | %7.3f  %.0f MB\n",
                b.name.c_str(), data.size(), m.pairs_true, m.pairs_predicted, p, r,
                F1(p, r), m.b3_precision, m.b3_recall,
                F1(m.b3_precision, m.b3_recall), seconds, usage.ru_maxrss / 1024.0);
    std::fflush(stdout);
  }
  return 0;
}
