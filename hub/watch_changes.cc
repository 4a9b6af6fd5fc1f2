// ProfileService.WatchProfileChanges: the change log as a server stream.
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "hub/api_util.h"
#include "hub/filter.h"
#include "hub/permissions.h"
#include "hub/profile_service.h"
#include "hub/status_util.h"
#include "profile/base/time_util.h"

namespace hub {
namespace {

// Changes read per store query: the most a stream holds in memory.
constexpr int kBatch = 256;
// How often a caught-up stream looks for new commits.
constexpr absl::Duration kPollInterval = absl::Milliseconds(50);

hub::v1::ProfileChange::Kind KindOf(const std::string& change) {
  using K = hub::v1::ProfileChange;
  if (change == "created") return K::CREATED;
  if (change == "updated") return K::UPDATED;
  if (change == "merged") return K::MERGED;
  if (change == "unmerged") return K::UNMERGED;
  if (change == "erased") return K::ERASED;
  if (change == "stage_changed") return K::STAGE_CHANGED;
  if (change == "deleted") return K::DELETED;
  return K::KIND_UNSPECIFIED;
}

const std::vector<FilterField>& ChangeFields() {
  using T = FilterField::Type;
  static const auto* fields = new std::vector<FilterField>{
      {"change", false, T::kEnum, {FilterOp::kEq, FilterOp::kNe},
       {"created", "updated", "merged", "unmerged", "erased", "deleted", "stage_changed"}},
      {"resource", false, T::kEnum, {FilterOp::kEq, FilterOp::kNe}, {"profile", "account"}},
  };
  return *fields;
}

absl::StatusOr<std::unique_ptr<FilterNode>> ChangeFilter(
    const hub::v1::WatchProfileChangesRequest& request) {
  if (request.after_sequence() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "after_sequence: must be 0 or a change's sequence, got ", request.after_sequence()));
  }
  absl::StatusOr<std::unique_ptr<FilterNode>> filter = ParseFilter(request.filter());
  if (filter.ok() && *filter != nullptr) {
    absl::Status checked = CheckFilter(ChangeFields(), filter->get());
    if (!checked.ok()) return checked;
  }
  return filter;
}

}  // namespace

grpc::Status ProfileServiceImpl::WatchProfileChanges(
    grpc::ServerContext* context, const hub::v1::WatchProfileChangesRequest* request,
    grpc::ServerWriter<hub::v1::ProfileChange>* writer) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.ProfileService/WatchProfileChanges");
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<std::unique_ptr<FilterNode>> filter = ChangeFilter(*request);
  if (!filter.ok()) return ToGrpcStatus(masker_->ScrubError(who->role, filter.status(), *request));
  int64_t after = request->after_sequence();
  for (;;) {
    if (context->IsCancelled()) return grpc::Status::CANCELLED;
    if (stopping_.HasBeenNotified()) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          absl::StrCat("hubd is shutting down; resume with after_sequence ",
                                       after));
    }
    absl::StatusOr<std::vector<ChangeEntry>> batch = store_->ListChanges(after, kBatch);
    if (!batch.ok()) return ToGrpcStatus(batch.status());
    for (const ChangeEntry& e : *batch) {
      after = e.seq;
      const bool person = e.side == Side::kPerson;
      if (*filter != nullptr &&
          !EvaluateFilter(**filter, [&](absl::string_view field) {
            return field == "change" ? e.change : person ? "profile" : "account";
          })) {
        continue;
      }
      hub::v1::ProfileChange change;
      change.set_sequence(e.seq);
      change.set_name(absl::StrCat(person ? "profiles/" : "accounts/", e.id));
      change.set_kind(KindOf(e.change));
      *change.mutable_change_time() = ToProtoTime(absl::FromUnixMicros(e.at_us));
      // Names and kinds only: nothing to mask. Blocks while the client's
      // flow-control window is full: a slow reader slows this loop, not
      // hubd's memory.
      if (!writer->Write(change)) return grpc::Status::CANCELLED;
    }
    if (static_cast<int>(batch->size()) < kBatch) {
      stopping_.WaitForNotificationWithTimeout(kPollInterval);
    }
  }
}

}  // namespace hub
