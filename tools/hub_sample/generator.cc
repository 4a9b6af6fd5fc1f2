#include "tools/hub_sample/generator.h"

#include <ctime>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "tools/hub_sample/civil_time.h"
#include "tools/hub_sample/output.h"
#include "tools/hub_sample/simulator.h"
#include "tools/hub_sample/writers.h"

namespace hub::sample {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFolders[] = {"salesforce", "mailchimp", "segment",
                                    "ga4",        "zendesk",   "truth"};

absl::Status Validate(const GeneratorOptions& o, int64_t* start) {
  if (o.out_dir.empty()) return absl::InvalidArgumentError("--out is required");
  if (o.accounts < 1 || o.accounts > 1000000) {
    return absl::InvalidArgumentError(
        absl::StrCat("--accounts must be 1..1000000, got ", o.accounts));
  }
  if (o.months < 1 || o.months > 120) {
    return absl::InvalidArgumentError(
        absl::StrCat("--months must be 1..120, got ", o.months));
  }
  if (!ParseDate(o.start, start)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--start must be a date YYYY-MM-DD, got '", o.start, "'"));
  }
  // Ingest rejects records dated in the future, so the window must be over.
  if (AddMonths(*start, o.months) > static_cast<int64_t>(std::time(nullptr))) {
    return absl::InvalidArgumentError(absl::StrCat("--start ", o.start,
                                                   " plus --months ", o.months,
                                                   " ends in the future"));
  }
  return absl::OkStatus();
}

absl::Status PrepareFolder(const GeneratorOptions& o) {
  std::error_code error;
  if (fs::exists(o.out_dir, error) && !fs::is_directory(o.out_dir, error)) {
    return absl::FailedPreconditionError(
        absl::StrCat(o.out_dir, " is not a folder"));
  }
  for (const char* name : kFolders) {
    const fs::path path = fs::path(o.out_dir) / name;
    if (!fs::exists(path, error) || fs::is_empty(path, error)) continue;
    if (!o.force) {
      return absl::FailedPreconditionError(
          absl::StrCat(path.string(),
                       " exists and is not empty (use --force to replace it)"));
    }
    fs::remove_all(path, error);
    if (error)
      return absl::InternalError(
          absl::StrCat("cannot remove ", path.string(), ": ", error.message()));
  }
  return MakeDirectories(o.out_dir);
}

void Measure(const std::string& dir, GeneratorReport* report) {
  std::error_code error;
  for (const char* name : kFolders) {
    for (fs::recursive_directory_iterator it(fs::path(dir) / name, error), end;
         !error && it != end; it.increment(error)) {
      if (it->is_regular_file(error)) {
        report->bytes += static_cast<int64_t>(it->file_size(error));
        report->files++;
      }
    }
  }
}

}  // namespace

absl::StatusOr<GeneratorReport> Generate(const GeneratorOptions& options) {
  int64_t start = 0;
  if (absl::Status s = Validate(options, &start); !s.ok()) return s;
  if (absl::Status s = PrepareFolder(options); !s.ok()) return s;
  SimulationOptions sim;
  sim.accounts = options.accounts;
  sim.seed = options.seed;
  sim.start = start;
  sim.months = options.months;
  const World world = Simulate(sim);

  Truth truth;
  const std::string& dir = options.out_dir;
  for (auto [write, name] : {std::pair{WriteSalesforce, "salesforce"},
                             {WriteMailchimp, "mailchimp"},
                             {WriteSegment, "segment"},
                             {WriteGa4, "ga4"},
                             {WriteZendesk, "zendesk"}}) {
    if (absl::Status s = write(world, absl::StrCat(dir, "/", name), &truth);
        !s.ok())
      return s;
  }
  nlohmann::ordered_json o;
  o["accounts"] = options.accounts;
  o["seed"] = options.seed;
  o["start"] = FormatTime(world.start, TimeStyle::kDate);
  o["months"] = options.months;
  o["end"] = FormatTime(world.end, TimeStyle::kDate);
  GeneratorReport report;
  if (absl::Status s = MakeDirectories(dir + "/truth"); !s.ok()) return s;
  if (absl::Status s = truth.Write(dir + "/truth", o.dump(), world.start,
                                   world.end, &report.summary);
      !s.ok())
    return s;
  Measure(dir, &report);
  return report;
}

}  // namespace hub::sample
