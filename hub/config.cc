#include "hub/config.h"

#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "hub/masking.h"
#include "hub/permissions.h"
#include "profile/base/status_macros.h"
#include "profile/base/text_proto.h"
#include "profile/identity/identifier.h"

namespace hub {
namespace {

std::optional<SurvivorshipRule> RuleOf(int rule) {
  switch (rule) {
    case hub::v1::SOURCE_PRIORITY:
      return SurvivorshipRule::kSourcePriority;
    case hub::v1::MOST_RECENT:
      return SurvivorshipRule::kMostRecent;
    case hub::v1::MOST_FREQUENT:
      return SurvivorshipRule::kMostFrequent;
    case hub::v1::FIRST_SEEN:
      return SurvivorshipRule::kFirstSeen;
    case hub::v1::NON_EMPTY:
      return SurvivorshipRule::kNonEmpty;
    default:
      return std::nullopt;
  }
}

absl::Status UnknownRule(const std::string& field, int rule) {
  return absl::InvalidArgumentError(absl::StrCat(
      field, ": unknown rule ", rule, "; use SOURCE_PRIORITY, MOST_RECENT, "
      "MOST_FREQUENT, FIRST_SEEN or NON_EMPTY"));
}

// Checks an ordered source list: no empty or repeated names.
absl::Status CheckSources(const google::protobuf::RepeatedPtrField<std::string>& sources,
                          const std::string& field) {
  std::set<std::string> seen;
  for (int i = 0; i < sources.size(); ++i) {
    if (sources[i].empty()) {
      return absl::InvalidArgumentError(absl::StrCat(field, "[", i, "]: empty source name"));
    }
    if (!seen.insert(sources[i]).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, "[", i, "]: \"", sources[i], "\" is listed twice"));
    }
  }
  return absl::OkStatus();
}

// The rule of traits[i], its sources falling back to source_trust.
absl::StatusOr<TraitRule> TraitRuleOf(const hub::v1::SurvivorshipConfig& config, int i) {
  const hub::v1::TraitSurvivorship& t = config.traits(i);
  std::string field = absl::StrCat("survivorship.traits[", i, "]");
  if (t.rule() == hub::v1::SURVIVORSHIP_RULE_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".rule: required (SOURCE_PRIORITY, MOST_RECENT, MOST_FREQUENT, "
        "FIRST_SEEN or NON_EMPTY)"));
  }
  std::optional<SurvivorshipRule> rule = RuleOf(t.rule());
  if (!rule) return UnknownRule(field + ".rule", t.rule());
  absl::Status sources = CheckSources(t.sources(), field + ".sources");
  if (!sources.ok()) return sources;
  if (*rule != SurvivorshipRule::kSourcePriority && !t.sources().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".sources: only SOURCE_PRIORITY takes sources"));
  }
  TraitRule out{*rule, {t.sources().begin(), t.sources().end()}};
  if (*rule == SurvivorshipRule::kSourcePriority && out.sources.empty()) {
    if (config.source_trust().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".sources: SOURCE_PRIORITY needs an ordered source list "
          "(here or in survivorship.source_trust)"));
    }
    out.sources.assign(config.source_trust().begin(), config.source_trust().end());
  }
  return out;
}

// The default rule: unset means source_priority over source_trust, which is
// most_recent when no source is trusted more than another.
absl::StatusOr<TraitRule> DefaultRuleOf(const hub::v1::SurvivorshipConfig& config) {
  std::vector<std::string> trust(config.source_trust().begin(),
                                 config.source_trust().end());
  if (config.default_rule() == hub::v1::SURVIVORSHIP_RULE_UNSPECIFIED) {
    if (trust.empty()) return TraitRule{SurvivorshipRule::kMostRecent, {}};
    return TraitRule{SurvivorshipRule::kSourcePriority, std::move(trust)};
  }
  std::optional<SurvivorshipRule> rule = RuleOf(config.default_rule());
  if (!rule) return UnknownRule("survivorship.default_rule", config.default_rule());
  if (*rule != SurvivorshipRule::kSourcePriority) return TraitRule{*rule, {}};
  if (trust.empty()) {
    return absl::InvalidArgumentError(
        "survivorship.source_trust: default_rule SOURCE_PRIORITY needs at "
        "least one source");
  }
  return TraitRule{*rule, std::move(trust)};
}

