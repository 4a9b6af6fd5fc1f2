#include "hub/rpc_telemetry.h"

#include <google/protobuf/descriptor.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <chrono>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "hub/log.h"

namespace hub {

using grpc::experimental::InterceptionHookPoints;

namespace {

// Upper bounds (seconds) of the latency histogram's buckets: 0.5 ms to 30 s.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  return *buckets;
}

constexpr int kCodes = 17;  // grpc::StatusCode OK..UNAUTHENTICATED

const char* CodeName(int code) {
  static const char* const kNames[kCodes] = {
      "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
      "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
      "UNAUTHENTICATED"};
  return code >= 0 && code < kCodes ? kNames[code] : "UNKNOWN";
}

}  // namespace

// One method's series. The per-code counters are added on first use, so
// /metrics lists only the codes a method has returned.
struct RpcTelemetryFactory::MethodMetrics {
  std::string label;  // "hub.v1.ProfileService/GetProfile"
  bool mutating = false;
  prometheus::Family<prometheus::Counter>* calls = nullptr;
  prometheus::Histogram* latency = nullptr;
  std::array<std::atomic<prometheus::Counter*>, kCodes> by_code{};

  prometheus::Counter* CounterFor(int code) {
    if (code < 0 || code >= kCodes) code = static_cast<int>(grpc::StatusCode::UNKNOWN);
    prometheus::Counter* c = by_code[code].load(std::memory_order_acquire);
    if (c == nullptr) {  // Family::Add is idempotent: a racing call gets the same counter
      c = &calls->Add({{"method", label}, {"code", CodeName(code)}});
      by_code[code].store(c, std::memory_order_release);
    }
    return c;
  }
};

namespace {

bool IsMutating(absl::string_view service, absl::string_view method) {
  if (!absl::StartsWith(service, "hub.v1.")) return false;  // health, reflection
  for (absl::string_view read : {"Get", "List", "Lookup", "Verify", "Export", "Watch"}) {
    if (absl::StartsWith(method, read)) return false;
  }
  return true;
}

std::string NewRequestId() {
  thread_local absl::InsecureBitGen gen;
  return absl::StrFormat("%016x", absl::Uniform<uint64_t>(gen));
}

// Observes one call. gRPC creates it when the call starts and destroys it
// when the call is done.
class RpcInterceptor : public grpc::experimental::Interceptor {
 public:
  RpcInterceptor(grpc::experimental::ServerRpcInfo* info,
                 RpcTelemetryFactory::MethodMetrics* metrics, const Authenticator* auth,
                 bool access_log)
      : info_(info), metrics_(metrics), auth_(auth), access_log_(access_log),
        start_(std::chrono::steady_clock::now()) {}

  ~RpcInterceptor() override {
    // A call that ended without sending a status (the client went away).
    if (!recorded_) Record(grpc::Status(grpc::StatusCode::CANCELLED, "call ended"));
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      const auto* metadata = methods->GetRecvInitialMetadata();
      auto it = metadata->find(kRequestIdKey);
      if (it != metadata->end()) {
        absl::string_view given(it->second.data(), it->second.size());
        if (IsValidRequestId(given)) request_id_ = std::string(given);
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kRequestIdKey, RequestId());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      Record(methods->GetSendStatus());
    }
    methods->Proceed();
  }

 private:
  const std::string& RequestId() {
    if (request_id_.empty()) request_id_ = NewRequestId();
    return request_id_;
  }

  void Record(const grpc::Status& status) {
    recorded_ = true;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const int code = static_cast<int>(status.error_code());
    metrics_->CounterFor(code)->Increment();
    metrics_->latency->Observe(seconds);
    if (status.ok() && !metrics_->mutating && !access_log_) return;
    Log(status, seconds);
  }

  void Log(const grpc::Status& status, double seconds) {
    std::string principal;
    if (grpc::ServerContextBase* context = info_->server_context(); context != nullptr) {
      absl::StatusOr<Principal> who = auth_->Authenticate(*context);
      if (who.ok()) principal = who->name;
    }
    const int code = static_cast<int>(status.error_code());
    const char* level = status.ok() ? "info"
                        : (code == static_cast<int>(grpc::StatusCode::INTERNAL) ||
                           code == static_cast<int>(grpc::StatusCode::UNKNOWN) ||
                           code == static_cast<int>(grpc::StatusCode::DATA_LOSS))
                            ? "error"
                            : "warning";
    LogJson(level, "rpc",
            {{"request_id", RequestId()},
             {"method", metrics_->label},
             {"principal", principal},
             {"code", CodeName(code)},
             {"latency_ms", absl::StrFormat("%.3f", seconds * 1000)},
             {"error", status.error_message()}});
  }

  grpc::experimental::ServerRpcInfo* info_;
  RpcTelemetryFactory::MethodMetrics* metrics_;
  const Authenticator* auth_;
  const bool access_log_;
  const std::chrono::steady_clock::time_point start_;
  std::string request_id_;  // empty until read from the client or made
  bool recorded_ = false;
};

std::unique_ptr<RpcTelemetryFactory::MethodMetrics> NewMethod(
    std::string label, bool mutating, prometheus::Family<prometheus::Counter>* calls,
    prometheus::Family<prometheus::Histogram>* latency) {
  auto m = std::make_unique<RpcTelemetryFactory::MethodMetrics>();
  m->latency = &latency->Add({{"method", label}}, LatencyBuckets());
  m->label = std::move(label);
  m->mutating = mutating;
  m->calls = calls;
  return m;
}

}  // namespace

bool IsValidRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

RpcTelemetryFactory::RpcTelemetryFactory(prometheus::Registry* registry,
                                         const Authenticator* auth,
                                         const std::vector<std::string>& services,
                                         RpcTelemetryOptions options)
    : auth_(auth), options_(options) {
  auto& calls = prometheus::BuildCounter()
                    .Name("hub_rpc_calls_total")
                    .Help("gRPC calls handled, by method and status code")
                    .Register(*registry);
  auto& latency = prometheus::BuildHistogram()
                      .Name("hub_rpc_duration_seconds")
                      .Help("gRPC call latency in seconds, from call start to status, by method")
                      .Register(*registry);
  const google::protobuf::DescriptorPool* pool =
      google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& name : services) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string& method = service->method(i)->name();
      std::string label = absl::StrCat(name, "/", method);
      std::string key = absl::StrCat("/", label);
      methods_[key] = NewMethod(std::move(label), IsMutating(name, method), &calls, &latency);
    }
  }
  other_ = NewMethod("other", false, &calls, &latency);
}

RpcTelemetryFactory::~RpcTelemetryFactory() = default;

grpc::experimental::Interceptor* RpcTelemetryFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  auto it = methods_.find(absl::string_view(info->method() == nullptr ? "" : info->method()));
  MethodMetrics* metrics = it == methods_.end() ? other_.get() : it->second.get();
  return new RpcInterceptor(info, metrics, auth_, options_.access_log);
}

}  // namespace hub
