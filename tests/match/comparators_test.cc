#include "match/comparators.h"

#include "gtest/gtest.h"

namespace hub::match {
namespace {

TEST(JaroWinklerTest, MatchesPublishedValues) {
  // Winkler (1990) examples.
  EXPECT_NEAR(JaroWinkler("martha", "marhta"), 0.9611, 1e-4);
  EXPECT_NEAR(JaroWinkler("dwayne", "duane"), 0.8400, 1e-4);
  EXPECT_NEAR(JaroWinkler("dixon", "dicksonx"), 0.8133, 1e-4);
  EXPECT_DOUBLE_EQ(JaroWinkler("same", "same"), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("abc", "xyz"), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("", ""), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("", "a"), 0.0);
}

TEST(JaroWinklerTest, IsSymmetricAndHandlesLongStrings) {
  const std::string a(300, 'a');
  std::string b = a;
  b[150] = 'b';
  EXPECT_DOUBLE_EQ(JaroWinkler(a, b), JaroWinkler(b, a));
  EXPECT_GT(JaroWinkler(a, b), 0.99);
}

TEST(EditDistanceTest, LevenshteinAndDamerau) {
  EXPECT_EQ(Levenshtein("kitten", "sitting", 5), 3);
  EXPECT_EQ(Levenshtein("kitten", "sitting", 2), 3);  // max + 1: over
  EXPECT_EQ(Levenshtein("", "abc", 5), 3);
  EXPECT_EQ(Levenshtein("ca", "ac", 5), 2);
  EXPECT_EQ(DamerauLevenshtein("ca", "ac", 5), 1);
  EXPECT_EQ(DamerauLevenshtein("1234567", "1243567", 2), 1);
  EXPECT_EQ(DamerauLevenshtein("abcdef", "abcdef", 0), 0);
  EXPECT_EQ(DamerauLevenshtein("abcdef", "abcxyz", 1), 2);
}

TEST(SoundexTest, AmericanSoundex) {
  EXPECT_EQ(Soundex("Robert"), "R163");
  EXPECT_EQ(Soundex("Rupert"), "R163");
  EXPECT_EQ(Soundex("Ashcraft"), "A261");  // h does not separate s and c
  EXPECT_EQ(Soundex("Tymczak"), "T522");
  EXPECT_EQ(Soundex("Pfister"), "P236");
  EXPECT_EQ(Soundex("Lee"), "L000");
  EXPECT_EQ(Soundex("123"), "");
}

TEST(ParseTest, DatesAndNumbers) {
  EXPECT_EQ(ParseDays("1970-01-01"), 0);
  EXPECT_EQ(ParseDays("19700102"), 1);
  EXPECT_EQ(ParseDays("2000/03/01"), 11017);
  EXPECT_EQ(ParseDays("2000-02-29"), 11016);
  EXPECT_EQ(ParseDays("1900-02-29"), std::nullopt);
  EXPECT_EQ(ParseDays("20230230"), std::nullopt);
  EXPECT_EQ(ParseDays("2023-1-5"), std::nullopt);
  EXPECT_EQ(ParseNumber(" 52.35 "), 52.35);
  EXPECT_EQ(ParseNumber("x"), std::nullopt);
}

}  // namespace
}  // namespace hub::match
