// Consent: the policy's decisions (table-driven, no store), the signals a
// record carries, and consent over a real SQLite store through ingest,
// SetConsent, merge, unmerge, erasure and subject export.
#include "profile/consent/consent.h"

#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "profile/base/time_util.h"
#include "profile/consent/consent_policy.h"
#include "profile/consent/consent_signals.h"
#include "profile/identity/merge_ledger.h"
#include "profile/ingest/erasure.h"
#include "profile/ingest/ingester.h"
#include "profile/ingest/subject_export.h"
#include "profile/store/sqlite_store.h"
#include "tests/support/records.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::MakeActivity;
using testing_support::MakeRecord;
using testing_support::TempDir;
using v1::SourceRecord;

int64_t Us(const char* rfc3339) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << err;
  return absl::ToUnixMicros(t);
}

ConsentSignal Signal(const char* purpose, hub::v1::ConsentState state, const char* source,
                     const char* at, int64_t origin = 1) {
  ConsentSignal s;
  s.origin_id = origin;
  s.purpose = purpose;
  s.state = state;
  s.source = source;
  s.at_us = Us(at);
  return s;
}

// --- ConsentPolicy ------------------------------------------------------------

TEST(ConsentPolicyTest, MostRestrictiveLetsAnOlderDenialBeatALaterGrant) {
  ConsentPolicy policy = ConsentPolicy::Default();
  std::vector<ConsentSignal> signals = {
      Signal("email_marketing", hub::v1::GRANTED, "crm", "2024-06-01T00:00:00Z"),
      Signal("email_marketing", hub::v1::DENIED, "email", "2024-05-01T00:00:00Z", 2),
      Signal("analytics", hub::v1::GRANTED, "web", "2024-01-01T00:00:00Z")};
  EffectiveConsent e = policy.Decide("email_marketing", signals);
  EXPECT_EQ(e.state, hub::v1::DENIED);
  ASSERT_TRUE(e.decided_by.has_value());
  EXPECT_EQ(e.decided_by->source, "email");
  EXPECT_EQ(e.decided_by->origin_id, 2);
  EXPECT_FALSE(e.assumed);
  EXPECT_FALSE(policy.Allows("email_marketing", signals));
  EXPECT_TRUE(policy.Allows("analytics", signals));
}

TEST(ConsentPolicyTest, MostRecentLetsTheLatestSignalWin) {
  hub::v1::ConsentConfig config;
  config.set_merge_rule("most_recent");
  absl::StatusOr<ConsentPolicy> policy = ConsentPolicy::FromConfig(config);
  ASSERT_TRUE(policy.ok()) << policy.status();
  std::vector<ConsentSignal> signals = {
      Signal("email_marketing", hub::v1::DENIED, "email", "2024-05-01T00:00:00Z"),
      Signal("email_marketing", hub::v1::GRANTED, "crm", "2024-06-01T00:00:00Z")};
  EXPECT_EQ(policy->Decide("email_marketing", signals).state, hub::v1::GRANTED);
  EXPECT_EQ(policy->Decide("email_marketing", signals).decided_by->source, "crm");
}

TEST(ConsentPolicyTest, OfTwoSignalsAtOneTimeTheMoreRestrictiveWinsInEitherOrder) {
  hub::v1::ConsentConfig config;
  config.set_merge_rule("most_recent");
  ConsentPolicy policy = *ConsentPolicy::FromConfig(config);
  ConsentSignal grant = Signal("analytics", hub::v1::GRANTED, "a", "2024-05-01T00:00:00Z");
  ConsentSignal revoke = Signal("analytics", hub::v1::REVOKED, "b", "2024-05-01T00:00:00Z");
  EXPECT_EQ(policy.Decide("analytics", {grant, revoke}).state, hub::v1::REVOKED);
  EXPECT_EQ(policy.Decide("analytics", {revoke, grant}).state, hub::v1::REVOKED);
}

