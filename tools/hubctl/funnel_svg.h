// The funnel as a standalone SVG chart, for `hubctl metrics funnel --svg`.
#ifndef HUB_TOOLS_HUBCTL_FUNNEL_SVG_H_
#define HUB_TOOLS_HUBCTL_FUNNEL_SVG_H_

#include <string>
#include <string_view>

#include "hub/v1/metrics_service.pb.h"

namespace hubctl {

// Returns `s` escaped for XML text and attribute values: &<>"' as entities,
// and what XML 1.0 cannot carry (control characters, invalid UTF-8, U+FFFE,
// U+FFFF) shown as visible escapes ("\x01"), as EscapeForTerminal does.
std::string EscapeForXml(std::string_view s);

// An SVG document (starting "<svg", UTF-8, no external references): a title
// with the side and period, a subtitle with the segment and window, then per
// stage a centred bar whose width is proportional to its entries relative to
// the largest, labelled "STAGE: entries", joined to the next bar by a
// trapezoid labelled with the conversion rate ("-" when absent).
// Deterministic: the same funnel gives the same bytes.
std::string FunnelSvg(const hub::v1::Funnel& funnel);

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_FUNNEL_SVG_H_
