#include "tools/hubctl/cli.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/hubctl/command_context.h"
#include "tools/hubctl/consent_commands.h"
#include "tools/hubctl/exit_codes.h"
#include "tools/hubctl/governance_commands.h"
#include "tools/hubctl/retention_commands.h"
#include "tools/hubctl/health_command.h"
#include "tools/hubctl/metrics_commands.h"
#include "tools/hubctl/profile_commands.h"
#include "tools/hubctl/sync_commands.h"

namespace hubctl {
namespace {

constexpr int kMaxResponseBytes = 64 << 20;

// A request id for a steward command given none: "hubctl-" and 64 random
// bits, printed with the command's error so that it can be retried.
std::string NewRequestId() {
  std::random_device random;
  const uint64_t bits = (uint64_t{random()} << 32) ^ random();
  return absl::StrFormat("hubctl-%016x", bits);
}

using Action = std::function<int(const CommandContext&)>;

absl::StatusOr<std::string> ReadPem(const std::string& path, absl::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (!(in && text << in.rdbuf())) {
    return absl::NotFoundError(absl::StrCat(flag, ": cannot read ", path));
  }
  return text.str();
}

// Accepts a finite number of seconds in (0, 1e7]: "inf" or "nan" would
// overflow the deadline arithmetic.
CLI::Validator PositiveSeconds() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        double seconds = 0;
        if (absl::SimpleAtod(text, &seconds) && seconds > 0 && seconds <= 1e7) {
          return "";
        }
        return "want a number of seconds in (0, 10000000], got " + text;
      },
      "SECONDS");
}

// The parsed command line. Each leaf command's callback records the action
// to run once parsing (including global flags after the command) is done.
class Cli {
 public:
  Cli();
  int Run(const std::vector<std::string>& args, const CliEnvironment& env);

 private:
  void AddGlobalFlags();
  void AddProfiles();
  void AddAccounts();
  void AddIdentity();
  void AddMerges();
  void AddSources();
  void AddSync();
  void AddStages();
  void AddMetrics();
  void AddMetricsStage(CLI::App* group);
  void AddMetricsValue(CLI::App* group);
  void AddPeriodFlags(CLI::App* command, std::string* from, std::string* to);
  void AddHealth();
  void AddAudit();
  void AddQuarantine();
  void AddErase();
  void AddConsent();
  void AddRetention();
  void AddListFlags(CLI::App* command);
  void AddFilterFlags(CLI::App* command);
  void AddStewardFlags(CLI::App* command);
  void OnRun(CLI::App* command, Action action);
  int Lookup(const CommandContext& ctx) const;
  int MissingCommand(const CliEnvironment& env) const;

  CLI::App app_{"hubctl: the admin CLI of Hub, a customer-data hub.", "hubctl"};
  Action action_;
  // The command chosen, and those that send a reason and request id.
  const CLI::App* command_ = nullptr;
  std::vector<const CLI::App*> steward_commands_;
  // Global flags.
  std::string server_ = "127.0.0.1:50051";
  std::string token_;
  TlsOptions tls_;
  std::string output_ = "table";
  double timeout_seconds_ = 30;
  // Command arguments; one command runs per process, so they are shared.
  std::string name_, other_;
  int64_t entry_ = 0;
  std::string type_flag_, value_flag_, type_arg_, value_arg_;
  std::string kind_, path_, service_;
  bool all_states_ = false;
  ListOptions list_;
  SyncRunOptions sync_;
  SourceFlags source_;
  std::string as_of_;
  FunnelFlags funnel_;
  int window_days_ = 0;  // copied into funnel_ only when --window is given
  StageMetricsFlags stage_metrics_;
  CustomerValueFlags value_;
  double margin_ = 0;  // copied into value_ only when --margin is given
  std::string reason_, request_id_;
  std::string record_file_;
  bool yes_ = false;
  ConsentTarget consent_;
  std::string purpose_, state_;
};

