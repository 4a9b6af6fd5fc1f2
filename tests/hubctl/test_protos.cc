#include "tests/hubctl/test_protos.h"

#include <google/protobuf/util/time_util.h>

#include <cstdlib>

namespace hubctl::testing {
namespace {

void AddTrait(hub::v1::Profile* p, const std::string& name,
              const std::string& value, const std::string& source,
              const std::string& external_id, const std::string& observed,
              const std::string& rule) {
  hub::v1::Trait* t = p->add_traits();
  t->set_name(name);
  t->set_value(value);
  t->mutable_lineage()->set_source(source);
  t->mutable_lineage()->set_entity(hub::v1::CONTACT);
  t->mutable_lineage()->set_external_id(external_id);
  *t->mutable_lineage()->mutable_observed_at() = Time(observed);
  t->mutable_lineage()->set_rule(rule);
}

void AddIdentifier(hub::v1::Profile* p, const std::string& type,
                   const std::string& value, const std::string& source,
                   const std::string& first_seen) {
  hub::v1::ProfileIdentifier* id = p->add_identifiers();
  id->set_type(type);
  id->set_value(value);
  id->set_source(source);
  *id->mutable_first_seen() = Time(first_seen);
}

void AddRecord(hub::v1::Profile* p, const std::string& source,
               hub::v1::EntityType entity, const std::string& external_id,
               const std::string& updated, bool deleted) {
  hub::v1::SourceRecordRef* r = p->add_source_records();
  r->set_source(source);
  r->set_entity(entity);
  r->set_external_id(external_id);
  *r->mutable_updated_at() = Time(updated);
  r->set_deleted(deleted);
}

}  // namespace

google::protobuf::Timestamp Time(const std::string& rfc3339) {
  google::protobuf::Timestamp t;
  if (!google::protobuf::util::TimeUtil::FromString(rfc3339, &t)) std::abort();
  return t;
}

hub::v1::Profile AnaProfile() {
  hub::v1::Profile p;
  p.set_name("profiles/12");
  p.add_merged_names("profiles/15");
  p.add_merged_names("profiles/19");
  p.set_account("accounts/3");
  AddTrait(&p, "first_name", "Ana", "salesforce", "003A1",
           "2024-02-01T09:00:00Z", "most_recent");
  AddTrait(&p, "title", "VP Marketing", "mailchimp", "m-77",
           "2024-03-05T12:30:00Z", "source_priority");
  AddIdentifier(&p, "email", "ana.ruiz@acme.example", "salesforce",
                "2024-02-01T09:05:00Z");
  AddIdentifier(&p, "phone", "+14155550100", "mailchimp",
                "2024-03-05T12:31:00Z");
  AddRecord(&p, "mailchimp", hub::v1::CONTACT, "m-77", "2024-03-05T12:30:00Z",
            false);
  AddRecord(&p, "salesforce", hub::v1::CONTACT, "003A1", "2024-02-01T09:00:00Z",
            false);
  AddRecord(&p, "salesforce", hub::v1::LEAD, "00Q9", "2024-01-10T08:00:00Z",
            true);
  *p.mutable_create_time() = Time("2024-01-10T08:01:00Z");
  *p.mutable_update_time() = Time("2024-03-05T12:31:00Z");
  p.set_event_count(42);
  return p;
}

hub::v1::ListMergesResponse LedgerPage() {
  hub::v1::ListMergesResponse page;
  hub::v1::MergeLedgerEntry* unmerge = page.add_entries();
  unmerge->set_sequence(6);
  unmerge->set_winner("profiles/12");
  unmerge->set_loser("profiles/15");
  unmerge->set_rule("unmerge");
  unmerge->set_actor("steward-bo");
  *unmerge->mutable_create_time() = Time("2024-03-07T10:00:00Z");
  unmerge->set_undoes(5);
  hub::v1::MergeLedgerEntry* manual = page.add_entries();
  manual->set_sequence(5);
  manual->set_winner("profiles/12");
  manual->set_loser("profiles/15");
  manual->set_rule("manual");
  manual->set_actor("steward-ana");
  *manual->mutable_create_time() = Time("2024-03-06T09:00:00Z");
  manual->set_undone_by(6);
  hub::v1::MergeLedgerEntry* ingest = page.add_entries();
  ingest->set_sequence(2);
  ingest->set_winner("profiles/12");
  ingest->set_loser("profiles/19");
  ingest->set_rule("deterministic:email");
  ingest->set_score(0.75);
  ingest->mutable_source_record()->set_source("mailchimp");
  ingest->mutable_source_record()->set_entity(hub::v1::CONTACT);
  ingest->mutable_source_record()->set_external_id("m-77");
  *ingest->mutable_create_time() = Time("2024-03-05T12:31:00Z");
  return page;
}

hub::v1::SyncJob CrmJob(hub::v1::SyncJob::State state) {
  hub::v1::SyncJob job;
  job.set_name("sources/crm/syncJobs/3");
  job.set_state(state);
  job.set_records_read(1200);
  job.set_records_ingested(1100);
  job.set_records_unchanged(90);
  job.set_records_quarantined(10);
  job.set_records_suppressed(7);
  job.set_profiles_created(800);
  job.set_accounts_created(50);
  job.set_merges(12);
  job.set_identity_refusals(2);
  job.set_probabilistic_merges(4);
  job.set_merge_suggestions(1);
  job.set_batches(3);
  job.set_cursor("Contact.csv:1200");
  *job.mutable_create_time() = Time("2024-05-02T09:15:00Z");
  if (state == hub::v1::SyncJob::SUCCEEDED ||
      state == hub::v1::SyncJob::FAILED ||
      state == hub::v1::SyncJob::CANCELLED) {
    *job.mutable_end_time() = Time("2024-05-02T09:16:30.250Z");
  }
  if (state == hub::v1::SyncJob::FAILED)
    job.set_error("Contact.csv: truncated");
  return job;
}

namespace {

void AddTransition(hub::v1::ListStageTransitionsResponse* r,
                   hub::v1::Stage stage, const std::string& entered,
                   const std::string& left) {
  hub::v1::StageTransition* t = r->add_transitions();
  t->set_stage(stage);
  *t->mutable_enter_time() = Time(entered);
  if (!left.empty()) *t->mutable_leave_time() = Time(left);
}

void AddStage(hub::v1::Funnel* f, hub::v1::Stage stage, int64_t entries,
              int64_t converted, double median, int64_t left) {
  hub::v1::FunnelStage* s = f->add_stages();
  s->set_stage(stage);
  s->set_entries(entries);
  s->set_left(left);
  if (stage != hub::v1::EXPAND) {
    s->mutable_conversion_to_next()->set_numerator(converted);
    s->mutable_conversion_to_next()->set_denominator(entries);
    if (entries > 0) {
      s->mutable_conversion_to_next()->set_value(
          static_cast<double>(converted) / entries);
    }
  }
  if (left > 0) s->set_median_days_in_stage(median);
}

}  // namespace

hub::v1::ListStageTransitionsResponse AnaStages() {
  hub::v1::ListStageTransitionsResponse r;
  r.set_parent("profiles/12");
  r.set_stage(hub::v1::CONVERT);
  AddTransition(&r, hub::v1::ATTRACT, "2024-01-10T08:00:00Z",
                "2024-01-10T08:00:00Z");
  AddTransition(&r, hub::v1::CAPTURE, "2024-01-10T08:00:00Z",
                "2024-02-01T09:00:00Z");
  AddTransition(&r, hub::v1::NURTURE, "2024-02-01T09:00:00Z",
                "2024-03-01T21:00:00Z");
  AddTransition(&r, hub::v1::CONVERT, "2024-03-01T21:00:00Z", "");
  return r;
}

hub::v1::Funnel MarchFunnel() {
  hub::v1::Funnel f;
  f.set_side(hub::v1::PERSONS);
  *f.mutable_period()->mutable_start_time() = Time("2024-03-01T00:00:00Z");
  *f.mutable_period()->mutable_end_time() = Time("2024-04-01T00:00:00Z");
  f.set_segment("industry=Software & <Services>");
  f.set_conversion_window_days(90);
  AddStage(&f, hub::v1::ATTRACT, 1200, 800, 2, 1100);
  AddStage(&f, hub::v1::CAPTURE, 800, 240, 12.5, 700);
  AddStage(&f, hub::v1::NURTURE, 240, 60, 30, 200);
  AddStage(&f, hub::v1::CONVERT, 0, 0, 0, 0);
  AddStage(&f, hub::v1::EXPAND, 45, 0, 0, 0);
  return f;
}

namespace {

hub::v1::Metric* AddMetric(hub::v1::StageMetrics* r, const std::string& name,
                           hub::v1::Stage stage, hub::v1::MetricKind kind) {
  hub::v1::Metric* m = r->add_metrics();
  m->set_name(name);
  m->set_stage(stage);
  m->set_kind(kind);
  return m;
}

void AddRate(hub::v1::StageMetrics* r, const std::string& name,
             hub::v1::Stage stage, int64_t numerator, int64_t denominator) {
  hub::v1::Rate* rate =
      AddMetric(r, name, stage, hub::v1::OUTCOME)->mutable_rate();
  rate->set_numerator(numerator);
  rate->set_denominator(denominator);
  if (denominator > 0) {
    rate->set_value(static_cast<double>(numerator) / denominator);
  }
}

hub::v1::SegmentValue Segment(const std::string& name, int64_t accounts,
                              double revenue, int64_t churned, int32_t rank) {
  hub::v1::SegmentValue s;
  s.set_segment(name);
  s.set_accounts_at_start(accounts);
  s.set_revenue(revenue);
  s.set_churned(churned);
  if (accounts > 0) s.set_revenue_per_account(revenue / accounts);
  if (accounts > 0 && churned > 0) s.set_clv(revenue * 0.75 / churned);
  s.set_rank(rank);
  return s;
}

}  // namespace

hub::v1::StageMetrics MarchStageMetrics() {
  using hub::v1::ACTIVITY;
  using hub::v1::OUTCOME;
  hub::v1::StageMetrics r;
  *r.mutable_period()->mutable_start_time() = Time("2024-03-01T00:00:00Z");
  *r.mutable_period()->mutable_end_time() = Time("2024-04-01T00:00:00Z");
  AddMetric(&r, "anonymous_visitors", hub::v1::ATTRACT, ACTIVITY)
      ->set_count(1200);
  AddMetric(&r, "page_views", hub::v1::ATTRACT, ACTIVITY)->set_count(5400);
  AddRate(&r, "visitor_to_lead_rate", hub::v1::ATTRACT, 800, 1200);
  AddMetric(&r, "new_leads", hub::v1::CAPTURE, OUTCOME)->set_count(800);
  AddRate(&r, "lead_to_mql_rate", hub::v1::CAPTURE, 240, 800);
  AddMetric(&r, "sends", hub::v1::NURTURE, ACTIVITY)->set_count(1000);
  AddRate(&r, "unique_open_rate", hub::v1::NURTURE, 450, 980);
  AddRate(&r, "bounce_rate", hub::v1::NURTURE, 20, 1000);
  AddMetric(&r, "opportunities_created", hub::v1::CONVERT, OUTCOME)
      ->set_count(4);
  AddRate(&r, "win_rate", hub::v1::CONVERT, 0, 0);
  AddMetric(&r, "closed_won_revenue", hub::v1::CONVERT, OUTCOME)
      ->set_amount(84500.5);
  AddMetric(&r, "average_deal_size", hub::v1::CONVERT, OUTCOME);
  AddMetric(&r, "median_sales_cycle_days", hub::v1::CONVERT, OUTCOME);
  AddRate(&r, "churn_rate", hub::v1::EXPAND, 2, 40);
  AddRate(&r, "nps", hub::v1::EXPAND, 20, 80);
  r.mutable_metrics()->rbegin()->mutable_rate()->set_value(25);
  AddRate(&r, "csat", hub::v1::EXPAND, 45, 50);
  r.add_unavailable("customer_campaign_open_rate");
  return r;
}

hub::v1::CustomerValue MarchCustomerValue() {
  hub::v1::CustomerValue v;
  *v.mutable_period()->mutable_start_time() = Time("2024-03-01T00:00:00Z");
  *v.mutable_period()->mutable_end_time() = Time("2024-04-01T00:00:00Z");
  v.set_gross_margin(0.75);
  *v.mutable_overall() = Segment("", 40, 120000, 4, 1);
  *v.add_segments() = Segment("industry=Retail", 10, 60000, 1, 1);
  *v.add_segments() = Segment("industry=Software", 20, 50000, 3, 2);
  *v.add_segments() = Segment("industry=Health", 0, 10000, 0, 3);
  *v.add_segments() = Segment("tier=1", 40, 120000, 0, 1);
  return v;
}

}  // namespace hubctl::testing
