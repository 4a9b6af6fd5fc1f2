#include "hub/governance_service.h"

#include "absl/time/time.h"
#include "hub/api_util.h"
#include "hub/idempotency.h"
#include "hub/permissions.h"
#include "hub/status_util.h"
#include "profile/base/status_macros.h"
#include "profile/base/time_util.h"
#include "profile/ingest/erasure.h"
#include "hub/profile_service.h"
#include "profile/ingest/quarantine.h"
#include "profile/ingest/subject_export.h"

namespace hub {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
constexpr absl::string_view kAuditTag = "audit";
constexpr absl::string_view kQuarantineTag = "quarantine";

hub::v1::QuarantinedRecord ToProto(QuarantineEntry e) {
  hub::v1::QuarantinedRecord out;
  out.set_name(absl::StrCat("quarantine/", e.seq));
  *out.mutable_record() = std::move(e.record);
  out.set_reason(std::move(e.reason));
  *out.mutable_quarantine_time() = ToProtoTime(absl::FromUnixMicros(e.at_us));
  return out;
}

absl::Status ListQuarantined(Store* store, const hub::v1::ListQuarantineRequest& req,
                             hub::v1::ListQuarantineResponse* resp) {
  HUB_ASSIGN_OR_RETURN(int size, PageSize(req.page_size(), kDefaultPageSize, kMaxPageSize));
  int64_t after = 0;
  if (!req.page_token().empty()) {
    HUB_ASSIGN_OR_RETURN(std::vector<int64_t> v,
                         DecodePageToken(req.page_token(), kQuarantineTag, 1));
    after = v[0];
  }
  HUB_ASSIGN_OR_RETURN(std::vector<QuarantineEntry> rows, store->ListQuarantine(after, size + 1));
  const bool more = static_cast<int>(rows.size()) > size;
  if (more) rows.pop_back();
  const int64_t last = rows.empty() ? 0 : rows.back().seq;
  for (QuarantineEntry& e : rows) *resp->add_records() = ToProto(std::move(e));
  if (more) resp->set_next_page_token(EncodePageToken(kQuarantineTag, {last}));
  return absl::OkStatus();
}

absl::Status Release(Ingester* ingester, Store* store, const Principal& who,
                     const hub::v1::ReleaseQuarantineRequest& req,
                     hub::v1::ReleaseQuarantineResponse* resp) {
  HUB_ASSIGN_OR_RETURN(int64_t seq, ParseIdName(req.name(), "quarantine", "name"));
  std::optional<hub::v1::SourceRecord> corrected;
  if (req.has_record()) corrected = req.record();
  HUB_ASSIGN_OR_RETURN(
      IngestStats stats,
      ReleaseQuarantined(ingester, store, seq, corrected,
                         ActorOf(who, req)));
  resp->set_ingested(stats.ingested > 0);
  return absl::OkStatus();
}

absl::Status Discard(Store* store, const Principal& who,
                     const hub::v1::DiscardQuarantineRequest& req,
                     hub::v1::QuarantinedRecord* resp) {
  HUB_ASSIGN_OR_RETURN(int64_t seq, ParseIdName(req.name(), "quarantine", "name"));
  if (req.validate_only()) {
    HUB_ASSIGN_OR_RETURN(QuarantineEntry e, GetQuarantined(store, seq));
    *resp = ToProto(std::move(e));
    return absl::OkStatus();
  }
  HUB_ASSIGN_OR_RETURN(
      QuarantineEntry e,
      DiscardQuarantined(store, seq, ActorOf(who, req)));
  *resp = ToProto(std::move(e));
  return absl::OkStatus();
}

hub::v1::AuditEntry ToProto(const AuditEntry& e) {
  hub::v1::AuditEntry out;
  out.set_sequence(e.seq);
  *out.mutable_time() = ToProtoTime(absl::FromUnixMicros(e.at_us));
  out.set_principal(e.actor.principal);
  out.set_role(e.actor.role);
  out.set_reason(e.actor.reason);
  out.set_request_id(e.actor.request_id);
  out.set_action(e.action);
  out.set_target(e.target);
  out.set_details(e.details);
  out.set_hash(e.hash);
  return out;
}

absl::Status ListEntries(Store* store, const hub::v1::ListAuditEntriesRequest& req,
                         hub::v1::ListAuditEntriesResponse* resp) {
  HUB_ASSIGN_OR_RETURN(int size, PageSize(req.page_size(), kDefaultPageSize, kMaxPageSize));
  int64_t after = 0;
  if (!req.page_token().empty()) {
    HUB_ASSIGN_OR_RETURN(std::vector<int64_t> v,
                         DecodePageToken(req.page_token(), kAuditTag, 1));
    after = v[0];
  }
  HUB_ASSIGN_OR_RETURN(std::vector<AuditEntry> rows, store->ListAudit(after, size + 1));
  const bool more = static_cast<int>(rows.size()) > size;
  if (more) rows.pop_back();
  for (const AuditEntry& e : rows) *resp->add_entries() = ToProto(e);
  if (more) resp->set_next_page_token(EncodePageToken(kAuditTag, {rows.back().seq}));
  return absl::OkStatus();
}

absl::Status Erase(Ingester* ingester, Store* store, const Principal& who,
                   const hub::v1::EraseSubjectRequest& req, const grpc::ServerContext& context,
                   hub::v1::ErasureReceipt* resp) {
  if (req.identifier_type().empty()) {
    return absl::InvalidArgumentError("identifier_type: required");
  }
  if (req.identifier_value().empty()) {
    return absl::InvalidArgumentError("identifier_value: required");
  }
  if (!req.validate_only() && req.reason().empty()) {
    return absl::InvalidArgumentError("reason: required to erase (e.g. the request's ticket)");
  }
  // Pending stage notes may name the subject's records: applied first.
  HUB_RETURN_IF_ERROR(ingester->FlushStages());
  // The flush may have taken long; the erasure is one transaction, all or
  // nothing, so this is the last point to give up.
  HUB_RETURN_IF_ERROR(CallAlive(context));
  HUB_ASSIGN_OR_RETURN(
      ErasureReceipt receipt,
      EraseSubject(store, ingester->stage_rules(), req.identifier_type(), req.identifier_value(),
                   ActorOf(who, req),
                   req.validate_only()));
  const ErasedProfile& e = receipt.erased;
  for (int64_t id : e.profiles) resp->add_profiles(absl::StrCat("profiles/", id));
  for (const auto& [type, value] : e.identifiers) {
    resp->add_identifiers(absl::StrCat(type, ":", value));
  }
  resp->set_records(e.records);
  resp->set_events(e.events);
  resp->set_traits(e.traits);
  resp->set_quarantined(e.quarantined);
  resp->set_ledger_entries(e.ledger_entries);
  resp->set_other(e.other);
  resp->set_audit_sequence(receipt.audit_seq);
  resp->set_validate_only(req.validate_only());
  return absl::OkStatus();
}

absl::Status Export(Store* store, const Principal& who, const hub::v1::ExportSubjectRequest& req,
                    const ConsentPolicy* consent, hub::v1::SubjectExport* resp) {
  if (req.identifier_type().empty()) {
    return absl::InvalidArgumentError("identifier_type: required");
  }
  if (req.identifier_value().empty()) {
    return absl::InvalidArgumentError("identifier_value: required");
  }
  HUB_ASSIGN_OR_RETURN(SubjectData data,
                       ExportSubject(store, req.identifier_type(), req.identifier_value(),
                                     ActorOf(who, req), consent));
  *resp->mutable_profile() = std::move(data.profile);
  for (hub::v1::SourceRecord& r : data.records) *resp->add_records() = std::move(r);
  for (const MergeEntry& e : data.merges) *resp->add_merges() = ToProto(e);
  return absl::OkStatus();
}

}  // namespace

