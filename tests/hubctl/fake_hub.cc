#include "tests/hubctl/fake_hub.h"

#include <grpcpp/health_check_service_interface.h>

#include <utility>

#include "absl/strings/numbers.h"
#include "tests/hubctl/test_protos.h"

namespace hubctl::testing {
namespace {

constexpr int kDefaultPageSize = 2;

std::string Authorization(const grpc::ServerContext* context) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find("authorization");
  return it == metadata.end()
             ? ""
             : std::string(it->second.data(), it->second.size());
}

void Log(CallLog* log, grpc::ServerContext* context, const char* method,
         const google::protobuf::Message& request) {
  log->methods.push_back(method);
  log->authorization = Authorization(context);
  log->last_request = request.ShortDebugString();
}

}  // namespace

void FakeProfileService::AddProfile(const hub::v1::Profile& profile) {
  absl::MutexLock lock(&mu_);
  profiles_[profile.name()] = profile;
}

void FakeProfileService::FailWith(grpc::Status status) {
  absl::MutexLock lock(&mu_);
  failure_ = std::move(status);
}

CallLog FakeProfileService::log() const {
  absl::MutexLock lock(&mu_);
  return log_;
}

grpc::Status FakeProfileService::Record(
    grpc::ServerContext* context, const char* method,
    const google::protobuf::Message& request) {
  absl::MutexLock lock(&mu_);
  Log(&log_, context, method, request);
  return failure_;
}

grpc::Status FakeProfileService::GetProfile(
    grpc::ServerContext* context, const hub::v1::GetProfileRequest* request,
    hub::v1::Profile* response) {
  grpc::Status status = Record(context, "GetProfile", *request);
  if (!status.ok()) return status;
  absl::MutexLock lock(&mu_);
  auto it = profiles_.find(request->name());
  if (it == profiles_.end()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        "no profile " + request->name());
  }
  *response = it->second;
  return grpc::Status::OK;
}

grpc::Status FakeProfileService::LookupProfile(
    grpc::ServerContext* context, const hub::v1::LookupProfileRequest* request,
    hub::v1::Profile* response) {
  grpc::Status status = Record(context, "LookupProfile", *request);
  if (!status.ok()) return status;
  absl::MutexLock lock(&mu_);
  for (const auto& [name, profile] : profiles_) {
    for (const auto& id : profile.identifiers()) {
      if (id.type() == request->identifier_type() &&
          id.value() == request->identifier_value()) {
        *response = profile;
        return grpc::Status::OK;
      }
    }
  }
  return grpc::Status(grpc::StatusCode::NOT_FOUND, "no profile holds it");
}

grpc::Status FakeProfileService::ListProfiles(
    grpc::ServerContext* context, const hub::v1::ListProfilesRequest* request,
    hub::v1::ListProfilesResponse* response) {
  grpc::Status status = Record(context, "ListProfiles", *request);
  if (!status.ok()) return status;
  size_t start = 0;
  if (!request->page_token().empty() &&
      !absl::SimpleAtoi(request->page_token(), &start)) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad page_token");
  }
  const size_t size =
      request->page_size() > 0 ? request->page_size() : kDefaultPageSize;
  absl::MutexLock lock(&mu_);
  size_t index = 0;
  for (const auto& [name, profile] : profiles_) {
    if (index >= start && index < start + size) {
      *response->add_profiles() = profile;
    }
    ++index;
  }
  if (start + size < profiles_.size()) {
    response->set_next_page_token(std::to_string(start + size));
  }
  return grpc::Status::OK;
}

grpc::Status FakeProfileService::Known(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  if (profiles_.count(name) > 0) return grpc::Status::OK;
  return grpc::Status(grpc::StatusCode::NOT_FOUND, name + " not found");
}

grpc::Status FakeProfileService::MergeProfiles(
    grpc::ServerContext* context, const hub::v1::MergeProfilesRequest* request,
    hub::v1::MergeProfilesResponse* response) {
  grpc::Status status = Record(context, "MergeProfiles", *request);
  if (status.ok()) status = Known(request->name());
  if (status.ok()) status = Known(request->other_name());
  if (!status.ok()) return status;
  response->set_survivor(request->name());
  hub::v1::MergeLedgerEntry* e = response->mutable_entry();
  e->set_sequence(5);
  e->set_winner(request->name());
  e->set_loser(request->other_name());
  e->set_rule("manual");
  e->set_actor("steward");
  return grpc::Status::OK;
}

