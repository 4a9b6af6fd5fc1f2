// Retention over a real SQLite store: exact counts per class at known
// times, legal holds (through merges, against erasure), the audit log's
// prefix purge and anchor, and purged events' stage facts kept.
#include "profile/ingest/retention.h"

#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "profile/identity/merge_ledger.h"
#include "profile/ingest/erasure.h"
#include "profile/ingest/ingester.h"
#include "profile/store/sqlite_store.h"
#include "tests/support/records.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::MakeActivity;
using testing_support::MakeRecord;
using testing_support::TempDir;
using v1::SourceRecord;

absl::Time At(const std::string& rfc3339) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &error)) << error;
  return t;
}

SourceRecord Event(const std::string& id, const std::string& email, const std::string& when,
                   const std::string& type) {
  SourceRecord r = MakeRecord("segment", hub::v1::WEB_EVENT, id, when, {{"email", email}});
  MakeActivity(&r, when, type);
  return r;
}

// Ana: a contact, three page views, an email open with a campaign (which
// the stage metrics read) and a url (which nothing reads). Bo: a contact
// and a page view. A record validation refuses.
std::vector<SourceRecord> World() {
  SourceRecord ana = MakeRecord("salesforce", hub::v1::CONTACT, "003A", "2024-05-01T00:00:00Z",
                                {{"salesforce.contact_id", "003A"}, {"email", "ana@acme.example"}},
                                {{"first_name", "Ana"}});
  SourceRecord bo = MakeRecord("salesforce", hub::v1::CONTACT, "003B", "2024-05-01T00:00:00Z",
                               {{"salesforce.contact_id", "003B"}, {"email", "bo@acme.example"}},
                               {{"first_name", "Bo"}});
  SourceRecord opened = MakeRecord("mailchimp", hub::v1::EMAIL_ACTIVITY, "eo1",
                                   "2024-01-05T00:00:00Z", {{"email", "ana@acme.example"}});
  MakeActivity(&opened, "2024-01-05T00:00:00Z", "email_opened");
  (*opened.mutable_properties())["campaign_id"] = "c1";
  (*opened.mutable_properties())["url"] = "https://acme.example/?utm=1";
  SourceRecord broken = MakeRecord("zendesk", hub::v1::CONTACT, "361", "2024-07-01T00:00:00Z",
                                   {{"zendesk.user_id", "361"}, {"phone", "12"}});
  return {ana,
          bo,
          Event("pv1", "ana@acme.example", "2024-01-10T00:00:00Z", "page_view"),
          Event("pv2", "ana@acme.example", "2024-06-01T00:00:00Z", "page_view"),
          Event("pv3", "ana@acme.example", "2024-09-20T00:00:00Z", "page_view"),
          opened,
          Event("pvb", "bo@acme.example", "2024-01-11T00:00:00Z", "page_view"),
          broken};
}

// Page views kept 100 days, raw payloads 60, at 2024-10-01: cutoffs
// 2024-06-23 and 2024-08-02.
RetentionPolicy Policy() {
  RetentionPolicy p;
  p.event_types["page_view"] = absl::Hours(24 * 100);
  p.raw_payloads = absl::Hours(24 * 60);
  return p;
}

std::vector<std::string> Funnel(Store* store) {
  std::vector<std::string> out;
  for (Side side : {Side::kPerson, Side::kAccount}) {
    absl::StatusOr<std::vector<FunnelCount>> counts =
        store->SumFunnelCounts(side, "", -100000, 100000);
    EXPECT_TRUE(counts.ok()) << counts.status();
    if (!counts.ok()) return out;
    for (const FunnelCount& c : *counts) {
      out.push_back(absl::StrCat(static_cast<int>(side), " ", c.stage, " ", c.reach_days, " ",
                                 c.stay_days, " ", c.n));
    }
  }
  return out;
}

std::vector<std::string> Metrics(Store* store) {
  std::vector<std::string> out;
  absl::StatusOr<MetricSums> sums = store->SumMetrics("", -100000, 100000);
  EXPECT_TRUE(sums.ok()) << sums.status();
  if (!sums.ok()) return out;
  for (const auto& [key, n] : *sums) {
    out.push_back(absl::StrCat(key.first, " ", key.second, " ", n));
  }
  return out;
}

std::string Exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  char* error = nullptr;
  sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  return message;
}

