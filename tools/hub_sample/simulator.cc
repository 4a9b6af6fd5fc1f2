#include "tools/hub_sample/simulator.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tools/hub_sample/civil_time.h"
#include "tools/hub_sample/simulator_internal.h"

namespace hub::sample {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr char kBase62[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

void AppendHex(std::string* out, uint64_t value, int digits) {
  for (int i = digits - 1; i >= 0; --i)
    out->push_back(kHex[(value >> (4 * i)) & 15]);
}

}  // namespace

std::string FormatPhone(const std::string& digits, int style) {
  const std::string a = digits.substr(0, 3), b = digits.substr(3, 3),
                    c = digits.substr(6);
  switch (style % 5) {
    case 0:
      return absl::StrCat("(", a, ") ", b, "-", c);
    case 1:
      return absl::StrCat(a, ".", b, ".", c);
    case 2:
      return absl::StrCat("+1", digits);
    case 3:
      return absl::StrCat("+1 ", a, " ", b, " ", c);
    default:
      return absl::StrCat(a, "-", b, "-", c);
  }
}

std::string Typo(const std::string& text, Rng& rng) {
  std::vector<size_t>
      spots;  // positions i where text[i], text[i+1] are ASCII letters
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    if (absl::ascii_isalpha(static_cast<unsigned char>(text[i])) &&
        absl::ascii_isalpha(static_cast<unsigned char>(text[i + 1]))) {
      spots.push_back(i);
    }
  }
  if (spots.empty()) return text;
  const size_t i = rng.Pick(spots);
  std::string out = text;
  switch (rng.Below(3)) {
    case 0:
      std::swap(out[i], out[i + 1]);
      if (out == text) out.erase(i, 1);
      break;
    case 1:
      out.erase(i, 1);
      break;
    default:
      out.insert(i, 1, out[i]);
  }
  return out;
}

std::string BreakEmail(const std::string& email) {
  std::string out = email;
  for (char& c : out) {
    if (c == '@') c = '.';
  }
  return out;
}

std::string NoisyEmail(const std::string& email, int noise) {
  std::string out = email;
  if (noise & 1) {
    bool start = true;
    for (char& c : out) {
      if (start) c = absl::ascii_toupper(static_cast<unsigned char>(c));
      start = c == '.' || c == '@';
    }
  }
  if (noise & 2) out = absl::StrCat(" ", out, "  ");
  return out;
}

int EmailNoise(double case_chance, double space_chance, Rng& rng) {
  const int noise = rng.Chance(case_chance) ? 1 : 0;
  return noise | (rng.Chance(space_chance) ? 2 : 0);
}

std::string WebsiteFor(const std::string& domain, Rng& rng) {
  switch (rng.Weighted({30, 8, 15, 14, 10, 7, 5, 5, 6})) {
    case 0:
      return "https://www." + domain;
    case 1:
      return "http://www." + domain;
    case 2:
      return "www." + domain;
    case 3:
      return domain;
    case 4:
      return "https://" + domain + "/";
    case 5:
      return "https://www." + domain + "/about";
    case 6:
      return "HTTPS://WWW." + absl::AsciiStrToUpper(domain);
    case 7:
      return "http://" + domain + "/en-us/home";
    default:
      return "https://" + domain;
  }
}

Simulator::Simulator(const SimulationOptions& options, World* world)
    : options_(options), vocab_(GetVocabulary()), w_(*world) {
  w_.seed = options.seed;
  w_.start = options.start;
  w_.end = AddMonths(options.start, options.months);
  span_ = w_.end - w_.start;
  phone_counter_ = Mix64(options.seed ^ 0x70686f6e65) % 5000;
  w_.list_id = NextHex(10, 1);
}

void Simulator::Run() {
  MakeCampaigns();
  w_.accounts.resize(static_cast<size_t>(options_.accounts));
  for (int a = 0; a < options_.accounts; ++a) SimulateAccount(a);
  MakeVisitors();
  NumberZendeskObjects();
}

std::string Simulator::NextSalesforceId(const char* prefix) {
  uint64_t n = ++salesforce_counter_ + Mix64(options_.seed) % 100000000;
  std::string out = absl::StrCat(prefix, "5g");
  char digits[10];
  for (int i = 9; i >= 0; --i) {
    digits[i] = kBase62[n % 62];
    n /= 62;
  }
  out.append(digits, 10);
  out.append("AA");
  out.push_back(kBase62[10 + salesforce_counter_ % 26]);
  return out;
}

std::string Simulator::NextPhone() {
  const uint64_t n = phone_counter_++;
  const uint64_t rest = n / 10000;
  const auto& areas = vocab_.area_codes;
  std::string out = areas[rest % areas.size()];
  out += std::to_string(555 + rest / areas.size() % 445);
  const std::string line = std::to_string(10000 + n % 10000);
  out.append(line, 1, 4);
  return out;
}

std::string Simulator::NextAnonymousId() {
  const uint64_t a =
      Mix64(anonymous_counter_++ ^ Mix64(options_.seed ^ 0x616e6f6e));
  const uint64_t b = Mix64(a);
  std::string hex;
  AppendHex(&hex, a, 16);
  AppendHex(&hex, b, 16);
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-",
                      hex.substr(12, 4), "-", hex.substr(16, 4), "-",
                      hex.substr(20));
}

std::string Simulator::NextPseudoId(int64_t first_seen) {
  constexpr uint64_t kRange = 9000000000ULL;
  const uint64_t n =
      (pseudo_counter_++ * 7919 + Mix64(options_.seed ^ 0x67613421) % kRange) %
      kRange;
  return absl::StrCat(1000000000ULL + n, ".", first_seen);
}

std::string Simulator::NextHex(int digits, uint64_t salt) {
  const uint64_t mask = digits >= 16 ? ~0ULL : (1ULL << (4 * digits)) - 1;
  const uint64_t v =
      (hex_counter_++ * 0x9E3779B97F4A7C15ULL + Mix64(options_.seed ^ salt)) &
      mask;
  std::string out;
  AppendHex(&out, v, digits);
  return out;
}

std::string Simulator::UniqueEmail(const std::string& local,
                                   const std::string& domain) {
  std::string email = absl::StrCat(local, "@", domain);
  for (int n = 2; !emails_.insert(email).second; ++n) {
    email = absl::StrCat(local, n, "@", domain);
  }
  return email;
}

Broken Simulator::MaybeBroken(Rng& rng, bool email, bool timestamp, bool id) {
  if (!rng.Chance(kBrokenRate)) return Broken::kNone;
  std::vector<Broken> kinds;
  if (email) kinds.push_back(Broken::kEmail);
  if (timestamp) kinds.push_back(Broken::kTimestamp);
  if (id) kinds.push_back(Broken::kId);
  return kinds.empty() ? Broken::kNone : rng.Pick(kinds);
}

World Simulate(const SimulationOptions& options) {
  World world;
  Simulator(options, &world).Run();
  return world;
}

}  // namespace hub::sample
