// Generates FEBRL-like synthetic person records with corrupted duplicates, at
// benchmark scale, to measure hub-match's accuracy and speed on data whose
// ground truth is known.
//
//   febrl_gen [--records N] [--originals-fraction F] [--max-dups K]
//             [--seed S] [--shuffle | --no-shuffle] [--out FILE]
//
// Output is FEBRL's CSV layout (", " separators, no quoting, empty = missing):
//   rec_id, given_name, surname, street_number, address_1, address_2, suburb,
//   postcode, state, date_of_birth, soc_sec_id
// rec_id is rec-<N>-org for an original and rec-<N>-dup-<k> for its k-th
// corrupted duplicate; records sharing <N> are one entity.
//
// Every value is synthetic: names, streets and places come from syllable
// tables in this file, so the tool carries no third-party name lists.
//
// Memory stays small at any scale because nothing but the output order is
// stored: record i's original is a pure function of (seed, i), and its k-th
// duplicate of (seed, i, k), so a duplicate regenerates its original rather
// than looking it up, and the output is the same whatever the row order.
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace {

// ---------------------------------------------------------------------------
// Randomness. Own generator and distributions rather than <random>'s: the
// standard leaves distribution algorithms (and std::shuffle) to the library,
// and a seed must give byte-identical output everywhere.

// SplitMix64's finaliser: a fast, well-mixed bijection on 64 bits.
uint64_t Finalize(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(Finalize(seed)) {}

  uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return Finalize(state_);
  }
  // Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n); n > 0 and far below 2^53, so the bias is negligible.
  size_t Below(size_t n) { return static_cast<size_t>(Uniform() * n); }
  // Uniform in [lo, hi].
  int Between(int lo, int hi) {
    return lo + static_cast<int>(Below(hi - lo + 1));
  }
  bool Chance(double p) { return Uniform() < p; }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(N)];
  }

 private:
  uint64_t state_;
};

// Draws an index with probability proportional to its weight by binary search
// over cumulative sums: pools hold at most ~1e5 entries, so a draw costs ~17
// comparisons and an alias table would not be measurably faster.
class Discrete {
 public:
  Discrete() = default;
  explicit Discrete(const std::vector<double>& weights) : cdf_(weights.size()) {
    double total = 0;
    for (size_t i = 0; i < weights.size(); ++i) cdf_[i] = total += weights[i];
    for (double& c : cdf_) c /= total;
  }
  size_t Draw(Rng* rng) const {
    const size_t i =
        std::upper_bound(cdf_.begin(), cdf_.end(), rng->Uniform()) -
        cdf_.begin();
    return std::min(i, cdf_.size() - 1);  // Guards rounding in the last sum.
  }

 private:
  std::vector<double> cdf_;
};

// Zipf-Mandelbrot weights (rank + q)^-s: q flattens the head so the most
// common value has a realistic share (~1-2% for names) instead of ~10%.
Discrete Zipf(size_t n, double s, double q) {
  std::vector<double> w(n);
  for (size_t k = 0; k < n; ++k)
    w[k] = std::pow(static_cast<double>(k + 1) + q, -s);
  return Discrete(w);
}

// ---------------------------------------------------------------------------
// Synthetic vocabulary, built from a fixed seed so that every --seed draws its
// people from the same "population" of names, as two real samples would.

constexpr uint64_t kVocabularySeed = 0x4845425255ULL;

// Names are built as onset-vowel-coda syllables. Repeats weight the simple
// letters: real names are short and mostly consonant-vowel, so distinct names
// sit close together ("mason", "masen", "jason"), which is what makes name
// matching hard; exotic clusters would make it unrealistically easy.
const char* const kOnsets[] = {
    "b",  "b",  "b",  "c",  "c",  "d",  "d",  "d",  "f",  "g",  "g",  "h",
    "h",  "j",  "j",  "k",  "k",  "l",  "l",  "l",  "m",  "m",  "m",  "n",
    "n",  "p",  "p",  "r",  "r",  "r",  "s",  "s",  "s",  "t",  "t",  "t",
    "v",  "w",  "w",  "y",  "z",  "ch", "sh", "th", "br", "cr", "dr", "fr",
    "gr", "pr", "tr", "bl", "cl", "fl", "gl", "pl", "sl", "st", "sp", "sc",
    "sw", "wh", "qu", "",   "",   "",   ""};
// Consonants that start a second syllable.
const char* const kMidOnsets[] = {"b",  "c",  "d",  "f",  "g",  "h",  "k", "l",
                                  "l",  "m",  "m",  "n",  "n",  "p",  "r", "r",
                                  "s",  "s",  "t",  "t",  "v",  "w",  "z", "ll",
                                  "nn", "rr", "ss", "tt", "ch", "sh", "th"};
const char* const kVowels[] = {
    "a", "a", "a", "a", "e",  "e",  "e",  "e",  "i",  "i",  "i",  "o",  "o",
    "o", "u", "u", "y", "ai", "ea", "ee", "ie", "oo", "ou", "au", "ay", "ey"};
const char* const kCodas[] = {
    "",   "",   "",   "",   "",   "",   "n",  "n",  "n",  "l",  "l",
    "r",  "r",  "s",  "s",  "m",  "t",  "d",  "ck", "x",  "nd", "rt",
    "st", "ll", "ng", "rn", "sh", "th", "ff", "ss", "tt", "rd", "nt"};
const char* const kGivenEndings[] = {
    "a",   "ah",   "ia",  "ie",  "y",    "ey",  "ine", "elle", "ette",
    "ina", "anne", "en",  "an",  "on",   "ian", "iel", "ley",  "lyn",
    "na",  "ra",   "la",  "el",  "er",   "as",  "us",  "o",    "i",
    "e",   "ric",  "rey", "ald", "bert", "win", "ton", "ny",   "die",
    "cy",  "sa",   "tha", "",    "",     "",    ""};
