// segment/events.jsonl: Segment-spec messages sorted by receivedAt.
#include <algorithm>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "tools/hub_sample/civil_time.h"
#include "tools/hub_sample/output.h"
#include "tools/hub_sample/rng.h"
#include "tools/hub_sample/simulator_internal.h"
#include "tools/hub_sample/vocabulary.h"
#include "tools/hub_sample/writers.h"

namespace hub::sample {
namespace {

constexpr const char* kSite = "https://www.hubsample.test";
constexpr const char* kApp = "https://app.hubsample.test";

const char* EventName(SegmentEvent event) {
  switch (event) {
    case SegmentEvent::kFormSubmitted:
      return "Form Submitted";
    case SegmentEvent::kDemoRequested:
      return "Demo Requested";
    case SegmentEvent::kSignedUp:
      return "Signed Up";
    case SegmentEvent::kSurveyResponded:
      return "Survey Responded";
    default:
      return "Report Exported";
  }
}

std::string MessageId(uint32_t seq, uint64_t seed) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t v = Mix64(seq ^ Mix64(seed ^ 0x736567));
  std::string out = "ajs-";
  for (int i = 15; i >= 0; --i) out.push_back(kHex[(v >> (4 * i)) & 15]);
  return out;
}

class SegmentRenderer {
 public:
  SegmentRenderer(const World& w, Truth* truth)
      : w_(w), truth_(truth), vocab_(GetVocabulary()) {}

  void Render(const SegmentMessage& m, std::string* out) {
    const Person& p = w_.persons[m.person];
    const std::string message_id = MessageId(m.seq, w_.seed);
    const std::string_view anonymous_id =
        m.anonymous_id ? std::string_view(p.devices[m.device].anonymous_id)
                       : "";
    const std::string_view user_id =
        m.user_id ? std::string_view(p.user_id) : "";
    const std::string email = Email(p, m);
    JsonWriter j(out);
    j.BeginObject()
        .Key("type")
        .String(TypeName(m.type))
        .Key("messageId")
        .String(message_id);
    if (!anonymous_id.empty()) j.Key("anonymousId").String(anonymous_id);
    if (!user_id.empty()) j.Key("userId").String(user_id);
    switch (m.type) {
      case SegmentType::kIdentify:
        Identify(j, p, m, email);
        break;
      case SegmentType::kTrack:
        Track(j, m);
        break;
      case SegmentType::kPage:
        j.Key("name").String(Title(m.path)).Key("properties").BeginObject();
        j.Key("url").String(Url(m.path)).Key("path").String(Path(m.path));
        j.Key("title").String(Title(m.path)).EndObject();
        break;
      case SegmentType::kGroup:
        Group(j, m);
        break;
    }
    Context(j, m, email);
    j.Key("timestamp");
    if (m.broken == Broken::kTimestamp) {
      j.String("2024-13-45T99:00:00.000Z");
    } else {
      j.Raw(Millis(m.at_ms));
    }
    j.Key("sentAt")
        .Raw(Millis(m.at_ms + 20))
        .Key("receivedAt")
        .Raw(Millis(m.received_ms));
    j.EndObject();
    out->push_back('\n');
    AddTruth(m, p, message_id, anonymous_id, user_id, email);
  }

 private:
  static const char* TypeName(SegmentType type) {
    static constexpr const char* kNames[] = {"identify", "track", "page",
                                             "group"};
    return kNames[static_cast<int>(type)];
  }

  static std::string Millis(int64_t ms) {
    std::string s = "\"";
    AppendMillisTime(&s, ms);
    s.push_back('"');
    return s;
  }

  std::string Path(int16_t path) const {
    return path < 0 ? vocab_.app_paths[static_cast<size_t>(-1 - path)]
                    : vocab_.site_paths[static_cast<size_t>(path)];
  }
  std::string Url(int16_t path) const {
    return absl::StrCat(path < 0 ? kApp : kSite, Path(path));
  }
  std::string Title(int16_t path) const {
    const std::string p = Path(path);
    return p == "/" ? "Home" : p.substr(p.rfind('/') + 1);
  }

  std::string Email(const Person& p, const SegmentMessage& m) const {
    if (m.type != SegmentType::kIdentify && !m.context_email) return "";
    if (m.broken == Broken::kEmail) return BreakEmail(p.email);
    return NoisyEmail(p.email, m.email_noise);
  }

  void Identify(JsonWriter& j, const Person& p, const SegmentMessage& m,
                const std::string& email) {
    j.Key("traits").BeginObject().Key("email").String(email);
    j.Key("name").String(absl::StrCat(p.first_name, " ", p.last_name));
    if (m.seq % 3 != 0) j.Key("title").String(p.title);
    if (m.phone)
      j.Key("phone").String(FormatPhone(p.phone, static_cast<int>(m.seq % 5)));
    j.Key("company")
        .BeginObject()
        .Key("name")
        .String(w_.accounts[p.account].name)
        .EndObject();
    j.EndObject();
  }