Cli::Cli() {
  app_.fallthrough();
  // Commands are optional to CLI11 so that an unknown word is reported as
  // such; Run() reports a missing command with the help of its group.
  app_.require_subcommand(0, 1);
  app_.failure_message([](const CLI::App*, const CLI::Error& e) {
    return std::string("hubctl: ") + e.what() +
           "\nRun with --help for more information.\n";
  });
  AddGlobalFlags();
  AddProfiles();
  AddAccounts();
  AddIdentity();
  AddMerges();
  AddSources();
  AddSync();
  AddStages();
  AddMetrics();
  AddHealth();
  AddAudit();
  AddQuarantine();
  AddErase();
  AddConsent();
  AddRetention();
  app_.footer(std::string("Environment: HUB_SERVER (--server), HUB_TOKEN "
                          "(--token), HUB_CA_FILE (--ca-file), HUB_CERT (--cert), "
                          "HUB_KEY (--key).\n\n") +
              ExitCodeHelp());
}

void Cli::AddGlobalFlags() {
  app_.add_option("--server", server_, "Hub server address host:port")
      ->envname("HUB_SERVER")
      ->capture_default_str();
  app_.add_option("--token", token_,
                  "Bearer token, sent as 'authorization: Bearer T'")
      ->envname("HUB_TOKEN");
  app_.add_flag("--tls", tls_.tls,
                "Use TLS, verifying the server with the system's CAs");
  app_.add_option("--ca-file", tls_.ca_file,
                  "Use TLS, verifying the server with these PEM CAs")
      ->envname("HUB_CA_FILE");
  app_.add_option("--cert", tls_.cert_file,
                  "Client certificate (PEM) for mutual TLS; needs --key")
      ->envname("HUB_CERT");
  app_.add_option("--key", tls_.key_file, "Private key (PEM) of --cert")
      ->envname("HUB_KEY");
  app_.add_option("-o,--output", output_, "Output format: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  app_.add_option("--timeout", timeout_seconds_,
                  "Deadline of each RPC, seconds (erase, purge and audit verify: 600 "
                  "unless given)")
      ->check(PositiveSeconds())
      ->capture_default_str();
}

void Cli::OnRun(CLI::App* command, Action action) {
  command->callback([this, command, action = std::move(action)] {
    action_ = action;
    command_ = command;
  });
}

void Cli::AddStewardFlags(CLI::App* command) {
  command->add_option("--reason", reason_, "Why, for the audit log");
  command->add_option("--request-id", request_id_,
                      "Your id for this request, for the audit log; the hub applies a "
                      "request id at most once, so a retry is safe (default: a new one)");
  steward_commands_.push_back(command);
}

void Cli::AddFilterFlags(CLI::App* command) {
  command->add_option("--filter", list_.filter,
                      "e.g. 'stage = CONVERT AND traits.country = \"DE\"' (docs/api.md)");
  command->add_option("--order-by", list_.order_by,
                      "name (default) or update_time, optionally followed by \" desc\"");
}

void Cli::AddListFlags(CLI::App* command) {
  command
      ->add_option("--page-size", list_.page_size,
                   "Items per page (0: server default)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--page-token", list_.page_token,
                      "Token of the page to start at");
  command->add_flag("--all", list_.all, "Fetch every page");
}

