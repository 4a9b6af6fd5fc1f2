// A record as hub-sample writes it and an adapter yields it: its source,
// entity, identifiers and the facts docs/lifecycle.md reads of it.
#ifndef HUB_TOOLS_HUB_SAMPLE_RECORD_H_
#define HUB_TOOLS_HUB_SAMPLE_RECORD_H_

#include <cstdint>
#include <string_view>

#include "tools/hub_sample/stages.h"

namespace hub::sample {

enum class Source : uint8_t {
  kSalesforce,
  kMailchimp,
  kSegment,
  kGa4,
  kZendesk
};
inline constexpr int kSourceCount = 5;

enum class Entity : uint8_t {
  kContact,
  kLead,
  kAccount,
  kOpportunity,
  kEmailActivity,
  kWebEvent,
  kTicket,
  kSurveyResponse
};
inline constexpr int kEntityCount = 8;

// Identifier types of docs/sources.md.
enum class IdType : uint8_t {
  kEmail,
  kPhone,
  kContactId,      // salesforce.contact_id
  kLeadId,         // salesforce.lead_id
  kMemberId,       // mailchimp.member_id
  kUserId,         // user_id
  kAnonymousId,    // segment.anonymous_id
  kPseudoId,       // ga4.user_pseudo_id
  kZendeskUserId,  // zendesk.user_id
  kAccountId,      // salesforce.account_id
  kDomain,
  kGroupId,        // segment.group_id
  kOrganizationId  // zendesk.organization_id
};

// An identifier as written in the file; empty values are ignored.
struct IdRef {
  IdType type;
  std::string_view value;
};

// What docs/lifecycle.md reads of a record, in the form its file carries it.
// Times are microseconds since the epoch at the file's precision; kNoTime
// when the field is absent.
struct RecordFacts {
  int64_t occurred = kNoTime;    // events: occurred_at
  int64_t created = kNoTime;     // CONTACT / LEAD: attribute created_date
  int64_t updated = kNoTime;     // updated_at
  std::string_view event_type;   // events: event_type, as the adapter maps it
  std::string_view lead_status;  // LEAD: attribute lead_status
  std::string_view campaign_id;  // EMAIL_ACTIVITY: property campaign_id
  std::string_view score;        // SURVEY_RESPONSE: property score
  bool deleted = false;          // a tombstone
  // CONTACT / LEAD: the link `account` (an account-side identifier; empty
  // value: none).
  IdRef account = {IdType::kAccountId, {}};
  // ACCOUNT: the segment traits (empty: absent).
  std::string_view industry, tier, region, source;
};

// Microseconds of Unix seconds.
inline constexpr int64_t Micros(int64_t seconds) { return seconds * 1000000; }

}  // namespace hub::sample

#endif  // HUB_TOOLS_HUB_SAMPLE_RECORD_H_
