#include "adapters/adapter_registry.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "adapters/ga4_adapter.h"
#include "adapters/hubspot_api_adapter.h"
#include "adapters/mailchimp_adapter.h"
#include "adapters/mailchimp_api_adapter.h"
#include "adapters/salesforce_api_adapter.h"
#include "adapters/salesforce_bulk_adapter.h"
#include "adapters/segment_adapter.h"
#include "adapters/zendesk_adapter.h"
#include "adapters/zendesk_api_adapter.h"

namespace hub {

absl::Status AdapterRegistry::Register(std::string kind,
                                       AdapterFactory factory) {
  if (kind.empty()) {
    return absl::InvalidArgumentError("adapter kind must not be empty");
  }
  if (!factory) {
    return absl::InvalidArgumentError(
        absl::StrCat("null factory for adapter kind \"", kind, "\""));
  }
  auto [it, inserted] = factories_.emplace(kind, std::move(factory));
  if (!inserted) {
    return absl::AlreadyExistsError(
        absl::StrCat("adapter kind \"", it->first, "\" is already registered"));
  }
  return absl::OkStatus();
}

bool AdapterRegistry::Has(absl::string_view kind) const {
  return factories_.find(kind) != factories_.end();
}

std::vector<std::string> AdapterRegistry::Kinds() const {
  std::vector<std::string> kinds;
  kinds.reserve(factories_.size());
  for (const auto& [kind, factory] : factories_) kinds.push_back(kind);
  return kinds;
}

absl::StatusOr<std::unique_ptr<SourceAdapter>> AdapterRegistry::Create(
    const hub::v1::Source& source, const AdapterOptions& options) const {
  auto it = factories_.find(source.kind());
  if (it == factories_.end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown source kind \"", source.kind(), "\"; known kinds: ",
        factories_.empty() ? "(none)" : absl::StrJoin(Kinds(), ", ")));
  }
  if (options.page_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be positive, got ", options.page_size));
  }
  absl::StatusOr<std::unique_ptr<SourceAdapter>> adapter =
      it->second(source, options);
  if (adapter.ok() && *adapter == nullptr) {
    return absl::InternalError(absl::StrCat(
        "factory for kind \"", source.kind(), "\" returned no adapter"));
  }
  return adapter;
}

std::string RecordSourceName(const hub::v1::Source& source) {
  absl::string_view name = source.name();
  if (absl::ConsumePrefix(&name, "sources/") && !name.empty()) {
    return std::string(name);
  }
  return source.kind();
}

void RegisterBuiltinAdapters(AdapterRegistry* registry) {
  const std::pair<const char*, AdapterFactory> builtins[] = {
      {"salesforce", &SalesforceBulkAdapter::Create},
      {"mailchimp", &MailchimpAdapter::Create},
      {"segment", &SegmentAdapter::Create},
      {"ga4", &Ga4Adapter::Create},
      {"zendesk", &ZendeskAdapter::Create},
      {"zendesk_api",
       [](const hub::v1::Source& source, const AdapterOptions& options) {
         return ZendeskApiAdapter::Create(source, options);
       }},
      {"mailchimp_api",
       [](const hub::v1::Source& source, const AdapterOptions& options) {
         return MailchimpApiAdapter::Create(source, options);
       }},
      {"salesforce_api",
       [](const hub::v1::Source& source, const AdapterOptions& options) {
         return SalesforceApiAdapter::Create(source, options);
       }},
      {"hubspot_api",
       [](const hub::v1::Source& source, const AdapterOptions& options) {
         return HubSpotApiAdapter::Create(source, options);
       }},
  };
  for (const auto& [kind, factory] : builtins) {
    if (!registry->Has(kind)) registry->Register(kind, factory).IgnoreError();
  }
}

}  // namespace hub
