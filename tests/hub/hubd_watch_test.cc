// WatchProfileChanges against the real hubd: the whole change log from 0 with
// dense sequences, live changes as they commit, a resume after a hub restart
// that misses nothing, filters, bad requests, and a shutdown that ends the
// stream at once with the sequence to resume from.
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "hub/auth.h"
#include "tests/hub/hub_client.h"
#include "tests/support/hubd_process.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using hub::v1::ProfileChange;
using testing_support::HubClient;
using testing_support::HubdProcess;
using testing_support::RunShell;
using testing_support::TempDir;

constexpr char kToken[] = "watch-test-token";

// One open stream.
struct Watch {
  std::unique_ptr<grpc::ClientContext> ctx;
  std::unique_ptr<grpc::ClientReader<ProfileChange>> reader;
};

Watch Open(HubClient& client, int64_t after, const std::string& filter = "") {
  Watch w;
  w.ctx = client.Ctx();
  hub::v1::WatchProfileChangesRequest request;
  request.set_after_sequence(after);
  request.set_filter(filter);
  w.reader = client.profiles()->WatchProfileChanges(w.ctx.get(), request);
  return w;
}

// Every live name a List RPC returns.
std::set<std::string> LiveNames(HubClient& client) {
  std::set<std::string> names;
  hub::v1::ListProfilesRequest profiles;
  profiles.set_page_size(1000);
  hub::v1::ListProfilesResponse p;
  EXPECT_TRUE(client.profiles()->ListProfiles(client.Ctx().get(), profiles, &p).ok());
  for (const auto& profile : p.profiles()) names.insert(profile.name());
  EXPECT_TRUE(p.next_page_token().empty());
  hub::v1::ListAccountsRequest accounts;
  accounts.set_page_size(1000);
  hub::v1::ListAccountsResponse a;
  EXPECT_TRUE(client.profiles()->ListAccounts(client.Ctx().get(), accounts, &a).ok());
  for (const auto& account : a.accounts()) names.insert(account.name());
  return names;
}

