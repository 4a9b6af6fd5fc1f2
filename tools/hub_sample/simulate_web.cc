// Web and product activity: Segment messages and GA4 events per session.
#include <algorithm>
#include <utility>

#include "tools/hub_sample/civil_time.h"
#include "tools/hub_sample/simulator_internal.h"

namespace hub::sample {
namespace {

constexpr int64_t kSessionGap = 3 * kHour;

struct Session {
  int64_t at;
  MomentKind kind;
  int moment;  // index into the person's moments, -1 for none
};

bool Clashes(const std::vector<Session>& sessions, int64_t at) {
  for (const Session& s : sessions) {
    if (at > s.at - kSessionGap && at < s.at + kSessionGap) return true;
  }
  return false;
}

}  // namespace

void Simulator::SimulateWeb(int p, Rng& rng) {
  Person& person = w_.persons[p];
  if (!person.web) return;
  std::vector<Moment>& moments = moments_[p];
  std::stable_sort(
      moments.begin(), moments.end(),
      [](const Moment& x, const Moment& y) { return x.at < y.at; });
  int64_t first = person.first_visit == kNever
                      ? w_.start + rng.Between(0, span_)
                      : std::max(person.first_visit, w_.start);
  if (!moments.empty()) first = std::min(first, moments.front().at);
  if (first > w_.end) return;

  std::vector<Session> sessions;
  int64_t last = 0;
  for (size_t i = 0; i < moments.size(); ++i) {
    const int64_t at = std::max(moments[i].at, last + kSessionGap);
    if (at > w_.end) break;
    sessions.push_back({at, moments[i].kind, static_cast<int>(i)});
    last = at;
  }
  std::vector<int64_t> candidates = {first};
  for (int64_t k = rng.Below(3); k > 0; --k)
    candidates.push_back(first + rng.Between(kHour, 90 * kDay));
  for (int64_t t : candidates) {
    if (t <= w_.end && !Clashes(sessions, t))
      sessions.push_back({t, MomentKind::kVisit, -1});
  }
  if (!person.user_id.empty()) {
    const int64_t stop = std::min(person.user_until, w_.end);
    for (int64_t t =
             std::max(person.user_since, w_.start) + rng.Between(0, 30 * kDay);
         t < stop; t += rng.Between(20, 40) * kDay) {
      if (rng.Chance(0.2) && !Clashes(sessions, t)) {
        sessions.push_back({t, MomentKind::kProduct, -1});
      }
    }
  }
  std::sort(sessions.begin(), sessions.end(),
            [](const Session& x, const Session& y) { return x.at < y.at; });

  person.devices.push_back({NextAnonymousId(), "", sessions.front().at});
  person.devices[0].pseudo_id = NextPseudoId(sessions.front().at);
  for (const Session& s : sessions) {
    EmitSession(p, 0, s.at, s.kind,
                s.moment >= 0 ? &moments_[p][s.moment] : nullptr, rng);
  }
  if (!w_.persons[p].second_device) return;
  int64_t t = sessions.front().at + rng.Between(5, 200) * kDay;
  if (t > w_.end) return;
  Person& again = w_.persons[p];
  again.devices.push_back({NextAnonymousId(), NextPseudoId(t), t});
  for (int64_t k = 1 + rng.Below(2); k > 0 && t <= w_.end; --k) {
    EmitSession(p, 1, t, MomentKind::kVisit, nullptr, rng);
    t += rng.Between(kDay, 60 * kDay);
  }
}

void Simulator::EmitSession(int p, int device, int64_t at, MomentKind kind,
                            const Moment* moment, Rng& rng) {
  const Person& person = w_.persons[p];
  Visit v;
  v.person = p;
  v.device = device;
  v.session = at;
  v.ms = at * 1000 + static_cast<int64_t>(rng.Below(1000));
  v.user = device == 0 && !person.user_id.empty() && at >= person.user_since &&
           at < person.user_until;
  v.crm = device == 0 && person.ga4_crm && person.contact >= 0 &&
          at >= w_.contacts[person.contact].created;
  v.consent = Mix64(static_cast<uint64_t>(p) ^ w_.seed) % 100 < 93;
  PushGa4(v, Ga4Name::kSessionStart, v.ms * 1000, 0);
  if (v.user && !person.identified_user) EmitIdentify(p, v.ms, true, rng);
  const bool product = kind == MomentKind::kProduct;
  for (int64_t pages = 1 + rng.Weighted({55, 30, 15}); pages > 0; --pages) {
    const auto path = static_cast<int16_t>(
        product ? -1 - static_cast<int>(rng.Below(vocab_.app_paths.size()))
                : static_cast<int>(rng.Below(vocab_.site_paths.size())));
    PushSegment(p, device, SegmentType::kPage, v.ms, rng).path = path;
    PushGa4(v, Ga4Name::kPageView, v.ms * 1000 + 1, path);
    v.ms += rng.Between(5000, 240000);
  }
  EmitMoment(v, kind, moment, rng);
}

void Simulator::EmitMoment(const Visit& v, MomentKind kind,
                           const Moment* moment, Rng& rng) {
  const Person& person = w_.persons[v.person];
  const auto track = [&](SegmentEvent event, bool email) -> SegmentMessage& {
    SegmentMessage& m =
        PushSegment(v.person, v.device, SegmentType::kTrack, v.ms, rng);
    m.event = event;
    m.context_email = email;
    if (email) {
      m.email_noise =
          static_cast<uint8_t>(rng.Chance(0.2) ? 1 + rng.Below(3) : 0);
    }
    return m;
  };
  switch (kind) {
    case MomentKind::kForm:
      track(SegmentEvent::kFormSubmitted, true);
      PushGa4(v, Ga4Name::kFormSubmit, v.ms * 1000, 0);
      PushGa4(v, Ga4Name::kGenerateLead, v.ms * 1000, 0);
      if (!v.user && !person.identified_anonymous) {
        EmitIdentify(v.person, v.ms + 40, false, rng);
      }
      break;
    case MomentKind::kSignup:
      track(SegmentEvent::kSignedUp, false);
      PushGa4(v, Ga4Name::kSignUp, v.ms * 1000, 0);
      break;
    case MomentKind::kDemo:
      track(SegmentEvent::kDemoRequested, true);
      break;
    case MomentKind::kNps: {
      SegmentMessage& m = track(SegmentEvent::kSurveyResponded, false);
      m.score = moment->score;
      m.comment = moment->comment;
      break;
    }
    case MomentKind::kEmailClick:  // the link identifies (Segment's ajs_ query)
      if (!v.user && !person.identified_anonymous) {
        EmitIdentify(v.person, v.ms, false, rng);
      }
      break;
    case MomentKind::kProduct:
      if (rng.Chance(0.3)) track(SegmentEvent::kReportExported, false);
      break;
    default:
      break;
  }
}

void Simulator::EmitIdentify(int p, int64_t at_ms, bool with_user, Rng& rng) {
  Person& person = w_.persons[p];
  SegmentMessage& m = PushSegment(p, 0, SegmentType::kIdentify, at_ms, rng);
  m.user_id = with_user;
  m.phone = !person.phone.empty() && rng.Chance(0.3);
  m.email_noise = static_cast<uint8_t>(rng.Chance(0.2) ? 1 + rng.Below(3) : 0);
  m.broken = MaybeBroken(rng, true, false, false);
  (with_user ? person.identified_user : person.identified_anonymous) = true;
}

SegmentMessage& Simulator::PushSegment(int p, int device, SegmentType type,
                                       int64_t at_ms, Rng& rng) {
  const Person& person = w_.persons[p];
  SegmentMessage m;
  m.seq = static_cast<uint32_t>(w_.segment.size());
  m.person = p;
  m.type = type;
  m.device = static_cast<uint8_t>(device);
  m.at_ms = at_ms;
  m.received_ms = at_ms + rng.Between(50, 1500);
  const int64_t at = at_ms / 1000;
  m.user_id = device == 0 && !person.user_id.empty() &&
              at >= person.user_since && at < person.user_until;
  if (type == SegmentType::kPage || type == SegmentType::kTrack) {
    m.broken = MaybeBroken(rng, false, true, false);
  }
  w_.segment.push_back(m);
  return w_.segment.back();
}

void Simulator::PushGa4(const Visit& v, Ga4Name name, int64_t at_us,
                        int16_t path) {
  Ga4Event e;
  e.at_us = at_us;
  e.session_id = v.session;
  e.person = v.person;
  e.device = static_cast<uint8_t>(v.device);
  e.name = name;
  e.user_id = v.user;
  e.crm = v.crm;
  e.consent = v.consent;
  e.path = path;
  w_.ga4.push_back(e);
}

void Simulator::MakeVisitors() {
  const int count = options_.accounts / 2;
  for (int i = 0; i < count; ++i) {
    Rng rng(StreamSeed(options_.seed, 2, static_cast<uint64_t>(i)));
    Person v;
    v.web = true;
    v.second_device = rng.Chance(0.05);
    v.first_visit = w_.start + rng.Between(0, span_ - kDay);
    w_.persons.push_back(std::move(v));
    moments_.emplace_back();
    SimulateWeb(static_cast<int>(w_.persons.size()) - 1, rng);
  }
}

}  // namespace hub::sample
