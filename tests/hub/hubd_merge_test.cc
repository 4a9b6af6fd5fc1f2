// Steward merges over real gRPC against the real hubd: MergeProfiles ->
// GetProfile -> UnmergeProfile -> ListMerges, with a configured
// survivorship rule, and hubctl reading the ledger.
#include <signal.h>
#include <sys/wait.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "hub/auth.h"
#include "tests/hub/hub_client.h"
#include "tests/support/hubd_process.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::HubClient;
using testing_support::HubdProcess;
using testing_support::RunShell;
using testing_support::TempDir;

constexpr char kToken[] = "steward-test-token";

hub::v1::Profile Get(HubClient* client, const std::string& name) {
  hub::v1::GetProfileRequest req;
  req.set_name(name);
  hub::v1::Profile p;
  grpc::Status s = client->profiles()->GetProfile(client->Ctx().get(), req, &p);
  EXPECT_TRUE(s.ok()) << name << ": " << s.error_message();
  return p;
}

// A profile as a string, without update_time (every change moves it).
std::string Observed(hub::v1::Profile p) {
  p.clear_update_time();
  return p.DebugString();
}

TEST(HubdMergeTest, MergeGetUnmergeAndListTheLedger) {
  TempDir dir;
  std::string out;
  ASSERT_EQ(RunShell(absl::StrCat(HUB_SAMPLE_BIN, " --out ", dir.File("world"),
                             " --accounts 4 --seed 7 2>&1"), &out), 0) << out;
  std::ofstream(dir.File("hub.textproto"))
      << "db_path: \"" << dir.File("hub.db") << "\"\n"
      << "tokens { principal: \"steward-ana\" role: \"admin\" sha256: \""
      << Sha256Hex(kToken) << "\" }\n"
      << "survivorship { traits { name: \"title\" rule: FIRST_SEEN } }\n";
  auto hubd = HubdProcess::Start(HUBD_BIN, {"--config", dir.File("hub.textproto")}, dir.path());
  ASSERT_TRUE(hubd.ok()) << hubd.status();
  HubClient client((*hubd)->address(), kToken);
  ASSERT_TRUE(client.CreateSource("crm", "salesforce", dir.File("world/salesforce")).ok());
  ASSERT_EQ(client.SyncAndWait("crm").state(), hub::v1::SyncJob::SUCCEEDED);

  hub::v1::ListProfilesRequest list;
  list.set_page_size(2);
  hub::v1::ListProfilesResponse two;
  ASSERT_TRUE(client.profiles()->ListProfiles(client.Ctx().get(), list, &two).ok());
  ASSERT_EQ(two.profiles_size(), 2);
  const std::string older = two.profiles(0).name(), newer = two.profiles(1).name();
  const hub::v1::Profile older_before = Get(&client, older), newer_before = Get(&client, newer);
  for (const auto& t : older_before.traits()) {
    EXPECT_EQ(t.lineage().rule(), t.name() == "title" ? "first_seen" : "most_recent") << t.name();
  }

  // Merge, newer name first: the older survives.
  hub::v1::MergeProfilesRequest merge;
  merge.set_name(newer);
  merge.set_other_name(older);
  hub::v1::MergeProfilesResponse merged;
  grpc::Status s = client.profiles()->MergeProfiles(client.Ctx().get(), merge, &merged);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(merged.survivor(), older);
  EXPECT_EQ(merged.entry().winner(), older);
  EXPECT_EQ(merged.entry().loser(), newer);
  EXPECT_EQ(merged.entry().rule(), "manual");
  EXPECT_EQ(merged.entry().actor(), "steward-ana");
  EXPECT_FALSE(merged.entry().has_score());
  EXPECT_FALSE(merged.entry().has_source_record());

  hub::v1::Profile both = Get(&client, newer);  // forwards
  EXPECT_EQ(both.name(), older);
  ASSERT_EQ(both.merged_names_size(), 1);
  EXPECT_EQ(both.merged_names(0), newer);
  EXPECT_EQ(both.identifiers_size(),
            older_before.identifiers_size() + newer_before.identifiers_size());
  EXPECT_EQ(both.source_records_size(),
            older_before.source_records_size() + newer_before.source_records_size());
  EXPECT_EQ(both.event_count(), older_before.event_count() + newer_before.event_count());

  s = client.profiles()->MergeProfiles(client.Ctx().get(), merge, &merged);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(s.error_message(), absl::StrCat("cannot merge ", newer, " and ", older,
                                            ": both are ", older, " already"));

  // Unmerge through the merged-away name: both come back as they were.
  hub::v1::UnmergeProfileRequest unmerge;
  unmerge.set_name(newer);
  unmerge.set_merge_entry(merged.entry().sequence());
  hub::v1::UnmergeProfileResponse unmerged;
  s = client.profiles()->UnmergeProfile(client.Ctx().get(), unmerge, &unmerged);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(unmerged.name(), older);
  EXPECT_EQ(unmerged.restored(), newer);
  EXPECT_EQ(unmerged.entry().rule(), "unmerge");
  EXPECT_EQ(unmerged.entry().undoes(), merged.entry().sequence());
  EXPECT_EQ(unmerged.entry().actor(), "steward-ana");
  EXPECT_EQ(Observed(Get(&client, older)), Observed(older_before));
  EXPECT_EQ(Observed(Get(&client, newer)), Observed(newer_before));

  s = client.profiles()->UnmergeProfile(client.Ctx().get(), unmerge, &unmerged);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  // The ledger, newest first, from either side.
  for (const std::string& name : {older, newer}) {
    hub::v1::ListMergesRequest req;
    req.set_name(name);
    hub::v1::ListMergesResponse ledger;
    s = client.profiles()->ListMerges(client.Ctx().get(), req, &ledger);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(ledger.entries_size(), 2) << name;
    EXPECT_EQ(ledger.entries(0).sequence(), unmerged.entry().sequence());
    EXPECT_EQ(ledger.entries(0).undoes(), merged.entry().sequence());
    EXPECT_EQ(ledger.entries(1).sequence(), merged.entry().sequence());
    EXPECT_EQ(ledger.entries(1).undone_by(), unmerged.entry().sequence());
    EXPECT_EQ(ledger.entries(1).rule(), "manual");
  }

  // The two are kept apart now; a steward cannot merge them again.
  s = client.profiles()->MergeProfiles(client.Ctx().get(), merge, &merged);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(s.error_message(), absl::StrCat(newer, " and ", older,
                                            " are kept apart by a do-not-link constraint"));
  hub::v1::AddDoNotLinkRequest apart;
  apart.set_name(older);
  apart.set_other_name(newer);
  hub::v1::DoNotLink link;
  ASSERT_TRUE(client.profiles()->AddDoNotLink(client.Ctx().get(), apart, &link).ok());
  EXPECT_EQ(link.name(), older);
  EXPECT_EQ(link.other_name(), newer);

  // Canonical errors.
  merge.set_other_name("accounts/1");
  s = client.profiles()->MergeProfiles(client.Ctx().get(), merge, &merged);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message().substr(0, 12), "other_name: ");
  merge.set_other_name("profiles/x");
  s = client.profiles()->MergeProfiles(client.Ctx().get(), merge, &merged);
  EXPECT_EQ(s.error_message(),
            "other_name: expected \"profiles/{id}\" or \"accounts/{id}\", got \"profiles/x\"");
  merge.set_other_name("profiles/99999999");
  s = client.profiles()->MergeProfiles(client.Ctx().get(), merge, &merged);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  unmerge.set_merge_entry(424242);
  s = client.profiles()->UnmergeProfile(client.Ctx().get(), unmerge, &unmerged);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  unmerge.set_merge_entry(0);
  s = client.profiles()->UnmergeProfile(client.Ctx().get(), unmerge, &unmerged);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  s = client.profiles()->UnmergeProfile(client.Ctx(false).get(), unmerge, &unmerged);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // hubctl reads the same ledger.
  out.clear();
  EXPECT_EQ(RunShell(absl::StrCat("HUB_TOKEN=", kToken, " ", HUBCTL_BIN, " --server ",
                             (*hubd)->address(), " profiles merges ", older, " 2>&1"), &out), 0)
      << out;
  EXPECT_NE(out.find(absl::StrCat("unmerge  ", older, "  ", newer, "  -      steward-ana")),
            std::string::npos)
      << out;
  int status = (*hubd)->Stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << (*hubd)->Stderr();
}

}  // namespace
}  // namespace hub
