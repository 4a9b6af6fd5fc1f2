#include "tests/hubctl/fake_hub.h"

#include <grpcpp/health_check_service_interface.h>

#include <utility>

#include "absl/strings/numbers.h"

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

void FakeSyncService::SetJobScript(std::vector<hub::v1::SyncJob> jobs) {
  absl::MutexLock lock(&mu_);
  script_ = std::move(jobs);
  next_ = 0;
}

CallLog FakeSyncService::log() const {
  absl::MutexLock lock(&mu_);
  return log_;
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

FakeHub::FakeHub() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&profiles_);
  builder.RegisterService(&sync_);
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
