// The probabilistic matcher on the write path: ProfileMatcher (pure) and
// Ingester with a matcher (real SQLite store).
#include "profile/identity/profile_matcher.h"

#include <memory>

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "profile/ingest/ingester.h"
#include "profile/store/sqlite_store.h"
#include "tests/support/records.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::MakeRecord;
using testing_support::TempDir;

// Name: else / jaro_winkler>=0.8 / >=0.92 / exact; phone: else / exact.
// Prior 0.001: an exact name alone gives p 0.445 (for review); name and
// phone exact give 0.9986 (merge).
constexpr char kConfig[] = R"pb(
  fields {
    column: "first_name+last_name|name"
    comparator: JARO_WINKLER
    thresholds: 0.92 thresholds: 0.8
    m: 0.02 m: 0.03 m: 0.15 m: 0.8
    u: 0.97 u: 0.02 u: 0.009 u: 0.001
  }
  fields { column: "phone" comparator: EXACT m: 0.1 m: 0.9 u: 0.999 u: 0.001 }
  blocking { keys: "first_name+last_name|name:soundex" }
  blocking { keys: "phone" }
  prior: 0.001
)pb";

// The posterior of a pair under the config: prior odds times each field's
// likelihood ratio m/u.
double Posterior(std::initializer_list<double> ratios) {
  double odds = 0.001 / 0.999;
  for (double r : ratios) odds *= r;
  return odds / (1 + odds);
}
const double kNameAndPhone = Posterior({0.8 / 0.001, 0.9 / 0.001});  // 0.99861
const double kNameOnly = Posterior({0.8 / 0.001});                    // 0.44469
const double kPhoneOnly = Posterior({0.02 / 0.97, 0.9 / 0.001});      // 0.01824

hub::v1::MatchConfig Config(const std::string& text = kConfig) {
  hub::v1::MatchConfig config;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &config));
  return config;
}

std::vector<NamedTrait> Traits(std::initializer_list<std::pair<std::string, std::string>> kv) {
  std::vector<NamedTrait> out;
  for (const auto& [k, v] : kv) {
    NamedTrait t;
    t.name = k;
    t.value.value = v;
    out.push_back(std::move(t));
  }
  std::sort(out.begin(), out.end(),
            [](const NamedTrait& a, const NamedTrait& b) { return a.name < b.name; });
  return out;
}

TEST(ProfileMatcherTest, ColumnsReadJoinedTraitsOrAnAlternative) {
  ProfileMatcher matcher = *ProfileMatcher::Create(Config());
  EXPECT_EQ(matcher.ValuesOf(Traits({{"first_name", "Ann"}, {"last_name", "Lee"},
                                     {"phone", "+1 555"}})),
            (ProfileMatcher::Values{"ann lee", "+1 555"}));
  EXPECT_EQ(matcher.ValuesOf(Traits({{"name", "Ann  LEE"}, {"first_name", "Ann"}})),
            (ProfileMatcher::Values{"ann lee", ""}));
  EXPECT_EQ(matcher.ValuesOf(Traits({{"title", "CTO"}})), (ProfileMatcher::Values{"", ""}));
  hub::v1::MatchConfig config = Config();
  config.mutable_fields(1)->set_column("@account");
  config.mutable_blocking(1)->set_keys(0, "@account");
  ProfileMatcher by_account = *ProfileMatcher::Create(config);
  EXPECT_EQ(by_account.ValuesOf(Traits({{"name", "Ann Lee"}}), 42),
            (ProfileMatcher::Values{"ann lee", "accounts/42"}));
  EXPECT_EQ(by_account.ValuesOf(Traits({{"name", "Ann Lee"}})),
            (ProfileMatcher::Values{"ann lee", ""}));
}

TEST(ProfileMatcherTest, ScoresWithTheConfiguredModelAndExplains) {
  ProfileMatcher matcher = *ProfileMatcher::Create(Config());
  std::vector<ProfileMatcher::Score> s = matcher.ScoreAll(
      {"ann lee", "+1 555"}, {{7, {"ann lee", "+1 555"}}, {8, {"ann lee", ""}},
                              {9, {"bob ray", "+1 555"}}});
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].id, 7);
  EXPECT_NEAR(s[0].probability, kNameAndPhone, 1e-12);
  EXPECT_EQ(s[0].explanation, "first_name+last_name|name=exact(+9.6) phone=exact(+9.8)");
  EXPECT_NEAR(s[1].probability, kNameOnly, 1e-12);
  EXPECT_EQ(s[1].explanation, "first_name+last_name|name=exact(+9.6) phone=missing(+0.0)");
  EXPECT_NEAR(s[2].probability, kPhoneOnly, 1e-12);
  EXPECT_EQ(s[2].explanation, "first_name+last_name|name=else(-5.6) phone=exact(+9.8)");
  // The same name's block keys are shared; another name's are not.
  EXPECT_EQ(matcher.BlockKeys({"ann lee", ""}).size(), 1u);
  EXPECT_EQ(matcher.BlockKeys({"ann lee", "+1 555"}).size(), 2u);
  EXPECT_NE(matcher.BlockKeys({"ann lee", ""}), matcher.BlockKeys({"bob ray", ""}));
}

TEST(ProfileMatcherTest, AConfigWithoutAModelIsRejectedNamingTheField) {
  hub::v1::MatchConfig config = Config();
  config.mutable_fields(1)->clear_u();
  EXPECT_EQ(ProfileMatcher::Create(config).status().message(),
            "fields[phone].u: needs 2 probabilities in (0, 1), one per level from "
            "else to exact");
  config = Config();
  config.clear_prior();
  EXPECT_EQ(ProfileMatcher::Create(config).status().message(), "prior: must be in (0, 1)");
}

class WritePathMatchingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *OpenSqliteStore(SqliteStoreOptions{dir_.File("hub.db")});
    ingester_ = std::make_unique<Ingester>(store_.get(), IdentityPolicy::Default(),
                                           ValidationLimits{}, SurvivorshipPolicy{},
                                           *ProfileMatcher::Create(Config()));
  }
  IngestStats Ingest(const std::vector<hub::v1::SourceRecord>& records) {
    absl::StatusOr<IngestStats> s = ingester_->IngestBatch(records);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : IngestStats{};
  }
  int64_t ByEmail(const std::string& email) {
    return *store_->FindIdentity(Side::kPerson, "email", email);
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Ingester> ingester_;
};

// A CRM contact and a support-desk user with different emails: no shared
// identifier, but the same name and phone.
TEST_F(WritePathMatchingTest, SameNameAndPhoneMergeWithAScoredLedgerEntry) {
  Ingest({MakeRecord("salesforce", hub::v1::CONTACT, "003A", "2024-01-01T00:00:00Z",
                     {{"email", "ann@acme.example"}},
                     {{"first_name", "Ann"}, {"last_name", "Lee"}, {"phone", "+15550100"}})});
  IngestStats stats = Ingest({MakeRecord(
      "zendesk", hub::v1::CONTACT, "42", "2024-01-02T00:00:00Z",
      {{"email", "ann.lee@gmail.com"}}, {{"name", "Ann Lee"}, {"phone", "+15550100"}})});
  EXPECT_EQ(stats.matched, 1);
  EXPECT_EQ(stats.merges, 1);
  EXPECT_EQ(stats.suggested, 0);
  const int64_t crm = ByEmail("ann@acme.example");
  EXPECT_EQ(ByEmail("ann.lee@gmail.com"), crm);
  std::vector<MergeEntry> ledger = *store_->ListMerges(Side::kPerson, crm, 1 << 30, 10);
  ASSERT_EQ(ledger.size(), 1u);
  EXPECT_EQ(ledger[0].rule, "probabilistic");
  ASSERT_TRUE(ledger[0].score.has_value());
  EXPECT_NEAR(*ledger[0].score, kNameAndPhone, 1e-12);
  EXPECT_EQ(ledger[0].winner, crm);
}

TEST_F(WritePathMatchingTest, ANameAloneIsQueuedForReviewOnce) {
  Ingest({MakeRecord("salesforce", hub::v1::CONTACT, "003A", "2024-01-01T00:00:00Z",
                     {{"email", "ann@acme.example"}},
                     {{"first_name", "Ann"}, {"last_name", "Lee"}, {"phone", "+15550100"}})});
  hub::v1::SourceRecord other = MakeRecord("mailchimp", hub::v1::CONTACT, "m1",
                                           "2024-01-02T00:00:00Z",
                                           {{"email", "lee@other.example"}},
                                           {{"first_name", "Ann"}, {"last_name", "Lee"}});
  IngestStats stats = Ingest({other});
  EXPECT_EQ(stats.matched, 0);
  EXPECT_EQ(stats.suggested, 1);
  EXPECT_NE(ByEmail("lee@other.example"), ByEmail("ann@acme.example"));
  std::vector<MergeSuggestion> queue =
      *store_->ListMergeSuggestions(MergeSuggestion::State::kPending, 0, 10);
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0].a, ByEmail("ann@acme.example"));
  EXPECT_EQ(queue[0].b, ByEmail("lee@other.example"));
  EXPECT_NEAR(queue[0].score, kNameOnly, 1e-12);
  EXPECT_EQ(queue[0].explanation,
            "first_name+last_name|name=exact(+9.6) phone=missing(+0.0)");
  // A new revision touches the profile again: the pair is not queued twice.
  (*other.mutable_attributes())["title"] = "CTO";
  *other.mutable_updated_at() = MakeRecord("x", hub::v1::CONTACT, "x",
                                           "2024-01-03T00:00:00Z", {}).updated_at();
  EXPECT_EQ(Ingest({other}).suggested, 0);
  EXPECT_EQ(store_->ListMergeSuggestions(std::nullopt, 0, 10)->size(), 1u);
}

TEST_F(WritePathMatchingTest, DoNotLinkedProfilesAreNeverScored) {
  Ingest({MakeRecord("salesforce", hub::v1::CONTACT, "003A", "2024-01-01T00:00:00Z",
                     {{"email", "ann@acme.example"}},
                     {{"first_name", "Ann"}, {"last_name", "Lee"}, {"phone", "+15550100"}})});
  Ingest({MakeRecord("zendesk", hub::v1::CONTACT, "42", "2024-01-02T00:00:00Z",
                     {{"email", "ann.lee@gmail.com"}}, {{"name", "Bo Ray"}})});
  const int64_t crm = ByEmail("ann@acme.example");
  const int64_t desk = ByEmail("ann.lee@gmail.com");
  {
    std::unique_ptr<WriteTransaction> tx = *store_->BeginWrite();
    ASSERT_TRUE(tx->AddDoNotLink(Side::kPerson, crm, desk, "steward").ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  // The desk now says the same name and phone: kept apart all the same.
  IngestStats stats = Ingest({MakeRecord(
      "zendesk", hub::v1::CONTACT, "42", "2024-01-03T00:00:00Z",
      {{"email", "ann.lee@gmail.com"}}, {{"name", "Ann Lee"}, {"phone", "+15550100"}})});
  EXPECT_EQ(stats.matched, 0);
  EXPECT_EQ(stats.suggested, 0);
  EXPECT_NE(ByEmail("ann.lee@gmail.com"), crm);
}

}  // namespace
}  // namespace hub