TEST(ConsentPolicyTest, WithoutSignalsThePurposeDefaultIsAssumed) {
  ConsentPolicy builtin = ConsentPolicy::Default();
  EffectiveConsent none = builtin.Decide("analytics", {});
  EXPECT_EQ(none.state, hub::v1::CONSENT_STATE_UNSPECIFIED);
  EXPECT_TRUE(none.assumed);
  EXPECT_FALSE(none.decided_by.has_value());
  EXPECT_FALSE(builtin.Allows("analytics", {}));

  hub::v1::ConsentConfig config;
  auto* soft = config.add_purposes();
  soft->set_name("email_marketing");
  soft->set_default_state("GRANTED");
  auto* extra = config.add_purposes();
  extra->set_name("profiling");
  ConsentPolicy policy = *ConsentPolicy::FromConfig(config);
  EXPECT_TRUE(policy.Allows("email_marketing", {}));
  EXPECT_FALSE(policy.Allows("email_marketing",
                             {Signal("email_marketing", hub::v1::DENIED, "email",
                                     "2024-05-01T00:00:00Z")}));
  std::vector<std::string> names;
  for (const auto& [name, state] : policy.purposes()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"analytics", "email_marketing", "personalization",
                                             "profiling"}));
  EXPECT_TRUE(policy.CheckPurpose("profiling", "purpose").ok());
  EXPECT_EQ(builtin.CheckPurpose("profiling", "purpose").message(),
            "purpose: unknown purpose \"profiling\" (configured: analytics, email_marketing, "
            "personalization)");
}

TEST(ConsentPolicyTest, BadConfigIsRefusedNamingTheField) {
  struct Case {
    const char* name;
    const char* state;
    const char* rule;
    const char* message;
  } cases[] = {
      {"analytics", "", "newest",
       "consent.merge_rule: unknown rule \"newest\" (want most_restrictive or most_recent)"},
      {"analytics", "YES", "",
       "consent.purposes[0].default_state: unknown state \"YES\" (want NONE, GRANTED or "
       "DENIED)"},
      {"Email Marketing", "", "",
       "consent.purposes[0].name: \"Email Marketing\" is not a purpose name (a-z, 0-9, _)"},
      {"", "", "", "consent.purposes[0].name: \"\" is not a purpose name (a-z, 0-9, _)"},
  };
  for (const Case& c : cases) {
    hub::v1::ConsentConfig config;
    config.set_merge_rule(c.rule);
    config.add_purposes()->set_name(c.name);
    config.mutable_purposes(0)->set_default_state(c.state);
    absl::StatusOr<ConsentPolicy> policy = ConsentPolicy::FromConfig(config);
    EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_EQ(policy.status().message(), c.message);
  }
  hub::v1::ConsentConfig twice;
  twice.add_purposes()->set_name("analytics");
  twice.add_purposes()->set_name("analytics");
  EXPECT_EQ(ConsentPolicy::FromConfig(twice).status().message(),
            "consent.purposes[1].name: purpose \"analytics\" is listed twice");
}

// --- Signals of records ---------------------------------------------------------

TEST(ConsentSignalsTest, UnsubscribesMemberStatusAndGa4FlagsGiveSignals) {
  SourceRecord unsub = MakeRecord("email", hub::v1::EMAIL_ACTIVITY, "c1:m1:unsubscribe",
                                  "2024-06-03T00:00:00Z", {{"email", "ana@gmail.com"}});
  MakeActivity(&unsub, "2024-06-02T10:00:00Z", "email_unsubscribed");
  std::vector<ConsentSignal> s = ConsentSignalsOf(unsub);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].purpose, "email_marketing");
  EXPECT_EQ(s[0].state, hub::v1::DENIED);
  EXPECT_EQ(s[0].source, "email");
  EXPECT_EQ(s[0].at_us, Us("2024-06-02T10:00:00Z"));
  EXPECT_EQ(s[0].record.external_id, "c1:m1:unsubscribe");

  for (const auto& [status, state] :
       std::vector<std::pair<const char*, hub::v1::ConsentState>>{
           {"subscribed", hub::v1::GRANTED},
           {"unsubscribed", hub::v1::DENIED},
           {"cleaned", hub::v1::DENIED}}) {
    SourceRecord member = MakeRecord("email", hub::v1::CONTACT, "m1", "2024-05-01T00:00:00Z",
                                     {{"email", "ana@gmail.com"}}, {{"email_status", status}});
    s = ConsentSignalsOf(member);
    ASSERT_EQ(s.size(), 1u) << status;
    EXPECT_EQ(s[0].state, state) << status;
    EXPECT_EQ(s[0].at_us, Us("2024-05-01T00:00:00Z"));
  }
  SourceRecord pending = MakeRecord("email", hub::v1::CONTACT, "m1", "2024-05-01T00:00:00Z",
                                    {{"email", "ana@gmail.com"}}, {{"email_status", "pending"}});
  EXPECT_TRUE(ConsentSignalsOf(pending).empty());

  SourceRecord hit = MakeRecord("ga4", hub::v1::WEB_EVENT, "p1:1:page_view:0",
                                "2024-06-01T00:00:00Z", {{"ga4.user_pseudo_id", "p1"}});
  MakeActivity(&hit, "2024-06-01T08:00:00Z", "page_view");
  (*hit.mutable_properties())["analytics_storage"] = "No";
  (*hit.mutable_properties())["ads_storage"] = "Yes";
  s = ConsentSignalsOf(hit);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].purpose, "analytics");
  EXPECT_EQ(s[0].state, hub::v1::DENIED);
  EXPECT_EQ(s[1].purpose, "personalization");
  EXPECT_EQ(s[1].state, hub::v1::GRANTED);
  EXPECT_EQ(s[1].at_us, Us("2024-06-01T08:00:00Z"));
  hit.set_deleted(true);
  EXPECT_TRUE(ConsentSignalsOf(hit).empty());
}

