#include "match/field_comparator.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "match/comparators.h"

namespace hub::match {
namespace {

using ::hub::v1::Comparator;

std::vector<double> DefaultThresholds(Comparator kind) {
  switch (kind) {
    case hub::v1::JARO_WINKLER: return {0.92, 0.80};
    case hub::v1::LEVENSHTEIN:
    case hub::v1::DAMERAU_LEVENSHTEIN: return {1, 2};
    case hub::v1::DATE: return {365};
    case hub::v1::NUMERIC: return {1};
    case hub::v1::GEO: return {1, 10};
    case hub::v1::TOKEN_SET: return {0.8, 0.5, 0.25};
    default: return {};
  }
}

// True if `kind` compares similarities (higher is closer) rather than
// distances.
bool IsSimilarity(Comparator kind) {
  return kind == hub::v1::JARO_WINKLER || kind == hub::v1::TOKEN_SET;
}

std::string ThresholdName(Comparator kind, double t) {
  switch (kind) {
    case hub::v1::JARO_WINKLER: return absl::StrCat("jaro_winkler>=", t);
    case hub::v1::LEVENSHTEIN: return absl::StrCat("levenshtein<=", t);
    case hub::v1::DAMERAU_LEVENSHTEIN: return absl::StrCat("damerau<=", t);
    case hub::v1::DATE: return absl::StrCat("within_days<=", t);
    case hub::v1::NUMERIC: return absl::StrCat("difference<=", t);
    case hub::v1::GEO: return absl::StrCat("within_km<=", t);
    default: return absl::StrCat("overlap>=", t);
  }
}

// Great-circle distance in km between two points given in degrees
// (haversine, on a sphere of the Earth's mean radius).
double HaversineKm(double lat1, double lng1, double lat2, double lng2) {
  constexpr double kRadiansPerDegree = 3.14159265358979323846 / 180;
  constexpr double kEarthRadiusKm = 6371.0088;
  const double dlat = (lat2 - lat1) * kRadiansPerDegree;
  const double dlng = (lng2 - lng1) * kRadiansPerDegree;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * kRadiansPerDegree) *
                       std::cos(lat2 * kRadiansPerDegree) *
                       std::sin(dlng / 2) * std::sin(dlng / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(h)));
}

// A date typed with one slip: one digit changed or transposed, or day and
// month swapped.
bool OneDateSlip(const std::string& a, const std::string& b) {
  std::string da, db;
  for (char c : a) if (c >= '0' && c <= '9') da.push_back(c);
  for (char c : b) if (c >= '0' && c <= '9') db.push_back(c);
  if (da.size() != 8 || db.size() != 8) return false;
  if (DamerauLevenshtein(da, db, 1) <= 1) return true;
  return da.substr(0, 4) == db.substr(0, 4) &&
         da.substr(4, 2) == db.substr(6, 2) && da.substr(6, 2) == db.substr(4, 2);
}

std::array<uint8_t, 27> Letters(const std::string& s) {
  std::array<uint8_t, 27> counts{};
  for (char c : s) {
    const int slot = c >= 'a' && c <= 'z' ? c - 'a' : 26;
    if (counts[slot] < 255) ++counts[slot];
  }
  return counts;
}

// An upper bound of JaroWinkler(a, b): the matching characters cannot
// outnumber the characters the two share, transpositions only lower it, and
// the prefix bonus is at most that of their actual common prefix.
double JaroWinklerBound(const std::string& a, const std::string& b,
                        const std::array<uint8_t, 27>& la,
                        const std::array<uint8_t, 27>& lb) {
  int common = 0;
  for (int i = 0; i < 27; ++i) common += std::min(la[i], lb[i]);
  if (common == 0) return 0;
  const double jaro = (double(common) / a.size() + double(common) / b.size() + 1) / 3;
  int prefix = 0;
  while (prefix < 4 && prefix < static_cast<int>(std::min(a.size(), b.size())) &&
         a[prefix] == b[prefix]) {
    ++prefix;
  }
  return jaro + prefix * 0.1 * (1 - jaro);
}

}  // namespace