absl::Status CheckRole(const std::string& role, const std::string& field) {
  if (IsRole(role)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      field, ": \"", role, "\" is not a role; use ", absl::StrJoin(Roles(), ", ")));
}

// Checks the tls block and the client certificates it makes usable.
absl::Status CheckTls(const hub::v1::HubConfig& config) {
  const hub::v1::TlsConfig& tls = config.tls();
  if (config.has_tls() && (tls.cert_file().empty() || tls.key_file().empty())) {
    return absl::InvalidArgumentError("tls: needs both cert_file and key_file");
  }
  if (config.client_certs_size() > 0 && tls.client_ca_file().empty()) {
    return absl::InvalidArgumentError(
        "client_certs: need tls.client_ca_file to verify client certificates");
  }
  std::set<std::string> names;
  for (int i = 0; i < config.client_certs_size(); ++i) {
    const hub::v1::ClientCertConfig& c = config.client_certs(i);
    const std::string field = absl::StrCat("client_certs[", i, "]");
    if (c.common_name().empty() || c.principal().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": needs common_name and principal"));
    }
    if (!names.insert(c.common_name()).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".common_name: \"", c.common_name(), "\" is listed twice"));
    }
    HUB_RETURN_IF_ERROR(CheckRole(c.role(), field + ".role"));
  }
  return absl::OkStatus();
}

}  // namespace

hub::v1::HubConfig DefaultConfig() {
  hub::v1::HubConfig config;
  FinishConfig(&config).IgnoreError();  // the empty config is valid
  return config;
}

absl::Status FinishConfig(hub::v1::HubConfig* config) {
  if (config->listen_address().empty()) {
    config->set_listen_address("127.0.0.1:50051");
  }
  if (config->db_path().empty()) config->set_db_path("hub.db");
  if (config->max_batch_records() < 0) {
    return absl::InvalidArgumentError("max_batch_records: must not be negative");
  }
  if (config->max_batch_records() == 0) config->set_max_batch_records(5000);
  for (int i = 0; i < config->tokens_size(); ++i) {
    const hub::v1::TokenConfig& t = config->tokens(i);
    if (t.sha256().size() != 64) {
      return absl::InvalidArgumentError(absl::StrCat(
          "tokens[", i, "].sha256: expected 64 hex digits (sha256sum of the token)"));
    }
    HUB_RETURN_IF_ERROR(CheckRole(t.role(), absl::StrCat("tokens[", i, "].role")));
  }
  HUB_RETURN_IF_ERROR(BuildRetentionPolicy(config->retention()).status());
  HUB_RETURN_IF_ERROR(RetentionPurgeInterval(config->retention()).status());
  HUB_RETURN_IF_ERROR(CheckOps(config->ops()));
  return CheckTls(*config);
}

absl::StatusOr<IdentityPolicy> BuildIdentityPolicy(
    const hub::v1::IdentityConfig& config) {
  IdentityPolicy policy = IdentityPolicy::Default();
  for (int i = 0; i < config.rules_size(); ++i) {
    const hub::v1::IdentifierRule& rule = config.rules(i);
    if (!FindIdentifierType(rule.type())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "identity.rules[", i, "].type: unknown identifier type \"", rule.type(), "\""));
    }
    if (rule.limit() < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("identity.rules[", i, "].limit: must not be negative"));
    }
    policy.Set(rule.type(), TypeRule{rule.priority(), rule.limit()});
  }
  if (config.hot_threshold() < 0) {
    return absl::InvalidArgumentError("identity.hot_threshold: must not be negative");
  }
  if (config.hot_threshold() > 0) policy.set_hot_threshold(config.hot_threshold());
  for (int i = 0; i < config.blocked_patterns_size(); ++i) {
    absl::Status s = policy.AddBlockedPattern(config.blocked_patterns(i));
    if (!s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("identity.blocked_patterns[", i, "]: ", s.message()));
    }
  }
  return policy;
}

