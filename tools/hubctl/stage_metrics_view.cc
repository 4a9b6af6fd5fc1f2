#include "tools/hubctl/stage_metrics_view.h"

#include <algorithm>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/hubctl/format.h"
#include "tools/hubctl/metrics_view.h"
#include "tools/hubctl/table.h"

namespace hubctl {
namespace {

constexpr std::string_view kIndent = "  ";
constexpr double kFullRate = 100;  // percent

// "nps" reports points (100 x its fraction) as the rate's value.
bool InPoints(const hub::v1::Metric& m) { return m.name() == "nps"; }

std::string KindText(hub::v1::MetricKind kind) {
  switch (kind) {
    case hub::v1::ACTIVITY:
      return "activity";
    case hub::v1::OUTCOME:
      return "outcome";
    default:
      return "-";
  }
}

std::string Detail(const hub::v1::Metric& m) {
  if (!m.has_rate()) return "";
  return absl::StrCat(m.rate().numerator(), "/", m.rate().denominator());
}

// The rate's value as a percentage (nps: its points).
double Percent(const hub::v1::Metric& m) {
  return InPoints(m) ? m.rate().value() : m.rate().value() * 100;
}

void PrintStageTable(const hub::v1::StageMetrics& metrics, hub::v1::Stage stage,
                     std::ostream& out) {
  out << '\n' << StageName(stage) << '\n';
  Table table({"METRIC", "KIND", "VALUE", "DETAIL"});
  for (const auto& m : metrics.metrics()) {
    if (m.stage() != stage) continue;
    table.AddRow({m.name(), KindText(m.kind()), MetricValueText(m), Detail(m)});
  }
  table.Print(out, kIndent);
}

void PrintRateBars(const hub::v1::StageMetrics& metrics, std::ostream& out) {
  std::vector<Bar> bars;
  double scale = kFullRate;
  for (const auto& m : metrics.metrics()) {
    if (!m.has_rate() || !m.rate().has_value()) continue;
    bars.push_back({m.name(), Percent(m), MetricValueText(m)});
    scale = std::max(scale, Percent(m));
  }
  out << "\nRates\n";
  if (bars.empty()) {
    out << kIndent << "(no rate has a value)\n";
    return;
  }
  PrintBars(bars, scale, out);
}

}  // namespace

std::string MetricValueText(const hub::v1::Metric& m) {
  if (m.has_count()) return absl::StrCat(m.count());
  if (m.has_amount()) return absl::StrFormat("%.2f", m.amount());
  if (m.has_rate()) {
    if (!m.rate().has_value()) return "-";
    return InPoints(m) ? absl::StrFormat("%.1f", m.rate().value())
                       : RateText(m.rate());
  }
  if (m.has_value()) return absl::StrFormat("%.1f", m.value());
  return "-";
}

void PrintStageMetrics(const hub::v1::StageMetrics& metrics,
                       std::ostream& out) {
  out << "Stage metrics\n";
  PrintFields(out, {{"period", PeriodText(metrics.period())},
                    {"segment",
                     metrics.segment().empty() ? "all" : metrics.segment()}});
  std::set<int> stages;  // enum order is funnel order
  for (const auto& m : metrics.metrics()) stages.insert(m.stage());
  for (int stage : stages) {
    PrintStageTable(metrics, static_cast<hub::v1::Stage>(stage), out);
  }
  if (!metrics.unavailable().empty()) {
    out << "\nUnavailable\n";
    for (const std::string& name : metrics.unavailable()) {
      out << kIndent << EscapeForTerminal(name) << '\n';
    }
  }
  PrintRateBars(metrics, out);
}

}  // namespace hubctl
