// Clock: the time seam of the HTTP layer (now, and sleeping for back-off).
#ifndef HUB_ADAPTERS_HTTP_CLOCK_H_
#define HUB_ADAPTERS_HTTP_CLOCK_H_

#include "absl/time/time.h"

namespace hub {

// Reads the time and sleeps. The retry logic sleeps only through a Clock,
// so tests can run back-off schedules without waiting (a fake Clock
// advances its time on SleepFor) while requests still go over real sockets.
//
// Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;

  // The current time.
  virtual absl::Time Now() = 0;
  // Blocks the caller for `duration` (returns at once if not positive).
  virtual void SleepFor(absl::Duration duration) = 0;

  // The process-wide wall clock (absl::Now / absl::SleepFor). Never null;
  // not owned by the caller.
  static Clock* Real();
};

}  // namespace hub

#endif  // HUB_ADAPTERS_HTTP_CLOCK_H_
