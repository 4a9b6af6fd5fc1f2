#include "profile/ingest/pipelined_sink.h"

namespace hub {

PipelinedSink::PipelinedSink(RecordSink* inner, int depth)
    : inner_(inner), depth_(depth < 1 ? 1 : static_cast<size_t>(depth)) {
  worker_ = std::thread(&PipelinedSink::Work, this);
}

PipelinedSink::~PipelinedSink() { Finish().IgnoreError(); }

absl::Status PipelinedSink::Write(std::vector<hub::v1::SourceRecord> records,
                                  const std::string& cursor) {
  absl::MutexLock lock(&mu_);
  auto has_room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return queue_.size() < depth_ || !error_.ok();
  };
  mu_.Await(absl::Condition(&has_room));
  if (!error_.ok()) return error_;
  if (closed_) return absl::FailedPreconditionError("sink already finished");
  queue_.emplace_back(std::move(records), cursor);
  return absl::OkStatus();
}

absl::Status PipelinedSink::Finish() {
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }
  if (worker_.joinable()) worker_.join();
  absl::MutexLock lock(&mu_);
  return error_;
}

void PipelinedSink::Work() {
  for (;;) {
    std::pair<std::vector<hub::v1::SourceRecord>, std::string> page;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !queue_.empty() || closed_;
      };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // closed and drained
      page = std::move(queue_.front());
      queue_.pop_front();
    }
    absl::Status status = inner_->Write(std::move(page.first), page.second);
    if (!status.ok()) {
      absl::MutexLock lock(&mu_);
      error_ = status;
      queue_.clear();
      return;
    }
  }
}

}  // namespace hub
