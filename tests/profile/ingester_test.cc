#include "profile/ingest/ingester.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "profile/store/sqlite_store.h"
#include "tests/support/failing_store.h"
#include "tests/support/records.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::AddLink;
using testing_support::FailingStore;
using testing_support::MakeActivity;
using testing_support::MakeRecord;
using testing_support::TempDir;
using v1::SourceRecord;

class IngesterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *OpenSqliteStore(SqliteStoreOptions{dir_.File("hub.db")});
    ingester_ = std::make_unique<Ingester>(store_.get());
  }
  IngestStats Ingest(const std::vector<SourceRecord>& records) {
    absl::StatusOr<IngestStats> s = ingester_->IngestBatch(records);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : IngestStats{};
  }
  hub::v1::Profile ByEmail(const std::string& email) {
    absl::StatusOr<int64_t> id = store_->FindIdentity(Side::kPerson, "email", email);
    EXPECT_TRUE(id.ok()) << id.status();
    return *store_->GetProfile(*id, true);
  }
  std::string Trait(const hub::v1::Profile& p, const std::string& name) {
    for (const auto& t : p.traits()) {
      if (t.name() == name) return t.value();
    }
    return "<none>";
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Ingester> ingester_;
};

SourceRecord SfContact(const std::string& id, const std::string& email,
                       const std::string& updated, const std::string& title) {
  return MakeRecord("salesforce", hub::v1::CONTACT, id, updated,
                    {{"salesforce.contact_id", id}, {"email", email}},
                    {{"first_name", "Ana"}, {"title", title}});
}

TEST_F(IngesterTest, SameEmailAcrossSourcesIsOnePerson) {
  IngestStats s = Ingest({
      SfContact("003A", "ana@acme.example", "2024-05-01T00:00:00Z", "CTO"),
      MakeRecord("zendesk", hub::v1::CONTACT, "361", "2024-06-01T00:00:00Z",
                 {{"zendesk.user_id", "361"}, {"email", " ANA@acme.example"},
                  {"phone", "(415) 555-0101"}},
                 {{"title", "Chief Technology Officer"}}),
  });
  EXPECT_EQ(s.read, 2);
  EXPECT_EQ(s.ingested, 2);
  EXPECT_EQ(s.profiles_created, 1);
  EXPECT_EQ(s.merges, 0);
  hub::v1::Profile p = ByEmail("ana@acme.example");
  EXPECT_EQ(p.identifiers_size(), 4);
  EXPECT_EQ(Trait(p, "title"), "Chief Technology Officer");  // most recent
  EXPECT_EQ(Trait(p, "first_name"), "Ana");
  ASSERT_EQ(p.source_records_size(), 2);
  EXPECT_EQ(p.source_records(0).source(), "salesforce");
  EXPECT_EQ(p.source_records(1).source(), "zendesk");
  for (const auto& t : p.traits()) {
    if (t.name() == "title") {
      EXPECT_EQ(t.lineage().source(), "zendesk");
      EXPECT_EQ(t.lineage().external_id(), "361");
      EXPECT_EQ(t.lineage().rule(), "most_recent");
    }
  }
}

TEST_F(IngesterTest, ABridgingRecordMergesTwoProfilesIntoTheOlder) {
  Ingest({SfContact("003A", "ana@acme.example", "2024-05-01T00:00:00Z", "CTO")});
  Ingest({MakeRecord("zendesk", hub::v1::CONTACT, "361", "2024-06-01T00:00:00Z",
                     {{"zendesk.user_id", "361"}, {"phone", "4155550101"}})});
  ASSERT_EQ(store_->Counts()->persons, 2);
  IngestStats s = Ingest({MakeRecord("mailchimp", hub::v1::CONTACT, "m1",
                                     "2024-07-01T00:00:00Z",
                                     {{"email", "ana@acme.example"}, {"phone", "+1 415 555 0101"}})});
  EXPECT_EQ(s.merges, 1);
  StoreCounts c = *store_->Counts();
  EXPECT_EQ(c.persons, 1);
  EXPECT_EQ(c.merges, 1);
  hub::v1::Profile p = ByEmail("ana@acme.example");
  EXPECT_EQ(p.name(), "profiles/1");
  ASSERT_EQ(p.merged_names_size(), 1);
  EXPECT_EQ(p.merged_names(0), "profiles/2");
  EXPECT_EQ(p.source_records_size(), 3);
  EXPECT_EQ(Trait(p, "title"), "CTO");
  EXPECT_EQ(store_->GetProfile(2, false)->name(), "profiles/1");
}

