#include "hub/metrics_service.h"

#include <algorithm>
#include <limits>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "hub/api_util.h"
#include "hub/permissions.h"
#include "hub/status_util.h"
#include "profile/base/status_macros.h"
#include "profile/base/time_util.h"
#include "profile/lifecycle/stage_rules.h"
#include "profile/lifecycle/stage_tracker.h"

namespace hub {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
constexpr int kDefaultWindowDays = 90;
constexpr int kMaxWindowDays = 365;

int64_t Micros(const google::protobuf::Timestamp& ts) {
  return ts.seconds() * 1000000 + ts.nanos() / 1000;
}

google::protobuf::Timestamp Time(int64_t micros) {
  return ToProtoTime(absl::FromUnixMicros(micros));
}

// The median of `total` values given as value -> how many: the mean of the
// values at 0-based ranks (total-1)/2 and total/2 (one value when odd).
double Median(const std::map<int64_t, int64_t>& histogram, int64_t total) {
  const int64_t lo_rank = (total - 1) / 2, hi_rank = total / 2;
  int64_t seen = 0, lo = 0, hi = 0;
  bool have_lo = false, have_hi = false;
  for (const auto& [value, n] : histogram) {
    if (!have_lo && seen + n > lo_rank) lo = value, have_lo = true;
    if (!have_hi && seen + n > hi_rank) hi = value, have_hi = true;
    seen += n;
  }
  return (lo + hi) / 2.0;
}

absl::Status ListTransitions(Store* store, const hub::v1::ListStageTransitionsRequest& req,
                             hub::v1::ListStageTransitionsResponse* resp) {
  HUB_ASSIGN_OR_RETURN(auto name, ParseProfileOrAccountName(req.parent(), "parent"));
  HUB_ASSIGN_OR_RETURN(int size, PageSize(req.page_size(), kDefaultPageSize, kMaxPageSize));
  int64_t offset = 0;
  int64_t as_of = req.has_as_of() ? Micros(req.as_of()) : absl::ToUnixMicros(absl::Now());
  if (!req.page_token().empty()) {
    // The token pins the first page's as_of, so one listing is one view.
    HUB_ASSIGN_OR_RETURN(std::vector<int64_t> v,
                         DecodePageToken(req.page_token(), "stages", 2));
    offset = v[0];
    as_of = v[1];
  }
  HUB_ASSIGN_OR_RETURN(int64_t live, store->ResolveId(name.first, name.second));
  HUB_ASSIGN_OR_RETURN(std::vector<StoredTransition> history, store->ListTransitions(live));
  resp->set_parent(absl::StrCat(name.first == Side::kPerson ? "profiles/" : "accounts/", live));
  size_t visible = 0;
  while (visible < history.size() && history[visible].at_us <= as_of) ++visible;
  if (visible > 0) resp->set_stage(static_cast<hub::v1::Stage>(history[visible - 1].stage));
  for (size_t i = offset; i < visible && i < static_cast<size_t>(offset + size); ++i) {
    hub::v1::StageTransition* t = resp->add_transitions();
    t->set_stage(static_cast<hub::v1::Stage>(history[i].stage));
    *t->mutable_enter_time() = Time(history[i].at_us);
    if (history[i].left_us != 0 && history[i].left_us <= as_of) {
      *t->mutable_leave_time() = Time(history[i].left_us);
    }
  }
  if (static_cast<size_t>(offset + size) < visible) {
    resp->set_next_page_token(EncodePageToken("stages", {offset + size, as_of}));
  }
  return absl::OkStatus();
}

// A UTC day number from a period bound that must lie on a UTC midnight.
absl::StatusOr<int64_t> DayBound(const hub::v1::Period& period, bool start) {
  const google::protobuf::Timestamp& ts = start ? period.start_time() : period.end_time();
  const char* field = start ? "period.start_time" : "period.end_time";
  if (!(start ? period.has_start_time() : period.has_end_time())) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  }
  if (ts.nanos() != 0 || ts.seconds() % 86400 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": ", FormatTimestamp(FromProtoTime(ts)),
        " is not a UTC midnight (metrics are kept per UTC day)"));
  }
  return DayOf(Micros(ts));
}

