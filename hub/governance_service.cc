#include "hub/governance_service.h"

#include "absl/time/time.h"
#include "hub/api_util.h"
#include "hub/status_util.h"
#include "profile/base/status_macros.h"
#include "profile/base/time_util.h"

namespace hub {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
constexpr absl::string_view kAuditTag = "audit";

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

// Who may read the audit log.
absl::Status Authorize(const Authenticator& auth, const grpc::ServerContext& context,
                       absl::string_view action) {
  HUB_ASSIGN_OR_RETURN(Principal who, auth.Authenticate(context));
  return RequireRole(who, action, {"admin", "steward"});
}

}  // namespace

grpc::Status GovernanceServiceImpl::ListAuditEntries(
    grpc::ServerContext* context, const hub::v1::ListAuditEntriesRequest* request,
    hub::v1::ListAuditEntriesResponse* response) {
  absl::Status allowed = Authorize(*auth_, *context, "read the audit log");
  if (!allowed.ok()) return ToGrpcStatus(allowed);
  return ToGrpcStatus(ListEntries(store_, *request, response));
}

grpc::Status GovernanceServiceImpl::VerifyAuditLog(
    grpc::ServerContext* context, const hub::v1::VerifyAuditLogRequest* /*request*/,
    hub::v1::VerifyAuditLogResponse* response) {
  absl::Status allowed = Authorize(*auth_, *context, "verify the audit log");
  if (!allowed.ok()) return ToGrpcStatus(allowed);
  absl::StatusOr<AuditCheck> check = store_->VerifyAudit();
  if (!check.ok()) return ToGrpcStatus(check.status());
  response->set_intact(check->first_bad_seq == 0);
  response->set_entries(check->entries);
  response->set_first_bad_sequence(check->first_bad_seq);
  response->set_problem(check->problem);
  response->set_head_hash(check->head_hash);
  return grpc::Status::OK;
}

}  // namespace hub