ConsentSubject Named(const std::string& name) { return ConsentSubject{name, "", ""}; }

// --- Over a store ------------------------------------------------------------------

SourceRecord Member(const char* id, const char* email, const char* status, const char* at) {
  return MakeRecord("email", hub::v1::CONTACT, id, at,
                    {{"mailchimp.member_id", id}, {"email", email}}, {{"email_status", status}});
}

SourceRecord Unsubscribe(const char* member, const char* email, const char* at) {
  SourceRecord r = MakeRecord("email", hub::v1::EMAIL_ACTIVITY,
                              std::string("c1:") + member + ":unsubscribe", at,
                              {{"email", email}, {"mailchimp.member_id", member}});
  MakeActivity(&r, at, "email_unsubscribed");
  return r;
}

class ConsentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *OpenSqliteStore(SqliteStoreOptions{dir_.File("hub.db")});
    ingester_ = std::make_unique<Ingester>(store_.get());
  }

  void Ingest(std::vector<SourceRecord> records) {
    absl::StatusOr<IngestStats> s = ingester_->IngestBatch(std::move(records));
    ASSERT_TRUE(s.ok()) << s.status();
  }

  int64_t Person(const char* email) {
    return *store_->FindIdentity(Side::kPerson, "email", email);
  }

  EffectiveConsent Effective(int64_t id, const char* purpose) {
    absl::StatusOr<std::vector<ConsentSignal>> signals = store_->ConsentSignalsOf({id});
    EXPECT_TRUE(signals.ok()) << signals.status();
    return policy_.Decide(purpose, *signals);
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Ingester> ingester_;
  ConsentPolicy policy_ = ConsentPolicy::Default();
  Actor steward_{"sam", "steward", "ticket 42", "req-1"};
};

TEST_F(ConsentStoreTest, TheNewestSignalOfASourceWinsWhateverTheArrivalOrder) {
  Ingest({Unsubscribe("m1", "ana@gmail.com", "2024-06-02T10:00:00Z")});
  const int64_t ana = Person("ana@gmail.com");
  EXPECT_EQ(Effective(ana, "email_marketing").state, hub::v1::DENIED);
  // An older "subscribed" from the same source arrives late: no effect.
  Ingest({Member("m1", "ana@gmail.com", "subscribed", "2024-05-01T00:00:00Z")});
  EffectiveConsent e = Effective(ana, "email_marketing");
  EXPECT_EQ(e.state, hub::v1::DENIED);
  EXPECT_EQ(e.decided_by->at_us, Us("2024-06-02T10:00:00Z"));
  // She subscribes again later.
  Ingest({Member("m1", "ana@gmail.com", "subscribed", "2024-07-01T00:00:00Z")});
  e = Effective(ana, "email_marketing");
  EXPECT_EQ(e.state, hub::v1::GRANTED);
  EXPECT_EQ(e.decided_by->at_us, Us("2024-07-01T00:00:00Z"));
  EXPECT_EQ(e.decided_by->record.external_id, "m1");
  // One stored signal per origin, purpose and source.
  EXPECT_EQ(store_->ConsentSignalsOf({ana})->size(), 1u);
}

