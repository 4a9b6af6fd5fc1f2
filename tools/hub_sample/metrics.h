// The stage metrics and customer value of docs/lifecycle.md ("Stage metrics
// (GetStageMetrics) and customer value (GetCustomerValue)") over the funnel's
// grid of periods and segments. hub-sample's own implementation, written from
// the page: callers pass each fact already resolved to its profile (its
// segments, its stage history), this file only counts.
#ifndef HUB_TOOLS_HUB_SAMPLE_METRICS_H_
#define HUB_TOOLS_HUB_SAMPLE_METRICS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tools/hub_sample/funnel.h"
#include "tools/hub_sample/stages.h"

namespace hub::sample {

// The metrics in the page's order.
enum class Metric : uint8_t {
  // ATTRACT
  kAnonymousVisitors,
  kPageViews,
  kVisitorToLeadRate,
  // CAPTURE
  kNewLeads,
  kMqls,
  kSals,
  kSqls,
  kLeadToMqlRate,
  // NURTURE
  kSends,
  kDelivered,
  kUniqueOpenRate,
  kClickThroughRate,
  kClickToOpenRate,
  kUnsubscribeRate,
  kBounceRate,
  // CONVERT
  kOpportunitiesCreated,
  kWinRate,
  kClosedWonRevenue,
  kAverageDealSize,
  kMedianSalesCycleDays,
  // EXPAND
  kChurnRate,
  kRenewalRate,
  kUpsellRevenueShare,
  kExistingCustomerRevenueShare,
  kNps,
  kCsat,
  kCustomerCampaignOpenRate,
  kCustomerCampaignClickThroughRate,
};
inline constexpr int kMetricCount = 28;

enum class MetricKind : uint8_t { kCount, kAmount, kRate, kMedian };

struct MetricInfo {
  const char* name;  // "anonymous_visitors", ...
  MetricKind kind;
  bool account;   // an account-side metric (opportunities, account stages)
  bool activity;  // tagged activity (else outcome)
};
const MetricInfo& GetMetricInfo(Metric metric);

// One metric in one period and segment. Counts and amounts: `numerator`.
// Rates: `numerator` / `denominator`, and when the denominator is not 0 the
// value value_num / value_den (nps: 100 × numerator / denominator). Median:
// the value only (value_den 2), when there is one.
struct MetricFigures {
  int64_t numerator = 0;
  int64_t denominator = 0;
  bool has_value = false;
  int64_t value_num = 0, value_den = 1;
};

// The exact decimal num / den (den != 0) rounded to 6 digits after the point,
// halves away from zero: "0.333333", "-12.500000", "0.000000".
void AppendDecimal(std::string* out, __int128 num, __int128 den);

// Locates the periods (months, quarters, the window: runs of adjacent
// periods) that hold an instant or start in a span.
class PeriodIndex {
 public:
  // Periods [begin, end) of `periods`, sorted and not overlapping.
  struct Run {
    size_t begin, end;
  };
  // `periods` must outlive the index.
  explicit PeriodIndex(const std::vector<FunnelPeriod>& periods);
  // Appends the periods holding `t` (at most one per run) to `out`.
  void Holding(int64_t t, std::vector<size_t>* out) const;
  const std::vector<Run>& runs() const { return runs_; }
  // The first period of `run` starting at or after `t` (run.end if none).
  size_t FirstStartAtOrAfter(const Run& run, int64_t t) const;

 private:
  const std::vector<FunnelPeriod>& periods_;
  std::vector<Run> runs_;
};

// The stage of a history at `t`: the stage of its last transition at or
// before t (a skip at t ends in its last stage). False before the first.
bool HistoryStageAt(const std::vector<Transition>& history, int64_t t,
                    Stage* stage);

// One send of a campaign to a member, with what happened to it.
struct EmailSend {
  int64_t sent = 0;  // the email_sent record's occurred_at
  bool bounced = false, opened = false, clicked = false, unsubscribed = false;
  // The person's account was in EXPAND at `sent`.
  bool customer = false;
};

// Accumulates the metrics of profiles into cells (period, segment). Segment 0
// is "all"; each fact is added to 0 and to the segments of its profile
// (duplicates are the caller's mistake). Every Add comes before the first
// Get. Not thread-safe; not copyable.
class StageMetrics {
 public:
  // `persons`: the person side's funnel (window 90 days), which gives
  // visitor_to_lead_rate, new_leads and lead_to_mql_rate and the periods.
  StageMetrics(const Funnel& persons, int segments);
  StageMetrics(const StageMetrics&) = delete;
  StageMetrics& operator=(const StageMetrics&) = delete;

