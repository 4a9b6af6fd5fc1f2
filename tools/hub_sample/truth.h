// The ground truth of an export: every record an adapter will yield from the
// files, its true person and account, its deterministic-resolution fragment
// and its expected quarantine reason (docs/sources.md, "Ground truth").
#ifndef HUB_TOOLS_HUB_SAMPLE_TRUTH_H_
#define HUB_TOOLS_HUB_SAMPLE_TRUTH_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "tools/hub_sample/world.h"

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

const char* SourceName(Source source);  // "salesforce", ...
const char* EntityName(Entity entity);  // "CONTACT", ...

// An identifier as written in the file; empty values are ignored.
struct IdRef {
  IdType type;
  std::string_view value;
};

// Identifier normalisation as ingest does it.
std::string NormalizeEmail(std::string_view email);  // trim + lower-case
std::string NormalizePhone(std::string_view phone);  // E.164, default region US
std::string NormalizeDomain(
    std::string_view text);  // strip scheme, www., path; lower

struct TruthSummary {
  int64_t persons = 0, accounts = 0;
  int64_t person_fragments = 0, account_fragments = 0;
  int64_t records = 0, invalid_records = 0;
  // Persons whose valid records fall into more than one fragment.
  int64_t split_persons = 0;
  int64_t by_source[kSourceCount][kEntityCount] = {};
};

// Collects the records in file order and computes fragments by union-find
// over their normalised identifiers: person-side records over person-side
// types, ACCOUNT records over account-side types; an OPPORTUNITY takes the
// fragment of its salesforce.account_id. Broken records take no part. Not
// thread-safe.
class Truth {
 public:
  // `person` / `account`: indexes, -1 for none.
  void Add(Source source, Entity entity, std::string_view external_id,
           int person, int account, const IdRef* ids, size_t id_count,
           Broken broken = Broken::kNone);
  void Add(Source source, Entity entity, std::string_view external_id,
           int person, int account, std::initializer_list<IdRef> ids,
           Broken broken = Broken::kNone) {
    Add(source, entity, external_id, person, account, ids.begin(), ids.size(),
        broken);
  }
  void AddOpportunity(std::string_view external_id, int account,
                      std::string_view account_id);

  // Writes records.csv and summary.json into `dir` (which must exist).
  absl::Status Write(const std::string& dir, const std::string& options_json,
                     TruthSummary* summary);

 private:
  struct Row {
    Source source;
    Entity entity;
    Broken broken;
    int32_t person, account;
    int32_t node;  // first identifier node; -1: none
    uint32_t id_offset, id_size;
  };

  int32_t Node(IdType type, std::string_view value);
  int32_t Find(int32_t node);
  void Union(int32_t a, int32_t b);
  void Resolve(std::vector<int32_t>* fragment, TruthSummary* summary);

  std::vector<Row> rows_;
  std::string external_ids_;
  absl::flat_hash_map<std::string, int32_t> nodes_;
  std::vector<int32_t> parent_;
  std::string key_;
};

}  // namespace hub::sample

#endif  // HUB_TOOLS_HUB_SAMPLE_TRUTH_H_
