#include "tools/hub_match/output.h"

#include <chrono>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "match/matcher.h"
#include "profile/base/status_macros.h"
#include "tools/hub_match/csv_dataset.h"

namespace hub::match {
namespace {

// RFC 4180 quoting when needed.
std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string RecordName(const Dataset& data, uint32_t r) {
  return data.is_link() ? absl::StrCat(data.source(r) + 1, ":", data.id(r))
                        : data.id(r);
}

absl::Status WritePairs(const std::string& path, const Dataset& data,
                        const Matcher& matcher, const MatchResult& result,
                        double min_probability) {
  std::ofstream out(path);
  if (!out) return absl::PermissionDeniedError(absl::StrCat(path, ": cannot write"));
  out << "record_a,record_b,probability,log2_odds";
  for (const FieldComparator& f : matcher.fields()) {
    out << "," << CsvField(f.column_name() + ".level") << ","
        << CsvField(f.column_name() + ".weight");
  }
  out << "\n";
  for (const ScoredEdge& e : result.pairs) {
    if (e.probability < min_probability) continue;
    double log_odds = matcher.scorer().prior_log_odds();
    std::vector<Scorer::Contribution> parts = matcher.scorer().Explain(e.a, e.b);
    for (const Scorer::Contribution& c : parts) log_odds += c.weight;
    out << CsvField(RecordName(data, e.a)) << "," << CsvField(RecordName(data, e.b))
        << "," << absl::StrFormat("%.6f,%.3f", e.probability, log_odds);
    for (const Scorer::Contribution& c : parts) {
      out << "," << c.level << "," << absl::StrFormat("%.3f", c.weight);
    }
    out << "\n";
  }
  if (!out) return absl::DataLossError(absl::StrCat(path, ": write failed"));
  return absl::OkStatus();
}

void WriteSummary(const Dataset& data, const Matcher& matcher,
                  const MatchResult& result, double load_seconds,
                  std::ostream& out) {
  int64_t clusters = 0;
  for (uint32_t r = 0; r < result.cluster.size(); ++r) clusters += result.cluster[r] == r;
  const MatchTimings& t = result.timings;
  out << absl::StrFormat(
      "hub-match: %d records, %d candidate pairs (%d blocks, %d oversized "
      "skipped), %d clusters; EM %d iterations, prior %.3g among candidates %.4f\n"
      "hub-match: seconds: load %.3f, blocking %.3f, u %.3f, compare %.3f, "
      "em+score %.3f, cluster %.3f\n",
      data.size(), result.blocking.candidates, result.blocking.blocks,
      result.blocking.skipped_blocks, clusters, matcher.model().em_iterations,
      matcher.model().lambda, matcher.model().candidate_lambda, load_seconds, t.blocking, t.u_sampling, t.comparing,
      t.em, t.clustering);
  for (size_t f = 0; f < matcher.fields().size(); ++f) {
    const FieldComparator& fc = matcher.fields()[f];
    const FieldParams& p = matcher.model().fields[f];
    std::vector<std::string> levels;
    for (int l = fc.num_levels() - 1; l >= 0; --l) {
      levels.push_back(absl::StrFormat("%s m=%.3g u=%.3g", fc.level_name(l), p.m[l], p.u[l]));
    }
    out << "hub-match:   " << fc.column_name() << ": " << absl::StrJoin(levels, "; ")
        << "\n";
  }
}

}  // namespace

absl::Status RunHubMatch(const hub::v1::MatchConfig& config,
                         const RunOptions& options, std::ostream& out) {
  const auto start = std::chrono::steady_clock::now();
  Dataset data = MakeDataset(config);
  for (size_t i = 0; i < options.files.size(); ++i) {
    HUB_RETURN_IF_ERROR(LoadCsv(options.files[i], static_cast<int>(i), config, &data));
  }
  const double load_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<Matcher> matcher,
                       Matcher::Create(config, &data, options.threads));
  HUB_ASSIGN_OR_RETURN(MatchResult result, matcher->Run());
  out << (data.is_link() ? "source,record_id,cluster_id\n" : "record_id,cluster_id\n");
  for (uint32_t r = 0; r < data.size(); ++r) {
    if (data.is_link()) out << data.source(r) + 1 << ",";
    out << CsvField(data.id(r)) << "," << CsvField(RecordName(data, result.cluster[r]))
        << "\n";
  }
  if (!options.pairs_path.empty()) {
    HUB_RETURN_IF_ERROR(WritePairs(options.pairs_path, data, *matcher, result,
                                   options.min_probability));
  }
  if (!options.model_path.empty()) {
    hub::v1::MatchConfig trained = config;
    ModelToConfig(matcher->model(), &trained);
    std::string text;
    google::protobuf::TextFormat::PrintToString(trained, &text);
    std::ofstream model(options.model_path);
    model << "# Trained by hub-match on " << absl::StrJoin(options.files, ", ") << "\n"
          << text;
    if (!model) {
      return absl::PermissionDeniedError(
          absl::StrCat(options.model_path, ": cannot write"));
    }
  }
  if (options.summary != nullptr) {
    WriteSummary(data, *matcher, result, load_seconds, *options.summary);
  }
  if (!out) return absl::DataLossError("stdout: write failed");
  return absl::OkStatus();
}

}  // namespace hub::match
