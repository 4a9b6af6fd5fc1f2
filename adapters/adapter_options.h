// AdapterOptions: settings shared by every adapter kind.
#ifndef HUB_ADAPTERS_ADAPTER_OPTIONS_H_
#define HUB_ADAPTERS_ADAPTER_OPTIONS_H_

namespace hub {

// Options for one adapter run, given to the factory that creates it.
struct AdapterOptions {
  // The most records per page handed to the sink (each page is one
  // RecordSink::Write and one cursor checkpoint). Must be positive.
  int page_size = 1000;
};

}  // namespace hub

#endif  // HUB_ADAPTERS_ADAPTER_OPTIONS_H_