void Cli::AddProfiles() {
  CLI::App* group = app_.add_subcommand("profiles", "Unified person profiles");
  CLI::App* get = group->add_subcommand("get", "Show one unified profile");
  get->add_option("NAME_OR_ID", name_, "profiles/{id} or {id}")->required();
  OnRun(get, [this](const auto& ctx) { return ProfilesGet(ctx, name_); });

  CLI::App* lookup =
      group->add_subcommand("lookup", "Find the profile holding an identifier");
  lookup->add_option("TYPE", type_arg_, "Identifier type, e.g. email");
  lookup->add_option("VALUE", value_arg_, "Identifier value");
  lookup->add_option("--type", type_flag_, "Identifier type (or TYPE)");
  lookup->add_option("--value", value_flag_, "Identifier value (or VALUE)");
  OnRun(lookup, [this](const auto& ctx) { return Lookup(ctx); });

  CLI::App* list = group->add_subcommand("list", "List profiles by id, or filtered and ordered");
  AddListFlags(list);
  AddFilterFlags(list);
  OnRun(list, [this](const auto& ctx) { return ProfilesList(ctx, list_); });

  CLI::App* events =
      group->add_subcommand("events", "List a profile's events, newest first");
  events->add_option("NAME_OR_ID", name_, "profiles/{id} or {id}")->required();
  AddListFlags(events);
  OnRun(events,
        [this](const auto& ctx) { return ProfilesEvents(ctx, name_, list_); });

  CLI::App* merge = group->add_subcommand(
      "merge", "Merge two profiles; the older survives (steward)");
  merge->add_option("ID", name_, "profiles/{id} or {id}")->required();
  merge->add_option("OTHER_ID", other_, "profiles/{id} or {id}")->required();
  AddStewardFlags(merge);
  OnRun(merge, [this](const auto& ctx) { return ProfilesMerge(ctx, name_, other_); });

  CLI::App* unmerge = group->add_subcommand(
      "unmerge", "Undo one merge of a profile, named by its ledger entry");
  unmerge->add_option("ID", name_, "profiles/{id} or {id}")->required();
  unmerge->add_option("--entry", entry_, "Ledger entry (SEQ in `profiles merges`)")
      ->required()
      ->check(CLI::PositiveNumber);
  AddStewardFlags(unmerge);
  OnRun(unmerge,
        [this](const auto& ctx) { return ProfilesUnmerge(ctx, name_, entry_); });

  CLI::App* merges = group->add_subcommand(
      "merges", "List a profile's merge ledger entries, newest first");
  merges->add_option("ID", name_, "profiles/{id} or {id}")->required();
  AddListFlags(merges);
  OnRun(merges, [this](const auto& ctx) { return ProfilesMerges(ctx, name_, list_); });

  CLI::App* apart = group->add_subcommand(
      "do-not-link", "Keep two profiles apart: resolution will not merge them");
  apart->add_option("ID", name_, "profiles/{id} or {id}")->required();
  apart->add_option("OTHER_ID", other_, "profiles/{id} or {id}")->required();
  AddStewardFlags(apart);
  OnRun(apart, [this](const auto& ctx) { return ProfilesDoNotLink(ctx, name_, other_); });
}

// The flags --type and --value take precedence; positionals fill whichever
// of the two is missing, in order (`lookup --type email a@x.example` works).
int Cli::Lookup(const CommandContext& ctx) const {
  std::vector<std::string> positionals;
  for (const std::string* arg : {&type_arg_, &value_arg_}) {
    if (!arg->empty()) positionals.push_back(*arg);
  }
  std::string type = type_flag_, value = value_flag_;
  auto next = positionals.begin();
  if (type.empty() && next != positionals.end()) type = *next++;
  if (value.empty() && next != positionals.end()) value = *next++;
  if (next != positionals.end() || type.empty() || value.empty()) {
    return ReportUsageError(
        ctx, absl::InvalidArgumentError(
                 "profiles lookup needs one identifier: TYPE VALUE or "
                 "--type TYPE --value VALUE"));
  }
  return ProfilesLookup(ctx, type, value);
}

void Cli::AddAccounts() {
  CLI::App* group = app_.add_subcommand("accounts", "Unified accounts");
  CLI::App* get = group->add_subcommand("get", "Show one account");
  get->add_option("ID", name_, "accounts/{id} or {id}")->required();
  OnRun(get, [this](const auto& ctx) { return AccountsGet(ctx, name_); });
  CLI::App* list = group->add_subcommand("list", "List accounts by id, or filtered and ordered");
  AddListFlags(list);
  AddFilterFlags(list);
  OnRun(list, [this](const auto& ctx) { return AccountsList(ctx, list_); });
  CLI::App* members =
      group->add_subcommand("members", "List the persons of an account");
  members->add_option("ID", name_, "accounts/{id} or {id}")->required();
  AddListFlags(members);
  OnRun(members, [this](const auto& ctx) { return AccountsMembers(ctx, name_, list_); });
}