absl::StatusOr<SurvivorshipPolicy> BuildSurvivorshipPolicy(
    const hub::v1::SurvivorshipConfig& config) {
  absl::Status trust = CheckSources(config.source_trust(), "survivorship.source_trust");
  if (!trust.ok()) return trust;
  absl::StatusOr<TraitRule> default_rule = DefaultRuleOf(config);
  if (!default_rule.ok()) return default_rule.status();
  SurvivorshipPolicy policy(*std::move(default_rule));
  std::set<std::string> names;
  for (int i = 0; i < config.traits_size(); ++i) {
    const std::string& name = config.traits(i).name();
    if (name.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("survivorship.traits[", i, "].name: required"));
    }
    if (!names.insert(name).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "survivorship.traits[", i, "].name: trait \"", name, "\" has a rule already"));
    }
    absl::StatusOr<TraitRule> rule = TraitRuleOf(config, i);
    if (!rule.ok()) return rule.status();
    policy.Set(name, *std::move(rule));
  }
  return policy;
}

absl::StatusOr<StageRules> BuildStageRules(const hub::v1::LifecycleConfig& config) {
  StageRules rules = StageRules::Default();
  if (config.engagement_window_days() != 0) {
    if (config.engagement_window_days() < 1 || config.engagement_window_days() > 365) {
      return absl::InvalidArgumentError(absl::StrCat(
          "lifecycle.engagement_window_days: ", config.engagement_window_days(),
          " is outside 1..365"));
    }
    rules.engagement_window_us = int64_t{config.engagement_window_days()} * 86400 * 1000000;
  }
  if (config.stage_window() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "lifecycle.stage_window: must not be negative, got ", config.stage_window()));
  }
  if (config.engagement_threshold() != 0) {
    if (config.engagement_threshold() < 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "lifecycle.engagement_threshold: must be at least 1, got ",
          config.engagement_threshold()));
    }
    rules.engagement_threshold = config.engagement_threshold();
  }
  if (!config.engagement_points().empty()) {
    rules.engagement_points.clear();
    for (const auto& [type, points] : config.engagement_points()) {
      if (type.empty() || points < 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "lifecycle.engagement_points: \"", type, "\": ", points,
            " (want an event type and points >= 0)"));
      }
      rules.engagement_points[type] = points;
    }
  }
  if (config.qualified_lead_statuses_size() > 0) {
    rules.lead_status.clear();
    for (const std::string& status : config.qualified_lead_statuses()) {
      if (status.empty()) {
        return absl::InvalidArgumentError("lifecycle.qualified_lead_statuses: empty value");
      }
      rules.lead_status[status] = Stage::kNurture;
    }
  }
  if (!config.lifecycle_stages().empty()) {
    rules.lifecycle_stage.clear();
    for (const auto& [value, stage] : config.lifecycle_stages()) {
      Stage s = stage == "CAPTURE"   ? Stage::kCapture
                : stage == "NURTURE" ? Stage::kNurture
                : stage == "CONVERT" ? Stage::kConvert
                : stage == "EXPAND"  ? Stage::kExpand
                                     : Stage::kNone;
      if (value.empty() || s == Stage::kNone) {
        return absl::InvalidArgumentError(absl::StrCat(
            "lifecycle.lifecycle_stages: \"", value, "\" -> \"", stage,
            "\" (want a value and CAPTURE, NURTURE, CONVERT or EXPAND)"));
      }
      rules.lifecycle_stage[value] = s;
    }
  }
  return rules;
}

absl::StatusOr<std::optional<ProfileMatcher>> BuildProfileMatcher(
    const hub::v1::HubConfig& config) {
  if (!config.has_person_matching()) return std::nullopt;
  absl::StatusOr<ProfileMatcher> matcher =
      ProfileMatcher::Create(config.person_matching());
  if (!matcher.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("person_matching.", matcher.status().message()));
  }
  return std::optional<ProfileMatcher>(*std::move(matcher));
}

absl::StatusOr<ConsentPolicy> BuildConsentPolicy(const hub::v1::ConsentConfig& config) {
  return ConsentPolicy::FromConfig(config);
}

