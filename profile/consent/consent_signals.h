// The consent signals a source record carries (docs/governance.md,
// "Consent"): what ingest derives and stores beside the record.
#ifndef HUB_PROFILE_CONSENT_CONSENT_SIGNALS_H_
#define HUB_PROFILE_CONSENT_CONSENT_SIGNALS_H_

#include <vector>

#include "hub/v1/records.pb.h"
#include "profile/store/store.h"

namespace hub {

// The signals of `record` (origin_id left 0 for the caller), in a fixed
// order; none for a deletion. Pure.
//  - an activity "email_unsubscribed" (Mailchimp's unsubscribes, from file
//    exports and the API alike): email_marketing DENIED at its time;
//  - a contact's attribute email_status (Mailchimp's member status):
//    "subscribed" GRANTED, "unsubscribed" or "cleaned" DENIED, at the
//    record's updated_at;
//  - a web event's properties analytics_storage and ads_storage (GA4's
//    privacy_info): "Yes" GRANTED, "No" DENIED, for analytics and
//    personalization, at the event's time.
std::vector<ConsentSignal> ConsentSignalsOf(const hub::v1::SourceRecord& record);

}  // namespace hub

#endif  // HUB_PROFILE_CONSENT_CONSENT_SIGNALS_H_