struct Hub {
  explicit Hub(const std::string& path) {
    store = *OpenSqliteStore(SqliteStoreOptions{path});
    ingester = std::make_unique<Ingester>(store.get());
    ingester->set_stage_rules(rules);
    absl::StatusOr<IngestStats> s = ingester->IngestBatch(World());
    EXPECT_TRUE(s.ok()) << s.status();
    EXPECT_TRUE(ingester->FlushStages().ok());
    ana = *store->FindIdentity(Side::kPerson, "email", "ana@acme.example");
    bo = *store->FindIdentity(Side::kPerson, "email", "bo@acme.example");
  }
  absl::StatusOr<PurgeReport> Purge(const RetentionPolicy& policy, bool confirm,
                                    absl::Time now = At("2024-10-01T00:00:00Z")) {
    PurgeOptions options;
    options.now = now;
    options.confirm = confirm;
    options.batch_rows = 2;  // several transactions per class
    return PurgeExpired(store.get(), rules, policy, options, steward);
  }
  int64_t EventsOf(int64_t id) { return store->ListEvents(id, INT64_MAX, INT64_MAX, 100)->size(); }

  StageRules rules = StageRules::Default();
  std::unique_ptr<Store> store;
  std::unique_ptr<Ingester> ingester;
  Actor steward{"ana-dpo", "steward", "retention policy R-1", "req-1"};
  int64_t ana = 0;
  int64_t bo = 0;
};

class RetentionTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(RetentionTest, APreviewCountsExactlyWhatThePurgeRemovesAndChangesNothing) {
  Hub hub(dir_.File("hub.db"));
  ASSERT_TRUE(PlaceLegalHold(hub.store.get(), hub.bo, "", "", hub.steward).ok());
  absl::StatusOr<PurgeReport> preview = hub.Purge(Policy(), false);
  ASSERT_TRUE(preview.ok()) << preview.status();
  // Raw payloads updated before 2024-08-02: Ana's contact, pv1, pv2, eo1;
  // Bo's contact and pvb are held.
  EXPECT_TRUE(preview->raw_payloads.applies);
  EXPECT_EQ(preview->raw_payloads.purged, 4);
  EXPECT_EQ(preview->raw_payloads.held, 2);
  EXPECT_EQ(preview->raw_payloads.cutoff_us, absl::ToUnixMicros(At("2024-08-02T00:00:00Z")));
  // Page views before 2024-06-23: pv1, pv2; pvb is held. The email open
  // has no age: kept.
  EXPECT_EQ(preview->events.purged, 2);
  EXPECT_EQ(preview->events.held, 1);
  EXPECT_EQ(preview->events_by_type, (std::map<std::string, int64_t>{{"page_view", 2}}));
  EXPECT_EQ(preview->event_type_cutoff_us.at("page_view"),
            absl::ToUnixMicros(At("2024-06-23T00:00:00Z")));
  EXPECT_FALSE(preview->quarantine.applies);
  EXPECT_EQ(preview->transactions, 0);
  EXPECT_EQ(hub.EventsOf(hub.ana), 4);
  EXPECT_EQ(hub.store->ListAudit(0, 100)->size(), 1u);  // the hold's entry only

  absl::StatusOr<PurgeReport> done = hub.Purge(Policy(), true);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->raw_payloads.purged, 4);
  EXPECT_EQ(done->raw_payloads.held, 2);
  EXPECT_EQ(done->events.purged, 2);
  EXPECT_EQ(done->events.held, 1);
  EXPECT_EQ(hub.EventsOf(hub.ana), 2);  // pv3, eo1
  EXPECT_EQ(hub.EventsOf(hub.bo), 1);   // held
  // One audit entry per transaction that removed something (batches of 2
  // rows looked at, held and kept ones included).
  std::vector<AuditEntry> log = *hub.store->ListAudit(0, 100);
  ASSERT_EQ(static_cast<int64_t>(log.size()), 1 + done->transactions);
  int64_t purged_in_log = 0;
  for (size_t i = 1; i < log.size(); ++i) {
    EXPECT_EQ(log[i].action, "PurgeExpired");
    EXPECT_EQ(log[i].actor.reason, "retention policy R-1");
    EXPECT_EQ(log[i].actor.request_id, "req-1");
    int64_t n = 0;
    ASSERT_EQ(sscanf(log[i].details.c_str(), "purged %ld", &n), 1) << log[i].details;
    purged_in_log += n;
  }
  EXPECT_EQ(purged_in_log, 6);
  EXPECT_EQ(log.back().seq, done->last_audit_seq);

  // The email open kept what the stage metrics read, not the url.
  auto tx = *hub.store->BeginWrite();
  absl::StatusOr<std::vector<SourceRecord>> records = tx->PersonRecordsOf(hub.ana);
  ASSERT_TRUE(records.ok()) << records.status();
  for (const SourceRecord& r : *records) {
    if (r.external_id() != "eo1") continue;
    EXPECT_EQ(r.properties().size(), 1u);
    EXPECT_EQ(r.properties().at("campaign_id"), "c1");
  }
  tx.reset();
  // Run again: nothing more expired; the held rows still count as held.
  absl::StatusOr<PurgeReport> again = hub.Purge(Policy(), false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->raw_payloads.purged, 0);
  EXPECT_EQ(again->raw_payloads.held, 2);
  EXPECT_EQ(again->events.purged, 0);
  EXPECT_EQ(again->events.held, 1);
}