namespace {

hub::v1::MergeSuggestion Suggestion7() {
  hub::v1::MergeSuggestion s;
  s.set_name("mergeSuggestions/7");
  s.set_profile("profiles/12");
  s.set_other_profile("profiles/15");
  s.set_score(0.4447);
  s.set_explanation("name=exact(+9.6) phone=missing(+0.0)");
  s.set_state(hub::v1::MergeSuggestion::PENDING);
  s.mutable_create_time()->set_seconds(1709715600);  // 2024-03-06T09:00:00Z
  return s;
}

grpc::Status DecideSuggestion(const hub::v1::DecideMergeSuggestionRequest& request,
                              hub::v1::MergeSuggestion::State state,
                              hub::v1::MergeSuggestion* response) {
  if (request.name() != "mergeSuggestions/7") {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, request.name() + " not found");
  }
  *response = Suggestion7();
  response->set_state(state);
  response->set_actor("steward");
  return grpc::Status::OK;
}

}  // namespace

grpc::Status FakeProfileService::ListMergeSuggestions(
    grpc::ServerContext* context, const hub::v1::ListMergeSuggestionsRequest* request,
    hub::v1::ListMergeSuggestionsResponse* response) {
  grpc::Status status = Record(context, "ListMergeSuggestions", *request);
  if (!status.ok()) return status;
  if (request->all_states() || request->state() == hub::v1::MergeSuggestion::PENDING) {
    *response->add_suggestions() = Suggestion7();
  }
  return grpc::Status::OK;
}

grpc::Status FakeProfileService::AcceptMergeSuggestion(
    grpc::ServerContext* context, const hub::v1::DecideMergeSuggestionRequest* request,
    hub::v1::MergeSuggestion* response) {
  grpc::Status status = Record(context, "AcceptMergeSuggestion", *request);
  if (!status.ok()) return status;
  return DecideSuggestion(*request, hub::v1::MergeSuggestion::ACCEPTED, response);
}

grpc::Status FakeProfileService::RejectMergeSuggestion(
    grpc::ServerContext* context, const hub::v1::DecideMergeSuggestionRequest* request,
    hub::v1::MergeSuggestion* response) {
  grpc::Status status = Record(context, "RejectMergeSuggestion", *request);
  if (!status.ok()) return status;
  return DecideSuggestion(*request, hub::v1::MergeSuggestion::REJECTED, response);
}

grpc::Status FakeProfileService::UnmergeProfile(
    grpc::ServerContext* context, const hub::v1::UnmergeProfileRequest* request,
    hub::v1::UnmergeProfileResponse* response) {
  grpc::Status status = Record(context, "UnmergeProfile", *request);
  if (status.ok()) status = Known(request->name());
  if (!status.ok()) return status;
  if (request->merge_entry() != 5) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "merge ledger entry " + std::to_string(request->merge_entry()) +
                            " is not part of " + request->name());
  }
  response->set_name(request->name());
  response->set_restored("profiles/15");
  response->mutable_entry()->set_sequence(6);
  response->mutable_entry()->set_undoes(5);
  response->mutable_entry()->set_rule("unmerge");
  return grpc::Status::OK;
}

grpc::Status FakeProfileService::ListMerges(
    grpc::ServerContext* context, const hub::v1::ListMergesRequest* request,
    hub::v1::ListMergesResponse* response) {
  grpc::Status status = Record(context, "ListMerges", *request);
  if (status.ok()) status = Known(request->name());
  if (!status.ok()) return status;
  hub::v1::ListMergesResponse all = LedgerPage();
  size_t start = 0;
  if (!request->page_token().empty() &&
      !absl::SimpleAtoi(request->page_token(), &start)) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad page_token");
  }
  const size_t size = request->page_size() == 1 ? 1 : all.entries_size();
  for (size_t i = start; i < start + size && i < static_cast<size_t>(all.entries_size()); ++i) {
    *response->add_entries() = all.entries(static_cast<int>(i));
  }
  if (start + size < static_cast<size_t>(all.entries_size())) {
    response->set_next_page_token(std::to_string(start + size));
  }
  return grpc::Status::OK;
}

