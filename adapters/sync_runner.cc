#include "adapters/sync_runner.h"

#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "profile/base/status_macros.h"
#include "profile/base/time_util.h"
#include "profile/ingest/pipelined_ingest_sink.h"

namespace hub {
namespace {

bool IsFinished(hub::v1::SyncJob::State state) {
  return state == hub::v1::SyncJob::SUCCEEDED ||
         state == hub::v1::SyncJob::FAILED ||
         state == hub::v1::SyncJob::CANCELLED;
}

void CopyStats(const IngestStats& s, int64_t pages, hub::v1::SyncJob* job) {
  job->set_records_read(s.read);
  job->set_records_ingested(s.ingested);
  job->set_records_unchanged(s.unchanged);
  job->set_records_quarantined(s.quarantined);
  job->set_records_suppressed(s.suppressed);
  job->set_profiles_created(s.profiles_created);
  job->set_accounts_created(s.accounts_created);
  job->set_merges(s.merges);
  job->set_identity_refusals(s.refusals);
  job->set_probabilistic_merges(s.matched);
  job->set_merge_suggestions(s.suggested);
  job->set_batches(pages);
}

// Refuses further pages once the runner is stopping.
class StoppableSink : public RecordSink {
 public:
  StoppableSink(RecordSink* inner, const std::atomic<bool>* stopping)
      : inner_(inner), stopping_(stopping) {}
  absl::Status Write(std::vector<hub::v1::SourceRecord> records,
                     const std::string& cursor) override {
    if (stopping_->load()) {
      return absl::CancelledError("interrupted by shutdown; resume with a new run");
    }
    return inner_->Write(std::move(records), cursor);
  }

 private:
  RecordSink* inner_;
  const std::atomic<bool>* stopping_;
};

}  // namespace

// How to stop one running job. Fields guarded by SyncRunner::mu_.
struct SyncJobControl {
  int64_t job_id = 0;  // 0 until the job row exists
  bool cancelled = false;
  PipelinedIngestSink* sink = nullptr;  // a local job's, while it runs
};

SyncRunner::SyncRunner(Store* store, const AdapterRegistry* registry,
                       Ingester* ingester, AdapterOptions options)
    : store_(store), registry_(registry), ingester_(ingester), options_(options) {}

SyncRunner::~SyncRunner() { Shutdown(); }

absl::StatusOr<int64_t> SyncRunner::Claim(const std::string& source_id,
                                          hub::v1::SyncJob* job,
                                          std::shared_ptr<SyncJobControl>* control) {
  HUB_RETURN_IF_ERROR(store_->GetSource(source_id).status());
  {
    absl::MutexLock lock(&mu_);
    if (stopping_.load()) return absl::UnavailableError("hubd is shutting down");
    if (active_.count(source_id) != 0) {
      return absl::FailedPreconditionError(
          "a sync job of sources/" + source_id + " is already running");
    }
    *control = std::make_shared<SyncJobControl>();
    active_[source_id] = *control;  // claimed: no second Start gets past here
  }
  // Creating the job waits for the store's writer; do it without mu_.
  *job->mutable_create_time() = ToProtoTime(absl::Now());
  absl::StatusOr<int64_t> job_id = store_->CreateSyncJob(source_id, *job);
  absl::MutexLock lock(&mu_);
  if (!job_id.ok() || stopping_.load()) {
    active_.erase(source_id);
    if (!job_id.ok()) return job_id.status();
    return absl::UnavailableError("hubd is shutting down");
  }
  job->set_name(absl::StrCat("sources/", source_id, "/syncJobs/", *job_id));
  (*control)->job_id = *job_id;
  return *job_id;
}

void SyncRunner::Release(const std::string& source_id) {
  absl::MutexLock lock(&mu_);
  active_.erase(source_id);
}

absl::StatusOr<hub::v1::SyncJob> SyncRunner::Start(const std::string& source_id,
                                                   bool full_resync) {
  hub::v1::SyncJob job;
  job.set_state(hub::v1::SyncJob::PENDING);
  std::shared_ptr<SyncJobControl> control;
  HUB_ASSIGN_OR_RETURN(int64_t job_id, Claim(source_id, &job, &control));
  absl::MutexLock lock(&mu_);
  if (stopping_.load()) {  // Shutdown began since Claim: it would not join us
    active_.erase(source_id);
    return absl::UnavailableError("hubd is shutting down");
  }
  auto finished = running_.find(source_id);
  if (finished != running_.end()) {  // a finished job's thread: reap it
    finished->second.join();
    running_.erase(finished);
  }
  running_.emplace(source_id, std::thread(&SyncRunner::Run, this, source_id,
                                          job_id, job, full_resync, control));
  return job;
}

absl::StatusOr<std::unique_ptr<RemoteJob>> SyncRunner::BeginRemote(
    const std::string& source_id) {
  hub::v1::SyncJob job;
  job.set_state(hub::v1::SyncJob::RUNNING);
  std::shared_ptr<SyncJobControl> control;
  HUB_ASSIGN_OR_RETURN(int64_t job_id, Claim(source_id, &job, &control));
  return std::unique_ptr<RemoteJob>(
      new RemoteJob(this, source_id, job_id, std::move(job), std::move(control)));
}

absl::StatusOr<hub::v1::SyncJob> SyncRunner::Cancel(const std::string& source_id,
                                                    int64_t job_id) {
  bool requested = false;
  {
    absl::MutexLock lock(&mu_);
    auto it = active_.find(source_id);
    if (it != active_.end() && it->second->job_id == job_id) {
      requested = true;
      it->second->cancelled = true;
      if (it->second->sink != nullptr) it->second->sink->Cancel();
    }
  }
  HUB_ASSIGN_OR_RETURN(hub::v1::SyncJob job, store_->GetSyncJob(source_id, job_id));
  if (requested) return job;
  if (IsFinished(job.state())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "name: sync job ", job.name(), " has already finished (",
        hub::v1::SyncJob::State_Name(job.state()), ")"));
  }
  // Its row exists but its run is not registered yet (it is starting).
  return absl::UnavailableError(
      absl::StrCat("name: sync job ", job.name(), " is starting; retry"));
}

