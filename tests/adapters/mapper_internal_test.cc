#include "adapters/mapper_internal.h"

#include <string>

#include "adapters/pull_internal.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/adapters/adapter_test_support.h"

namespace hub {
namespace adapters_internal {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;
using ::testing::Pair;

TEST(SnakeCaseTest, ConvertsEventNames) {
  EXPECT_EQ(SnakeCase("Demo Requested"), "demo_requested");
  EXPECT_EQ(SnakeCase("Form Submitted"), "form_submitted");
  EXPECT_EQ(SnakeCase("signedUp"), "signed_up");
  EXPECT_EQ(SnakeCase("  Survey  Responded! "), "survey_responded");
  EXPECT_EQ(SnakeCase("page-view.v2"), "page_view_v2");
  EXPECT_EQ(SnakeCase("Download"), "download");
  EXPECT_EQ(SnakeCase("already_snake"), "already_snake");
  EXPECT_EQ(SnakeCase(""), "");
}

TEST(SplitNameTest, SplitsAtFirstSpace) {
  EXPECT_THAT(SplitName("Ana Maria Ruiz"), Pair("Ana", "Maria Ruiz"));
  EXPECT_THAT(SplitName("  Li   Wei "), Pair("Li", "Wei"));
  EXPECT_THAT(SplitName("Cher"), Pair("Cher", ""));
  EXPECT_THAT(SplitName(""), Pair("", ""));
}

TEST(TextTest, RendersScalarsAndSkipsNull) {
  Json j = Json::parse(
      R"({"s":"x","i":36100001,"f":1.5,"b":true,"n":null,"o":{"k":[1]}})");
  EXPECT_EQ(TextAt(j, "s"), "x");
  EXPECT_EQ(TextAt(j, "i"), "36100001");
  EXPECT_EQ(TextAt(j, "f"), "1.5");
  EXPECT_EQ(TextAt(j, "b"), "true");
  EXPECT_EQ(TextAt(j, "n"), "");
  EXPECT_EQ(TextAt(j, "missing"), "");
  EXPECT_EQ(TextAt(j, "o"), R"({"k":[1]})");
  EXPECT_EQ(TextAt(j, {"o", "k"}), "[1]");
  EXPECT_EQ(TextAt(Json::array(), "s"), "");
}

TEST(ParseJsonTest, SyntaxErrorNamesLineAndColumn) {
  absl::StatusOr<Json> json = ParseJson("{\n  \"a\": 1,\n  \"b\": ]\n}");
  EXPECT_EQ(json.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(json.status().message(),
              HasSubstr("invalid JSON at line 3, column 8"));
}

TEST(SetTimeTest, UnparseableTimeIsKeptAsAttribute) {
  hub::v1::SourceRecord record;
  SetTime(&record, kBoth, "yesterday");
  EXPECT_FALSE(record.has_updated_at());
  EXPECT_FALSE(record.has_occurred_at());
  EXPECT_EQ(record.attributes().at(kInvalidUpdatedAt), "yesterday");
  EXPECT_EQ(record.attributes().at(kInvalidOccurredAt), "yesterday");
  hub::v1::SourceRecord empty;
  SetTime(&empty, kBoth, "");
  EXPECT_EQ(empty.ByteSizeLong(), 0u);
}

TEST(Utf8Test, AcceptsWellFormedOnly) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("M\xC3\xBCller \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("M\xFCller"));     // Latin-1.
  EXPECT_FALSE(IsValidUtf8("\xC3"));          // Truncated.
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // Overlong.
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // Surrogate.
}

TEST(Utf8Test, RepairReplacesBadBytesOnly) {
  std::string text = "ok \xC3\xA9 Bj\xC3";
  EXPECT_TRUE(RepairUtf8(&text));
  EXPECT_EQ(text, "ok \xC3\xA9 Bj\xEF\xBF\xBD");
  EXPECT_FALSE(RepairUtf8(&text));
  std::string latin1 = "\xFC\xFC";
  EXPECT_TRUE(RepairUtf8(&latin1));
  EXPECT_EQ(latin1, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(CursorTokenTest, EscapeRoundTrips) {
  const std::string raw = "a;b,c=d%e/f:g h\xC3\xA9";
  std::string escaped = EscapeCursorToken(raw);
  EXPECT_EQ(escaped, "a%3Bb%2Cc%3Dd%25e%2Ff%3Ag%20h%C3%A9");
  EXPECT_THAT(UnescapeCursorToken(escaped), Optional(raw));
  EXPECT_EQ(UnescapeCursorToken("bad%4"), std::nullopt);
  EXPECT_EQ(UnescapeCursorToken("bad%zz"), std::nullopt);
}

TEST(ParseCountTest, AcceptsCanonicalNonNegativeIntegers) {
  EXPECT_THAT(ParseCount("0"), Optional(0));
  EXPECT_THAT(ParseCount("120"), Optional(120));
  EXPECT_EQ(ParseCount(""), std::nullopt);
  EXPECT_EQ(ParseCount("-1"), std::nullopt);
  EXPECT_EQ(ParseCount("007"), std::nullopt);
  EXPECT_EQ(ParseCount("1x"), std::nullopt);
}

}  // namespace
}  // namespace adapters_internal
}  // namespace hub
