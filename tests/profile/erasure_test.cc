// Erasure over a real SQLite store: the preview is exact and changes
// nothing; the erasure removes the person and what is held about it, keeps
// everyone else, and the same records ingested again stay out.
#include "profile/ingest/erasure.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "profile/ingest/ingester.h"
#include "profile/ingest/subject_export.h"
#include "profile/store/sqlite_store.h"
#include "tests/support/records.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::AddLink;
using testing_support::MakeActivity;
using testing_support::MakeRecord;
using testing_support::TempDir;
using v1::SourceRecord;

// Ana: a CRM contact, a support user (joined by email, with a phone), a web
// visit and a quarantined revision of the support user. Bo: a CRM contact at
// the same account.
std::vector<SourceRecord> AnaAndBo() {
  SourceRecord acme = MakeRecord("salesforce", hub::v1::ACCOUNT, "001X", "2024-04-01T00:00:00Z",
                                 {{"salesforce.account_id", "001X"}, {"domain", "acme.example"}},
                                 {{"name", "Acme"}});
  SourceRecord ana = MakeRecord("salesforce", hub::v1::CONTACT, "003A", "2024-05-01T00:00:00Z",
                                {{"salesforce.contact_id", "003A"}, {"email", "ana@acme.example"}},
                                {{"first_name", "Ana"}, {"title", "CTO"}});
  AddLink(&ana, "account", "salesforce.account_id", "001X");
  SourceRecord support = MakeRecord("zendesk", hub::v1::CONTACT, "361", "2024-06-01T00:00:00Z",
                                    {{"zendesk.user_id", "361"}, {"email", "ana@acme.example"},
                                     {"phone", "4155550101"}},
                                    {{"title", "Chief Technology Officer"}});
  SourceRecord visit = MakeRecord("segment", hub::v1::WEB_EVENT, "msg1", "2024-06-02T00:00:00Z",
                                  {{"segment.anonymous_id", "anon-1"}, {"email", "ana@acme.example"}});
  MakeActivity(&visit, "2024-06-02T00:00:00Z", "page_view");
  SourceRecord broken = MakeRecord("zendesk", hub::v1::CONTACT, "361", "2024-07-01T00:00:00Z",
                                   {{"zendesk.user_id", "361"}, {"phone", "12"}});
  SourceRecord bo = MakeRecord("salesforce", hub::v1::CONTACT, "003B", "2024-05-01T00:00:00Z",
                               {{"salesforce.contact_id", "003B"}, {"email", "bo@acme.example"}},
                               {{"first_name", "Bo"}});
  AddLink(&bo, "account", "salesforce.account_id", "001X");
  return {acme, ana, support, visit, broken, bo};
}

class ErasureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *OpenSqliteStore(SqliteStoreOptions{dir_.File("hub.db")});
    ingester_ = std::make_unique<Ingester>(store_.get());
    ingester_->set_stage_rules(rules_);
    absl::StatusOr<IngestStats> s = ingester_->IngestBatch(AnaAndBo());
    ASSERT_TRUE(s.ok()) << s.status();
    ASSERT_EQ(s->quarantined, 1);
    ana_ = *store_->FindIdentity(Side::kPerson, "email", "ana@acme.example");
  }

  TempDir dir_;
  StageRules rules_ = StageRules::Default();
  std::unique_ptr<Store> store_;
  std::unique_ptr<Ingester> ingester_;
  int64_t ana_ = 0;
};

