// Simulates a B2B company's world: accounts and their buying groups moving
// through the lifecycle (anonymous visits, form fills, leads, contacts,
// opportunities, renewals, churn) and the marketing, web and support activity
// around them, as the vendor systems record it (with controlled noise).
#ifndef HUB_TOOLS_HUB_SAMPLE_SIMULATOR_H_
#define HUB_TOOLS_HUB_SAMPLE_SIMULATOR_H_

#include <cstdint>

#include "tools/hub_sample/world.h"

namespace hub::sample {

struct SimulationOptions {
  // Number of accounts (companies) to simulate; > 0.
  int accounts = 100;
  // Seed of every random draw; the same options give the same world.
  uint64_t seed = 1;
  // Start of the window, Unix seconds at midnight UTC (default 2024-01-01).
  int64_t start = 1704067200;
  // Length of the window in calendar months; > 0.
  int months = 24;
};

// Builds the world for `options`. Deterministic; never fails.
World Simulate(const SimulationOptions& options);

}  // namespace hub::sample

#endif  // HUB_TOOLS_HUB_SAMPLE_SIMULATOR_H_