const char* const kSurnameEndings[] = {
    "",      "",      "",      "",      "son",   "sen",    "ton",
    "ley",   "er",    "ers",   "ford",  "field", "well",   "man",
    "wood",  "worth", "by",    "ham",   "ing",   "s",      "ett",
    "ey",    "ock",   "ins",   "ell",   "ard",   "ridge",  "stone",
    "dale",  "en",    "ski",   "o",     "i",     "ez",     "ini",
    "ello",  "ova",   "berg",  "stein", "mann",  "ington", "burn",
    "combe", "more",  "hurst", "ick",   "lan",   "gan",    "kin"};
// Place names mix English-style compounds with the consonant-vowel rhythm of
// Australian names taken from Aboriginal languages.
const char* const kPlaceEndings[] = {
    "ton",   "ville", "field", "wood",  "dale",  "vale", "bury", "ford", "ley",
    "worth", "more",  "bank",  "brook", "hurst", "ham",  "by",   "gate", "mead",
    "well",  "stone", "ridge", "view",  "lea",   "",     "",     ""};
const char* const kPlacePrefixes[] = {"north ", "south ", "east ", "west ",
                                      "mount ", "port ",  "glen ", "upper ",
                                      "lower ", "lake ",  "point "};
const char* const kPlaceSuffixes[] = {
    " heights", " park",   " hill",     " beach",  " creek",
    " point",   " valley", " downs",    " plains", " springs",
    " bay",     " river",  " junction", " gardens"};
const char* const kCvOnsets[] = {"b", "d", "g", "k", "l",  "m", "n",  "p",
                                 "r", "t", "w", "y", "ng", "j", "rr", "ll"};
const char* const kCvVowels[] = {"a", "a",  "i",  "u", "o",
                                 "e", "oo", "ee", "a", "i"};
const char* const kCvEndings[] = {"",   "",   "",  "ng", "n", "l",
                                  "ra", "ah", "y", "up", "ie"};
const char* const kPropertySuffixes[] = {"village",        "vlge",
                                         "lodge",          "farm",
                                         "estate",         "gardens",
                                         "park",           "cottages",
                                         "house",          "homestead",
                                         "station",        "retirement village",
                                         "medical centre", "shopping centre",
                                         "caravan park",   "apartments",
                                         "court",          "stud",
                                         "plaza",          "towers",
                                         "manor"};
const char* const kUnitWords[] = {"unit", "villa", "flat", "lot", "apartment"};

struct StreetType {
  const char* name;
  const char* abbreviation;
  double weight;  // Shares roughly as in FEBRL's address_1.
};
const StreetType kStreetTypes[] = {
    {"street", "st", 36},      {"crescent", "cres", 14},
    {"place", "pl", 13},       {"circuit", "cct", 7},
    {"avenue", "ave", 6},      {"close", "cl", 5},
    {"drive", "dr", 5},        {"court", "ct", 4},
    {"road", "rd", 4},         {"parade", "pde", 1.5},
    {"terrace", "tce", 1.5},   {"lane", "ln", 1},
    {"grove", "gr", 1},        {"way", "wy", 1},
    {"highway", "hwy", 0.5},   {"boulevard", "bvd", 0.5},
    {"esplanade", "esp", 0.4}, {"square", "sq", 0.4}};

struct State {
  const char* name;
  double weight;  // Population share.
  int first_postcode, last_postcode;
};
const State kStates[] = {{"nsw", 32, 2000, 2599}, {"vic", 26, 3000, 3999},
                         {"qld", 20, 4000, 4999}, {"wa", 10, 6000, 6799},
                         {"sa", 7, 5000, 5799},   {"tas", 2, 7000, 7470},
                         {"act", 2, 2600, 2620},  {"nt", 1, 800, 899}};

bool IsVowel(char c) { return std::strchr("aeiouy", c) != nullptr; }

// Rejects words no one would be named: runs of 3+ vowels, 4+ consonants or a
// letter three times over.
bool Pronounceable(const std::string& w) {
  int vowels = 0, consonants = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    if (w[i] == ' ' || w[i] == '-') {
      vowels = consonants = 0;
      continue;
    }
    IsVowel(w[i]) ? (++vowels, consonants = 0) : (++consonants, vowels = 0);
    if (vowels > 2 || consonants > 3) return false;
    if (i >= 2 && w[i] == w[i - 1] && w[i] == w[i - 2]) return false;
  }
  return true;
}

// One syllable, or two with a simple consonant between them ("ma" "son").
std::string Stem(Rng* rng, double two_syllables) {
  std::string w = std::string(rng->Pick(kOnsets)) + rng->Pick(kVowels);
  if (rng->Chance(two_syllables)) {
    w += rng->Pick(kMidOnsets);
    w += rng->Pick(kVowels);
  }
  return w + rng->Pick(kCodas);
}

std::string GivenWord(Rng* rng) {
  std::string w = std::string(rng->Pick(kOnsets)) + rng->Pick(kVowels);
  const double u = rng->Uniform();
  if (u < 0.15) return w + rng->Pick(kCodas);  // "jack", "ruth"
  if (u < 0.65)
    return w + rng->Pick(kMidOnsets) + rng->Pick(kGivenEndings);  // "bella"
  return w + rng->Pick(kMidOnsets) + rng->Pick(kVowels) +
         (rng->Chance(0.5) ? rng->Pick(kCodas) : rng->Pick(kGivenEndings));
}

std::string SurnameWord(Rng* rng) {
  std::string w = Stem(rng, 0.4) + rng->Pick(kSurnameEndings);
  if (rng->Chance(0.04)) w = (rng->Chance(0.5) ? "mc" : "mac") + w;
  return w;
}

std::string CvWord(Rng* rng) {
  // The first onset is cut to one letter: no word starts "rr", "ll" or "ng".
  std::string w =
      std::string(rng->Pick(kCvOnsets)).substr(0, 1) + rng->Pick(kCvVowels);
  for (int i = rng->Between(1, 3); i > 0; --i) {
    w += rng->Pick(kCvOnsets);
    w += rng->Pick(kCvVowels);
  }
  return w + rng->Pick(kCvEndings);
}