// The UTC days [from, to) of a request's period and its segment, checked.
absl::StatusOr<std::pair<int64_t, int64_t>> CheckPeriodAndSegment(bool has_period,
                                                                  const hub::v1::Period& period,
                                                                  const std::string& segment) {
  if (!has_period) return absl::InvalidArgumentError("period: required");
  HUB_ASSIGN_OR_RETURN(int64_t from, DayBound(period, true));
  HUB_ASSIGN_OR_RETURN(int64_t to, DayBound(period, false));
  if (to <= from) {
    return absl::InvalidArgumentError("period: end_time must be after start_time");
  }
  HUB_RETURN_IF_ERROR(CheckSegment(segment));
  return std::make_pair(from, to);
}

absl::Status Funnel(Store* store, const hub::v1::GetFunnelRequest& req, hub::v1::Funnel* resp) {
  Side side;
  switch (req.side()) {
    case hub::v1::PERSONS: side = Side::kPerson; break;
    case hub::v1::ACCOUNTS: side = Side::kAccount; break;
    default: return absl::InvalidArgumentError("side: required (PERSONS or ACCOUNTS)");
  }
  HUB_ASSIGN_OR_RETURN(auto days, CheckPeriodAndSegment(req.has_period(), req.period(),
                                                        req.segment()));
  const auto [from, to] = days;
  int window = req.conversion_window_days() == 0 ? kDefaultWindowDays : req.conversion_window_days();
  if (window < 1 || window > kMaxWindowDays) {
    return absl::InvalidArgumentError(absl::StrCat(
        "conversion_window_days: ", req.conversion_window_days(), " is outside 1..365"));
  }
  HUB_ASSIGN_OR_RETURN(std::vector<FunnelCount> counts,
                       store->SumFunnelCounts(side, req.segment(), from, to));
  *resp = FunnelFromCounts(counts, window);
  resp->set_side(req.side());
  *resp->mutable_period() = req.period();
  resp->set_segment(req.segment());
  resp->set_conversion_window_days(window);
  return absl::OkStatus();
}

hub::v1::Metric* AddMetric(hub::v1::StageMetrics* out, const char* name, hub::v1::Stage stage,
                           hub::v1::MetricKind kind) {
  hub::v1::Metric* m = out->add_metrics();
  m->set_name(name);
  m->set_stage(stage);
  m->set_kind(kind);
  return m;
}

void SetRate(hub::v1::Metric* m, int64_t numerator, int64_t denominator) {
  hub::v1::Rate* r = m->mutable_rate();
  r->set_numerator(numerator);
  r->set_denominator(denominator);
  if (denominator != 0) r->set_value(static_cast<double>(numerator) / denominator);
}

// What a segment's customers were worth in [from, to).
struct ValueFigures {
  int64_t customers = 0;  // accounts in EXPAND at the start
  int64_t churned = 0;    // distinct accounts churning in the period
  int64_t won_cents = 0;
  int64_t existing_won_cents = 0;  // of those at the start
};

// `during` is the segment's counters summed over the period's days.
absl::StatusOr<ValueFigures> ValueOf(Store* store, const std::string& segment, int64_t from,
                                     const MetricSums& during) {
  ValueFigures v;
  HUB_ASSIGN_OR_RETURN(MetricSums before,
                       store->SumMetrics(segment, std::numeric_limits<int64_t>::min(), from + 1));
  for (const auto& [cell, n] : before) {
    if (cell.first == static_cast<int>(MetricField::kExpandStay) && cell.second > from) {
      v.customers += n;
    }
  }
  for (const auto& [cell, n] : during) {
    if (cell.first == static_cast<int>(MetricField::kChurnEntry) && cell.second < from) {
      v.churned += n;  // each account once: its first churn in the period
    }
    if (cell.first == static_cast<int>(MetricField::kWonCents)) v.won_cents += n;
    if (cell.first == static_cast<int>(MetricField::kWonCentsDuringStay)) {
      const auto [start, end] = ExpandStayDays(cell.second);
      if (start <= from && from < end) v.existing_won_cents += n;
    }
  }
  return v;
}

