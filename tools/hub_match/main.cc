// hub-match: offline probabilistic deduplication (one CSV) or linkage (two
// CSVs) with the matcher hubd uses. Writes `record_id,cluster_id` (linkage:
// `source,record_id,cluster_id`) to stdout; a summary goes to stderr.
// Exit codes: 0 ok, 2 bad usage or configuration, 1 any other error.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "CLI/CLI.hpp"
#include "tools/hub_match/csv_dataset.h"
#include "tools/hub_match/output.h"

int main(int argc, char** argv) {
  CLI::App app{
      "hub-match: dedupes one CSV file or links two with a Fellegi-Sunter "
      "model trained on the data itself (EM), clustering with average "
      "linkage. Writes record_id,cluster_id to stdout."};
  std::string config_path;
  std::vector<std::string> files;
  std::string pairs_path;
  double min_probability = -1;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  bool quiet = false;
  app.add_option("--config", config_path, "MatchConfig textproto")->required();
  app.add_option("files", files, "a.csv [b.csv]")->required()->expected(1, 2);
  app.add_option("--pairs", pairs_path,
                 "Also write scored candidate pairs with each field's weight "
                 "to this file");
  app.add_option("--min-probability", min_probability,
                 "Pairs written to --pairs have at least this probability "
                 "(default: the config's lower_threshold)");
  std::string model_path;
  app.add_option("--write-model", model_path,
                 "Also write the config with the trained model (m, u, prior) "
                 "to this file: hubd's matching section");
  app.add_option("--threads", threads, "Worker threads")->capture_default_str();
  app.add_flag("--quiet", quiet, "No summary on stderr");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  absl::StatusOr<hub::v1::MatchConfig> config =
      hub::match::LoadMatchConfig(config_path);
  if (!config.ok()) {
    std::cerr << "hub-match: " << config.status().message() << "\n";
    return 2;
  }
  hub::match::RunOptions options;
  options.files = files;
  options.threads = threads;
  options.pairs_path = pairs_path;
  options.model_path = model_path;
  options.min_probability =
      min_probability >= 0 ? min_probability : config->lower_threshold();
  options.summary = quiet ? nullptr : &std::cerr;
  const absl::Status status = hub::match::RunHubMatch(*config, options, std::cout);
  if (!status.ok()) {
    std::cerr << "hub-match: " << status.message() << "\n";
    return status.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  return 0;
}