TEST_F(IngesterTest, ReingestingIsANoOp) {
  std::vector<SourceRecord> batch = {
      SfContact("003A", "ana@acme.example", "2024-05-01T00:00:00Z", "CTO"),
      SfContact("003B", "bo@acme.example", "2024-05-01T00:00:00Z", "CFO"),
      MakeRecord("salesforce", hub::v1::CONTACT, "", "2024-05-01T00:00:00Z",
                 {{"email", "x@acme.example"}}),
  };
  IngestStats first = Ingest(batch);
  EXPECT_EQ(first.ingested, 2);
  EXPECT_EQ(first.quarantined, 1);
  StoreCounts before = *store_->Counts();
  IngestStats again = Ingest(batch);
  EXPECT_EQ(again.ingested, 0);
  EXPECT_EQ(again.unchanged, 3);
  EXPECT_EQ(again.quarantined, 0);
  StoreCounts after = *store_->Counts();
  EXPECT_EQ(after.persons, before.persons);
  EXPECT_EQ(after.records, before.records);
  EXPECT_EQ(after.identities, before.identities);
  EXPECT_EQ(after.quarantined, 1);
}

TEST_F(IngesterTest, InvalidRecordsGoToQuarantineWithTheirReason) {
  IngestStats s = Ingest({
      MakeRecord("salesforce", hub::v1::CONTACT, "003Z", "2024-05-01T00:00:00Z",
                 {{"email", "ana.acme.example"}}),
      SfContact("003A", "ana@acme.example", "2024-05-01T00:00:00Z", "CTO"),
  });
  EXPECT_EQ(s.quarantined, 1);
  EXPECT_EQ(s.ingested, 1);
  std::vector<QuarantineEntry> q = *store_->ListQuarantine(0, 10);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].record.external_id(), "003Z");
  EXPECT_EQ(q[0].reason, "identifiers[0]: invalid email \"ana.acme.example\": "
                         "expected exactly one '@' after a local part");
}

TEST_F(IngesterTest, InvalidUtf8IsQuarantinedAndStaysListable) {
  SourceRecord bad = SfContact("003Z", "zed@acme.example", "2024-05-01T00:00:00Z", "CTO");
  (*bad.mutable_attributes())["title"] = std::string("C\xc0\x80O", 4);
  IngestStats s = Ingest({bad, SfContact("003A", "ana@acme.example", "2024-05-01T00:00:00Z", "CTO")});
  EXPECT_EQ(s.quarantined, 1);
  EXPECT_EQ(s.ingested, 1);
  absl::StatusOr<std::vector<QuarantineEntry>> q = store_->ListQuarantine(0, 10);
  ASSERT_TRUE(q.ok()) << q.status();
  ASSERT_EQ(q->size(), 1u);
  EXPECT_EQ((*q)[0].reason, "attributes[title]: invalid UTF-8");
  EXPECT_EQ((*q)[0].record.attributes().at("title"), "C\xEF\xBF\xBD\xEF\xBF\xBDO");
  // The next revision of the good contact still ingests.
  EXPECT_EQ(Ingest({SfContact("003A", "ana@acme.example", "2024-06-01T00:00:00Z", "CEO")}).ingested, 1);
}

