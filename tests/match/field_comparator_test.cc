#include "match/field_comparator.h"

#include "gtest/gtest.h"

namespace hub::match {
namespace {

Dataset People() {
  Dataset data({"first", "last", "dob", "tags"}, {});
  data.Add("0", 0, {"John", "Smith", "1980-05-17", "a b c"});
  data.Add("1", 0, {"john ", "Smyth", "1980-17-05", "a b d"});
  data.Add("2", 0, {"Smith", "John", "1980-05-18", "x"});
  data.Add("3", 0, {"", "Smith", "1981-05-17", "c b a"});
  data.Add("4", 0, {"Jon", "Smith", "1985-01-01", "a"});
  return data;
}

hub::v1::MatchField Field(const std::string& column, hub::v1::Comparator kind) {
  hub::v1::MatchField f;
  f.set_column(column);
  f.set_comparator(kind);
  return f;
}

TEST(FieldComparatorTest, JaroWinklerLevelsWithSwap) {
  Dataset data = People();
  hub::v1::MatchField f = Field("first", hub::v1::JARO_WINKLER);
  f.set_swapped_with("last");
  FieldComparator fc = *FieldComparator::Create(f, data);
  ASSERT_EQ(fc.num_levels(), 5);
  EXPECT_EQ(fc.level_name(4), "exact");
  EXPECT_EQ(fc.level_name(3), "swapped");
  EXPECT_EQ(fc.level_name(2), "jaro_winkler>=0.92");
  EXPECT_EQ(fc.level_name(0), "else");
  EXPECT_EQ(fc.Compare(0, 1), 4);  // normalised: "john" == "john"
  EXPECT_EQ(fc.Compare(0, 2), 3);  // John Smith / Smith John
  EXPECT_EQ(fc.Compare(0, 3), FieldComparator::kMissing);
  EXPECT_EQ(fc.Compare(0, 4), 2);  // john/jon: 0.933
  // Term frequency: "john" is 2 of the 4 present values.
  EXPECT_DOUBLE_EQ(*fc.ExactFrequency(0), 0.5);
}

TEST(FieldComparatorTest, DateLevels) {
  Dataset data = People();
  FieldComparator fc = *FieldComparator::Create(Field("dob", hub::v1::DATE), data);
  ASSERT_EQ(fc.num_levels(), 4);  // else, within 365 days, one slip, exact
  EXPECT_EQ(fc.Compare(0, 2), 2);  // one digit
  EXPECT_EQ(fc.Compare(0, 3), 2);  // one digit (the year)
  EXPECT_EQ(fc.Compare(0, 4), 0);
  // 1980-17-05 is not a date: missing, not disagreement.
  EXPECT_EQ(fc.Compare(0, 1), FieldComparator::kMissing);
}

TEST(FieldComparatorTest, TokenSetLevels) {
  Dataset data = People();
  FieldComparator fc =
      *FieldComparator::Create(Field("tags", hub::v1::TOKEN_SET), data);
  ASSERT_EQ(fc.num_levels(), 5);
  EXPECT_EQ(fc.Compare(0, 3), 4);  // same set, another order
  EXPECT_EQ(fc.Compare(0, 2), 0);
  const int partial = fc.Compare(0, 1);  // shares a and b
  EXPECT_GE(partial, 1);
  EXPECT_LT(partial, 4);
}

TEST(FieldComparatorTest, TokenSetTakesATruncatedWordForTheWhole) {
  Dataset data({"name"}, {});
  data.Add("0", 0, {"internat maatschappij shell"});
  data.Add("1", 0, {"international maatschappij shell"});
  data.Add("2", 0, {"inter maatschappij shell"});
  data.Add("3", 0, {"royal dutch"});
  FieldComparator fc =
      *FieldComparator::Create(Field("name", hub::v1::TOKEN_SET), data);
  // Every token is shared or abbreviated: full overlap, short of exact.
  EXPECT_EQ(fc.Compare(0, 1), 3);  // overlap>=0.8
  EXPECT_EQ(fc.Compare(1, 0), 3);
  EXPECT_EQ(fc.Compare(0, 2), 3);  // "inter": five letters, a prefix
  EXPECT_EQ(fc.Compare(0, 3), 0);
}

TEST(FieldComparatorTest, GeoLevelsByGreatCircleDistance) {
  Dataset data({"lat", "lng"}, {{"0.0"}, {"0.0"}});
  data.Add("0", 0, {"52.35", "4.9166667"});     // Amsterdam
  data.Add("1", 0, {"52.35", "4.9166667"});
  data.Add("2", 0, {"52.355", "4.9166667"});    // 0.56 km north
  data.Add("3", 0, {"52.3676", "4.9041"});      // Amsterdam centre: 2.2 km
  data.Add("4", 0, {"51.4416", "5.4697"});      // Eindhoven: 107 km
  data.Add("5", 0, {"52.35", "0.0"});           // no longitude
  data.Add("6", 0, {"95", "4.9"});              // latitude out of range
  hub::v1::MatchField f = Field("lat", hub::v1::GEO);
  f.set_longitude_column("lng");
  FieldComparator fc = *FieldComparator::Create(f, data);
  ASSERT_EQ(fc.num_levels(), 4);
  EXPECT_EQ(fc.level_name(1), "within_km<=10");
  EXPECT_EQ(fc.level_name(2), "within_km<=1");
  EXPECT_EQ(fc.Compare(0, 1), 3);
  EXPECT_EQ(fc.Compare(0, 2), 2);
  EXPECT_EQ(fc.Compare(2, 0), 2);
  EXPECT_EQ(fc.Compare(0, 3), 1);
  EXPECT_EQ(fc.Compare(0, 4), 0);
  EXPECT_EQ(fc.Compare(0, 5), FieldComparator::kMissing);
  EXPECT_EQ(fc.Compare(0, 6), FieldComparator::kMissing);

  f.clear_longitude_column();
  EXPECT_EQ(FieldComparator::Create(f, data).status().message(),
            "fields[lat].longitude_column: required for GEO");
  f.set_longitude_column("lon");
  EXPECT_EQ(FieldComparator::Create(f, data).status().message(),
            "fields[lat].longitude_column: no such column");
}

TEST(FieldComparatorTest, RejectsBadConfigurationNamingTheField) {
  Dataset data = People();
  absl::StatusOr<FieldComparator> missing =
      FieldComparator::Create(Field("email", hub::v1::EXACT), data);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.status().message(), "fields[email].column: no such column");
  hub::v1::MatchField f = Field("first", hub::v1::JARO_WINKLER);
  f.add_thresholds(0.8);
  f.add_thresholds(0.9);
  EXPECT_EQ(FieldComparator::Create(f, data).status().message(),
            "fields[first].thresholds: must run from strongest to weakest");
  EXPECT_EQ(FieldComparator::Create(Field("first", hub::v1::COMPARATOR_UNSPECIFIED), data)
                .status()
                .message(),
            "fields[first].comparator: required");
}

}  // namespace
}  // namespace hub::match
