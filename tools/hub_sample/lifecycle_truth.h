// The lifecycle part of the ground truth (docs/lifecycle.md): every
// deterministic fragment's stage history, the funnel over them, the stage
// metrics and the customer value, computed from what hub-sample wrote,
// independently of Hub's stage engine and metrics service.
#ifndef HUB_TOOLS_HUB_SAMPLE_LIFECYCLE_TRUTH_H_
#define HUB_TOOLS_HUB_SAMPLE_LIFECYCLE_TRUTH_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "tools/hub_sample/funnel.h"
#include "tools/hub_sample/metrics.h"
#include "tools/hub_sample/record.h"
#include "tools/hub_sample/stages.h"

namespace hub::sample {

struct LifecycleSummary {
  int64_t person_profiles = 0, person_transitions = 0;  // profiles: staged
  int64_t account_profiles = 0, account_transitions = 0;
};

// How records resolved: what Truth computed by union-find.
struct FragmentMap {
  const std::vector<int32_t>* of_row = nullptr;  // fragment number per row
  int32_t person_fragments = 0, account_fragments = 0;
  // The account fragment holding an account-side identifier node; 0: none.
  std::function<int32_t(int32_t node)> account_of_node;
};

// Collects per record the facts of docs/lifecycle.md, then computes per
// fragment (a fragment is one Hub profile) the stage history, the funnel and
// the stage metrics, and writes truth/stages.csv, truth/funnel.csv,
// truth/metrics.csv and truth/customer_value.csv. Rows are Truth's record
// numbers. Not thread-safe.
class LifecycleTruth {
 public:
  // A valid, non-deleted record of a person (CONTACT, LEAD or an event).
  // `email`: it carries an email identifier. `account_node`: CONTACT / LEAD,
  // the node of the account it names (its link, else its work-email
  // domain); -1 for none. `member_id`: its mailchimp.member_id identifier
  // (an EMAIL_ACTIVITY's send is (campaign_id, member_id)).
  void AddPersonRecord(uint32_t row, Entity entity, const RecordFacts& facts,
                       bool email, int32_t account_node,
                       std::string_view member_id = {});
  // A valid ACCOUNT record.
  void AddAccountRecord(uint32_t row, const RecordFacts& facts);
  // A valid OPPORTUNITY record.
  void AddOpportunity(uint32_t row, const OpportunityFacts& facts);

  // Writes stages.csv, funnel.csv, metrics.csv and customer_value.csv into
  // `dir`; the funnel and the metrics cover the periods of
  // FunnelPeriods(start, end) (Unix seconds). INTERNAL on I/O errors.
  absl::Status Write(const std::string& dir, const FragmentMap& fragments,
                     int64_t start, int64_t end, LifecycleSummary* summary);

 private:
  struct PersonRecord {
    uint32_t row;
    uint8_t points;
    bool identifies;
    int64_t time;
  };
  struct ContactRecord {
    uint32_t row;
    int32_t account_node;
    int64_t updated;
    int64_t qualified;  // updated_at if its lead_status qualifies
  };
  struct AccountRecord {
    uint32_t row;
    int16_t traits[4];  // industry, tier, region, source; -1: absent
  };
  struct OpportunityRecord {
    uint32_t row;
    OpportunityFacts facts;
  };
  // Facts read only by the stage metrics.
  struct WebEvent {
    uint32_t row;
    bool page_view;
    int64_t at;
  };
  struct LeadStatus {
    uint32_t row;
    Metric status;  // kMqls, kSals or kSqls
    int64_t updated;
  };
  enum class EmailKind : uint8_t {
    kSent,
    kBounced,
    kOpened,
    kClicked,
    kUnsubscribed
  };
  struct EmailRecord {
    uint32_t row;
    uint32_t send;  // into send_keys_' numbering
    EmailKind kind;
    int64_t at;
  };
  struct SurveyRecord {
    uint32_t row;
    bool nps;      // else csat
    int8_t score;  // nps: 0-10, -1 not an integer 0-10; csat: 1 good, 0 not
    int64_t at;
  };
  // The distinct values of one trait, in first-seen order.
  struct TraitValues {
    std::vector<std::string> values;
    absl::flat_hash_map<std::string, int16_t> index;
    int16_t Intern(std::string_view value);
  };
  struct Side;

  // Person facts and current accounts.
  void ComputePersons(const FragmentMap& fragments, Side* persons) const;
  // Account facts, traits and histories; returns the timelines.
  std::vector<AccountTimeline> ComputeAccounts(const FragmentMap& fragments,
                                               const Side& persons,
                                               Side* accounts) const;
  void ComputePersonHistories(const std::vector<AccountTimeline>& timelines,
                              const Side& accounts, Side* persons) const;
  // The funnel's segment labels ("" first, then each trait's values sorted);
  // segment_of[k][value] is a value's position among them, trait_of[label]
  // its trait (-1 for "").
  std::vector<std::string> Segments(std::vector<int> segment_of[],
                                    std::vector<int>* trait_of) const;
  // Adds every metric fact to `metrics`, each to the segments of its
  // profile.
  void AddMetrics(const FragmentMap& fragments, const Side& persons,
                  const Side& accounts, const std::vector<int> segment_of[],
                  StageMetrics* metrics) const;
  static void AppendFunnelRow(const char* side, const Funnel& funnel,
                              size_t period, int segment,
                              const std::string& label, Stage stage,
                              std::string* out);

  std::vector<PersonRecord> person_records_;
  std::vector<ContactRecord> contact_records_;
  std::vector<AccountRecord> account_records_;
  std::vector<OpportunityRecord> opportunities_;
  std::vector<WebEvent> web_events_;
  std::vector<LeadStatus> lead_statuses_;
  std::vector<EmailRecord> email_records_;
  absl::flat_hash_map<std::string, uint32_t> send_keys_;  // campaign \t member
  std::vector<SurveyRecord> surveys_;
  TraitValues traits_[4];
};

}  // namespace hub::sample

#endif  // HUB_TOOLS_HUB_SAMPLE_LIFECYCLE_TRUTH_H_