TEST_F(IngesterTest, NewerRevisionReplacesOlderIsIgnored) {
  Ingest({SfContact("003A", "ana@acme.example", "2024-05-01T00:00:00Z", "CTO")});
  SourceRecord newer = MakeRecord("salesforce", hub::v1::CONTACT, "003A",
                                  "2024-08-01T00:00:00Z",
                                  {{"salesforce.contact_id", "003A"}, {"email", "ana@acme.example"}},
                                  {{"first_name", "Ana"}});
  EXPECT_EQ(Ingest({newer}).ingested, 1);
  hub::v1::Profile p = ByEmail("ana@acme.example");
  EXPECT_EQ(Trait(p, "title"), "<none>");  // the new revision dropped it
  IngestStats stale = Ingest({SfContact("003A", "ana@acme.example", "2024-06-01T00:00:00Z", "CEO")});
  EXPECT_EQ(stale.unchanged, 1);
  EXPECT_EQ(Trait(ByEmail("ana@acme.example"), "title"), "<none>");
}

TEST_F(IngesterTest, RevisionsWithOneTimestampResolveTheSameInAnyOrder) {
  SourceRecord a = SfContact("003A", "ana@acme.example", "2024-05-01T00:00:00Z", "CTO");
  SourceRecord b = SfContact("003A", "ana@acme.example", "2024-05-01T00:00:00Z", "CEO");
  std::string winner = ContentHash(a) > ContentHash(b) ? "CTO" : "CEO";
  Ingest({a});
  Ingest({b});
  EXPECT_EQ(Trait(ByEmail("ana@acme.example"), "title"), winner);
  Ingest({a});
  EXPECT_EQ(Trait(ByEmail("ana@acme.example"), "title"), winner);
}

TEST_F(IngesterTest, DeletedRecordStopsContributingTraits) {
  Ingest({SfContact("003A", "ana@acme.example", "2024-05-01T00:00:00Z", "CTO"),
          MakeRecord("zendesk", hub::v1::CONTACT, "361", "2024-04-01T00:00:00Z",
                     {{"email", "ana@acme.example"}}, {{"title", "Engineer"}})});
  EXPECT_EQ(Trait(ByEmail("ana@acme.example"), "title"), "CTO");
  SourceRecord gone = SfContact("003A", "ana@acme.example", "2024-09-01T00:00:00Z", "CTO");
  gone.set_deleted(true);
  Ingest({gone});
  hub::v1::Profile p = ByEmail("ana@acme.example");
  EXPECT_EQ(Trait(p, "title"), "Engineer");
  ASSERT_EQ(p.source_records_size(), 2);
  EXPECT_TRUE(p.source_records(0).deleted());
}

TEST_F(IngesterTest, AccountsByCrmIdAndWorkDomainButNeverFreeMail) {
  SourceRecord contact = SfContact("003A", "ana@acme.example", "2024-05-01T00:00:00Z", "CTO");
  AddLink(&contact, "account", "salesforce.account_id", "001X");
  IngestStats s = Ingest({contact});
  EXPECT_EQ(s.accounts_created, 1);  // a stub the Account record joins later
  Ingest({MakeRecord("salesforce", hub::v1::ACCOUNT, "001X", "2024-05-01T00:00:00Z",
                     {{"salesforce.account_id", "001X"}, {"domain", "https://www.acme.example/"}},
                     {{"name", "Acme Corp"}})});
  Ingest({MakeRecord("salesforce", hub::v1::LEAD, "00QL", "2024-05-02T00:00:00Z",
                     {{"salesforce.lead_id", "00QL"}, {"email", "cy@acme.example"}}),
          MakeRecord("zendesk", hub::v1::CONTACT, "9", "2024-05-02T00:00:00Z",
                     {{"zendesk.user_id", "9"}, {"email", "dee@gmail.com"}})});
  StoreCounts c = *store_->Counts();
  EXPECT_EQ(c.accounts, 1);
  EXPECT_EQ(ByEmail("ana@acme.example").account(), "accounts/2");
  EXPECT_EQ(ByEmail("cy@acme.example").account(), "accounts/2");
  EXPECT_EQ(ByEmail("dee@gmail.com").account(), "");
  hub::v1::Account a = *store_->GetAccount(2, true);
  EXPECT_EQ(a.member_count(), 2);
  ASSERT_EQ(a.traits_size(), 1);
  EXPECT_EQ(a.traits(0).value(), "Acme Corp");
  EXPECT_EQ(a.identifiers_size(), 2);
}

