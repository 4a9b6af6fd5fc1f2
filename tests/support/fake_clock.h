// FakeClock: a Clock whose time moves only when slept through, recording
// each sleep, so back-off schedules run instantly and are asserted exactly.
#ifndef HUB_TESTS_SUPPORT_FAKE_CLOCK_H_
#define HUB_TESTS_SUPPORT_FAKE_CLOCK_H_

#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "adapters/http/clock.h"

namespace hub {
namespace testing_support {

// Starts at 2023-11-14 22:13:20 UTC. Thread-safe.
class FakeClock : public Clock {
 public:
  absl::Time Now() override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void SleepFor(absl::Duration d) override {
    absl::MutexLock lock(&mu_);
    sleeps_.push_back(d);
    now_ += d;
  }
  // Every SleepFor duration, in order.
  std::vector<absl::Duration> sleeps() {
    absl::MutexLock lock(&mu_);
    return sleeps_;
  }

 private:
  absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_) = absl::FromUnixSeconds(1700000000);
  std::vector<absl::Duration> sleeps_ ABSL_GUARDED_BY(mu_);
};

}  // namespace testing_support
}  // namespace hub

#endif  // HUB_TESTS_SUPPORT_FAKE_CLOCK_H_
