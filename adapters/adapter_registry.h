// AdapterRegistry: maps a source kind ("salesforce", "ga4", ...) to the
// factory that builds its SourceAdapter.
#ifndef HUB_ADAPTERS_ADAPTER_REGISTRY_H_
#define HUB_ADAPTERS_ADAPTER_REGISTRY_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/adapter_options.h"
#include "adapters/source_adapter.h"
#include "hub/v1/sync_service.pb.h"

namespace hub {

// Builds an adapter for one configured source. Returns INVALID_ARGUMENT,
// naming the offending field, if the source's configuration is unusable.
using AdapterFactory =
    std::function<absl::StatusOr<std::unique_ptr<SourceAdapter>>(
        const hub::v1::Source&, const AdapterOptions&)>;

// The adapter kinds known to the process. Register explicitly at start-up
// (see RegisterBuiltinAdapters); no static self-registration.
//
// Thread-compatible: fill it before use, then share it read-only; concurrent
// const calls are safe, a Register concurrent with anything else is not.
class AdapterRegistry {
 public:
  AdapterRegistry() = default;
  AdapterRegistry(const AdapterRegistry&) = delete;
  AdapterRegistry& operator=(const AdapterRegistry&) = delete;

  // Adds `factory` under `kind`. Returns ALREADY_EXISTS if `kind` is taken,
  // INVALID_ARGUMENT if `kind` is empty or `factory` is null.
  absl::Status Register(std::string kind, AdapterFactory factory);

  // True if `kind` has a factory.
  bool Has(absl::string_view kind) const;

  // The registered kinds, sorted.
  std::vector<std::string> Kinds() const;

  // Builds the adapter for `source` (by `source.kind()`) with `options`.
  // Returns INVALID_ARGUMENT for an unknown kind (the message lists the
  // known kinds), for `options.page_size` < 1, or when the factory rejects
  // the configuration (e.g. `path` empty or not a readable directory; the
  // message names the field). The caller owns the adapter.
  absl::StatusOr<std::unique_ptr<SourceAdapter>> Create(
      const hub::v1::Source& source, const AdapterOptions& options = {}) const;

 private:
  std::map<std::string, AdapterFactory, std::less<>> factories_;
};

// The `source` that records pulled from `source` carry: its id (the name
// without "sources/"), so two sources of one kind keep their records apart;
// the kind if the source has no name.
std::string RecordSourceName(const hub::v1::Source& source);

// Registers the adapters of docs/sources.md under their kinds: the file
// adapters "salesforce", "mailchimp", "segment", "ga4", "zendesk" and the API
// adapters "zendesk_api", "mailchimp_api", "salesforce_api", "hubspot_api". Kinds already present in
// `registry` are left as they are.
void RegisterBuiltinAdapters(AdapterRegistry* registry);

}  // namespace hub

#endif  // HUB_ADAPTERS_ADAPTER_REGISTRY_H_