TEST(HubdWatchTest, StreamsTheChangeLogResumesAfterARestartAndFilters) {
  TempDir dir;
  std::string out;
  ASSERT_EQ(RunShell(absl::StrCat(HUB_SAMPLE_BIN, " --out ", dir.File("world"),
                                  " --accounts 4 --seed 7 2>&1"), &out), 0) << out;
  const std::string config = dir.File("hub.textproto");
  std::ofstream(config) << "db_path: \"" << dir.File("hub.db") << "\"\n"
                        << "tokens { principal: \"svc\" role: \"admin\" sha256: \""
                        << Sha256Hex(kToken) << "\" }\n";
  auto hubd = HubdProcess::Start(HUBD_BIN, {"--config", config}, dir.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  int64_t last = 0;
  std::string p1, p2;
  {
    HubClient client((*hubd)->address(), kToken);
    ASSERT_TRUE(client.CreateSource("crm", "salesforce", dir.File("world/salesforce")).ok());
    ASSERT_EQ(client.SyncAndWait("crm").state(), hub::v1::SyncJob::SUCCEEDED);
    const std::set<std::string> live = LiveNames(client);
    ASSERT_GT(live.size(), 4u);

    // From 0: every live profile and account was created, in dense order.
    Watch w = Open(client, 0);
    std::set<std::string> created;
    std::set<std::string> stage_changed;
    ProfileChange c;
    while (created.size() < live.size() || stage_changed.size() < live.size()) {
      ASSERT_TRUE(w.reader->Read(&c)) << "stream ended after " << last;
      ASSERT_EQ(c.sequence(), last + 1);
      last = c.sequence();
      if (c.kind() == ProfileChange::CREATED) created.insert(c.name());
      // Every profile and account has a stage once the sync job ends.
      if (c.kind() == ProfileChange::STAGE_CHANGED) stage_changed.insert(c.name());
    }
    EXPECT_EQ(created, live);
    EXPECT_EQ(stage_changed, live);

    // Live: a merge made now arrives on the open stream, for both sides.
    hub::v1::ListProfilesRequest list;
    list.set_page_size(2);
    hub::v1::ListProfilesResponse two;
    ASSERT_TRUE(client.profiles()->ListProfiles(client.Ctx().get(), list, &two).ok());
    p1 = two.profiles(0).name();
    p2 = two.profiles(1).name();
    hub::v1::MergeProfilesRequest merge;
    merge.set_name(p1);
    merge.set_other_name(p2);
    hub::v1::MergeProfilesResponse merged;
    ASSERT_TRUE(client.profiles()->MergeProfiles(client.Ctx().get(), merge, &merged).ok());
    std::set<std::string> merged_names;
    while (merged_names.size() < 2) {
      ASSERT_TRUE(w.reader->Read(&c));
      ASSERT_EQ(c.sequence(), last + 1);
      last = c.sequence();
      if (c.kind() == ProfileChange::MERGED) merged_names.insert(c.name());
    }
    EXPECT_EQ(merged_names, std::set<std::string>({p1, p2}));
    w.ctx->TryCancel();

    // Unmerged while nobody watches.
    hub::v1::UnmergeProfileRequest unmerge;
    unmerge.set_name(merged.survivor());
    unmerge.set_merge_entry(merged.entry().sequence());
    hub::v1::UnmergeProfileResponse unmerged;
    ASSERT_TRUE(client.profiles()->UnmergeProfile(client.Ctx().get(), unmerge, &unmerged).ok());

    // Bad requests.
    hub::v1::WatchProfileChangesRequest bad;
    bad.set_after_sequence(-1);
    auto ctx = client.Ctx();
    auto reader = client.profiles()->WatchProfileChanges(ctx.get(), bad);
    EXPECT_FALSE(reader->Read(&c));
    grpc::Status s = reader->Finish();
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(s.error_message(), "after_sequence: must be 0 or a change's sequence, got -1");
    Watch filtered = Open(client, 0, "change = renamed");
    EXPECT_FALSE(filtered.reader->Read(&c));
    s = filtered.reader->Finish();
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(s.error_message(),
              "filter: change is one of created, updated, merged, unmerged, erased, deleted, "
              "stage_changed, not \"renamed\"");
  }
  int status = (*hubd)->Stop(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << (*hubd)->Stderr();

  // After a restart, resuming from the last change seen misses nothing: the
  // unmerge comes next.
  hubd = HubdProcess::Start(HUBD_BIN, {"--config", config}, dir.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  HubClient client((*hubd)->address(), kToken);
  Watch w = Open(client, last);
  std::set<std::string> unmerged_names;
  ProfileChange c;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(w.reader->Read(&c));
    EXPECT_EQ(c.sequence(), last + 1 + i);
    EXPECT_EQ(c.kind(), ProfileChange::UNMERGED) << c.ShortDebugString();
    unmerged_names.insert(c.name());
  }
  EXPECT_EQ(unmerged_names, std::set<std::string>({p1, p2}));

  // A filter: accounts created, and nothing else.
  const std::set<std::string> live = LiveNames(client);
  int accounts = 0;
  for (const std::string& name : live) accounts += name.rfind("accounts/", 0) == 0;
  Watch only = Open(client, 0, "resource = account AND change = created");
  std::set<std::string> seen;
  for (int i = 0; i < accounts; ++i) {
    ASSERT_TRUE(only.reader->Read(&c));
    EXPECT_EQ(c.kind(), ProfileChange::CREATED);
    EXPECT_EQ(c.name().rfind("accounts/", 0), 0u) << c.name();
    seen.insert(c.name());
  }
  EXPECT_EQ(static_cast<int>(seen.size()), accounts);

  // Shutdown ends an open stream at once, saying where to resume.
  const absl::Time stop_start = absl::Now();
  status = (*hubd)->Stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << (*hubd)->Stderr();
  EXPECT_FALSE(w.reader->Read(&c));
  grpc::Status ended = w.reader->Finish();
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(ended.error_message(),
            absl::StrCat("hubd is shutting down; resume with after_sequence ", last + 2))
      << "stopped in " << absl::Now() - stop_start;
}

}  // namespace
}  // namespace hub
