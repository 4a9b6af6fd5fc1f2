// The simulated world hub-sample generates before writing it out: the true
// accounts and persons, and every vendor-side object that describes them.
// Plain value types; indexes link them (`-1` means none).
#ifndef HUB_TOOLS_HUB_SAMPLE_WORLD_H_
#define HUB_TOOLS_HUB_SAMPLE_WORLD_H_

#include <cstdint>
#include <string>
#include <vector>

namespace hub::sample {

// A time later than any simulated event.
inline constexpr int64_t kNever = INT64_MAX / 4;

// How a record was deliberately broken (ingest is expected to quarantine it).
enum class Broken : uint8_t { kNone, kEmail, kTimestamp, kId };

// The truth file's reason text: "invalid email", "invalid timestamp",
// "missing external_id"; "" for kNone.
const char* BrokenReason(Broken broken);

// The text a broken timestamp field holds instead of a real time.
inline constexpr const char* kBadSalesforceTime = "2024-13-45T99:00:00.000Z";
inline constexpr const char* kBadZendeskTime = "2024-13-45T99:00:00Z";

// A browser of a person: Segment and GA4 cookie ids.
struct Device {
  std::string anonymous_id;
  std::string pseudo_id;
  int64_t first_seen = kNever;
};

struct Person {
  int account = -1;  // -1: a visitor not employed by any modelled account
  std::string first_name, last_name;  // as written (UTF-8)
  std::string first_ascii, last_ascii;
  std::string title;
  std::string email;    // work email, lower-case; "" for anonymous visitors
  std::string phone;    // 10 US digits, "" if none
  std::string user_id;  // product login, "" if none
  int64_t user_since = kNever;
  int64_t user_until = kNever;  // churn ends product use
  bool web = false;             // browses the website
  bool second_device =
      false;  // also browses from a device that never identifies
  int64_t first_visit = kNever;
  std::vector<Device> devices;  // [0] main browser, [1] never identifies
  int64_t known_at = kNever;    // first captured (email known)
  int contact = -1;
  bool ga4_crm = false;               // the site writes crm_contact_id into GA4
  bool identified_anonymous = false;  // an identify keyed by anonymousId exists
  bool identified_user = false;       // an identify keyed by userId exists
  double engagement = 0;              // chance to open a campaign email
};

struct Account {
  std::string name, slug, domain, industry, tier, region, country, phone,
      street;
  std::string source;      // Salesforce AccountSource; "" = not recorded
  std::string short_name;  // the name without its legal suffix
  int employees = 0;
  std::string sf_id;
  std::string website;  // Salesforce Website as typed; "" = missing
  std::string type = "Prospect";
  int64_t sf_created = 0, sf_modified = 0;
  int64_t engaged_at = kNever;
  int64_t customer_since = kNever;
  int64_t churned_at = kNever;
  bool at_risk = false;
  std::vector<int> persons;
  // Zendesk organization (org_index < 0: none).
  int org_index = -1;
  int64_t org_id = 0, org_created = 0, org_updated = 0;
  std::string org_domain;  // as typed in domain_names; "" = none listed
  // Segment group call (group_message < 0: none).
  std::string group_id, group_website;
  int group_message = -1;
};

struct Lead {
  int person = -1;
  std::string id;  // "" when deliberately broken (Broken::kId)
  std::string first_name, last_name, email, phone, company, title, status,
      source;
  bool converted = false;
  int contact = -1;
  int64_t created = 0, modified = 0;
  bool deleted = false;
  Broken broken = Broken::kNone;
};

struct Contact {
  int person = -1;
  int account = -1;
  std::string id, first_name, last_name, email, phone, title, source;
  int64_t created = 0, modified = 0;
  Broken broken = Broken::kNone;
};

struct Opportunity {
  int account = -1;
  int contact = -1;
  std::string id, name, type, stage;
  int64_t amount = 0;
  int64_t created = 0, close = 0, modified = 0;
  bool closed = false, won = false;
};

struct Member {
  int person = -1;
  std::string email_text;  // as Mailchimp holds it (case/whitespace noise)
  std::string id;          // MD5 of the trimmed, lower-cased email
  std::string unique_email_id, contact_id, status, phone_text;
  int64_t opt_in = 0, last_changed = 0;
};

enum class EmailAction : uint8_t { kOpen, kClick };

struct EmailEvent {
  int64_t at = 0;
  EmailAction action = EmailAction::kOpen;
  uint8_t url = 0;  // index into the site paths (clicks)
};

struct Send {
  int member = -1;
  char status = 's';  // 's' sent, 'h' hard bounce, 'o' soft bounce
  uint32_t first_event = 0, event_count = 0;  // into Campaign::events
};

struct Unsubscribe {
  int member = -1;
  int64_t at = 0;
  uint8_t reason = 0;
};

struct Campaign {
  std::string id, title, subject;
  int64_t send_time = 0;
  std::vector<Send> sends;
  std::vector<EmailEvent> events;
  std::vector<Unsubscribe> unsubscribes;
};

enum class SegmentType : uint8_t { kIdentify, kTrack, kPage, kGroup };
enum class SegmentEvent : uint8_t {
  kNone,
  kFormSubmitted,
  kDemoRequested,
  kSignedUp,
  kSurveyResponded,
  kReportExported
};

// One Segment message; rendered to JSON by the writer.
struct SegmentMessage {
  int64_t at_ms = 0;
  int64_t received_ms = 0;
  uint32_t seq = 0;  // creation order: messageId and sort tie-break
  int32_t person = -1;
  int32_t account = -1;  // group calls: the account
  SegmentType type = SegmentType::kPage;
  SegmentEvent event = SegmentEvent::kNone;
  uint8_t device = 0;
  bool user_id = false;        // carries userId
  bool anonymous_id = true;    // carries anonymousId
  bool context_email = false;  // carries context.traits.email
  bool phone = false;          // identify: traits.phone
  uint8_t email_noise = 0;     // bit 0 case, bit 1 whitespace
  int16_t path = 0;            // page path index (negative: app path)
  int8_t score = -1;           // NPS score
  int8_t comment = 0;          // comment index
  Broken broken = Broken::kNone;
};

enum class Ga4Name : uint8_t {
  kSessionStart,
  kPageView,
  kFormSubmit,
  kGenerateLead,
  kSignUp
};

struct Ga4Event {
  int64_t at_us = 0;
  int64_t session_id = 0;
  int32_t person = -1;
  uint8_t device = 0;
  Ga4Name name = Ga4Name::kPageView;
  bool user_id = false;
  bool crm = false;
  bool consent = true;
  int16_t path = 0;
};

struct ZendeskUser {
  int person = -1;
  int64_t id = 0;
  std::string name, email, phone;
  int org_account = -1;  // account whose organization the user is in
  int64_t created = 0, updated = 0;
  bool active = true;
  Broken broken = Broken::kNone;
};

struct Ticket {
  int user = -1;
  int64_t id = 0;
  int org_account = -1;
  int subject = 0;
  std::string status, priority;
  int64_t created = 0, updated = 0;
  int rating = -1;
  Broken broken = Broken::kNone;
};

struct Rating {
  int ticket = -1;
  int64_t id = 0;
  bool good = true;
  int comment = 0;
  int64_t created = 0;
};

struct World {
  int64_t start = 0,
          end = 0;  // the simulated window; the export is taken at `end`
  uint64_t seed = 0;
  std::string list_id;
  std::vector<Account> accounts;
  std::vector<Person> persons;
  std::vector<Lead> leads;
  std::vector<Contact> contacts;
  std::vector<Opportunity> opportunities;
  std::vector<Member> members;
  std::vector<Campaign> campaigns;
  std::vector<SegmentMessage> segment;
  std::vector<Ga4Event> ga4;
  std::vector<ZendeskUser> zendesk_users;
  std::vector<Ticket> tickets;
  std::vector<Rating> ratings;
  std::vector<int>
      organizations;  // accounts with a Zendesk organization, by org id
};

}  // namespace hub::sample

#endif  // HUB_TOOLS_HUB_SAMPLE_WORLD_H_
