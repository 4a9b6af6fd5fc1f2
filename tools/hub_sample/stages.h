// The lifecycle stage rules of docs/lifecycle.md, as pure functions of a
// profile's facts: hub-sample's own implementation, written from the page
// alone, so that the ground truth checks Hub's stage engine rather than
// echoes it. Times are microseconds since the Unix epoch.
#ifndef HUB_TOOLS_HUB_SAMPLE_STAGES_H_
#define HUB_TOOLS_HUB_SAMPLE_STAGES_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace hub::sample {

// A time later than every real one: "never".
inline constexpr int64_t kNoTime = INT64_MAX;
inline constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;

// The funnel stages in order, then CHURNED (a former customer).
enum class Stage : uint8_t {
  kAttract,
  kCapture,
  kNurture,
  kConvert,
  kExpand,
  kChurned
};
inline constexpr int kFunnelStages = 5;

const char* StageName(Stage stage);  // "ATTRACT", ..., "CHURNED"

// The engagement points of an event_type: email_opened 1, email_clicked 3,
// page_view 1, form_submitted / form_submit / demo_requested /
// generate_lead / signed_up 5; 0 for any other.
int EngagementPoints(std::string_view event_type);

// True for the lead_status values that nurture a person: Marketing
// Qualified, Sales Accepted, Sales Qualified.
bool IsQualifyingLeadStatus(std::string_view lead_status);

struct Engagement {
  int64_t at = 0;
  int points = 0;
};

// The first time t at which the points of `events` (any order) over
// (t - 30 days, t] reach 10; kNoTime if they never do.
int64_t EngagedAt(std::vector<Engagement> events);

// The facts of a person, or of an account's members (each the earliest;
// kNoTime: never).
struct StageFacts {
  int64_t first_seen = kNoTime;
  int64_t identified = kNoTime;
  int64_t nurtured = kNoTime;
  // declared[s]: a declared lifecycle stage s (CAPTURE..EXPAND; ATTRACT
  // unused).
  int64_t declared[kFunnelStages] = {kNoTime, kNoTime, kNoTime, kNoTime,
                                     kNoTime};

  // Takes the earliest of each fact of `other`.
  void Merge(const StageFacts& other);
};

struct OpportunityFacts {
  int64_t created = 0;
  int64_t closed = kNoTime;  // kNoTime: not closed
  bool won = false;
  bool renewal = false;
  // Read by the stage metrics only: property `amount` (whole currency units)
  // and `type` = `upsell`.
  int64_t amount = 0;
  bool upsell = false;
};

// An account's opportunities as step functions of time: its customer status
// (closings in time order, lost before won at equal times) and whether it has
// an open opportunity. A value type.
class AccountTimeline {
 public:
  enum class Status : uint8_t { kNone, kCustomer, kFormer };
  struct State {
    Status status = Status::kNone;
    bool open = false;  // some opportunity is open
  };

  AccountTimeline() = default;
  explicit AccountTimeline(const std::vector<OpportunityFacts>& opportunities);

  // The state at `t` (every change at or before t applied).
  State At(int64_t t) const;
  // The times at which the state may change, ascending.
  const std::vector<int64_t>& changes() const { return times_; }

 private:
  std::vector<int64_t> times_;
  std::vector<State> states_;  // states_[i]: from times_[i] on
};

struct Transition {
  int64_t at = 0;
  Stage stage = Stage::kAttract;
};

// The stage of a profile with `facts` and account `account` at `t`; false
// before first_seen. An account profile passes its own timeline; a person
// without an account passes nullptr, and then only rules 4-6 apply (its
// declared CONVERT and EXPAND are ignored).
bool StageAt(const StageFacts& facts, const AccountTimeline* account, int64_t t,
             Stage* stage);

// The profile's history: every change of its stage, the skipped funnel stages
// filled in at the same instant (up to CONVERT when moving to CHURNED).
// Empty when first_seen is kNoTime.
std::vector<Transition> StageHistory(const StageFacts& facts,
                                     const AccountTimeline* account);

}  // namespace hub::sample

#endif  // HUB_TOOLS_HUB_SAMPLE_STAGES_H_
