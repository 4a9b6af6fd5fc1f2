// hubctl end to end: the command line parsed by RunCli, calls over loopback
// to an in-process fake Hub, exact output and exit codes.
#include "tools/hubctl/cli.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "tests/hubctl/cli_fixture.h"
#include "tests/hubctl/fake_hub.h"
#include "tests/hubctl/test_protos.h"

namespace hubctl {
namespace {

using hub::v1::SyncJob;
using testing::AnaProfile;
using testing::LessGeneratedId;
using testing::CrmJob;

class CliTest : public testing::CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    hub_.profiles().AddProfile(AnaProfile());
  }
};

TEST_F(CliTest, UnknownCommandIsUsageError) {
  EXPECT_EQ(Run({"frobnicate"}), 2);
  EXPECT_EQ(err_.str(),
            "hubctl: The following argument was not expected: frobnicate\n"
            "Run with --help for more information.\n");
  EXPECT_EQ(out_.str(), "");
  EXPECT_TRUE(servers_.empty());
}

TEST_F(CliTest, UnknownVerbAndUnknownFlagAreUsageErrors) {
  EXPECT_EQ(Run({"profiles", "frobnicate"}), 2);
  EXPECT_EQ(Run({"profiles", "get", "12", "--bogus"}), 2);
  EXPECT_EQ(Run({"profiles", "get"}), 2);
  EXPECT_EQ(err_.str(),
            "hubctl: NAME_OR_ID is required\n"
            "Run with --help for more information.\n");
}

TEST_F(CliTest, MissingCommandIsUsageErrorWithGroupHelp) {
  EXPECT_EQ(Run({"sync"}), 2);
  EXPECT_EQ(err_.str().rfind("hubctl: a command is required\nSync jobs\n"
                             "Usage: hubctl sync [OPTIONS] [SUBCOMMAND]\n",
                             0),
            0u)
      << err_.str();
  EXPECT_EQ(Run({}), 2);
}

TEST_F(CliTest, BadGlobalFlagValuesAreUsageErrors) {
  EXPECT_EQ(Run({"--output", "xml", "health"}), 2);
  EXPECT_EQ(err_.str(),
            "hubctl: --output: xml not in {table,json}\n"
            "Run with --help for more information.\n");
  EXPECT_EQ(Run({"--timeout", "0", "health"}), 2);
  EXPECT_EQ(err_.str(),
            "hubctl: --timeout: want a number of seconds in (0, 10000000], "
            "got 0\nRun with --help for more information.\n");
  EXPECT_EQ(Run({"--timeout", "nan", "health"}), 2);
  EXPECT_EQ(Run({"--timeout", "inf", "health"}), 2);
  EXPECT_EQ(Run({"profiles", "list", "--page-size", "-1"}), 2);
}

TEST_F(CliTest, HelpListsCommandsAndExitCodes) {
  EXPECT_EQ(Run({"--help"}), 0);
  for (const char* text :
       {"Usage: hubctl [OPTIONS] [SUBCOMMAND]", "profiles", "accounts",
        "sources", "sync", "health", "Exit codes:\n  0  OK\n", "HUB_TOKEN"}) {
    EXPECT_NE(out_.str().find(text), std::string::npos) << text;
  }
  EXPECT_EQ(Run({"sync", "run", "--help"}), 0);
  EXPECT_NE(out_.str().find("--wait"), std::string::npos);
}

TEST_F(CliTest, MalformedNameIsUsageErrorAndMakesNoCall) {
  EXPECT_EQ(Run({"profiles", "get", "accounts/3"}), 2);
  EXPECT_EQ(err_.str(),
            "hubctl: invalid name \"accounts/3\": want profiles/{id} or a "
            "bare {id}, a positive integer\n");
  EXPECT_EQ(Run({"sync", "status", "3"}), 2);
  EXPECT_TRUE(hub_.profiles().log().methods.empty());
  EXPECT_TRUE(hub_.sync().log().methods.empty());
}