TEST_F(IngesterTest, AnonymousActivityJoinsItsPersonWhenIdentified) {
  SourceRecord view = MakeRecord("segment", hub::v1::WEB_EVENT, "msg1", "2024-05-01T10:00:00Z",
                                 {{"segment.anonymous_id", "anon-1"}});
  MakeActivity(&view, "2024-05-01T10:00:00Z", "page_view");
  SourceRecord form = MakeRecord("segment", hub::v1::WEB_EVENT, "msg2", "2024-05-01T10:05:00Z",
                                 {{"segment.anonymous_id", "anon-1"}, {"email", "ana@acme.example"}});
  MakeActivity(&form, "2024-05-01T10:05:00Z", "form_submitted");
  IngestStats s1 = Ingest({view});
  EXPECT_EQ(s1.profiles_created, 1);
  Ingest({SfContact("003A", "ana@acme.example", "2024-05-01T00:00:00Z", "CTO")});
  EXPECT_EQ(store_->Counts()->persons, 2);
  IngestStats s2 = Ingest({form});
  EXPECT_EQ(s2.merges, 1);
  hub::v1::Profile p = ByEmail("ana@acme.example");
  EXPECT_EQ(p.event_count(), 2);
  auto events = *store_->ListEvents(1, INT64_MAX, INT64_MAX, 10);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].first.event_type(), "form_submitted");
  EXPECT_EQ(events[1].first.event_type(), "page_view");
  EXPECT_EQ(events[1].first.profile(), "profiles/1");
}

TEST_F(IngesterTest, OpportunityBelongsToItsAccountAndContact) {
  SourceRecord contact = SfContact("003A", "ana@acme.example", "2024-05-01T00:00:00Z", "CTO");
  AddLink(&contact, "account", "salesforce.account_id", "001X");
  SourceRecord opp = MakeRecord("salesforce", hub::v1::OPPORTUNITY, "006O", "2024-05-03T00:00:00Z", {});
  MakeActivity(&opp, "2024-05-03T00:00:00Z", "opportunity");
  AddLink(&opp, "account", "salesforce.account_id", "001X");
  AddLink(&opp, "person", "salesforce.contact_id", "003A");
  IngestStats s = Ingest({contact, opp});
  EXPECT_EQ(s.ingested, 2);
  EXPECT_EQ(s.accounts_created, 1);
  auto events = *store_->ListEvents(1, INT64_MAX, INT64_MAX, 10);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].first.external_id(), "006O");
  EXPECT_EQ(events[0].first.account(), "accounts/2");
}