hub::v1::SegmentValue SegmentValueOf(const std::string& segment, const ValueFigures& v,
                                     double margin) {
  hub::v1::SegmentValue out;
  out.set_segment(segment);
  out.set_accounts_at_start(v.customers);
  out.set_revenue(v.won_cents / 100.0);
  out.set_churned(v.churned);
  if (v.customers > 0) {
    out.set_revenue_per_account(v.won_cents / 100.0 / v.customers);
    if (v.churned > 0) out.set_clv(v.won_cents / 100.0 * margin / v.churned);
  }
  return out;
}

absl::Status CustomerValueOf(Store* store, const hub::v1::GetCustomerValueRequest& req,
                             hub::v1::CustomerValue* resp) {
  HUB_ASSIGN_OR_RETURN(auto days, CheckPeriodAndSegment(req.has_period(), req.period(), ""));
  const auto [from, to] = days;
  HUB_ASSIGN_OR_RETURN(std::vector<std::string> dimensions,
                       CustomerValueDimensions(req.dimension()));
  const double margin = req.gross_margin() == 0 ? 0.75 : req.gross_margin();
  if (!(margin > 0 && margin <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("gross_margin: ", req.gross_margin(), " is outside (0, 1]"));
  }
  resp->Clear();
  *resp->mutable_period() = req.period();
  resp->set_gross_margin(margin);
  HUB_ASSIGN_OR_RETURN(MetricSums all_during, store->SumMetrics("", from, to));
  HUB_ASSIGN_OR_RETURN(ValueFigures all, ValueOf(store, "", from, all_during));
  *resp->mutable_overall() = SegmentValueOf("", all, margin);
  resp->mutable_overall()->set_rank(1);
  HUB_ASSIGN_OR_RETURN(std::vector<std::string> segments, store->ListSegments());
  for (const std::string& dimension : dimensions) {
    std::vector<hub::v1::SegmentValue> values;
    const std::string prefix = dimension + "=";
    for (const std::string& segment : segments) {
      if (segment.compare(0, prefix.size(), prefix) != 0) continue;
      HUB_ASSIGN_OR_RETURN(MetricSums during, store->SumMetrics(segment, from, to));
      HUB_ASSIGN_OR_RETURN(ValueFigures v, ValueOf(store, segment, from, during));
      values.push_back(SegmentValueOf(segment, v, margin));
    }
    std::sort(values.begin(), values.end(),
              [](const hub::v1::SegmentValue& a, const hub::v1::SegmentValue& b) {
                if (a.has_clv() != b.has_clv()) return a.has_clv();
                if (a.has_clv() && a.clv() != b.clv()) return a.clv() > b.clv();
                return a.segment() < b.segment();
              });
    for (size_t i = 0; i < values.size(); ++i) {
      values[i].set_rank(static_cast<int32_t>(i + 1));
      *resp->add_segments() = std::move(values[i]);
    }
  }
  return absl::OkStatus();
}

