// The List filter language (hub/filter.h): precedence, quoting, errors with
// offsets, field checks, and the canonical form page tokens are bound to.
#include "hub/filter.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace hub {
namespace {

// The canonical form of `text`, or its error message.
std::string Canonical(const std::string& text) {
  absl::StatusOr<std::unique_ptr<FilterNode>> parsed = ParseFilter(text);
  if (!parsed.ok()) return std::string(parsed.status().message());
  return *parsed == nullptr ? "<none>" : FilterToString(**parsed);
}

TEST(FilterParseTest, PrecedenceQuotingAndNegation) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "<none>"},
      {"   ", "<none>"},
      {"stage = convert", "stage = \"convert\""},
      {"stage=convert", "stage = \"convert\""},
      // OR binds tighter than AND; juxtaposition is AND.
      {"a=1 AND b=2 OR c=3", "(a = \"1\" AND (b = \"2\" OR c = \"3\"))"},
      {"a=1 b=2", "(a = \"1\" AND b = \"2\")"},
      {"(a=1 AND b=2) OR c=3", "((a = \"1\" AND b = \"2\") OR c = \"3\")"},
      {"a=1 AND (b=2 AND c=3)", "(a = \"1\" AND b = \"2\" AND c = \"3\")"},
      {"NOT a=1", "NOT a = \"1\""},
      {"-a=1", "NOT a = \"1\""},
      {"NOT (a=1 OR b=2)", "NOT (a = \"1\" OR b = \"2\")"},
      // Found by the fuzzer: a double negation must print so it parses again.
      {"NOT (-a=1)", "NOT (NOT a = \"1\")"},
      {"traits.country = \"NL\"", "traits.country = \"NL\""},
      {"traits.title:'VP \\'Sales\\''", "traits.title : \"VP 'Sales'\""},
      {"x = \"a \\\"b\\\" c\"", "x = \"a \\\"b\\\" c\""},
      {"update_time >= \"2024-03-01T00:00:00Z\"", "update_time >= \"2024-03-01T00:00:00Z\""},
      {"a<1 a<=2 a>3 a>=4 a!=5", "(a < \"1\" AND a <= \"2\" AND a > \"3\" AND a >= \"4\" AND a != \"5\")"},
      {"email = ana@acme.example", "email = \"ana@acme.example\""},
      {"NOTE=1", "NOTE = \"1\""},
      {"ORDER=1 OR x=2", "(ORDER = \"1\" OR x = \"2\")"},
  };
  for (const auto& [text, want] : cases) EXPECT_EQ(Canonical(text), want) << text;
}

TEST(FilterParseTest, SyntaxErrorsNameWhatAndWhere) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"stage", "filter: expected a comparison (=, !=, <, <=, >, >=, :) after stage at offset 5"},
      {"stage =", "filter: expected a value at offset 7"},
      {"= x", "filter: expected a field name at offset 0"},
      {"a=1 AND", "filter: expected a field name at offset 7"},
      {"a=1 OR OR b=2", "filter: expected a field name, got OR at offset 7"},
      {"(a=1", "filter: expected \")\" at offset 4"},
      {"a=1)", "filter: unbalanced \")\" at offset 3"},
      {"a=\"open", "filter: unterminated string at offset 7"},
      {"traits.=1", "filter: expected a name after \".\" at offset 7"},
      {"a!1", "filter: expected a comparison (=, !=, <, <=, >, >=, :) after a at offset 1"},
      {"NOT", "filter: expected a field name at offset 3"},
  };
  for (const auto& [text, want] : cases) EXPECT_EQ(Canonical(text), want) << text;
}

TEST(FilterParseTest, LengthAndDepthAreBounded) {
  std::string deep;
  for (int i = 0; i < kMaxFilterDepth; ++i) deep += "(";
  deep += "a=1";
  for (int i = 0; i < kMaxFilterDepth; ++i) deep += ")";
  EXPECT_EQ(Canonical(deep), "a = \"1\"");
  EXPECT_EQ(Canonical("(" + deep + ")"), "filter: nested deeper than 32 at offset 33");
  // A NOT and its parenthesis are two levels; AIP-160 has no NOT NOT.
  std::string nots;
  for (int i = 0; i <= kMaxFilterDepth / 2; ++i) nots += "NOT (";
  EXPECT_EQ(Canonical(nots + "a=1"), "filter: nested deeper than 32 at offset 83");
  EXPECT_EQ(Canonical("NOT NOT a=1"), "filter: expected a field name, got NOT at offset 4");
  EXPECT_EQ(Canonical(std::string(kMaxFilterBytes + 1, ' ')), "filter: 4097 bytes; at most 4096");
}

std::vector<FilterField> ProfileFields() {
  using T = FilterField::Type;
  const std::vector<FilterOp> eq = {FilterOp::kEq, FilterOp::kNe};
  const std::vector<FilterOp> all = {FilterOp::kEq, FilterOp::kNe, FilterOp::kLt,
                                     FilterOp::kLe, FilterOp::kGt, FilterOp::kGe};
  return {
      {"stage", false, T::kEnum, eq, {"attract", "capture", "nurture", "convert", "expand"}},
      {"update_time", false, T::kTimestamp, all, {}},
      {"traits", true, T::kString, {FilterOp::kEq, FilterOp::kNe, FilterOp::kHas}, {}},
  };
}

std::string Check(const std::string& text) {
  absl::StatusOr<std::unique_ptr<FilterNode>> parsed = ParseFilter(text);
  if (!parsed.ok()) return std::string(parsed.status().message());
  absl::Status checked = CheckFilter(ProfileFields(), parsed->get());
  return checked.ok() ? "ok" : std::string(checked.message());
}

TEST(FilterCheckTest, FieldsComparisonsValuesAndTimes) {
  EXPECT_EQ(Check("stage = convert AND traits.country = NL OR traits.country:DE"), "ok");
  EXPECT_EQ(Check("stage = won"),
            "filter: stage is one of attract, capture, nurture, convert, expand, not \"won\"");
  EXPECT_EQ(Check("stage > convert"), "filter: stage takes =, !=, not >");
  EXPECT_EQ(Check("NOT (region = EU)"),
            "filter: unknown field region; filter on stage, update_time, traits.<name>");
  EXPECT_EQ(Check("traits = x"),
            "filter: unknown field traits; filter on stage, update_time, traits.<name>");
  EXPECT_EQ(Check("update_time > yesterday"),
            "filter: update_time takes an RFC 3339 time such as \"2024-03-01T00:00:00Z\", not "
            "\"yesterday\"");
  absl::StatusOr<std::unique_ptr<FilterNode>> parsed =
      ParseFilter("update_time >= \"2024-03-01T12:30:00+01:00\"");
  ASSERT_TRUE(parsed.ok());
  ASSERT_TRUE(CheckFilter(ProfileFields(), parsed->get()).ok());
  EXPECT_EQ(absl::ToUnixSeconds((*parsed)->time), 1709292600);
}

}  // namespace
}  // namespace hub