TEST_F(CliTest, ProfilesGetAcceptsBareIdAndSendsBearerToken) {
  EXPECT_EQ(Run({"--token", "s3cret", "profiles", "get", "12"}), 0);
  const testing::CallLog log = hub_.profiles().log();
  EXPECT_EQ(log.methods, std::vector<std::string>{"GetProfile"});
  EXPECT_EQ(log.last_request, "name: \"profiles/12\"");
  EXPECT_EQ(log.authorization, "Bearer s3cret");
  EXPECT_EQ(
      out_.str().rfind("Profile profiles/12\n  account      accounts/3\n", 0),
      0u);
  EXPECT_EQ(err_.str(), "");
}

TEST_F(CliTest, ServerAndTokenComeFromTheEnvironment) {
  setenv("HUB_SERVER", "hub.internal:7000", 1);
  setenv("HUB_TOKEN", "from-env", 1);
  EXPECT_EQ(Run({"profiles", "get", "profiles/12"}), 0);
  EXPECT_EQ(servers_, std::vector<std::string>{"hub.internal:7000"});
  EXPECT_EQ(hub_.profiles().log().authorization, "Bearer from-env");
  EXPECT_EQ(Run({"--server", "flag:1", "profiles", "get", "12"}), 0);
  EXPECT_EQ(servers_.back(), "flag:1");
}

TEST_F(CliTest, DefaultServerIsLoopbackAndNoTokenSendsNoMetadata) {
  EXPECT_EQ(Run({"profiles", "get", "12"}), 0);
  EXPECT_EQ(servers_, std::vector<std::string>{"127.0.0.1:50051"});
  EXPECT_EQ(hub_.profiles().log().authorization, "");
}

TEST_F(CliTest, GlobalFlagsMayFollowTheCommand) {
  EXPECT_EQ(Run({"profiles", "get", "12", "--output", "json"}), 0);
  EXPECT_EQ(out_.str().rfind("{\n \"name\": \"profiles/12\",\n", 0), 0u);
}

TEST_F(CliTest, NotFoundExitsThreeWithCodeAndServerMessage) {
  EXPECT_EQ(Run({"profiles", "get", "99"}), 3);
  EXPECT_EQ(err_.str(), "hubctl: NOT_FOUND: no profile profiles/99\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(CliTest, ServerErrorsMapToExitCodes) {
  hub_.profiles().FailWith(
      grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "missing token"));
  EXPECT_EQ(Run({"profiles", "list"}), 5);
  EXPECT_EQ(err_.str(),
            "hubctl: UNAUTHENTICATED: missing token\n"
            "hubctl: no token: pass --token or set HUB_TOKEN\n");
  hub_.profiles().FailWith(
      grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "reader role"));
  EXPECT_EQ(Run({"--token", "t", "profiles", "list"}), 5);
  EXPECT_EQ(err_.str(), "hubctl: PERMISSION_DENIED: reader role\n");
  hub_.profiles().FailWith(
      grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad page_token"));
  EXPECT_EQ(Run({"profiles", "list", "--page-token", "zz"}), 4);
  hub_.profiles().FailWith(grpc::Status(grpc::StatusCode::INTERNAL, "boom"));
  EXPECT_EQ(Run({"profiles", "get", "12"}), 1);
  EXPECT_EQ(err_.str(), "hubctl: INTERNAL: boom\n");
}

TEST_F(CliTest, UnreachableServerExitsSix) {
  CliEnvironment env;
  env.out = &out_;
  env.err = &err_;
  // Port 1 on loopback: nothing listens there.
  EXPECT_EQ(
      RunCli({"--server", "127.0.0.1:1", "--timeout", "5", "health"}, env), 6);
  EXPECT_EQ(err_.str().rfind("hubctl: UNAVAILABLE: ", 0), 0u) << err_.str();
  EXPECT_NE(err_.str().find("hubctl: is hubd running and reachable at "
                            "127.0.0.1:1? (--server, HUB_SERVER)\n"),
            std::string::npos);
}

