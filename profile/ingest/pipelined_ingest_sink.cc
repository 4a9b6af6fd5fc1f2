#include "profile/ingest/pipelined_ingest_sink.h"

namespace hub {

PipelinedIngestSink::PipelinedIngestSink(
    Ingester* ingester, std::string source_id,
    PageHook on_page,
    int depth)
    : ingester_(ingester),
      source_id_(std::move(source_id)),
      on_page_(std::move(on_page)),
      depth_(depth < 1 ? 1 : static_cast<size_t>(depth)) {
  worker_ = std::thread(&PipelinedIngestSink::Work, this);
}

PipelinedIngestSink::~PipelinedIngestSink() { Finish().IgnoreError(); }

absl::Status PipelinedIngestSink::Write(
    std::vector<hub::v1::SourceRecord> records, const std::string& cursor) {
  {
    absl::MutexLock lock(&mu_);
    if (!error_.ok()) return error_;
    if (closed_) return absl::FailedPreconditionError("sink already finished");
  }
  PreparedBatch batch = ingester_->Prepare(std::move(records));  // unlocked
  absl::MutexLock lock(&mu_);
  auto has_room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return queue_.size() < depth_ || !error_.ok();
  };
  mu_.Await(absl::Condition(&has_room));
  if (!error_.ok()) return error_;
  queue_.emplace_back(std::move(batch), cursor);
  return absl::OkStatus();
}

void PipelinedIngestSink::Cancel() {
  absl::MutexLock lock(&mu_);
  if (error_.ok()) error_ = absl::CancelledError("sync job cancelled");
  queue_.clear();
}

absl::Status PipelinedIngestSink::Finish() {
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }
  if (worker_.joinable()) worker_.join();
  absl::MutexLock lock(&mu_);
  return error_;
}

void PipelinedIngestSink::Work() {
  for (;;) {
    std::pair<PreparedBatch, std::string> page;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !queue_.empty() || closed_ || !error_.ok();
      };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty() || !error_.ok()) return;  // closed and drained, or cancelled
      page = std::move(queue_.front());
      queue_.pop_front();
    }
    Ingester::BatchHook hook;
    if (on_page_) {
      hook = [this, &page](WriteTransaction* tx, const IngestStats& page_stats) {
        IngestStats totals = stats_;
        totals += page_stats;
        return on_page_(tx, totals, pages_ + 1, page.second);
      };
    }
    absl::StatusOr<IngestStats> stats =
        ingester_->Apply(std::move(page.first), source_id_, page.second, hook);
    if (!stats.ok()) {
      absl::MutexLock lock(&mu_);
      error_ = stats.status();
      queue_.clear();
      return;
    }
    stats_ += *stats;
    ++pages_;
  }
}

}  // namespace hub