TEST_F(ErasureTest, AnExportHoldsEveryRecordAndIsAudited) {
  Actor dpo{"ana-dpo", "steward", "access request 7", ""};
  absl::StatusOr<SubjectData> data = ExportSubject(store_.get(), "zendesk.user_id", "361", dpo);
  ASSERT_TRUE(data.ok()) << data.status();
  std::vector<std::string> keys;
  for (const SourceRecord& r : data->records) {
    keys.push_back(absl::StrCat(r.source(), " ", hub::v1::EntityType_Name(r.entity()), " ",
                                r.external_id()));
  }
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"salesforce CONTACT 003A", "segment WEB_EVENT msg1",
                                            "zendesk CONTACT 361"}));
  EXPECT_EQ(data->profile.name(), absl::StrCat("profiles/", ana_));
  EXPECT_EQ(data->profile.source_records_size(), 2);  // its own records; the visit is an event
  std::vector<AuditEntry> log = *store_->ListAudit(0, 10);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].action, "ExportSubject");
  EXPECT_EQ(log[0].details, "exported 3 records");
  EXPECT_EQ(ExportSubject(store_.get(), "email", "nobody@acme.example", dpo).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ErasureTest, APreviewIsExactAndChangesNothing) {
  const StoreCounts before = *store_->Counts();
  Actor steward{"ana-dpo", "steward", "request 42", "r-42"};
  absl::StatusOr<ErasureReceipt> preview =
      EraseSubject(store_.get(), &rules_, "phone", "+1 415 555 0101", steward, true);
  ASSERT_TRUE(preview.ok()) << preview.status();
  const ErasedProfile& e = preview->erased;
  EXPECT_EQ(e.profiles, std::vector<int64_t>{ana_});
  EXPECT_EQ(e.records, 3);
  EXPECT_EQ(e.events, 1);
  EXPECT_EQ(e.traits, 2);  // first_name, title
  EXPECT_EQ(e.quarantined, 1);
  EXPECT_EQ(e.identifiers,
            (std::vector<std::pair<std::string, std::string>>{
                {"email", "ana@acme.example"},
                {"phone", "+14155550101"},
                {"salesforce.contact_id", "003A"},
                {"segment.anonymous_id", "anon-1"},
                {"zendesk.user_id", "361"}}));
  EXPECT_EQ(preview->audit_seq, 0);
  const StoreCounts after = *store_->Counts();
  EXPECT_EQ(after.persons, before.persons);
  EXPECT_EQ(after.records, before.records);
  EXPECT_EQ(after.quarantined, before.quarantined);
  EXPECT_TRUE(store_->ListAudit(0, 10)->empty());
  // Nothing is suppressed by a preview.
  EXPECT_EQ(ingester_->IngestBatch(AnaAndBo())->suppressed, 0);
}

TEST_F(ErasureTest, ErasesThePersonKeepsBoAndStaysErased) {
  const StoreCounts before = *store_->Counts();
  Actor steward{"ana-dpo", "steward", "request 42", "r-42"};
  absl::StatusOr<ErasureReceipt> receipt =
      EraseSubject(store_.get(), &rules_, "email", " ANA@acme.example", steward, false);
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  EXPECT_EQ(receipt->erased.records, 3);
  EXPECT_EQ(receipt->audit_seq, 1);

  EXPECT_EQ(store_->GetProfile(ana_, true).status().code(), absl::StatusCode::kNotFound);
  for (const auto& [type, value] : receipt->erased.identifiers) {
    EXPECT_EQ(store_->FindIdentity(Side::kPerson, type, value).status().code(),
              absl::StatusCode::kNotFound)
        << type;
  }
  const StoreCounts after = *store_->Counts();
  EXPECT_EQ(after.persons, before.persons - 1);
  EXPECT_EQ(after.records, before.records - 3);
  EXPECT_EQ(after.quarantined, 0);
  absl::StatusOr<int64_t> bo = store_->FindIdentity(Side::kPerson, "email", "bo@acme.example");
  ASSERT_TRUE(bo.ok());
  EXPECT_EQ(store_->GetProfile(*bo, false)->traits_size(), 1);
  {
    auto tx = *store_->BeginWrite();
    EXPECT_FALSE(tx->GetStageState(ana_)->has_value());
    EXPECT_TRUE(tx->GetStageState(*bo)->has_value());
  }
  std::vector<AuditEntry> log = *store_->ListAudit(0, 10);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].action, "EraseSubject");
  EXPECT_EQ(log[0].target, absl::StrCat("profiles/", ana_));
  EXPECT_EQ(log[0].details,
            "erased 1 profiles, 3 records (1 events), 2 traits, 1 quarantined; 5 identifiers "
            "suppressed");

  // The same sources again: Ana's three records (and the broken revision,
  // which still fails validation first) stay out; Bo and Acme are unchanged.
  absl::StatusOr<IngestStats> again = ingester_->IngestBatch(AnaAndBo());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->suppressed, 3);
  EXPECT_EQ(again->unchanged, 2);
  EXPECT_EQ(again->quarantined, 1);
  EXPECT_EQ(again->profiles_created, 0);
  // A new record carrying only her phone stays out too.
  SourceRecord call = MakeRecord("aircall", hub::v1::CONTACT, "c9", "2024-08-01T00:00:00Z",
                                 {{"phone", "(415) 555-0101"}});
  EXPECT_EQ(ingester_->IngestBatch({call})->suppressed, 1);
  EXPECT_EQ(store_->Counts()->persons, after.persons);
  ASSERT_TRUE(ingester_->FlushStages().ok());

  EXPECT_EQ(EraseSubject(store_.get(), &rules_, "email", "ana@acme.example", steward, false)
                .status()
                .message(),
            "no person holds email \"ana@acme.example\"");
  EXPECT_EQ(EraseSubject(store_.get(), &rules_, "domain", "acme.example", steward, false)
                .status()
                .message(),
            "identifier_type: \"domain\" is not a person identifier type");
}

}  // namespace
}  // namespace hub