absl::Status StageMetricsOf(Store* store, const hub::v1::GetStageMetricsRequest& req,
                            hub::v1::StageMetrics* resp) {
  HUB_ASSIGN_OR_RETURN(auto days, CheckPeriodAndSegment(req.has_period(), req.period(),
                                                        req.segment()));
  const auto [from, to] = days;
  HUB_ASSIGN_OR_RETURN(std::vector<FunnelCount> counts,
                       store->SumFunnelCounts(Side::kPerson, req.segment(), from, to));
  const hub::v1::Funnel funnel = FunnelFromCounts(counts, kDefaultWindowDays);
  HUB_ASSIGN_OR_RETURN(MetricSums opps, store->SumMetrics(req.segment(), from, to));
  auto sum = [&opps](MetricField field) {
    auto it = opps.find({static_cast<int>(field), 0});
    return it == opps.end() ? int64_t{0} : it->second;
  };
  resp->Clear();
  *resp->mutable_period() = req.period();
  resp->set_segment(req.segment());
  auto wanted = [&req](hub::v1::Stage s) {
    return req.stage() == hub::v1::STAGE_UNSPECIFIED || req.stage() == s;
  };
  auto funnel_rate = [&](hub::v1::Metric* m, int stage) {
    const hub::v1::Rate& r = funnel.stages(stage - 1).conversion_to_next();
    SetRate(m, r.numerator(), r.denominator());
  };
  if (wanted(hub::v1::ATTRACT)) {
    // A visitor counts once: on its first anonymous day in the period (the
    // one whose previous such day lies before the period).
    int64_t visitors = 0;
    for (const auto& [cell, n] : opps) {
      if (cell.first == static_cast<int>(MetricField::kAnonymousVisit) && cell.second < from) {
        visitors += n;
      }
    }
    AddMetric(resp, "anonymous_visitors", hub::v1::ATTRACT, hub::v1::ACTIVITY)->set_count(visitors);
    AddMetric(resp, "page_views", hub::v1::ATTRACT, hub::v1::ACTIVITY)
        ->set_count(sum(MetricField::kPageViews));
    funnel_rate(AddMetric(resp, "visitor_to_lead_rate", hub::v1::ATTRACT, hub::v1::OUTCOME), 1);
  }
  if (wanted(hub::v1::CAPTURE)) {
    AddMetric(resp, "new_leads", hub::v1::CAPTURE, hub::v1::OUTCOME)
        ->set_count(funnel.stages(1).entries());
    AddMetric(resp, "mqls", hub::v1::CAPTURE, hub::v1::OUTCOME)->set_count(sum(MetricField::kMql));
    AddMetric(resp, "sals", hub::v1::CAPTURE, hub::v1::OUTCOME)->set_count(sum(MetricField::kSal));
    AddMetric(resp, "sqls", hub::v1::CAPTURE, hub::v1::OUTCOME)->set_count(sum(MetricField::kSql));
    funnel_rate(AddMetric(resp, "lead_to_mql_rate", hub::v1::CAPTURE, hub::v1::OUTCOME), 2);
  }
  if (wanted(hub::v1::NURTURE)) {
    const int64_t sends = sum(MetricField::kSends), delivered = sum(MetricField::kDelivered);
    const int64_t opened = sum(MetricField::kOpened), clicked = sum(MetricField::kClicked);
    AddMetric(resp, "sends", hub::v1::NURTURE, hub::v1::ACTIVITY)->set_count(sends);
    AddMetric(resp, "delivered", hub::v1::NURTURE, hub::v1::ACTIVITY)->set_count(delivered);
    SetRate(AddMetric(resp, "unique_open_rate", hub::v1::NURTURE, hub::v1::OUTCOME), opened,
            delivered);
    SetRate(AddMetric(resp, "click_through_rate", hub::v1::NURTURE, hub::v1::OUTCOME), clicked,
            delivered);
    SetRate(AddMetric(resp, "click_to_open_rate", hub::v1::NURTURE, hub::v1::OUTCOME), clicked,
            opened);
    SetRate(AddMetric(resp, "unsubscribe_rate", hub::v1::NURTURE, hub::v1::OUTCOME),
            sum(MetricField::kUnsubscribed), delivered);
    SetRate(AddMetric(resp, "bounce_rate", hub::v1::NURTURE, hub::v1::OUTCOME),
            sum(MetricField::kBounced), sends);
  }
  const int64_t won = sum(MetricField::kWon);
  const int64_t won_cents = sum(MetricField::kWonCents);
  if (wanted(hub::v1::CONVERT)) {
    AddMetric(resp, "opportunities_created", hub::v1::CONVERT, hub::v1::OUTCOME)
        ->set_count(sum(MetricField::kCreated));
    SetRate(AddMetric(resp, "win_rate", hub::v1::CONVERT, hub::v1::OUTCOME), won,
            won + sum(MetricField::kLost));
    AddMetric(resp, "closed_won_revenue", hub::v1::CONVERT, hub::v1::OUTCOME)
        ->set_amount(won_cents / 100.0);
    hub::v1::Metric* size = AddMetric(resp, "average_deal_size", hub::v1::CONVERT, hub::v1::OUTCOME);
    if (won > 0) size->set_value(won_cents / 100.0 / won);
    // The median of the won deals' whole days from creation to close.
    std::map<int64_t, int64_t> cycle;
    for (const auto& [cell, n] : opps) {
      if (cell.first == static_cast<int>(MetricField::kWonCycle)) cycle[cell.second] += n;
    }
    hub::v1::Metric* median = AddMetric(resp, "median_sales_cycle_days", hub::v1::CONVERT,
                                        hub::v1::OUTCOME);
    if (won > 0) median->set_value(Median(cycle, won));
  }
  if (wanted(hub::v1::EXPAND)) {
    HUB_ASSIGN_OR_RETURN(ValueFigures value, ValueOf(store, req.segment(), from, opps));
    SetRate(AddMetric(resp, "churn_rate", hub::v1::EXPAND, hub::v1::OUTCOME), value.churned,
            value.customers);
    SetRate(AddMetric(resp, "existing_customer_revenue_share", hub::v1::EXPAND,
                      hub::v1::OUTCOME),
            value.existing_won_cents, won_cents);
    const int64_t renewals_won = sum(MetricField::kRenewalWon);
    SetRate(AddMetric(resp, "renewal_rate", hub::v1::EXPAND, hub::v1::OUTCOME), renewals_won,
            renewals_won + sum(MetricField::kRenewalLost));
    // Amounts in cents: numerator and denominator are the two revenues.
    SetRate(AddMetric(resp, "upsell_revenue_share", hub::v1::EXPAND, hub::v1::OUTCOME),
            sum(MetricField::kUpsellWonCents), won_cents);
    // NPS: promoters minus detractors over responses; value in points (x100).
    const int64_t responses = sum(MetricField::kNpsResponses);
    hub::v1::Metric* nps = AddMetric(resp, "nps", hub::v1::EXPAND, hub::v1::OUTCOME);
    SetRate(nps, sum(MetricField::kNpsPromoters) - sum(MetricField::kNpsDetractors), responses);
    if (responses > 0) nps->mutable_rate()->set_value(100.0 * nps->rate().numerator() / responses);
    SetRate(AddMetric(resp, "csat", hub::v1::EXPAND, hub::v1::OUTCOME),
            sum(MetricField::kCsatGood), sum(MetricField::kCsatRatings));
    const int64_t customer_delivered = sum(MetricField::kCustomerDelivered);
    SetRate(AddMetric(resp, "customer_campaign_open_rate", hub::v1::EXPAND, hub::v1::OUTCOME),
            sum(MetricField::kCustomerOpened), customer_delivered);
    SetRate(AddMetric(resp, "customer_campaign_click_through_rate", hub::v1::EXPAND,
                      hub::v1::OUTCOME),
            sum(MetricField::kCustomerClicked), customer_delivered);
  }
  return absl::OkStatus();
}

}  // namespace