grpc::Status GovernanceServiceImpl::ListAuditEntries(
    grpc::ServerContext* context, const hub::v1::ListAuditEntriesRequest* request,
    hub::v1::ListAuditEntriesResponse* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.GovernanceService/ListAuditEntries");
  if (!who.ok()) return ToGrpcStatus(who.status());
  if (absl::Status alive = CallAlive(*context); !alive.ok()) return ToGrpcStatus(alive);
  return ToGrpcStatus(ListEntries(store_, *request, response));
}

grpc::Status GovernanceServiceImpl::VerifyAuditLog(
    grpc::ServerContext* context, const hub::v1::VerifyAuditLogRequest* /*request*/,
    hub::v1::VerifyAuditLogResponse* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.GovernanceService/VerifyAuditLog");
  if (!who.ok()) return ToGrpcStatus(who.status());
  // One scan of the log; it is not interrupted, so do not start it late.
  if (absl::Status alive = CallAlive(*context); !alive.ok()) return ToGrpcStatus(alive);
  absl::StatusOr<AuditCheck> check = store_->VerifyAudit();
  if (!check.ok()) return ToGrpcStatus(check.status());
  response->set_intact(check->first_bad_seq == 0);
  response->set_entries(check->entries);
  response->set_first_bad_sequence(check->first_bad_seq);
  response->set_problem(check->problem);
  response->set_head_hash(check->head_hash);
  return grpc::Status::OK;
}

