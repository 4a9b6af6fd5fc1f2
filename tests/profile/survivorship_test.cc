#include "profile/survivorship/survivorship.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "profile/base/time_util.h"
#include "tests/support/records.h"

namespace hub {
namespace {

using testing_support::MakeRecord;
using v1::SourceRecord;

SourceRecord Titled(const std::string& source, const std::string& id,
                    const std::string& updated, const std::string& title) {
  return MakeRecord(source, hub::v1::CONTACT, id, updated, {}, {{"title", title}});
}

// The trait `name` of `traits`, or a value "<none>".
TraitValue Find(const std::vector<NamedTrait>& traits, const std::string& name) {
  for (const NamedTrait& t : traits) {
    if (t.name == name) return t.value;
  }
  return TraitValue{"<none>", "", hub::v1::ENTITY_TYPE_UNSPECIFIED, "", 0, ""};
}

// Folds records in one at a time as ingest does for new records: Survive,
// or Recompute over the records so far when the rules need every candidate.
std::vector<NamedTrait> Incremental(const SurvivorshipPolicy& policy,
                                    const std::vector<SourceRecord>& records) {
  std::vector<NamedTrait> current;
  std::vector<SourceRecord> seen;
  for (const SourceRecord& r : records) {
    seen.push_back(r);
    std::optional<std::vector<NamedTrait>> rows =
        Survive(policy, current, TraitCandidates(r));
    if (!rows) {
      current = Recompute(policy, seen);
      continue;
    }
    for (NamedTrait& row : *rows) {
      auto it = std::find_if(current.begin(), current.end(),
                             [&](const NamedTrait& t) { return t.name == row.name; });
      if (it == current.end()) {
        current.push_back(std::move(row));
      } else {
        *it = std::move(row);
      }
    }
    std::sort(current.begin(), current.end(),
              [](const NamedTrait& a, const NamedTrait& b) { return a.name < b.name; });
  }
  return current;
}

TEST(SurvivorshipTest, CandidatesSkipInternalAttributesAndKeepEmptyOnes) {
  SourceRecord r = MakeRecord(
      "salesforce", hub::v1::CONTACT, "003A", "2024-05-02T09:15:00Z", {},
      {{"title", "CTO"}, {"phone_ext", ""}, {"_invalid_updated_at", "x"}});
  std::vector<NamedTrait> c = TraitCandidates(r);
  ASSERT_EQ(c.size(), 2u);
  std::sort(c.begin(), c.end(),
            [](const NamedTrait& a, const NamedTrait& b) { return a.name < b.name; });
  EXPECT_EQ(c[0].name, "phone_ext");
  EXPECT_EQ(c[0].value.value, "");
  EXPECT_EQ(c[1].name, "title");
  EXPECT_EQ(c[1].value.value, "CTO");
  EXPECT_EQ(c[1].value.source, "salesforce");
  EXPECT_EQ(c[1].value.external_id, "003A");
  EXPECT_EQ(c[1].value.observed_us, 1714641300000000);
  EXPECT_EQ(c[1].value.rule, "");
}

TEST(SurvivorshipTest, ActivitiesAndDeletedRecordsOfferNothing) {
  SourceRecord a = MakeRecord("ga4", hub::v1::WEB_EVENT, "e1",
                              "2024-05-02T09:15:00Z", {}, {{"x", "y"}});
  EXPECT_TRUE(TraitCandidates(a).empty());
  SourceRecord d = MakeRecord("salesforce", hub::v1::CONTACT, "003A",
                              "2024-05-02T09:15:00Z", {}, {{"x", "y"}});
  d.set_deleted(true);
  EXPECT_TRUE(TraitCandidates(d).empty());
}

// One profile's title candidates, disagreeing in every way the rules care
// about: source, time, emptiness and frequency.
std::vector<SourceRecord> Disagreeing() {
  return {
      Titled("hubspot", "h1", "2024-01-01T00:00:00Z", "Chief Technology Officer"),
      Titled("salesforce", "003A", "2024-03-01T00:00:00Z", "CTO"),
      Titled("zendesk", "z1", "2024-05-01T00:00:00Z", "Chief Technology Officer"),
      Titled("mailchimp", "m1", "2024-06-01T00:00:00Z", ""),  // cleared
  };
}

struct RuleCase {
  std::string label;
  TraitRule rule;
  std::string value;        // the surviving value ("" = cleared)
  std::string source;       // and its lineage
  std::string external_id;
  std::string observed;     // RFC 3339
  std::string rule_name;
};

TEST(SurvivorshipTest, EachRuleChoosesItsValueWhateverTheArrivalOrder) {
  using R = SurvivorshipRule;
  const std::vector<RuleCase> cases = {
      {"most_recent keeps the latest, even a cleared value", {R::kMostRecent, {}},
       "", "mailchimp", "m1", "2024-06-01T00:00:00Z", "most_recent"},
      {"non_empty skips the cleared value", {R::kNonEmpty, {}},
       "Chief Technology Officer", "zendesk", "z1", "2024-05-01T00:00:00Z", "non_empty"},
      {"first_seen keeps the earliest", {R::kFirstSeen, {}},
       "Chief Technology Officer", "hubspot", "h1", "2024-01-01T00:00:00Z", "first_seen"},
      {"most_frequent counts records; lineage is the latest supporter",
       {R::kMostFrequent, {}},
       "Chief Technology Officer", "zendesk", "z1", "2024-05-01T00:00:00Z", "most_frequent"},
      {"source_priority takes the best-ranked source", {R::kSourcePriority, {"salesforce", "zendesk"}},
       "CTO", "salesforce", "003A", "2024-03-01T00:00:00Z", "source_priority"},
      {"source_priority skips listed sources that offer nothing",
       {R::kSourcePriority, {"segment", "zendesk", "salesforce"}},
       "Chief Technology Officer", "zendesk", "z1", "2024-05-01T00:00:00Z", "source_priority"},
      {"unlisted sources rank last, most recent among them",
       {R::kSourcePriority, {"segment"}},
       "", "mailchimp", "m1", "2024-06-01T00:00:00Z", "source_priority"},
  };
  for (const RuleCase& c : cases) {
    SurvivorshipPolicy policy;
    policy.Set("title", c.rule);
    std::vector<SourceRecord> records = Disagreeing();
    std::sort(records.begin(), records.end(),
              [](const SourceRecord& a, const SourceRecord& b) {
                return a.external_id() < b.external_id();
              });
    int orders = 0;
    do {
      for (const auto& traits : {Recompute(policy, records), Incremental(policy, records)}) {
        TraitValue v = Find(traits, "title");
        EXPECT_EQ(v.value, c.value) << c.label;
        EXPECT_EQ(v.source, c.source) << c.label;
        EXPECT_EQ(v.external_id, c.external_id) << c.label;
        EXPECT_EQ(v.observed_us, absl::ToUnixMicros(*ParseTimestamp(c.observed))) << c.label;
        EXPECT_EQ(v.rule, c.rule_name) << c.label;
      }
      ++orders;
    } while (std::next_permutation(records.begin(), records.end(),
                                   [](const SourceRecord& a, const SourceRecord& b) {
                                     return a.external_id() < b.external_id();
                                   }));
    EXPECT_EQ(orders, 24) << c.label;
  }
}

TEST(SurvivorshipTest, TiesBreakOnTheCandidatesNotTheirOrder) {
  using R = SurvivorshipRule;
  struct TieCase {
    std::string label;
    TraitRule rule;
    std::vector<SourceRecord> records;
    std::string value;
  };
  const std::vector<TieCase> cases = {
      {"most_recent at one time: by source", {R::kMostRecent, {}},
       {Titled("mailchimp", "m", "2024-01-01T00:00:00Z", "Ana"),
        Titled("zendesk", "z", "2024-01-01T00:00:00Z", "Anna")},
       "Anna"},
      {"first_seen at one time: by source", {R::kFirstSeen, {}},
       {Titled("mailchimp", "m", "2024-01-01T00:00:00Z", "Ana"),
        Titled("zendesk", "z", "2024-01-01T00:00:00Z", "Anna")},
       "Anna"},
      {"source_priority within one source: most recent", {R::kSourcePriority, {"salesforce"}},
       {Titled("salesforce", "a", "2024-02-01T00:00:00Z", "CFO"),
        Titled("salesforce", "b", "2024-01-01T00:00:00Z", "CEO"),
        Titled("zendesk", "z", "2024-09-01T00:00:00Z", "COO")},
       "CFO"},
      {"most_frequent tie: the value seen most recently", {R::kMostFrequent, {}},
       {Titled("a", "1", "2024-01-01T00:00:00Z", "CEO"),
        Titled("b", "2", "2024-05-01T00:00:00Z", "CEO"),
        Titled("c", "3", "2024-02-01T00:00:00Z", "Founder"),
        Titled("d", "4", "2024-06-01T00:00:00Z", "Founder")},
       "Founder"},
  };
  for (const TieCase& c : cases) {
    SurvivorshipPolicy policy;
    policy.Set("title", c.rule);
    std::vector<SourceRecord> forward = c.records;
    std::vector<SourceRecord> backward(c.records.rbegin(), c.records.rend());
    EXPECT_EQ(Find(Recompute(policy, forward), "title").value, c.value) << c.label;
    EXPECT_EQ(Find(Recompute(policy, backward), "title").value, c.value) << c.label;
    EXPECT_EQ(Find(Incremental(policy, forward), "title").value, c.value) << c.label;
    EXPECT_EQ(Find(Incremental(policy, backward), "title").value, c.value) << c.label;
  }
}

TEST(SurvivorshipTest, PerTraitRulesOverrideTheDefault) {
  SurvivorshipPolicy policy(TraitRule{SurvivorshipRule::kSourcePriority, {"zendesk"}});
  policy.Set("title", TraitRule{SurvivorshipRule::kFirstSeen, {}});
  std::vector<SourceRecord> records = {
      MakeRecord("salesforce", hub::v1::CONTACT, "003A", "2024-01-01T00:00:00Z", {},
                 {{"title", "CTO"}, {"phone", "+14155550100"}}),
      MakeRecord("zendesk", hub::v1::CONTACT, "z1", "2024-02-01T00:00:00Z", {},
                 {{"title", "Chief"}, {"phone", "+14155550199"}}),
  };
  std::vector<NamedTrait> traits = Recompute(policy, records);
  EXPECT_EQ(Find(traits, "title").value, "CTO");
  EXPECT_EQ(Find(traits, "title").rule, "first_seen");
  EXPECT_EQ(Find(traits, "phone").value, "+14155550199");
  EXPECT_EQ(Find(traits, "phone").rule, "source_priority");
}

TEST(SurvivorshipTest, IncrementalFoldDefersWhenItCannotDecide) {
  SurvivorshipPolicy frequent;
  frequent.Set("title", TraitRule{SurvivorshipRule::kMostFrequent, {}});
  SourceRecord r = Titled("salesforce", "003A", "2024-01-01T00:00:00Z", "CTO");
  EXPECT_FALSE(Survive(frequent, {}, TraitCandidates(r)).has_value());
  // A stored value chosen by another rule (the configuration changed).
  SurvivorshipPolicy recent;
  std::vector<NamedTrait> stored = {NamedTrait{
      "title", TraitValue{"CEO", "zendesk", hub::v1::CONTACT, "z", 1, "first_seen"}}};
  EXPECT_FALSE(Survive(recent, stored, TraitCandidates(r)).has_value());
  stored[0].value.rule = "most_recent";
  std::optional<std::vector<NamedTrait>> rows = Survive(recent, stored, TraitCandidates(r));
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].value.value, "CTO");
  // An older candidate changes nothing.
  stored[0].value.observed_us = INT64_MAX;
  EXPECT_TRUE(Survive(recent, stored, TraitCandidates(r))->empty());
}

}  // namespace
}  // namespace hub