std::string PlaceWord(Rng* rng) {
  if (rng->Chance(0.3)) return CvWord(rng);
  return Stem(rng, 0.3) + rng->Pick(kPlaceEndings);
}

std::string SuburbName(Rng* rng) {
  std::string w = PlaceWord(rng);
  if (rng->Chance(0.10)) w = rng->Pick(kPlacePrefixes) + w;
  if (rng->Chance(0.10)) w += rng->Pick(kPlaceSuffixes);
  return w;
}

std::string StreetName(Rng* rng) {
  return rng->Chance(0.7) ? SurnameWord(rng) : PlaceWord(rng);
}

std::string PropertyName(Rng* rng) {
  if (rng->Chance(0.04)) return "the " + PlaceWord(rng) + "s";
  std::string w = PlaceWord(rng);
  if (rng->Chance(0.5)) w += std::string(" ") + rng->Pick(kPropertySuffixes);
  return w;
}

// Orders a pool so that words of about `typical` letters tend to come first
// and so draw the Zipf head: common real names are plain and mid-length
// ("smith", "sarah"); very short and very long ones are rare.
void TypicalFirst(Rng* rng, double typical, std::vector<std::string>* pool) {
  std::vector<std::pair<double, size_t>> keys(pool->size());
  for (size_t i = 0; i < pool->size(); ++i) {
    keys[i] = {std::abs((*pool)[i].size() - typical) + 3 * rng->Uniform(), i};
  }
  std::sort(keys.begin(), keys.end());
  std::vector<std::string> sorted;
  sorted.reserve(pool->size());
  for (const auto& k : keys) sorted.push_back(std::move((*pool)[k.second]));
  pool->swap(sorted);
}

// Fills `pool` with `n` distinct, pronounceable words of at most `max_len`.
template <typename MakeWord>
std::vector<std::string> DistinctWords(Rng* rng, size_t n, size_t max_len,
                                       MakeWord make) {
  std::vector<std::string> pool;
  std::unordered_set<std::string> seen;
  pool.reserve(n);
  while (pool.size() < n) {
    std::string w = make(rng);
    if (w.size() < 3 || w.size() > max_len || !Pronounceable(w)) continue;
    if (seen.insert(w).second) pool.push_back(std::move(w));
  }
  return pool;
}

struct Suburb {
  std::string name;
  std::string postcode;
  int state;  // Index into kStates.
};

struct Vocabulary {
  std::vector<std::string> given_names, surnames, streets, properties;
  std::vector<Suburb> suburbs;
  Discrete given_draw, surname_draw, street_draw, property_draw, suburb_draw;
  Discrete street_type_draw, state_draw;
};

// Gives each suburb a state and a postcode in that state's range; most
// postcodes are shared by several suburbs, as in Australia, so a postcode
// narrows a search without identifying the suburb.
std::vector<Suburb> MakeSuburbs(Rng* rng, const Vocabulary& v, size_t n) {
  std::vector<std::vector<int>> used(std::size(kStates));
  std::vector<Suburb> suburbs;
  for (std::string& name : DistinctWords(rng, n, 20, SuburbName)) {
    const int s = static_cast<int>(v.state_draw.Draw(rng));
    int code;
    if (!used[s].empty() && rng->Chance(0.6)) {
      code = used[s][rng->Below(used[s].size())];
    } else {
      code = rng->Between(kStates[s].first_postcode, kStates[s].last_postcode);
      used[s].push_back(code);
    }
    char buf[8];
    std::snprintf(buf, sizeof(buf), "%04d",
                  code);  // NT codes keep a leading 0.
    suburbs.push_back({std::move(name), buf, s});
  }
  return suburbs;
}

Vocabulary MakeVocabulary() {
  Rng rng(kVocabularySeed);
  Vocabulary v;
  std::vector<double> w;
  for (const StreetType& t : kStreetTypes) w.push_back(t.weight);
  v.street_type_draw = Discrete(w);
  w.clear();
  for (const State& s : kStates) w.push_back(s.weight);
  v.state_draw = Discrete(w);
  // Pool sizes and skews: a few thousand given names with the top one ~1.7%
  // of people, tens of thousands of surnames with the top one ~1%.
  v.given_names = DistinctWords(&rng, 5000, 9, GivenWord);
  TypicalFirst(&rng, 5, &v.given_names);
  v.given_draw = Zipf(v.given_names.size(), 1.0, 8);
  v.surnames = DistinctWords(&rng, 40000, 12, SurnameWord);
  TypicalFirst(&rng, 6, &v.surnames);
  v.surname_draw = Zipf(v.surnames.size(), 1.0, 12);
  v.streets = DistinctWords(&rng, 8000, 14, StreetName);
  v.street_draw = Zipf(v.streets.size(), 0.7, 20);
  v.properties = DistinctWords(&rng, 3000, 26, PropertyName);
  v.property_draw = Zipf(v.properties.size(), 0.6, 20);
  v.suburbs = MakeSuburbs(&rng, v, 5000);
  v.suburb_draw = Zipf(v.suburbs.size(), 0.8, 50);
  return v;
}

// ---------------------------------------------------------------------------
// People.

enum Field {
  kGiven,
  kSurname,
  kStreetNumber,
  kAddress1,
  kAddress2,
  kSuburb,
  kPostcode,
  kState,
  kDob,
  kSsid,
  kNumFields
};
using Person = std::array<std::string, kNumFields>;

// How often an original lacks each field (FEBRL's originals lack ~1-3% per
// field, and address_2 ~9% because many people have none).
constexpr double kOriginalMissing[kNumFields] = {
    0.025, 0.015, 0.03, 0.02, 0.10, 0.02, 0.01, 0.02, 0.025, 0.01};

// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant).
int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string DateFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d%02u%02u", static_cast<int>(y), m, d);
  return buf;
}

