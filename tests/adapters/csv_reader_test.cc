#include "adapters/csv_reader.h"

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/adapters/adapter_test_support.h"

namespace hub {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Rows = std::vector<std::vector<std::string>>;

CsvReader FromText(const std::string& text) {
  return CsvReader(std::make_unique<std::istringstream>(text), "mem.csv");
}

// Reads all rows; on error returns the rows so far and sets *error.
Rows ReadAll(CsvReader& reader, absl::Status* error = nullptr) {
  Rows rows;
  std::vector<std::string> row;
  while (true) {
    absl::StatusOr<bool> more = reader.ReadRow(&row);
    if (!more.ok()) {
      if (error != nullptr)
        *error = more.status();
      else
        ADD_FAILURE() << more.status();
      return rows;
    }
    if (!*more) return rows;
    rows.push_back(row);
  }
}

Rows ReadAllText(const std::string& text) {
  CsvReader reader = FromText(text);
  return ReadAll(reader);
}

TEST(CsvReaderTest, ReadsQuotedAndUnquotedFields) {
  EXPECT_EQ(ReadAllText("Id,Name\n\"001\",plain\n"),
            (Rows{{"Id", "Name"}, {"001", "plain"}}));
}

TEST(CsvReaderTest, DoubledQuotesAreOneQuote) {
  EXPECT_EQ(ReadAllText("\"o\"\"neil@beta.example\",\"\"\"x\"\"\"\n"),
            (Rows{{"o\"neil@beta.example", "\"x\""}}));
}

TEST(CsvReaderTest, QuotedCommasAndNewlinesAreData) {
  EXPECT_EQ(ReadAllText("\"Beta, Inc.\",\"line1\nline2\"\n\"a\",\"b\"\n"),
            (Rows{{"Beta, Inc.", "line1\nline2"}, {"a", "b"}}));
}

TEST(CsvReaderTest, CrlfEndsRecordsAndQuotedCrlfIsKept) {
  EXPECT_EQ(ReadAllText("a,b\r\n\"x\r\ny\",\"z\"\r\nlast,\r\n"),
            (Rows{{"a", "b"}, {"x\r\ny", "z"}, {"last", ""}}));
}

TEST(CsvReaderTest, LastRecordMayLackLineEnding) {
  EXPECT_EQ(ReadAllText("a,b\n\"c\",\"d\""), (Rows{{"a", "b"}, {"c", "d"}}));
}

TEST(CsvReaderTest, EmptyQuotedAndEmptyUnquotedReadAsEmpty) {
  EXPECT_EQ(ReadAllText("a,,\"\",\n"), (Rows{{"a", "", "", ""}}));
}

TEST(CsvReaderTest, ShortRowKeepsItsWidth) {
  // Missing trailing fields are not padded: the caller sees the width.
  EXPECT_EQ(ReadAllText("a,b,c\n\"1\"\n\"1\",\"2\",\"3\"\n"),
            (Rows{{"a", "b", "c"}, {"1"}, {"1", "2", "3"}}));
}

TEST(CsvReaderTest, SkipsBlankLinesAndByteOrderMark) {
  EXPECT_EQ(ReadAllText("\xEF\xBB\xBFId\n\n\"1\"\r\n\r\n\"2\"\n\n"),
            (Rows{{"Id"}, {"1"}, {"2"}}));
}

TEST(CsvReaderTest, EmptyInputHasNoRows) { EXPECT_EQ(ReadAllText(""), Rows{}); }

TEST(CsvReaderTest, ReportsTheLineEachRowStartsOn) {
  CsvReader reader = FromText("h\n\"a\nb\nc\"\n\n\"d\"\n");
  std::vector<std::string> row;
  std::vector<int64_t> lines;
  while (*reader.ReadRow(&row)) lines.push_back(reader.row_line());
  EXPECT_THAT(lines, ElementsAre(1, 2, 6));
}

TEST(CsvReaderTest, UnterminatedQuoteIsDataLossAtTheLineItOpened) {
  CsvReader reader = FromText("Id,Name\n\"1\",\"ok\"\n\"2\",\"broken\nmore\n");
  absl::Status error;
  Rows rows = ReadAll(reader, &error);
  EXPECT_EQ(rows.size(), 2u);
  EXPECT_EQ(error.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(error.message(), "mem.csv:3: unterminated quoted field");
}

TEST(CsvReaderTest, GarbageAfterClosingQuoteIsDataLoss) {
  CsvReader reader = FromText("a\n\"x\"y,z\n");
  absl::Status error;
  ReadAll(reader, &error);
  EXPECT_EQ(error.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(error.message(),
            "mem.csv:2: unexpected character after a closing quote");
}

TEST(CsvReaderTest, QuoteInsideUnquotedFieldIsDataLoss) {
  CsvReader reader = FromText("ab\"c\n");
  absl::Status error;
  ReadAll(reader, &error);
  EXPECT_EQ(error.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(error.message(), HasSubstr("mem.csv:1: quote inside"));
}

TEST(CsvReaderTest, StreamsRecordsLargerThanItsChunk) {
  std::string big(200000, 'x');
  big[1000] = '\n';
  big[150000] = ',';
  std::string text = "\"" + big + "\",\"" + big + "\"\nnext\n";
  Rows rows = ReadAllText(text);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{big, big}));
  EXPECT_EQ(rows[1], std::vector<std::string>{"next"});
}

TEST(CsvReaderTest, OpenMissingFileIsNotFound) {
  EXPECT_EQ(CsvReader::Open("/nonexistent/x.csv").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(CsvReaderTest, OpenReadsAFile) {
  testing_support::TempFolder folder;
  std::string path = folder.Write("a.csv", "\"1\",\"2\"\r\n");
  absl::StatusOr<std::unique_ptr<CsvReader>> reader = CsvReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ(ReadAll(**reader), (Rows{{"1", "2"}}));
}

}  // namespace
}  // namespace hub

namespace hub {
namespace {

// Files written `"a", "b", '0'` (the restaurant benchmark) read with Python's
// skipinitialspace; without it the space makes the quote illegal.
TEST(CsvReaderSkipSpaceTest, SkipsSpacesAfterSeparatorsOnlyWhenAsked) {
  const std::string text = "name, city\n\"art's deli\", \"studio city\", '1'\n";
  CsvReader strict(std::make_unique<std::istringstream>(text), "mem.csv");
  std::vector<std::string> row;
  ASSERT_TRUE(*strict.ReadRow(&row));
  EXPECT_EQ(row, (std::vector<std::string>{"name", " city"}));
  EXPECT_EQ(strict.ReadRow(&row).status().code(), absl::StatusCode::kDataLoss);

  CsvReader lenient(std::make_unique<std::istringstream>(text), "mem.csv");
  lenient.set_skip_initial_space(true);
  ASSERT_TRUE(*lenient.ReadRow(&row));
  EXPECT_EQ(row, (std::vector<std::string>{"name", "city"}));
  ASSERT_TRUE(*lenient.ReadRow(&row));
  EXPECT_EQ(row, (std::vector<std::string>{"art's deli", "studio city", "'1'"}));
}

}  // namespace
}  // namespace hub