TEST_F(IngesterTest, ABatchThatFailsMidwayLeavesTheStoreUnchanged) {
  hub::v1::Source src;
  src.set_kind("salesforce");
  ASSERT_TRUE(store_->CreateSource("crm", src).ok());
  Ingest({SfContact("003A", "ana@acme.example", "2024-05-01T00:00:00Z", "CTO")});
  StoreCounts before = *store_->Counts();
  FailingStore failing(store_.get());
  Ingester ingester(&failing);
  std::vector<SourceRecord> batch = {
      SfContact("003B", "bo@acme.example", "2024-05-01T00:00:00Z", "CFO"),
      MakeRecord("zendesk", hub::v1::CONTACT, "z1", "2024-05-01T00:00:00Z",
                 {{"zendesk.user_id", "z1"}, {"email", "ana.private@gmail.com"}}),
      MakeRecord("mailchimp", hub::v1::CONTACT, "m1", "2024-07-01T00:00:00Z",
                 {{"email", "ana@acme.example"}, {"email", "ana.private@gmail.com"}}),
  };
  for (int fail_after : {1, 5, 12, 20, 30}) {
    failing.FailAfter(fail_after);
    absl::StatusOr<IngestStats> s = ingester.IngestBatch(batch, "crm", "Contact.csv:3");
    ASSERT_FALSE(s.ok()) << "fail_after=" << fail_after;
    EXPECT_EQ(s.status().message(), "injected failure");
    StoreCounts after = *store_->Counts();
    EXPECT_EQ(after.persons, before.persons);
    EXPECT_EQ(after.records, before.records);
    EXPECT_EQ(after.identities, before.identities);
    EXPECT_EQ(after.merges, before.merges);
    EXPECT_EQ(*store_->LoadCursor("crm"), "");
  }
  failing.FailAfter(-1);
  absl::StatusOr<IngestStats> ok = ingester.IngestBatch(batch, "crm", "Contact.csv:3");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->merges, 1);
  EXPECT_EQ(*store_->LoadCursor("crm"), "Contact.csv:3");
  EXPECT_EQ(store_->Counts()->persons, 2);
}

TEST_F(IngesterTest, ARecordBridgingTwoCrmContactsIsRefusedAndReported) {
  Ingest({SfContact("003A", "ana@acme.example", "2024-05-01T00:00:00Z", "CTO"),
          SfContact("003B", "bo@acme.example", "2024-05-01T00:00:00Z", "CFO")});
  // One mailing-list member whose record names both colleagues' addresses.
  IngestStats s = Ingest({MakeRecord("mailchimp", hub::v1::CONTACT, "m1",
                                     "2024-07-01T00:00:00Z",
                                     {{"email", "ana@acme.example"}, {"email", "bo@acme.example"}})});
  EXPECT_EQ(s.merges, 0);
  EXPECT_EQ(s.refusals, 1);
  EXPECT_EQ(store_->Counts()->persons, 2);
  std::vector<RefusalEntry> refusals = *store_->ListRefusals(0, 10);
  ASSERT_EQ(refusals.size(), 1u);
  EXPECT_EQ(refusals[0].type, "email");
  EXPECT_EQ(refusals[0].value, "bo@acme.example");
  EXPECT_EQ(refusals[0].holder, *store_->FindIdentity(Side::kPerson, "email", "bo@acme.example"));
  EXPECT_EQ(refusals[0].target, *store_->FindIdentity(Side::kPerson, "email", "ana@acme.example"));
  EXPECT_EQ(refusals[0].reason, "would give 2 salesforce.contact_id (limit 1)");
  EXPECT_EQ(refusals[0].record.external_id, "m1");
}

TEST_F(IngesterTest, ConfiguredLimitsAndBlockedPatternsApply) {
  IdentityPolicy policy = IdentityPolicy::Default();
  policy.Set("phone", TypeRule{95, 1});
  ASSERT_TRUE(policy.AddBlockedPattern("noreply@.*").ok());
  Ingester strict(store_.get(), policy);
  absl::StatusOr<IngestStats> s = strict.IngestBatch({
      MakeRecord("zendesk", hub::v1::CONTACT, "1", "2024-05-01T00:00:00Z",
                 {{"zendesk.user_id", "1"}, {"phone", "4155550101"}, {"email", "noreply@acme.example"}}),
      MakeRecord("zendesk", hub::v1::CONTACT, "2", "2024-05-01T00:00:00Z",
                 {{"zendesk.user_id", "2"}, {"phone", "4155550102"}, {"email", "noreply@acme.example"}}),
      MakeRecord("zendesk", hub::v1::CONTACT, "3", "2024-05-01T00:00:00Z",
                 {{"email", "NoReply@acme.example"}}),
  });
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->profiles_created, 2);  // the shared noreply address links nobody
  EXPECT_EQ(s->merges, 0);
  EXPECT_EQ(s->quarantined, 1);
  EXPECT_EQ((*store_->ListQuarantine(0, 10))[0].reason,
            "identifiers: every identifier matches a blocked pattern");
  // A third phone for profile 1 would break the configured limit of one.
  s = strict.IngestBatch({MakeRecord("zendesk", hub::v1::CONTACT, "1", "2024-06-01T00:00:00Z",
                                     {{"zendesk.user_id", "1"}, {"phone", "4155550199"}})});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->refusals, 1);
  EXPECT_EQ((*store_->ListRefusals(0, 10))[0].reason, "would give 2 phone (limit 1)");
}

