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

void ExpectSameImport(SyncHarness* files, const hub::v1::Source& file_source, SyncHarness* api,
                      const hub::v1::Source& api_source) {
  const hub::v1::SyncJob want = files->Sync(file_source);
  const hub::v1::SyncJob got = api->Sync(api_source);
  ASSERT_EQ(want.state(), hub::v1::SyncJob::SUCCEEDED) << want.error();
  ASSERT_EQ(got.state(), hub::v1::SyncJob::SUCCEEDED) << got.error();
  EXPECT_GT(want.records_read(), 0);
  EXPECT_EQ(got.records_read(), want.records_read());
  EXPECT_EQ(got.records_ingested(), want.records_ingested());
  EXPECT_EQ(got.records_quarantined(), want.records_quarantined());
  EXPECT_EQ(got.profiles_created(), want.profiles_created());
  EXPECT_EQ(got.accounts_created(), want.accounts_created());
  EXPECT_EQ(got.merges(), want.merges());
  const StoreCounts a = *files->store->Counts();
  const StoreCounts b = *api->store->Counts();
  EXPECT_EQ(b.persons, a.persons);
  EXPECT_EQ(b.accounts, a.accounts);
  EXPECT_EQ(b.records, a.records);
  EXPECT_EQ(b.identities, a.identities);
  EXPECT_EQ(b.quarantined, a.quarantined);

  // Nothing changed at the vendor: the next run reads nothing.
  const hub::v1::SyncJob again = api->Sync(api_source);
  EXPECT_EQ(again.state(), hub::v1::SyncJob::SUCCEEDED);
  EXPECT_EQ(again.records_read(), 0);
  EXPECT_EQ(again.batches(), 0);
}

}  // namespace testing_support
}  // namespace hub
