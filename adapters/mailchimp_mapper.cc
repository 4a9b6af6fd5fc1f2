#include "adapters/mailchimp_mapper.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/mapper_internal.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace {

using adapters_internal::AddIdentifier;
using adapters_internal::Field;
using adapters_internal::Json;
using adapters_internal::SetAttribute;
using adapters_internal::SetProperty;
using adapters_internal::TextAt;
using hub::v1::SourceRecord;

// An EMAIL_ACTIVITY of `row`'s member in the campaign. `suffix` completes
// the external id "<campaign_id>:<email_id>:<suffix>"; empty parts leave
// it empty.
SourceRecord NewActivity(absl::string_view source,
                         const MailchimpCampaign& campaign, const Json& row,
                         absl::string_view event_type, absl::string_view suffix,
                         absl::string_view time) {
  std::string campaign_id = TextAt(row, "campaign_id");
  if (campaign_id.empty()) campaign_id = campaign.id;
  const std::string email_id = TextAt(row, "email_id");
  SourceRecord record;
  record.set_source(std::string(source));
  record.set_entity(hub::v1::EMAIL_ACTIVITY);
  if (!campaign_id.empty() && !email_id.empty() && !suffix.empty()) {
    record.set_external_id(
        absl::StrCat(campaign_id, ":", email_id, ":", suffix));
  }
  adapters_internal::SetTime(&record, adapters_internal::kBoth, time);
  AddIdentifier(&record, "email", TextAt(row, "email_address"));
  AddIdentifier(&record, "mailchimp.member_id", email_id);
  record.set_event_type(std::string(event_type));
  SetProperty(&record, "campaign_id", campaign_id);
  return record;
}

std::string ActivityEventType(absl::string_view action) {
  if (action == "open") return "email_opened";
  if (action == "click") return "email_clicked";
  if (action == "bounce") return "email_bounced";
  return absl::StrCat("email_", adapters_internal::SnakeCase(action));
}

}  // namespace

absl::StatusOr<MailchimpCampaign> ParseMailchimpCampaign(
    const nlohmann::json& campaign) {
  HUB_RETURN_IF_ERROR(
      adapters_internal::RequireObject(campaign, "Mailchimp campaign"));
  return MailchimpCampaign{TextAt(campaign, "id"),
                           TextAt(campaign, "send_time")};
}

absl::StatusOr<SourceRecord> MapMailchimpMember(absl::string_view source,
                                                const nlohmann::json& member) {
  HUB_RETURN_IF_ERROR(
      adapters_internal::RequireObject(member, "Mailchimp member"));
  SourceRecord record;
  record.set_source(std::string(source));
  record.set_entity(hub::v1::CONTACT);
  record.set_external_id(TextAt(member, "id"));
  adapters_internal::SetTime(&record, adapters_internal::kUpdatedAt,
                             TextAt(member, "last_changed"));
  const std::string status = TextAt(member, "status");
  record.set_deleted(status == "archived");
  AddIdentifier(&record, "mailchimp.member_id", record.external_id());
  AddIdentifier(&record, "email", TextAt(member, "email_address"));
  AddIdentifier(&record, "phone", TextAt(member, {"merge_fields", "PHONE"}));
  SetAttribute(&record, "first_name",
               TextAt(member, {"merge_fields", "FNAME"}));
  SetAttribute(&record, "last_name", TextAt(member, {"merge_fields", "LNAME"}));
  SetAttribute(&record, "company", TextAt(member, {"merge_fields", "COMPANY"}));
  SetAttribute(&record, "email_status", status);
  return record;
}

absl::StatusOr<std::vector<SourceRecord>> MapMailchimpSentTo(
    absl::string_view source, const MailchimpCampaign& campaign,
    const nlohmann::json& row) {
  HUB_RETURN_IF_ERROR(
      adapters_internal::RequireObject(row, "Mailchimp sent-to row"));
  std::vector<SourceRecord> records;
  records.push_back(NewActivity(source, campaign, row, "email_sent", "sent",
                                campaign.send_time));
  const std::string status = TextAt(row, "status");
  if (status == "hard" || status == "soft") {
    records.push_back(NewActivity(source, campaign, row, "email_bounced",
                                  "bounce", campaign.send_time));
    SetProperty(&records.back(), "bounce_type", status);
  }
  return records;
}

absl::StatusOr<SourceRecord> MapMailchimpActivity(
    absl::string_view source, const MailchimpCampaign& campaign,
    const nlohmann::json& activity) {
  HUB_RETURN_IF_ERROR(
      adapters_internal::RequireObject(activity, "Mailchimp activity"));
  const std::string action = TextAt(activity, "action");
  const std::string timestamp = TextAt(activity, "timestamp");
  SourceRecord record =
      NewActivity(source, campaign, activity, ActivityEventType(action),
                  action.empty() || timestamp.empty()
                      ? ""
                      : absl::StrCat(action, ":", timestamp),
                  timestamp);
  SetProperty(&record, "url", TextAt(activity, "url"));
  if (action == "bounce") {
    SetProperty(&record, "bounce_type", TextAt(activity, "type"));
  }
  return record;
}

absl::StatusOr<std::vector<SourceRecord>> MapMailchimpEmailActivity(
    absl::string_view source, const MailchimpCampaign& campaign,
    const nlohmann::json& email) {
  HUB_RETURN_IF_ERROR(
      adapters_internal::RequireObject(email, "Mailchimp email activity"));
  std::vector<SourceRecord> records;
  const Json* activities = Field(email, "activity");
  if (activities == nullptr || !activities->is_array()) return records;
  for (const Json& activity : *activities) {
    if (!activity.is_object()) {
      return absl::DataLossError("Mailchimp activity is not a JSON object");
    }
    Json flat = activity;
    for (const char* key : {"campaign_id", "email_id", "email_address"}) {
      if (const Json* value = Field(email, key)) flat[key] = *value;
    }
    HUB_ASSIGN_OR_RETURN(SourceRecord record,
                         MapMailchimpActivity(source, campaign, flat));
    records.push_back(std::move(record));
  }
  return records;
}

absl::StatusOr<SourceRecord> MapMailchimpUnsubscribe(
    absl::string_view source, const MailchimpCampaign& campaign,
    const nlohmann::json& row) {
  HUB_RETURN_IF_ERROR(
      adapters_internal::RequireObject(row, "Mailchimp unsubscribe"));
  SourceRecord record = NewActivity(source, campaign, row, "email_unsubscribed",
                                    "unsubscribe", TextAt(row, "timestamp"));
  SetProperty(&record, "reason", TextAt(row, "reason"));
  return record;
}

}  // namespace hub