TEST_F(IngesterTest, AJunkPhoneOnManyProfilesIsFlaggedHotAndStopsLinking) {
  std::vector<SourceRecord> contacts;
  for (int i = 1; i <= 7; ++i) {
    std::string id = absl::StrCat("003", i);
    contacts.push_back(MakeRecord("salesforce", hub::v1::CONTACT, id, "2024-05-01T00:00:00Z",
                                  {{"salesforce.contact_id", id}, {"phone", "(415) 555-0000"}}));
  }
  IngestStats s = Ingest(contacts);
  EXPECT_EQ(s.profiles_created, 7);
  EXPECT_EQ(s.merges, 0);
  EXPECT_EQ(s.refusals, 5);  // contacts 2-6; by contact 7 the phone is hot
  std::vector<RefusalEntry> log = *store_->ListRefusals(0, 100);
  ASSERT_EQ(log.size(), 6u);
  EXPECT_EQ(log.back().reason,
            "flagged hot: seen on 6 profiles (more than 5); it no longer links");
  EXPECT_EQ(log.back().value, "+14155550000");
  // A support user with only that phone stays apart.
  IngestStats z = Ingest({MakeRecord("zendesk", hub::v1::CONTACT, "9", "2024-05-02T00:00:00Z",
                                     {{"zendesk.user_id", "9"}, {"phone", "415-555-0000"}})});
  EXPECT_EQ(z.profiles_created, 1);
  EXPECT_EQ(z.merges, 0);
  EXPECT_EQ(z.refusals, 0);
  EXPECT_EQ(store_->Counts()->persons, 8);
}

const hub::v1::Trait* FindTrait(const hub::v1::Profile& p, const std::string& name) {
  for (const auto& t : p.traits()) {
    if (t.name() == name) return &t;
  }
  return nullptr;
}

TEST_F(IngesterTest, AConfiguredRuleDrivesTheTraitAndItsLineage) {
  SurvivorshipPolicy survivorship;
  survivorship.Set("title", TraitRule{SurvivorshipRule::kSourcePriority, {"salesforce", "zendesk"}});
  survivorship.Set("first_name", TraitRule{SurvivorshipRule::kNonEmpty, {}});
  Ingester ingester(store_.get(), IdentityPolicy::Default(), {}, survivorship);
  ASSERT_TRUE(ingester.IngestBatch({
      SfContact("003A", "ana@acme.example", "2024-05-01T00:00:00Z", "CTO"),
      MakeRecord("zendesk", hub::v1::CONTACT, "361", "2024-06-01T00:00:00Z",
                 {{"email", "ana@acme.example"}}, {{"title", "Chief Technology Officer"}}),
      MakeRecord("mailchimp", hub::v1::CONTACT, "m1", "2024-07-01T00:00:00Z",
                 {{"email", "ana@acme.example"}},
                 {{"title", "Head of Tech"}, {"first_name", ""}, {"last_name", ""}}),
  }).ok());
  hub::v1::Profile p = ByEmail("ana@acme.example");
  const hub::v1::Trait* title = FindTrait(p, "title");
  ASSERT_NE(title, nullptr);
  EXPECT_EQ(title->value(), "CTO");
  EXPECT_EQ(title->lineage().source(), "salesforce");
  EXPECT_EQ(title->lineage().entity(), hub::v1::CONTACT);
  EXPECT_EQ(title->lineage().external_id(), "003A");
  EXPECT_EQ(title->lineage().observed_at().seconds(), 1714521600);
  EXPECT_EQ(title->lineage().rule(), "source_priority");
  // mailchimp cleared both names: non_empty keeps the older value; the
  // default most_recent takes the clearing, so the trait is absent.
  const hub::v1::Trait* first = FindTrait(p, "first_name");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->value(), "Ana");
  EXPECT_EQ(first->lineage().rule(), "non_empty");
  EXPECT_EQ(FindTrait(p, "last_name"), nullptr);
}

