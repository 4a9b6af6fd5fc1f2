// GovernanceService's consent handlers (profile/consent/consent.h).
#include "hub/governance_service.h"

#include "absl/strings/str_cat.h"
#include "hub/permissions.h"
#include "hub/status_util.h"
#include "profile/base/status_macros.h"
#include "profile/consent/consent.h"

namespace hub {
namespace {

template <typename Request>
ConsentSubject SubjectOf(const Request& req) {
  return ConsentSubject{req.name(), req.identifier_type(), req.identifier_value()};
}

absl::Status FillConsent(Store* store, const ConsentPolicy& policy, int64_t live,
                         hub::v1::ProfileConsent* resp) {
  HUB_ASSIGN_OR_RETURN(std::vector<ConsentSignal> signals, store->ConsentSignalsOf({live}));
  resp->set_name(absl::StrCat("profiles/", live));
  for (hub::v1::Consent& c : ConsentsOf(policy, signals, /*with_evidence=*/true)) {
    *resp->add_consents() = std::move(c);
  }
  return absl::OkStatus();
}

absl::Status Get(Store* store, const ConsentPolicy& policy, const hub::v1::GetConsentRequest& req,
                 hub::v1::ProfileConsent* resp) {
  HUB_ASSIGN_OR_RETURN(int64_t live, FindConsentSubject(store, SubjectOf(req)));
  return FillConsent(store, policy, live, resp);
}

absl::Status Set(Store* store, const ConsentPolicy& policy, const Principal& who,
                 const hub::v1::SetConsentRequest& req, hub::v1::ProfileConsent* resp) {
  HUB_ASSIGN_OR_RETURN(ConsentChange change,
                       SetConsent(store, policy, SubjectOf(req), req.purpose(), req.state(),
                                  ActorOf(who, req)));
  resp->set_audit_sequence(change.audit_seq);
  return FillConsent(store, policy, change.profile_id, resp);
}

}  // namespace

grpc::Status GovernanceServiceImpl::GetConsent(grpc::ServerContext* context,
                                               const hub::v1::GetConsentRequest* request,
                                               hub::v1::ProfileConsent* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.GovernanceService/GetConsent");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(Get(store_, consent_, *request, response));
}

grpc::Status GovernanceServiceImpl::SetConsent(grpc::ServerContext* context,
                                               const hub::v1::SetConsentRequest* request,
                                               hub::v1::ProfileConsent* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.GovernanceService/SetConsent");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(Set(store_, consent_, *who, *request, response));
}

}  // namespace hub