hub::v1::Funnel FunnelFromCounts(const std::vector<FunnelCount>& counts, int window_days) {
  struct PerStage {
    int64_t entries = 0, converted = 0, left = 0;
    std::map<int64_t, int64_t> stay;  // whole days -> entries
  };
  PerStage stages[kFunnelStages + 1];
  for (const FunnelCount& c : counts) {
    if (c.stage < 1 || c.stage > kFunnelStages) continue;  // CHURNED is no funnel stage
    PerStage& s = stages[c.stage];
    s.entries += c.n;
    if (c.reach_days >= 0 && c.reach_days <= window_days) s.converted += c.n;
    if (c.stay_days >= 0) {
      s.left += c.n;
      s.stay[c.stay_days] += c.n;
    }
  }
  hub::v1::Funnel funnel;
  for (int k = 1; k <= kFunnelStages; ++k) {
    const PerStage& s = stages[k];
    hub::v1::FunnelStage* out = funnel.add_stages();
    out->set_stage(static_cast<hub::v1::Stage>(k));
    out->set_entries(s.entries);
    out->set_left(s.left);
    if (k < kFunnelStages) {
      hub::v1::Rate* rate = out->mutable_conversion_to_next();
      rate->set_numerator(s.converted);
      rate->set_denominator(s.entries);
      if (s.entries > 0) rate->set_value(static_cast<double>(s.converted) / s.entries);
    }
    if (s.left > 0) out->set_median_days_in_stage(Median(s.stay, s.left));
  }
  return funnel;
}