absl::StatusOr<FieldComparator> FieldComparator::Create(
    const hub::v1::MatchField& field, const Dataset& data) {
  FieldComparator fc;
  fc.kind_ = field.comparator();
  fc.column_name_ = field.column();
  const std::string where = absl::StrCat("fields[", field.column(), "]");
  const int index = data.column_index(field.column());
  if (index < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ".column: no such column"));
  }
  fc.column_ = &data.column(index);
  if (fc.kind_ == hub::v1::COMPARATOR_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(where, ".comparator: required"));
  }
  if (!field.swapped_with().empty()) {
    const int other = data.column_index(field.swapped_with());
    if (other < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".swapped_with: no such column"));
    }
    fc.swapped_ = &data.column(other);
  }
  if (fc.kind_ == hub::v1::GEO) {
    const int longitude = data.column_index(field.longitude_column());
    if (field.longitude_column().empty() || longitude < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ".longitude_column: ",
          field.longitude_column().empty() ? "required for GEO" : "no such column"));
    }
    fc.longitude_ = &data.column(longitude);
  }
  fc.thresholds_.assign(field.thresholds().begin(), field.thresholds().end());
  if (fc.thresholds_.empty()) fc.thresholds_ = DefaultThresholds(fc.kind_);
  const bool similarity = IsSimilarity(fc.kind_);
  for (size_t i = 0; i < fc.thresholds_.size(); ++i) {
    const double t = fc.thresholds_[i];
    if (similarity ? (t <= 0 || t > 1) : t < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ".thresholds: ", t, similarity ? " is not in (0, 1]" : " is negative"));
    }
    if (i > 0 && (similarity ? t >= fc.thresholds_[i - 1] : t <= fc.thresholds_[i - 1])) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ".thresholds: must run from strongest to weakest"));
    }
  }
  if (fc.kind_ == hub::v1::EXACT || fc.kind_ == hub::v1::PHONETIC) {
    if (!field.thresholds().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".thresholds: this comparator takes none"));
    }
  }
  fc.term_frequency_ =
      !field.no_term_frequency() &&
      (fc.kind_ == hub::v1::EXACT || fc.kind_ == hub::v1::JARO_WINKLER ||
       fc.kind_ == hub::v1::LEVENSHTEIN ||
       fc.kind_ == hub::v1::DAMERAU_LEVENSHTEIN || fc.kind_ == hub::v1::PHONETIC);

  // Levels, weakest first.
  fc.level_names_.push_back("else");
  if (fc.kind_ == hub::v1::PHONETIC) fc.level_names_.push_back("soundex");
  for (auto it = fc.thresholds_.rbegin(); it != fc.thresholds_.rend(); ++it) {
    fc.level_names_.push_back(ThresholdName(fc.kind_, *it));
  }
  if (fc.kind_ == hub::v1::DATE) fc.level_names_.push_back("one_slip");
  if (fc.swapped_ != nullptr) fc.level_names_.push_back("swapped");
  fc.level_names_.push_back("exact");

  const std::vector<std::string>& values = fc.column_->values;
  switch (fc.kind_) {
    case hub::v1::PHONETIC: {
      absl::flat_hash_map<std::string, uint32_t> codes;
      fc.phonetic_.resize(values.size(), 0);
      for (size_t v = 1; v < values.size(); ++v) {
        std::string code = Soundex(values[v]);
        if (code.empty()) continue;
        fc.phonetic_[v] = codes.try_emplace(code, codes.size() + 1).first->second;
      }
      break;
    }
    case hub::v1::DATE:
    case hub::v1::NUMERIC: {
      fc.number_.resize(values.size());
      for (size_t v = 1; v < values.size(); ++v) {
        if (fc.kind_ == hub::v1::DATE) {
          std::optional<int> days = ParseDays(values[v]);
          if (days) fc.number_[v] = *days;
        } else {
          fc.number_[v] = ParseNumber(values[v]);
        }
      }
      break;
    }
    case hub::v1::GEO: {
      // Out-of-range coordinates are typing errors: missing.
      auto parse = [](const std::vector<std::string>& raw, double limit) {
        std::vector<std::optional<double>> degrees(raw.size());
        for (size_t v = 1; v < raw.size(); ++v) {
          std::optional<double> d = ParseNumber(raw[v]);
          if (d && std::fabs(*d) <= limit) degrees[v] = d;
        }
        return degrees;
      };
      fc.number_ = parse(values, 90);
      fc.longitude_degrees_ = parse(fc.longitude_->values, 180);
      break;
    }
    case hub::v1::TOKEN_SET:
      fc.PrepareTokens(field.separator());
      break;
    default:
      break;
  }
  return fc;
}

