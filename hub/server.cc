#include "hub/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "adapters/adapter_registry.h"
#include "grpc/health/v1/health.pb.h"
#include "adapters/sync_runner.h"
#include "adapters/sync_scheduler.h"
#include "hub/auth.h"
#include "hub/config.h"
#include "hub/policy_audit.h"
#include "hub/log.h"
#include "hub/governance_service.h"
#include "hub/masking.h"
#include "hub/read_auditor.h"
#include "hub/metrics_service.h"
#include "hub/profile_service.h"
#include "hub/retention_schedule.h"
#include "hub/rpc_telemetry.h"
#include "hub/store_health.h"
#include "hub/sync_service.h"
#include "hub/telemetry.h"
#include "profile/base/status_macros.h"
#include "profile/ingest/ingester.h"
#include "profile/store/sqlite_store.h"

namespace hub {
namespace {

// Returns the accepted tokens: the configured ones, else the stored ones,
// else a newly generated admin token (stored hashed, printed once).
absl::StatusOr<std::vector<TokenRecord>> LoadTokens(
    const hub::v1::HubConfig& config, Store* store, std::ostream* out) {
  std::vector<TokenRecord> tokens;
  for (const hub::v1::TokenConfig& t : config.tokens()) {
    tokens.push_back(TokenRecord{t.sha256(), t.principal(), t.role()});
  }
  if (!tokens.empty()) return tokens;
  HUB_ASSIGN_OR_RETURN(tokens, store->ListTokens());
  if (!tokens.empty()) return tokens;
  HUB_ASSIGN_OR_RETURN(std::string token, GenerateToken());
  TokenRecord record{Sha256Hex(token), "admin", "admin"};
  HUB_RETURN_IF_ERROR(store->AddToken(record));
  *out << "# New admin token, shown only this once (the database keeps its "
          "hash). Use it as HUB_TOKEN:\n"
       << "HUB_TOKEN=" << token << std::endl;
  return std::vector<TokenRecord>{record};
}

// The principal of each configured client certificate CN.
absl::flat_hash_map<std::string, Principal> CertPrincipals(const hub::v1::HubConfig& config) {
  absl::flat_hash_map<std::string, Principal> out;
  for (const hub::v1::ClientCertConfig& c : config.client_certs()) {
    out[c.common_name()] = Principal{c.principal(), c.role()};
  }
  return out;
}

absl::StatusOr<std::string> ReadPem(const std::string& path, absl::string_view field) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (!(in && text << in.rdbuf())) {
    return absl::NotFoundError(absl::StrCat("tls.", field, ": cannot read ", path));
  }
  return text.str();
}

// Plaintext without a tls block; else TLS with the configured certificate,
// requiring and verifying client certificates when a client CA is given.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ListenerCredentials(
    const hub::v1::TlsConfig& tls) {
  if (tls.cert_file().empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  HUB_ASSIGN_OR_RETURN(pair.cert_chain, ReadPem(tls.cert_file(), "cert_file"));
  HUB_ASSIGN_OR_RETURN(pair.private_key, ReadPem(tls.key_file(), "key_file"));
  options.pem_key_cert_pairs.push_back(std::move(pair));
  if (!tls.client_ca_file().empty()) {
    HUB_ASSIGN_OR_RETURN(options.pem_root_certs,
                         ReadPem(tls.client_ca_file(), "client_ca_file"));
    options.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

// The masker of `config`, its key the store's secret "masking_key" (made on
// first start).
absl::StatusOr<std::unique_ptr<Masker>> BuildMasker(const hub::v1::ClassificationConfig& config,
                                                    Store* store) {
  HUB_ASSIGN_OR_RETURN(Classification classes, Classification::FromConfig(config));
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> tx, store->BeginWrite());
  HUB_ASSIGN_OR_RETURN(std::string key, tx->SecretKey("masking_key"));
  HUB_RETURN_IF_ERROR(tx->Commit());
  return std::make_unique<Masker>(std::move(classes), std::move(key));
}

class ServerImpl : public Server {
 public:
  absl::Status Init(const ServerOptions& options) {
    const hub::v1::HubConfig& config = options.config;
    HUB_ASSIGN_OR_RETURN(store_, OpenSqliteStore(SqliteStoreOptions{config.db_path()}));
    HUB_ASSIGN_OR_RETURN(std::vector<TokenRecord> tokens,
                         LoadTokens(config, store_.get(), options.token_out));
    auth_ = std::make_unique<Authenticator>(tokens, CertPrincipals(config));
    HUB_ASSIGN_OR_RETURN(masker_, BuildMasker(config.classification(), store_.get()));
    ReadAuditOptions read_audit;
    if (config.classification().read_audit_interval_ms() > 0) {
      read_audit.interval = absl::Milliseconds(config.classification().read_audit_interval_ms());
    }
    reads_ = std::make_unique<ReadAuditor>(store_.get(), read_audit);
    RegisterBuiltinAdapters(&registry_);
    for (const hub::v1::Source& s : config.sources()) {
      HUB_RETURN_IF_ERROR(CreateConfiguredSource(s));
    }
    HUB_ASSIGN_OR_RETURN(IdentityPolicy policy,
                         BuildIdentityPolicy(config.identity()));
    HUB_ASSIGN_OR_RETURN(SurvivorshipPolicy survivorship,
                         BuildSurvivorshipPolicy(config.survivorship()));
    HUB_ASSIGN_OR_RETURN(std::optional<ProfileMatcher> matcher,
                         BuildProfileMatcher(config));
    HUB_ASSIGN_OR_RETURN(StageRules stage_rules, BuildStageRules(config.lifecycle()));
    HUB_ASSIGN_OR_RETURN(ConsentPolicy consent, BuildConsentPolicy(config.consent()));
    // The configuration is accepted: record what of its policy changed.
    HUB_RETURN_IF_ERROR(AuditPolicyChanges(store_.get(), config).status());
    ingester_ = std::make_unique<Ingester>(store_.get(), std::move(policy),
                                           ValidationLimits{}, survivorship,
                                           std::move(matcher));
    ingester_->set_stage_rules(stage_rules);
    ingester_->set_stage_window(config.lifecycle().stage_window() > 0
                                    ? config.lifecycle().stage_window()
                                    : kDefaultStageWindow);
    ledger_ = std::make_unique<MergeLedger>(store_.get(), survivorship, stage_rules);
    AdapterOptions adapter_options;
    adapter_options.page_size = config.max_batch_records();
    runner_ = std::make_unique<SyncRunner>(store_.get(), &registry_,
                                           ingester_.get(), adapter_options);
    ops_ = OpsWithDefaults(config.ops());
    HUB_ASSIGN_OR_RETURN(telemetry_, Telemetry::Create(ops_.admin_listen_address(), store_.get()));
    if (telemetry_->admin_port() != 0) {
      LogJson("info", "admin listening", {{"address", ops_.admin_listen_address()},
                                          {"port", absl::StrCat(telemetry_->admin_port())}});
    }
    runner_->set_job_observer(
        [t = telemetry_.get()](const hub::v1::SyncJob& job) { t->CountSyncJob(job); });
    HUB_RETURN_IF_ERROR(runner_->FailInterruptedJobs());
    scheduler_ = std::make_unique<SyncScheduler>(runner_.get());
    HUB_RETURN_IF_ERROR(ScheduleSources());
    profiles_ = std::make_unique<ProfileServiceImpl>(store_.get(), ledger_.get(),
                                                     auth_.get(), masker_.get(), reads_.get());
    profiles_->set_consent_policy(consent);
    syncs_ = std::make_unique<SyncServiceImpl>(store_.get(), &registry_,
                                               runner_.get(), auth_.get(),
                                               scheduler_.get());
    metrics_ = std::make_unique<MetricsServiceImpl>(
        store_.get(), auth_.get(), [this] { return ingester_->FlushStages(); },
        masker_.get());
    HUB_ASSIGN_OR_RETURN(RetentionPolicy retention, BuildRetentionPolicy(config.retention()));
    HUB_ASSIGN_OR_RETURN(absl::Duration purge_every, RetentionPurgeInterval(config.retention()));
    governance_ = std::make_unique<GovernanceServiceImpl>(store_.get(), ingester_.get(),
                                                          auth_.get(), retention);
    governance_->set_consent_policy(consent);
    if (purge_every > absl::ZeroDuration() && !retention.empty()) {
      retention_schedule_ = std::make_unique<RetentionSchedule>(store_.get(), ingester_.get(),
                                                                retention, purge_every);
      LogJson("info", "retention scheduled", {{"interval", absl::FormatDuration(purge_every)}});
    }
    HUB_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                         ListenerCredentials(config.tls()));
    HUB_RETURN_IF_ERROR(Listen(config.listen_address(), credentials, options.extra_services));
    StoreHealthOptions probe;
    probe.interval = absl::Milliseconds(ops_.store_probe_interval_ms());
    probe.timeout = absl::Milliseconds(ops_.store_probe_timeout_ms());
    health_ = std::make_unique<StoreHealth>(store_.get(), probe, [this](bool usable) {
      telemetry_->SetStoreUp(usable);
      server_->GetHealthCheckService()->SetServingStatus(usable);
    });
    return absl::OkStatus();
  }

  int port() const override { return port_; }

  void Wait() override {
    server_->Wait();
    stopped_.WaitForNotification();
  }

  void Shutdown() override {
    bool first = false;
    {
      absl::MutexLock lock(&mu_);
      first = !shutting_down_;
      shutting_down_ = true;
    }
    if (!first) {  // another caller is shutting down: wait until it is done
      stopped_.WaitForNotification();
      return;
    }
    LogJson("info", "shutting down");
    // The probe first: a recovery it saw must not turn health back on.
    if (health_ != nullptr) health_->Stop();
    server_->GetHealthCheckService()->SetServingStatus(false);
    scheduler_->Shutdown();  // no new scheduled jobs from here on
    profiles_->BeginShutdown();  // change streams end now, not at the deadline
    if (retention_schedule_ != nullptr) retention_schedule_->Shutdown();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    runner_->Shutdown();
    reads_->Stop();  // the last reads' audit, before the store closes
    telemetry_->StopAdmin();  // scrapes read the store
    LogJson("info", "stopped");
    stopped_.Notify();
  }

  ~ServerImpl() override {
    if (server_ != nullptr) Shutdown();
  }

 private:
  absl::Status CreateConfiguredSource(const hub::v1::Source& s) {
    std::string id(absl::StripPrefix(s.name(), "sources/"));
    if (store_->GetSource(id).ok()) return absl::OkStatus();
    absl::StatusOr<hub::v1::Source> created =
        CreateSourceChecked(store_.get(), registry_, id, s);
    if (!created.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("config sources \"", s.name(), "\": ", created.status().message()));
    }
    return absl::OkStatus();
  }

  // Schedules every stored source that has a sync_interval.
  absl::Status ScheduleSources() {
    HUB_ASSIGN_OR_RETURN(std::vector<hub::v1::Source> sources, store_->ListSources());
    for (const hub::v1::Source& s : sources) {
      HUB_ASSIGN_OR_RETURN(absl::Duration interval, SyncIntervalOf(s));
      if (interval <= absl::ZeroDuration()) continue;
      std::string id(absl::StripPrefix(s.name(), "sources/"));
      HUB_RETURN_IF_ERROR(scheduler_->Schedule(id, interval));
      LogJson("info", "scheduled", {{"source", s.name()},
                                    {"interval", absl::FormatDuration(interval)}});
    }
    return absl::OkStatus();
  }

  absl::Status Listen(const std::string& address,
                      std::shared_ptr<grpc::ServerCredentials> credentials,
                      const std::vector<grpc::Service*>& extra_services) {
    // Link grpc.health.v1's generated descriptors in, so that reflection can
    // describe the health service (gRPC's own implementation does not use them).
    grpc::health::v1::HealthCheckRequest::descriptor();
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    // Without this, gRPC sets SO_REUSEPORT and a second hubd on the same
    // port would start "successfully" and share the traffic.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.AddListeningPort(address, std::move(credentials), &port_);
    builder.SetMaxReceiveMessageSize(ops_.max_receive_message_bytes());
    builder.SetMaxSendMessageSize(ops_.max_send_message_bytes());
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, ops_.keepalive_time_ms());
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, ops_.keepalive_timeout_ms());
    // Idle change streams are normal: ping them too, and let clients ping
    // connections without calls, no faster than the configured interval.
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                               ops_.min_client_ping_interval_ms());
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> observers;
    observers.push_back(std::make_unique<RpcTelemetryFactory>(
        &telemetry_->registry(), auth_.get(),
        std::vector<std::string>{"hub.v1.ProfileService", "hub.v1.SyncService",
                                 "hub.v1.MetricsService", "hub.v1.GovernanceService",
                                 "grpc.health.v1.Health",
                                 "grpc.reflection.v1alpha.ServerReflection"},
        RpcTelemetryOptions{ops_.access_log()}));
    builder.experimental().SetInterceptorCreators(std::move(observers));
    builder.RegisterService(profiles_.get());
    builder.RegisterService(syncs_.get());
    builder.RegisterService(metrics_.get());
    builder.RegisterService(governance_.get());
    for (grpc::Service* service : extra_services) builder.RegisterService(service);
    server_ = builder.BuildAndStart();
    if (server_ == nullptr || port_ == 0) {
      return absl::UnavailableError(absl::StrCat("cannot listen on ", address));
    }
    grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
    health->SetServingStatus(true);
    health->SetServingStatus("hub.v1.ProfileService", true);
    health->SetServingStatus("hub.v1.SyncService", true);
    health->SetServingStatus("hub.v1.MetricsService", true);
    health->SetServingStatus("hub.v1.GovernanceService", true);
    return absl::OkStatus();
  }

  std::unique_ptr<Store> store_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<Masker> masker_;
  std::unique_ptr<ReadAuditor> reads_;
  AdapterRegistry registry_;
  std::unique_ptr<Ingester> ingester_;
  std::unique_ptr<MergeLedger> ledger_;
  std::unique_ptr<SyncRunner> runner_;
  std::unique_ptr<SyncScheduler> scheduler_;
  std::unique_ptr<ProfileServiceImpl> profiles_;
  std::unique_ptr<SyncServiceImpl> syncs_;
  std::unique_ptr<MetricsServiceImpl> metrics_;
  std::unique_ptr<GovernanceServiceImpl> governance_;
  std::unique_ptr<RetentionSchedule> retention_schedule_;  // null: no purge_interval
  hub::v1::OperationsConfig ops_;  // with defaults (OpsWithDefaults)
  std::unique_ptr<Telemetry> telemetry_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<StoreHealth> health_;  // reads server_'s health service
  int port_ = 0;
  absl::Mutex mu_;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  absl::Notification stopped_;  // Shutdown has finished
};

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::Create(
    const ServerOptions& options) {
  auto server = std::make_unique<ServerImpl>();
  HUB_RETURN_IF_ERROR(server->Init(options));
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace hub
