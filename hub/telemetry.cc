#include "hub/telemetry.h"

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <limits>
#include <map>
#include <stdexcept>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "hub/log.h"
#include "hub/v1/metrics_service.pb.h"

namespace hub {
namespace {

prometheus::ClientMetric GaugeOf(double value, std::vector<prometheus::ClientMetric::Label> labels) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = value;
  return m;
}

prometheus::MetricFamily GaugeFamily(std::string name, std::string help) {
  prometheus::MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = prometheus::MetricType::Gauge;
  return f;
}

// Profiles of `side` now in each stage: the funnel's entries over all days
// that have not left their stage (each profile has exactly one such entry,
// in its current stage).
void AddStageGauges(Store* store, Side side, prometheus::MetricFamily* family) {
  absl::StatusOr<std::vector<FunnelCount>> counts = store->SumFunnelCounts(
      side, "", std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
  if (!counts.ok()) return;  // the scrape shows no series rather than wrong ones
  std::map<int, int64_t> in_stage;
  for (int stage = hub::v1::ATTRACT; stage <= hub::v1::CHURNED; ++stage) in_stage[stage] = 0;
  for (const FunnelCount& c : *counts) {
    if (c.stay_days < 0 && in_stage.count(c.stage) != 0) in_stage[c.stage] += c.n;
  }
  const std::string side_label = side == Side::kPerson ? "persons" : "accounts";
  for (const auto& [stage, n] : in_stage) {
    family->metric.push_back(GaugeOf(
        static_cast<double>(n),
        {{"side", side_label}, {"stage", hub::v1::Stage_Name(static_cast<hub::v1::Stage>(stage))}}));
  }
}

}  // namespace

// Reads the store's size, the profiles by stage and the probe's verdict at
// scrape time.
class Telemetry::StoreCollector : public prometheus::Collectable {
 public:
  StoreCollector(Store* store, const std::atomic<bool>* up) : store_(store), up_(up) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> out;
    out.push_back(GaugeFamily("hub_store_up",
                              "1 while the store health probe passes, else 0"));
    out.back().metric.push_back(GaugeOf(up_->load() ? 1 : 0, {}));
    absl::StatusOr<int64_t> bytes = store_->DiskBytes();
    if (bytes.ok()) {
      out.push_back(GaugeFamily("hub_store_size_bytes",
                                "Bytes of the SQLite database file plus its write-ahead log"));
      out.back().metric.push_back(GaugeOf(static_cast<double>(*bytes), {}));
    }
    out.push_back(GaugeFamily(
        "hub_profiles_by_stage",
        "Live profiles (persons) and accounts by current lifecycle stage, as of the last "
        "applied stage work"));
    AddStageGauges(store_, Side::kPerson, &out.back());
    AddStageGauges(store_, Side::kAccount, &out.back());
    return out;
  }

 private:
  Store* store_;
  const std::atomic<bool>* up_;
};

absl::StatusOr<std::unique_ptr<Telemetry>> Telemetry::Create(const std::string& admin_address,
                                                             Store* store) {
  std::unique_ptr<Telemetry> t(new Telemetry());
  t->registry_ = std::make_shared<prometheus::Registry>();
  auto& jobs = prometheus::BuildCounter()
                   .Name("hub_sync_jobs_total")
                   .Help("Sync jobs ended, by outcome")
                   .Register(*t->registry_);
  t->jobs_succeeded_ = &jobs.Add({{"outcome", "succeeded"}});
  t->jobs_failed_ = &jobs.Add({{"outcome", "failed"}});
  t->jobs_cancelled_ = &jobs.Add({{"outcome", "cancelled"}});
  t->pages_ = &prometheus::BuildCounter()
                   .Name("hub_sync_pages_total")
                   .Help("Pages committed by sync jobs, counted when each job ends")
                   .Register(*t->registry_)
                   .Add({});
  auto& records = prometheus::BuildCounter()
                      .Name("hub_ingest_records_total")
                      .Help("Records ingested by sync jobs, by result, counted when each job ends")
                      .Register(*t->registry_);
  t->records_ingested_ = &records.Add({{"result", "ingested"}});
  t->records_unchanged_ = &records.Add({{"result", "unchanged"}});
  t->records_quarantined_ = &records.Add({{"result", "quarantined"}});
  t->records_suppressed_ = &records.Add({{"result", "suppressed"}});
  t->store_collector_ = std::make_shared<StoreCollector>(store, &t->store_up_);
  if (admin_address.empty()) return t;
  try {
    t->exposer_ = std::make_unique<prometheus::Exposer>(admin_address, 1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("ops.admin_listen_address: cannot listen on ",
                                               admin_address, ": ", e.what()));
  }
  t->exposer_->RegisterCollectable(t->registry_);
  t->exposer_->RegisterCollectable(t->store_collector_);
  std::vector<int> ports = t->exposer_->GetListeningPorts();
  t->admin_port_ = ports.empty() ? 0 : ports.front();
  return t;
}

Telemetry::~Telemetry() { StopAdmin(); }

void Telemetry::StopAdmin() { exposer_.reset(); }

void Telemetry::CountSyncJob(const hub::v1::SyncJob& job) {
  switch (job.state()) {
    case hub::v1::SyncJob::SUCCEEDED: jobs_succeeded_->Increment(); break;
    case hub::v1::SyncJob::CANCELLED: jobs_cancelled_->Increment(); break;
    default: jobs_failed_->Increment(); break;
  }
  pages_->Increment(static_cast<double>(job.batches()));
  records_ingested_->Increment(static_cast<double>(job.records_ingested()));
  records_unchanged_->Increment(static_cast<double>(job.records_unchanged()));
  records_quarantined_->Increment(static_cast<double>(job.records_quarantined()));
  records_suppressed_->Increment(static_cast<double>(job.records_suppressed()));
}

}  // namespace hub
