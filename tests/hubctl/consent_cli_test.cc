// hubctl consent: what the command line refuses before any RPC (the RPCs
// themselves run against a real hubd in tests/hub/hubd_consent_test.cc).
#include <gtest/gtest.h>

#include <string>

#include "tests/hubctl/cli_fixture.h"
#include "tools/hubctl/exit_codes.h"

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

}  // namespace
}  // namespace hubctl::testing
