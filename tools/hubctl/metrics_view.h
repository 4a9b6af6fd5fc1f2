// Table-format views of lifecycle stages and the funnel: what `hubctl stages`
// and `hubctl metrics funnel` print with `--output table`.
#ifndef HUB_TOOLS_HUBCTL_METRICS_VIEW_H_
#define HUB_TOOLS_HUBCTL_METRICS_VIEW_H_

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "hub/v1/metrics_service.pb.h"

namespace hubctl {

// Lines of the funnel's bar chart are at most this many columns wide.
inline constexpr size_t kBarChartColumns = 80;

// "Stages of profiles/12", the stage as of `as_of` (text shown as given, e.g.
// "now"; "-" before the first transition), then one row per transition:
// STAGE, ENTERED, LEFT ("-" while in it), DAYS (days in the stage with one
// decimal, "-" while in it).
void PrintStageHistory(const hub::v1::ListStageTransitionsResponse& response,
                       std::string_view as_of, std::ostream& out);

// The funnel's side, period, segment and window; a table with one row per
// stage: STAGE, ENTRIES, CONVERTED ("numerator/denominator"), RATE ("40.0%",
// "-" when the rate is absent), MEDIAN DAYS ("-" when absent), LEFT; then the
// bar chart of PrintFunnelBars.
void PrintFunnel(const hub::v1::Funnel& funnel, std::ostream& out);

// One line per stage, "  STAGE    ████ 1200": the bar's length in whole
// blocks is proportional to the entries relative to the largest (at least one
// block for a non-zero count, none for zero), and every line fits in
// kBarChartColumns.
void PrintFunnelBars(const hub::v1::Funnel& funnel, std::ostream& out);

// One line of a horizontal bar chart.
struct Bar {
  // Shown left of the bar, padded to the widest label.
  std::string label;
  // The bar's length relative to the chart's full scale; <= 0 draws none.
  double size = 0;
  // Shown right of the bar, e.g. "66.7%".
  std::string text;
};

// One line per bar, "  LABEL  ████ TEXT" (label and text escaped with
// EscapeForTerminal): `full_scale` (> 0) is drawn as the
// longest bar that keeps every line within kBarChartColumns, a size in
// (0, full_scale] as at least one block and at most that many, and a size
// <= 0 (or any size when full_scale <= 0) as none.
void PrintBars(const std::vector<Bar>& bars, double full_scale,
               std::ostream& out);

// "2024-03-01 to 2024-04-01 (end exclusive)"; bounds not on a UTC midnight
// are shown as RFC 3339 times.
std::string PeriodText(const hub::v1::Period& period);

// "66.7%" (one decimal), or "-" when the rate's value is absent.
std::string RateText(const hub::v1::Rate& rate);

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_METRICS_VIEW_H_
