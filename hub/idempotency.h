// Request ids: a mutation retried with the same `request_id` is applied once
// and answered with the first response.
//
// The guarantee rests on the audit log. Every mutation writes its audit entry
// in the transaction that applies it; when the actor carries a request
// fingerprint, that entry also registers (principal, request_id) in the
// `requests` table, and a transaction registering a pair an earlier one
// registered fails ALREADY_EXISTS and rolls back. So the action and its
// registration commit together, and a retry, even one racing the first call,
// cannot apply it again. The response is saved after the commit; if hubd dies
// in between, or an erasure has since cleared saved responses (they may name
// the subject), a retry gets ALREADY_EXISTS naming the audit entry instead.
#ifndef HUB_HUB_IDEMPOTENCY_H_
#define HUB_HUB_IDEMPOTENCY_H_

#include <google/protobuf/message.h>

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hub/auth.h"
#include "profile/store/store.h"

namespace hub {

// Hex SHA-256 of the method and the request's deterministic serialisation:
// a request id reused for a different request is told apart by it.
std::string RequestFingerprint(absl::string_view method,
                               const google::protobuf::Message& request);

// Applies a mutation at most once per (caller, `request_id`).
//
// Without a request id, calls apply(who). Otherwise, if the caller applied
// this id before: the same request gets the saved response in `response`;
// another request gets INVALID_ARGUMENT naming `request_id`; a request whose
// response is no longer kept gets ALREADY_EXISTS naming its audit entry.
// Else calls `apply` with `who` carrying the request fingerprint (its
// ActorOf then registers the request) and saves `response` after it
// succeeds, less what `scrub` removes first (what the hub must not keep).
// A concurrent call that registered the id first yields ABORTED: retry.
absl::Status AtMostOnce(
    Store* store, const Principal& who, const google::protobuf::Message& request,
    const std::string& request_id, google::protobuf::Message* response,
    absl::FunctionRef<absl::Status(const Principal&)> apply,
    absl::FunctionRef<void(google::protobuf::Message*)> scrub =
        [](google::protobuf::Message*) {});

}  // namespace hub

#endif  // HUB_HUB_IDEMPOTENCY_H_
