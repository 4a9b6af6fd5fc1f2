// String, date and number similarity functions used by the matcher's field
// comparators. All are pure and thread-safe; strings are bytes (UTF-8 text is
// compared byte-wise, which is exact for ASCII and conservative otherwise).
#ifndef HUB_MATCH_COMPARATORS_H_
#define HUB_MATCH_COMPARATORS_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace hub::match {

// Jaro–Winkler similarity in [0, 1] (prefix scale 0.1, prefix up to 4).
// Two empty strings are 1; one empty string is 0.
double JaroWinkler(absl::string_view a, absl::string_view b);

// Levenshtein distance, or `max + 1` once it is known to exceed `max`
// (bounded work: O(|a| * (2 * max + 1))).
int Levenshtein(absl::string_view a, absl::string_view b, int max);

// Optimal-string-alignment distance (Levenshtein plus adjacent
// transpositions), bounded like Levenshtein.
int DamerauLevenshtein(absl::string_view a, absl::string_view b, int max);

// American Soundex of the letters of `s` (e.g. "Robert" -> "R163"); empty if
// `s` has no ASCII letter.
std::string Soundex(absl::string_view s);

// Days since 1970-01-01 of a date written YYYYMMDD, YYYY-MM-DD or YYYY/MM/DD
// (trailing time ignored); nullopt if it is not a valid date.
std::optional<int> ParseDays(absl::string_view s);

// Parses a decimal number (surrounding spaces allowed); nullopt otherwise.
std::optional<double> ParseNumber(absl::string_view s);

}  // namespace hub::match

#endif  // HUB_MATCH_COMPARATORS_H_
