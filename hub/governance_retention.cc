// GovernanceService's retention RPCs: legal holds and PurgeExpired.
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "hub/api_util.h"
#include "hub/governance_service.h"
#include "hub/idempotency.h"
#include "hub/permissions.h"
#include "hub/status_util.h"
#include "profile/base/status_macros.h"
#include "profile/base/time_util.h"

namespace hub {
namespace {

const StageRules& RulesOf(Ingester* ingester) {
  static const auto* kDefault = new StageRules(StageRules::Default());
  return ingester->stage_rules() != nullptr ? *ingester->stage_rules() : *kDefault;
}

absl::StatusOr<hub::v1::LegalHold> ToProto(Store* store, const LegalHold& h) {
  hub::v1::LegalHold out;
  out.set_name(absl::StrCat("legalHolds/", h.seq));
  out.set_profile(absl::StrCat("profiles/", h.profile_id));
  HUB_ASSIGN_OR_RETURN(int64_t live, store->ResolveId(Side::kPerson, h.profile_id));
  out.set_holds(absl::StrCat("profiles/", live));
  out.set_subject(h.subject);
  out.set_reason(h.reason);
  out.set_placed_by(h.who);
  *out.mutable_place_time() = ToProtoTime(absl::FromUnixMicros(h.at_us));
  return out;
}

absl::Status Place(Store* store, const Principal& who, const hub::v1::PlaceLegalHoldRequest& req,
                   hub::v1::LegalHold* resp) {
  int64_t id = 0;
  if (!req.profile().empty()) {
    HUB_ASSIGN_OR_RETURN(id, ParseIdName(req.profile(), "profiles", "profile"));
  } else if (req.identifier_type().empty() || req.identifier_value().empty()) {
    return absl::InvalidArgumentError(
        "profile: required, or identifier_type and identifier_value");
  }
  HUB_ASSIGN_OR_RETURN(LegalHold hold, PlaceLegalHold(store, id, req.identifier_type(),
                                                      req.identifier_value(), ActorOf(who, req)));
  HUB_ASSIGN_OR_RETURN(*resp, ToProto(store, hold));
  return absl::OkStatus();
}

absl::Status Release(Store* store, const Principal& who,
                     const hub::v1::ReleaseLegalHoldRequest& req, hub::v1::LegalHold* resp) {
  HUB_ASSIGN_OR_RETURN(int64_t seq, ParseIdName(req.name(), "legalHolds", "name"));
  HUB_ASSIGN_OR_RETURN(LegalHold hold, ReleaseLegalHold(store, seq, ActorOf(who, req)));
  HUB_ASSIGN_OR_RETURN(*resp, ToProto(store, hold));
  return absl::OkStatus();
}

absl::Status List(Store* store, hub::v1::ListLegalHoldsResponse* resp) {
  HUB_ASSIGN_OR_RETURN(std::vector<LegalHold> holds, store->ListLegalHolds());
  for (const LegalHold& h : holds) {
    HUB_ASSIGN_OR_RETURN(*resp->add_holds(), ToProto(store, h));
  }
  return absl::OkStatus();
}

void AddClass(absl::string_view name, const ClassPurge& c, hub::v1::PurgeExpiredResponse* resp) {
  hub::v1::PurgedClass* out = resp->add_classes();
  out->set_data_class(std::string(name));
  out->set_applies(c.applies);
  if (c.applies && c.cutoff_us != 0) {
    *out->mutable_cutoff_time() = ToProtoTime(absl::FromUnixMicros(c.cutoff_us));
  }
  out->set_purged(c.purged);
  out->set_held(c.held);
}

void ToProto(const PurgeReport& r, hub::v1::PurgeExpiredResponse* resp) {
  AddClass("raw_payloads", r.raw_payloads, resp);
  AddClass("events", r.events, resp);
  AddClass("quarantine", r.quarantine, resp);
  AddClass("audit", r.audit, resp);
  std::map<std::string, hub::v1::PurgedEventType> types;
  for (const auto& [type, n] : r.events_by_type) types[type].set_purged(n);
  for (const auto& [type, cutoff] : r.event_type_cutoff_us) {
    *types[type].mutable_cutoff_time() = ToProtoTime(absl::FromUnixMicros(cutoff));
  }
  for (auto& [type, t] : types) {
    t.set_event_type(type);
    *resp->add_event_types() = std::move(t);
  }
  resp->set_confirmed(r.confirmed);
  resp->set_transactions(r.transactions);
  resp->set_audit_sequence(r.last_audit_seq);
}

absl::Status Purge(Store* store, Ingester* ingester, const RetentionPolicy& policy,
                   const Principal& who, const hub::v1::PurgeExpiredRequest& req,
                   const grpc::ServerContext& context, hub::v1::PurgeExpiredResponse* resp) {
  if (policy.empty()) {
    return absl::FailedPreconditionError(
        "no retention configured (HubConfig.retention): everything is kept");
  }
  if (req.confirm() && req.reason().empty()) {
    return absl::InvalidArgumentError("reason: required to purge (e.g. the policy's ticket)");
  }
  // Pending stage notes may name events about to go: applied first.
  HUB_RETURN_IF_ERROR(ingester->FlushStages());
  PurgeOptions options;
  options.now = absl::Now();
  options.confirm = req.confirm();
  options.flush_stages = [ingester] { return ingester->FlushStages(); };
  // A dead call stops between batches: each batch committed with its audit
  // entry stands, the rest waits for the next purge.
  options.alive = [&context] { return CallAlive(context); };
  HUB_ASSIGN_OR_RETURN(PurgeReport report, PurgeExpired(store, RulesOf(ingester), policy,
                                                        options, ActorOf(who, req)));
  ToProto(report, resp);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PurgeReport> RunScheduledPurge(Store* store, Ingester* ingester,
                                              const RetentionPolicy& policy,
                                              const absl::Notification* cancel) {
  HUB_RETURN_IF_ERROR(ingester->FlushStages());
  PurgeOptions options;
  options.now = absl::Now();
  options.confirm = true;
  options.audit_when_empty = false;
  options.cancel = cancel;
  options.flush_stages = [ingester] { return ingester->FlushStages(); };
  return PurgeExpired(store, RulesOf(ingester), policy, options,
                      Actor{"hubd", "system", "retention schedule", ""});
}

grpc::Status GovernanceServiceImpl::PlaceLegalHold(grpc::ServerContext* context,
                                                   const hub::v1::PlaceLegalHoldRequest* request,
                                                   hub::v1::LegalHold* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.GovernanceService/PlaceLegalHold");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(AtMostOnce(store_, *who, *request, request->request_id(), response,
                                 [&](const Principal& caller) {
                                   return Place(store_, caller, *request, response);
                                 }));
}

grpc::Status GovernanceServiceImpl::ReleaseLegalHold(
    grpc::ServerContext* context, const hub::v1::ReleaseLegalHoldRequest* request,
    hub::v1::LegalHold* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.GovernanceService/ReleaseLegalHold");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(AtMostOnce(store_, *who, *request, request->request_id(), response,
                                 [&](const Principal& caller) {
                                   return Release(store_, caller, *request, response);
                                 }));
}

grpc::Status GovernanceServiceImpl::ListLegalHolds(grpc::ServerContext* context,
                                                   const hub::v1::ListLegalHoldsRequest*,
                                                   hub::v1::ListLegalHoldsResponse* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.GovernanceService/ListLegalHolds");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(List(store_, response));
}

grpc::Status GovernanceServiceImpl::PurgeExpired(grpc::ServerContext* context,
                                                 const hub::v1::PurgeExpiredRequest* request,
                                                 hub::v1::PurgeExpiredResponse* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.GovernanceService/PurgeExpired");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(Purge(store_, ingester_, retention_, *who, *request, *context, response));
}

}  // namespace hub
