// ga4/events_YYYYMMDD.ndjson: the BigQuery export, one event per line.
#include <algorithm>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "tools/hub_sample/civil_time.h"
#include "tools/hub_sample/output.h"
#include "tools/hub_sample/rng.h"
#include "tools/hub_sample/vocabulary.h"
#include "tools/hub_sample/writers.h"

namespace hub::sample {
namespace {

const char* EventName(Ga4Name name) {
  static constexpr const char* kNames[] = {
      "session_start", "page_view", "form_submit", "generate_lead", "sign_up"};
  return kNames[static_cast<int>(name)];
}

// A JSON string, or null when empty.
void AppendStringOrNull(std::string* out, std::string_view value) {
  if (value.empty()) {
    out->append("null");
  } else {
    AppendJsonString(out, value);
  }
}

// Renders rows field by field in the export's order; the fixed parts are
// literal text (this is the largest file set, so it is written directly).
class Ga4Renderer {
 public:
  Ga4Renderer(const World& w, Truth* truth)
      : w_(w), truth_(truth), vocab_(GetVocabulary()) {}

  void Render(const Ga4Event& e, std::string* out) {
    const Person& p = w_.persons[e.person];
    const Device& device = p.devices[e.device];
    const std::string_view user_id =
        e.user_id ? std::string_view(p.user_id) : "";
    const std::string_view crm =
        e.crm ? std::string_view(w_.contacts[p.contact].id) : "";
    const char* name = EventName(e.name);
    const uint64_t h = Mix64(static_cast<uint64_t>(e.person) * 2 + e.device);
    out->append("{\"event_date\":\"");
    AppendTime(out, e.at_us / 1000000, TimeStyle::kCompactDate);
    out->append("\",\"event_timestamp\":\"");
    AppendInt(out, e.at_us);
    out->append("\",\"event_name\":\"");
    out->append(name);
    out->append(
        "\",\"event_params\":[{\"key\":\"ga_session_id\",\"value\":"
        "{\"string_value\":null,\"int_value\":\"");
    AppendInt(out, e.session_id);
    out->append(
        "\",\"float_value\":null,\"double_value\":null}},{\"key\":"
        "\"page_location\",\"value\":{\"string_value\":\"");
    out->append(e.path < 0 ? "https://app.hubsample.test"
                           : "https://www.hubsample.test");
    out->append(e.path < 0 ? vocab_.app_paths[static_cast<size_t>(-1 - e.path)]
                           : vocab_.site_paths[static_cast<size_t>(e.path)]);
    out->append(
        "\",\"int_value\":null,\"float_value\":null,\"double_value\":"
        "null}}],\"user_id\":");
    AppendStringOrNull(out, user_id);
    out->append(",\"user_pseudo_id\":");
    AppendJsonString(out, device.pseudo_id);
    out->append(",\"privacy_info\":{\"analytics_storage\":");
    out->append(e.consent ? "\"Yes\"" : "\"No\"");
    out->append("},\"user_properties\":[");
    if (!crm.empty()) {
      out->append("{\"key\":\"crm_contact_id\",\"value\":{\"string_value\":");
      AppendJsonString(out, crm);
      out->append(
          ",\"int_value\":null,\"float_value\":null,\"double_value\":"
          "null,\"set_timestamp_micros\":\"");
      AppendInt(out, e.at_us);
      out->append("\"}}");
    }
    out->append("],\"user_first_touch_timestamp\":\"");
    AppendInt(out, device.first_seen * 1000000);
    static constexpr const char* kCategory[] = {"desktop", "desktop", "mobile",
                                                "tablet"};
    static constexpr const char* kBrowser[] = {"Chrome", "Safari", "Edge",
                                               "Firefox"};
    out->append("\",\"device\":{\"category\":\"");
    out->append(kCategory[h % 4]);
    out->append("\",\"web_info\":{\"browser\":\"");
    out->append(kBrowser[h / 4 % 4]);
    out->append("\"}},\"geo\":{\"country\":");
    AppendJsonString(
        out, p.account >= 0 ? w_.accounts[p.account].country : "United States");
    out->append("},\"stream_id\":\"2100450278\",\"platform\":\"WEB\"}\n");

    key_ = device.pseudo_id;
    key_.push_back(':');
    AppendInt(&key_, e.at_us);
    key_.push_back(':');
    key_.append(name);
    key_.append(":0");
    RecordFacts facts;
    facts.occurred = e.at_us;  // event_timestamp
    facts.event_type = name;
    truth_->Add(Source::kGa4, Entity::kWebEvent, key_, e.person, p.account,
                {{IdType::kPseudoId, device.pseudo_id},
                 {IdType::kUserId, user_id},
                 {IdType::kContactId, crm}},
                facts);
  }

 private:
  const World& w_;
  Truth* truth_;
  const Vocabulary& vocab_;
  std::string key_;
};

}  // namespace

absl::Status WriteGa4(const World& world, const std::string& dir,
                      Truth* truth) {
  if (absl::Status s = MakeDirectories(dir); !s.ok()) return s;
  std::vector<uint32_t> order(world.ga4.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    const int64_t a = world.ga4[x].at_us, b = world.ga4[y].at_us;
    return a != b ? a < b : x < y;
  });
  Ga4Renderer renderer(world, truth);
  std::unique_ptr<OutputFile> file;
  int64_t day = -1;
  for (uint32_t i : order) {
    const Ga4Event& e = world.ga4[i];
    const int64_t d = e.at_us / 1000000 / kDay;
    if (d != day) {
      if (file) {
        if (absl::Status s = file->Close(); !s.ok()) return s;
      }
      day = d;
      file = std::make_unique<OutputFile>(absl::StrCat(
          dir, "/events_", FormatTime(d * kDay, TimeStyle::kCompactDate),
          ".ndjson"));
    }
    renderer.Render(e, file->buffer());
    file->MaybeFlush();
  }
  return file ? file->Close() : absl::OkStatus();
}

}  // namespace hub::sample
