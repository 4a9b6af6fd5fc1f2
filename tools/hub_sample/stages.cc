#include "tools/hub_sample/stages.h"

#include <algorithm>

namespace hub::sample {
namespace {

constexpr int64_t kEngagementWindow = 30 * kMicrosPerDay;
constexpr int kEngagedPoints = 10;

// How a closing moves the customer status; lost ones sort before won ones.
enum class Closing : uint8_t { kNone, kLost, kLostRenewal, kWon };

struct Change {
  int64_t at;
  Closing closing;
  int8_t open;  // +1 an opportunity opens, -1 one closes, 0 neither
};

AccountTimeline::Status Apply(AccountTimeline::Status status, Closing closing) {
  using Status = AccountTimeline::Status;
  switch (closing) {
    case Closing::kWon:
      return Status::kCustomer;
    case Closing::kLostRenewal:
      return status == Status::kCustomer ? Status::kFormer : status;
    default:
      return status;
  }
}

int Rank(Stage stage) { return static_cast<int>(stage); }

// Appends the transitions of a move from `from` (nullptr: no stage yet) to
// `to` at `at`, with the skipped funnel stages.
void Enter(const Stage* from, Stage to, int64_t at,
           std::vector<Transition>* history) {
  const bool churned = from != nullptr && *from == Stage::kChurned;
  const int last = to == Stage::kChurned ? Rank(Stage::kConvert) : Rank(to) - 1;
  if (!churned) {
    for (int r = from == nullptr ? 0 : Rank(*from) + 1; r <= last; ++r) {
      history->push_back({at, static_cast<Stage>(r)});
    }
  }
  history->push_back({at, to});
}

}  // namespace

const char* StageName(Stage stage) {
  static constexpr const char* kNames[] = {"ATTRACT", "CAPTURE", "NURTURE",
                                           "CONVERT", "EXPAND",  "CHURNED"};
  return kNames[Rank(stage)];
}

int EngagementPoints(std::string_view event_type) {
  if (event_type == "email_opened" || event_type == "page_view") return 1;
  if (event_type == "email_clicked") return 3;
  if (event_type == "form_submitted" || event_type == "form_submit" ||
      event_type == "demo_requested" || event_type == "generate_lead" ||
      event_type == "signed_up") {
    return 5;
  }
  return 0;
}

bool IsQualifyingLeadStatus(std::string_view lead_status) {
  return lead_status == "Marketing Qualified" ||
         lead_status == "Sales Accepted" || lead_status == "Sales Qualified";
}

int64_t EngagedAt(std::vector<Engagement> events) {
  std::sort(
      events.begin(), events.end(),
      [](const Engagement& x, const Engagement& y) { return x.at < y.at; });
  int64_t sum = 0;
  size_t oldest = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    sum += events[i].points;
    const int64_t t = events[i].at;
    if (i + 1 < events.size() && events[i + 1].at == t) continue;
    while (events[oldest].at <= t - kEngagementWindow) {
      sum -= events[oldest++].points;
    }
    if (sum >= kEngagedPoints) return t;
  }
  return kNoTime;
}

void StageFacts::Merge(const StageFacts& other) {
  first_seen = std::min(first_seen, other.first_seen);
  identified = std::min(identified, other.identified);
  nurtured = std::min(nurtured, other.nurtured);
  for (int s = 0; s < kFunnelStages; ++s) {
    declared[s] = std::min(declared[s], other.declared[s]);
  }
}

AccountTimeline::AccountTimeline(
    const std::vector<OpportunityFacts>& opportunities) {
  std::vector<Change> changes;
  for (const OpportunityFacts& o : opportunities) {
    const bool closed = o.closed != kNoTime;
    if (!closed || o.created < o.closed) {  // open during [created, closed)
      changes.push_back({o.created, Closing::kNone, 1});
      if (closed) changes.push_back({o.closed, Closing::kNone, -1});
    }
    if (closed) {
      const Closing closing = o.won       ? Closing::kWon
                              : o.renewal ? Closing::kLostRenewal
                                          : Closing::kLost;
      changes.push_back({o.closed, closing, 0});
    }
  }
  std::sort(changes.begin(), changes.end(),
            [](const Change& x, const Change& y) {
              return x.at != y.at ? x.at < y.at : x.closing < y.closing;
            });
  Status status = Status::kNone;
  int open = 0;
  for (size_t i = 0; i < changes.size(); ++i) {
    status = Apply(status, changes[i].closing);
    open += changes[i].open;
    if (i + 1 < changes.size() && changes[i + 1].at == changes[i].at) continue;
    times_.push_back(changes[i].at);
    states_.push_back({status, open > 0});
  }
}

AccountTimeline::State AccountTimeline::At(int64_t t) const {
  const auto next = std::upper_bound(times_.begin(), times_.end(), t);
  if (next == times_.begin()) return State();
  return states_[static_cast<size_t>(next - times_.begin()) - 1];
}

bool StageAt(const StageFacts& facts, const AccountTimeline* account, int64_t t,
             Stage* stage) {
  if (facts.first_seen == kNoTime || t < facts.first_seen) return false;
  const auto declared = [&](Stage s) { return facts.declared[Rank(s)] <= t; };
  // Without an account only rules 4-6 apply.
  const AccountTimeline::State state =
      account != nullptr ? account->At(t) : AccountTimeline::State();
  const bool with_account = account != nullptr;
  using Status = AccountTimeline::Status;
  if (with_account &&
      (state.status == Status::kCustomer || declared(Stage::kExpand))) {
    *stage = Stage::kExpand;
  } else if (state.status == Status::kFormer) {
    *stage = Stage::kChurned;
  } else if (with_account && (state.open || declared(Stage::kConvert))) {
    *stage = Stage::kConvert;
  } else if (facts.nurtured <= t || declared(Stage::kNurture)) {
    *stage = Stage::kNurture;
  } else if (facts.identified <= t || declared(Stage::kCapture)) {
    *stage = Stage::kCapture;
  } else {
    *stage = Stage::kAttract;
  }
  return true;
}

std::vector<Transition> StageHistory(const StageFacts& facts,
                                     const AccountTimeline* account) {
  std::vector<Transition> history;
  if (facts.first_seen == kNoTime) return history;
  // The stage can change only when a fact takes effect.
  std::vector<int64_t> times = {facts.first_seen, facts.identified,
                                facts.nurtured};
  for (int s = 0; s < kFunnelStages; ++s) times.push_back(facts.declared[s]);
  if (account != nullptr) {
    times.insert(times.end(), account->changes().begin(),
                 account->changes().end());
  }
  times.erase(std::remove_if(times.begin(), times.end(),
                             [&](int64_t t) {
                               return t < facts.first_seen || t == kNoTime;
                             }),
              times.end());
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  for (int64_t t : times) {
    Stage stage;
    StageAt(facts, account, t, &stage);
    if (history.empty()) {
      Enter(nullptr, stage, t, &history);
    } else if (history.back().stage != stage) {
      const Stage from = history.back().stage;
      Enter(&from, stage, t, &history);
    }
  }
  return history;
}

}  // namespace hub::sample
