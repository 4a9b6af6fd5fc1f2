// `hubctl retention`: purge previews unless --yes and needs a reason;
// holds are placed by profile or identifier, released and listed; bad
// subjects are usage errors that make no call. Against a scripted
// GovernanceService on loopback.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "hub/v1/governance_service.grpc.pb.h"
#include "tests/hubctl/cli_fixture.h"
#include "tools/hubctl/cli.h"
#include "tools/hubctl/exit_codes.h"

namespace hubctl {
namespace {

// Answers PurgeExpired with two classes and one event type, and legal hold
// calls with hold 3 on profiles/12; records each request.
class ScriptedGovernance final : public hub::v1::GovernanceService::Service {
 public:
  grpc::Status PurgeExpired(grpc::ServerContext*, const hub::v1::PurgeExpiredRequest* request,
                            hub::v1::PurgeExpiredResponse* response) override {
    Record("PurgeExpired", *request);
    response->set_confirmed(request->confirm());
    hub::v1::PurgedClass* raw = response->add_classes();
    raw->set_data_class("raw_payloads");
    hub::v1::PurgedClass* events = response->add_classes();
    events->set_data_class("events");
    events->set_applies(true);
    events->set_purged(7);
    events->set_held(2);
    hub::v1::PurgedEventType* type = response->add_event_types();
    type->set_event_type("page_view");
    type->set_purged(7);
    type->mutable_cutoff_time()->set_seconds(1704067200);  // 2024-01-01
    if (request->confirm()) {
      response->set_transactions(1);
      response->set_audit_sequence(41);
    }
    return grpc::Status::OK;
  }
  grpc::Status PlaceLegalHold(grpc::ServerContext*, const hub::v1::PlaceLegalHoldRequest* request,
                              hub::v1::LegalHold* response) override {
    Record("PlaceLegalHold", *request);
    *response = Hold();
    return grpc::Status::OK;
  }
  grpc::Status ReleaseLegalHold(grpc::ServerContext*,
                                const hub::v1::ReleaseLegalHoldRequest* request,
                                hub::v1::LegalHold* response) override {
    Record("ReleaseLegalHold", *request);
    *response = Hold();
    return grpc::Status::OK;
  }
  grpc::Status ListLegalHolds(grpc::ServerContext*, const hub::v1::ListLegalHoldsRequest* request,
                              hub::v1::ListLegalHoldsResponse* response) override {
    Record("ListLegalHolds", *request);
    *response->add_holds() = Hold();
    return grpc::Status::OK;
  }

  std::vector<std::string> calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  std::string last_request() {
    absl::MutexLock lock(&mu_);
    return last_;
  }

 private:
  static hub::v1::LegalHold Hold() {
    hub::v1::LegalHold h;
    h.set_name("legalHolds/3");
    h.set_profile("profiles/12");
    h.set_holds("profiles/12");
    h.set_subject("email:bo@acme.example");
    h.set_reason("matter 17");
    h.set_placed_by("steward-ana");
    h.mutable_place_time()->set_seconds(1704067200);
    return h;
  }
  void Record(const std::string& method, const google::protobuf::Message& request) {
    absl::MutexLock lock(&mu_);
    calls_.push_back(method);
    last_ = request.ShortDebugString();
  }

  absl::Mutex mu_;
  std::vector<std::string> calls_ ABSL_GUARDED_BY(mu_);
  std::string last_ ABSL_GUARDED_BY(mu_);
};

class RetentionCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&governance_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(port, 0);
    address_ = "127.0.0.1:" + std::to_string(port);
  }
  void TearDown() override { server_->Shutdown(); }

  int Run(const std::vector<std::string>& args) {
    out_.str("");
    err_.str("");
    CliEnvironment env;
    env.out = &out_;
    env.err = &err_;
    env.make_channel = [this](const std::string&) {
      return grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
    };
    return RunCli(args, env);
  }

  ScriptedGovernance governance_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  std::ostringstream out_, err_;
};