absl::Status SyncRunner::Pull(const std::string& source_id, bool full_resync,
                              PipelinedIngestSink* sink) {
  HUB_ASSIGN_OR_RETURN(hub::v1::Source source, store_->GetSource(source_id));
  AdapterOptions options = options_;
  if (source.has_sync_timeout()) {
    options.deadline = absl::Now() + absl::Seconds(source.sync_timeout().seconds()) +
                       absl::Nanoseconds(source.sync_timeout().nanos());
  }
  options.max_requests = source.max_requests();
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<SourceAdapter> adapter,
                       registry_->Create(source, options));
  std::string cursor;
  if (!full_resync) {
    HUB_ASSIGN_OR_RETURN(cursor, store_->LoadCursor(source_id));
  }
  StoppableSink stoppable(sink, &stopping_);
  absl::Status pulled = adapter->Pull(cursor, &stoppable);
  absl::Status committed = sink->Finish();
  return pulled.ok() ? committed : pulled;
}

void SyncRunner::Run(std::string source_id, int64_t job_id,
                     hub::v1::SyncJob job, bool full_resync,
                     std::shared_ptr<SyncJobControl> control) {
  job.set_state(hub::v1::SyncJob::RUNNING);
  store_->UpdateSyncJob(source_id, job_id, job).IgnoreError();
  // Pages are prepared on this thread and committed on the sink's worker;
  // the job's progress commits in each page's transaction, so after a crash
  // it counts exactly the pages that committed.
  PipelinedIngestSink progress(
      ingester_, source_id,
      [&](WriteTransaction* tx, const IngestStats& stats, int64_t pages,
          const std::string& cursor) {
        CopyStats(stats, pages, &job);
        job.set_cursor(cursor);
        return tx->UpdateSyncJob(source_id, job_id, job);
      });
  {
    absl::MutexLock lock(&mu_);
    control->sink = &progress;
    if (control->cancelled) progress.Cancel();
  }
  absl::Status status = Pull(source_id, full_resync, &progress);
  bool cancelled = false;
  {
    absl::MutexLock lock(&mu_);
    control->sink = nullptr;
    cancelled = control->cancelled;
  }
  // The job ends with its stages current (the batches may have deferred
  // their stage work); a failure leaves that work pending for the next
  // flush, the records committed.
  if (status.ok()) status = ingester_->FlushStages();
  CopyStats(progress.stats(), progress.pages(), &job);
  if (status.ok()) {
    job.set_state(hub::v1::SyncJob::SUCCEEDED);
  } else if (cancelled) {
    job.set_state(hub::v1::SyncJob::CANCELLED);
  } else {
    job.set_state(hub::v1::SyncJob::FAILED);
    job.set_error(status.ToString());
  }
  *job.mutable_end_time() = ToProtoTime(absl::Now());
  // Observed before the final state is stored: whoever sees the job ended
  // also sees it counted.
  if (job_observer_) job_observer_(job);
  store_->UpdateSyncJob(source_id, job_id, job).IgnoreError();
  Release(source_id);
}

