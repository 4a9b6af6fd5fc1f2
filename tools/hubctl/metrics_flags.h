// The flags of hubctl's lifecycle commands (`stages`, `metrics funnel`,
// `metrics stage`, `metrics value`) checked and turned into requests, before
// any call is made.
#ifndef HUB_TOOLS_HUBCTL_METRICS_FLAGS_H_
#define HUB_TOOLS_HUBCTL_METRICS_FLAGS_H_

#include <google/protobuf/timestamp.pb.h>

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hub/v1/metrics_service.pb.h"

namespace hubctl {

// Parses a time flag: "YYYY-MM-DD" (00:00 UTC that day) or an RFC 3339 time
// ("2024-03-01T12:00:00Z", "2024-03-01T12:00:00.5+02:00"), within the
// Timestamp range (years 1..9999). Fails with kInvalidArgument saying what is
// expected; the message does not name the flag.
absl::StatusOr<absl::Time> ParseTimeFlag(std::string_view text);

// `t` as a protobuf Timestamp; `t` must be in the Timestamp range.
google::protobuf::Timestamp ToTimestamp(absl::Time t);

// The flags of `metrics funnel`, as typed.
struct FunnelFlags {
  // Start of the period, a UTC midnight (see ParseTimeFlag). Required.
  std::string from;
  // End of the period, exclusive, a UTC midnight after `from`. Required.
  std::string to;
  // "industry=V", "tier=V", "region=V" or "source=V"; empty for every
  // profile.
  std::string segment;
  // The accounts' funnel instead of the persons'.
  bool accounts = false;
  // Conversion window in days, 1..365; unset lets the server choose (90).
  std::optional<int> window_days;
  // Where to write the SVG chart; empty for none.
  std::string svg_path;
};

// Checks `flags` and builds the GetFunnel request. Fails with kInvalidArgument
// and a message starting with the offending flag ("--from: ...") for an
// unparseable date, a bound that is not a UTC midnight, `to` not after
// `from`, a segment not of the form above, or a window outside 1..365.
absl::StatusOr<hub::v1::GetFunnelRequest> BuildFunnelRequest(
    const FunnelFlags& flags);

// The flags of `metrics stage`, as typed.
struct StageMetricsFlags {
  // The period and segment, as FunnelFlags'.
  std::string from;
  std::string to;
  std::string segment;
  // ATTRACT, CAPTURE, NURTURE, CONVERT or EXPAND (any case); empty for all.
  std::string stage;
};

// Checks `flags` and builds the GetStageMetrics request. Fails with
// kInvalidArgument as BuildFunnelRequest for the period and segment, and
// "--stage: ..." for a stage that is not one of the five above.
absl::StatusOr<hub::v1::GetStageMetricsRequest> BuildStageMetricsRequest(
    const StageMetricsFlags& flags);

// The flags of `metrics value`, as typed.
struct CustomerValueFlags {
  // The period, as FunnelFlags'.
  std::string from;
  std::string to;
  // "industry", "tier", "region" or "source"; empty for all four.
  std::string dimension;
  // Gross margin in (0, 1]; unset lets the server choose (0.75).
  std::optional<double> margin;
};

// Checks `flags` and builds the GetCustomerValue request. Fails with
// kInvalidArgument as BuildFunnelRequest for the period, "--dimension: ..."
// for an unknown dimension and "--margin: ..." for a margin outside (0, 1].
absl::StatusOr<hub::v1::GetCustomerValueRequest> BuildCustomerValueRequest(
    const CustomerValueFlags& flags);

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_METRICS_FLAGS_H_
