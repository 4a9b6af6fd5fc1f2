// Releasing and discarding quarantined records over a real SQLite store.
#include "profile/ingest/quarantine.h"

#include <memory>
#include <vector>

#include "gtest/gtest.h"
#include "profile/store/sqlite_store.h"
#include "tests/support/records.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::MakeRecord;
using testing_support::TempDir;
using v1::SourceRecord;

Actor Steward(std::string reason) {
  return Actor{"ana", "steward", std::move(reason), "req-7"};
}

class QuarantineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *OpenSqliteStore(SqliteStoreOptions{dir_.File("hub.db")});
    ingester_ = std::make_unique<Ingester>(store_.get());
    // A typo'd email, and a title longer than a 16-byte limit.
    ValidationLimits strict;
    strict.max_value_bytes = 16;
    Ingester strict_ingester(store_.get(), IdentityPolicy::Default(), strict);
    absl::StatusOr<IngestStats> s = strict_ingester.IngestBatch({
        MakeRecord("salesforce", hub::v1::CONTACT, "003Z", "2024-05-01T00:00:00Z",
                   {{"email", "zed.acme.example"}}, {{"title", "CTO"}}),
        MakeRecord("salesforce", hub::v1::CONTACT, "003L", "2024-05-01T00:00:00Z",
                   {{"email", "lee@acme.example"}}, {{"title", "Chief Technology Officer"}}),
    });
    ASSERT_TRUE(s.ok()) << s.status();
    ASSERT_EQ(s->quarantined, 2);
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Ingester> ingester_;
};

TEST_F(QuarantineTest, ReleaseAfterARuleChangeIngestsAndAudits) {
  // quarantine/2 broke the 16-byte limit; this ingester has the default.
  absl::StatusOr<IngestStats> s =
      ReleaseQuarantined(ingester_.get(), store_.get(), 2, std::nullopt, Steward("limit raised"));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->ingested, 1);
  EXPECT_EQ(s->profiles_created, 1);
  EXPECT_TRUE(store_->FindIdentity(Side::kPerson, "email", "lee@acme.example").ok());
  std::vector<QuarantineEntry> left = *store_->ListQuarantine(0, 10);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].seq, 1);
  std::vector<AuditEntry> log = *store_->ListAudit(0, 10);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].action, "ReleaseQuarantine");
  EXPECT_EQ(log[0].target, "quarantine/2");
  EXPECT_EQ(log[0].actor.reason, "limit raised");
  EXPECT_EQ(log[0].details,
            "re-ingested salesforce CONTACT 003L (quarantined for: attributes[title]: value of "
            "24 bytes exceeds 16)");
  // Gone: a second release finds nothing.
  EXPECT_EQ(ReleaseQuarantined(ingester_.get(), store_.get(), 2, std::nullopt, Steward("x"))
                .status()
                .message(),
            "quarantine/2 not found");
}

TEST_F(QuarantineTest, AStillInvalidRecordStaysAndACorrectionIngests) {
  absl::StatusOr<IngestStats> s =
      ReleaseQuarantined(ingester_.get(), store_.get(), 1, std::nullopt, Steward("retry"));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.status().message(),
            "quarantine/1 is still invalid: identifiers[0]: invalid email \"zed.acme.example\": "
            "expected exactly one '@' after a local part");
  EXPECT_EQ(store_->ListQuarantine(0, 10)->size(), 2u);

  SourceRecord other = MakeRecord("salesforce", hub::v1::CONTACT, "003Q", "2024-05-01T00:00:00Z",
                                  {{"email", "zed@acme.example"}});
  s = ReleaseQuarantined(ingester_.get(), store_.get(), 1, other, Steward("typo"));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.status().message(),
            "record: a correction of quarantine/1 must keep its source, entity and "
            "external_id (salesforce CONTACT 003Z), got salesforce CONTACT 003Q");

  SourceRecord fixed = MakeRecord("salesforce", hub::v1::CONTACT, "003Z", "2024-05-01T00:00:00Z",
                                  {{"email", "zed@acme.example"}}, {{"title", "CTO"}});
  s = ReleaseQuarantined(ingester_.get(), store_.get(), 1, fixed, Steward("typo in the email"));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->ingested, 1);
  EXPECT_TRUE(store_->FindIdentity(Side::kPerson, "email", "zed@acme.example").ok());
  EXPECT_EQ((*store_->ListAudit(0, 10))[0].details,
            "re-ingested salesforce CONTACT 003Z as corrected (quarantined for: identifiers[0]: "
            "invalid email \"zed.acme.example\": expected exactly one '@' after a local part)");
}

TEST_F(QuarantineTest, DiscardNeedsAReasonAndRemovesForGood) {
  absl::StatusOr<QuarantineEntry> gone = DiscardQuarantined(store_.get(), 1, Steward(""));
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(gone.status().message(),
            "reason: required to discard quarantine/1 (it is gone for good)");
  gone = DiscardQuarantined(store_.get(), 1, Steward("test contact"));
  ASSERT_TRUE(gone.ok()) << gone.status();
  EXPECT_EQ(gone->record.external_id(), "003Z");
  EXPECT_EQ(store_->ListQuarantine(0, 10)->size(), 1u);
  std::vector<AuditEntry> log = *store_->ListAudit(0, 10);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].action, "DiscardQuarantine");
  EXPECT_EQ(log[0].actor.reason, "test contact");
  EXPECT_EQ(DiscardQuarantined(store_.get(), 1, Steward("again")).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace hub
