// hub-sample's front door: simulate a world and write it as vendor exports
// plus its ground truth (docs/sources.md).
#ifndef HUB_TOOLS_HUB_SAMPLE_GENERATOR_H_
#define HUB_TOOLS_HUB_SAMPLE_GENERATOR_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "tools/hub_sample/truth.h"

namespace hub::sample {

struct GeneratorOptions {
  // Folder to write into (created if missing). Required.
  std::string out_dir;
  // Number of accounts; 1..1,000,000.
  int accounts = 100;
  // Seed; the same options give byte-identical files.
  uint64_t seed = 1;
  // First day of the simulated window, YYYY-MM-DD (UTC). The window must end
  // by now: ingest rejects records dated in the future.
  std::string start = "2024-01-01";
  // Window length in months; 1..120.
  int months = 24;
  // Replace export folders already present under out_dir (only the folders
  // hub-sample writes: salesforce, mailchimp, segment, ga4, zendesk, truth).
  bool force = false;
};

struct GeneratorReport {
  TruthSummary summary;
  int64_t bytes = 0;  // total size of the files written
  int64_t files = 0;
};

// Generates the export. INVALID_ARGUMENT for bad options; FAILED_PRECONDITION
// if out_dir already holds a non-empty export folder and !force; INTERNAL on
// I/O errors (the folder may then hold a partial export).
absl::StatusOr<GeneratorReport> Generate(const GeneratorOptions& options);

}  // namespace hub::sample

#endif  // HUB_TOOLS_HUB_SAMPLE_GENERATOR_H_
