// The gRPC ProfileService: thin handlers over the Store.
#ifndef HUB_HUB_PROFILE_SERVICE_H_
#define HUB_HUB_PROFILE_SERVICE_H_

#include "absl/synchronization/notification.h"
#include "hub/auth.h"
#include "hub/masking.h"
#include "hub/read_auditor.h"
#include "hub/v1/profile_service.grpc.pb.h"
#include "profile/consent/consent_policy.h"
#include "profile/identity/merge_ledger.h"
#include "profile/store/store.h"

namespace hub {

// A merge ledger entry as the API shows it.
hub::v1::MergeLedgerEntry ToProto(const MergeEntry& e);

// Each handler authenticates, validates the request, calls the store (or the
// merge ledger) and converts the status. Every read of profile or account
// data is masked for the caller's role by `masker` and, where it shows
// personal data unmasked, noted in `reads` (the audit). Thread-safe; the
// store, ledger, authenticator, masker and auditor must outlive the service.
// GetProfile and LookupProfile, the hot reads, run on gRPC's callback API:
// the handler runs on the thread that received the call, with no handoff to
// a pool thread (bench/RESULTS.md, "Serving"). The rest are synchronous.
using ProfileServiceBase = hub::v1::ProfileService::WithCallbackMethod_GetProfile<
    hub::v1::ProfileService::WithCallbackMethod_LookupProfile<hub::v1::ProfileService::Service>>;

class ProfileServiceImpl final : public ProfileServiceBase {
 public:
  ProfileServiceImpl(Store* store, MergeLedger* ledger, const Authenticator* auth,
                     const Masker* masker, ReadAuditor* reads)
      : store_(store), ledger_(ledger), auth_(auth), masker_(masker), reads_(reads) {}

  grpc::ServerUnaryReactor* GetProfile(grpc::CallbackServerContext* context,
                                       const hub::v1::GetProfileRequest* request,
                                       hub::v1::Profile* response) override;
  grpc::ServerUnaryReactor* LookupProfile(grpc::CallbackServerContext* context,
                                          const hub::v1::LookupProfileRequest* request,
                                          hub::v1::Profile* response) override;
  grpc::Status BatchGetProfiles(grpc::ServerContext* context,
                                const hub::v1::BatchGetProfilesRequest* request,
                                hub::v1::BatchGetProfilesResponse* response) override;
  grpc::Status ListProfiles(grpc::ServerContext* context,
                            const hub::v1::ListProfilesRequest* request,
                            hub::v1::ListProfilesResponse* response) override;
  grpc::Status ListProfileEvents(
      grpc::ServerContext* context,
      const hub::v1::ListProfileEventsRequest* request,
      hub::v1::ListProfileEventsResponse* response) override;
  grpc::Status GetAccount(grpc::ServerContext* context,
                          const hub::v1::GetAccountRequest* request,
                          hub::v1::Account* response) override;
  grpc::Status ListAccounts(grpc::ServerContext* context,
                            const hub::v1::ListAccountsRequest* request,
                            hub::v1::ListAccountsResponse* response) override;
  grpc::Status ListAccountMembers(
      grpc::ServerContext* context,
      const hub::v1::ListAccountMembersRequest* request,
      hub::v1::ListAccountMembersResponse* response) override;
  grpc::Status ListIdentityRefusals(
      grpc::ServerContext* context,
      const hub::v1::ListIdentityRefusalsRequest* request,
      hub::v1::ListIdentityRefusalsResponse* response) override;
  grpc::Status MergeProfiles(grpc::ServerContext* context,
                             const hub::v1::MergeProfilesRequest* request,
                             hub::v1::MergeProfilesResponse* response) override;
  grpc::Status UnmergeProfile(grpc::ServerContext* context,
                              const hub::v1::UnmergeProfileRequest* request,
                              hub::v1::UnmergeProfileResponse* response) override;
  grpc::Status ListMerges(grpc::ServerContext* context,
                          const hub::v1::ListMergesRequest* request,
                          hub::v1::ListMergesResponse* response) override;
  grpc::Status AddDoNotLink(grpc::ServerContext* context,
                            const hub::v1::AddDoNotLinkRequest* request,
                            hub::v1::DoNotLink* response) override;
  grpc::Status ListMergeSuggestions(
      grpc::ServerContext* context,
      const hub::v1::ListMergeSuggestionsRequest* request,
      hub::v1::ListMergeSuggestionsResponse* response) override;
  grpc::Status AcceptMergeSuggestion(
      grpc::ServerContext* context,
      const hub::v1::DecideMergeSuggestionRequest* request,
      hub::v1::MergeSuggestion* response) override;
  grpc::Status RejectMergeSuggestion(
      grpc::ServerContext* context,
      const hub::v1::DecideMergeSuggestionRequest* request,
      hub::v1::MergeSuggestion* response) override;
  grpc::Status WatchProfileChanges(
      grpc::ServerContext* context, const hub::v1::WatchProfileChangesRequest* request,
      grpc::ServerWriter<hub::v1::ProfileChange>* writer) override;

  // Ends every WatchProfileChanges stream (UNAVAILABLE) within one poll
  // interval; they would otherwise hold a server shutdown to its deadline.
  void BeginShutdown() { stopping_.Notify(); }

  // The consent purposes reads may declare, and the merge rule (default:
  // ConsentPolicy::Default()). Not thread-safe: call before serving.
  void set_consent_policy(ConsentPolicy policy) { consent_ = std::move(policy); }

 private:
  // The end of every read: on success masks `response` for `who` and notes
  // an unmasked read; on an error, scrubs its message for a masked role.
  // GetProfile, LookupProfile and BatchGetProfiles once the profile's id
  // is known: the profile with its lineage and consent, if it has consent
  // for `purpose` (when given), trimmed to `read_mask`. The caller has
  // checked both (CheckReadOptions).
  absl::Status ReadProfile(const absl::StatusOr<int64_t>& id, const std::string& purpose,
                           const google::protobuf::FieldMask& read_mask,
                           hub::v1::Profile* response) const;
  template <typename Response>
  grpc::Status Respond(const Principal& who, absl::string_view method,
                       const google::protobuf::Message& request, const absl::Status& status,
                       Response* response) const;

  Store* store_;
  MergeLedger* ledger_;
  const Authenticator* auth_;
  const Masker* masker_;
  ReadAuditor* reads_;
  absl::Notification stopping_;
  ConsentPolicy consent_ = ConsentPolicy::Default();
};

}  // namespace hub

#endif  // HUB_HUB_PROFILE_SERVICE_H_
