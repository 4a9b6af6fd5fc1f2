// List filters: the subset of AIP-160 (https://google.aip.dev/160) that List
// RPCs accept, parsed into a tree and checked against the fields a List RPC
// offers.
//
//   filter      = [expression]
//   expression  = sequence {"AND" sequence}
//   sequence    = factor {factor}            juxtaposition is AND too
//   factor      = term {"OR" term}           OR binds tighter than AND
//   term        = ["NOT" | "-"] simple
//   simple      = restriction | "(" expression ")"
//   restriction = field comparator value
//   field       = name {"." name}            e.g. stage, traits.country
//   comparator  = "=" | "!=" | "<" | "<=" | ">" | ">=" | ":"
//   value       = quoted string ("..." or '...', backslash escapes) | bare word
//
// Keywords AND, OR, NOT are upper case, as in AIP-160. Timestamps are
// RFC 3339 strings ("2024-03-01T00:00:00Z"). Pure and thread-compatible; a
// hostile filter costs O(length) time and memory (the length and the depth of
// nesting are bounded).
#ifndef HUB_HUB_FILTER_H_
#define HUB_HUB_FILTER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hub {

// Longest filter accepted, in bytes, and deepest nesting of parentheses and
// NOTs.
inline constexpr size_t kMaxFilterBytes = 4096;
inline constexpr int kMaxFilterDepth = 32;

enum class FilterOp { kEq, kNe, kLt, kLe, kGt, kGe, kHas };

// One node of a parsed filter.
struct FilterNode {
  enum class Kind { kAnd, kOr, kNot, kCompare };
  Kind kind = Kind::kCompare;
  std::vector<FilterNode> children;  // kAnd, kOr: two or more; kNot: one
  // kCompare:
  std::string field;  // dotted path, e.g. "traits.country"
  FilterOp op = FilterOp::kEq;
  std::string value;  // unquoted and unescaped
  // Set by CheckFilter for a timestamp field: `value` parsed.
  absl::Time time;
};

// Parses `text`. An empty (or all-space) filter is OK and yields nullptr.
// INVALID_ARGUMENT "filter: <what> at offset N" for a syntax error.
absl::StatusOr<std::unique_ptr<FilterNode>> ParseFilter(absl::string_view text);

// The fields a List RPC filters on and the comparisons each allows.
struct FilterField {
  enum class Type { kString, kTimestamp, kEnum };
  std::string name;        // "stage"; with `prefix`, the part before the dot
  bool prefix = false;     // a family: "traits" accepts traits.<anything>
  Type type = Type::kString;
  std::vector<FilterOp> ops;
  std::vector<std::string> values;  // kEnum: the allowed values
};

// Checks every restriction of `root` against `fields` (unknown field,
// comparison or enum value; a malformed timestamp) and parses timestamps.
// INVALID_ARGUMENT naming the field and the allowed choices.
absl::Status CheckFilter(const std::vector<FilterField>& fields, FilterNode* root);

// Evaluates a checked filter against one item whose fields are all strings:
// `value(field)` returns the item's value. = and != compare exactly, : tests
// for a substring, < <= > >= compare bytewise.
bool EvaluateFilter(const FilterNode& node,
                    absl::FunctionRef<std::string(absl::string_view field)> value);

// The filter written back in canonical form (every AND and OR parenthesised,
// values quoted): what a page token is bound to, so that "a=1  AND b=2" and
// "a = 1 b = 2" share tokens.
std::string FilterToString(const FilterNode& node);

absl::string_view FilterOpName(FilterOp op);

}  // namespace hub

#endif  // HUB_HUB_FILTER_H_
