// TLS on hubd's listener with client certificates (mutual TLS): a CA, the
// server's certificate and client certificates made with the openssl CLI at
// test time; a verified client certificate maps to its configured principal
// and role with no token, bearer tokens keep working over TLS, and a client
// without certificate or without TLS does not get through the handshake.
// hubctl and hub-sync connect with their TLS flags.
#include <grpcpp/grpcpp.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "hub/auth.h"
#include "hub/v1/governance_service.grpc.pb.h"
#include "hub/v1/profile_service.grpc.pb.h"
#include "hub/v1/sync_service.grpc.pb.h"
#include "tests/support/hubd_process.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::HubdProcess;
using testing_support::RunShell;
using testing_support::TempDir;

constexpr char kAdminToken[] = "tls-test-admin";

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Makes ca.pem, server.pem/key (for IP 127.0.0.1) and, for each of
// hub-sync-1, steward-laptop and stranger, <cn>.pem/key signed by the CA.
int MakeCertificates(const TempDir& dir, std::string* log) {
  const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  const std::string sign = "openssl x509 -req -days 2 -CA ca.pem -CAkey ca.key -CAcreateserial";
  return RunShell(
      absl::StrCat(
          "exec 2>&1; cd ", dir.path(), " && openssl req -x509 ", key,
          " -days 2 -subj /CN=hub-test-ca -keyout ca.key -out ca.pem &&",
          " openssl req ", key, " -subj /CN=127.0.0.1 -keyout server.key -out server.csr &&",
          " printf 'subjectAltName=IP:127.0.0.1\\n' > server.ext && ", sign,
          " -in server.csr -extfile server.ext -out server.pem &&",
          " for cn in hub-sync-1 steward-laptop stranger; do openssl req ", key,
          " -subj /CN=$cn -keyout $cn.key -out $cn.csr && ", sign,
          " -in $cn.csr -out $cn.pem || exit 1; done"),
      log);
}

class HubdTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string log;
    ASSERT_EQ(MakeCertificates(dir_, &log), 0) << log;
    const std::string config = dir_.File("hub.textproto");
    std::ofstream(config)
        << "db_path: \"" << dir_.File("hub.db") << "\"\n"
        << "tokens { principal: \"ops\" role: \"admin\" sha256: \"" << Sha256Hex(kAdminToken)
        << "\" }\n"
        << "tls { cert_file: \"" << dir_.File("server.pem") << "\" key_file: \""
        << dir_.File("server.key") << "\" client_ca_file: \"" << dir_.File("ca.pem")
        << "\" }\n"
        << "client_certs { common_name: \"hub-sync-1\" principal: \"sync-host-1\""
        << " role: \"sync\" }\n"
        << "client_certs { common_name: \"steward-laptop\" principal: \"ana\""
        << " role: \"steward\" }\n";
    auto hubd = HubdProcess::Start(HUBD_BIN, {"--config", config}, dir_.path());
    ASSERT_TRUE(hubd.ok()) << hubd.status();
    hubd_ = *std::move(hubd);
    ASSERT_NE(hubd_->Stderr().find("\"tls\":\"mutual\""), std::string::npos)
        << hubd_->Stderr();
  }

  // A TLS channel trusting the test CA, presenting `client`'s certificate
  // (none if empty).
  std::shared_ptr<grpc::Channel> TlsChannel(const std::string& client) const {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = Read(dir_.File("ca.pem"));
    if (!client.empty()) {
      options.pem_cert_chain = Read(dir_.File(client + ".pem"));
      options.pem_private_key = Read(dir_.File(client + ".key"));
    }
    return grpc::CreateChannel(hubd_->address(), grpc::SslCredentials(options));
  }

  std::string TlsFlags(const std::string& client) const {
    return absl::StrCat(" --ca-file ", dir_.File("ca.pem"), " --cert ",
                        dir_.File(client + ".pem"), " --key ", dir_.File(client + ".key"));
  }

  static std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token = "") {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return ctx;
  }

  TempDir dir_;
  std::unique_ptr<HubdProcess> hubd_;
};

