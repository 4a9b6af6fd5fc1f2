#include "profile/survivorship/survivorship.h"

#include "gtest/gtest.h"
#include "tests/support/records.h"

namespace hub {
namespace {

using testing_support::MakeRecord;

TEST(SurvivorshipTest, CandidatesSkipEmptyAndInternalAttributes) {
  hub::v1::SourceRecord r = MakeRecord(
      "salesforce", hub::v1::CONTACT, "003A", "2024-05-02T09:15:00Z", {},
      {{"title", "CTO"}, {"phone_ext", ""}, {"_invalid_updated_at", "x"}});
  std::vector<NamedTrait> c = TraitCandidates(r);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].name, "title");
  EXPECT_EQ(c[0].value.value, "CTO");
  EXPECT_EQ(c[0].value.source, "salesforce");
  EXPECT_EQ(c[0].value.external_id, "003A");
  EXPECT_EQ(c[0].value.observed_us, 1714641300000000);
  EXPECT_EQ(c[0].value.rule, "most_recent");
}

TEST(SurvivorshipTest, ActivitiesAndDeletedRecordsOfferNothing) {
  hub::v1::SourceRecord a = MakeRecord("ga4", hub::v1::WEB_EVENT, "e1",
                                       "2024-05-02T09:15:00Z", {}, {{"x", "y"}});
  EXPECT_TRUE(TraitCandidates(a).empty());
  hub::v1::SourceRecord d = MakeRecord("salesforce", hub::v1::CONTACT, "003A",
                                       "2024-05-02T09:15:00Z", {}, {{"x", "y"}});
  d.set_deleted(true);
  EXPECT_TRUE(TraitCandidates(d).empty());
}

TEST(SurvivorshipTest, MostRecentWinsRegardlessOfOrder) {
  hub::v1::SourceRecord old_r = MakeRecord("zendesk", hub::v1::CONTACT, "1",
                                           "2024-01-01T00:00:00Z", {}, {{"title", "Engineer"}});
  hub::v1::SourceRecord new_r = MakeRecord("salesforce", hub::v1::CONTACT, "003A",
                                           "2024-06-01T00:00:00Z", {}, {{"title", "CTO"}});
  std::vector<NamedTrait> a = Recompute({old_r, new_r});
  std::vector<NamedTrait> b = Recompute({new_r, old_r});
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].value.value, "CTO");
  EXPECT_EQ(b[0].value.value, "CTO");
  // Incremental: an older candidate does not replace a newer current value.
  EXPECT_TRUE(Survive(a, TraitCandidates(old_r)).empty());
}

TEST(SurvivorshipTest, TiesBreakDeterministically) {
  hub::v1::SourceRecord x = MakeRecord("mailchimp", hub::v1::CONTACT, "m",
                                       "2024-01-01T00:00:00Z", {}, {{"first_name", "Ana"}});
  hub::v1::SourceRecord y = MakeRecord("zendesk", hub::v1::CONTACT, "z",
                                       "2024-01-01T00:00:00Z", {}, {{"first_name", "Anna"}});
  EXPECT_EQ(Recompute({x, y})[0].value.value, "Anna");
  EXPECT_EQ(Recompute({y, x})[0].value.value, "Anna");
}

}  // namespace
}  // namespace hub
