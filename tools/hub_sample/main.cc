// hub-sample: writes a synthetic B2B company world as vendor exports plus its
// ground truth. Exit codes: 0 ok, 2 bad usage, 1 any other error.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "CLI/CLI.hpp"
#include "tools/hub_sample/generator.h"

int main(int argc, char** argv) {
  CLI::App app{
      "hub-sample: simulates a B2B company's world and writes it as "
      "Salesforce, Mailchimp, "
      "Segment, GA4 and Zendesk exports plus its ground truth "
      "(docs/sources.md)."};
  hub::sample::GeneratorOptions options;
  app.add_option("--out", options.out_dir, "Output folder (created if missing)")
      ->required();
  app.add_option("--accounts", options.accounts,
                 "Number of accounts (1..1000000)")
      ->capture_default_str();
  app.add_option("--seed", options.seed, "Random seed")->capture_default_str();
  app.add_option("--start", options.start, "First day, YYYY-MM-DD")
      ->capture_default_str();
  app.add_option("--months", options.months, "Window length in months (1..120)")
      ->capture_default_str();
  app.add_flag("--force", options.force,
               "Replace export folders already in --out");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  const auto begin = std::chrono::steady_clock::now();
  const absl::StatusOr<hub::sample::GeneratorReport> report =
      hub::sample::Generate(options);
  if (!report.ok()) {
    std::cerr << "hub-sample: " << report.status().message() << "\n";
    return report.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin)
          .count();
  const hub::sample::TruthSummary& s = report->summary;
  std::fprintf(
      stderr,
      "hub-sample: %lld accounts, %lld persons, %lld records (%lld invalid), "
      "%lld person / %lld account fragments; %lld files, %.1f MB in %s; %.2f "
      "s\n",
      static_cast<long long>(s.accounts), static_cast<long long>(s.persons),
      static_cast<long long>(s.records),
      static_cast<long long>(s.invalid_records),
      static_cast<long long>(s.person_fragments),
      static_cast<long long>(s.account_fragments),
      static_cast<long long>(report->files),
      static_cast<double>(report->bytes) / 1e6, options.out_dir.c_str(),
      seconds);
  return 0;
}