TEST_F(IngesterTest, MostFrequentCountsEachRecordOnceAcrossRevisionsAndDeletions) {
  SurvivorshipPolicy survivorship;
  survivorship.Set("company", TraitRule{SurvivorshipRule::kMostFrequent, {}});
  Ingester ingester(store_.get(), IdentityPolicy::Default(), {}, survivorship);
  auto contact = [](const std::string& source, const std::string& id,
                    const std::string& updated, const std::string& company,
                    const std::string& title) {
    return MakeRecord(source, hub::v1::CONTACT, id, updated, {{"email", "ana@acme.example"}},
                      {{"company", company}, {"title", title}});
  };
  auto company = [&]() {
    hub::v1::Profile p = ByEmail("ana@acme.example");
    const hub::v1::Trait* t = FindTrait(p, "company");
    return t == nullptr ? std::optional<hub::v1::Trait>() : std::optional<hub::v1::Trait>(*t);
  };
  // Three revisions of one record asserting "Acme" against two records
  // asserting "Acme Inc": a record counts once, so "Acme Inc" wins 2:1.
  for (const char* updated : {"2024-05-01T00:00:00Z", "2024-06-01T00:00:00Z", "2024-07-01T00:00:00Z"}) {
    ASSERT_TRUE(ingester.IngestBatch({contact("salesforce", "003A", updated, "Acme", updated)}).ok());
  }
  ASSERT_TRUE(ingester.IngestBatch({contact("zendesk", "z1", "2024-01-01T00:00:00Z", "Acme Inc", "x"),
                                    contact("hubspot", "h1", "2024-02-01T00:00:00Z", "Acme Inc", "x")}).ok());
  ASSERT_TRUE(company().has_value());
  EXPECT_EQ(company()->value(), "Acme Inc");
  EXPECT_EQ(company()->lineage().source(), "hubspot");  // its latest supporter
  EXPECT_EQ(company()->lineage().rule(), "most_frequent");
  // hubspot deletes its record: 1:1, and "Acme" was seen last.
  SourceRecord gone = contact("hubspot", "h1", "2024-08-01T00:00:00Z", "Acme Inc", "x");
  gone.set_deleted(true);
  ASSERT_TRUE(ingester.IngestBatch({gone}).ok());
  EXPECT_EQ(company()->value(), "Acme");
  EXPECT_EQ(company()->lineage().observed_at().seconds(), 1719792000);  // 2024-07-01
  // A revision moves the record's vote: salesforce now says "Acme Inc".
  ASSERT_TRUE(ingester.IngestBatch({contact("salesforce", "003A", "2024-09-01T00:00:00Z",
                                            "Acme Inc", "y")}).ok());
  EXPECT_EQ(company()->value(), "Acme Inc");
  EXPECT_EQ(company()->lineage().source(), "salesforce");
}

TEST(ContentHashTest, StableAndContentSensitive) {
  SourceRecord a = SfContact("003A", "ana@acme.example", "2024-05-01T00:00:00Z", "CTO");
  SourceRecord b = a;
  EXPECT_EQ(ContentHash(a), ContentHash(b));
  (*b.mutable_attributes())["title"] = "CEO";
  EXPECT_NE(ContentHash(a), ContentHash(b));
}

}  // namespace
}  // namespace hub
