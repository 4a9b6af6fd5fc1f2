// Write-path matching latency: one new person record resolved (deterministic
// identifiers, then the probabilistic matcher) against a store of N person
// profiles, against the same record ingested with deterministic resolution
// only, measured in the same run.
//
//   match_write_bench [--profiles 100000] [--probes 2000] [--tmp DIR]
//
// Builds the store through the Ingester with the matcher on (batches of
// 5000: every profile gets its block keys as in production), then ingests
// --probes single records one transaction each: half near-duplicates of
// stored persons (same name, a second address at their company: no shared
// identifier, so the matcher finds, scores and merges them), half new
// persons. Prints p50/p99/max latency per record
// with and without the matcher, and the build rate.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "hub/v1/match_config.pb.h"
#include "profile/ingest/ingester.h"
#include "profile/store/sqlite_store.h"

namespace {

using hub::v1::SourceRecord;

void Fail(const absl::Status& s) {
  std::fprintf(stderr, "match_write_bench: %s\n", s.ToString().c_str());
  std::exit(1);
}

// The person matcher of docs/person_matching.example.textproto with
// selective blocking (exact full name; account plus initial), as a store of
// millions would be configured.
hub::v1::MatchConfig BenchConfig() {
  hub::v1::MatchConfig config;
  const char* text = R"pb(
    fields {
      column: "first_name+last_name"
      comparator: JARO_WINKLER
      m: 0.0118 m: 0.0471 m: 0.1882 m: 0.7529
      u: 0.98903 u: 0.010606 u: 0.000254 u: 0.00011
    }
    fields {
      column: "@account"
      comparator: EXACT
      m: 0.2 m: 0.8
      u: 0.99656 u: 0.003437
    }
    fields {
      column: "title"
      comparator: JARO_WINKLER
      m: 0.0118 m: 0.0471 m: 0.1882 m: 0.7529
      u: 0.94523 u: 0.011514 u: 0.002447 u: 0.040805
    }
    blocking { keys: "first_name+last_name" }
    blocking { keys: "@account" keys: "first_name+last_name:prefix1" }
    prior: 6.86e-06
  )pb";
  if (!google::protobuf::TextFormat::ParseFromString(text, &config)) std::exit(1);
  return config;
}

// Synthetic people: names from syllables, ~5 per CRM account.
class People {
 public:
  explicit People(uint64_t seed) : rng_(seed) {}
  std::string Syllables(int n) {
    static const char* kParts[] = {"ka", "lo", "mi", "ne", "ra", "tu", "vel", "sor",
                                   "an", "bri", "cor", "den", "fa", "gil", "ho", "jun",
                                   "lin", "mar", "nor", "pe", "qui", "ros", "sta", "wen"};
    std::string out;
    for (int i = 0; i < n; ++i) out += kParts[rng_() % 24];
    return out;
  }
  SourceRecord Person(int64_t i, const std::string& first, const std::string& last,
                      int64_t company, const std::string& email) {
    SourceRecord r;
    r.set_source("salesforce");
    r.set_entity(hub::v1::CONTACT);
    r.set_external_id(absl::StrCat("c", i));
    r.mutable_updated_at()->set_seconds(1700000000 + i);
    auto* id = r.add_identifiers();
    id->set_type("email");
    id->set_value(email.empty() ? absl::StrCat("p", i, "@co", company, ".example") : email);
    hub::v1::Link* link = r.add_links();
    link->set_relation("account");
    link->mutable_target()->set_type("salesforce.account_id");
    link->mutable_target()->set_value(absl::StrCat("001", company));
    (*r.mutable_attributes())["first_name"] = first;
    (*r.mutable_attributes())["last_name"] = last;
    (*r.mutable_attributes())["title"] = titles_[rng_() % 4];
    return r;
  }
  std::mt19937_64 rng_;

 private:
  const char* titles_[4] = {"CTO", "VP Sales", "Engineer", "Analyst"};
};

struct Latency {
  double p50 = 0, p99 = 0, max = 0;
};

Latency Percentiles(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  return {us[us.size() / 2], us[us.size() * 99 / 100], us.back()};
}

}  // namespace

int main(int argc, char** argv) {
  int64_t profiles = 100000, probes = 2000;
  std::string tmp = "/tmp";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--profiles") (void)absl::SimpleAtoi(argv[i + 1], &profiles);
    else if (flag == "--probes") (void)absl::SimpleAtoi(argv[i + 1], &probes);
    else if (flag == "--tmp") tmp = argv[i + 1];
  }
  const std::string path = absl::StrCat(tmp, "/match_write_bench.", getpid(), ".db");
  auto store = hub::OpenSqliteStore(hub::SqliteStoreOptions{path});
  if (!store.ok()) Fail(store.status());
  auto matcher = hub::ProfileMatcher::Create(BenchConfig());
  if (!matcher.ok()) Fail(matcher.status());
  hub::Ingester matching(store->get(), hub::IdentityPolicy::Default(), {}, {}, *matcher);
  hub::Ingester deterministic(store->get());

  People people(7);
  std::vector<std::pair<std::string, std::string>> names;
  const auto build_start = std::chrono::steady_clock::now();
  std::vector<SourceRecord> batch;
  for (int64_t i = 0; i < profiles; ++i) {
    names.emplace_back(people.Syllables(2), people.Syllables(3));
    batch.push_back(people.Person(i, names.back().first, names.back().second,
                                  i / 5, ""));
    if (batch.size() == 5000 || i + 1 == profiles) {
      auto stats = matching.IngestBatch(std::move(batch));
      if (!stats.ok()) Fail(stats.status());
      batch.clear();
    }
  }
  const double build_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - build_start).count();

  // Probe i: odd i a near-duplicate of a stored person, even i a new one.
  auto probe = [&](hub::Ingester& ingester, int64_t base) {
    std::vector<double> us;
    for (int64_t i = 0; i < probes; ++i) {
      const int64_t n = base + i;
      SourceRecord r;
      if (i % 2 == 1) {
        const int64_t k = static_cast<int64_t>(people.rng_() % profiles);
        r = people.Person(n, names[k].first, names[k].second, k / 5,
                          absl::StrCat("second", n, "@co", k / 5, ".example"));
      } else {
        r = people.Person(n, people.Syllables(2), people.Syllables(3),
                          static_cast<int64_t>(people.rng_() % (profiles / 5 + 1)), "");
      }
      const auto start = std::chrono::steady_clock::now();
      auto stats = ingester.IngestBatch({r});
      us.push_back(std::chrono::duration<double, std::micro>(
                       std::chrono::steady_clock::now() - start).count());
      if (!stats.ok()) Fail(stats.status());
    }
    return Percentiles(us);
  };
  const Latency with = probe(matching, 10 * profiles);
  const Latency without = probe(deterministic, 20 * profiles);
  auto counts = (*store)->Counts();
  std::printf(
      "profiles %lld (built at %.0f records/s with matching; %lld live persons after, "
      "%lld probes merged)\n"
      "one record, matcher on:  p50 %.0f us  p99 %.0f us  max %.0f us\n"
      "one record, identifiers only (baseline): p50 %.0f us  p99 %.0f us  max %.0f us\n"
      "ratio p99 matcher/baseline: %.2f\n",
      static_cast<long long>(profiles), profiles / build_s,
      counts.ok() ? static_cast<long long>(counts->persons) : -1LL,
      counts.ok() ? static_cast<long long>(profiles + 2 * probes - counts->persons) : -1LL,
      with.p50, with.p99,
      with.max, without.p50, without.p99, without.max, with.p99 / without.p99);
  store->reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  return 0;
}