TEST_F(CliTest, LookupTakesPositionalsOrFlags) {
  EXPECT_EQ(Run({"profiles", "lookup", "email", "ana.ruiz@acme.example"}), 0);
  EXPECT_EQ(hub_.profiles().log().last_request,
            "identifier_type: \"email\" identifier_value: "
            "\"ana.ruiz@acme.example\"");
  EXPECT_EQ(
      Run({"profiles", "lookup", "--type", "phone", "--value", "+14155550100"}),
      0);
  EXPECT_EQ(out_.str().rfind("Profile profiles/12\n", 0), 0u);
  EXPECT_EQ(
      Run({"profiles", "lookup", "--type", "email", "ana.ruiz@acme.example"}),
      0);
  EXPECT_EQ(hub_.profiles().log().last_request,
            "identifier_type: \"email\" identifier_value: "
            "\"ana.ruiz@acme.example\"");
}

TEST_F(CliTest, LookupNeedsExactlyOneTypeAndValue) {
  const std::string usage =
      "hubctl: profiles lookup needs one identifier: TYPE VALUE or --type "
      "TYPE --value VALUE\n";
  EXPECT_EQ(Run({"profiles", "lookup", "email"}), 2);
  EXPECT_EQ(err_.str(), usage);
  EXPECT_EQ(Run({"profiles", "lookup", "email", "a@x", "--type", "phone"}), 2);
  EXPECT_EQ(err_.str(), usage);
  EXPECT_TRUE(hub_.profiles().log().methods.empty());
}

TEST_F(CliTest, ListShowsOnePageAndPointsAtTheNext) {
  for (int id : {13, 14}) {
    hub::v1::Profile p;
    p.set_name("profiles/" + std::to_string(id));
    hub_.profiles().AddProfile(p);
  }
  EXPECT_EQ(Run({"profiles", "list", "--page-size", "2"}), 0);
  EXPECT_EQ(err_.str(), "hubctl: more results: --page-token 2 (or --all)\n");
  EXPECT_NE(out_.str().find("profiles/13"), std::string::npos);
  EXPECT_EQ(out_.str().find("profiles/14"), std::string::npos);
}

TEST_F(CliTest, ListAllFollowsPagesIntoOneJsonDocument) {
  for (int id : {13, 14}) {
    hub::v1::Profile p;
    p.set_name("profiles/" + std::to_string(id));
    hub_.profiles().AddProfile(p);
  }
  EXPECT_EQ(
      Run({"-o", "json", "profiles", "list", "--all", "--page-size", "2"}), 0);
  EXPECT_EQ(hub_.profiles().log().methods,
            (std::vector<std::string>{"ListProfiles", "ListProfiles"}));
  const std::string json = out_.str();
  EXPECT_NE(json.find("\"name\": \"profiles/14\""), std::string::npos);
  EXPECT_NE(json.find("\"nextPageToken\": \"\""), std::string::npos);
  EXPECT_EQ(json.find("\"name\": \"profiles/12\""),
            json.rfind("\"name\": \"profiles/12\""));
  EXPECT_EQ(err_.str(), "");
}

TEST_F(CliTest, ListSendsTheFilterAndOrder) {
  EXPECT_EQ(Run({"profiles", "list", "--filter", "stage = CONVERT", "--order-by",
                 "update_time desc"}),
            0);
  EXPECT_EQ(hub_.profiles().log().last_request,
            "filter: \"stage = CONVERT\" order_by: \"update_time desc\"");
}

class StewardCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    hub::v1::Profile other;
    other.set_name("profiles/15");
    hub_.profiles().AddProfile(other);
  }
};

TEST_F(StewardCliTest, MergeSendsBothNamesAndPrintsTheSurvivor) {
  EXPECT_EQ(Run({"--token", "t", "profiles", "merge", "12", "profiles/15", "--request-id",
                 "r-1"}),
            0);
  EXPECT_EQ(hub_.profiles().log().methods, std::vector<std::string>{"MergeProfiles"});
  EXPECT_EQ(hub_.profiles().log().last_request,
            "name: \"profiles/12\" other_name: \"profiles/15\" request_id: \"r-1\"");
  EXPECT_EQ(out_.str(), "profiles/15 merged into profiles/12 (ledger entry 5)\n");
  EXPECT_EQ(Run({"profiles", "merge", "12", "99"}), 3);
  EXPECT_EQ(err_.str(), "hubctl: NOT_FOUND: profiles/99 not found\n");
  EXPECT_EQ(Run({"profiles", "merge", "12"}), 2);
  EXPECT_EQ(Run({"profiles", "merge", "12", "accounts/3"}), 2);
  EXPECT_EQ(err_.str(),
            "hubctl: invalid name \"accounts/3\": want profiles/{id} or a bare "
            "{id}, a positive integer\n");
}

