// The contract of docs/sources.md end to end: hub-sample writes an export,
// the file adapters read it, and every record the ground truth lists comes
// out exactly once (by source, entity and external_id), in pages whose
// cursors resume exactly.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "adapters/adapter_registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/v1/records.pb.h"
#include "tests/adapters/adapter_test_support.h"

namespace hub {
namespace {

using testing_support::FileSource;
using testing_support::TempFolder;

// (source, entity, external_id) of one record.
using Key = std::tuple<std::string, std::string, std::string>;

struct TruthRow {
  Key key;
  std::string invalid;
};

std::vector<TruthRow> ReadTruth(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.is_open()) << path;
  std::vector<TruthRow> rows;
  std::string line;
  std::getline(in, line);  // Header.
  while (std::getline(in, line)) {
    std::vector<std::string> f = absl::StrSplit(line, ',');
    EXPECT_EQ(f.size(), 7u) << line;
    if (f.size() != 7) continue;
    rows.push_back(TruthRow{Key{f[0], f[1], f[2]}, f[6]});
  }
  return rows;
}

// True if a record carries a defect ingest can quarantine it for.
bool LooksMalformed(const hub::v1::SourceRecord& r) {
  if (r.external_id().empty() || !r.has_updated_at()) return true;
  for (const auto& id : r.identifiers()) {
    if (id.type() == "email" && id.value().find('@') == std::string::npos) {
      return true;
    }
  }
  return false;
}

class HubSampleContractTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    folder_ = new TempFolder();
    const std::string command =
        absl::StrCat(HUB_SAMPLE_BIN, " --out ", folder_->path(),
                     " --accounts 30 --seed 11 --months 12 2>/dev/null");
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  static void TearDownTestSuite() { delete folder_; }

  static TempFolder* folder_;
};
TempFolder* HubSampleContractTest::folder_ = nullptr;

TEST_F(HubSampleContractTest, EveryTruthRecordComesOutOnceAndResumes) {
  ASSERT_NE(folder_, nullptr);
  const std::vector<TruthRow> truth =
      ReadTruth(folder_->path() + "/truth/records.csv");
  ASSERT_FALSE(truth.empty());
  AdapterRegistry registry;
  RegisterBuiltinAdapters(&registry);
  std::map<Key, int> got;
  std::map<Key, const hub::v1::SourceRecord*> by_key;
  std::vector<hub::v1::SourceRecord> all;
  for (const std::string& kind : registry.Kinds()) {
    if (absl::EndsWith(kind, "_api")) continue;  // reads an API, not a folder
    SCOPED_TRACE(kind);
    constexpr int kPageSize = 97;
    auto adapter =
        registry.Create(FileSource(kind, folder_->path() + "/" + kind),
                        AdapterOptions{kPageSize});
    ASSERT_TRUE(adapter.ok()) << adapter.status();
    std::vector<hub::v1::SourceRecord> records =
        testing_support::PullAllCheckingResume(adapter->get(), kPageSize);
    EXPECT_FALSE(records.empty());
    all.insert(all.end(), records.begin(), records.end());
  }
  for (const auto& r : all) {
    Key key{r.source(), hub::v1::EntityType_Name(r.entity()), r.external_id()};
    ++got[key];
    by_key[key] = &r;
  }
  std::map<Key, int> want;
  for (const TruthRow& row : truth) ++want[row.key];
  EXPECT_EQ(all.size(), truth.size());
  std::vector<std::string> missing, extra;
  for (const auto& [key, n] : want) {
    if (got[key] != n)
      missing.push_back(absl::StrCat(std::get<0>(key), "/", std::get<1>(key),
                                     "/", std::get<2>(key), " want ", n,
                                     " got ", got[key]));
  }
  for (const auto& [key, n] : got) {
    if (want.count(key) == 0)
      extra.push_back(absl::StrCat(std::get<0>(key), "/", std::get<1>(key), "/",
                                   std::get<2>(key)));
  }
  EXPECT_THAT(missing, ::testing::IsEmpty());
  EXPECT_THAT(extra, ::testing::IsEmpty());
  for (const TruthRow& row : truth) {
    if (row.invalid.empty() || by_key.count(row.key) == 0) continue;
    EXPECT_TRUE(LooksMalformed(*by_key[row.key]))
        << row.invalid << ": " << by_key[row.key]->ShortDebugString();
  }
}

}  // namespace
}  // namespace hub
