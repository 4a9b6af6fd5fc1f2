// hubctl consent: what the command line refuses before any RPC (the RPCs
// themselves run against a real hubd in tests/hub/hubd_consent_test.cc).
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "tests/hubctl/cli_fixture.h"
#include "tools/hubctl/exit_codes.h"
#include "tools/hubctl/profile_view.h"

namespace hubctl::testing {
namespace {

using ConsentCliTest = CliFixture;

TEST_F(ConsentCliTest, AProfileMustBeNamedExactlyOnce) {
  EXPECT_EQ(Run({"consent", "get"}), kExitUsage);
  EXPECT_EQ(err_.str(),
            "hubctl: name exactly one profile: profiles/ID, --email X or --identifier "
            "type:value\n");
  EXPECT_EQ(Run({"consent", "get", "profiles/3", "--email", "a@b.example"}), kExitUsage);
  EXPECT_EQ(err_.str(),
            "hubctl: name exactly one profile: profiles/ID, --email X or --identifier "
            "type:value\n");
  EXPECT_EQ(Run({"consent", "get", "--identifier", "phone"}), kExitUsage);
  EXPECT_EQ(err_.str(),
            "hubctl: --identifier: expected type:value, e.g. phone:+14155550100, got "
            "\"phone\"\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(ConsentCliTest, SetNeedsAKnownStateAndAReason) {
  EXPECT_EQ(Run({"consent", "set", "profiles/3", "--purpose", "analytics", "--state", "maybe",
                 "--reason", "r"}),
            kExitUsage);
  EXPECT_EQ(err_.str(), "hubctl: --state: want GRANTED, DENIED or REVOKED, got \"maybe\"\n");
  EXPECT_EQ(Run({"consent", "set", "profiles/3", "--purpose", "analytics", "--state",
                 "consent_state_unspecified", "--reason", "r"}),
            kExitUsage);
  EXPECT_EQ(Run({"consent", "set", "profiles/3", "--purpose", "analytics", "--state",
                 "DENIED"}),
            kExitUsage);
  EXPECT_NE(err_.str().find("--reason is required"), std::string::npos) << err_.str();
}

TEST(ConsentViewTest, AProfileShowsItsConsentAfterItsIdentifiers) {
  hub::v1::Profile p;
  p.set_name("profiles/7");
  hub::v1::Consent* denied = p.add_consents();
  denied->set_purpose("email_marketing");
  denied->set_state(hub::v1::DENIED);
  denied->set_source("email");
  denied->mutable_time()->set_seconds(1717322400);  // 2024-06-02T10:00:00Z
  hub::v1::Consent* none = p.add_consents();
  none->set_purpose("analytics");
  none->set_assumed(true);
  std::ostringstream out;
  PrintProfile(p, out);
  const std::string view = out.str();
  const size_t at = view.find("\nConsent\n");
  ASSERT_NE(at, std::string::npos) << view;
  EXPECT_GT(at, view.find("\nIdentifiers\n"));
  EXPECT_EQ(view.substr(at, view.find("\nSource records") - at),
            "\nConsent\n"
            "  PURPOSE          STATE   SOURCE     TIME\n"
            "  email_marketing  DENIED  email      2024-06-02T10:00:00Z\n"
            "  analytics        NONE    (default)  -\n");
}

}  // namespace
}  // namespace hubctl::testing