TEST_F(RetentionCliTest, PurgePreviewsUnlessYesAndPrintsEachClass) {
  ASSERT_EQ(Run({"retention", "purge", "--reason", "policy R-1"}), kExitOk) << err_.str();
  EXPECT_EQ(hubctl::testing::LessGeneratedId(governance_.last_request()), "reason: \"policy R-1\"");
  const std::string preview = out_.str();
  EXPECT_NE(preview.find("WOULD PURGE"), std::string::npos) << preview;
  EXPECT_EQ(preview,
            "CLASS                OLDER THAN            WOULD PURGE  HELD\n"
            "raw_payloads         kept forever          -            -\n"
            "events               by type               7            2\n"
            "  events: page_view  2024-01-01T00:00:00Z  7\n"
            "nothing removed: run again with --yes to purge\n");

  ASSERT_EQ(Run({"retention", "purge", "--yes", "--reason", "policy R-1", "--request-id", "r-9"}),
            kExitOk)
      << err_.str();
  EXPECT_EQ(governance_.last_request(),
            "confirm: true reason: \"policy R-1\" request_id: \"r-9\"");
  EXPECT_NE(out_.str().find("PURGED"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("purged in 1 transactions; last audit entry 41"), std::string::npos)
      << out_.str();
}

TEST_F(RetentionCliTest, PurgeNeedsAReason) {
  EXPECT_EQ(Run({"retention", "purge", "--yes"}), kExitUsage);
  EXPECT_TRUE(governance_.calls().empty());
}

TEST_F(RetentionCliTest, HoldsArePlacedByProfileOrIdentifierReleasedAndListed) {
  ASSERT_EQ(Run({"retention", "hold", "place", "12", "--reason", "matter 17"}), kExitOk)
      << err_.str();
  EXPECT_EQ(hubctl::testing::LessGeneratedId(governance_.last_request()), "profile: \"profiles/12\" reason: \"matter 17\"");
  EXPECT_EQ(out_.str(), "placed legalHolds/3 on email:bo@acme.example (holds profiles/12)\n");
  ASSERT_EQ(Run({"retention", "hold", "place", "--type", "email", "--value", "bo@acme.example",
                 "--reason", "matter 17"}),
            kExitOk);
  EXPECT_EQ(hubctl::testing::LessGeneratedId(governance_.last_request()),
            "identifier_type: \"email\" identifier_value: \"bo@acme.example\" "
            "reason: \"matter 17\"");
  ASSERT_EQ(Run({"retention", "hold", "release", "legalHolds/3", "--reason", "closed"}), kExitOk);
  EXPECT_EQ(hubctl::testing::LessGeneratedId(governance_.last_request()), "name: \"legalHolds/3\" reason: \"closed\"");
  ASSERT_EQ(Run({"retention", "hold", "list"}), kExitOk);
  EXPECT_NE(out_.str().find("legalHolds/3"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("matter 17"), std::string::npos) << out_.str();
  ASSERT_EQ(Run({"-o", "json", "retention", "hold", "list"}), kExitOk);
  EXPECT_NE(out_.str().find("\"placedBy\": \"steward-ana\""), std::string::npos) << out_.str();
  EXPECT_EQ(governance_.calls(),
            (std::vector<std::string>{"PlaceLegalHold", "PlaceLegalHold", "ReleaseLegalHold",
                                      "ListLegalHolds", "ListLegalHolds"}));
}

TEST_F(RetentionCliTest, ABadSubjectIsAUsageErrorAndMakesNoCall) {
  EXPECT_EQ(Run({"retention", "hold", "place", "--reason", "x"}), kExitUsage);
  EXPECT_EQ(Run({"retention", "hold", "place", "12", "--type", "email", "--value", "a@b.example",
                 "--reason", "x"}),
            kExitUsage);
  EXPECT_EQ(Run({"retention", "hold", "place", "--type", "email", "--reason", "x"}), kExitUsage);
  EXPECT_EQ(Run({"retention", "hold", "place", "profiles/x", "--reason", "x"}), kExitUsage);
  EXPECT_EQ(Run({"retention", "hold", "release", "legalHolds/0", "--reason", "x"}), kExitUsage);
  EXPECT_TRUE(governance_.calls().empty());
}

}  // namespace
}  // namespace hubctl