TEST_F(RetentionTest, QuarantinedRecordsGoByTheirQuarantineTime) {
  Hub hub(dir_.File("hub.db"));
  RetentionPolicy policy;
  policy.quarantine = absl::Hours(24);
  // Quarantined just now: not a day old yet.
  absl::StatusOr<PurgeReport> r = hub.Purge(policy, true, absl::Now());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->quarantine.purged, 0);
  ASSERT_EQ(hub.store->ListQuarantine(0, 10)->size(), 1u);
  r = hub.Purge(policy, true, absl::Now() + absl::Hours(25));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->quarantine.purged, 1);
  EXPECT_EQ(r->quarantine.held, 0);
  EXPECT_TRUE(hub.store->ListQuarantine(0, 10)->empty());
}

TEST_F(RetentionTest, PurgingEventsKeepsTheFunnelAndMetricsThroughAnUnmerge) {
  // Two hubs with the same records: one purges, the other keeps all.
  Hub purged(dir_.File("a.db"));
  Hub kept(dir_.File("b.db"));
  const std::vector<std::string> funnel = Funnel(purged.store.get());
  const std::vector<std::string> metrics = Metrics(purged.store.get());
  ASSERT_FALSE(funnel.empty());
  ASSERT_FALSE(metrics.empty());
  RetentionPolicy policy;
  policy.events = absl::Hours(24 * 30);  // every event before 2024-09-01
  absl::StatusOr<PurgeReport> r = purged.Purge(policy, true);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->events.purged, 4);  // pv1, pv2, eo1, pvb
  EXPECT_EQ(Funnel(purged.store.get()), funnel);
  EXPECT_EQ(Metrics(purged.store.get()), metrics);
  // An unmerge rebuilds both persons' facts from their records: the
  // purged events' facts must still count, as on the hub that kept them.
  for (Hub* hub : {&purged, &kept}) {
    MergeLedger ledger(hub->store.get(), SurvivorshipPolicy(), hub->rules);
    absl::StatusOr<MergeEntry> m =
        ledger.Merge(Side::kPerson, hub->ana, hub->bo, hub->steward);
    ASSERT_TRUE(m.ok()) << m.status();
    absl::StatusOr<UnmergeResult> u =
        ledger.Unmerge(Side::kPerson, m->winner, m->seq, hub->steward);
    ASSERT_TRUE(u.ok()) << u.status();
  }
  EXPECT_EQ(Funnel(purged.store.get()), Funnel(kept.store.get()));
  EXPECT_EQ(Metrics(purged.store.get()), Metrics(kept.store.get()));
  EXPECT_EQ(Funnel(purged.store.get()), funnel);
}