RemoteJob::RemoteJob(SyncRunner* runner, std::string source_id, int64_t job_id,
                     hub::v1::SyncJob job, std::shared_ptr<SyncJobControl> control)
    : runner_(runner),
      source_id_(std::move(source_id)),
      job_id_(job_id),
      job_(std::move(job)),
      control_(std::move(control)) {}

RemoteJob::~RemoteJob() { End(absl::AbortedError("stream ended")); }

absl::StatusOr<hub::v1::SyncJob> RemoteJob::Commit(
    std::vector<hub::v1::SourceRecord> records, const std::string& cursor) {
  {
    absl::MutexLock lock(&runner_->mu_);
    if (control_->cancelled) return absl::CancelledError("sync job cancelled");
  }
  if (runner_->stopping_.load()) {
    return absl::UnavailableError("hubd is shutting down; resume with a new stream");
  }
  for (hub::v1::SourceRecord& r : records) r.set_source(source_id_);
  hub::v1::SyncJob next = job_;
  Ingester* ingester = runner_->ingester_;
  absl::StatusOr<IngestStats> page = ingester->Apply(
      ingester->Prepare(std::move(records)), source_id_, cursor,
      [&](WriteTransaction* tx, const IngestStats& page_stats) {
        IngestStats totals = stats_;
        totals += page_stats;
        CopyStats(totals, pages_ + 1, &next);
        next.set_cursor(cursor);
        return tx->UpdateSyncJob(source_id_, job_id_, next);
      });
  if (!page.ok()) return page.status();
  stats_ += *page;
  ++pages_;
  job_ = std::move(next);
  return job_;
}

void RemoteJob::End(const absl::Status& given) {
  if (ended_) return;
  ended_ = true;
  bool cancelled = false;
  {
    absl::MutexLock lock(&runner_->mu_);
    cancelled = control_->cancelled;
  }
  absl::Status status = given;
  // As a pulled job: it ends with its stages current.
  if (status.ok()) status = runner_->ingester_->FlushStages();
  if (status.ok()) {
    job_.set_state(hub::v1::SyncJob::SUCCEEDED);
  } else if (cancelled) {
    job_.set_state(hub::v1::SyncJob::CANCELLED);
  } else {
    job_.set_state(hub::v1::SyncJob::FAILED);
    job_.set_error(status.ToString());
  }
  *job_.mutable_end_time() = ToProtoTime(absl::Now());
  if (runner_->job_observer_) runner_->job_observer_(job_);
  runner_->store_->UpdateSyncJob(source_id_, job_id_, job_).IgnoreError();
  runner_->Release(source_id_);
}

absl::Status SyncRunner::FailInterruptedJobs() {
  HUB_ASSIGN_OR_RETURN(std::vector<hub::v1::Source> sources, store_->ListSources());
  for (const hub::v1::Source& source : sources) {
    std::string id(absl::StripPrefix(source.name(), "sources/"));
    HUB_ASSIGN_OR_RETURN(std::vector<hub::v1::SyncJob> jobs, store_->ListSyncJobs(id));
    for (hub::v1::SyncJob& job : jobs) {
      if (job.state() != hub::v1::SyncJob::PENDING &&
          job.state() != hub::v1::SyncJob::RUNNING) {
        continue;
      }
      int64_t job_id = 0;
      absl::string_view tail = job.name();
      tail.remove_prefix(tail.rfind('/') + 1);
      if (!absl::SimpleAtoi(tail, &job_id)) continue;
      job.set_state(hub::v1::SyncJob::FAILED);
      job.set_error("interrupted: hubd stopped while the job ran; a new run "
                    "resumes after its last committed page");
      *job.mutable_end_time() = ToProtoTime(absl::Now());
      HUB_RETURN_IF_ERROR(store_->UpdateSyncJob(id, job_id, job));
    }
  }
  return absl::OkStatus();
}

void SyncRunner::Shutdown() {
  stopping_.store(true);
  std::map<std::string, std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    threads.swap(running_);
  }
  for (auto& [id, thread] : threads) thread.join();
}

}  // namespace hub
