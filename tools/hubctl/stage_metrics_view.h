// Table-format view of a period's stage metrics: what `hubctl metrics stage`
// prints with `--output table`.
#ifndef HUB_TOOLS_HUBCTL_STAGE_METRICS_VIEW_H_
#define HUB_TOOLS_HUBCTL_STAGE_METRICS_VIEW_H_

#include <ostream>
#include <string>

#include "hub/v1/metrics_service.pb.h"

namespace hubctl {

// The metric's value as shown: a count as an integer ("1200"), an amount
// with two decimals ("84500.00"), a rate as a percentage with one decimal
// ("66.7%"), except "nps", whose value is already in points ("25.0"), and a
// value (a median or an average) with one decimal. "-" when the metric, or
// its rate's value, is absent: never 0.
std::string MetricValueText(const hub::v1::Metric& metric);

// The period and segment; then per stage, in funnel order, a table with one
// row per metric in the response's order: METRIC, KIND ("activity" or
// "outcome"), VALUE (MetricValueText), DETAIL ("numerator/denominator" for a
// rate, else empty); then the names in `unavailable`, if any; then a bar
// chart of the rates that have a value, each bar's length proportional to
// its percentage (nps: its points), 100% or the largest drawn full width.
void PrintStageMetrics(const hub::v1::StageMetrics& metrics, std::ostream& out);

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_STAGE_METRICS_VIEW_H_
