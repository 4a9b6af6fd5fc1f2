#include "hub/permissions.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "hub/v1/governance_service.grpc.pb.h"
#include "hub/v1/metrics_service.grpc.pb.h"
#include "hub/v1/profile_service.grpc.pb.h"
#include "hub/v1/sync_service.grpc.pb.h"

namespace hub {
namespace {

// Every RPC of the hub.v1 services, "hub.v1.ProfileService/GetProfile".
std::vector<std::string> AllMethods() {
  std::vector<std::string> out;
  for (const char* name :
       {hub::v1::ProfileService::service_full_name(), hub::v1::MetricsService::service_full_name(),
        hub::v1::SyncService::service_full_name(),
        hub::v1::GovernanceService::service_full_name()}) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    for (int i = 0; i < service->method_count(); ++i) {
      out.push_back(service->full_name() + "/" + service->method(i)->name());
    }
  }
  return out;
}

// The RPCs `role` may call, without the "hub.v1." prefix.
std::set<std::string> CallableBy(absl::string_view role) {
  std::set<std::string> out;
  for (const std::string& method : AllMethods()) {
    for (absl::string_view r : AllowedRoles(method)) {
      if (r == role) out.insert(method.substr(7));
    }
  }
  return out;
}

const std::set<std::string> kProfileReads = {
    "ProfileService/GetProfile",         "ProfileService/LookupProfile",
    "ProfileService/BatchGetProfiles",
    "ProfileService/ListProfiles",       "ProfileService/ListProfileEvents",
    "ProfileService/GetAccount",         "ProfileService/ListAccounts",
    "ProfileService/ListAccountMembers", "ProfileService/WatchProfileChanges"};

TEST(PermissionsTest, EveryRpcHasARowOfKnownRolesThatAdminIsIn) {
  for (const std::string& method : AllMethods()) {
    const std::vector<absl::string_view>& roles = AllowedRoles(method);
    EXPECT_NE(std::find(roles.begin(), roles.end(), "admin"), roles.end()) << method;
    for (absl::string_view role : roles) EXPECT_TRUE(IsRole(role)) << method << ": " << role;
  }
  EXPECT_EQ(CallableBy("admin").size(), AllMethods().size());
}

TEST(PermissionsTest, EachRoleCallsWhatDesignSection7Gives) {
  std::set<std::string> service = kProfileReads;
  service.insert("GovernanceService/GetConsent");  // to honour a person's choices
  EXPECT_EQ(CallableBy("service"), service);
  std::set<std::string> analyst = kProfileReads;
  analyst.insert({"MetricsService/ListStageTransitions", "MetricsService/GetFunnel",
                  "MetricsService/GetStageMetrics", "MetricsService/GetCustomerValue"});
  EXPECT_EQ(CallableBy("analyst"), analyst);
  std::set<std::string> steward = kProfileReads;
  steward.insert({"ProfileService/ListIdentityRefusals", "ProfileService/MergeProfiles",
                  "ProfileService/UnmergeProfile", "ProfileService/ListMerges",
                  "ProfileService/AddDoNotLink", "ProfileService/ListMergeSuggestions",
                  "ProfileService/AcceptMergeSuggestion",
                  "ProfileService/RejectMergeSuggestion",
                  "GovernanceService/ListAuditEntries", "GovernanceService/VerifyAuditLog",
                  "GovernanceService/ListQuarantine", "GovernanceService/ReleaseQuarantine",
                  "GovernanceService/DiscardQuarantine", "GovernanceService/EraseSubject",
                  "GovernanceService/ExportSubject"});
  steward.insert({"GovernanceService/GetConsent", "GovernanceService/SetConsent"});
  // Retention: legal holds, and purges of what the configured policy expires.
  steward.insert({"GovernanceService/PlaceLegalHold", "GovernanceService/ReleaseLegalHold",
                  "GovernanceService/ListLegalHolds", "GovernanceService/PurgeExpired"});
  EXPECT_EQ(CallableBy("steward"), steward);
  EXPECT_EQ(CallableBy("sync"),
            (std::set<std::string>{"SyncService/GetSourceCursor", "SyncService/IngestRecords",
                                   "SyncService/RunSync", "SyncService/GetSyncJob"}));
}

TEST(PermissionsTest, AnUnlistedMethodIsAllowedToNobody) {
  EXPECT_TRUE(AllowedRoles("hub.v1.ProfileService/NoSuchRpc").empty());
  EXPECT_TRUE(AllowedRoles("").empty());
  EXPECT_FALSE(IsRole("root"));
  EXPECT_FALSE(IsRole("Admin"));
}

// A SyncService whose GetSource only authorizes, so that Authorize sees a
// real call's metadata.
class AuthorizingService final : public hub::v1::SyncService::Service {
 public:
  explicit AuthorizingService(const Authenticator* auth) : auth_(auth) {}
  grpc::Status GetSource(grpc::ServerContext* context, const hub::v1::GetSourceRequest*,
                         hub::v1::Source* response) override {
    absl::StatusOr<Principal> who = Authorize(*auth_, *context, "hub.v1.SyncService/GetSource");
    if (!who.ok()) {
      return grpc::Status(static_cast<grpc::StatusCode>(who.status().code()),
                          std::string(who.status().message()));
    }
    response->set_name(who->name + "/" + who->role);
    return grpc::Status::OK;
  }

 private:
  const Authenticator* auth_;
};

TEST(PermissionsTest, AuthorizeAuthenticatesThenChecksTheRole) {
  Authenticator auth({TokenRecord{Sha256Hex("admin-token"), "ops", "admin"},
                      TokenRecord{Sha256Hex("analyst-token"), "ana", "analyst"}});
  AuthorizingService service(&auth);
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  auto stub = hub::v1::SyncService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  auto call = [&](const std::string& authorization, hub::v1::Source* out) {
    grpc::ClientContext ctx;
    if (!authorization.empty()) ctx.AddMetadata("authorization", authorization);
    return stub->GetSource(&ctx, hub::v1::GetSourceRequest(), out);
  };
  hub::v1::Source source;
  grpc::Status s = call("Bearer admin-token", &source);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(source.name(), "ops/admin");

  s = call("Bearer analyst-token", &source);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message(),
            "role \"analyst\" of ana may not call hub.v1.SyncService/GetSource "
            "(allowed: admin)");

  s = call("", &source);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(s.error_message(), "missing \"authorization: Bearer <token>\" metadata");
  s = call("Bearer wrong-token", &source);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(s.error_message(), "invalid token");
  s = call("Basic admin-token", &source);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  server->Shutdown();
}

}  // namespace
}  // namespace hub