// Maps original index i < 9e6 to a distinct 7-digit id: a keyed 24-bit
// Feistel permutation, cycle-walked into [0, 9e6). Distinct by construction,
// so no set of issued ids is kept, yet it shows no pattern in i.
uint32_t SocSecId(uint64_t key, uint32_t i) {
  uint32_t x = i;
  do {
    uint32_t l = x >> 12, r = x & 0xfff;
    for (uint64_t round = 0; round < 4; ++round) {
      const uint32_t f =
          static_cast<uint32_t>(Finalize(key ^ (round << 12 | r))) & 0xfff;
      std::swap(l, r);
      r ^= f;
    }
    x = l << 12 | r;
  } while (x >= 9000000);
  return 1000000 + x;
}

// House numbers are mostly small with a long tail, as in FEBRL (~25% one
// digit, ~65% two, ~10% three or four).
std::string StreetNumber(Rng* rng) {
  int n;
  if (rng->Chance(0.90)) {
    n = 1 + static_cast<int>(-25.0 * std::log(1.0 - rng->Uniform()));
  } else {
    n = static_cast<int>(
        std::exp(std::log(100.0) + rng->Uniform() * std::log(30.0)));
  }
  return std::to_string(n);
}

std::string Surname(Rng* rng, const Vocabulary& v) {
  std::string s = v.surnames[v.surname_draw.Draw(rng)];
  // Double-barrelled surnames, which a matcher must not split into two people.
  if (rng->Chance(0.015)) s += "-" + v.surnames[v.surname_draw.Draw(rng)];
  return s;
}

std::string Address2(Rng* rng, const Vocabulary& v) {
  if (rng->Chance(0.12)) {
    return std::string(rng->Pick(kUnitWords)) + " " +
           std::to_string(rng->Between(1, 60));
  }
  return v.properties[v.property_draw.Draw(rng)];
}

class Generator {
 public:
  Generator(const Vocabulary* vocabulary, uint64_t seed)
      : v_(*vocabulary), seed_(Finalize(seed ^ 0x6665627231ULL)) {}

  // The stream for record (i, k); k = 0 is the original, k >= 1 duplicate k-1.
  Rng RecordRng(uint64_t i, uint64_t k) const {
    return Rng(seed_ ^ Finalize(i * 1024 + k));
  }

  Person Original(uint32_t i) const;
  Person Duplicate(uint32_t i, uint32_t k) const;

 private:
  bool Corrupt(Rng* rng, Person* p) const;

  const Vocabulary& v_;
  const uint64_t seed_;
};

Person Generator::Original(uint32_t i) const {
  static const int64_t kFirstDay = DaysFromCivil(1900, 1, 1);
  static const int64_t kLastDay = DaysFromCivil(2005, 12, 31);
  Rng rng = RecordRng(i, 0);
  Person p;
  p[kGiven] = v_.given_names[v_.given_draw.Draw(&rng)];
  p[kSurname] = Surname(&rng, v_);
  p[kStreetNumber] = StreetNumber(&rng);
  p[kAddress1] = v_.streets[v_.street_draw.Draw(&rng)] + " " +
                 kStreetTypes[v_.street_type_draw.Draw(&rng)].name;
  p[kAddress2] = Address2(&rng, v_);
  const Suburb& suburb = v_.suburbs[v_.suburb_draw.Draw(&rng)];
  p[kSuburb] = suburb.name;
  p[kPostcode] = suburb.postcode;
  p[kState] = kStates[suburb.state].name;
  p[kDob] = DateFromDays(
      kFirstDay + static_cast<int64_t>(rng.Below(kLastDay - kFirstDay + 1)));
  p[kSsid] = std::to_string(SocSecId(seed_, i));
  for (int f = 0; f < kNumFields; ++f) {
    if (rng.Chance(kOriginalMissing[f])) p[f].clear();
  }
  return p;
}

// ---------------------------------------------------------------------------
// Corruption, after FEBRL's model: each duplicate gets 1-3 modifications, each
// a plausible human, OCR or data-entry error, so it stays recognisable.

// QWERTY neighbours: a typist's slip lands on an adjacent key. Digits use the
// number row. Only letters and digits, so no separator can be introduced.
const char* Neighbours(char c) {
  static const char* const kLetters[26] = {
      "qwsz",   "vghn", "xdfv",   "serfcx", "wsdr",   "drtgvc", "ftyhbv",
      "gyujnb", "ujko", "huikmn", "jiolm",  "kop",    "njk",    "bhjm",
      "iklp",   "ol",   "wa",     "edft",   "awedxz", "rfgy",   "yhji",
      "cfgb",   "qase", "zsdc",   "tghu",   "asx"};
  static const char* const kDigits[10] = {"9",  "2",  "13", "24", "35",
                                          "46", "57", "68", "79", "80"};
  if (c >= 'a' && c <= 'z') return kLetters[c - 'a'];
  if (c >= '0' && c <= '9') return kDigits[c - '0'];
  return "";
}

struct Rewrite {
  const char* from;
  const char* to;
};
// Characters a scanner confuses for one another.
const Rewrite kOcrRewrites[] = {
    {"m", "rn"}, {"rn", "m"}, {"w", "vv"}, {"cl", "d"}, {"d", "cl"},
    {"h", "li"}, {"li", "h"}, {"i", "l"},  {"l", "i"},  {"o", "0"},
    {"0", "o"},  {"l", "1"},  {"s", "5"},  {"e", "c"},  {"c", "e"},
    {"n", "ri"}, {"u", "v"},  {"g", "q"}};
// The same for digits, keeping numeric fields numeric.
const Rewrite kDigitOcrRewrites[] = {
    {"1", "7"}, {"7", "1"}, {"0", "8"}, {"8", "0"}, {"3", "8"},
    {"8", "3"}, {"5", "6"}, {"6", "5"}, {"4", "9"}, {"9", "4"}};
