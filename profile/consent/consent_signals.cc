#include "profile/consent/consent_signals.h"

#include <string>

#include "absl/strings/string_view.h"
#include "profile/base/time_util.h"
#include "profile/consent/consent_policy.h"

namespace hub {
namespace {

int64_t Micros(const google::protobuf::Timestamp& ts) {
  return absl::ToUnixMicros(FromProtoTime(ts));
}

ConsentSignal SignalOf(const hub::v1::SourceRecord& r, absl::string_view purpose,
                       hub::v1::ConsentState state, int64_t at_us) {
  ConsentSignal s;
  s.purpose = std::string(purpose);
  s.state = state;
  s.source = r.source();
  s.at_us = at_us;
  s.record = RecordKey{r.source(), r.entity(), r.external_id()};
  return s;
}

// A GA4 storage flag: "Yes" or "No"; anything else says nothing.
void AddStorageFlag(const hub::v1::SourceRecord& r, const char* property,
                    absl::string_view purpose, std::vector<ConsentSignal>* out) {
  auto it = r.properties().find(property);
  if (it == r.properties().end()) return;
  const int64_t at = Micros(r.has_occurred_at() ? r.occurred_at() : r.updated_at());
  if (it->second == "Yes") out->push_back(SignalOf(r, purpose, hub::v1::GRANTED, at));
  if (it->second == "No") out->push_back(SignalOf(r, purpose, hub::v1::DENIED, at));
}

}  // namespace

std::vector<ConsentSignal> ConsentSignalsOf(const hub::v1::SourceRecord& r) {
  std::vector<ConsentSignal> out;
  if (r.deleted()) return out;
  switch (r.entity()) {
    case hub::v1::EMAIL_ACTIVITY:
      if (r.event_type() == "email_unsubscribed") {
        out.push_back(SignalOf(r, kEmailMarketing, hub::v1::DENIED,
                               Micros(r.has_occurred_at() ? r.occurred_at() : r.updated_at())));
      }
      break;
    case hub::v1::CONTACT: {
      auto it = r.attributes().find("email_status");
      if (it == r.attributes().end()) break;
      const int64_t at = Micros(r.updated_at());
      if (it->second == "subscribed") {
        out.push_back(SignalOf(r, kEmailMarketing, hub::v1::GRANTED, at));
      } else if (it->second == "unsubscribed" || it->second == "cleaned") {
        out.push_back(SignalOf(r, kEmailMarketing, hub::v1::DENIED, at));
      }
      break;
    }
    case hub::v1::WEB_EVENT:
      AddStorageFlag(r, "analytics_storage", kAnalytics, &out);
      AddStorageFlag(r, "ads_storage", kPersonalization, &out);
      break;
    default:
      break;
  }
  return out;
}

}  // namespace hub
