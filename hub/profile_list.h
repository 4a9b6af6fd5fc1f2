// The List RPCs of profiles and accounts: their filter, order_by and page
// tokens, answered by Store::QueryProfiles.
#ifndef HUB_HUB_PROFILE_LIST_H_
#define HUB_HUB_PROFILE_LIST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hub/filter.h"
#include "hub/masking.h"
#include "profile/store/store.h"

namespace hub {

// What a List request asks for.
struct ListSpec {
  Side side = Side::kPerson;
  absl::string_view filter;
  absl::string_view order_by;
  absl::string_view page_token;
  int32_t page_size = 0;
  int default_size = 50;
  int max_size = 1000;
};

// One page of ids and the token of the next (empty after the last page).
struct ListedIds {
  std::vector<int64_t> ids;
  std::string next_page_token;
};

// The fields a List filter of `side` may name (docs/api.md).
const std::vector<FilterField>& ProfileFilterFields(Side side);

// Parses, checks and translates `filter` for `side`: accounts named by the
// filter are resolved to the live account (one that does not exist matches
// no profile). INVALID_ARGUMENT "filter: ..." for a bad filter;
// PERMISSION_DENIED naming the field when `role` may not see a non-public
// trait's values (an analyst), since the matches would reveal them.
absl::StatusOr<std::optional<ProfileCondition>> TranslateProfileFilter(
    Store* store, const Masker& masker, absl::string_view role, Side side,
    absl::string_view filter, std::string* canonical);

// Lists one page: checks page_size, filter and order_by (INVALID_ARGUMENT
// naming the field), and the token, which is bound to the filter's
// canonical form and the order: a token reused with another filter or
// order_by is INVALID_ARGUMENT naming page_token. DEADLINE_EXCEEDED once
// `deadline` passes.
absl::StatusOr<ListedIds> ListProfileIds(Store* store, const Masker& masker,
                                         absl::string_view role, const ListSpec& spec,
                                         absl::Time deadline);

}  // namespace hub

#endif  // HUB_HUB_PROFILE_LIST_H_
