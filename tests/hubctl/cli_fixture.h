// A test fixture that runs hubctl's command line (RunCli) against an
// in-process FakeHub over loopback, capturing stdout and stderr.
#ifndef HUB_TESTS_HUBCTL_CLI_FIXTURE_H_
#define HUB_TESTS_HUBCTL_CLI_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/hubctl/fake_hub.h"
#include "tools/hubctl/cli.h"

namespace hubctl::testing {

// The request as logged, less the request id hubctl generates for a steward
// command given no --request-id; "no id: ..." if there is none.
inline std::string LessGeneratedId(const std::string& logged) {
  static const std::regex kId(R"( request_id: "hubctl-[0-9a-f]{16}")");
  std::smatch match;
  if (!std::regex_search(logged, match, kId)) return "no id: " + logged;
  return match.prefix().str() + match.suffix().str();
}

class CliFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("HUB_SERVER");
    unsetenv("HUB_TOKEN");
  }

  // Runs hubctl with `args`; output lands in out_ and err_.
  int Run(const std::vector<std::string>& args) {
    out_.str("");
    err_.str("");
    CliEnvironment env;
    env.out = &out_;
    env.err = &err_;
    env.poll_interval = absl::Milliseconds(1);
    env.make_channel = [this](const std::string& server) {
      servers_.push_back(server);
      return hub_.NewChannel();
    };
    return RunCli(args, env);
  }

  FakeHub hub_;
  std::ostringstream out_, err_;
  std::vector<std::string> servers_;  // --server values channels were made for
};

}  // namespace hubctl::testing

#endif  // HUB_TESTS_HUBCTL_CLI_FIXTURE_H_