void Cli::AddMerges() {
  CLI::App* group = app_.add_subcommand(
      "merges", "Merges the probabilistic matcher suggests for review");
  CLI::App* list = group->add_subcommand("list", "List suggestions, oldest first");
  list->add_option("--state", kind_, "pending (default), accepted or rejected");
  list->add_flag("--any-state", all_states_, "Every suggestion, whatever its state");
  AddListFlags(list);
  OnRun(list, [this](const auto& ctx) {
    return MergesList(ctx, kind_.empty() ? "pending" : kind_, all_states_, list_);
  });
  CLI::App* accept = group->add_subcommand("accept", "Merge the suggested pair");
  accept->add_option("ID", name_, "mergeSuggestions/{id} or {id}")->required();
  AddStewardFlags(accept);
  OnRun(accept, [this](const auto& ctx) { return MergesDecide(ctx, name_, true); });
  CLI::App* reject = group->add_subcommand(
      "reject", "Keep the suggested pair apart (do-not-link)");
  reject->add_option("ID", name_, "mergeSuggestions/{id} or {id}")->required();
  AddStewardFlags(reject);
  OnRun(reject, [this](const auto& ctx) { return MergesDecide(ctx, name_, false); });
}

void Cli::AddIdentity() {
  CLI::App* group = app_.add_subcommand("identity", "Identity resolution");
  CLI::App* report = group->add_subcommand(
      "report", "List identity links the guard refused, oldest first");
  AddListFlags(report);
  OnRun(report, [this](const auto& ctx) { return IdentityReport(ctx, list_); });
}

void Cli::AddSources() {
  CLI::App* group = app_.add_subcommand("sources", "Configured sources");
  CLI::App* create = group->add_subcommand("create", "Create a source");
  create->add_option("ID", name_, "New source id, [a-z0-9-]{1,63}")->required();
  create->add_option("--kind", kind_, "Adapter kind, e.g. salesforce")
      ->required();
  create->add_option("--path", path_, "Export folder (file adapters)");
  create->add_option("--base-url", source_.base_url, "API root (API adapters)");
  create->add_option("--auth-email", source_.auth_email,
                     "zendesk_api: agent email for API-token auth");
  create->add_option("--token-env", source_.token_env,
                     "Environment variable of hubd holding the API token");
  create->add_option("--token-file", source_.token_file,
                     "File readable by hubd holding the API token");
  create->add_option("--ca-file", source_.ca_file, "PEM CA certificates to verify the API with");
  create->add_option("--export-mode", source_.export_mode, "zendesk_api: cursor or time");
  create->add_option("--auth-scheme", source_.auth_scheme, "mailchimp_api: basic or bearer");
  create->add_option("--list-id", source_.list_ids,
                     "mailchimp_api: an audience to read (repeatable; default: all)");
  create->add_option("--sync-interval", source_.sync_interval,
                     "Sync every interval, e.g. 15m (default: on demand only)");
  create->add_option("--sync-timeout", source_.sync_timeout,
                     "API adapters: a run's time limit, e.g. 30m");
  create->add_option("--max-requests", source_.max_requests,
                     "API adapters: a run's request budget (default 10000)");
  OnRun(create, [this](const auto& ctx) {
    source_.kind = kind_;
    source_.path = path_;
    return SourcesCreate(ctx, name_, source_);
  });
  CLI::App* list = group->add_subcommand("list", "List sources");
  OnRun(list, [](const auto& ctx) { return SourcesList(ctx); });
  CLI::App* get = group->add_subcommand("get", "Show one source");
  get->add_option("ID", name_, "sources/{id} or {id}")->required();
  OnRun(get, [this](const auto& ctx) { return SourcesGet(ctx, name_); });
}

