// PipelinedIngestSink: ingests pages while the adapter reads the next one.
#ifndef HUB_PROFILE_INGEST_PIPELINED_INGEST_SINK_H_
#define HUB_PROFILE_INGEST_PIPELINED_INGEST_SINK_H_

#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "profile/ingest/ingester.h"
#include "profile/ingest/record_sink.h"

namespace hub {

// Ingests each page with its cursor (as Ingester::IngestBatch does), split
// across two threads: Write prepares the page on the caller's (the
// adapter's) thread — validation, normalisation, serialization, hashing —
// and queues it; a worker applies the queued pages to the store in order.
// So reading and preparing the next page overlaps committing the last. At
// most `depth` prepared pages wait (default 2), which bounds memory.
//
// Errors: once a page fails to apply, later pages are dropped and the next
// Write (or Finish) returns that error, so the adapter stops. Pages applied
// before it stay committed with their cursors, so nothing is skipped.
//
// `on_page` (optional) runs on the worker inside each page's transaction,
// before it commits, with the totals and the page count including that page
// and the page's cursor, so progress it writes there is committed exactly
// with the page (an error fails the page). One producer thread calls Write
// and then Finish; Cancel may be called from any thread; stats() and pages()
// are for after Finish.
class PipelinedIngestSink : public RecordSink {
 public:
  using PageHook = std::function<absl::Status(
      WriteTransaction*, const IngestStats&, int64_t, const std::string&)>;

  PipelinedIngestSink(
      Ingester* ingester, std::string source_id,
      PageHook
          on_page = nullptr,
      int depth = 2);
  ~PipelinedIngestSink() override;  // calls Finish()
  PipelinedIngestSink(const PipelinedIngestSink&) = delete;
  PipelinedIngestSink& operator=(const PipelinedIngestSink&) = delete;

  // Prepares and queues the page, waiting while `depth` pages are queued.
  // Returns the error of an earlier page, if any.
  absl::Status Write(std::vector<hub::v1::SourceRecord> records,
                     const std::string& cursor) override;

  // Waits until every queued page is applied; returns the first error.
  // Idempotent. Later Writes fail with FAILED_PRECONDITION.
  absl::Status Finish();

  // Stops the sink: the page being applied (if any) still commits; queued
  // pages are dropped and later ones refused. Afterwards Write and Finish
  // return CANCELLED. Thread-safe; idempotent.
  void Cancel();

  const IngestStats& stats() const { return stats_; }
  int64_t pages() const { return pages_; }

 private:
  void Work();

  Ingester* const ingester_;
  const std::string source_id_;
  const PageHook
      on_page_;
  const size_t depth_;
  absl::Mutex mu_;
  std::deque<std::pair<PreparedBatch, std::string>> queue_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  // Written by the worker only; read after Finish joins it.
  IngestStats stats_;
  int64_t pages_ = 0;
  std::thread worker_;
};

}  // namespace hub

#endif  // HUB_PROFILE_INGEST_PIPELINED_INGEST_SINK_H_