grpc::Status FakeProfileService::AddDoNotLink(
    grpc::ServerContext* context, const hub::v1::AddDoNotLinkRequest* request,
    hub::v1::DoNotLink* response) {
  grpc::Status status = Record(context, "AddDoNotLink", *request);
  if (status.ok()) status = Known(request->name());
  if (status.ok()) status = Known(request->other_name());
  if (!status.ok()) return status;
  response->set_name(request->name());
  response->set_other_name(request->other_name());
  return grpc::Status::OK;
}

void FakeSyncService::SetJobScript(std::vector<hub::v1::SyncJob> jobs) {
  absl::MutexLock lock(&mu_);
  script_ = std::move(jobs);
  next_ = 0;
}

CallLog FakeSyncService::log() const {
  absl::MutexLock lock(&mu_);
  return log_;
}

grpc::Status FakeSyncService::CreateSource(grpc::ServerContext* context,
                                           const hub::v1::CreateSourceRequest* request,
                                           hub::v1::Source* response) {
  absl::MutexLock lock(&mu_);
  Log(&log_, context, "CreateSource", *request);
  *response = request->source();
  response->set_name("sources/" + request->source_id());
  return grpc::Status::OK;
}

grpc::Status FakeSyncService::RunSync(grpc::ServerContext* context,
                                      const hub::v1::RunSyncRequest* request,
                                      hub::v1::SyncJob* response) {
  absl::MutexLock lock(&mu_);
  Log(&log_, context, "RunSync", *request);
  if (script_.empty()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such source");
  }
  next_ = 1;
  *response = script_[0];
  return grpc::Status::OK;
}

grpc::Status FakeSyncService::CancelSyncJob(
    grpc::ServerContext* context, const hub::v1::CancelSyncJobRequest* request,
    hub::v1::SyncJob* response) {
  absl::MutexLock lock(&mu_);
  Log(&log_, context, "CancelSyncJob", *request);
  if (script_.empty() || request->name() != script_[0].name()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such job");
  }
  next_ = 1;
  *response = script_[0];
  return grpc::Status::OK;
}

grpc::Status FakeSyncService::GetSyncJob(
    grpc::ServerContext* context, const hub::v1::GetSyncJobRequest* request,
    hub::v1::SyncJob* response) {
  absl::MutexLock lock(&mu_);
  Log(&log_, context, "GetSyncJob", *request);
  if (script_.empty() || request->name() != script_[0].name()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such job");
  }
  *response = script_[std::min(next_, script_.size() - 1)];
  ++next_;
  return grpc::Status::OK;
}

void FakeMetricsService::SetStages(
    const std::string& name, hub::v1::ListStageTransitionsResponse history) {
  absl::MutexLock lock(&mu_);
  histories_[name] = std::move(history);
}

void FakeMetricsService::SetFunnel(hub::v1::Funnel funnel) {
  absl::MutexLock lock(&mu_);
  funnel_ = std::move(funnel);
}

void FakeMetricsService::SetStageMetrics(hub::v1::StageMetrics metrics) {
  absl::MutexLock lock(&mu_);
  stage_metrics_ = std::move(metrics);
}

void FakeMetricsService::SetCustomerValue(hub::v1::CustomerValue value) {
  absl::MutexLock lock(&mu_);
  value_ = std::move(value);
}

void FakeMetricsService::FailWith(grpc::Status status) {
  absl::MutexLock lock(&mu_);
  failure_ = std::move(status);
}

CallLog FakeMetricsService::log() const {
  absl::MutexLock lock(&mu_);
  return log_;
}

std::vector<hub::v1::ListStageTransitionsRequest>
FakeMetricsService::stage_requests() const {
  absl::MutexLock lock(&mu_);
  return stage_requests_;
}

std::vector<hub::v1::GetFunnelRequest> FakeMetricsService::funnel_requests()
    const {
  absl::MutexLock lock(&mu_);
  return funnel_requests_;
}

std::vector<hub::v1::GetStageMetricsRequest>
FakeMetricsService::stage_metrics_requests() const {
  absl::MutexLock lock(&mu_);
  return stage_metrics_requests_;
}