void Cli::AddSync() {
  CLI::App* group = app_.add_subcommand("sync", "Sync jobs");
  CLI::App* run = group->add_subcommand("run", "Start a sync of a source");
  run->add_option("SOURCE_ID", name_, "sources/{id} or {id}")->required();
  run->add_flag("--full", sync_.full, "Ignore the saved cursor; read all");
  run->add_flag("--wait", sync_.wait,
                "Wait for the job to end, showing progress on stderr");
  OnRun(run, [this](const auto& ctx) { return SyncRun(ctx, name_, sync_); });
  CLI::App* status = group->add_subcommand("status", "Show one sync job");
  status->add_option("JOB_NAME", name_, "sources/{id}/syncJobs/{n}")
      ->required();
  OnRun(status, [this](const auto& ctx) { return SyncStatus(ctx, name_); });
  CLI::App* cancel = group->add_subcommand(
      "cancel", "Cancel a running sync job after its current page");
  cancel->add_option("JOB_NAME", name_, "sources/{id}/syncJobs/{n}")
      ->required();
  cancel->add_flag("--wait", sync_.wait, "Wait for the job to end");
  OnRun(cancel, [this](const auto& ctx) {
    return SyncCancel(ctx, name_, sync_.wait);
  });
  CLI::App* list = group->add_subcommand("list", "List a source's jobs");
  list->add_option("SOURCE_ID", name_, "sources/{id} or {id}")->required();
  OnRun(list, [this](const auto& ctx) { return SyncList(ctx, name_); });
}

void Cli::AddStages() {
  CLI::App* stages = app_.add_subcommand(
      "stages", "Show the lifecycle stage history of a person or account");
  stages->add_option("NAME", name_, "profiles/{id} or accounts/{id}")
      ->required();
  stages
      ->add_option("--as-of", as_of_,
                   "The stage as of this time: RFC 3339, or YYYY-MM-DD for "
                   "00:00 UTC that day (default: now)")
      ->type_name("TIME");
  OnRun(stages, [this](const auto& ctx) { return Stages(ctx, name_, as_of_); });
}

void Cli::AddMetrics() {
  CLI::App* group = app_.add_subcommand("metrics", "Lifecycle metrics");
  CLI::App* funnel = group->add_subcommand(
      "funnel",
      "Entries, conversion to a higher stage and median days per lifecycle "
      "stage over [--from, --to)");
  AddPeriodFlags(funnel, &funnel_.from, &funnel_.to);
  funnel
      ->add_option("--segment", funnel_.segment,
                   "Only profiles whose account has industry=VALUE, "
                   "tier=VALUE, region=VALUE or source=VALUE (a person's "
                   "current account)")
      ->type_name("KEY=VALUE");
  funnel->add_flag("--accounts", funnel_.accounts,
                   "The accounts' funnel (default: persons)");
  CLI::Option* window =
      funnel
          ->add_option("--window", window_days_,
                       "Days after entering a stage within which a higher "
                       "one counts as converted, 1..365 (default: 90)")
          ->type_name("DAYS");
  funnel
      ->add_option("--svg", funnel_.svg_path,
                   "Also write the funnel as an SVG chart to FILE")
      ->type_name("FILE");
  OnRun(funnel, [this, window](const auto& ctx) {
    FunnelFlags flags = funnel_;
    if (window->count() > 0) flags.window_days = window_days_;
    return MetricsFunnel(ctx, flags);
  });
  AddMetricsStage(group);
  AddMetricsValue(group);
}

