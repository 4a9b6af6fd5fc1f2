// The lifecycle commands, `stages` and `metrics funnel|stage|value`. Each one
// makes its RPCs on ctx.channel, writes the result to ctx.out in ctx.output
// format and errors to ctx.err, and returns the process exit code (see
// exit_codes.h). Malformed names and flags are usage errors (kExitUsage) and
// make no call.
#ifndef HUB_TOOLS_HUBCTL_METRICS_COMMANDS_H_
#define HUB_TOOLS_HUBCTL_METRICS_COMMANDS_H_

#include <string_view>

#include "tools/hubctl/command_context.h"
#include "tools/hubctl/metrics_flags.h"

namespace hubctl {

// `stages NAME [--as-of TIME]`: ListStageTransitions of "profiles/{id}" or
// "accounts/{id}", every page, printed as one history (one JSON document).
// `as_of` is a ParseTimeFlag time, or empty for now (then not sent). When
// NAME was merged away, its survivor answers and a note on ctx.err says so.
int Stages(const CommandContext& ctx, std::string_view name,
           std::string_view as_of);

// `metrics funnel --from D --to D [...]`: GetFunnel, printed as the funnel
// table and bar chart (or JSON); with flags.svg_path, also writes the SVG
// chart there and notes "wrote FILE" on ctx.err. A file that cannot be
// written is kExitFailure (after the funnel was printed).
int MetricsFunnel(const CommandContext& ctx, const FunnelFlags& flags);

// `metrics stage --from D --to D [--segment S] [--stage STAGE]`:
// GetStageMetrics, printed as PrintStageMetrics (or JSON).
int MetricsStage(const CommandContext& ctx, const StageMetricsFlags& flags);

// `metrics value --from D --to D [--dimension D] [--margin M]`:
// GetCustomerValue, printed as PrintCustomerValue (or JSON).
int MetricsValue(const CommandContext& ctx, const CustomerValueFlags& flags);

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_METRICS_COMMANDS_H_