std::vector<hub::v1::GetCustomerValueRequest>
FakeMetricsService::value_requests() const {
  absl::MutexLock lock(&mu_);
  return value_requests_;
}

grpc::Status FakeMetricsService::ListStageTransitions(
    grpc::ServerContext* context,
    const hub::v1::ListStageTransitionsRequest* request,
    hub::v1::ListStageTransitionsResponse* response) {
  absl::MutexLock lock(&mu_);
  Log(&log_, context, "ListStageTransitions", *request);
  stage_requests_.push_back(*request);
  if (!failure_.ok()) return failure_;
  auto it = histories_.find(request->parent());
  if (it == histories_.end()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        request->parent() + " not found");
  }
  size_t start = 0;
  if (!request->page_token().empty() &&
      !absl::SimpleAtoi(request->page_token(), &start)) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad page_token");
  }
  const size_t size =
      request->page_size() > 0 ? request->page_size() : kDefaultPageSize;
  const auto& all = it->second.transitions();
  const size_t count = static_cast<size_t>(all.size());
  *response = it->second;
  response->clear_transitions();
  for (size_t i = start; i < start + size && i < count; ++i) {
    *response->add_transitions() = all[static_cast<int>(i)];
  }
  if (start + size < count) {
    response->set_next_page_token(std::to_string(start + size));
  }
  return grpc::Status::OK;
}

grpc::Status FakeMetricsService::GetFunnel(
    grpc::ServerContext* context, const hub::v1::GetFunnelRequest* request,
    hub::v1::Funnel* response) {
  absl::MutexLock lock(&mu_);
  Log(&log_, context, "GetFunnel", *request);
  funnel_requests_.push_back(*request);
  if (!failure_.ok()) return failure_;
  *response = funnel_;
  response->set_side(request->side());
  *response->mutable_period() = request->period();
  response->set_segment(request->segment());
  response->set_conversion_window_days(
      request->conversion_window_days() == 0 ? 90
                                             : request->conversion_window_days());
  return grpc::Status::OK;
}

grpc::Status FakeMetricsService::GetStageMetrics(
    grpc::ServerContext* context,
    const hub::v1::GetStageMetricsRequest* request,
    hub::v1::StageMetrics* response) {
  absl::MutexLock lock(&mu_);
  Log(&log_, context, "GetStageMetrics", *request);
  stage_metrics_requests_.push_back(*request);
  if (!failure_.ok()) return failure_;
  *response = stage_metrics_;
  *response->mutable_period() = request->period();
  response->set_segment(request->segment());
  if (request->stage() != hub::v1::STAGE_UNSPECIFIED) {
    response->clear_metrics();
    for (const auto& m : stage_metrics_.metrics()) {
      if (m.stage() == request->stage()) *response->add_metrics() = m;
    }
  }
  return grpc::Status::OK;
}

grpc::Status FakeMetricsService::GetCustomerValue(
    grpc::ServerContext* context,
    const hub::v1::GetCustomerValueRequest* request,
    hub::v1::CustomerValue* response) {
  absl::MutexLock lock(&mu_);
  Log(&log_, context, "GetCustomerValue", *request);
  value_requests_.push_back(*request);
  if (!failure_.ok()) return failure_;
  *response = value_;
  *response->mutable_period() = request->period();
  response->set_gross_margin(
      request->gross_margin() == 0 ? 0.75 : request->gross_margin());
  if (!request->dimension().empty()) {
    const std::string prefix = request->dimension() + "=";
    response->clear_segments();
    for (const auto& s : value_.segments()) {
      if (s.segment().rfind(prefix, 0) == 0) *response->add_segments() = s;
    }
  }
  return grpc::Status::OK;
}

FakeHub::FakeHub() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&profiles_);
  builder.RegisterService(&sync_);
  builder.RegisterService(&metrics_);
  server_ = builder.BuildAndStart();
  address_ = "127.0.0.1:" + std::to_string(port);
}

FakeHub::~FakeHub() { server_->Shutdown(); }

std::shared_ptr<grpc::Channel> FakeHub::NewChannel() const {
  return grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
}

void FakeHub::SetServing(bool serving) {
  server_->GetHealthCheckService()->SetServingStatus(serving);
}

}  // namespace hubctl::testing