  // A person's WEB_EVENTs at times when its stage was ATTRACT (any order):
  // the person counts once per period holding one of them.
  void AddAnonymousVisitor(std::vector<int64_t> times,
                           const std::vector<int>& segments);
  void AddPageView(int64_t at, const std::vector<int>& segments);
  // A LEAD record; `status` is kMqls, kSals or kSqls.
  void AddLeadStatus(Metric status, int64_t updated,
                     const std::vector<int>& segments);
  void AddSend(const EmailSend& send, const std::vector<int>& segments);
  // An nps_response; `score` is -1 when not an integer 0-10 (a response that
  // neither promotes nor detracts).
  void AddNpsResponse(int64_t at, int score, const std::vector<int>& segments);
  void AddCsatResponse(int64_t at, bool good, const std::vector<int>& segments);
  // An account profile's history (churn_rate: entries into CHURNED, EXPAND at
  // each period's start).
  void AddAccount(const std::vector<Transition>& history,
                  const std::vector<int>& segments);
  // An opportunity of an account profile with `history` (nullptr: none).
  void AddOpportunity(const OpportunityFacts& opportunity,
                      const std::vector<Transition>* history,
                      const std::vector<int>& segments);

  MetricFigures Get(size_t period, int segment, Metric metric) const;
  const std::vector<FunnelPeriod>& periods() const { return periods_; }

 private:
  enum Counter : uint8_t {
    kAnonymous,
    kPages,
    kMql,
    kSal,
    kSql,
    kSent,
    kDeliveredSends,
    kOpened,
    kClicked,
    kUnsubscribed,
    kBounced,
    kCustomerDelivered,
    kCustomerOpened,
    kCustomerClicked,
    kCreated,
    kClosed,
    kWon,
    kWonAmount,
    kRenewalsClosed,
    kRenewalsWon,
    kUpsellWonAmount,
    kExistingWonAmount,
    kChurned,
    kExpandAtStart,  // a difference along each run until Get's first call
    kNpsResponses,
    kNpsNet,
    kCsatResponses,
    kCsatGood,
    kCounters
  };
  struct Cell {
    int64_t counters[kCounters] = {};
    std::vector<int64_t> cycle_days;  // won opportunities closed in it
  };
  Cell& At(size_t period, int segment) {
    return cells_[period * static_cast<size_t>(segments_) +
                  static_cast<size_t>(segment)];
  }
  const Cell& At(size_t period, int segment) const {
    return cells_[period * static_cast<size_t>(segments_) +
                  static_cast<size_t>(segment)];
  }
  // Adds `n` to `counter` in every period holding `t`, for `segments`.
  void Count(int64_t t, Counter counter, int64_t n,
             const std::vector<int>& segments);
  // Turns the kExpandAtStart differences into counts (once).
  void Settle() const;

  const Funnel& persons_;
  std::vector<FunnelPeriod> periods_;
  PeriodIndex index_;
  int segments_;
  mutable std::vector<Cell> cells_;
  mutable bool settled_ = false;
  mutable std::vector<size_t> scratch_;
};

// Customer value of one segment in one period (docs/lifecycle.md, "Customer
// value"): revenue_per_account = revenue / accounts_at_start, clv =
// revenue_per_account × margin ÷ (churned / accounts_at_start); each absent
// when its divisor is 0. Exact rationals.
struct CustomerValue {
  int64_t accounts_at_start = 0, revenue = 0, churned = 0;
  bool has_revenue_per_account = false, has_clv = false;
  __int128 rpa_num = 0, rpa_den = 1, clv_num = 0, clv_den = 1;
};
// `margin` = margin_num / margin_den (default 0.75).
CustomerValue ComputeCustomerValue(int64_t accounts_at_start, int64_t revenue,
                                   int64_t churned, int64_t margin_num = 3,
                                   int64_t margin_den = 4);

// Ranks 1..n: clv descending, absent last, ties by name (byte order).
std::vector<int> RankByClv(const std::vector<CustomerValue>& values,
                           const std::vector<std::string>& names);

}  // namespace hub::sample

#endif  // HUB_TOOLS_HUB_SAMPLE_METRICS_H_