TEST_F(ConsentStoreTest, SetConsentIsAuditedAndARetryChangesNothing) {
  Ingest({Member("m1", "ana@gmail.com", "subscribed", "2024-05-01T00:00:00Z")});
  const int64_t ana = Person("ana@gmail.com");
  ConsentSubject by_email{"", "email", "  Ana@Gmail.com "};
  absl::StatusOr<ConsentChange> set =
      SetConsent(store_.get(), policy_, by_email, "analytics", hub::v1::REVOKED, steward_);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->profile_id, ana);
  std::vector<AuditEntry> audit = *store_->ListAudit(0, 10);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].seq, set->audit_seq);
  EXPECT_EQ(audit[0].action, "SetConsent");
  EXPECT_EQ(audit[0].target, absl::StrCat("profiles/", ana));
  EXPECT_EQ(audit[0].details, "analytics REVOKED (effective: REVOKED)");
  EXPECT_EQ(audit[0].actor.reason, "ticket 42");
  EXPECT_EQ(audit[0].actor.request_id, "req-1");
  EffectiveConsent e = Effective(ana, "analytics");
  EXPECT_EQ(e.state, hub::v1::REVOKED);
  EXPECT_EQ(e.decided_by->source, "api");
  EXPECT_EQ(e.decided_by->actor.principal, "sam");

  absl::StatusOr<ConsentChange> again =
      SetConsent(store_.get(), policy_, by_email, "analytics", hub::v1::REVOKED, steward_);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->audit_seq, 0);
  EXPECT_EQ(store_->ListAudit(0, 10)->size(), 1u);

  struct Bad {
    ConsentSubject subject;
    const char* purpose;
    hub::v1::ConsentState state;
    const char* reason;
    absl::StatusCode code;
    const char* message;
  } bad[] = {
      {Named("profiles/1"), "ads", hub::v1::GRANTED, "r", absl::StatusCode::kInvalidArgument,
       "purpose: unknown purpose \"ads\" (configured: analytics, email_marketing, "
       "personalization)"},
      {Named("profiles/1"), "analytics", hub::v1::CONSENT_STATE_UNSPECIFIED, "r",
       absl::StatusCode::kInvalidArgument,
       "state: want GRANTED, DENIED or REVOKED, got CONSENT_STATE_UNSPECIFIED"},
      {Named("profiles/1"), "analytics", hub::v1::GRANTED, "", absl::StatusCode::kInvalidArgument,
       "reason: required to set consent (e.g. the ticket of the person's request)"},
      {Named("profile/1"), "analytics", hub::v1::GRANTED, "r", absl::StatusCode::kInvalidArgument,
       "name: expected \"profiles/{id}\" with a positive id, got \"profile/1\""},
      {Named("profiles/999"), "analytics", hub::v1::GRANTED, "r", absl::StatusCode::kNotFound, ""},
      {{"", "email", "bo@gmail.com"}, "analytics", hub::v1::GRANTED, "r",
       absl::StatusCode::kNotFound, "no person holds email \"bo@gmail.com\""},
  };
  for (const Bad& b : bad) {
    Actor actor = steward_;
    actor.reason = b.reason;
    absl::StatusOr<ConsentChange> r =
        SetConsent(store_.get(), policy_, b.subject, b.purpose, b.state, actor);
    EXPECT_EQ(r.status().code(), b.code) << b.message;
    if (*b.message != '\0') {
      EXPECT_EQ(r.status().message(), b.message);
    }
  }
  EXPECT_EQ(store_->ListAudit(0, 10)->size(), 1u);
}

TEST_F(ConsentStoreTest, AMergeTakesTheMostRestrictiveAndAnUnmergeGivesEachItsOwn) {
  Ingest({Member("m1", "ana@gmail.com", "subscribed", "2024-05-01T00:00:00Z"),
          MakeRecord("crm", hub::v1::CONTACT, "003A", "2024-04-01T00:00:00Z",
                     {{"salesforce.contact_id", "003A"}, {"email", "ana.work@acme.example"}})});
  const int64_t a = Person("ana@gmail.com");
  const int64_t b = Person("ana.work@acme.example");
  ASSERT_NE(a, b);
  // The steward's denial belongs to the CRM profile.
  ASSERT_TRUE(SetConsent(store_.get(), policy_, Named(absl::StrCat("profiles/", b)),
                         "email_marketing", hub::v1::DENIED, steward_)
                  .ok());
  EXPECT_EQ(Effective(a, "email_marketing").state, hub::v1::GRANTED);
  EXPECT_EQ(Effective(b, "email_marketing").state, hub::v1::DENIED);

  MergeLedger ledger(store_.get(), SurvivorshipPolicy{});
  absl::StatusOr<MergeEntry> merged = ledger.Merge(Side::kPerson, a, b, steward_);
  ASSERT_TRUE(merged.ok()) << merged.status();
  const int64_t survivor = merged->winner;
  EffectiveConsent e = Effective(survivor, "email_marketing");
  EXPECT_EQ(e.state, hub::v1::DENIED);
  EXPECT_EQ(e.decided_by->source, "api");
  EXPECT_EQ(e.decided_by->origin_id, b);
  EXPECT_EQ(store_->ConsentSignalsOf({survivor})->size(), 2u);
  // Most recent instead: the steward's later denial still wins here...
  hub::v1::ConsentConfig recent;
  recent.set_merge_rule("most_recent");
  EXPECT_EQ(ConsentPolicy::FromConfig(recent)->Decide("email_marketing",
                                                      *store_->ConsentSignalsOf({survivor}))
                .state,
            hub::v1::DENIED);

  absl::StatusOr<UnmergeResult> split =
      ledger.Unmerge(Side::kPerson, survivor, merged->seq, steward_);
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(Effective(a, "email_marketing").state, hub::v1::GRANTED);
  EXPECT_EQ(Effective(b, "email_marketing").state, hub::v1::DENIED);
  EXPECT_EQ(store_->ConsentSignalsOf({a})->size(), 1u);
  EXPECT_EQ(store_->ConsentSignalsOf({b})->size(), 1u);
}

