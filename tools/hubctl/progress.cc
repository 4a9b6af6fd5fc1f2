#include "tools/hubctl/progress.h"

#include "tools/hubctl/sync_view.h"
#include "tools/hubctl/table.h"

namespace hubctl {

SyncProgress::SyncProgress(std::ostream* out, bool is_tty,
                           absl::Duration interval, size_t columns)
    : out_(out), is_tty_(is_tty), interval_(interval), columns_(columns) {}

void SyncProgress::Update(const hub::v1::SyncJob& job, absl::Time now) {
  const std::string line = SyncProgressLine(job);
  if (is_tty_) {
    if (line != last_line_ || drawn_width_ == 0) Draw(line);
    return;
  }
  if (now - last_written_ < interval_) return;
  last_written_ = now;
  Draw(line);
}

void SyncProgress::Finish(const hub::v1::SyncJob& job) {
  const std::string line = SyncProgressLine(job);
  if (line != last_line_ || (is_tty_ && drawn_width_ == 0)) Draw(line);
  Interrupt();
}

void SyncProgress::Interrupt() {
  if (is_tty_ && drawn_width_ > 0) *out_ << '\n' << std::flush;
  drawn_width_ = 0;
}

void SyncProgress::Draw(const std::string& line) {
  if (is_tty_) {
    // Stay off the last column: writing there wraps on some terminals.
    const std::string_view shown =
        columns_ > 1 ? TruncateToWidth(line, columns_ - 1) : line;
    std::string text = "\r";
    AppendPadded(&text, shown, drawn_width_);
    *out_ << text << std::flush;
    drawn_width_ = DisplayWidth(shown);
  } else {
    *out_ << line << '\n' << std::flush;
  }
  last_line_ = line;
}

}  // namespace hubctl
