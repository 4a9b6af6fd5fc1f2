#include "tools/hubctl/progress.h"

#include <gtest/gtest.h>

#include <sstream>

namespace hubctl {
namespace {

using hub::v1::SyncJob;

SyncJob JobAt(SyncJob::State state, int read) {
  SyncJob job;
  job.set_name("sources/crm/syncJobs/3");
  job.set_state(state);
  job.set_records_read(read);
  return job;
}

const char kRunning5[] =
    "sources/crm/syncJobs/3 RUNNING  read 5  ingested 0  unchanged 0  "
    "quarantined 0  profiles 0  accounts 0  merges 0  batches 0";
const char kRunning10[] =
    "sources/crm/syncJobs/3 RUNNING  read 10  ingested 0  unchanged 0  "
    "quarantined 0  profiles 0  accounts 0  merges 0  batches 0";
const char kDone10[] =
    "sources/crm/syncJobs/3 SUCCEEDED  read 10  ingested 0  unchanged 0  "
    "quarantined 0  profiles 0  accounts 0  merges 0  batches 0";

TEST(SyncProgressTest, OffTerminalWritesAtMostOneLinePerInterval) {
  std::ostringstream out;
  SyncProgress progress(&out, /*is_tty=*/false, absl::Seconds(1));
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  progress.Update(JobAt(SyncJob::RUNNING, 5), t0);
  progress.Update(JobAt(SyncJob::RUNNING, 10), t0 + absl::Milliseconds(200));
  progress.Update(JobAt(SyncJob::RUNNING, 10), t0 + absl::Milliseconds(1000));
  progress.Finish(JobAt(SyncJob::SUCCEEDED, 10));
  EXPECT_EQ(out.str(),
            std::string(kRunning5) + "\n" + kRunning10 + "\n" + kDone10 + "\n");
}

TEST(SyncProgressTest, OffTerminalFinishDoesNotRepeatTheLastLine) {
  std::ostringstream out;
  SyncProgress progress(&out, /*is_tty=*/false);
  progress.Update(JobAt(SyncJob::SUCCEEDED, 10), absl::FromUnixSeconds(1));
  progress.Finish(JobAt(SyncJob::SUCCEEDED, 10));
  EXPECT_EQ(out.str(), std::string(kDone10) + "\n");
}

TEST(SyncProgressTest, OnTerminalRedrawsInPlaceAndBlanksLeftovers) {
  std::ostringstream out;
  SyncProgress progress(&out, /*is_tty=*/true);
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  progress.Update(JobAt(SyncJob::RUNNING, 10), t0);
  progress.Update(JobAt(SyncJob::RUNNING, 10), t0);  // unchanged: no redraw
  progress.Update(JobAt(SyncJob::RUNNING, 5), t0);   // one column shorter
  progress.Finish(JobAt(SyncJob::SUCCEEDED, 10));
  EXPECT_EQ(out.str(), std::string("\r") + kRunning10 + "\r" + kRunning5 + " " +
                           "\r" + kDone10 + "\n");
}

TEST(SyncProgressTest, OnTerminalCutsTheLineToFitTheWidth) {
  std::ostringstream out;
  SyncProgress progress(&out, /*is_tty=*/true, absl::Seconds(1),
                        /*columns=*/31);
  progress.Update(JobAt(SyncJob::RUNNING, 5), absl::FromUnixSeconds(1));
  progress.Finish(JobAt(SyncJob::SUCCEEDED, 5));
  EXPECT_EQ(
      out.str(),
      "\rsources/crm/syncJobs/3 RUNNING\rsources/crm/syncJobs/3 SUCCEED\n");
}

TEST(SyncProgressTest, InterruptEndsTheTerminalLineOnce) {
  std::ostringstream out;
  SyncProgress progress(&out, /*is_tty=*/true);
  progress.Update(JobAt(SyncJob::RUNNING, 5), absl::FromUnixSeconds(1));
  progress.Interrupt();
  progress.Interrupt();
  EXPECT_EQ(out.str(), std::string("\r") + kRunning5 + "\n");
}

}  // namespace
}  // namespace hubctl
