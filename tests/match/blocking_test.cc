#include "match/blocking.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::match {
namespace {

using ::testing::ElementsAre;

hub::v1::BlockingRule Rule(std::vector<std::string> keys) {
  hub::v1::BlockingRule rule;
  for (const std::string& k : keys) rule.add_keys(k);
  return rule;
}

TEST(BlockKeysTest, Transforms) {
  EXPECT_THAT(*BlockKeys("exact", "ab cd"), ElementsAre("ab cd"));
  EXPECT_THAT(*BlockKeys("prefix3", "robert"), ElementsAre("rob"));
  EXPECT_THAT(*BlockKeys("soundex", "robert"), ElementsAre("R163"));
  EXPECT_THAT(*BlockKeys("token", "akzo nobel**dsm"), ElementsAre("akzo", "nobel", "dsm"));
  EXPECT_THAT(*BlockKeys("first_token", "akzo nobel"), ElementsAre("akzo"));
  EXPECT_THAT(*BlockKeys("sorted_tokens", "nobel akzo"), ElementsAre("akzo nobel"));
  EXPECT_THAT(*BlockKeys("digits", "+31 (20) 555"), ElementsAre("3120555"));
  EXPECT_THAT(*BlockKeys("year", "1980-05-17"), ElementsAre("1980"));
  EXPECT_THAT(*BlockKeys("year", "garbage"), ElementsAre());
  EXPECT_THAT(*BlockKeys("email_local", "ann@x.com"), ElementsAre("ann"));
  EXPECT_EQ(BlockKeys("prefix0", "x").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BlockKeys("metaphone", "x").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(KeySpecTest, ColumnAndTransform) {
  EXPECT_EQ(ParseKeySpec("surname").column, "surname");
  EXPECT_EQ(ParseKeySpec("surname").transform, "exact");
  EXPECT_EQ(ParseKeySpec("dob:year").column, "dob");
  EXPECT_EQ(ParseKeySpec("dob:year").transform, "year");
}

TEST(CandidatePairsTest, UnionOfRulesWithTheirRulesAndOversizedBlocksSkipped) {
  Dataset data({"name", "city"}, {});
  data.Add("0", 0, {"ann", "paris"});
  data.Add("1", 0, {"ann", "rome"});
  data.Add("2", 0, {"bob", "paris"});
  data.Add("3", 0, {"cid", "paris"});
  data.Add("4", 0, {"ann", ""});
  BlockingStats stats;
  // Rule 0: name (block {0,1,4}); rule 1: city (block {0,2,3}, too big at
  // max 2 -> skipped); rule 2: name+city (only {0}: no pair).
  Candidates c = *CandidatePairs({Rule({"name"}), Rule({"city"}), Rule({"name", "city"})},
                                 data, 3, &stats);
  EXPECT_THAT(c.pairs, ElementsAre(MakePair(0, 1), MakePair(0, 2), MakePair(0, 3),
                                   MakePair(0, 4), MakePair(1, 4), MakePair(2, 3)));
  EXPECT_THAT(c.rules, ElementsAre(0b01, 0b10, 0b10, 0b01, 0b01, 0b10));
  EXPECT_EQ(stats.candidates, 6);
  EXPECT_EQ(stats.skipped_blocks, 0);
  c = *CandidatePairs({Rule({"name"}), Rule({"city"})}, data, 2, &stats);
  EXPECT_THAT(c.pairs, ElementsAre());
  EXPECT_EQ(stats.skipped_blocks, 2);
  EXPECT_EQ(stats.skipped_records, 6);
}

TEST(CandidatePairsTest, APairRemembersEveryRuleThatProducedIt) {
  Dataset data({"name", "city"}, {});
  data.Add("0", 0, {"ann", "paris"});
  data.Add("1", 0, {"ann", "paris"});
  data.Add("2", 0, {"bob", "paris"});
  BlockingStats stats;
  Candidates c = *CandidatePairs({Rule({"city"}), Rule({"name"})}, data, 10, &stats);
  EXPECT_THAT(c.pairs, ElementsAre(MakePair(0, 1), MakePair(0, 2), MakePair(1, 2)));
  EXPECT_THAT(c.rules, ElementsAre(0b11, 0b01, 0b01));
}

TEST(CandidatePairsTest, LinkageKeepsOnlyCrossSourcePairs) {
  Dataset data({"name"}, {});
  data.Add("a0", 0, {"ann"});
  data.Add("a1", 0, {"ann"});
  data.Add("b0", 1, {"ann"});
  BlockingStats stats;
  Candidates c = *CandidatePairs({Rule({"name"})}, data, 100, &stats);
  EXPECT_THAT(c.pairs, ElementsAre(MakePair(0, 2), MakePair(1, 2)));
}

TEST(CandidatePairsTest, UnknownColumnIsInvalidArgument) {
  Dataset data({"name"}, {});
  BlockingStats stats;
  absl::StatusOr<Candidates> c = CandidatePairs({Rule({"email:prefix2"})}, data, 10, &stats);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message(), "blocking.keys: \"email:prefix2\": no such column");
}

}  // namespace
}  // namespace hub::match