// Spellings that sound alike, as when a name is taken down by ear.
const Rewrite kPhoneticRewrites[] = {
    {"ph", "f"},     {"f", "ph"},  {"ck", "k"},    {"ck", "c"},
    {"c", "k"},      {"k", "c"},   {"ie", "y"},    {"y", "ie"},
    {"ey", "y"},     {"y", "ey"},  {"ee", "ea"},   {"ea", "ee"},
    {"th", "t"},     {"gh", ""},   {"mc", "mac"},  {"mac", "mc"},
    {"sch", "sh"},   {"z", "s"},   {"s", "z"},     {"ll", "l"},
    {"nn", "n"},     {"tt", "t"},  {"ss", "s"},    {"rr", "r"},
    {"ai", "ay"},    {"ay", "ai"}, {"ou", "ow"},   {"i", "y"},
    {"y", "i"},      {"oo", "u"},  {"son", "sen"}, {"sen", "son"},
    {"man", "mann"}, {"x", "ks"},  {"qu", "kw"},   {"wr", "r"},
    {"kn", "n"},     {"er", "a"},  {"a", "er"},    {"anne", "ann"},
    {"l", "ll"},     {"n", "nn"},  {"t", "tt"},    {"ine", "een"},
    {"ette", "et"}};

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// A random position holding a letter or digit, or -1. Typing errors are rarer
// in a word's first letter, so position 0 is avoided four times in five.
int PickPosition(Rng* rng, const std::string& s) {
  for (int attempt = 0; attempt < 8 && !s.empty(); ++attempt) {
    const int p = static_cast<int>(rng->Below(s.size()));
    if (!IsWordChar(s[p]) || (p == 0 && s.size() > 1 && rng->Chance(0.8)))
      continue;
    return p;
  }
  return -1;
}

bool Substitute(Rng* rng, std::string* s) {
  const int p = PickPosition(rng, *s);
  if (p < 0) return false;
  const char* n = Neighbours((*s)[p]);
  (*s)[p] = n[rng->Below(std::strlen(n))];
  return true;
}

bool Insert(Rng* rng, std::string* s) {
  const int p = PickPosition(rng, *s);
  if (p < 0) return false;
  // Half the time the key is struck twice ("wellingtonn"), else a neighbour.
  const char* n = Neighbours((*s)[p]);
  const char c = rng->Chance(0.5) ? (*s)[p] : n[rng->Below(std::strlen(n))];
  s->insert(s->begin() + p + rng->Below(2), c);
  return true;
}

bool Delete(Rng* rng, std::string* s) {
  if (s->size() < 3) return false;  // Keep short values recognisable.
  const int p = PickPosition(rng, *s);
  if (p < 0) return false;
  s->erase(p, 1);
  return true;
}

bool Transpose(Rng* rng, std::string* s) {
  for (int attempt = 0; attempt < 8 && s->size() >= 2; ++attempt) {
    const size_t p = rng->Below(s->size() - 1);
    char& a = (*s)[p];
    char& b = (*s)[p + 1];
    if (a == b || !IsWordChar(a) || !IsWordChar(b)) continue;
    std::swap(a, b);
    return true;
  }
  return false;
}

// Applies one rewrite that matches somewhere in s, at a random occurrence.
template <size_t N>
bool ApplyRewrite(Rng* rng, const Rewrite (&rewrites)[N], std::string* s) {
  for (int attempt = 0; attempt < 12; ++attempt) {
    const Rewrite& r = rng->Pick(rewrites);
    std::vector<size_t> hits;
    for (size_t at = s->find(r.from); at != std::string::npos;
         at = s->find(r.from, at + 1)) {
      hits.push_back(at);
    }
    if (hits.empty()) continue;
    const std::string result = std::string(*s).replace(
        hits[rng->Below(hits.size())], std::strlen(r.from), r.to);
    if (result.empty() || result == *s) continue;
    *s = result;
    return true;
  }
  return false;
}

// Runs two words together ("wellingtonstreet") or splits one ("gran ville").
bool Respace(Rng* rng, std::string* s) {
  std::vector<size_t> spaces;
  for (size_t i = 0; i < s->size(); ++i) {
    if ((*s)[i] == ' ') spaces.push_back(i);
  }
  if (!spaces.empty() && rng->Chance(0.7)) {
    s->erase(spaces[rng->Below(spaces.size())], 1);
    return true;
  }
  if (s->size() < 5) return false;
  const size_t p = 2 + rng->Below(s->size() - 3);
  if ((*s)[p - 1] == ' ' || (*s)[p] == ' ') return false;
  s->insert(p, 1, ' ');
  return true;
}

// Writes the street type short ("hurley st") or drops it ("hurley").
bool AbbreviateStreetType(Rng* rng, std::string* s) {
  const size_t space = s->rfind(' ');
  if (space == std::string::npos) return false;
  for (const StreetType& t : kStreetTypes) {
    if (s->compare(space + 1, std::string::npos, t.name) != 0) continue;
    if (rng->Chance(0.2)) {
      s->erase(space);
    } else {
      s->replace(space + 1, std::string::npos, t.abbreviation);
    }
    return true;
  }
  return false;
}

// Shortens a given name as its owner might ("barnaby" -> "barn", "barnie"):
// cut after a consonant that follows a vowel, maybe add a diminutive.
bool Nickname(Rng* rng, std::string* s) {
  static const char* const kEndings[] = {"", "", "ie", "y", "o"};
  if (s->size() < 5 || s->find_first_of(" -") != std::string::npos)
    return false;
  std::vector<size_t> cuts;
  for (size_t p = 3; p + 1 < s->size(); ++p) {
    if (!IsVowel((*s)[p - 1]) && IsVowel((*s)[p - 2])) cuts.push_back(p);
  }
  if (cuts.empty()) return false;
  *s = s->substr(0, cuts[rng->Below(cuts.size())]) + rng->Pick(kEndings);
  return true;
}

bool DigitTypo(Rng* rng, std::string* s) {
  if (s->empty()) return false;
  char& c = (*s)[rng->Below(s->size())];
  if (rng->Chance(0.5)) {
    const char* n = Neighbours(c);
    c = n[rng->Below(std::strlen(n))];
  } else {
    c = static_cast<char>('0' + (c - '0' + 1 + rng->Below(9)) % 10);
  }
  return true;
}

