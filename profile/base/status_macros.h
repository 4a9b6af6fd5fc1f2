// HUB_RETURN_IF_ERROR and HUB_ASSIGN_OR_RETURN: Debian 12's abseil predates
// abseil's own status macros.
#ifndef HUB_PROFILE_BASE_STATUS_MACROS_H_
#define HUB_PROFILE_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Evaluates `expr` (an absl::Status); returns it from the caller if not OK.
#define HUB_RETURN_IF_ERROR(expr)                 \
  do {                                            \
    ::absl::Status hub_status_ = (expr);          \
    if (!hub_status_.ok()) return hub_status_;    \
  } while (0)

#define HUB_STATUS_MACROS_CONCAT_INNER(x, y) x##y
#define HUB_STATUS_MACROS_CONCAT(x, y) HUB_STATUS_MACROS_CONCAT_INNER(x, y)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status from
// the caller, otherwise moves the value into `lhs` (which may declare it:
// `HUB_ASSIGN_OR_RETURN(auto x, Foo());`).
#define HUB_ASSIGN_OR_RETURN(lhs, rexpr)                                     \
  HUB_ASSIGN_OR_RETURN_IMPL(                                                 \
      HUB_STATUS_MACROS_CONCAT(hub_statusor_, __LINE__), lhs, rexpr)

#define HUB_ASSIGN_OR_RETURN_IMPL(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                              \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // HUB_PROFILE_BASE_STATUS_MACROS_H_
