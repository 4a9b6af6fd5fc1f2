// The gRPC GovernanceService: the audit log (profile/store/audit_chain.h),
// the quarantine (profile/ingest/quarantine.h), erasure, subject export and
// retention (profile/ingest/retention.h; handlers in governance_retention.cc).
#ifndef HUB_HUB_GOVERNANCE_SERVICE_H_
#define HUB_HUB_GOVERNANCE_SERVICE_H_

#include <utility>

#include "hub/auth.h"
#include "hub/v1/governance_service.grpc.pb.h"
#include "profile/consent/consent_policy.h"
#include "profile/ingest/ingester.h"
#include "profile/ingest/retention.h"
#include "profile/store/store.h"

namespace hub {

// Thread-safe; the store, ingester (which releases quarantined records) and
// authenticator must outlive the service. Only admins and stewards may call
// it.
class GovernanceServiceImpl final : public hub::v1::GovernanceService::Service {
 public:
  // `retention`: what PurgeExpired purges (empty: it refuses).
  GovernanceServiceImpl(Store* store, Ingester* ingester, const Authenticator* auth,
                        RetentionPolicy retention = {})
      : store_(store), ingester_(ingester), auth_(auth), retention_(std::move(retention)) {}

  grpc::Status ListAuditEntries(grpc::ServerContext* context,
                                const hub::v1::ListAuditEntriesRequest* request,
                                hub::v1::ListAuditEntriesResponse* response) override;
  grpc::Status VerifyAuditLog(grpc::ServerContext* context,
                              const hub::v1::VerifyAuditLogRequest* request,
                              hub::v1::VerifyAuditLogResponse* response) override;
  grpc::Status ListQuarantine(grpc::ServerContext* context,
                              const hub::v1::ListQuarantineRequest* request,
                              hub::v1::ListQuarantineResponse* response) override;
  grpc::Status ReleaseQuarantine(grpc::ServerContext* context,
                                 const hub::v1::ReleaseQuarantineRequest* request,
                                 hub::v1::ReleaseQuarantineResponse* response) override;
  grpc::Status DiscardQuarantine(grpc::ServerContext* context,
                                 const hub::v1::DiscardQuarantineRequest* request,
                                 hub::v1::QuarantinedRecord* response) override;
  grpc::Status EraseSubject(grpc::ServerContext* context,
                            const hub::v1::EraseSubjectRequest* request,
                            hub::v1::ErasureReceipt* response) override;
  grpc::Status ExportSubject(grpc::ServerContext* context,
                             const hub::v1::ExportSubjectRequest* request,
                             hub::v1::SubjectExport* response) override;
  // In governance_consent.cc.
  grpc::Status GetConsent(grpc::ServerContext* context,
                          const hub::v1::GetConsentRequest* request,
                          hub::v1::ProfileConsent* response) override;
  grpc::Status SetConsent(grpc::ServerContext* context,
                          const hub::v1::SetConsentRequest* request,
                          hub::v1::ProfileConsent* response) override;

  // The consent purposes and merge rule (default: ConsentPolicy::Default()).
  // Not thread-safe: call before serving.
  void set_consent_policy(ConsentPolicy policy) { consent_ = std::move(policy); }

  // Retention (hub/governance_retention.cc).
  grpc::Status PlaceLegalHold(grpc::ServerContext* context,
                              const hub::v1::PlaceLegalHoldRequest* request,
                              hub::v1::LegalHold* response) override;
  grpc::Status ReleaseLegalHold(grpc::ServerContext* context,
                                const hub::v1::ReleaseLegalHoldRequest* request,
                                hub::v1::LegalHold* response) override;
  grpc::Status ListLegalHolds(grpc::ServerContext* context,
                              const hub::v1::ListLegalHoldsRequest* request,
                              hub::v1::ListLegalHoldsResponse* response) override;
  grpc::Status PurgeExpired(grpc::ServerContext* context,
                            const hub::v1::PurgeExpiredRequest* request,
                            hub::v1::PurgeExpiredResponse* response) override;

 private:
  Store* store_;
  Ingester* ingester_;
  const Authenticator* auth_;
  ConsentPolicy consent_ = ConsentPolicy::Default();
  const RetentionPolicy retention_;
};

// Runs a retention purge on `policy` as hubd's schedule does (confirmed,
// actor "hubd" with role "system", reason "retention schedule"; no audit
// entry when nothing expired), after applying pending stage work.
// `cancel`, if notified, stops it between transactions.
absl::StatusOr<PurgeReport> RunScheduledPurge(Store* store, Ingester* ingester,
                                              const RetentionPolicy& policy,
                                              const absl::Notification* cancel = nullptr);

}  // namespace hub

#endif  // HUB_HUB_GOVERNANCE_SERVICE_H_