bool DigitInsert(Rng* rng, std::string* s) {
  if (s->size() >= 4) return false;
  s->insert(s->begin() + rng->Below(s->size() + 1),
            static_cast<char>('0' + rng->Below(10)));
  if ((*s)[0] == '0') (*s)[0] = '1';  // House numbers have no leading zero.
  return true;
}

bool DigitDelete(Rng* rng, std::string* s) {
  if (s->size() < 2) return false;
  s->erase(rng->Below(s->size()), 1);
  if ((*s)[0] == '0') s->erase(0, 1);
  return !s->empty();
}

// Swaps day and month (an American-order entry), when the result is a date.
bool DayMonthSwap(std::string* s) {
  if (s->size() != 8 || s->compare(4, 2, s->substr(6, 2)) == 0) return false;
  if (s->compare(6, 2, "12") > 0) return false;
  *s = s->substr(0, 4) + s->substr(6, 2) + s->substr(4, 2);
  return true;
}

// Trims and collapses spaces and hyphens an edit left at a word boundary
// ("flat 3" minus its digit is "flat", not "flat "): CSV readers trim fields
// (FEBRL's separator is ", "), so stray spaces would be silently lost anyway.
void Tidy(std::string* s) {
  std::string out;
  for (char c : *s) {
    const bool separator = c == ' ' || c == '-';
    if (separator && (out.empty() || out.back() == ' ' || out.back() == '-'))
      continue;
    out.push_back(c);
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '-'))
    out.pop_back();
  s->swap(out);
}

enum Op {
  kTypo,
  kInsert,
  kDelete,
  kTranspose,
  kOcr,
  kPhonetic,
  kMissing,
  kRespace,
  kNickname,
  kReplace,
  kAbbreviate,
  kDigitTypo,
  kDigitTranspose,
  kDigitInsert,
  kDigitDelete,
  kDigitOcr,
  kDayMonth,
  kOtherState
};
struct WeightedOp {
  Op op;
  double weight;
};
using OpTable = std::vector<WeightedOp>;

// Which errors each field suffers, and how often. Names are mostly typed and
// heard; numbers mistyped or transposed; missing values are the commonest
// fate of optional address parts.
const std::array<OpTable, kNumFields>& FieldOps() {
  // One row per field reads better than clang-format's one op per line.
  // clang-format off
  static const auto* const kTables = new std::array<OpTable, kNumFields>{{
      /*given*/ {{kTypo, 18}, {kInsert, 12}, {kDelete, 12}, {kTranspose, 12},
                 {kOcr, 6}, {kPhonetic, 18}, {kMissing, 8}, {kNickname, 9},
                 {kReplace, 3}, {kRespace, 2}},
      /*surname*/ {{kTypo, 18}, {kInsert, 13}, {kDelete, 13},
                   {kTranspose, 13}, {kOcr, 6}, {kPhonetic, 20},
                   {kMissing, 6}, {kRespace, 5}, {kReplace, 3}},
      /*street_number*/ {{kDigitTypo, 35}, {kDigitTranspose, 15},
                         {kDigitInsert, 8}, {kDigitDelete, 8},
                         {kDigitOcr, 4}, {kMissing, 20}, {kReplace, 10}},
      /*address_1*/ {{kTypo, 15}, {kInsert, 12}, {kDelete, 12},
                     {kTranspose, 12}, {kOcr, 5}, {kPhonetic, 8},
                     {kMissing, 10}, {kRespace, 10}, {kAbbreviate, 16}},
      /*address_2*/ {{kTypo, 15}, {kInsert, 12}, {kDelete, 12},
                     {kTranspose, 12}, {kOcr, 5}, {kPhonetic, 8},
                     {kMissing, 20}, {kRespace, 10}},
      /*suburb*/ {{kTypo, 18}, {kInsert, 12}, {kDelete, 12}, {kTranspose, 13},
                  {kOcr, 6}, {kPhonetic, 12}, {kMissing, 12}, {kRespace, 10},
                  {kReplace, 5}},
      /*postcode*/ {{kDigitTypo, 40}, {kDigitTranspose, 35}, {kDigitOcr, 5},
                    {kMissing, 20}},
      /*state*/ {{kMissing, 70}, {kOtherState, 30}},
      /*dob*/ {{kDayMonth, 30}, {kDigitTypo, 30}, {kDigitTranspose, 20},
               {kDigitOcr, 5}, {kMissing, 15}},
      /*soc_sec_id*/ {{kDigitTypo, 45}, {kDigitTranspose, 35}, {kDigitOcr, 5},
                      {kMissing, 15}},
  }};
  // clang-format on
  return *kTables;
}

Op DrawOp(Rng* rng, const OpTable& table) {
  double total = 0;
  for (const WeightedOp& w : table) total += w.weight;
  double x = rng->Uniform() * total;
  for (const WeightedOp& w : table) {
    if ((x -= w.weight) < 0) return w.op;
  }
  return table.back().op;
}

