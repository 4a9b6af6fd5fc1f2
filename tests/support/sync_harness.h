// SyncHarness: a hub without gRPC for sync tests — one SQLite store, an
// adapter registry, an Ingester and a SyncRunner — and a Sync that runs one
// source to the end of its job.
#ifndef HUB_TESTS_SUPPORT_SYNC_HARNESS_H_
#define HUB_TESTS_SUPPORT_SYNC_HARNESS_H_

#include <memory>
#include <string>

#include "adapters/adapter_registry.h"
#include "adapters/sync_runner.h"
#include "hub/v1/sync_service.pb.h"
#include "profile/ingest/ingester.h"
#include "profile/store/store.h"

namespace hub {
namespace testing_support {

struct SyncHarness {
  // Opens (creating) the store at `db`. `kind`, if non-empty, is registered
  // with `factory` before the builtin adapters (e.g. an API kind sleeping on
  // a FakeClock); syncs run source `source_id`.
  SyncHarness(const std::string& db, std::string source_id, const std::string& kind = "",
              AdapterFactory factory = nullptr);

  // Creates the source from `source` the first time, starts a job of it and
  // waits (up to a minute) until the job has ended; returns the job.
  hub::v1::SyncJob Sync(const hub::v1::Source& source);

  const std::string source_id;
  std::unique_ptr<Store> store;
  AdapterRegistry registry;
  std::unique_ptr<Ingester> ingester;
  std::unique_ptr<SyncRunner> runner;
};

// Syncs `file_source` into `files` and `api_source` into `api` and expects
// the same jobs' counts and the same store contents; then expects a second
// run of `api_source`, the vendor unchanged, to read nothing.
void ExpectSameImport(SyncHarness* files, const hub::v1::Source& file_source, SyncHarness* api,
                      const hub::v1::Source& api_source);

}  // namespace testing_support
}  // namespace hub

#endif  // HUB_TESTS_SUPPORT_SYNC_HARNESS_H_