TEST_F(StewardCliTest, UnmergeNeedsAnEntryAndMapsPreconditionToFour) {
  EXPECT_EQ(Run({"profiles", "unmerge", "12", "--entry", "5"}), 0);
  EXPECT_EQ(LessGeneratedId(hub_.profiles().log().last_request),
            "name: \"profiles/12\" merge_entry: 5");
  EXPECT_EQ(out_.str(),
            "profiles/15 split from profiles/12 (ledger entry 6 undoes 5); the two "
            "are kept apart\n");
  EXPECT_EQ(Run({"profiles", "unmerge", "12", "--entry", "4"}), 4);
  EXPECT_EQ(err_.str(),
            "hubctl: FAILED_PRECONDITION: merge ledger entry 4 is not part of profiles/12\n");
  EXPECT_EQ(Run({"profiles", "unmerge", "12"}), 2);
  EXPECT_EQ(err_.str(), "hubctl: --entry is required\nRun with --help for more information.\n");
  EXPECT_EQ(Run({"profiles", "unmerge", "12", "--entry", "0"}), 2);
  EXPECT_EQ(Run({"-o", "json", "profiles", "unmerge", "12", "--entry", "5"}), 0);
  EXPECT_NE(out_.str().find("\"restored\": \"profiles/15\""), std::string::npos) << out_.str();
}

TEST_F(StewardCliTest, MergesListsTheLedgerAndPages) {
  EXPECT_EQ(Run({"profiles", "merges", "12"}), 0);
  EXPECT_EQ(hub_.profiles().log().last_request, "name: \"profiles/12\"");
  EXPECT_NE(out_.str().find("\n5    2024-03-06T09:00:00Z  manual "), std::string::npos) << out_.str();
  EXPECT_EQ(Run({"profiles", "merges", "12", "--page-size", "1"}), 0);
  EXPECT_EQ(err_.str(), "hubctl: more results: --page-token 1 (or --all)\n");
  EXPECT_EQ(Run({"-o", "json", "profiles", "merges", "12", "--page-size", "1", "--all"}), 0);
  EXPECT_EQ(hub_.profiles().log().methods.size(), 5u);  // 1 + 1 + 3 pages
  EXPECT_NE(out_.str().find("\"sequence\": \"2\""), std::string::npos) << out_.str();
  EXPECT_EQ(Run({"profiles", "merges", "99"}), 3);
}

TEST_F(StewardCliTest, DoNotLinkKeepsTwoProfilesApart) {
  EXPECT_EQ(Run({"profiles", "do-not-link", "profiles/12", "15"}), 0);
  EXPECT_EQ(LessGeneratedId(hub_.profiles().log().last_request),
            "name: \"profiles/12\" other_name: \"profiles/15\"");
  EXPECT_EQ(out_.str(), "profiles/12 and profiles/15 are kept apart\n");
  hub_.profiles().FailWith(grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "analyst role"));
  EXPECT_EQ(Run({"profiles", "do-not-link", "12", "15"}), 5);
  EXPECT_EQ(Run({"profiles", "do-not-link", "12", "x"}), 2);
}

