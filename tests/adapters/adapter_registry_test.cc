#include "adapters/adapter_registry.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/adapters/adapter_test_support.h"

namespace hub {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing_support::CollectingSink;
using testing_support::FileSource;
using testing_support::TempFolder;

class NullAdapter : public SourceAdapter {
 public:
  absl::Status Pull(const std::string&, RecordSink*) override {
    return absl::OkStatus();
  }
};

AdapterFactory NullFactory() {
  return [](const hub::v1::Source&, const AdapterOptions&)
             -> absl::StatusOr<std::unique_ptr<SourceAdapter>> {
    return std::make_unique<NullAdapter>();
  };
}

TEST(AdapterRegistryTest, RegisterRejectsDuplicatesAndEmptyInput) {
  AdapterRegistry registry;
  EXPECT_TRUE(registry.Register("fake", NullFactory()).ok());
  absl::Status duplicate = registry.Register("fake", NullFactory());
  EXPECT_EQ(duplicate.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(duplicate.message(), HasSubstr("\"fake\""));
  EXPECT_EQ(registry.Register("", NullFactory()).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry.Register("null", nullptr).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(registry.Has("fake"));
  EXPECT_FALSE(registry.Has("null"));
}

// The builtin kinds that read an export folder (all but the *_api ones).
const char* const kFileKinds[] = {"ga4", "mailchimp", "salesforce", "segment",
                                  "zendesk"};

TEST(AdapterRegistryTest, BuiltinKindsAreSorted) {
  AdapterRegistry registry;
  RegisterBuiltinAdapters(&registry);
  EXPECT_THAT(registry.Kinds(),
              ElementsAre("ga4", "hubspot_api", "mailchimp", "mailchimp_api", "salesforce",
                          "salesforce_api", "segment", "zendesk", "zendesk_api"));
  RegisterBuiltinAdapters(&registry);  // Idempotent.
  EXPECT_EQ(registry.Kinds().size(), 9u);
}

TEST(AdapterRegistryTest, UnknownKindListsTheKnownOnes) {
  AdapterRegistry registry;
  RegisterBuiltinAdapters(&registry);
  auto adapter = registry.Create(FileSource("hubspot", "/tmp"));
  EXPECT_EQ(adapter.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(adapter.status().message(),
            "unknown source kind \"hubspot\"; known kinds: ga4, hubspot_api, mailchimp, "
            "mailchimp_api, salesforce, salesforce_api, segment, zendesk, zendesk_api");
}

TEST(AdapterRegistryTest, EveryBuiltinRejectsABadPath) {
  AdapterRegistry registry;
  RegisterBuiltinAdapters(&registry);
  TempFolder folder;
  const std::string file = folder.Write("plain.txt", "x");
  for (const char* kind : kFileKinds) {
    SCOPED_TRACE(kind);
    for (const std::string& path :
         {std::string(), folder.path() + "/missing", file}) {
      auto adapter = registry.Create(FileSource(kind, path));
      EXPECT_EQ(adapter.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_THAT(adapter.status().message(), HasSubstr("path"));
    }
  }
}

TEST(AdapterRegistryTest, CreatesEachBuiltinForAReadableFolder) {
  AdapterRegistry registry;
  RegisterBuiltinAdapters(&registry);
  TempFolder folder;
  for (const char* kind : kFileKinds) {
    SCOPED_TRACE(kind);
    auto adapter = registry.Create(FileSource(kind, folder.path()));
    ASSERT_TRUE(adapter.ok()) << adapter.status();
    CollectingSink sink;
    EXPECT_TRUE((*adapter)->Pull("", &sink).ok());
    EXPECT_EQ(sink.writes(), 0);
  }
}

TEST(AdapterRegistryTest, RejectsNonPositivePageSize) {
  AdapterRegistry registry;
  RegisterBuiltinAdapters(&registry);
  TempFolder folder;
  auto adapter =
      registry.Create(FileSource("segment", folder.path()), AdapterOptions{0});
  EXPECT_EQ(adapter.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(adapter.status().message(), HasSubstr("page_size"));
}

TEST(AdapterRegistryTest, RecordsCarryTheSourceKind) {
  // A source registered under another kind name stamps that name.
  AdapterRegistry registry;
  RegisterBuiltinAdapters(&registry);
  TempFolder folder;
  folder.Write(
      "events.jsonl",
      R"({"type":"identify","userId":"u1","timestamp":"2024-05-02T10:00:00Z"})");
  auto adapter = registry.Create(FileSource("segment", folder.path()));
  ASSERT_TRUE(adapter.ok());
  CollectingSink sink;
  ASSERT_TRUE((*adapter)->Pull("", &sink).ok());
  ASSERT_EQ(sink.Records().size(), 1u);
  EXPECT_EQ(sink.Records()[0].source(), "segment");
}

TEST(AdapterRegistryTest, FactoryReturningNullIsInternal) {
  AdapterRegistry registry;
  ASSERT_TRUE(
      registry
          .Register("broken",
                    [](const hub::v1::Source&, const AdapterOptions&)
                        -> absl::StatusOr<std::unique_ptr<SourceAdapter>> {
                      return std::unique_ptr<SourceAdapter>();
                    })
          .ok());
  EXPECT_EQ(registry.Create(FileSource("broken", "/")).status().code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace hub
