#include "tools/hubctl/table.h"

#include <gtest/gtest.h>

#include <sstream>

namespace hubctl {
namespace {

TEST(TableTest, AlignsColumnsWithoutTrailingSpaces) {
  Table table({"NAME", "KIND", "PATH"});
  table.AddRow({"sources/crm", "salesforce", "/data/sf"});
  table.AddRow({"sources/web", "ga4"});
  std::ostringstream out;
  table.Print(out, "> ");
  EXPECT_EQ(out.str(),
            "> NAME         KIND        PATH\n"
            "> sources/crm  salesforce  /data/sf\n"
            "> sources/web  ga4\n");
}

TEST(TableTest, CountsNonAsciiLettersAsOneColumn) {
  Table table({"A", "B"});
  table.AddRow({"José", "x"});
  table.AddRow({"Jo", "y"});
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(), "A     B\nJosé  x\nJo    y\n");
}

TEST(TableTest, EscapesControlCharactersInCells) {
  Table table;
  table.AddRow({"evil\x1b[2Jname", "two\nlines"});
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(), "evil\\x1b[2Jname  two\\nlines\n");
}

TEST(EscapeForTerminalTest, KeepsValidUtf8AndEscapesTheRest) {
  EXPECT_EQ(EscapeForTerminal("Zoë 東京"), "Zoë 東京");
  EXPECT_EQ(EscapeForTerminal("a\tb\rc\x7f"), "a\\tb\\rc\\x7f");
  EXPECT_EQ(EscapeForTerminal("\xc2\x9b"
                              "31m"),
            "\\u009b31m");  // C1 CSI
  EXPECT_EQ(EscapeForTerminal("bad\xff\xc3"), "bad\\xff\\xc3");
  EXPECT_EQ(EscapeForTerminal("\xc0\xaf"), "\\xc0\\xaf");  // overlong '/'
  EXPECT_EQ(EscapeForTerminal("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
}

TEST(TruncateToWidthTest, CutsAtCodePointBoundaries) {
  EXPECT_EQ(TruncateToWidth("José Ruiz", 4), "José");
  EXPECT_EQ(TruncateToWidth("José", 3), "Jos");
  EXPECT_EQ(TruncateToWidth("abc", 10), "abc");
  EXPECT_EQ(TruncateToWidth("abc", 0), "");
}

TEST(PrintFieldsTest, AlignsValuesUnderIndentedLabels) {
  std::ostringstream out;
  PrintFields(out, {{"account", "accounts/3"}, {"merged from", "-"}});
  EXPECT_EQ(out.str(),
            "  account      accounts/3\n"
            "  merged from  -\n");
}

}  // namespace
}  // namespace hubctl