TEST_F(StewardCliTest, MergesListShowsPendingSuggestionsWithTheirReasons) {
  EXPECT_EQ(Run({"merges", "list"}), 0);
  EXPECT_EQ(hub_.profiles().log().last_request, "state: PENDING");
  EXPECT_EQ(out_.str(),
            "SUGGESTION          WHEN                  PROFILE      OTHER        SCORE   "
            "STATE    BY  WHY\n"
            "mergeSuggestions/7  2024-03-06T09:00:00Z  profiles/12  profiles/15  0.4447  "
            "pending  -   name=exact(+9.6) phone=missing(+0.0)\n");
  EXPECT_EQ(Run({"merges", "list", "--state", "rejected"}), 0);
  EXPECT_EQ(hub_.profiles().log().last_request, "state: REJECTED");
  EXPECT_EQ(Run({"merges", "list", "--any-state"}), 0);
  EXPECT_EQ(hub_.profiles().log().last_request, "state: PENDING all_states: true");
  EXPECT_EQ(Run({"merges", "list", "--state", "maybe"}), 2);
  EXPECT_EQ(err_.str(),
            "hubctl: --state: expected pending, accepted or rejected, got \"maybe\"\n");
}

TEST_F(StewardCliTest, MergesAcceptAndRejectDecideASuggestion) {
  EXPECT_EQ(Run({"merges", "accept", "7"}), 0);
  EXPECT_EQ(hub_.profiles().log().methods,
            std::vector<std::string>{"AcceptMergeSuggestion"});
  EXPECT_EQ(LessGeneratedId(hub_.profiles().log().last_request),
            "name: \"mergeSuggestions/7\"");
  EXPECT_EQ(out_.str(),
            "mergeSuggestions/7 accepted: profiles/12 and profiles/15 are merged\n");
  EXPECT_EQ(Run({"merges", "reject", "mergeSuggestions/7"}), 0);
  EXPECT_EQ(out_.str(),
            "mergeSuggestions/7 rejected: profiles/12 and profiles/15 are kept apart\n");
  EXPECT_EQ(Run({"merges", "accept", "8"}), 3);
  EXPECT_EQ(err_.str(), "hubctl: NOT_FOUND: mergeSuggestions/8 not found\n");
  EXPECT_EQ(Run({"merges", "reject", "profiles/7"}), 2);
  EXPECT_EQ(Run({"merges", "accept"}), 2);
}

TEST_F(CliTest, SourcesCreateSendsApiFieldsAndTheInterval) {
  EXPECT_EQ(Run({"sources", "create", "desk", "--kind", "zendesk_api", "--base-url",
                 "https://acme.zendesk.com", "--auth-email", "ops@acme.example",
                 "--token-env", "ZENDESK_TOKEN", "--export-mode", "time",
                 "--sync-interval", "1h30m", "--sync-timeout", "10m", "--max-requests",
                 "500"}),
            0);
  EXPECT_EQ(hub_.sync().log().last_request,
            "source_id: \"desk\" source { kind: \"zendesk_api\" "
            "base_url: \"https://acme.zendesk.com\" auth_email: \"ops@acme.example\" "
            "token_env: \"ZENDESK_TOKEN\" export_mode: \"time\" "
            "sync_interval { seconds: 5400 } sync_timeout { seconds: 600 } "
            "max_requests: 500 }");
  EXPECT_EQ(Run({"sources", "create", "desk", "--kind", "zendesk_api", "--sync-interval",
                 "soon"}),
            2);
  EXPECT_EQ(err_.str(),
            "hubctl: --sync-interval: \"soon\" is not a positive duration such as 15m or "
            "1h30m\n");
}

TEST_F(CliTest, SyncRunWithoutWaitPrintsTheStartedJob) {
  hub_.sync().SetJobScript({CrmJob(SyncJob::PENDING)});
  EXPECT_EQ(Run({"sync", "run", "crm", "--full"}), 0);
  EXPECT_EQ(hub_.sync().log().last_request,
            "name: \"sources/crm\" full_resync: true");
  EXPECT_EQ(out_.str().rfind("Sync job sources/crm/syncJobs/3\n"
                             "  state                 PENDING\n",
                             0),
            0u);
  EXPECT_EQ(err_.str(), "");
}