TEST_F(ConsentStoreTest, ReadsForAPurposeKeepOnlyProfilesWithConsent) {
  Ingest({Member("m1", "ana@gmail.com", "subscribed", "2024-05-01T00:00:00Z"),
          Member("m2", "bo@gmail.com", "unsubscribed", "2024-05-01T00:00:00Z"),
          Member("m3", "cy@gmail.com", "pending", "2024-05-01T00:00:00Z")});
  google::protobuf::RepeatedPtrField<hub::v1::Profile> page;
  for (const char* email : {"ana@gmail.com", "bo@gmail.com", "cy@gmail.com"}) {
    page.Add()->set_name(absl::StrCat("profiles/", Person(email)));
  }
  ASSERT_TRUE(AttachConsents(store_.get(), policy_, "email_marketing", &page).ok());
  ASSERT_EQ(page.size(), 1);
  EXPECT_EQ(page[0].name(), absl::StrCat("profiles/", Person("ana@gmail.com")));
  ASSERT_EQ(page[0].consents_size(), 3);
  EXPECT_EQ(page[0].consents(1).purpose(), "email_marketing");
  EXPECT_EQ(page[0].consents(1).state(), hub::v1::GRANTED);
  EXPECT_EQ(page[0].consents(0).purpose(), "analytics");
  EXPECT_TRUE(page[0].consents(0).assumed());

  hub::v1::Profile bo;
  bo.set_name(absl::StrCat("profiles/", Person("bo@gmail.com")));
  absl::Status refused = AttachConsent(store_.get(), policy_, "email_marketing", true, &bo);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.message(),
            absl::StrCat(bo.name(), " has no consent for purpose email_marketing"));
  ASSERT_TRUE(AttachConsent(store_.get(), policy_, "", true, &bo).ok());
  EXPECT_EQ(bo.consents(1).state(), hub::v1::DENIED);
  ASSERT_EQ(bo.consents(1).evidence_size(), 1);
  EXPECT_EQ(bo.consents(1).evidence(0).record().external_id(), "m2");
}

TEST_F(ConsentStoreTest, ErasureRemovesTheSignalsAndTheExportShowsThem) {
  Ingest({Member("m1", "ana@gmail.com", "subscribed", "2024-05-01T00:00:00Z"),
          Unsubscribe("m1", "ana@gmail.com", "2024-06-02T10:00:00Z")});
  const int64_t ana = Person("ana@gmail.com");
  ASSERT_TRUE(SetConsent(store_.get(), policy_, Named(absl::StrCat("profiles/", ana)),
                         "analytics", hub::v1::GRANTED, steward_)
                  .ok());
  absl::StatusOr<SubjectData> data = ExportSubject(store_.get(), "email", "ana@gmail.com",
                                                   steward_, &policy_);
  ASSERT_TRUE(data.ok()) << data.status();
  ASSERT_EQ(data->profile.consents_size(), 3);
  EXPECT_EQ(data->profile.consents(0).state(), hub::v1::GRANTED);
  EXPECT_EQ(data->profile.consents(0).source(), "api");
  EXPECT_EQ(data->profile.consents(1).state(), hub::v1::DENIED);
  ASSERT_EQ(data->profile.consents(1).evidence_size(), 1);
  EXPECT_EQ(data->profile.consents(1).evidence(0).record().external_id(), "c1:m1:unsubscribe");

  absl::StatusOr<ErasureReceipt> receipt =
      EraseSubject(store_.get(), nullptr, "email", "ana@gmail.com", steward_, false);
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  // Nothing else of "other" (a free-mail address waits for no account).
  EXPECT_EQ(receipt->erased.other, 2);
  EXPECT_TRUE(store_->ConsentSignalsOf({ana})->empty());
}

}  // namespace
}  // namespace hub
