// The simulator's state, shared by simulate_*.cc. Internal to hub-sample.
#ifndef HUB_TOOLS_HUB_SAMPLE_SIMULATOR_INTERNAL_H_
#define HUB_TOOLS_HUB_SAMPLE_SIMULATOR_INTERNAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "tools/hub_sample/rng.h"
#include "tools/hub_sample/simulator.h"
#include "tools/hub_sample/vocabulary.h"
#include "tools/hub_sample/world.h"

namespace hub::sample {

// Share of eligible records (Salesforce leads/contacts, Zendesk users and
// tickets, Segment messages) that are deliberately broken.
inline constexpr double kBrokenRate = 0.0055;

// Something a person does on the website that the CRM side decided on.
enum class MomentKind : uint8_t {
  kForm,       // fills a form: capture
  kSignup,     // signs up for the product
  kDemo,       // requests a demo
  kNps,        // answers the in-product NPS survey
  kVisit,      // plain browsing
  kProduct,    // uses the product (logged in)
  kEmailClick  // lands from a campaign email (identifies by email)
};

struct Moment {
  int64_t at = 0;
  MomentKind kind = MomentKind::kVisit;
  int8_t score = -1;
  int8_t comment = 0;
};

// One browsing session of one device, as the trackers see it.
struct Visit {
  int person = -1;
  int device = 0;
  int64_t session = 0;  // start, Unix seconds (GA4 ga_session_id)
  int64_t ms = 0;       // the current event time, Unix milliseconds
  bool user = false;    // logged in: events carry the user id
  bool crm = false;     // GA4 carries crm_contact_id
  bool consent = true;  // GA4 analytics_storage
};

// Formats 10 US digits in one of five spellings.
std::string FormatPhone(const std::string& digits, int style);
// A light typo: swapped, dropped or doubled letter.
std::string Typo(const std::string& text, Rng& rng);
// The email with '@' replaced by '.', as a broken form would store it.
std::string BreakEmail(const std::string& email);
// Case and whitespace noise on an email, per the bits of `noise`.
std::string NoisyEmail(const std::string& email, int noise);
// Noise bits for NoisyEmail: case with the first chance, whitespace with
// the second.
int EmailNoise(double case_chance, double space_chance, Rng& rng);
// A website spelling of `domain` (scheme, www., path and case vary).
std::string WebsiteFor(const std::string& domain, Rng& rng);

// Note: every random draw is its own statement (or a sequenced operand):
// the evaluation order of function arguments is unspecified in C++, and the
// output must not depend on the compiler.
class Simulator {
 public:
  Simulator(const SimulationOptions& options, World* world);
  void Run();

 private:
  // simulate_crm.cc: accounts, persons, leads, contacts, opportunities.
  void SimulateAccount(int a);
  void MakeAccount(int a, Rng& rng);
  int MakePerson(int a, bool senior, Rng& rng);
  void PlanProspect(int a, Rng& rng);
  void PlanExisting(int a, Rng& rng);
  void RunCustomer(int a, Rng& rng);
  void FinishAccount(int a, Rng& rng);
  int Capture(int p, int64_t at, Rng& rng);
  int AddLead(int p, int64_t at, const std::string& source, Rng& rng);
  void ProgressLead(int lead, int target, Rng& rng);
  void ConvertLead(int lead, int64_t at, Rng& rng);
  int EnsureContact(int p, int64_t at, const std::string& source, Rng& rng);
  int AddOpportunity(int a, const std::string& type, int64_t created,
                     int64_t close, int64_t amount, double win, int contact,
                     Rng& rng);
  void GrantProductUser(int p, int64_t at, Rng& rng);
  // Records a web moment of p (ignored outside the window or without web).
  void AddMoment(int p, int64_t at, MomentKind kind);

  // simulate_web.cc: Segment messages and GA4 events.
  void SimulateWeb(int p, Rng& rng);
  void EmitSession(int p, int device, int64_t at, MomentKind kind,
                   const Moment* moment, Rng& rng);
  // The events that make a session special (form fill, sign-up, ...).
  void EmitMoment(const Visit& v, MomentKind kind, const Moment* moment,
                  Rng& rng);
  void EmitIdentify(int p, int64_t at_ms, bool with_user, Rng& rng);
  SegmentMessage& PushSegment(int p, int device, SegmentType type,
                              int64_t at_ms, Rng& rng);
  void PushGa4(const Visit& v, Ga4Name name, int64_t at_us, int16_t path);
  void MakeVisitors();

  // simulate_engagement.cc: Mailchimp, Zendesk, Segment groups.
  void MakeCampaigns();
  void SimulateEmail(int p, Rng& rng);
  // Sends `c` to the member; true if that ends the membership.
  bool SendCampaign(Campaign& c, Member* m, Rng& rng);
  void AddOpensAndClicks(Campaign& c, Send* s, int p, Rng& rng);
  void SimulateSupport(int a, Rng& rng);
  void MakeOrganization(int a, Rng& rng);
  int MakeZendeskUser(int p, Rng& rng);
  void MakeUserTickets(int zendesk_user, int64_t from, int64_t to, Rng& rng);
  void MakeGroup(int a, Rng& rng);
  void NumberZendeskObjects();

  // Ids: unique by construction (counters through bijections).
  std::string NextSalesforceId(const char* prefix);
  std::string NextPhone();
  std::string NextAnonymousId();
  std::string NextPseudoId(int64_t first_seen);
  std::string NextHex(int digits, uint64_t salt);
  std::string UniqueEmail(const std::string& local, const std::string& domain);
  Broken MaybeBroken(Rng& rng, bool email, bool timestamp, bool id);

  const SimulationOptions options_;
  const Vocabulary& vocab_;
  World& w_;
  int64_t span_ = 0;
  std::vector<std::vector<Moment>> moments_;  // per person
  absl::flat_hash_set<std::string> slugs_, emails_;
  uint64_t salesforce_counter_ = 0, phone_counter_ = 0, anonymous_counter_ = 0;
  uint64_t pseudo_counter_ = 0, user_counter_ = 0, hex_counter_ = 0,
           group_counter_ = 0;
};

}  // namespace hub::sample

#endif  // HUB_TOOLS_HUB_SAMPLE_SIMULATOR_INTERNAL_H_