TEST_F(CliTest, SyncRunWaitPollsUntilTheJobEndsAndShowsProgress) {
  hub_.sync().SetJobScript({CrmJob(SyncJob::PENDING), CrmJob(SyncJob::RUNNING),
                            CrmJob(SyncJob::RUNNING),
                            CrmJob(SyncJob::SUCCEEDED)});
  EXPECT_EQ(Run({"sync", "run", "sources/crm", "--wait", "-o", "json"}), 0);
  EXPECT_EQ(hub_.sync().log().methods,
            (std::vector<std::string>{"RunSync", "GetSyncJob", "GetSyncJob",
                                      "GetSyncJob"}));
  const std::string counters =
      "  read 1200  ingested 1100  unchanged 90  quarantined 10  profiles "
      "800  accounts 50  merges 12  batches 3\n";
  // Off a terminal: the first line, then at most one a second, then the end.
  EXPECT_EQ(err_.str(), "sources/crm/syncJobs/3 PENDING" + counters +
                            "sources/crm/syncJobs/3 SUCCEEDED" + counters);
  EXPECT_NE(out_.str().find("\"state\": \"SUCCEEDED\""), std::string::npos);
}

TEST_F(CliTest, SyncRunWaitOnFailedJobExitsSeven) {
  hub_.sync().SetJobScript({CrmJob(SyncJob::RUNNING), CrmJob(SyncJob::FAILED)});
  EXPECT_EQ(Run({"sync", "run", "crm", "--wait"}), 7);
  EXPECT_NE(out_.str().find("  error                 Contact.csv: truncated\n"),
            std::string::npos);
  const std::string err = err_.str();
  EXPECT_EQ(err.substr(err.rfind("hubctl:")),
            "hubctl: sync job sources/crm/syncJobs/3 FAILED: Contact.csv: "
            "truncated\n");
}

TEST_F(CliTest, SyncCancelWaitPollsUntilTheJobIsCancelled) {
  hub_.sync().SetJobScript({CrmJob(SyncJob::RUNNING), CrmJob(SyncJob::CANCELLED)});
  EXPECT_EQ(Run({"sync", "cancel", "sources/crm/syncJobs/3", "--wait"}), 0);
  EXPECT_EQ(hub_.sync().log().methods,
            (std::vector<std::string>{"CancelSyncJob", "GetSyncJob"}));
  EXPECT_NE(out_.str().find("  state                 CANCELLED\n"), std::string::npos);
  EXPECT_NE(out_.str().find("  cursor                Contact.csv:1200\n"),
            std::string::npos);
  EXPECT_EQ(Run({"sync", "cancel", "sources/crm/syncJobs/4"}), 3);
  EXPECT_EQ(Run({"sync", "cancel", "crm"}), 2);
}

TEST_F(CliTest, SyncStatusTakesTheFullJobName) {
  hub_.sync().SetJobScript({CrmJob(SyncJob::SUCCEEDED)});
  EXPECT_EQ(Run({"sync", "status", "sources/crm/syncJobs/3"}), 0);
  EXPECT_EQ(hub_.sync().log().last_request, "name: \"sources/crm/syncJobs/3\"");
  EXPECT_EQ(Run({"sync", "status", "sources/crm/syncJobs/4"}), 3);
  EXPECT_EQ(err_.str(), "hubctl: NOT_FOUND: no such job\n");
}

TEST_F(CliTest, UnimplementedRpcExitsOne) {
  EXPECT_EQ(Run({"sources", "list"}), 1);
  EXPECT_EQ(err_.str().rfind("hubctl: UNIMPLEMENTED: ", 0), 0u);
}

TEST_F(CliTest, HealthPrintsServingStatusAndExitsZeroOnlyIfServing) {
  EXPECT_EQ(Run({"health"}), 0);
  EXPECT_EQ(out_.str(), "SERVING\n");
  EXPECT_EQ(Run({"health", "-o", "json"}), 0);
  EXPECT_EQ(out_.str(), "{\n \"status\": \"SERVING\"\n}\n");
  hub_.SetServing(false);
  EXPECT_EQ(Run({"health"}), 6);
  EXPECT_EQ(out_.str(), "NOT_SERVING\n");
}

TEST_F(CliTest, HealthOfUnknownServiceIsNotFound) {
  EXPECT_EQ(Run({"health", "--service", "hub.v1.Nope"}), 3);
  EXPECT_EQ(err_.str().rfind("hubctl: NOT_FOUND: ", 0), 0u);
}

}  // namespace
}  // namespace hubctl
