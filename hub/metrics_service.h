// The gRPC MetricsService: stage histories and the funnel, read from what
// the write path maintains (profile/lifecycle).
#ifndef HUB_HUB_METRICS_SERVICE_H_
#define HUB_HUB_METRICS_SERVICE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hub/auth.h"
#include "hub/masking.h"
#include "hub/v1/metrics_service.grpc.pb.h"
#include "profile/store/store.h"

namespace hub {

// Builds a funnel from summed counters (Store::SumFunnelCounts). Pure.
hub::v1::Funnel FunnelFromCounts(const std::vector<FunnelCount>& counts, int window_days);

// A request's segment: empty (every profile) or `<trait>=<value>` with a
// trait of kSegmentTraits and a non-empty value; else INVALID_ARGUMENT.
absl::Status CheckSegment(const std::string& segment);

// The traits GetCustomerValue's `dimension` asks for: every one of
// kSegmentTraits when empty, else that one; INVALID_ARGUMENT for another.
absl::StatusOr<std::vector<std::string>> CustomerValueDimensions(const std::string& dimension);

// Thread-safe; the store, authenticator and masker must outlive the service.
// `flush_stages` (optional) applies deferred stage work
// (Ingester::FlushStages); every RPC calls it before reading stages.
// `masker` (optional) refuses a role that masks personal data a segment or
// dimension on an account trait that is not public (PERMISSION_DENIED), and
// scrubs the errors it is sent.
class MetricsServiceImpl final : public hub::v1::MetricsService::Service {
 public:
  MetricsServiceImpl(Store* store, const Authenticator* auth,
                     std::function<absl::Status()> flush_stages = nullptr,
                     const Masker* masker = nullptr)
      : store_(store), auth_(auth), flush_stages_(std::move(flush_stages)), masker_(masker) {}

  grpc::Status ListStageTransitions(
      grpc::ServerContext* context, const hub::v1::ListStageTransitionsRequest* request,
      hub::v1::ListStageTransitionsResponse* response) override;
  grpc::Status GetFunnel(grpc::ServerContext* context,
                         const hub::v1::GetFunnelRequest* request,
                         hub::v1::Funnel* response) override;
  grpc::Status GetCustomerValue(grpc::ServerContext* context,
                                const hub::v1::GetCustomerValueRequest* request,
                                hub::v1::CustomerValue* response) override;
  grpc::Status GetStageMetrics(grpc::ServerContext* context,
                               const hub::v1::GetStageMetricsRequest* request,
                               hub::v1::StageMetrics* response) override;

 private:
  // Authorizes the caller of `method` and applies deferred stage work.
  absl::StatusOr<Principal> Prepare(const grpc::ServerContext& context,
                                    absl::string_view method) const;
  // The masker's verdict on filtering (field "segment") or grouping (field
  // "dimension", every one when empty) by an account trait.
  absl::Status CheckFilter(const Principal& who, absl::string_view field,
                           const std::string& value) const;
  // `status` for the caller, scrubbed for a masked role.
  grpc::Status Finish(const Principal& who, const google::protobuf::Message& request,
                      const absl::Status& status) const;

  Store* store_;
  const Authenticator* auth_;
  std::function<absl::Status()> flush_stages_;
  const Masker* masker_;
};

}  // namespace hub

#endif  // HUB_HUB_METRICS_SERVICE_H_