  void Track(JsonWriter& j, const SegmentMessage& m) {
    j.Key("event").String(EventName(m.event)).Key("properties").BeginObject();
    switch (m.event) {
      case SegmentEvent::kFormSubmitted:
        j.Key("form_id").String(m.seq % 2 ? "contact-sales"
                                          : "newsletter-signup");
        j.Key("page").String("/contact");
        break;
      case SegmentEvent::kDemoRequested:
        j.Key("plan").String("enterprise").Key("seats").Int(5 + m.seq % 50);
        break;
      case SegmentEvent::kSignedUp:
        j.Key("plan").String("trial");
        break;
      case SegmentEvent::kSurveyResponded:
        j.Key("survey").String("nps").Key("score").Int(m.score);
        if (!vocab_.nps_comments[m.comment].empty()) {
          j.Key("comment").String(vocab_.nps_comments[m.comment]);
        }
        break;
      default:
        j.Key("format").String(m.seq % 2 ? "csv" : "pdf");
    }
    j.EndObject();
  }

  void Group(JsonWriter& j, const SegmentMessage& m) {
    const Account& a = w_.accounts[m.account];
    j.Key("groupId")
        .String(a.group_id)
        .Key("traits")
        .BeginObject()
        .Key("name")
        .String(a.name);
    if (!a.group_website.empty()) j.Key("website").String(a.group_website);
    j.Key("industry").String(a.industry).Key("employees").Int(a.employees);
    j.Key("plan")
        .String(a.type == "Customer" ? "enterprise" : "free")
        .EndObject();
  }

  void Context(JsonWriter& j, const SegmentMessage& m,
               const std::string& email) {
    j.Key("context").BeginObject();
    j.Key("ip").String(absl::StrCat("203.0.113.", 1 + m.person % 250));
    j.Key("library").BeginObject().Key("name").String("analytics.js");
    j.Key("version").String("2.11.1").EndObject();
    if (m.type == SegmentType::kPage || m.type == SegmentType::kTrack) {
      const int16_t path = m.type == SegmentType::kPage ? m.path : 0;
      j.Key("page")
          .BeginObject()
          .Key("path")
          .String(Path(path))
          .Key("url")
          .String(Url(path));
      j.EndObject();
    }
    if (m.type == SegmentType::kTrack && !email.empty()) {
      j.Key("traits").BeginObject().Key("email").String(email).EndObject();
    }
    j.EndObject();
  }

  // The event_type the adapter maps a track or page message to.
  static const char* EventType(const SegmentMessage& m) {
    if (m.type == SegmentType::kPage) return "page_view";
    switch (m.event) {
      case SegmentEvent::kFormSubmitted:
        return "form_submitted";
      case SegmentEvent::kDemoRequested:
        return "demo_requested";
      case SegmentEvent::kSignedUp:
        return "signed_up";
      case SegmentEvent::kSurveyResponded:
        return "nps_response";
      default:
        return "report_exported";
    }
  }

  void AddTruth(const SegmentMessage& m, const Person& p,
                const std::string& message_id, std::string_view anonymous_id,
                std::string_view user_id, const std::string& email) {
    const int person = m.person;
    RecordFacts facts;  // timestamp: updated_at and occurred_at
    facts.updated = m.at_ms * 1000;
    switch (m.type) {
      case SegmentType::kIdentify: {
        const std::string phone =
            m.phone ? FormatPhone(p.phone, static_cast<int>(m.seq % 5)) : "";
        truth_->Add(Source::kSegment, Entity::kContact,
                    user_id.empty() ? anonymous_id : user_id, person, p.account,
                    {{IdType::kUserId, user_id},
                     {IdType::kAnonymousId, anonymous_id},
                     {IdType::kEmail, email},
                     {IdType::kPhone, phone}},
                    facts, m.broken);
        break;
      }
      case SegmentType::kGroup: {
        const Account& a = w_.accounts[m.account];
        RecordFacts group = facts;
        group.industry = a.industry;
        truth_->Add(Source::kSegment, Entity::kAccount, a.group_id, -1,
                    m.account,
                    {{IdType::kGroupId, a.group_id},
                     {IdType::kDomain, a.group_website}},
                    group);
        if (!user_id.empty()) {
          facts.account = {IdType::kGroupId, a.group_id};
          truth_->Add(
              Source::kSegment, Entity::kContact,
              absl::StrCat("group:", std::string(user_id), ":", a.group_id),
              person, p.account, {{IdType::kUserId, user_id}}, facts);
        }
        break;
      }
      default: {
        const Entity entity = m.event == SegmentEvent::kSurveyResponded
                                  ? Entity::kSurveyResponse
                                  : Entity::kWebEvent;
        facts.occurred = facts.updated;
        facts.event_type = EventType(m);
        const std::string score = absl::StrCat(m.score);  // properties.score
        if (m.event == SegmentEvent::kSurveyResponded) facts.score = score;
        truth_->Add(Source::kSegment, entity, message_id, person, p.account,
                    {{IdType::kUserId, user_id},
                     {IdType::kAnonymousId, anonymous_id},
                     {IdType::kEmail, email}},
                    facts, m.broken);
      }
    }
  }

  const World& w_;
  Truth* truth_;
  const Vocabulary& vocab_;
};

}  // namespace

absl::Status WriteSegment(const World& world, const std::string& dir,
                          Truth* truth) {
  if (absl::Status s = MakeDirectories(dir); !s.ok()) return s;
  std::vector<uint32_t> order(world.segment.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    const SegmentMessage &a = world.segment[x], &b = world.segment[y];
    return a.received_ms != b.received_ms ? a.received_ms < b.received_ms
                                          : a.seq < b.seq;
  });
  OutputFile file(dir + "/events.jsonl");
  SegmentRenderer renderer(world, truth);
  for (uint32_t i : order) {
    renderer.Render(world.segment[i], file.buffer());
    file.MaybeFlush();
  }
  return file.Close();
}

}  // namespace hub::sample
