// ReadAuditor: the audit of unmasked reads of personal data, coalesced off
// the read path.
#ifndef HUB_HUB_READ_AUDITOR_H_
#define HUB_HUB_READ_AUDITOR_H_

#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "hub/auth.h"
#include "profile/store/store.h"

namespace hub {

struct ReadAuditOptions {
  // How often collected reads are appended to the audit log (default 1 s).
  // Up to this much read audit is lost if the process dies without a
  // shutdown. Zero: only Flush and Stop write.
  absl::Duration interval = absl::Seconds(1);
  // Resource names listed per entry (default 100); the entry counts the rest.
  size_t max_names = 100;
};

// Collects unmasked reads in memory and appends, per flush, one audit entry
// "ReadUnmasked" per (principal, role, method) that read anything since the
// last flush: target the RPC, details the count of calls and of resources
// read and the first `max_names` distinct resource names. One entry per
// read would put a chained write on the hot read path; a service reading a
// profile thousands of times a second gets one entry a second instead.
//
// Thread-safe. The store must outlive the auditor; Stop (or the destructor)
// writes what is pending, so call it before closing the store.
class ReadAuditor {
 public:
  // Starts the flushing thread (none when `options.interval` is zero).
  ReadAuditor(Store* store, ReadAuditOptions options);
  ~ReadAuditor();
  ReadAuditor(const ReadAuditor&) = delete;
  ReadAuditor& operator=(const ReadAuditor&) = delete;

  // Notes that `who` read `names` through `method` ("hub.v1.ProfileService/
  // GetProfile") unmasked. No-op for an empty `names`. O(names) under a
  // mutex; never touches the store.
  void Record(const Principal& who, absl::string_view method,
              const std::vector<std::string>& names);

  // Appends what was collected, one entry per (principal, role, method), in
  // one write transaction. On an error the reads stay collected for the
  // next flush and the store's error is returned.
  absl::Status Flush();

  // Stops the thread and flushes, logging an error. Idempotent.
  void Stop();

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // principal, role, method
  struct Reads {
    int64_t calls = 0;
    int64_t resources = 0;              // names read, with repeats
    std::vector<std::string> listed;    // the first max_names distinct names
    absl::flat_hash_set<std::string> seen;  // `listed` as a set
    bool truncated = false;             // a distinct name did not fit
    int64_t first_us = 0;               // the first read's time
  };

  void Add(const Key& key, const Reads& more) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status Write(const std::map<Key, Reads>& batch);
  static std::string Details(const Reads& reads);

  Store* const store_;
  const ReadAuditOptions options_;
  absl::Mutex flush_mu_;  // one flush at a time
  absl::Mutex mu_;
  std::map<Key, Reads> pending_ ABSL_GUARDED_BY(mu_);
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  absl::Notification stop_;
  std::thread flusher_;
};

}  // namespace hub

#endif  // HUB_HUB_READ_AUDITOR_H_