absl::Status CheckSegment(const std::string& segment) {
  if (segment.empty()) return absl::OkStatus();
  std::pair<std::string, std::string> kv = absl::StrSplit(segment, absl::MaxSplits('=', 1));
  bool known = false;
  for (const char* name : kSegmentTraits) known = known || kv.first == name;
  if (!known || kv.second.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("segment: \"", segment, "\" is not <trait>=<value> with <trait> one of ",
                     absl::StrJoin(kSegmentTraits, ", ")));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> CustomerValueDimensions(const std::string& dimension) {
  if (dimension.empty()) {
    return std::vector<std::string>(std::begin(kSegmentTraits), std::end(kSegmentTraits));
  }
  for (const char* d : kSegmentTraits) {
    if (dimension == d) return std::vector<std::string>{d};
  }
  return absl::InvalidArgumentError(absl::StrCat("dimension: \"", dimension, "\" is not one of ",
                                                 absl::StrJoin(kSegmentTraits, ", ")));
}

absl::StatusOr<Principal> MetricsServiceImpl::Prepare(const grpc::ServerContext& context,
                                                      absl::string_view method) const {
  HUB_ASSIGN_OR_RETURN(Principal who, Authorize(*auth_, context, method));
  if (flush_stages_) HUB_RETURN_IF_ERROR(flush_stages_());
  HUB_RETURN_IF_ERROR(CallAlive(context));  // the flush may have taken long
  return who;
}

absl::Status MetricsServiceImpl::CheckFilter(const Principal& who, absl::string_view field,
                                             const std::string& value) const {
  // A malformed segment or dimension is the handler's INVALID_ARGUMENT.
  if (masker_ == nullptr) return absl::OkStatus();
  if (field == "segment") {
    if (value.empty() || !CheckSegment(value).ok()) return absl::OkStatus();
    return masker_->CheckAccountTraitFilter(who.role, value.substr(0, value.find('=')), field);
  }
  absl::StatusOr<std::vector<std::string>> dimensions = CustomerValueDimensions(value);
  if (!dimensions.ok()) return absl::OkStatus();
  for (const std::string& d : *dimensions) {
    HUB_RETURN_IF_ERROR(masker_->CheckAccountTraitFilter(who.role, d, field));
  }
  return absl::OkStatus();
}

grpc::Status MetricsServiceImpl::Finish(const Principal& who,
                                        const google::protobuf::Message& request,
                                        const absl::Status& status) const {
  if (masker_ == nullptr) return ToGrpcStatus(status);
  return ToGrpcStatus(masker_->ScrubError(who.role, status, request));
}

grpc::Status MetricsServiceImpl::ListStageTransitions(
    grpc::ServerContext* context, const hub::v1::ListStageTransitionsRequest* request,
    hub::v1::ListStageTransitionsResponse* response) {
  absl::StatusOr<Principal> who = Prepare(*context, "hub.v1.MetricsService/ListStageTransitions");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return Finish(*who, *request, ListTransitions(store_, *request, response));
}

grpc::Status MetricsServiceImpl::GetStageMetrics(grpc::ServerContext* context,
                                                 const hub::v1::GetStageMetricsRequest* request,
                                                 hub::v1::StageMetrics* response) {
  absl::StatusOr<Principal> who = Prepare(*context, "hub.v1.MetricsService/GetStageMetrics");
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::Status s = CheckFilter(*who, "segment", request->segment());
  if (!s.ok()) return ToGrpcStatus(s);
  return Finish(*who, *request, StageMetricsOf(store_, *request, response));
}

grpc::Status MetricsServiceImpl::GetCustomerValue(grpc::ServerContext* context,
                                                  const hub::v1::GetCustomerValueRequest* request,
                                                  hub::v1::CustomerValue* response) {
  absl::StatusOr<Principal> who = Prepare(*context, "hub.v1.MetricsService/GetCustomerValue");
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::Status s = CheckFilter(*who, "dimension", request->dimension());
  if (!s.ok()) return ToGrpcStatus(s);
  return Finish(*who, *request, CustomerValueOf(store_, *request, response));
}

grpc::Status MetricsServiceImpl::GetFunnel(grpc::ServerContext* context,
                                           const hub::v1::GetFunnelRequest* request,
                                           hub::v1::Funnel* response) {
  absl::StatusOr<Principal> who = Prepare(*context, "hub.v1.MetricsService/GetFunnel");
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::Status s = CheckFilter(*who, "segment", request->segment());
  if (!s.ok()) return ToGrpcStatus(s);
  return Finish(*who, *request, Funnel(store_, *request, response));
}

}  // namespace hub