void Cli::AddPeriodFlags(CLI::App* command, std::string* from,
                         std::string* to) {
  command
      ->add_option("--from", *from,
                   "First day: YYYY-MM-DD (00:00 UTC) or an RFC 3339 time on "
                   "a UTC midnight")
      ->type_name("DATE")
      ->required();
  command
      ->add_option("--to", *to,
                   "End day, EXCLUSIVE (as --from): --from 2024-03-01 --to "
                   "2024-04-01 is March")
      ->type_name("DATE")
      ->required();
}

void Cli::AddMetricsStage(CLI::App* group) {
  CLI::App* stage = group->add_subcommand(
      "stage",
      "Activity and outcome metrics of each lifecycle stage over [--from, "
      "--to)");
  AddPeriodFlags(stage, &stage_metrics_.from, &stage_metrics_.to);
  stage
      ->add_option("--segment", stage_metrics_.segment,
                   "Only records whose account has industry=VALUE, "
                   "tier=VALUE, region=VALUE or source=VALUE (a person's "
                   "current account)")
      ->type_name("KEY=VALUE");
  stage
      ->add_option("--stage", stage_metrics_.stage,
                   "Only this stage's metrics: ATTRACT, CAPTURE, NURTURE, "
                   "CONVERT or EXPAND (default: all)")
      ->type_name("STAGE");
  OnRun(stage,
        [this](const auto& ctx) { return MetricsStage(ctx, stage_metrics_); });
}

void Cli::AddMetricsValue(CLI::App* group) {
  CLI::App* value = group->add_subcommand(
      "value",
      "Customer lifetime value over [--from, --to), overall and per segment, "
      "ranked");
  AddPeriodFlags(value, &value_.from, &value_.to);
  value
      ->add_option("--dimension", value_.dimension,
                   "Segments of one account dimension: industry, tier, "
                   "region or source (default: all four)")
      ->type_name("DIM");
  CLI::Option* margin =
      value
          ->add_option("--margin", margin_,
                       "Gross margin in (0, 1] (default: 0.75)")
          ->type_name("FRACTION");
  OnRun(value, [this, margin](const auto& ctx) {
    CustomerValueFlags flags = value_;
    if (margin->count() > 0) flags.margin = margin_;
    return MetricsValue(ctx, flags);
  });
}

void Cli::AddHealth() {
  CLI::App* health = app_.add_subcommand(
      "health", "Check server health (exit 0 only if SERVING)");
  health->add_option("--service", service_,
                     "Service to check; empty for the whole server");
  OnRun(health, [this](const auto& ctx) { return Health(ctx, service_); });
}

void Cli::AddAudit() {
  CLI::App* group = app_.add_subcommand(
      "audit", "The append-only, hash-chained audit log (admin, steward)");
  CLI::App* list = group->add_subcommand("list", "List audit entries, oldest first");
  AddListFlags(list);
  OnRun(list, [this](const auto& ctx) { return AuditList(ctx, list_); });
  CLI::App* verify = group->add_subcommand(
      "verify", "Recompute the hash chain; exit 1 naming the first bad entry");
  OnRun(verify, [](const auto& ctx) { return AuditVerify(ctx); });
  CLI::App* export_ = group->add_subcommand(
      "export", "Write every entry as one JSON object per line");
  OnRun(export_, [](const auto& ctx) { return AuditExport(ctx); });
}

void Cli::AddQuarantine() {
  CLI::App* group = app_.add_subcommand(
      "quarantine", "Records validation refused, with the reason (admin, steward)");
  CLI::App* list = group->add_subcommand("list", "List quarantined records, oldest first");
  AddListFlags(list);
  OnRun(list, [this](const auto& ctx) { return QuarantineList(ctx, list_); });
  CLI::App* release = group->add_subcommand(
      "release", "Ingest a quarantined record again (after a rule change, or corrected)");
  release->add_option("NAME_OR_ID", name_, "quarantine/{id} or {id}")->required();
  release->add_option("--record", record_file_,
                      "The corrected record: a JSON file (hub.v1.SourceRecord)");
  AddStewardFlags(release);
  OnRun(release,
        [this](const auto& ctx) { return QuarantineRelease(ctx, name_, record_file_); });
  CLI::App* discard = group->add_subcommand(
      "discard", "Remove a quarantined record for good (previews unless --yes)");
  discard->add_option("NAME_OR_ID", name_, "quarantine/{id} or {id}")->required();
  discard->add_flag("--yes", yes_, "Remove it; without this, only show what would go");
  AddStewardFlags(discard);
  discard->get_option("--reason")->required();
  OnRun(discard, [this](const auto& ctx) { return QuarantineDiscard(ctx, name_, yes_); });
}

