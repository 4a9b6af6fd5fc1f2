#include "tests/support/sync_harness.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "profile/store/sqlite_store.h"

namespace hub {
namespace testing_support {

SyncHarness::SyncHarness(const std::string& db, std::string id, const std::string& kind,
                         AdapterFactory factory)
    : source_id(std::move(id)) {
  absl::StatusOr<std::unique_ptr<Store>> opened = OpenSqliteStore(SqliteStoreOptions{db});
  EXPECT_TRUE(opened.ok()) << opened.status();
  store = *std::move(opened);
  if (!kind.empty()) {
    EXPECT_TRUE(registry.Register(kind, std::move(factory)).ok());
  }
  RegisterBuiltinAdapters(&registry);
  ingester = std::make_unique<Ingester>(store.get());
  runner = std::make_unique<SyncRunner>(store.get(), &registry, ingester.get());
}

hub::v1::SyncJob SyncHarness::Sync(const hub::v1::Source& source_template) {
  if (!store->GetSource(source_id).ok()) {
    hub::v1::Source source = source_template;
    source.set_name(absl::StrCat("sources/", source_id));
    EXPECT_TRUE(registry.Create(source).ok());
    EXPECT_TRUE(store->CreateSource(source_id, source).ok());
  }
  absl::StatusOr<hub::v1::SyncJob> started = runner->Start(source_id, false);
  EXPECT_TRUE(started.ok()) << started.status();
  if (!started.ok()) return hub::v1::SyncJob();
  const std::string& name = started->name();
  const int64_t id = std::stoll(name.substr(name.rfind('/') + 1));
  hub::v1::SyncJob job;
  for (int i = 0; i < 6000; ++i) {
    job = *store->GetSyncJob(source_id, id);
    if (job.state() == hub::v1::SyncJob::SUCCEEDED ||
        job.state() == hub::v1::SyncJob::FAILED ||
        job.state() == hub::v1::SyncJob::CANCELLED) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  return job;
}

}  // namespace testing_support
}  // namespace hub
