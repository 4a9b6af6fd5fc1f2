#include "tools/hubctl/customer_value_view.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/hubctl/metrics_view.h"
#include "tools/hubctl/table.h"

namespace hubctl {
namespace {

constexpr std::string_view kIndent = "  ";

std::string Money(double amount) { return absl::StrFormat("%.2f", amount); }

std::vector<std::string> Row(const hub::v1::SegmentValue& s) {
  return {s.segment().empty() ? "all" : s.segment(),
          absl::StrCat(s.accounts_at_start()),
          Money(s.revenue()),
          absl::StrCat(s.churned()),
          s.has_revenue_per_account() ? Money(s.revenue_per_account()) : "-",
          s.has_clv() ? Money(s.clv()) : "-",
          absl::StrCat(s.rank())};
}

void PrintClvBars(const hub::v1::CustomerValue& value, std::ostream& out) {
  std::vector<Bar> bars;
  double largest = 0;
  for (const auto& s : value.segments()) {
    if (!s.has_clv()) continue;
    bars.push_back({s.segment(), s.clv(), Money(s.clv())});
    largest = std::max(largest, s.clv());
  }
  out << "\nCLV\n";
  if (bars.empty()) {
    out << kIndent << "(no segment has a CLV)\n";
    return;
  }
  PrintBars(bars, largest, out);
}

}  // namespace

void PrintCustomerValue(const hub::v1::CustomerValue& value,
                        std::ostream& out) {
  out << "Customer value\n";
  PrintFields(out, {{"period", PeriodText(value.period())},
                    {"gross margin", absl::StrCat(value.gross_margin())}});
  out << "\nSegments\n";
  Table table({"SEGMENT", "ACCOUNTS AT START", "REVENUE", "CHURNED",
               "REVENUE/ACCOUNT", "CLV", "RANK"});
  table.AddRow(Row(value.overall()));
  for (const auto& s : value.segments()) table.AddRow(Row(s));
  table.Print(out, kIndent);
  PrintClvBars(value, out);
}

}  // namespace hubctl