void Cli::AddErase() {
  CLI::App* erase = app_.add_subcommand(
      "erase",
      "Erase a person found by an identifier, and suppress its identifiers (previews unless "
      "--yes)");
  erase->add_option("--type", type_flag_, "Identifier type, e.g. email")->required();
  erase->add_option("--value", value_flag_, "Identifier value")->required();
  erase->add_flag("--yes", yes_, "Erase; without this, only show what would go");
  AddStewardFlags(erase);
  OnRun(erase, [this](const auto& ctx) { return Erase(ctx, type_flag_, value_flag_, yes_); });

  CLI::App* exported = app_.add_subcommand(
      "export", "Everything held about a person, found by an identifier, as JSON (audited)");
  exported->add_option("--type", type_flag_, "Identifier type, e.g. email")->required();
  exported->add_option("--value", value_flag_, "Identifier value")->required();
  AddStewardFlags(exported);
  OnRun(exported, [this](const auto& ctx) { return Export(ctx, type_flag_, value_flag_); });
}

void Cli::AddConsent() {
  CLI::App* group = app_.add_subcommand(
      "consent", "A profile's consent per purpose (get: admin, steward, service; set: steward)");
  group->require_subcommand(0, 1);
  auto add_target = [this](CLI::App* command) {
    command->add_option("PROFILE", consent_.name, "profiles/{id} or {id}");
    command->add_option("--email", consent_.email, "Find the profile by this email");
    command->add_option("--identifier", consent_.identifier,
                        "Find the profile by this identifier, type:value");
  };
  CLI::App* get = group->add_subcommand("get", "Purpose, state, source and time of each");
  add_target(get);
  OnRun(get, [this](const auto& ctx) { return ConsentGet(ctx, consent_); });
  CLI::App* set = group->add_subcommand("set", "Record a consent signal (source \"api\")");
  add_target(set);
  set->add_option("--purpose", purpose_, "e.g. email_marketing")->required();
  set->add_option("--state", state_, "GRANTED, DENIED or REVOKED")->required();
  AddStewardFlags(set);
  set->get_option("--reason")->required();
  OnRun(set, [this](const auto& ctx) { return ConsentSet(ctx, consent_, purpose_, state_); });
}

void Cli::AddRetention() {
  CLI::App* group = app_.add_subcommand(
      "retention", "Purge what the retention policy says expired; legal holds (admin, steward)");
  CLI::App* purge = group->add_subcommand(
      "purge", "Purge expired raw payloads, events, quarantined records and audit entries "
               "(previews unless --yes)");
  purge->add_flag("--yes", yes_, "Purge; without this, only show what would go");
  AddStewardFlags(purge);
  purge->get_option("--reason")->required();
  OnRun(purge, [this](const auto& ctx) { return RetentionPurge(ctx, yes_); });

  CLI::App* hold = group->add_subcommand("hold", "Legal holds: kept from purges and erasure");
  CLI::App* place = hold->add_subcommand(
      "place", "Hold a person, by profile or by an identifier (--type, --value)");
  place->add_option("PROFILE", name_, "profiles/{id} or {id}");
  place->add_option("--type", type_flag_, "Identifier type, e.g. email");
  place->add_option("--value", value_flag_, "Identifier value");
  AddStewardFlags(place);
  place->get_option("--reason")->required();
  OnRun(place, [this](const auto& ctx) {
    return RetentionHoldPlace(ctx, name_, type_flag_, value_flag_);
  });
  CLI::App* release = hold->add_subcommand("release", "Release a legal hold");
  release->add_option("NAME_OR_ID", name_, "legalHolds/{id} or {id}")->required();
  AddStewardFlags(release);
  release->get_option("--reason")->required();
  OnRun(release, [this](const auto& ctx) { return RetentionHoldRelease(ctx, name_); });
  CLI::App* list = hold->add_subcommand("list", "List the legal holds in force");
  OnRun(list, [](const auto& ctx) { return RetentionHoldList(ctx); });
}

