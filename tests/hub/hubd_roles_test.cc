// The permission matrix against the real hubd: every RPC of every hub.v1
// service the server lists, called with no token, a bad token and a token
// of each role, answers UNAUTHENTICATED or PERMISSION_DENIED exactly where
// the permission table (hub/permissions.cc) says, and something else
// wherever it allows the call.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "gtest/gtest.h"
#include "hub/permissions.h"
#include "hub/v1/governance_service.grpc.pb.h"
#include "hub/v1/metrics_service.grpc.pb.h"
#include "hub/v1/profile_service.grpc.pb.h"
#include "hub/v1/sync_service.grpc.pb.h"
#include "tests/support/hubd_process.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::HubdProcess;
using testing_support::TempDir;

std::string TokenOf(absl::string_view role) { return absl::StrCat("roles-test-", role); }

// The hub.v1 services `channel`'s server lists through reflection.
std::vector<std::string> ListedHubServices(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = grpc::reflection::v1alpha::ServerReflection::NewStub(channel);
  grpc::ClientContext ctx;
  auto stream = stub->ServerReflectionInfo(&ctx);
  grpc::reflection::v1alpha::ServerReflectionRequest req;
  req.set_list_services("*");
  grpc::reflection::v1alpha::ServerReflectionResponse resp;
  std::vector<std::string> out;
  if (!stream->Write(req) || !stream->Read(&resp)) return out;
  for (const auto& s : resp.list_services_response().service()) {
    if (absl::StartsWith(s.name(), "hub.v1.")) out.push_back(s.name());
  }
  stream->WritesDone();
  (void)stream->Finish();
  return out;
}

// Calls `method` ("/hub.v1.X/Y") of any kind with one empty request message
// (the serialized form of every empty proto3 message) and returns the
// status it ends with.
grpc::Status CallWithEmptyRequest(const std::shared_ptr<grpc::Channel>& channel,
                                  const std::string& method,
                                  const std::string& authorization) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  if (!authorization.empty()) ctx.AddMetadata("authorization", authorization);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  grpc::CompletionQueue cq;
  void* tag = nullptr;
  bool ok = false;
  auto step = [&] { return cq.Next(&tag, &ok) && ok; };
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&ctx, method, &cq);
  call->StartCall(nullptr);
  if (step()) {
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1);
    call->Write(request, nullptr);
    if (step()) {
      call->WritesDone(nullptr);
      step();
    }
    grpc::ByteBuffer response;
    do call->Read(&response, nullptr);
    while (step());
  }
  grpc::Status status;
  call->Finish(&status, nullptr);
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

TEST(HubdRolesTest, EveryRpcRefusesExactlyWhatThePermissionTableRefuses) {
  TempDir dir;
  const std::string config = dir.File("hub.textproto");
  {
    std::ofstream out(config);
    out << "db_path: \"" << dir.File("hub.db") << "\"\n";
    for (absl::string_view role : Roles()) {
      out << "tokens { principal: \"" << role << "-principal\" role: \"" << role
          << "\" sha256: \"" << Sha256Hex(TokenOf(role)) << "\" }\n";
    }
  }
  auto hubd = HubdProcess::Start(HUBD_BIN, {"--config", config}, dir.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  auto channel = grpc::CreateChannel((*hubd)->address(), grpc::InsecureChannelCredentials());
  const std::vector<std::string> services = ListedHubServices(channel);
  EXPECT_EQ(std::set<std::string>(services.begin(), services.end()),
            (std::set<std::string>{"hub.v1.GovernanceService", "hub.v1.MetricsService",
                                   "hub.v1.ProfileService", "hub.v1.SyncService"}));
  for (const std::string& name : services) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name << " is served but not linked into this test";
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string method = name + "/" + service->method(i)->name();
      const std::string path = "/" + method;
      for (const std::string& authorization : {std::string(), std::string("Bearer bad")}) {
        grpc::Status s = CallWithEmptyRequest(channel, path, authorization);
        EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED)
            << method << " with \"" << authorization << "\": " << s.error_message();
      }
      const std::vector<absl::string_view>& allowed = AllowedRoles(method);
      for (absl::string_view role : Roles()) {
        grpc::Status s = CallWithEmptyRequest(channel, path, "Bearer " + TokenOf(role));
        if (std::find(allowed.begin(), allowed.end(), role) == allowed.end()) {
          EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
              << method << " as " << role << ": " << s.error_message();
          EXPECT_EQ(s.error_message(),
                    absl::StrCat("role \"", role, "\" of ", role, "-principal may not call ",
                                 method, " (allowed: ", absl::StrJoin(allowed, ", "), ")"));
        } else {
          EXPECT_NE(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
              << method << " as " << role << ": " << s.error_message();
          EXPECT_NE(s.error_code(), grpc::StatusCode::UNAUTHENTICATED)
              << method << " as " << role << ": " << s.error_message();
        }
      }
    }
  }
}

}  // namespace
}  // namespace hub
