// The progress line `hubctl sync run --wait` draws on stderr.
#ifndef HUB_TOOLS_HUBCTL_PROGRESS_H_
#define HUB_TOOLS_HUBCTL_PROGRESS_H_

#include <cstddef>
#include <ostream>
#include <string>

#include "absl/time/time.h"
#include "hub/v1/sync_service.pb.h"

namespace hubctl {

// Draws a sync job's progress (SyncProgressLine) on a stream. On a terminal
// the line is redrawn in place with '\r' whenever it changes; otherwise a
// full line is written at the first update and then at most once per
// `interval`, so logs stay short. On a terminal of known width the line is
// cut to fit, since a wrapped line cannot be redrawn with '\r'. The stream is
// not owned. Not thread-safe.
class SyncProgress {
 public:
  // `columns` is the terminal's width, 0 if unknown (no cutting).
  SyncProgress(std::ostream* out, bool is_tty,
               absl::Duration interval = absl::Seconds(1), size_t columns = 0);

  SyncProgress(const SyncProgress&) = delete;
  SyncProgress& operator=(const SyncProgress&) = delete;

  // Shows `job` as polled at `now`.
  void Update(const hub::v1::SyncJob& job, absl::Time now);

  // Shows the job's final state and ends the line. Call once, last.
  void Finish(const hub::v1::SyncJob& job);

  // Ends a partly drawn terminal line so that a message can follow.
  void Interrupt();

 private:
  void Draw(const std::string& line);

  std::ostream* const out_;
  const bool is_tty_;
  const absl::Duration interval_;
  const size_t columns_;
  std::string last_line_;   // the line most recently written
  size_t drawn_width_ = 0;  // tty: width of the line on screen, 0 if none
  absl::Time last_written_ = absl::InfinitePast();
};

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_PROGRESS_H_