int Cli::Run(const std::vector<std::string>& args, const CliEnvironment& env) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app_.parse(reversed);
  } catch (const CLI::ParseError& e) {
    const int rc = app_.exit(e, *env.out, *env.err);
    return rc == static_cast<int>(CLI::ExitCodes::Success) ? kExitOk
                                                           : kExitUsage;
  }
  if (!action_) return MissingCommand(env);
  CommandContext ctx;
  ctx.server = server_;
  if (env.make_channel) {
    ctx.channel = env.make_channel(server_);
  } else {
    absl::StatusOr<std::shared_ptr<grpc::ChannelInterface>> channel =
        DefaultChannel(server_, tls_);
    if (!channel.ok()) {
      *env.err << "hubctl: " << channel.status().message() << "\n";
      return kExitUsage;
    }
    ctx.channel = *std::move(channel);
  }
  ctx.token = token_;
  ctx.timeout = absl::Seconds(timeout_seconds_);
  if (app_.get_option("--timeout")->count() > 0) ctx.long_timeout = ctx.timeout;
  ctx.output = output_ == "json" ? OutputFormat::kJson : OutputFormat::kTable;
  ctx.out = env.out;
  ctx.err = env.err;
  ctx.err_is_tty = env.err_is_tty;
  ctx.err_columns = env.err_columns;
  ctx.poll_interval = env.poll_interval;
  ctx.reason = reason_;
  ctx.request_id = request_id_;
  if (ctx.request_id.empty() &&
      std::find(steward_commands_.begin(), steward_commands_.end(), command_) !=
          steward_commands_.end()) {
    ctx.request_id = NewRequestId();
  }
  return action_(ctx);
}

int Cli::MissingCommand(const CliEnvironment& env) const {
  const CLI::App* command = &app_;
  std::string parents;  // "hubctl profiles" for "profiles get"
  while (!command->get_subcommands().empty()) {
    parents += (parents.empty() ? "" : " ") + command->get_name();
    command = command->get_subcommands().front();
  }
  *env.err << "hubctl: a command is required\n" << command->help(parents);
  return kExitUsage;
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ChannelInterface>> DefaultChannel(
    const std::string& server, const TlsOptions& tls) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxResponseBytes);
  if (!tls.tls && tls.ca_file.empty() && tls.cert_file.empty() && tls.key_file.empty()) {
    return grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), args);
  }
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    return absl::InvalidArgumentError("--cert and --key go together");
  }
  grpc::SslCredentialsOptions options;
  if (!tls.ca_file.empty()) {
    absl::StatusOr<std::string> roots = ReadPem(tls.ca_file, "--ca-file");
    if (!roots.ok()) return roots.status();
    options.pem_root_certs = *std::move(roots);
  }
  if (!tls.cert_file.empty()) {
    absl::StatusOr<std::string> cert = ReadPem(tls.cert_file, "--cert");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadPem(tls.key_file, "--key");
    if (!key.ok()) return key.status();
    options.pem_cert_chain = *std::move(cert);
    options.pem_private_key = *std::move(key);
  }
  return grpc::CreateCustomChannel(server, grpc::SslCredentials(options), args);
}

int RunCli(const std::vector<std::string>& args, const CliEnvironment& env) {
  Cli cli;
  return cli.Run(args, env);
}

}  // namespace hubctl