TEST_F(RetentionTest, StageWorkIngestDeferredIsAppliedBeforeItsEventsGo) {
  Hub purged(dir_.File("a.db"));
  Hub kept(dir_.File("b.db"));
  // New events whose stage work is deferred (a stage window): their facts
  // are not counted until the notes are applied.
  std::vector<SourceRecord> late = {
      Event("pv4", "ana@acme.example", "2023-03-01T00:00:00Z", "page_view"),
      Event("pv5", "bo@acme.example", "2023-03-02T00:00:00Z", "page_view")};
  for (Hub* hub : {&purged, &kept}) {
    hub->ingester->set_stage_window(1000);
    ASSERT_TRUE(hub->ingester->IngestBatch(late).ok());
  }
  ASSERT_TRUE(kept.ingester->FlushStages().ok());
  RetentionPolicy policy;
  policy.events = absl::Hours(24 * 30);
  PurgeOptions options;
  options.now = At("2024-10-01T00:00:00Z");
  options.confirm = true;
  absl::StatusOr<PurgeReport> r =
      PurgeExpired(purged.store.get(), purged.rules, policy, options, purged.steward);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  EXPECT_EQ(purged.EventsOf(purged.ana), 5);  // nothing went
  options.flush_stages = [&purged] { return purged.ingester->FlushStages(); };
  r = PurgeExpired(purged.store.get(), purged.rules, policy, options, purged.steward);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->events.purged, 6);  // pv1, pv2, pv4, eo1, pvb, pv5
  EXPECT_EQ(Funnel(purged.store.get()), Funnel(kept.store.get()));
  EXPECT_EQ(Metrics(purged.store.get()), Metrics(kept.store.get()));
}

TEST_F(RetentionTest, AHoldFollowsAMergeAndRefusesErasure) {
  Hub hub(dir_.File("hub.db"));
  absl::StatusOr<LegalHold> hold =
      PlaceLegalHold(hub.store.get(), 0, "email", "bo@acme.example", hub.steward);
  ASSERT_TRUE(hold.ok()) << hold.status();
  EXPECT_EQ(hold->profile_id, hub.bo);
  EXPECT_EQ(hold->subject, "email:bo@acme.example");
  EXPECT_EQ(PlaceLegalHold(hub.store.get(), 0, "email", "x@acme.example", hub.steward)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  Actor no_reason = hub.steward;
  no_reason.reason.clear();
  EXPECT_EQ(PlaceLegalHold(hub.store.get(), hub.ana, "", "", no_reason).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Bo merges into Ana (the older profile survives): the hold now holds Ana.
  MergeLedger ledger(hub.store.get(), SurvivorshipPolicy(), hub.rules);
  absl::StatusOr<MergeEntry> m = ledger.Merge(Side::kPerson, hub.ana, hub.bo, hub.steward);
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_EQ(m->winner, hub.ana);
  auto tx = *hub.store->BeginWrite();
  ASSERT_EQ(tx->LegalHoldsOn(hub.ana)->size(), 1u);
  tx.reset();
  absl::StatusOr<ErasureReceipt> erased =
      EraseSubject(hub.store.get(), &hub.rules, "email", "ana@acme.example", hub.steward, true);
  EXPECT_EQ(erased.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(erased.status().message().find(absl::StrCat("legalHolds/", hold->seq)),
            std::string::npos)
      << erased.status();
  // Every expired event of the survivor is held.
  RetentionPolicy policy;
  policy.events = absl::Hours(24 * 30);
  absl::StatusOr<PurgeReport> r = hub.Purge(policy, true);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->events.purged, 0);
  EXPECT_EQ(r->events.held, 4);
  // Released, the erasure goes ahead.
  ASSERT_TRUE(ReleaseLegalHold(hub.store.get(), hold->seq, hub.steward).ok());
  EXPECT_EQ(ReleaseLegalHold(hub.store.get(), hold->seq, hub.steward).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(hub.store->ListLegalHolds()->empty());
  erased =
      EraseSubject(hub.store.get(), &hub.rules, "email", "ana@acme.example", hub.steward, false);
  EXPECT_TRUE(erased.ok()) << erased.status();
}

TEST_F(RetentionTest, TheAuditLogLosesAPrefixAndVerifiesFromItsAnchor) {
  const std::string path = dir_.File("hub.db");
  Hub hub(path);
  auto append = [&](const std::string& target) {
    auto tx = *hub.store->BeginWrite();
    AuditEntry e;
    e.actor = hub.steward;
    e.action = "MergeProfiles";
    e.target = target;
    ASSERT_TRUE(tx->AppendAudit(e).ok());
    ASSERT_TRUE(tx->Commit().ok());
  };
  for (int i = 1; i <= 3; ++i) append(absl::StrCat("profiles/", i));
  absl::SleepFor(absl::Milliseconds(5));
  const absl::Time split = absl::Now();
  absl::SleepFor(absl::Milliseconds(5));
  for (int i = 4; i <= 5; ++i) append(absl::StrCat("profiles/", i));
  RetentionPolicy policy;
  policy.audit = absl::Hours(1);
  absl::StatusOr<PurgeReport> preview = hub.Purge(policy, false, split + absl::Hours(1));
  ASSERT_TRUE(preview.ok()) << preview.status();
  EXPECT_EQ(preview->audit.purged, 3);
  EXPECT_EQ(hub.store->ListAudit(0, 100)->size(), 5u);
  absl::StatusOr<PurgeReport> done = hub.Purge(policy, true, split + absl::Hours(1));
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->audit.purged, 3);
  // In batches of 2: entries 1-2 (anchor 2, entry 6), then 3 (anchor 3,
  // entry 7); 6 is newer than the cutoff, so the prefix ends at 3.
  std::vector<AuditEntry> log = *hub.store->ListAudit(0, 100);
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0].seq, 4);
  EXPECT_EQ(log[3].seq, 7);
  const std::string cutoff = absl::FormatTime(
      "%Y-%m-%dT%H:%M:%E*SZ", absl::FromUnixMicros(absl::ToUnixMicros(split)), absl::UTCTimeZone());
  EXPECT_EQ(log[2].details, "purged 2 audit older than " + cutoff + "; audit log anchored at entry 2");
  EXPECT_EQ(log[3].details, "purged 1 audit older than " + cutoff + "; audit log anchored at entry 3");
  EXPECT_EQ(log[3].actor.reason, "retention policy R-1");
  absl::StatusOr<AuditCheck> check = hub.store->VerifyAudit();
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->first_bad_seq, 0) << check->problem;
  EXPECT_EQ(check->anchor_seq, 3);
  EXPECT_EQ(check->entries, 4);
  EXPECT_EQ(check->head_hash, log[3].hash);
  hub.store.reset();
  hub.ingester.reset();
  // Only entries up to the anchor may be deleted; none is left, and the
  // rest are still refused; so is any change to the anchors.
  EXPECT_EQ(Exec(path, "DELETE FROM audit_log WHERE seq=4"), "audit_log is append-only");
  EXPECT_EQ(Exec(path, "DELETE FROM audit_anchors"), "audit_anchors is append-only");
  EXPECT_EQ(Exec(path, "UPDATE audit_anchors SET seq=5"), "audit_anchors is append-only");
  // An edit of a remaining entry is found from the anchor.
  EXPECT_EQ(Exec(path, "DROP TRIGGER audit_log_no_update; "
                       "UPDATE audit_log SET principal='mallory' WHERE seq=5"),
            "");
  auto store = OpenSqliteStore(SqliteStoreOptions{path});
  ASSERT_TRUE(store.ok());
  check = (*store)->VerifyAudit();
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->first_bad_seq, 5);
  EXPECT_EQ(check->anchor_seq, 3);
}