grpc::Status GovernanceServiceImpl::ListQuarantine(
    grpc::ServerContext* context, const hub::v1::ListQuarantineRequest* request,
    hub::v1::ListQuarantineResponse* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.GovernanceService/ListQuarantine");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(ListQuarantined(store_, *request, response));
}

grpc::Status GovernanceServiceImpl::ReleaseQuarantine(
    grpc::ServerContext* context, const hub::v1::ReleaseQuarantineRequest* request,
    hub::v1::ReleaseQuarantineResponse* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.GovernanceService/ReleaseQuarantine");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(AtMostOnce(store_, *who, *request, request->request_id(), response,
                                 [&](const Principal& caller) {
                                   return Release(ingester_, store_, caller, *request, response);
                                 }));
}

grpc::Status GovernanceServiceImpl::DiscardQuarantine(
    grpc::ServerContext* context, const hub::v1::DiscardQuarantineRequest* request,
    hub::v1::QuarantinedRecord* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.GovernanceService/DiscardQuarantine");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(AtMostOnce(store_, *who, *request, request->request_id(), response,
                                 [&](const Principal& caller) {
                                   return Discard(store_, caller, *request, response);
                                 }));
}

grpc::Status GovernanceServiceImpl::EraseSubject(grpc::ServerContext* context,
                                                 const hub::v1::EraseSubjectRequest* request,
                                                 hub::v1::ErasureReceipt* response) {
  absl::StatusOr<Principal> who = Authorize(*auth_, *context, "hub.v1.GovernanceService/EraseSubject");
  if (!who.ok()) return ToGrpcStatus(who.status());
  if (absl::Status alive = CallAlive(*context); !alive.ok()) return ToGrpcStatus(alive);
  // The receipt's identifiers go to the caller only: the hub keeps keyed
  // hashes of them, never the values.
  return ToGrpcStatus(AtMostOnce(
      store_, *who, *request, request->request_id(), response,
      [&](const Principal& caller) {
        return Erase(ingester_, store_, caller, *request, *context, response);
      },
      [](google::protobuf::Message* kept) {
        static_cast<hub::v1::ErasureReceipt*>(kept)->clear_identifiers();
      }));
}

grpc::Status GovernanceServiceImpl::ExportSubject(grpc::ServerContext* context,
                                                  const hub::v1::ExportSubjectRequest* request,
                                                  hub::v1::SubjectExport* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.GovernanceService/ExportSubject");
  if (!who.ok()) return ToGrpcStatus(who.status());
  if (absl::Status alive = CallAlive(*context); !alive.ok()) return ToGrpcStatus(alive);
  return ToGrpcStatus(Export(store_, *who, *request, &consent_, response));
}

}  // namespace hub
