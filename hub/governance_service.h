// The gRPC GovernanceService: the audit log (profile/store/audit_chain.h).
#ifndef HUB_HUB_GOVERNANCE_SERVICE_H_
#define HUB_HUB_GOVERNANCE_SERVICE_H_

#include "hub/auth.h"
#include "hub/v1/governance_service.grpc.pb.h"
#include "profile/store/store.h"

namespace hub {

// Thread-safe; the store and authenticator must outlive the service. Only
// admins and stewards may read the audit log.
class GovernanceServiceImpl final : public hub::v1::GovernanceService::Service {
 public:
  GovernanceServiceImpl(Store* store, const Authenticator* auth)
      : store_(store), auth_(auth) {}

  grpc::Status ListAuditEntries(grpc::ServerContext* context,
                                const hub::v1::ListAuditEntriesRequest* request,
                                hub::v1::ListAuditEntriesResponse* response) override;
  grpc::Status VerifyAuditLog(grpc::ServerContext* context,
                              const hub::v1::VerifyAuditLogRequest* request,
                              hub::v1::VerifyAuditLogResponse* response) override;

 private:
  Store* store_;
  const Authenticator* auth_;
};

}  // namespace hub

#endif  // HUB_HUB_GOVERNANCE_SERVICE_H_
