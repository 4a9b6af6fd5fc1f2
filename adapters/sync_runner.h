// SyncRunner: runs sources' adapters through the ingest path as jobs.
#ifndef HUB_ADAPTERS_SYNC_RUNNER_H_
#define HUB_ADAPTERS_SYNC_RUNNER_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "adapters/adapter_registry.h"
#include "hub/v1/sync_service.pb.h"
#include "profile/ingest/ingester.h"
#include "profile/ingest/pipelined_ingest_sink.h"
#include "profile/store/store.h"

namespace hub {

class SyncRunner;
struct SyncJobControl;  // how to stop one running job (sync_runner.cc)

// A sync job fed page by page by its caller (the IngestRecords stream of a
// remote hub-sync) instead of by an adapter. Made by SyncRunner::BeginRemote;
// while it lives the source counts as running. Not thread-safe: one caller
// commits pages and then ends it. Must not outlive its runner.
class RemoteJob {
 public:
  ~RemoteJob();  // ends the job FAILED ("stream ended") unless ended
  RemoteJob(const RemoteJob&) = delete;
  RemoteJob& operator=(const RemoteJob&) = delete;

  // Ingests `records` (their `source` set to the job's source id) and saves
  // `cursor` as the source's cursor in one transaction, with the job's
  // progress. Returns the job as committed. Errors: CANCELLED once
  // CancelSyncJob reached the job, UNAVAILABLE once the runner shuts down
  // (nothing of the page is committed then); the ingester's errors (the page
  // is rolled back). After an error the caller should End the job with it.
  absl::StatusOr<hub::v1::SyncJob> Commit(
      std::vector<hub::v1::SourceRecord> records, const std::string& cursor);

  // Ends the job: SUCCEEDED for OK, CANCELLED if it was cancelled, FAILED
  // with `status` otherwise; frees the source. Idempotent.
  void End(const absl::Status& status);

  const std::string& name() const { return job_.name(); }

 private:
  friend class SyncRunner;
  RemoteJob(SyncRunner* runner, std::string source_id, int64_t job_id,
            hub::v1::SyncJob job, std::shared_ptr<SyncJobControl> control);

  SyncRunner* runner_;
  std::string source_id_;
  int64_t job_id_;
  hub::v1::SyncJob job_;
  std::shared_ptr<SyncJobControl> control_;
  IngestStats stats_;
  int64_t pages_ = 0;
  bool ended_ = false;
};

// Runs sync jobs, each on its own thread: the source's adapter pulls from the
// saved cursor and writes pages into the Ingester, which commits each page
// with its cursor; the job's counters are stored after every page.
// At most one job (local or remote) per source runs at a time.
//
// Thread-safe. The store, registry and ingester must outlive the runner.
class SyncRunner {
 public:
  SyncRunner(Store* store, const AdapterRegistry* registry, Ingester* ingester,
             AdapterOptions options = {});
  ~SyncRunner();  // calls Shutdown()
  SyncRunner(const SyncRunner&) = delete;
  SyncRunner& operator=(const SyncRunner&) = delete;

  // Creates a job for `source_id` and starts it; returns the job as created
  // (state PENDING). With `full_resync` the saved cursor is ignored.
  // Errors: NOT_FOUND for an unknown source; FAILED_PRECONDITION if a job of
  // that source is running; UNAVAILABLE once Shutdown has begun.
  absl::StatusOr<hub::v1::SyncJob> Start(const std::string& source_id,
                                         bool full_resync);

  // Creates a RUNNING job for `source_id` fed by the caller (see RemoteJob).
  // Errors as Start.
  absl::StatusOr<std::unique_ptr<RemoteJob>> BeginRemote(
      const std::string& source_id);

  // Asks job `job_id` of `source_id` to stop and returns it as stored now
  // (usually RUNNING). It finishes the page it is committing, commits no
  // later page and ends CANCELLED. Errors: NOT_FOUND for an unknown job;
  // FAILED_PRECONDITION if the job has finished; UNAVAILABLE in the moment
  // between its creation and its start (retry).
  absl::StatusOr<hub::v1::SyncJob> Cancel(const std::string& source_id,
                                          int64_t job_id);

  // Marks jobs left PENDING or RUNNING by a previous process (which was
  // killed or crashed) as FAILED: their committed pages and cursor stand, and
  // a new run resumes after them. Call once at start-up, before Start.
  absl::Status FailInterruptedJobs();

  // Stops accepting jobs, lets each running job finish the page it is
  // committing (later pages are not started; such jobs end FAILED with
  // "interrupted by shutdown", resumable from their cursor), and joins them.
  // Remote jobs refuse further pages (UNAVAILABLE); their callers end them.
  void Shutdown();

  // Called with every job as it ends (SUCCEEDED, FAILED or CANCELLED, with
  // its final counters), on the thread that ended it, just before the final
  // state is stored; e.g. to count jobs and records for metrics. Set it
  // before the first Start or BeginRemote.
  void set_job_observer(std::function<void(const hub::v1::SyncJob&)> observer) {
    job_observer_ = std::move(observer);
  }

 private:
  friend class RemoteJob;

  // Claims the source for a job and creates `*job` (in the state it
  // carries) in the store; returns the job's id. Errors as Start.
  absl::StatusOr<int64_t> Claim(const std::string& source_id,
                                hub::v1::SyncJob* job,
                                std::shared_ptr<SyncJobControl>* control);
  void Release(const std::string& source_id);
  void Run(std::string source_id, int64_t job_id, hub::v1::SyncJob job,
           bool full_resync, std::shared_ptr<SyncJobControl> control);
  absl::Status Pull(const std::string& source_id, bool full_resync,
                    PipelinedIngestSink* sink);

  Store* store_;
  const AdapterRegistry* registry_;
  Ingester* ingester_;
  AdapterOptions options_;
  std::function<void(const hub::v1::SyncJob&)> job_observer_;  // may be empty
  std::atomic<bool> stopping_{false};
  absl::Mutex mu_;
  std::map<std::string, std::thread> running_ ABSL_GUARDED_BY(mu_);
  // The sources with a job running (claimed), and how to stop each.
  std::map<std::string, std::shared_ptr<SyncJobControl>> active_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hub

#endif  // HUB_ADAPTERS_SYNC_RUNNER_H_
