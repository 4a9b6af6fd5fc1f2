// RpcTelemetry: per-call metrics, request ids and the call log, as a gRPC
// server interceptor (it observes calls; it never rejects or changes one).
#ifndef HUB_HUB_RPC_TELEMETRY_H_
#define HUB_HUB_RPC_TELEMETRY_H_

#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "hub/auth.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace hub {

// The metadata key of a call's request id, read from the client and echoed
// back in the response's initial metadata.
inline constexpr char kRequestIdKey[] = "x-request-id";

// A client's request id is used when it is 1..128 printable ASCII
// characters; otherwise the server makes one.
bool IsValidRequestId(absl::string_view id);

struct RpcTelemetryOptions {
  // Log every call, successful reads included (default: only failed and
  // mutating calls).
  bool access_log = false;
};

// For each call: counts it in hub_rpc_calls_total{method,code}, observes its
// latency in hub_rpc_duration_seconds{method}, gives it a request id (the
// client's valid x-request-id, else a new random one) that the response's
// initial metadata carries back, and writes one JSON log line ("rpc") for a
// failed call (code not OK) or a mutating one (a hub.v1 method that is not
// Get*, List*, Lookup*, Verify*, Export* or Watch*).
//
// The per-method metrics are resolved once, at construction, for every
// method of `services` (full names such as "hub.v1.ProfileService"); a
// call's cost is one hash lookup, two clock reads, a counter increment and a
// histogram observation. Calls to other methods count under method "other".
//
// Thread-safe. `auth` (used to name the principal in log lines) and
// `registry` must outlive the factory and every call.
class RpcTelemetryFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  RpcTelemetryFactory(prometheus::Registry* registry, const Authenticator* auth,
                      const std::vector<std::string>& services, RpcTelemetryOptions options);
  ~RpcTelemetryFactory() override;

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

  struct MethodMetrics;  // rpc_telemetry.cc

 private:
  const Authenticator* auth_;
  RpcTelemetryOptions options_;
  // "/package.Service/Method" -> its metrics; immutable after construction.
  absl::flat_hash_map<std::string, std::unique_ptr<MethodMetrics>> methods_;
  std::unique_ptr<MethodMetrics> other_;
};

}  // namespace hub

#endif  // HUB_HUB_RPC_TELEMETRY_H_
