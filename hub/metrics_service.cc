#include "hub/metrics_service.h"

#include <algorithm>
#include <limits>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "hub/api_util.h"
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

absl::Status Funnel(Store* store, const hub::v1::GetFunnelRequest& req, hub::v1::Funnel* resp) {
  Side side;
  switch (req.side()) {
    case hub::v1::PERSONS: side = Side::kPerson; break;
    case hub::v1::ACCOUNTS: side = Side::kAccount; break;
    default: return absl::InvalidArgumentError("side: required (PERSONS or ACCOUNTS)");
  }
  if (!req.has_period()) return absl::InvalidArgumentError("period: required");
  HUB_ASSIGN_OR_RETURN(int64_t from, DayBound(req.period(), true));
  HUB_ASSIGN_OR_RETURN(int64_t to, DayBound(req.period(), false));
  if (to <= from) {
    return absl::InvalidArgumentError("period: end_time must be after start_time");
  }
  if (!req.segment().empty()) {
    std::pair<std::string, std::string> kv = absl::StrSplit(req.segment(), absl::MaxSplits('=', 1));
    bool known = false;
    for (const char* name : kSegmentTraits) known = known || kv.first == name;
    if (!known || kv.second.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "segment: \"", req.segment(), "\" is not industry=<value>, tier=<value> or region=<value>"));
    }
  }
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
    if (s.left > 0) {
      // The values at 0-based ranks (left-1)/2 and left/2: equal when odd.
      const int64_t lo_rank = (s.left - 1) / 2, hi_rank = s.left / 2;
      int64_t seen = 0, lo = -1, hi = -1;
      for (const auto& [days, n] : s.stay) {
        if (lo < 0 && seen + n > lo_rank) lo = days;
        if (hi < 0 && seen + n > hi_rank) hi = days;
        seen += n;
      }
      out->set_median_days_in_stage((lo + hi) / 2.0);
    }
  }
  return funnel;
}

grpc::Status MetricsServiceImpl::ListStageTransitions(
    grpc::ServerContext* context, const hub::v1::ListStageTransitionsRequest* request,
    hub::v1::ListStageTransitionsResponse* response) {
  absl::StatusOr<Principal> who = auth_->Authenticate(*context);
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(ListTransitions(store_, *request, response));
}

grpc::Status MetricsServiceImpl::GetFunnel(grpc::ServerContext* context,
                                           const hub::v1::GetFunnelRequest* request,
                                           hub::v1::Funnel* response) {
  absl::StatusOr<Principal> who = auth_->Authenticate(*context);
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(Funnel(store_, *request, response));
}

}  // namespace hub
