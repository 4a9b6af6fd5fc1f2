// Exact table and JSON renderings of hand-built messages.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "tests/hubctl/test_protos.h"
#include "tools/hubctl/format.h"
#include "tools/hubctl/merge_view.h"
#include "tools/hubctl/profile_view.h"
#include "tools/hubctl/sync_view.h"

namespace hubctl {
namespace {

using testing::AnaProfile;
using testing::CrmJob;
using testing::Time;

template <typename Message, typename Printer>
std::string Render(const Message& message, Printer print) {
  std::ostringstream out;
  print(message, out);
  return out.str();
}

TEST(ProfileViewTest, ShowsTraitsWithLineageIdentifiersAndSourceRecords) {
  EXPECT_EQ(
      Render(AnaProfile(), PrintProfile),
      "Profile profiles/12\n"
      "  account      accounts/3\n"
      "  merged from  profiles/15, profiles/19\n"
      "  created      2024-01-10T08:01:00Z\n"
      "  updated      2024-03-05T12:31:00Z\n"
      "  events       42\n"
      "\n"
      "Traits\n"
      "  first_name = Ana           (salesforce CONTACT 003A1, "
      "2024-02-01T09:00:00Z, most_recent)\n"
      "  title      = VP Marketing  (mailchimp CONTACT m-77, "
      "2024-03-05T12:30:00Z, source_priority)\n"
      "\n"
      "Identifiers\n"
      "  TYPE   VALUE                  SOURCE      FIRST SEEN\n"
      "  email  ana.ruiz@acme.example  salesforce  2024-02-01T09:05:00Z\n"
      "  phone  +14155550100           mailchimp   2024-03-05T12:31:00Z\n"
      "\n"
      "Source records\n"
      "  SOURCE      ENTITY   EXTERNAL ID  UPDATED               DELETED\n"
      "  mailchimp   CONTACT  m-77         2024-03-05T12:30:00Z  no\n"
      "  salesforce  CONTACT  003A1        2024-02-01T09:00:00Z  no\n"
      "  salesforce  LEAD     00Q9         2024-01-10T08:00:00Z  yes\n");
}

TEST(ProfileViewTest, EmptyProfileShowsDashesAndNone) {
  hub::v1::Profile profile;
  profile.set_name("profiles/7");
  EXPECT_EQ(Render(profile, PrintProfile),
            "Profile profiles/7\n"
            "  account      -\n"
            "  merged from  -\n"
            "  created      -\n"
            "  updated      -\n"
            "  events       0\n"
            "\n"
            "Traits\n"
            "  (none)\n"
            "\n"
            "Identifiers\n"
            "  (none)\n"
            "\n"
            "Source records\n"
            "  (none)\n");
}

TEST(ProfileViewTest, TraitValuesAreEscapedAndLongOnesDoNotWidenTheColumn) {
  hub::v1::Profile profile;
  profile.set_name("profiles/7");
  hub::v1::Trait* a = profile.add_traits();
  a->set_name("bio");
  a->set_value(std::string(50, 'x'));
  a->mutable_lineage()->set_source("zendesk");
  hub::v1::Trait* b = profile.add_traits();
  b->set_name("note");
  b->set_value("a\nb");
  b->mutable_lineage()->set_source("zendesk");
  const std::string view = Render(profile, PrintProfile);
  EXPECT_NE(view.find("  bio  = " + std::string(50, 'x') +
                      "  (zendesk ENTITY_TYPE_UNSPECIFIED -, -, -)\n"),
            std::string::npos)
      << view;
  EXPECT_NE(view.find("  note = a\\nb  (zendesk ENTITY_TYPE_UNSPECIFIED -, -, "
                      "-)\n"),
            std::string::npos)
      << view;
}

TEST(ProfileViewTest, ListShowsOneRowPerProfile) {
  hub::v1::ListProfilesResponse response;
  hub::v1::Profile* ana = response.add_profiles();
  *ana = AnaProfile();
  ana->clear_source_records();
  hub::v1::Profile* bo = response.add_profiles();
  bo->set_name("profiles/13");
  *bo->mutable_update_time() = Time("2024-04-01T00:00:00Z");
  EXPECT_EQ(Render(response, PrintProfileList),
            "NAME         ACCOUNT     PERSON  EMAIL                  EVENTS  "
            "UPDATED\n"
            "profiles/12  accounts/3  Ana     ana.ruiz@acme.example  42      "
            "2024-03-05T12:31:00Z\n"
            "profiles/13  -           -       -                      0       "
            "2024-04-01T00:00:00Z\n");
}

TEST(MergeViewTest, LedgerShowsOneRowPerEntryWithItsStatus) {
  EXPECT_EQ(Render(testing::LedgerPage(), PrintMergeList),
            "SEQ  WHEN                  RULE                 WINNER       "
            "LOSER        SCORE  BY           RECORD                  STATUS\n"
            "6    2024-03-07T10:00:00Z  unmerge              profiles/12  "
            "profiles/15  -      steward-bo   -                       undoes 5\n"
            "5    2024-03-06T09:00:00Z  manual               profiles/12  "
            "profiles/15  -      steward-ana  -                       undone by 6\n"
            "2    2024-03-05T12:31:00Z  deterministic:email  profiles/12  "
            "profiles/19  0.75   ingest       mailchimp CONTACT m-77  in effect\n");
}

TEST(MergeViewTest, StewardActionsPrintOneLine) {
  hub::v1::MergeProfilesResponse merged;
  merged.set_survivor("profiles/12");
  merged.mutable_entry()->set_loser("profiles/15");
  merged.mutable_entry()->set_sequence(5);
  EXPECT_EQ(Render(merged, PrintMergeResult),
            "profiles/15 merged into profiles/12 (ledger entry 5)\n");
  hub::v1::UnmergeProfileResponse unmerged;
  unmerged.set_name("profiles/12");
  unmerged.set_restored("profiles/15");
  unmerged.mutable_entry()->set_sequence(6);
  unmerged.mutable_entry()->set_undoes(5);
  EXPECT_EQ(Render(unmerged, PrintUnmergeResult),
            "profiles/15 split from profiles/12 (ledger entry 6 undoes 5); the "
            "two are kept apart\n");
  hub::v1::DoNotLink link;
  link.set_name("profiles/12");
  link.set_other_name("profiles/15");
  EXPECT_EQ(Render(link, PrintDoNotLink), "profiles/12 and profiles/15 are kept apart\n");
}

TEST(SyncViewTest, ShowsEveryCounterAndTheError) {
  EXPECT_EQ(Render(CrmJob(hub::v1::SyncJob::FAILED), PrintSyncJob),
            "Sync job sources/crm/syncJobs/3\n"
            "  state                 FAILED\n"
            "  created               2024-05-02T09:15:00Z\n"
            "  ended                 2024-05-02T09:16:30.250Z\n"
            "  records read          1200\n"
            "  records ingested      1100\n"
            "  records unchanged     90\n"
            "  records quarantined   10\n"
            "  records suppressed    7\n"
            "  profiles created      800\n"
            "  accounts created      50\n"
            "  merges                12\n"
            "  identity refusals     2\n"
            "  probabilistic merges  4\n"
            "  merge suggestions     1\n"
            "  batches               3\n"
            "  cursor                Contact.csv:1200\n"
            "  error                 Contact.csv: truncated\n");
}

TEST(SyncViewTest, SourceShowsItsSyncInterval) {
  hub::v1::Source source;
  source.set_name("sources/crm");
  source.set_kind("salesforce");
  EXPECT_NE(Render(source, PrintSource).find("  sync interval  on demand\n"), std::string::npos)
      << Render(source, PrintSource);
  source.mutable_sync_interval()->set_seconds(900);
  EXPECT_NE(Render(source, PrintSource).find("  sync interval  every 15m\n"), std::string::npos)
      << Render(source, PrintSource);
}

TEST(SyncViewTest, ListShowsOneRowPerJob) {
  hub::v1::ListSyncJobsResponse response;
  *response.add_sync_jobs() = CrmJob(hub::v1::SyncJob::RUNNING);
  EXPECT_EQ(Render(response, PrintSyncJobList),
            "NAME                    STATE    READ  INGESTED  UNCHANGED  "
            "QUARANTINED  PROFILES  ACCOUNTS  MERGES  CREATED               "
            "ENDED\n"
            "sources/crm/syncJobs/3  RUNNING  1200  1100      90         10  "
            "         800       50        12      2024-05-02T09:15:00Z  -\n");
}

TEST(SyncViewTest, ProgressLineCarriesStateAndCounters) {
  EXPECT_EQ(SyncProgressLine(CrmJob(hub::v1::SyncJob::RUNNING)),
            "sources/crm/syncJobs/3 RUNNING  read 1200  ingested 1100  "
            "unchanged 90  quarantined 10  profiles 800  accounts 50  "
            "merges 12  batches 3");
}

// protobuf 3.21 prints scalar fields before message fields (timestamps).
TEST(JsonTest, SyncJobUsesProto3JsonMappingWithEveryField) {
  EXPECT_EQ(ToJson(CrmJob(hub::v1::SyncJob::SUCCEEDED)).value(),
            "{\n"
            " \"name\": \"sources/crm/syncJobs/3\",\n"
            " \"state\": \"SUCCEEDED\",\n"
            " \"recordsRead\": \"1200\",\n"
            " \"recordsIngested\": \"1100\",\n"
            " \"recordsUnchanged\": \"90\",\n"
            " \"recordsQuarantined\": \"10\",\n"
            " \"profilesCreated\": \"800\",\n"
            " \"merges\": \"12\",\n"
            " \"batches\": \"3\",\n"
            " \"error\": \"\",\n"
            " \"accountsCreated\": \"50\",\n"
            " \"identityRefusals\": \"2\",\n"
            " \"probabilisticMerges\": \"4\",\n"
            " \"mergeSuggestions\": \"1\",\n"
            " \"cursor\": \"Contact.csv:1200\",\n"
            " \"recordsSuppressed\": \"7\",\n"
            " \"createTime\": \"2024-05-02T09:15:00Z\",\n"
            " \"endTime\": \"2024-05-02T09:16:30.250Z\"\n"
            "}\n");
}

TEST(JsonTest, ProfileNestsTraitsLineageAndEnumsByName) {
  hub::v1::Profile profile;
  profile.set_name("profiles/12");
  hub::v1::Trait* trait = profile.add_traits();
  trait->set_name("title");
  trait->set_value("VP");
  trait->mutable_lineage()->set_entity(hub::v1::CONTACT);
  *trait->mutable_lineage()->mutable_observed_at() =
      Time("2024-03-05T12:30:00Z");
  EXPECT_EQ(ToJson(profile).value(),
            "{\n"
            " \"name\": \"profiles/12\",\n"
            " \"mergedNames\": [],\n"
            " \"account\": \"\",\n"
            " \"traits\": [\n"
            "  {\n"
            "   \"name\": \"title\",\n"
            "   \"value\": \"VP\",\n"
            "   \"lineage\": {\n"
            "    \"source\": \"\",\n"
            "    \"entity\": \"CONTACT\",\n"
            "    \"externalId\": \"\",\n"
            "    \"rule\": \"\",\n"
            "    \"observedAt\": \"2024-03-05T12:30:00Z\"\n"
            "   }\n"
            "  }\n"
            " ],\n"
            " \"identifiers\": [],\n"
            " \"sourceRecords\": [],\n"
            " \"eventCount\": \"0\",\n"
            " \"consents\": [],\n"
            " \"stage\": \"STAGE_UNSPECIFIED\"\n"
            "}\n");
}

TEST(FormatTest, TimestampsAreRfc3339UtcAndUnsetIsDash) {
  EXPECT_EQ(FormatTimestamp(Time("2024-05-02T09:15:00Z")),
            "2024-05-02T09:15:00Z");
  EXPECT_EQ(FormatTimestamp(Time("2024-05-02T11:15:00.5+02:00")),
            "2024-05-02T09:15:00.500Z");
  EXPECT_EQ(FormatTimestamp(google::protobuf::Timestamp()), "-");
  EXPECT_EQ(EntityTypeName(static_cast<hub::v1::EntityType>(99)), "99");
}

}  // namespace
}  // namespace hubctl