TEST_F(RetentionTest, AWholeLogPurgedGoesOnFromItsAnchor) {
  Hub hub(dir_.File("hub.db"));
  {
    auto tx = *hub.store->BeginWrite();
    AuditEntry e;
    e.actor = hub.steward;
    e.action = "MergeProfiles";
    ASSERT_TRUE(tx->AppendAudit(e).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  RetentionPolicy policy;
  policy.audit = absl::Hours(1);
  absl::StatusOr<PurgeReport> done = hub.Purge(policy, true, absl::Now() + absl::Hours(2));
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->audit.purged, 1);
  std::vector<AuditEntry> log = *hub.store->ListAudit(0, 100);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].seq, 2);  // chained to the anchor, not a new first entry
  absl::StatusOr<AuditCheck> check = hub.store->VerifyAudit();
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->first_bad_seq, 0) << check->problem;
  EXPECT_EQ(check->anchor_seq, 1);
}

TEST(RetentionAgeTest, ParsesDaysAndDurationsAndRefusesTheRest) {
  EXPECT_EQ(*ParseRetentionAge("90d", "f"), absl::Hours(24 * 90));
  EXPECT_EQ(*ParseRetentionAge("200ms", "f"), absl::Milliseconds(200));
  EXPECT_EQ(*ParseRetentionAge("36h", "f"), absl::Hours(36));
  for (const char* bad : {"-1d", "0s", "soon", "", "d"}) {
    absl::StatusOr<absl::Duration> age = ParseRetentionAge(bad, "retention.events");
    EXPECT_EQ(age.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(age.status().message().rfind("retention.events: ", 0), 0u) << age.status();
  }
}

}  // namespace
}  // namespace hub
