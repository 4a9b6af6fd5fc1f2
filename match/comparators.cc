#include "match/comparators.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"

namespace hub::match {

double JaroWinkler(absl::string_view a, absl::string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  if (a.size() > b.size()) std::swap(a, b);
  const int la = static_cast<int>(a.size());
  const int lb = static_cast<int>(b.size());
  const int window = std::max(0, lb / 2 - 1);
  // Names are short: keep the bookkeeping on the stack.
  absl::InlinedVector<char, 64> b_used(lb, 0);
  absl::InlinedVector<char, 64> a_matched;
  for (int i = 0; i < la; ++i) {
    const int lo = std::max(0, i - window);
    const int hi = std::min(lb - 1, i + window);
    for (int j = lo; j <= hi; ++j) {
      if (!b_used[j] && a[i] == b[j]) {
        b_used[j] = 1;
        a_matched.push_back(a[i]);
        break;
      }
    }
  }
  const int matches = static_cast<int>(a_matched.size());
  if (matches == 0) return 0.0;
  int transpositions = 0;
  for (int j = 0, k = 0; j < lb; ++j) {
    if (!b_used[j]) continue;
    if (b[j] != a_matched[k]) ++transpositions;
    ++k;
  }
  const double m = matches;
  const double jaro =
      (m / la + m / lb + (m - transpositions / 2.0) / m) / 3.0;
  int prefix = 0;
  while (prefix < 4 && prefix < la && a[prefix] == b[prefix]) ++prefix;
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

namespace {

// Banded dynamic program shared by both edit distances.
int EditDistance(absl::string_view a, absl::string_view b, int max,
                 bool transpositions) {
  const int la = static_cast<int>(a.size());
  const int lb = static_cast<int>(b.size());
  if (std::abs(la - lb) > max) return max + 1;
  const int kInf = max + 1;
  std::vector<int> prev2(lb + 1, kInf), prev(lb + 1, kInf), cur(lb + 1, kInf);
  for (int j = 0; j <= std::min(lb, max); ++j) prev[j] = j;
  for (int i = 1; i <= la; ++i) {
    std::fill(cur.begin(), cur.end(), kInf);
    if (i <= max) cur[0] = i;
    const int lo = std::max(1, i - max);
    const int hi = std::min(lb, i + max);
    int row_min = cur[0];
    for (int j = lo; j <= hi; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int d = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (transpositions && i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
          a[i - 2] == b[j - 1]) {
        d = std::min(d, prev2[j - 2] + 1);
      }
      cur[j] = std::min(d, kInf);
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > max) return kInf;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[lb], kInf);
}

int SoundexDigit(char c) {
  switch (c) {
    case 'b': case 'f': case 'p': case 'v': return 1;
    case 'c': case 'g': case 'j': case 'k': case 'q': case 's': case 'x':
    case 'z': return 2;
    case 'd': case 't': return 3;
    case 'l': return 4;
    case 'm': case 'n': return 5;
    case 'r': return 6;
    case 'h': case 'w': return -1;  // transparent: does not separate codes
    default: return 0;              // vowels separate equal codes
  }
}

bool ParseInt(absl::string_view s, int* out) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return absl::SimpleAtoi(s, out);
}

// Days from civil (Howard Hinnant's algorithm).
int DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

int Levenshtein(absl::string_view a, absl::string_view b, int max) {
  return EditDistance(a, b, max, /*transpositions=*/false);
}

int DamerauLevenshtein(absl::string_view a, absl::string_view b, int max) {
  return EditDistance(a, b, max, /*transpositions=*/true);
}

std::string Soundex(absl::string_view s) {
  std::string code;
  int last = 0;
  for (char raw : s) {
    const char c = absl::ascii_tolower(static_cast<unsigned char>(raw));
    if (c < 'a' || c > 'z') continue;
    const int digit = SoundexDigit(c);
    if (code.empty()) {
      code.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
      last = digit;
      continue;
    }
    if (digit > 0 && digit != last) code.push_back(static_cast<char>('0' + digit));
    if (digit != -1) last = digit;
    if (code.size() == 4) break;
  }
  if (!code.empty()) code.resize(4, '0');
  return code;
}

std::optional<int> ParseDays(absl::string_view s) {
  s = absl::StripAsciiWhitespace(s);
  int y = 0, m = 0, d = 0;
  if (s.size() >= 10 && (s[4] == '-' || s[4] == '/') && s[7] == s[4]) {
    if (!ParseInt(s.substr(0, 4), &y) || !ParseInt(s.substr(5, 2), &m) ||
        !ParseInt(s.substr(8, 2), &d)) {
      return std::nullopt;
    }
  } else if (s.size() == 8) {
    if (!ParseInt(s.substr(0, 4), &y) || !ParseInt(s.substr(4, 2), &m) ||
        !ParseInt(s.substr(6, 2), &d)) {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  static constexpr int kMonthDays[] = {31, 29, 31, 30, 31, 30,
                                       31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > kMonthDays[m - 1]) return std::nullopt;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && d == 29 && !leap) return std::nullopt;
  return DaysFromCivil(y, m, d);
}

std::optional<double> ParseNumber(absl::string_view s) {
  double v;
  if (!absl::SimpleAtod(absl::StripAsciiWhitespace(s), &v)) return std::nullopt;
  return v;
}

}  // namespace hub::match
