// Exact table-format renderings of customer value: the overall row first,
// absent values as "-", and the CLV chart without segments lacking one.
#include "tools/hubctl/customer_value_view.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "tests/hubctl/test_protos.h"

namespace hubctl {
namespace {

using testing::MarchCustomerValue;

std::string Blocks(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "\u2588";
  return s;
}

std::string View(const hub::v1::CustomerValue& value) {
  std::ostringstream out;
  PrintCustomerValue(value, out);
  return out.str();
}

TEST(CustomerValueViewTest, OverallFirstThenSegmentsThenClvBars) {
  EXPECT_EQ(View(MarchCustomerValue()),
            "Customer value\n"
            "  period        2024-03-01 to 2024-04-01 (end exclusive)\n"
            "  gross margin  0.75\n"
            "\n"
            "Segments\n"
            "  SEGMENT            ACCOUNTS AT START  REVENUE    CHURNED  "
            "REVENUE/ACCOUNT  CLV       RANK\n"
            "  all                40                 120000.00  4        "
            "3000.00          22500.00  1\n"
            "  industry=Retail    10                 60000.00   1        "
            "6000.00          45000.00  1\n"
            "  industry=Software  20                 50000.00   3        "
            "2500.00          12500.00  2\n"
            "  industry=Health    0                  10000.00   0        "
            "-                -         3\n"
            "  tier=1             40                 120000.00  0        "
            "3000.00          -         1\n"
            "\n"
            "CLV\n"
            "  industry=Retail    " +
                Blocks(50) +
                " 45000.00\n"
                "  industry=Software  " +
                Blocks(14) + " 12500.00\n");
}

TEST(CustomerValueViewTest, NoSegmentWithAClvSaysSoInOneLine) {
  hub::v1::CustomerValue value = MarchCustomerValue();
  value.clear_segments();
  *value.add_segments() = MarchCustomerValue().segments(2);  // Health
  const std::string view = View(value);
  EXPECT_EQ(view.substr(view.find("\nCLV\n")),
            "\nCLV\n  (no segment has a CLV)\n");
}

}  // namespace
}  // namespace hubctl
