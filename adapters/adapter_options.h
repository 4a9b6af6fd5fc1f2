// AdapterOptions: settings shared by every adapter kind.
#ifndef HUB_ADAPTERS_ADAPTER_OPTIONS_H_
#define HUB_ADAPTERS_ADAPTER_OPTIONS_H_

#include <cstdint>

#include "absl/time/time.h"

namespace hub {

// Options for one adapter run, given to the factory that creates it.
struct AdapterOptions {
  // The most records per page handed to the sink (each page is one
  // RecordSink::Write and one cursor checkpoint). Must be positive.
  int page_size = 1000;
  // API adapters: the run's deadline (Source.sync_timeout from the run's
  // start) and request budget (Source.max_requests; 0: the adapter's
  // default). File adapters ignore both.
  absl::Time deadline = absl::InfiniteFuture();
  int64_t max_requests = 0;
};

}  // namespace hub

#endif  // HUB_ADAPTERS_ADAPTER_OPTIONS_H_