// Applies `op` to field f of p; false if it does not apply to this value.
bool ApplyOp(Rng* rng, const Vocabulary& v, Op op, Field f, Person* p) {
  std::string* s = &(*p)[f];
  switch (op) {
    case kTypo:
      return Substitute(rng, s);
    case kInsert:
      return Insert(rng, s);
    case kDelete:
      return Delete(rng, s);
    case kTranspose:
      return Transpose(rng, s);
    case kOcr:
      return ApplyRewrite(rng, kOcrRewrites, s);
    case kPhonetic:
      return ApplyRewrite(rng, kPhoneticRewrites, s);
    case kRespace:
      return Respace(rng, s);
    case kNickname:
      return Nickname(rng, s);
    case kAbbreviate:
      return AbbreviateStreetType(rng, s);
    case kDigitTypo:
      return DigitTypo(rng, s);
    case kDigitTranspose:
      return Transpose(rng, s);
    case kDigitInsert:
      return DigitInsert(rng, s);
    case kDigitDelete:
      return DigitDelete(rng, s);
    case kDigitOcr:
      return ApplyRewrite(rng, kDigitOcrRewrites, s);
    case kDayMonth:
      return DayMonthSwap(s) || DigitTypo(rng, s);
    case kMissing:
      s->clear();
      return true;
    case kOtherState:
      *s = kStates[v.state_draw.Draw(rng)].name;
      return true;
    case kReplace:
      // Another real value: a different first name used, a married name,
      // another suburb, a wrong house number. FEBRL does this too.
      if (f == kGiven) *s = v.given_names[v.given_draw.Draw(rng)];
      if (f == kSurname) *s = Surname(rng, v);
      if (f == kSuburb) *s = v.suburbs[v.suburb_draw.Draw(rng)].name;
      if (f == kStreetNumber) *s = StreetNumber(rng);
      return true;
  }
  return false;
}

// Which field each modification hits: names most, then address, then numbers;
// the last two entries are the record-level swaps FEBRL also makes.
constexpr double kTargetWeights[kNumFields + 2] = {17, 17, 6, 12, 8, 10,
                                                   7,  3,  9, 7,  2, 2};
constexpr int kSwapNames = kNumFields;
constexpr int kSwapAddress = kNumFields + 1;

// Makes one modification that changes p; false if none could be found.
bool Generator::Corrupt(Rng* rng, Person* p) const {
  static const Discrete kTargets(std::vector<double>(std::begin(kTargetWeights),
                                                     std::end(kTargetWeights)));
  for (int attempt = 0; attempt < 20; ++attempt) {
    const int target = static_cast<int>(kTargets.Draw(rng));
    if (target == kSwapNames || target == kSwapAddress) {
      const Field a = target == kSwapNames ? kGiven : kAddress1;
      const Field b = target == kSwapNames ? kSurname : kAddress2;
      if ((*p)[a] == (*p)[b]) continue;
      std::swap((*p)[a], (*p)[b]);
      return true;
    }
    const Field f = static_cast<Field>(target);
    if ((*p)[f].empty())
      continue;  // Missing in the original: nothing to corrupt.
    const std::string before = (*p)[f];
    if (ApplyOp(rng, v_, DrawOp(rng, FieldOps()[f]), f, p)) {
      Tidy(&(*p)[f]);
      if ((*p)[f] != before) return true;
    }
    (*p)[f] = before;
  }
  return false;
}

Person Generator::Duplicate(uint32_t i, uint32_t k) const {
  const Person original = Original(i);
  Person p = original;
  Rng rng = RecordRng(i, k + 1);
  // 1-3 modifications (30/40/30%), like FEBRL's per-record maximum of 3.
  const double u = rng.Uniform();
  const int modifications = u < 0.3 ? 1 : u < 0.7 ? 2 : 3;
  for (int m = 0; m < modifications; ++m) Corrupt(&rng, &p);
  // Two edits can cancel (a swap undone); a duplicate must differ somewhere.
  for (int attempt = 0; attempt < 4 && p == original; ++attempt)
    Corrupt(&rng, &p);
  return p;
}

// ---------------------------------------------------------------------------
// Driver.

struct Options {
  uint64_t records = 100000;        // Total rows written.
  double originals_fraction = 0.6;  // Share of rows that are originals.
  int max_dups = 5;                 // Cap on duplicates of one original.
  uint64_t seed = 42;               // Same seed, same bytes.
  bool shuffle = true;              // Random row order rather than grouped.
  std::string out;                  // Output file; empty means stdout.
};

[[noreturn]] void Usage(const char* error) {
  if (error != nullptr) std::fprintf(stderr, "febrl_gen: %s\n", error);
  std::fprintf(
      stderr,
      "usage: febrl_gen [--records N] [--originals-fraction F] [--max-dups K]\n"
      "                 [--seed S] [--shuffle | --no-shuffle] [--out FILE]\n"
      "  --records N             total records (default 100000)\n"
      "  --originals-fraction F  share of records that are originals, (0, 1]"
      " (default 0.6)\n"
      "  --max-dups K            max duplicates per original, 1..100 (default "
      "5)\n"
      "  --seed S                random seed; output is deterministic (default "
      "42)\n"
      "  --shuffle/--no-shuffle  random row order (default) or grouped by "
      "entity\n"
      "  --out FILE              write there instead of stdout\n");
  std::exit(error == nullptr ? 0 : 2);
}

uint64_t ParseUint(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || text[0] == '-') {
    Usage((flag + " wants a non-negative integer, got '" + text + "'").c_str());
  }
  return v;
}

double ParseDouble(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0') {
    Usage((flag + " wants a number, got '" + text + "'").c_str());
  }
  return v;
}

Options ParseFlags(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i], value;
    const size_t eq = flag.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = flag.substr(eq + 1);
      flag.resize(eq);
    }
    if (flag == "--help" || flag == "-h") Usage(nullptr);
    if (flag == "--shuffle" && !inline_value) {
      o.shuffle = true;
      continue;
    }
    if (flag == "--no-shuffle" && !inline_value) {
      o.shuffle = false;
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= argc) Usage((flag + " needs a value").c_str());
      value = argv[++i];
    }
    if (flag == "--records") {
      o.records = ParseUint(flag, value);
    } else if (flag == "--originals-fraction") {
      o.originals_fraction = ParseDouble(flag, value);
    } else if (flag == "--max-dups") {
      o.max_dups =
          static_cast<int>(std::min<uint64_t>(ParseUint(flag, value), 1000));
    } else if (flag == "--seed") {
      o.seed = ParseUint(flag, value);
    } else if (flag == "--shuffle") {
      o.shuffle = value == "1" || value == "true";
      if (!o.shuffle && value != "0" && value != "false")
        Usage("--shuffle= wants true/false");
    } else if (flag == "--out") {
      o.out = value;
    } else {
      Usage(("unknown flag " + flag).c_str());
    }
  }
  if (o.records == 0) Usage("--records must be at least 1");
  if (!(o.originals_fraction > 0 && o.originals_fraction <= 1)) {
    Usage("--originals-fraction must be in (0, 1]");
  }
  if (o.max_dups < 1 || o.max_dups > 100) Usage("--max-dups must be in 1..100");
  return o;
}