void FieldComparator::PrepareTokens(const std::string& separator) {
  const std::vector<std::string>& values = column_->values;
  absl::flat_hash_map<std::string, uint32_t> ids;
  std::vector<double> doc_freq;
  tokens_.resize(values.size());
  for (size_t v = 1; v < values.size(); ++v) {
    std::vector<std::string> parts;
    if (separator.empty()) {
      parts = absl::StrSplit(values[v], ' ', absl::SkipEmpty());
    } else {
      parts = absl::StrSplit(values[v], separator, absl::SkipEmpty());
    }
    std::vector<uint32_t>& tokens = tokens_[v];
    for (std::string& part : parts) {
      std::string token = NormalizeValue(part);
      if (token.empty()) continue;
      auto [it, inserted] = ids.try_emplace(token, token_text_.size());
      if (inserted) {
        token_text_.push_back(token);
        doc_freq.push_back(0);
      }
      tokens.push_back(it->second);
    }
    std::sort(tokens.begin(), tokens.end());
    tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
    for (uint32_t t : tokens) doc_freq[t] += column_->counts[v];
  }
  token_letters_.reserve(token_text_.size());
  for (const std::string& token : token_text_) token_letters_.push_back(Letters(token));
  // Inverse document frequency, floored so a token on every record still
  // counts a little.
  const double n = std::max<double>(1, column_->present);
  token_weight_.resize(token_text_.size());
  for (size_t t = 0; t < token_text_.size(); ++t) {
    token_weight_[t] = std::max(0.1, std::log(n / std::max(1.0, doc_freq[t])));
  }
  token_total_.assign(values.size(), 0);
  for (size_t v = 1; v < values.size(); ++v) {
    for (uint32_t t : tokens_[v]) token_total_[v] += token_weight_[t];
  }
}

int FieldComparator::Compare(uint32_t a, uint32_t b) const {
  const uint32_t va = column_->ids[a];
  const uint32_t vb = column_->ids[b];
  if (va == 0 || vb == 0) return kMissing;
  if (longitude_ != nullptr) return GeoLevel(a, b);
  if (va == vb) return exact_level();
  if (swapped_ != nullptr) {
    const uint32_t sa = swapped_->ids[a];
    const uint32_t sb = swapped_->ids[b];
    if ((sb != 0 && column_->values[va] == swapped_->values[sb]) ||
        (sa != 0 && column_->values[vb] == swapped_->values[sa])) {
      return exact_level() - 1;
    }
  }
  return CompareValues(va, vb);
}

int FieldComparator::CompareValues(uint32_t va, uint32_t vb) const {
  const std::string& a = column_->values[va];
  const std::string& b = column_->values[vb];
  const int k = static_cast<int>(thresholds_.size());
  switch (kind_) {
    case hub::v1::EXACT:
      return 0;
    case hub::v1::JARO_WINKLER:
      return ThresholdLevel(JaroWinkler(a, b));
    case hub::v1::LEVENSHTEIN:
      return DistanceLevel(Levenshtein(a, b, static_cast<int>(thresholds_.back())));
    case hub::v1::DAMERAU_LEVENSHTEIN:
      return DistanceLevel(
          DamerauLevenshtein(a, b, static_cast<int>(thresholds_.back())));
    case hub::v1::PHONETIC:
      return phonetic_[va] != 0 && phonetic_[va] == phonetic_[vb] ? 1 : 0;
    case hub::v1::DATE: {
      if (!number_[va] || !number_[vb]) return kMissing;
      if (*number_[va] == *number_[vb]) return exact_level();
      if (OneDateSlip(a, b)) return k + 1;
      return DistanceLevel(static_cast<int>(std::fabs(*number_[va] - *number_[vb])));
    }
    case hub::v1::NUMERIC: {
      if (!number_[va] || !number_[vb]) return kMissing;
      const double d = std::fabs(*number_[va] - *number_[vb]);
      if (d == 0) return exact_level();
      for (int i = 0; i < k; ++i) {
        if (d <= thresholds_[i]) return k - i;
      }
      return 0;
    }
    case hub::v1::TOKEN_SET:
      if (tokens_[va] == tokens_[vb]) return exact_level();
      return ThresholdLevel(TokenOverlap(va, vb));
    default:
      return 0;
  }
}

