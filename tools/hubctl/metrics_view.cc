#include "tools/hubctl/metrics_view.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "tools/hubctl/format.h"
#include "tools/hubctl/table.h"

namespace hubctl {
namespace {

constexpr std::string_view kIndent = "  ";
constexpr std::string_view kBlock = "\u2588";  // █

absl::Time FromTimestamp(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

std::string DaysInStage(const hub::v1::StageTransition& t) {
  if (!t.has_leave_time()) return "-";
  const absl::Duration stay =
      FromTimestamp(t.leave_time()) - FromTimestamp(t.enter_time());
  return absl::StrFormat("%.1f", absl::FDivDuration(stay, absl::Hours(24)));
}

std::string CurrentStage(hub::v1::Stage stage) {
  return stage == hub::v1::STAGE_UNSPECIFIED ? "-" : StageName(stage);
}

std::string Converted(const hub::v1::FunnelStage& s) {
  if (!s.has_conversion_to_next()) return "-";
  return absl::StrCat(s.conversion_to_next().numerator(), "/",
                      s.conversion_to_next().denominator());
}

std::string MedianDays(const hub::v1::FunnelStage& s) {
  if (!s.has_median_days_in_stage()) return "-";
  return absl::StrFormat("%.1f", s.median_days_in_stage());
}

// Entries below zero (never sent) chart as zero.
int64_t Entries(const hub::v1::FunnelStage& s) {
  return std::max<int64_t>(s.entries(), 0);
}

}  // namespace

std::string PeriodText(const hub::v1::Period& period) {
  return absl::StrCat(FormatDateOrTimestamp(period.start_time()), " to ",
                      FormatDateOrTimestamp(period.end_time()),
                      " (end exclusive)");
}

std::string RateText(const hub::v1::Rate& rate) {
  if (!rate.has_value()) return "-";
  return absl::StrFormat("%.1f%%", rate.value() * 100);
}

void PrintStageHistory(const hub::v1::ListStageTransitionsResponse& response,
                       std::string_view as_of, std::ostream& out) {
  out << "Stages of " << EscapeForTerminal(response.parent()) << '\n';
  PrintFields(out, {{"stage", CurrentStage(response.stage())},
                    {"as of", std::string(as_of)}});
  out << "\nTransitions\n";
  if (response.transitions().empty()) {
    out << kIndent << "(none)\n";
    return;
  }
  Table table({"STAGE", "ENTERED", "LEFT", "DAYS"});
  for (const auto& t : response.transitions()) {
    table.AddRow({StageName(t.stage()), FormatTimestamp(t.enter_time()),
                  FormatTimestamp(t.leave_time()), DaysInStage(t)});
  }
  table.Print(out, kIndent);
}

void PrintFunnel(const hub::v1::Funnel& funnel, std::ostream& out) {
  out << "Funnel of "
      << (funnel.side() == hub::v1::ACCOUNTS ? "accounts" : "persons") << '\n';
  PrintFields(
      out,
      {{"period", PeriodText(funnel.period())},
       {"segment", funnel.segment().empty() ? "all" : funnel.segment()},
       {"window", absl::StrCat(funnel.conversion_window_days(), " days")}});
  out << "\nStages\n";
  Table table({"STAGE", "ENTRIES", "CONVERTED", "RATE", "MEDIAN DAYS", "LEFT"});
  for (const auto& s : funnel.stages()) {
    table.AddRow(
        {StageName(s.stage()), absl::StrCat(s.entries()), Converted(s),
         s.has_conversion_to_next() ? RateText(s.conversion_to_next()) : "-",
         MedianDays(s), absl::StrCat(s.left())});
  }
  table.Print(out, kIndent);
  out << "\nEntries\n";
  PrintFunnelBars(funnel, out);
}

void PrintFunnelBars(const hub::v1::Funnel& funnel, std::ostream& out) {
  size_t label_width = 0, count_width = 1;
  int64_t most = 0;
  for (const auto& s : funnel.stages()) {
    label_width = std::max(label_width, StageName(s.stage()).size());
    most = std::max(most, Entries(s));
  }
  count_width = absl::StrCat(most).size();
  // indent, label, two spaces, bar, one space, count
  const size_t fixed = kIndent.size() + label_width + 2 + 1 + count_width;
  const size_t longest =
      fixed < kBarChartColumns ? kBarChartColumns - fixed : 1;
  for (const auto& s : funnel.stages()) {
    const int64_t n = Entries(s);
    size_t blocks = most == 0 ? 0
                              : static_cast<size_t>(std::llround(
                                    static_cast<double>(n) / most * longest));
    if (n > 0) blocks = std::max<size_t>(blocks, 1);
    std::string line(kIndent);
    AppendPadded(&line, StageName(s.stage()), label_width);
    line += "  ";
    for (size_t i = 0; i < blocks; ++i) line += kBlock;
    if (blocks > 0) line += ' ';
    absl::StrAppend(&line, n);
    out << line << '\n';
  }
}

void PrintBars(const std::vector<Bar>& bars, double full_scale,
               std::ostream& out) {
  std::vector<Bar> shown = bars;
  size_t label_width = 0, text_width = 0;
  for (Bar& bar : shown) {
    bar.label = EscapeForTerminal(bar.label);
    bar.text = EscapeForTerminal(bar.text);
    label_width = std::max(label_width, DisplayWidth(bar.label));
    text_width = std::max(text_width, DisplayWidth(bar.text));
  }
  // indent, label, two spaces, bar, one space, text
  const size_t fixed = kIndent.size() + label_width + 2 + 1 + text_width;
  const size_t longest =
      fixed < kBarChartColumns ? kBarChartColumns - fixed : 1;
  for (const Bar& bar : shown) {
    size_t blocks = 0;
    if (full_scale > 0 && bar.size > 0) {
      const double share = std::min(bar.size / full_scale, 1.0);
      blocks = std::max<size_t>(
          static_cast<size_t>(std::llround(share * longest)), 1);
    }
    std::string line(kIndent);
    AppendPadded(&line, bar.label, label_width);
    line += "  ";
    for (size_t i = 0; i < blocks; ++i) line += kBlock;
    if (blocks > 0) line += ' ';
    line += bar.text;
    out << line << '\n';
  }
}

}  // namespace hubctl
