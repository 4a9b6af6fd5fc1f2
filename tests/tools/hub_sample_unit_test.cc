// hub-sample's building blocks: MD5, calendar, encoders, normalisers.
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/tools/export_reader.h"
#include "tools/hub_sample/civil_time.h"
#include "tools/hub_sample/md5.h"
#include "tools/hub_sample/output.h"
#include "tools/hub_sample/rng.h"
#include "tools/hub_sample/simulator_internal.h"
#include "tools/hub_sample/truth.h"

namespace hub::sample {
namespace {

TEST(HubSampleMd5, MatchesRfc1321Vectors) {
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Md5Hex("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(Md5Hex("12345678901234567890123456789012345678901234567890123456789"
                   "012345678901234567890"),
            "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(HubSampleCivilTime, FormatsEveryVendorSpelling) {
  const int64_t t = DaysFromCivil(2024, 5, 2) * kDay + 9 * kHour + 15 * kMinute;
  EXPECT_EQ(FormatTime(t, TimeStyle::kSalesforce), "2024-05-02T09:15:00.000Z");
  EXPECT_EQ(FormatTime(t, TimeStyle::kZendesk), "2024-05-02T09:15:00Z");
  EXPECT_EQ(FormatTime(t, TimeStyle::kMailchimp), "2024-05-02T09:15:00+00:00");
  EXPECT_EQ(FormatTime(t, TimeStyle::kDate), "2024-05-02");
  EXPECT_EQ(FormatTime(t, TimeStyle::kCompactDate), "20240502");
  std::string ms;
  AppendMillisTime(&ms, t * 1000 + 7);
  EXPECT_EQ(ms, "2024-05-02T09:15:00.007Z");
  EXPECT_EQ(t, 1714641300);
}

TEST(HubSampleCivilTime, ParsesOnlyRealDates) {
  int64_t t = 0;
  EXPECT_TRUE(ParseDate("2024-02-29", &t));
  EXPECT_EQ(t, DaysFromCivil(2024, 2, 29) * kDay);
  EXPECT_FALSE(ParseDate("2023-02-29", &t));
  EXPECT_FALSE(ParseDate("2024-13-01", &t));
  EXPECT_FALSE(ParseDate("2024-1-01", &t));
  EXPECT_FALSE(ParseDate("20240101", &t));
  EXPECT_EQ(FormatTime(AddMonths(DaysFromCivil(2024, 11, 30) * kDay, 3),
                       TimeStyle::kDate),
            "2025-02-28");
  EXPECT_EQ(FormatTime(AddMonths(DaysFromCivil(2024, 1, 1) * kDay, 24),
                       TimeStyle::kDate),
            "2026-01-01");
}

TEST(HubSampleOutput, BulkCsvQuotesEveryValueAndRoundTrips) {
  const std::vector<std::string> values = {
      "plain", "", "Acme, Inc.", "Robert \"Bob\"", "1 Main St\nSuite 2"};
  std::string line;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) line.push_back(',');
    AppendBulkCsvField(&line, values[i]);
  }
  EXPECT_EQ(line,
            "\"plain\",,\"Acme, Inc.\",\"Robert \"\"Bob\"\"\",\"1 Main "
            "St\nSuite 2\"");
  std::vector<std::string> problems;
  const auto rows = testing::ParseCsv(line + "\n", &problems);
  ASSERT_TRUE(problems.empty());
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].size(), values.size());
  for (size_t i = 0; i < values.size(); ++i)
    EXPECT_EQ(rows[0][i].value, values[i]);
}

TEST(HubSampleOutput, JsonWriterEscapesAndSeparates) {
  std::string out;
  JsonWriter j(&out);
  j.BeginObject()
      .Key("s")
      .String("a\"b\\c\nd\te\x01 Zoë")
      .Key("n")
      .Int(-42)
      .Key("x")
      .Null();
  j.Key("list")
      .BeginArray()
      .Int(1)
      .IntString(2)
      .Bool(false)
      .BeginObject()
      .EndObject()
      .EndArray();
  j.Key("e").StringOrNull("").EndObject();
  const auto parsed = nlohmann::json::parse(out);
  EXPECT_EQ(parsed["s"], "a\"b\\c\nd\te\x01 Zoë");
  EXPECT_EQ(parsed["n"], -42);
  EXPECT_TRUE(parsed["x"].is_null());
  EXPECT_EQ(parsed["list"].dump(), "[1,\"2\",false,{}]");
  EXPECT_TRUE(parsed["e"].is_null());
}

TEST(HubSampleNormalize, MatchesTheIngestRules) {
  EXPECT_EQ(NormalizeEmail("  Ana.Ruiz@Acme.Example \t"),
            "ana.ruiz@acme.example");
  for (int style = 0; style < 5; ++style) {
    EXPECT_EQ(NormalizePhone(FormatPhone("4155550101", style)), "+14155550101")
        << style;
  }
  for (const char* website :
       {"https://www.acme.example", "http://acme.example/", "www.acme.example",
        "HTTPS://WWW.ACME.EXAMPLE/about?x=1", "acme.example",
        " acme.example:443 "}) {
    EXPECT_EQ(NormalizeDomain(website), "acme.example") << website;
    EXPECT_EQ(testing::NormalizeId("domain", website), "acme.example")
        << website;
  }
  Rng rng(5);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(NormalizeDomain(WebsiteFor("blue-systems.example", rng)),
              "blue-systems.example");
  }
  EXPECT_EQ(NormalizeEmail(NoisyEmail("ana.ruiz@acme.example", 3)),
            "ana.ruiz@acme.example");
  EXPECT_EQ(BreakEmail("ana.ruiz@acme.example"), "ana.ruiz.acme.example");
}

TEST(HubSampleRng, IsReproducibleAndInRange) {
  Rng a(42), b(42);
  for (int i = 0; i < 1000; ++i) {
    const int64_t x = a.Between(-3, 3);
    EXPECT_EQ(x, b.Between(-3, 3));
    EXPECT_GE(x, -3);
    EXPECT_LE(x, 3);
  }
  EXPECT_EQ(Rng(1).Next(), Rng(1).Next());
  EXPECT_NE(Rng(1).Next(), Rng(2).Next());
}

}  // namespace
}  // namespace hub::sample
