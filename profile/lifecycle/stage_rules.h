// The lifecycle stage rules of docs/lifecycle.md as pure functions: the facts
// a profile's records establish, folded in one record at a time, and the
// stage history those facts and the account's opportunities imply.
#ifndef HUB_PROFILE_LIFECYCLE_STAGE_RULES_H_
#define HUB_PROFILE_LIFECYCLE_STAGE_RULES_H_

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hub/v1/records.pb.h"

namespace hub {

// Funnel stages in order, then CHURNED (a former customer). The values are
// the ranks the rules compare, and match hub.v1.Stage.
enum class Stage : int8_t {
  kNone = 0,
  kAttract = 1,
  kCapture = 2,
  kNurture = 3,
  kConvert = 4,
  kExpand = 5,
  kChurned = 6,
};
inline constexpr int kFunnelStages = 5;  // ATTRACT..EXPAND

// "ATTRACT", ...; "" for kNone.
const char* StageName(Stage stage);

// A time no fact has: "never".
inline constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

// The configurable part of the rules (docs/lifecycle.md gives the defaults).
struct StageRules {
  int64_t engagement_window_us = 30LL * 86400 * 1000000;
  int engagement_threshold = 10;
  // Points per event_type; others score nothing.
  absl::flat_hash_map<std::string, int> engagement_points;
  // Attribute `lead_status` / `lifecyclestage` values that declare a stage
  // (CAPTURE..EXPAND) at the record's updated_at.
  absl::flat_hash_map<std::string, Stage> lead_status;
  absl::flat_hash_map<std::string, Stage> lifecycle_stage;

  static StageRules Default();
};

// The facts a person's records establish (all times Unix microseconds).
// Folding is order-independent: any order of the same records gives the
// same facts.
struct PersonFacts {
  int64_t first_seen = kNever;
  int64_t identified = kNever;
  int64_t engaged = kNever;  // the engagement window first reached the threshold
  // declared[s - kCapture]: earliest declaration of stage s (CAPTURE..EXPAND).
  std::array<int64_t, 4> declared = {kNever, kNever, kNever, kNever};
  // Engagement events (time, points) up to `engaged` (all of them while the
  // threshold was never reached), by time: exactly what a late, earlier event
  // needs to find the new crossing. Later events can never matter again.
  std::vector<std::pair<int64_t, int32_t>> engagement;

  // The person's email sends (for the stage metrics), by key: one per
  // (campaign_id, mailchimp.member_id) seen on an EMAIL_ACTIVITY record.
  struct Send {
    uint64_t key = 0;         // Fnv1a64 of campaign_id, \x1f, member id
    int64_t sent = kNever;    // earliest email_sent time; kNever: no send seen
    uint32_t flags = 0;       // kBounced | kOpened | kClicked | kUnsubscribed
    bool operator==(const Send& o) const {
      return key == o.key && sent == o.sent && flags == o.flags;
    }
  };
  static constexpr uint32_t kBounced = 1, kOpened = 2, kClicked = 4, kUnsubscribed = 8;
  std::vector<Send> sends;

  // Per UTC day, what the person's other records count in the stage
  // metrics (for the web, the earliest event's time: whether the person was
  // still anonymous then).
  enum DayCount { kWebFirst, kPageViews, kMql, kSal, kSql, kNps, kPromoters, kDetractors,
                  kCsat, kCsatGood, kDayCounts };
  std::map<int64_t, std::array<int64_t, kDayCounts>> days;

  bool empty() const { return first_seen == kNever; }
  int64_t Declared(Stage s) const;

  // Adds one current, non-deleted, valid person-side record.
  void Fold(const hub::v1::SourceRecord& record, const StageRules& rules);
  // Adds another profile's facts (a merge): the same as folding its records.
  void Absorb(const PersonFacts& other, const StageRules& rules);
  // For an account: the earliest of each fact over its members (no
  // engagement list or sends; `engaged` is already the members' earliest).
  void TakeEarliest(const PersonFacts& member);

  bool operator==(const PersonFacts& o) const;
  std::string Serialize() const;
  static absl::StatusOr<PersonFacts> Parse(absl::string_view bytes);

 private:
  void AddEngagement(int64_t at, int32_t points, const StageRules& rules);
  void FindCrossing(const StageRules& rules);
  // Events after the crossing can never matter again.
  void DropAfterCrossing();
  void AddSend(const hub::v1::SourceRecord& r);
  void AddDayCounts(const hub::v1::SourceRecord& r, int64_t at);
  void MergeDay(int64_t day, const std::array<int64_t, kDayCounts>& counts);
  void MergeSend(const Send& s);
};

// An account's opportunity, as its stage needs it.
struct Opportunity {
  int64_t created = kNever;
  int64_t closed = kNever;  // kNever while open
  bool won = false;
  bool renewal = false;
  bool upsell = false;
  int64_t amount_cents = 0;  // property `amount`; 0 if missing or unparseable
  bool operator==(const Opportunity& o) const {
    return created == o.created && closed == o.closed && won == o.won &&
           renewal == o.renewal && upsell == o.upsell && amount_cents == o.amount_cents;
  }
};

// The opportunity an OPPORTUNITY record describes; nullopt-like error
// (INVALID_ARGUMENT naming the property) if it has no usable created time.
absl::StatusOr<Opportunity> OpportunityOf(const hub::v1::SourceRecord& record);

// The record properties the stage facts and opportunities are computed
// from (PersonFacts::Fold, OpportunityOf): what a retention purge of raw
// payloads keeps.
const std::vector<std::string>& StageRuleProperties();

// A record's time for the rules: occurred_at for events, `created_date`
// (when parseable) else updated_at for CONTACT and LEAD, updated_at otherwise.
int64_t RecordTime(const hub::v1::SourceRecord& record);

// One change of stage.
struct Transition {
  int64_t at = 0;
  Stage stage = Stage::kNone;
  bool operator==(const Transition& o) const {
    return at == o.at && stage == o.stage;
  }
};

// The stage history of a profile with `facts` (a person's own, or an
// account's members' earliest) whose account has `opportunities` (for an
// account: its own). `opportunities_seen` makes an opportunity's creation
// count as first being seen (accounts). Skipped funnel stages are entered at
// the same instant; see docs/lifecycle.md.
std::vector<Transition> History(const PersonFacts& facts,
                                const std::vector<Opportunity>& opportunities,
                                bool opportunities_seen);

// The stage at `t` by a history (kNone before the first transition).
Stage StageAt(const std::vector<Transition>& history, int64_t t);

// What a history's transition i contributes to the funnel: when the profile
// left that stage (the next transition) and when it first moved above it
// (CHURNED is above every funnel stage); kNever if not (yet).
struct TransitionOutcome {
  int64_t left = kNever;
  int64_t reached_next = kNever;
};
std::vector<TransitionOutcome> Outcomes(const std::vector<Transition>& history);

}  // namespace hub

#endif  // HUB_PROFILE_LIFECYCLE_STAGE_RULES_H_