// Decides how many duplicates each original gets, summing to exactly
// `duplicates`. Duplicated originals are chosen at random and each draws a
// Zipf(0.6)-distributed count in 1..K, which reproduces FEBRL dataset3's
// cluster sizes (368/256/212/161/168 originals with 1..5 duplicates). If the
// originals run out first, the remainder is spread round-robin up to K.
std::vector<uint8_t> DuplicateCounts(Rng* rng, uint32_t originals,
                                     uint64_t duplicates, int max_dups) {
  std::vector<uint32_t> order(originals);
  for (uint32_t i = 0; i < originals; ++i) order[i] = i;
  for (uint32_t i = originals; i > 1; --i)
    std::swap(order[i - 1], order[rng->Below(i)]);
  const Discrete count_draw = Zipf(max_dups, 0.6, 0);
  std::vector<uint8_t> counts(originals, 0);
  uint64_t left = duplicates;
  for (uint32_t j = 0; j < originals && left > 0; ++j) {
    const uint64_t c = std::min<uint64_t>(1 + count_draw.Draw(rng), left);
    counts[order[j]] = static_cast<uint8_t>(c);
    left -= c;
  }
  for (uint32_t j = 0; left > 0; j = (j + 1) % originals) {
    if (counts[order[j]] < max_dups) ++counts[order[j]], --left;
  }
  return counts;
}

// Formats one CSV row; no quoting is needed because generated values hold
// only letters, digits, single spaces and hyphens.
void AppendRecord(uint32_t i, const std::string& id_suffix, const Person& p,
                  std::string* line) {
  line->clear();
  line->append("rec-").append(std::to_string(i)).append(id_suffix);
  for (const std::string& field : p) line->append(", ").append(field);
  line->push_back('\n');
}

class Writer {
 public:
  Writer(FILE* out, const Generator* gen) : out_(out), gen_(*gen) {
    line_.reserve(512);
  }
  // Writes original i (k = 0) or its duplicate k - 1.
  void Write(uint32_t i, uint32_t k) {
    if (k == 0) {
      AppendRecord(i, "-org", gen_.Original(i), &line_);
    } else {
      AppendRecord(i, "-dup-" + std::to_string(k - 1), gen_.Duplicate(i, k - 1),
                   &line_);
    }
    std::fwrite(line_.data(), 1, line_.size(), out_);
  }

 private:
  FILE* const out_;
  const Generator& gen_;
  std::string line_;
};

}  // namespace

int main(int argc, char** argv) {
  const auto start = std::chrono::steady_clock::now();
  const Options o = ParseFlags(argc, argv);
  const uint64_t originals = std::max<uint64_t>(
      1, std::llround(static_cast<double>(o.records) * o.originals_fraction));
  const uint64_t duplicates = o.records - originals;
  if (originals > 9000000)
    Usage("at most 9,000,000 originals (7-digit soc_sec_id space)");
  if (duplicates > originals * o.max_dups) {
    Usage(
        "too few originals to hold the duplicates; raise --originals-fraction "
        "or --max-dups");
  }

  const Vocabulary vocabulary = MakeVocabulary();
  const Generator gen(&vocabulary, o.seed);
  Rng rng(o.seed);
  const std::vector<uint8_t> counts = DuplicateCounts(
      &rng, static_cast<uint32_t>(originals), duplicates, o.max_dups);

  FILE* out = o.out.empty() ? stdout : std::fopen(o.out.c_str(), "wb");
  if (out == nullptr) {
    std::fprintf(stderr, "febrl_gen: cannot open %s: %s\n", o.out.c_str(),
                 std::strerror(errno));
    return 1;
  }
  static char buffer[1 << 20];
  std::setvbuf(out, buffer, _IOFBF, sizeof(buffer));
  std::fputs(
      "rec_id, given_name, surname, street_number, address_1, address_2, "
      "suburb, postcode, state, date_of_birth, soc_sec_id\n",
      out);
  Writer writer(out, &gen);
  if (o.shuffle) {
    // Only the row order is held: (original << 8 | k) per row, 8 bytes each.
    std::vector<uint64_t> rows;
    rows.reserve(o.records);
    for (uint32_t i = 0; i < originals; ++i) {
      for (uint32_t k = 0; k <= counts[i]; ++k)
        rows.push_back(uint64_t{i} << 8 | k);
    }
    for (size_t n = rows.size(); n > 1; --n)
      std::swap(rows[n - 1], rows[rng.Below(n)]);
    for (uint64_t r : rows)
      writer.Write(static_cast<uint32_t>(r >> 8), r & 0xff);
  } else {
    for (uint32_t i = 0; i < originals; ++i) {
      for (uint32_t k = 0; k <= counts[i]; ++k) writer.Write(i, k);
    }
  }
  const bool write_failed = std::ferror(out) != 0;
  if ((out != stdout ? std::fclose(out) : std::fflush(out)) != 0 ||
      write_failed) {
    std::fprintf(stderr, "febrl_gen: write failed: %s\n", std::strerror(errno));
    return 1;
  }

  uint64_t pairs = 0;
  for (uint8_t c : counts) pairs += uint64_t{c} * (c + 1) / 2;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::fprintf(stderr,
               "febrl_gen: records %llu, originals %llu, duplicates %llu, "
               "true match pairs %llu, elapsed %.2f s\n",
               static_cast<unsigned long long>(o.records),
               static_cast<unsigned long long>(originals),
               static_cast<unsigned long long>(duplicates),
               static_cast<unsigned long long>(pairs), seconds);
  return 0;
}