int FieldComparator::GeoLevel(uint32_t a, uint32_t b) const {
  const std::optional<double>& lat_a = number_[column_->ids[a]];
  const std::optional<double>& lat_b = number_[column_->ids[b]];
  const std::optional<double>& lng_a = longitude_degrees_[longitude_->ids[a]];
  const std::optional<double>& lng_b = longitude_degrees_[longitude_->ids[b]];
  if (!lat_a || !lat_b || !lng_a || !lng_b) return kMissing;
  if (*lat_a == *lat_b && *lng_a == *lng_b) return exact_level();
  const double km = HaversineKm(*lat_a, *lng_a, *lat_b, *lng_b);
  const int k = static_cast<int>(thresholds_.size());
  for (int i = 0; i < k; ++i) {
    if (km <= thresholds_[i]) return k - i;
  }
  return 0;
}

int FieldComparator::ThresholdLevel(double similarity) const {
  const int k = static_cast<int>(thresholds_.size());
  for (int i = 0; i < k; ++i) {
    if (similarity >= thresholds_[i]) return k - i;
  }
  return 0;
}

int FieldComparator::DistanceLevel(int distance) const {
  const int k = static_cast<int>(thresholds_.size());
  for (int i = 0; i < k; ++i) {
    if (distance <= thresholds_[i]) return k - i;
  }
  return 0;
}

// Inverse-document-frequency weighted Dice overlap; a token of four or more
// letters also matches a near-identical one (Jaro–Winkler >= 0.9), so one
// typo does not lose the token, and one it abbreviates by truncation.
double FieldComparator::TokenOverlap(uint32_t va, uint32_t vb) const {
  const std::vector<uint32_t>& ta = tokens_[va];
  const std::vector<uint32_t>& tb = tokens_[vb];
  const double total = token_total_[va] + token_total_[vb];
  if (total <= 0) return 0;
  double shared = 0;
  for (uint32_t t : ta) {
    if (std::binary_search(tb.begin(), tb.end(), t)) {
      shared += 2 * token_weight_[t];
      continue;
    }
    const std::string& text = token_text_[t];
    if (text.size() < 4) continue;
    for (uint32_t u : tb) {
      // Both need a shared first letter, which keeps long token lists cheap;
      // Jaro–Winkler >= 0.9 also needs similar lengths.
      const std::string& other = token_text_[u];
      if (other.size() < 4 || other[0] != text[0] ||
          std::binary_search(ta.begin(), ta.end(), u)) {
        continue;
      }
      // An abbreviation by truncation: "internat", "international".
      const std::string& shorter = text.size() < other.size() ? text : other;
      const std::string& longer = text.size() < other.size() ? other : text;
      if (longer.compare(0, shorter.size(), shorter) == 0) {
        shared += token_weight_[t] + token_weight_[u];
        break;
      }
      if (other.size() + 2 < text.size() || text.size() + 2 < other.size()) continue;
      if (JaroWinklerBound(text, other, token_letters_[t], token_letters_[u]) >= 0.9 &&
          JaroWinkler(text, other) >= 0.9) {
        shared += token_weight_[t] + token_weight_[u];
        break;
      }
    }
  }
  return std::min(1.0, shared / total);
}

std::optional<double> FieldComparator::ExactFrequency(uint32_t record) const {
  if (!term_frequency_) return std::nullopt;
  const uint32_t v = column_->ids[record];
  if (v == 0 || column_->present == 0) return std::nullopt;
  return static_cast<double>(column_->counts[v]) / column_->present;
}

}  // namespace hub::match
