#include "tools/hub_sample/metrics.h"

#include <algorithm>
#include <numeric>

namespace hub::sample {
namespace {

constexpr MetricInfo kMetrics[kMetricCount] = {
    {"anonymous_visitors", MetricKind::kCount, false, true},
    {"page_views", MetricKind::kCount, false, true},
    {"visitor_to_lead_rate", MetricKind::kRate, false, false},
    {"new_leads", MetricKind::kCount, false, false},
    {"mqls", MetricKind::kCount, false, false},
    {"sals", MetricKind::kCount, false, false},
    {"sqls", MetricKind::kCount, false, false},
    {"lead_to_mql_rate", MetricKind::kRate, false, false},
    {"sends", MetricKind::kCount, false, true},
    {"delivered", MetricKind::kCount, false, true},
    {"unique_open_rate", MetricKind::kRate, false, false},
    {"click_through_rate", MetricKind::kRate, false, false},
    {"click_to_open_rate", MetricKind::kRate, false, false},
    {"unsubscribe_rate", MetricKind::kRate, false, false},
    {"bounce_rate", MetricKind::kRate, false, false},
    {"opportunities_created", MetricKind::kCount, true, false},
    {"win_rate", MetricKind::kRate, true, false},
    {"closed_won_revenue", MetricKind::kAmount, true, false},
    {"average_deal_size", MetricKind::kRate, true, false},
    {"median_sales_cycle_days", MetricKind::kMedian, true, false},
    {"churn_rate", MetricKind::kRate, true, false},
    {"renewal_rate", MetricKind::kRate, true, false},
    {"upsell_revenue_share", MetricKind::kRate, true, false},
    {"existing_customer_revenue_share", MetricKind::kRate, true, false},
    {"nps", MetricKind::kRate, false, false},
    {"csat", MetricKind::kRate, false, false},
    {"customer_campaign_open_rate", MetricKind::kRate, false, false},
    {"customer_campaign_click_through_rate", MetricKind::kRate, false, false},
};

// floor(x / y) for y > 0.
int64_t FloorDiv(int64_t x, int64_t y) {
  return x >= 0 ? x / y : -((-x + y - 1) / y);
}

MetricFigures Number(int64_t n) {
  MetricFigures f;
  f.numerator = n;
  return f;
}

MetricFigures Rate(int64_t numerator, int64_t denominator, int64_t scale = 1) {
  MetricFigures f;
  f.numerator = numerator;
  f.denominator = denominator;
  if (denominator != 0) {
    f.has_value = true;
    f.value_num = scale * numerator;
    f.value_den = denominator;
  }
  return f;
}

}  // namespace

const MetricInfo& GetMetricInfo(Metric metric) {
  return kMetrics[static_cast<int>(metric)];
}

void AppendDecimal(std::string* out, __int128 num, __int128 den) {
  const bool negative = (num < 0) != (den < 0);
  if (num < 0) num = -num;
  if (den < 0) den = -den;
  constexpr int64_t kScale = 1000000;
  __int128 q = num * kScale / den;
  const __int128 r = num * kScale % den;
  if (2 * r >= den) ++q;  // halves away from zero
  if (negative && q != 0) out->push_back('-');
  const __int128 whole = q / kScale;
  int64_t fraction = static_cast<int64_t>(q % kScale);
  std::string digits;
  for (__int128 w = whole; w > 0 || digits.empty(); w /= 10) {
    digits.push_back(static_cast<char>('0' + static_cast<int>(w % 10)));
  }
  out->append(digits.rbegin(), digits.rend());
  out->push_back('.');
  char text[6];
  for (int i = 5; i >= 0; --i, fraction /= 10) {
    text[i] = static_cast<char>('0' + fraction % 10);
  }
  out->append(text, 6);
}

PeriodIndex::PeriodIndex(const std::vector<FunnelPeriod>& periods)
    : periods_(periods) {
  for (size_t p = 0; p < periods.size(); ++p) {
    if (runs_.empty() || periods[p].start < periods[p - 1].end) {
      runs_.push_back({p, p + 1});
    } else {
      runs_.back().end = p + 1;
    }
  }
}

size_t PeriodIndex::FirstStartAtOrAfter(const Run& run, int64_t t) const {
  const auto it = std::lower_bound(
      periods_.begin() + static_cast<std::ptrdiff_t>(run.begin),
      periods_.begin() + static_cast<std::ptrdiff_t>(run.end), t,
      [](const FunnelPeriod& p, int64_t t) { return p.start < t; });
  return static_cast<size_t>(it - periods_.begin());
}

void PeriodIndex::Holding(int64_t t, std::vector<size_t>* out) const {
  for (const Run& run : runs_) {
    // The last period starting at or before t.
    const auto it = std::upper_bound(
        periods_.begin() + static_cast<std::ptrdiff_t>(run.begin),
        periods_.begin() + static_cast<std::ptrdiff_t>(run.end), t,
        [](int64_t t, const FunnelPeriod& p) { return t < p.start; });
    if (it == periods_.begin() + static_cast<std::ptrdiff_t>(run.begin)) {
      continue;
    }
    const size_t p = static_cast<size_t>(it - periods_.begin()) - 1;
    if (t < periods_[p].end) out->push_back(p);
  }
}

bool HistoryStageAt(const std::vector<Transition>& history, int64_t t,
                    Stage* stage) {
  const auto it =
      std::upper_bound(history.begin(), history.end(), t,
                       [](int64_t t, const Transition& x) { return t < x.at; });
  if (it == history.begin()) return false;
  *stage = std::prev(it)->stage;
  return true;
}

StageMetrics::StageMetrics(const Funnel& persons, int segments)
    : persons_(persons),
      periods_(persons.periods()),
      index_(periods_),
      segments_(segments),
      cells_(periods_.size() * static_cast<size_t>(segments)) {}

void StageMetrics::Count(int64_t t, Counter counter, int64_t n,
                         const std::vector<int>& segments) {
  scratch_.clear();
  index_.Holding(t, &scratch_);
  for (size_t p : scratch_) {
    for (int segment : segments) At(p, segment).counters[counter] += n;
  }
}

void StageMetrics::AddAnonymousVisitor(std::vector<int64_t> times,
                                       const std::vector<int>& segments) {
  std::vector<size_t> periods;
  for (int64_t t : times) index_.Holding(t, &periods);
  std::sort(periods.begin(), periods.end());
  periods.erase(std::unique(periods.begin(), periods.end()), periods.end());
  for (size_t p : periods) {
    for (int segment : segments) At(p, segment).counters[kAnonymous]++;
  }
}

void StageMetrics::AddPageView(int64_t at, const std::vector<int>& segments) {
  Count(at, kPages, 1, segments);
}

void StageMetrics::AddLeadStatus(Metric status, int64_t updated,
                                 const std::vector<int>& segments) {
  const Counter counter = status == Metric::kMqls   ? kMql
                          : status == Metric::kSals ? kSal
                                                    : kSql;
  Count(updated, counter, 1, segments);
}

void StageMetrics::AddSend(const EmailSend& send,
                           const std::vector<int>& segments) {
  const bool delivered = !send.bounced;
  const bool customer = delivered && send.customer;
  const std::pair<Counter, bool> counts[] = {
      {kSent, true},
      {kBounced, send.bounced},
      {kDeliveredSends, delivered},
      {kOpened, delivered && send.opened},
      {kClicked, delivered && send.clicked},
      {kUnsubscribed, delivered && send.unsubscribed},
      {kCustomerDelivered, customer},
      {kCustomerOpened, customer && send.opened},
      {kCustomerClicked, customer && send.clicked},
  };
  for (const auto& [counter, yes] : counts) {
    if (yes) Count(send.sent, counter, 1, segments);
  }
}

void StageMetrics::AddNpsResponse(int64_t at, int score,
                                  const std::vector<int>& segments) {
  Count(at, kNpsResponses, 1, segments);
  if (score >= 9) Count(at, kNpsNet, 1, segments);
  if (score >= 0 && score <= 6) Count(at, kNpsNet, -1, segments);
}

void StageMetrics::AddCsatResponse(int64_t at, bool good,
                                   const std::vector<int>& segments) {
  Count(at, kCsatResponses, 1, segments);
  if (good) Count(at, kCsatGood, 1, segments);
}

void StageMetrics::AddAccount(const std::vector<Transition>& history,
                              const std::vector<int>& segments) {
  // Entries into CHURNED: the account counts once per period.
  std::vector<size_t> churned;
  for (const Transition& t : history) {
    if (t.stage == Stage::kChurned) index_.Holding(t.at, &churned);
  }
  std::sort(churned.begin(), churned.end());
  churned.erase(std::unique(churned.begin(), churned.end()), churned.end());
  for (size_t p : churned) {
    for (int segment : segments) At(p, segment).counters[kChurned]++;
  }
  // In EXPAND at a period's start: the start lies in an EXPAND span
  // [entered, next transition). Marked as +1 / -1 along each run.
  for (size_t i = 0; i < history.size(); ++i) {
    if (history[i].stage != Stage::kExpand) continue;
    const int64_t from = history[i].at;
    const int64_t to = i + 1 < history.size() ? history[i + 1].at : kNoTime;
    if (from >= to) continue;
    for (const PeriodIndex::Run& run : index_.runs()) {
      const size_t begin = index_.FirstStartAtOrAfter(run, from);
      const size_t end = index_.FirstStartAtOrAfter(run, to);
      if (begin == end) continue;
      for (int segment : segments) {
        At(begin, segment).counters[kExpandAtStart]++;
        if (end < run.end) At(end, segment).counters[kExpandAtStart]--;
      }
    }
  }
}

void StageMetrics::AddOpportunity(const OpportunityFacts& o,
                                  const std::vector<Transition>* history,
                                  const std::vector<int>& segments) {
  Count(o.created, kCreated, 1, segments);
  if (o.closed == kNoTime) return;
  scratch_.clear();
  index_.Holding(o.closed, &scratch_);
  const int64_t days = FloorDiv(o.closed - o.created, kMicrosPerDay);
  for (size_t p : scratch_) {
    Stage at_start;
    const bool existing =
        history != nullptr &&
        HistoryStageAt(*history, periods_[p].start, &at_start) &&
        at_start == Stage::kExpand;
    for (int segment : segments) {
      Cell& cell = At(p, segment);
      int64_t* c = cell.counters;
      c[kClosed]++;
      if (o.renewal) c[kRenewalsClosed]++;
      if (!o.won) continue;
      c[kWon]++;
      c[kWonAmount] += o.amount;
      if (o.renewal) c[kRenewalsWon]++;
      if (o.upsell) c[kUpsellWonAmount] += o.amount;
      if (existing) c[kExistingWonAmount] += o.amount;
      cell.cycle_days.push_back(days);
    }
  }
}

void StageMetrics::Settle() const {
  if (settled_) return;
  settled_ = true;
  for (const PeriodIndex::Run& run : index_.runs()) {
    for (int segment = 0; segment < segments_; ++segment) {
      int64_t sum = 0;
      for (size_t p = run.begin; p < run.end; ++p) {
        int64_t& c = cells_[p * static_cast<size_t>(segments_) +
                            static_cast<size_t>(segment)]
                         .counters[kExpandAtStart];
        sum += c;
        c = sum;
      }
    }
  }
}

MetricFigures StageMetrics::Get(size_t period, int segment,
                                Metric metric) const {
  Settle();
  const Cell& cell = At(period, segment);
  const int64_t* c = cell.counters;
  switch (metric) {
    case Metric::kAnonymousVisitors:
      return Number(c[kAnonymous]);
    case Metric::kPageViews:
      return Number(c[kPages]);
    case Metric::kVisitorToLeadRate: {
      const FunnelFigures f = persons_.Get(period, segment, Stage::kAttract);
      return Rate(f.converted, f.entries);
    }
    case Metric::kNewLeads:
      return Number(persons_.Get(period, segment, Stage::kCapture).entries);
    case Metric::kMqls:
      return Number(c[kMql]);
    case Metric::kSals:
      return Number(c[kSal]);
    case Metric::kSqls:
      return Number(c[kSql]);
    case Metric::kLeadToMqlRate: {
      const FunnelFigures f = persons_.Get(period, segment, Stage::kCapture);
      return Rate(f.converted, f.entries);
    }
    case Metric::kSends:
      return Number(c[kSent]);
    case Metric::kDelivered:
      return Number(c[kDeliveredSends]);
    case Metric::kUniqueOpenRate:
      return Rate(c[kOpened], c[kDeliveredSends]);
    case Metric::kClickThroughRate:
      return Rate(c[kClicked], c[kDeliveredSends]);
    case Metric::kClickToOpenRate:
      return Rate(c[kClicked], c[kOpened]);
    case Metric::kUnsubscribeRate:
      return Rate(c[kUnsubscribed], c[kDeliveredSends]);
    case Metric::kBounceRate:
      return Rate(c[kBounced], c[kSent]);
    case Metric::kOpportunitiesCreated:
      return Number(c[kCreated]);
    case Metric::kWinRate:
      return Rate(c[kWon], c[kClosed]);
    case Metric::kClosedWonRevenue:
      return Number(c[kWonAmount]);
    case Metric::kAverageDealSize:
      return Rate(c[kWonAmount], c[kWon]);
    case Metric::kMedianSalesCycleDays: {
      MetricFigures f;
      if (cell.cycle_days.empty()) return f;
      std::vector<int64_t> days = cell.cycle_days;
      const size_t n = days.size();
      std::nth_element(days.begin(), days.begin() + n / 2, days.end());
      int64_t x2 = 2 * days[n / 2];
      if (n % 2 == 0) {
        x2 =
            days[n / 2] + *std::max_element(days.begin(), days.begin() + n / 2);
      }
      f.has_value = true;
      f.value_num = x2;
      f.value_den = 2;
      return f;
    }
    case Metric::kChurnRate:
      return Rate(c[kChurned], c[kExpandAtStart]);
    case Metric::kRenewalRate:
      return Rate(c[kRenewalsWon], c[kRenewalsClosed]);
    case Metric::kUpsellRevenueShare:
      return Rate(c[kUpsellWonAmount], c[kWonAmount]);
    case Metric::kExistingCustomerRevenueShare:
      return Rate(c[kExistingWonAmount], c[kWonAmount]);
    case Metric::kNps:
      return Rate(c[kNpsNet], c[kNpsResponses], 100);
    case Metric::kCsat:
      return Rate(c[kCsatGood], c[kCsatResponses]);
    case Metric::kCustomerCampaignOpenRate:
      return Rate(c[kCustomerOpened], c[kCustomerDelivered]);
    case Metric::kCustomerCampaignClickThroughRate:
      return Rate(c[kCustomerClicked], c[kCustomerDelivered]);
  }
  return MetricFigures();
}

CustomerValue ComputeCustomerValue(int64_t accounts_at_start, int64_t revenue,
                                   int64_t churned, int64_t margin_num,
                                   int64_t margin_den) {
  CustomerValue v;
  v.accounts_at_start = accounts_at_start;
  v.revenue = revenue;
  v.churned = churned;
  if (accounts_at_start == 0) return v;
  v.has_revenue_per_account = true;
  v.rpa_num = revenue;
  v.rpa_den = accounts_at_start;
  if (churned == 0) return v;
  // (revenue / A) × margin ÷ (churned / A) = revenue × margin / churned.
  v.has_clv = true;
  v.clv_num = static_cast<__int128>(revenue) * margin_num;
  v.clv_den = static_cast<__int128>(margin_den) * churned;
  return v;
}

std::vector<int> RankByClv(const std::vector<CustomerValue>& values,
                           const std::vector<std::string>& names) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const CustomerValue &a = values[x], &b = values[y];
    if (a.has_clv != b.has_clv) return a.has_clv;
    if (a.has_clv) {
      // Positive denominators: a > b iff a.num * b.den > b.num * a.den
      // (each factor below 2^63 × the margin's terms: no overflow).
      const __int128 l = a.clv_num * b.clv_den, r = b.clv_num * a.clv_den;
      if (l != r) return l > r;
    }
    return names[x] < names[y];
  });
  std::vector<int> rank(values.size());
  for (size_t i = 0; i < order.size(); ++i) {
    rank[order[i]] = static_cast<int>(i) + 1;
  }
  return rank;
}

}  // namespace hub::sample
