// PipelinedSink: lets an adapter read the next page while the last commits.
#ifndef HUB_PROFILE_INGEST_PIPELINED_SINK_H_
#define HUB_PROFILE_INGEST_PIPELINED_SINK_H_

#include <deque>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "profile/ingest/record_sink.h"

namespace hub {

// Forwards pages to `inner` on a worker thread, in order, so that reading and
// mapping the next page overlaps committing the previous one. At most
// `depth` pages wait in between (default 2), which bounds memory.
//
// Errors: once a page fails in `inner`, later pages are dropped and the next
// Write (or Finish) returns that error, so the adapter stops; pages committed
// before it stay committed, and since `inner` commits each page with its
// cursor, nothing is skipped on resume.
//
// One producer thread calls Write and then Finish; not otherwise thread-safe.
class PipelinedSink : public RecordSink {
 public:
  explicit PipelinedSink(RecordSink* inner, int depth = 2);
  ~PipelinedSink() override;  // calls Finish()
  PipelinedSink(const PipelinedSink&) = delete;
  PipelinedSink& operator=(const PipelinedSink&) = delete;

  // Queues the page (waiting while `depth` pages are queued). Returns the
  // error of an earlier page, if any.
  absl::Status Write(std::vector<hub::v1::SourceRecord> records,
                     const std::string& cursor) override;

  // Waits until every queued page is written; returns the first error.
  // Idempotent.
  absl::Status Finish();

 private:
  void Work();

  RecordSink* inner_;
  const size_t depth_;
  absl::Mutex mu_;
  std::deque<std::pair<std::vector<hub::v1::SourceRecord>, std::string>> queue_
      ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  std::thread worker_;
};

}  // namespace hub

#endif  // HUB_PROFILE_INGEST_PIPELINED_SINK_H_
