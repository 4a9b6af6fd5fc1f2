#include "hub/idempotency.h"

#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "hub/log.h"
#include "profile/base/proto_bytes.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace {

// The caller's earlier application of `request_id`, checked against this
// request's fingerprint.
absl::StatusOr<std::optional<StoredRequest>> Earlier(Store* store, const Principal& who,
                                                     const std::string& request_id,
                                                     const std::string& fingerprint) {
  HUB_ASSIGN_OR_RETURN(std::optional<StoredRequest> earlier,
                       store->GetRequest(who.name, request_id));
  if (earlier.has_value() && earlier->fingerprint != fingerprint) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request_id: \"", request_id, "\" was used for another request (",
        earlier->method, ", audit entry ", earlier->audit_seq,
        "); give each new request a new id"));
  }
  return earlier;
}

// Answers a retry from the saved response of `earlier`.
absl::Status Replay(const StoredRequest& earlier, const std::string& request_id,
                    google::protobuf::Message* response) {
  if (!earlier.response.has_value()) {
    return absl::AlreadyExistsError(absl::StrCat(
        "request_id: \"", request_id, "\" was already applied (", earlier.method,
        ", audit entry ", earlier.audit_seq, "); its response is no longer kept"));
  }
  if (!response->ParseFromString(*earlier.response)) {
    return absl::InternalError(absl::StrCat("saved response of request_id \"", request_id,
                                            "\" does not parse"));
  }
  return absl::OkStatus();
}

absl::Status Save(Store* store, const Principal& who, const std::string& request_id,
                  const google::protobuf::Message& response) {
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> tx, store->BeginWrite());
  HUB_RETURN_IF_ERROR(tx->SaveResponse(who.name, request_id, response.SerializeAsString()));
  return tx->Commit();
}

}  // namespace

std::string RequestFingerprint(absl::string_view method,
                               const google::protobuf::Message& request) {
  return Sha256Hex(absl::StrCat(method, "\n", SerializeDeterministic(request)));
}

absl::Status AtMostOnce(Store* store, const Principal& who,
                        const google::protobuf::Message& request,
                        const std::string& request_id, google::protobuf::Message* response,
                        absl::FunctionRef<absl::Status(const Principal&)> apply,
                        absl::FunctionRef<void(google::protobuf::Message*)> scrub) {
  if (request_id.empty()) return apply(who);
  Principal caller = who;
  caller.request_fingerprint = RequestFingerprint(who.method, request);
  HUB_ASSIGN_OR_RETURN(std::optional<StoredRequest> earlier,
                       Earlier(store, caller, request_id, caller.request_fingerprint));
  if (earlier.has_value()) return Replay(*earlier, request_id, response);

  absl::Status applied = apply(caller);
  if (absl::IsAlreadyExists(applied)) {
    // Perhaps a concurrent call with this id committed first; if not, the
    // action itself refused.
    HUB_ASSIGN_OR_RETURN(earlier, Earlier(store, caller, request_id, caller.request_fingerprint));
    if (!earlier.has_value()) return applied;
    if (!earlier->response.has_value()) {
      return absl::AbortedError(absl::StrCat(
          "request_id: \"", request_id, "\" is being applied by a concurrent call (audit entry ",
          earlier->audit_seq, "); retry for its response"));
    }
    response->Clear();
    return Replay(*earlier, request_id, response);
  }
  HUB_RETURN_IF_ERROR(applied);

  std::unique_ptr<google::protobuf::Message> kept(response->New());
  kept->CopyFrom(*response);
  scrub(kept.get());
  absl::Status saved = Save(store, caller, request_id, *kept);
  if (!saved.ok()) {
    // The action is applied and audited; only a retry's answer degrades (to
    // ALREADY_EXISTS), so the call still succeeds.
    LogJson("warning", "response not saved",
            {{"request_id", request_id}, {"error", saved.ToString()}});
  }
  return absl::OkStatus();
}

}  // namespace hub