absl::StatusOr<hub::v1::HubConfig> LoadConfig(const std::string& path) {
  hub::v1::HubConfig config;
  HUB_RETURN_IF_ERROR(ReadTextProto(path, &config));
  absl::Status status = FinishConfig(&config);
  if (status.ok()) status = BuildIdentityPolicy(config.identity()).status();
  if (status.ok()) status = BuildSurvivorshipPolicy(config.survivorship()).status();
  if (status.ok()) status = BuildProfileMatcher(config).status();
  if (status.ok()) status = BuildStageRules(config.lifecycle()).status();
  if (status.ok()) status = Classification::FromConfig(config.classification()).status();
  if (status.ok()) status = BuildConsentPolicy(config.consent()).status();
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", status.message()));
  }
  return config;
}

absl::StatusOr<RetentionPolicy> BuildRetentionPolicy(const hub::v1::RetentionConfig& config) {
  RetentionPolicy policy;
  const std::pair<const std::string*, std::optional<absl::Duration>*> ages[] = {
      {&config.raw_payloads(), &policy.raw_payloads},
      {&config.events(), &policy.events},
      {&config.quarantine(), &policy.quarantine},
      {&config.audit(), &policy.audit}};
  const char* names[] = {"raw_payloads", "events", "quarantine", "audit"};
  for (int i = 0; i < 4; ++i) {
    if (ages[i].first->empty()) continue;
    HUB_ASSIGN_OR_RETURN(*ages[i].second,
                         ParseRetentionAge(*ages[i].first, absl::StrCat("retention.", names[i])));
  }
  for (const auto& [type, age] : config.event_types()) {
    const std::string field = absl::StrCat("retention.event_types[\"", type, "\"]");
    if (type.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": empty event type"));
    HUB_ASSIGN_OR_RETURN(policy.event_types[type], ParseRetentionAge(age, field));
  }
  return policy;
}

absl::StatusOr<absl::Duration> RetentionPurgeInterval(const hub::v1::RetentionConfig& config) {
  const std::string& text = config.purge_interval();
  if (text.empty() || text == "0") return absl::ZeroDuration();
  return ParseRetentionAge(text, "retention.purge_interval");
}

}  // namespace hub

namespace hub {

hub::v1::OperationsConfig OpsWithDefaults(const hub::v1::OperationsConfig& ops) {
  hub::v1::OperationsConfig out = ops;
  auto fill = [](int32_t value, int32_t fallback) { return value > 0 ? value : fallback; };
  out.set_keepalive_time_ms(fill(ops.keepalive_time_ms(), 60000));
  out.set_keepalive_timeout_ms(fill(ops.keepalive_timeout_ms(), 20000));
  out.set_min_client_ping_interval_ms(fill(ops.min_client_ping_interval_ms(), 10000));
  out.set_max_receive_message_bytes(fill(ops.max_receive_message_bytes(), 16 << 20));
  out.set_max_send_message_bytes(fill(ops.max_send_message_bytes(), 16 << 20));
  out.set_store_probe_interval_ms(fill(ops.store_probe_interval_ms(), 1000));
  out.set_store_probe_timeout_ms(fill(ops.store_probe_timeout_ms(), 250));
  return out;
}

absl::Status CheckOps(const hub::v1::OperationsConfig& ops) {
  const std::pair<const char*, int32_t> values[] = {
      {"keepalive_time_ms", ops.keepalive_time_ms()},
      {"keepalive_timeout_ms", ops.keepalive_timeout_ms()},
      {"min_client_ping_interval_ms", ops.min_client_ping_interval_ms()},
      {"max_receive_message_bytes", ops.max_receive_message_bytes()},
      {"max_send_message_bytes", ops.max_send_message_bytes()},
      {"store_probe_interval_ms", ops.store_probe_interval_ms()},
      {"store_probe_timeout_ms", ops.store_probe_timeout_ms()}};
  for (const auto& [name, value] : values) {
    if (value < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("ops.", name, ": must not be negative, got ", value));
    }
  }
  const std::string& admin = ops.admin_listen_address();
  const size_t colon = admin.rfind(':');
  int port = 0;
  if (!admin.empty() && (colon == std::string::npos || colon == 0 ||
                         !absl::SimpleAtoi(admin.substr(colon + 1), &port) || port < 0 ||
                         port > 65535)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ops.admin_listen_address: \"", admin, "\" is not host:port (e.g. 127.0.0.1:9090)"));
  }
  return absl::OkStatus();
}

}  // namespace hub