TEST_F(HubdTlsTest, AClientCertificateIsItsPrincipalAndRole) {
  auto steward = hub::v1::ProfileService::NewStub(TlsChannel("steward-laptop"));
  hub::v1::ListProfilesResponse profiles;
  grpc::Status s = steward->ListProfiles(Ctx().get(), hub::v1::ListProfilesRequest(), &profiles);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(profiles.profiles_size(), 0);

  auto sync_channel = TlsChannel("hub-sync-1");
  s = hub::v1::ProfileService::NewStub(sync_channel)
          ->ListProfiles(Ctx().get(), hub::v1::ListProfilesRequest(), &profiles);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message(),
            "role \"sync\" of sync-host-1 may not call hub.v1.ProfileService/ListProfiles "
            "(allowed: admin, steward, analyst, service)");
  auto sync = hub::v1::SyncService::NewStub(sync_channel);
  hub::v1::GetSourceCursorRequest cursor_request;
  cursor_request.set_name("sources/none");
  hub::v1::SourceCursor cursor;
  s = sync->GetSourceCursor(Ctx().get(), cursor_request, &cursor);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << s.error_message();

  // A token is checked over TLS too, and outranks the certificate.
  hub::v1::ListSourcesResponse sources;
  s = sync->ListSources(Ctx(kAdminToken).get(), hub::v1::ListSourcesRequest(), &sources);
  EXPECT_TRUE(s.ok()) << s.error_message();
  s = sync->GetSourceCursor(Ctx("not-a-token").get(), cursor_request, &cursor);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(s.error_message(), "invalid token");

  s = hub::v1::ProfileService::NewStub(TlsChannel("stranger"))
          ->ListProfiles(Ctx().get(), hub::v1::ListProfilesRequest(), &profiles);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(s.error_message(), "client certificate CN \"stranger\" maps to no principal");
}

TEST_F(HubdTlsTest, NoClientCertificateOrNoTlsFailsTheHandshake) {
  hub::v1::ListProfilesResponse profiles;
  grpc::Status s = hub::v1::ProfileService::NewStub(TlsChannel(""))->ListProfiles(
      Ctx(kAdminToken).get(), hub::v1::ListProfilesRequest(), &profiles);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  auto plaintext = grpc::CreateChannel(hubd_->address(), grpc::InsecureChannelCredentials());
  s = hub::v1::ProfileService::NewStub(plaintext)->ListProfiles(
      Ctx(kAdminToken).get(), hub::v1::ListProfilesRequest(), &profiles);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
}

TEST_F(HubdTlsTest, HubctlAndHubSyncConnectWithTheirTlsFlags) {
  const std::string hubctl = absl::StrCat(HUBCTL_BIN, " --server ", hubd_->address());
  std::string out;
  EXPECT_EQ(RunShell(absl::StrCat(hubctl, TlsFlags("steward-laptop"), " audit verify 2>&1"),
                     &out),
            0)
      << out;
  out.clear();
  EXPECT_EQ(RunShell(absl::StrCat(hubctl, TlsFlags("hub-sync-1"), " audit verify 2>&1"), &out),
            5)
      << out;
  out.clear();
  // Without a client certificate the hub refuses the handshake: unavailable.
  EXPECT_EQ(RunShell(absl::StrCat("HUB_TOKEN=", kAdminToken, " ", hubctl, " --ca-file ",
                                  dir_.File("ca.pem"), " audit verify 2>&1"),
                     &out),
            6)
      << out;
  out.clear();
  EXPECT_EQ(RunShell(absl::StrCat(hubctl, " --cert ", dir_.File("hub-sync-1.pem"),
                                  " audit verify 2>&1"),
                     &out),
            2);
  EXPECT_EQ(out, "hubctl: --cert and --key go together\n");

  out.clear();
  ASSERT_EQ(RunShell(absl::StrCat(HUB_SAMPLE_BIN, " --out ", dir_.File("world"),
                                  " --accounts 2 --seed 3 2>&1"),
                     &out),
            0)
      << out;
  out.clear();
  ASSERT_EQ(RunShell(absl::StrCat("HUB_TOKEN=", kAdminToken, " ", hubctl, TlsFlags("stranger"),
                                  " sources create web --kind ga4 --path ",
                                  dir_.File("world/ga4"), " 2>&1"),
                     &out),
            0)
      << out;
  const std::string source = dir_.File("web-source.textproto");
  std::ofstream(source) << "name: \"sources/web\" kind: \"ga4\" path: \""
                        << dir_.File("world/ga4") << "\"\n";
  out.clear();
  EXPECT_EQ(RunShell(absl::StrCat(HUB_SYNC_BIN, " --source ", source, " --hub ",
                                  hubd_->address(), TlsFlags("hub-sync-1"), " 2>&1"),
                     &out),
            0)
      << out;
  EXPECT_NE(out.find("pages acknowledged by"), std::string::npos) << out;
}

}  // namespace
}  // namespace hub
