// Maps Mailchimp Marketing API v3 objects (list members, campaign reports)
// to SourceRecords (docs/sources.md, "mailchimp/"). Free of I/O.
#ifndef HUB_ADAPTERS_MAILCHIMP_MAPPER_H_
#define HUB_ADAPTERS_MAILCHIMP_MAPPER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hub/v1/records.pb.h"
#include "nlohmann/json_fwd.hpp"

namespace hub {

// What the report mappers need to know about the campaign.
struct MailchimpCampaign {
  // Campaign `id`; used when a report row lacks `campaign_id`.
  std::string id;
  // Campaign `send_time`: the time of its email_sent / sent-to bounces.
  std::string send_time;
};

// Reads `id` and `send_time` of an element of campaigns.json `campaigns`.
// DATA_LOSS if it is not an object.
absl::StatusOr<MailchimpCampaign> ParseMailchimpCampaign(
    const nlohmann::json& campaign);

// A list member -> CONTACT, external_id `id`; ids mailchimp.member_id (id),
// email (email_address), phone (merge_fields.PHONE); updated_at =
// last_changed; deleted when status is "archived"; attributes first_name
// (FNAME), last_name (LNAME), company (COMPANY), email_status (status).
absl::StatusOr<hub::v1::SourceRecord> MapMailchimpMember(
    absl::string_view source, const nlohmann::json& member);

// Every EMAIL_ACTIVITY below carries ids email (email_address) and
// mailchimp.member_id (email_id), property campaign_id (the row's
// campaign_id, else `campaign.id`) and updated_at = occurred_at. An
// external_id with a missing part is empty; an unparseable time is kept in
// _invalid_updated_at and _invalid_occurred_at. Each mapper returns
// DATA_LOSS if its input is not an object.

// A sent-to row -> email_sent "<campaign_id>:<email_id>:sent", and for
// status "hard"/"soft" also email_bounced "<campaign_id>:<email_id>:bounce"
// with property bounce_type; occurred_at = `campaign.send_time`.
absl::StatusOr<std::vector<hub::v1::SourceRecord>> MapMailchimpSentTo(
    absl::string_view source, const MailchimpCampaign& campaign,
    const nlohmann::json& row);

// One activity in the flattened form (an element of `activity` with the
// email's fields beside it, as Airbyte emits it: campaign_id, email_id,
// email_address, action, timestamp, url?, type?) -> email_opened /
// email_clicked / email_bounced (other actions: "email_<action>"),
// external_id "<campaign_id>:<email_id>:<action>:<timestamp>"; occurred_at
// = timestamp; property url (clicks), bounce_type (bounces: `type`).
absl::StatusOr<hub::v1::SourceRecord> MapMailchimpActivity(
    absl::string_view source, const MailchimpCampaign& campaign,
    const nlohmann::json& activity);

// An element of email-activity.json `emails` -> one record per element of
// its `activity` array, as MapMailchimpActivity. DATA_LOSS if an activity
// is not an object.
absl::StatusOr<std::vector<hub::v1::SourceRecord>> MapMailchimpEmailActivity(
    absl::string_view source, const MailchimpCampaign& campaign,
    const nlohmann::json& email);

// An unsubscribed.json row -> email_unsubscribed
// "<campaign_id>:<email_id>:unsubscribe"; occurred_at = timestamp;
// property reason.
absl::StatusOr<hub::v1::SourceRecord> MapMailchimpUnsubscribe(
    absl::string_view source, const MailchimpCampaign& campaign,
    const nlohmann::json& row);

}  // namespace hub

#endif  // HUB_ADAPTERS_MAILCHIMP_MAPPER_H_
