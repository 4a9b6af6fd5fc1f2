#include "hub/config.h"

#include <fstream>

#include "gtest/gtest.h"
#include "hub/auth.h"
#include "tests/support/temp_dir.h"

namespace hub {
namespace {

using testing_support::TempDir;

TEST(ConfigTest, EmptyConfigGetsTheEmbeddedDefaults) {
  hub::v1::HubConfig c = DefaultConfig();
  EXPECT_EQ(c.listen_address(), "127.0.0.1:50051");
  EXPECT_EQ(c.db_path(), "hub.db");
  EXPECT_EQ(c.max_batch_records(), 5000);
  EXPECT_EQ(c.tokens_size(), 0);
}

TEST(ConfigTest, LoadsTextprotoAndNamesBadFields) {
  TempDir dir;
  std::ofstream(dir.File("ok.textproto"))
      << "listen_address: \"127.0.0.1:7000\"\n"
      << "sources { name: \"sources/crm\" kind: \"salesforce\" path: \"/x\" }\n";
  absl::StatusOr<hub::v1::HubConfig> c = LoadConfig(dir.File("ok.textproto"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->listen_address(), "127.0.0.1:7000");
  EXPECT_EQ(c->db_path(), "hub.db");
  EXPECT_EQ(c->sources(0).kind(), "salesforce");

  std::ofstream(dir.File("syntax.textproto")) << "listen_adress: \"x\"\n";
  absl::StatusOr<hub::v1::HubConfig> bad = LoadConfig(dir.File("syntax.textproto"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("line 1 column"), absl::string_view::npos)
      << bad.status();

  std::ofstream(dir.File("role.textproto"))
      << "tokens { role: \"root\" sha256: \"" << Sha256Hex("t") << "\" }\n";
  bad = LoadConfig(dir.File("role.textproto"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("tokens[0].role"), absl::string_view::npos);

  EXPECT_EQ(LoadConfig(dir.File("absent")).status().code(), absl::StatusCode::kNotFound);
}

TEST(ConfigTest, TokensAndClientCertsTakeTheFiveRoles) {
  hub::v1::HubConfig c;
  for (const char* role : {"admin", "steward", "analyst", "service", "sync"}) {
    hub::v1::TokenConfig* t = c.add_tokens();
    t->set_role(role);
    t->set_sha256(Sha256Hex(role));
  }
  EXPECT_TRUE(FinishConfig(&c).ok());
  c.mutable_tokens(3)->set_role("auditor");
  EXPECT_EQ(FinishConfig(&c),
            absl::InvalidArgumentError("tokens[3].role: \"auditor\" is not a role; use admin, "
                                       "steward, analyst, service, sync"));
}

TEST(ConfigTest, TlsNeedsItsFilesAndClientCertsNeedAClientCa) {
  hub::v1::HubConfig c;
  c.mutable_tls()->set_cert_file("server.pem");
  EXPECT_EQ(FinishConfig(&c),
            absl::InvalidArgumentError("tls: needs both cert_file and key_file"));
  c.mutable_tls()->set_key_file("server.key");
  EXPECT_TRUE(FinishConfig(&c).ok());
  hub::v1::ClientCertConfig* cert = c.add_client_certs();
  cert->set_common_name("hub-sync-1");
  cert->set_principal("sync-host-1");
  cert->set_role("sync");
  EXPECT_EQ(FinishConfig(&c),
            absl::InvalidArgumentError(
                "client_certs: need tls.client_ca_file to verify client certificates"));
  c.mutable_tls()->set_client_ca_file("ca.pem");
  EXPECT_TRUE(FinishConfig(&c).ok());
  *c.add_client_certs() = *cert;
  EXPECT_EQ(FinishConfig(&c), absl::InvalidArgumentError(
                                  "client_certs[1].common_name: \"hub-sync-1\" is listed twice"));
  c.mutable_client_certs(1)->set_common_name("laptop");
  c.mutable_client_certs(1)->set_role("root");
  EXPECT_EQ(FinishConfig(&c),
            absl::InvalidArgumentError("client_certs[1].role: \"root\" is not a role; use "
                                       "admin, steward, analyst, service, sync"));
  c.mutable_client_certs(1)->clear_principal();
  EXPECT_EQ(FinishConfig(&c), absl::InvalidArgumentError(
                                  "client_certs[1]: needs common_name and principal"));
}

TEST(ConfigTest, OpsFieldsAreCheckedAndDefaulted) {
  hub::v1::HubConfig c;
  c.mutable_ops()->set_keepalive_time_ms(-1);
  EXPECT_EQ(FinishConfig(&c),
            absl::InvalidArgumentError("ops.keepalive_time_ms: must not be negative, got -1"));
  c.mutable_ops()->set_keepalive_time_ms(0);
  c.mutable_ops()->set_max_receive_message_bytes(-5);
  EXPECT_EQ(FinishConfig(&c), absl::InvalidArgumentError(
                                  "ops.max_receive_message_bytes: must not be negative, got -5"));
  c.mutable_ops()->set_max_receive_message_bytes(1024);
  c.mutable_ops()->set_admin_listen_address("localhost");
  EXPECT_EQ(FinishConfig(&c),
            absl::InvalidArgumentError("ops.admin_listen_address: \"localhost\" is not "
                                       "host:port (e.g. 127.0.0.1:9090)"));
  c.mutable_ops()->set_admin_listen_address("127.0.0.1:70000");
  EXPECT_FALSE(FinishConfig(&c).ok());
  c.mutable_ops()->set_admin_listen_address("127.0.0.1:0");
  EXPECT_TRUE(FinishConfig(&c).ok());

  const hub::v1::OperationsConfig ops = OpsWithDefaults(c.ops());
  EXPECT_EQ(ops.admin_listen_address(), "127.0.0.1:0");
  EXPECT_EQ(ops.keepalive_time_ms(), 60000);
  EXPECT_EQ(ops.keepalive_timeout_ms(), 20000);
  EXPECT_EQ(ops.min_client_ping_interval_ms(), 10000);
  EXPECT_EQ(ops.max_receive_message_bytes(), 1024);
  EXPECT_EQ(ops.max_send_message_bytes(), 16 << 20);
  EXPECT_EQ(ops.store_probe_interval_ms(), 1000);
  EXPECT_EQ(ops.store_probe_timeout_ms(), 250);
  EXPECT_FALSE(ops.access_log());
}

TEST(ConfigTest, TheDocumentedExampleLoads) {
  absl::StatusOr<hub::v1::HubConfig> c =
      LoadConfig(std::string(HUB_SOURCE_DIR) + "/docs/hub.example.textproto");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->listen_address(), "127.0.0.1:50051");
  ASSERT_EQ(c->tokens_size(), 1);
  EXPECT_EQ(c->tokens(0).sha256(), Sha256Hex("foo"));
  ASSERT_EQ(c->sources_size(), 1);
  EXPECT_EQ(c->sources(0).path(), "world/salesforce");
  absl::StatusOr<SurvivorshipPolicy> s = BuildSurvivorshipPolicy(c->survivorship());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->For("title").rule, SurvivorshipRule::kSourcePriority);
  EXPECT_EQ(s->For("title").sources, (std::vector<std::string>{"salesforce", "zendesk"}));
  EXPECT_EQ(s->For("industry").sources, (std::vector<std::string>{"salesforce", "hubspot"}));
  EXPECT_EQ(s->For("company").rule, SurvivorshipRule::kMostFrequent);
  EXPECT_EQ(s->For("phone").rule, SurvivorshipRule::kMostRecent);
}

TEST(ConfigTest, SurvivorshipDefaultIsMostRecentAmongTheMostTrustedSources) {
  hub::v1::SurvivorshipConfig config;
  EXPECT_EQ(BuildSurvivorshipPolicy(config)->For("title").rule, SurvivorshipRule::kMostRecent);
  config.add_source_trust("salesforce");
  SurvivorshipPolicy p = *BuildSurvivorshipPolicy(config);
  EXPECT_EQ(p.For("title").rule, SurvivorshipRule::kSourcePriority);
  EXPECT_EQ(p.For("title").sources, std::vector<std::string>{"salesforce"});
}

TEST(ConfigTest, BadSurvivorshipIsRefusedNamingTheField) {
  TempDir dir;
  struct Case {
    std::string text;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"survivorship { traits { name: \"title\" rule: MOST_POPULAR } }",
       "Unknown enumeration value of \"MOST_POPULAR\" for field \"rule\""},
      {"survivorship { default_rule: 42 }", "survivorship.default_rule: unknown rule 42"},
      {"survivorship { traits { name: \"title\" } }", "survivorship.traits[0].rule: required"},
      {"survivorship { traits { name: \"title\" rule: SOURCE_PRIORITY } }",
       "survivorship.traits[0].sources: SOURCE_PRIORITY needs an ordered source list"},
      {"survivorship { default_rule: SOURCE_PRIORITY }",
       "survivorship.source_trust: default_rule SOURCE_PRIORITY needs at least one source"},
      {"survivorship { traits { name: \"title\" rule: MOST_RECENT sources: \"crm\" } }",
       "survivorship.traits[0].sources: only SOURCE_PRIORITY takes sources"},
      {"survivorship { traits { rule: MOST_RECENT } }", "survivorship.traits[0].name: required"},
      {"survivorship { traits { name: \"t\" rule: MOST_RECENT } traits { name: \"t\" rule: FIRST_SEEN } }",
       "survivorship.traits[1].name: trait \"t\" has a rule already"},
      {"survivorship { source_trust: [\"crm\", \"crm\"] }",
       "survivorship.source_trust[1]: \"crm\" is listed twice"},
      {"survivorship { traits { name: \"t\" rule: SOURCE_PRIORITY sources: \"\" } }",
       "survivorship.traits[0].sources[0]: empty source name"},
  };
  for (const Case& c : cases) {
    std::ofstream(dir.File("s.textproto"), std::ios::trunc) << c.text << "\n";
    absl::StatusOr<hub::v1::HubConfig> bad = LoadConfig(dir.File("s.textproto"));
    ASSERT_FALSE(bad.ok()) << c.text;
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_NE(bad.status().message().find(c.error), absl::string_view::npos)
        << c.text << " -> " << bad.status();
  }
}

TEST(ConfigTest, LifecycleRulesReplaceTheDefaultsAndBadOnesAreRefused) {
  hub::v1::LifecycleConfig empty;
  absl::StatusOr<StageRules> defaults = BuildStageRules(empty);
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_EQ(defaults->engagement_threshold, 10);
  EXPECT_EQ(defaults->engagement_points.at("email_clicked"), 3);

  hub::v1::LifecycleConfig config;
  config.set_engagement_window_days(14);
  config.set_engagement_threshold(4);
  (*config.mutable_engagement_points())["webinar_attended"] = 4;
  config.add_qualified_lead_statuses("Hot");
  (*config.mutable_lifecycle_stages())["customer"] = "EXPAND";
  absl::StatusOr<StageRules> rules = BuildStageRules(config);
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ(rules->engagement_window_us, 14LL * 86400 * 1000000);
  EXPECT_EQ(rules->engagement_threshold, 4);
  EXPECT_EQ(rules->engagement_points.size(), 1u);
  EXPECT_EQ(rules->lead_status.size(), 1u);
  EXPECT_EQ(rules->lead_status.at("Hot"), Stage::kNurture);
  EXPECT_EQ(rules->lifecycle_stage.size(), 1u);

  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"lifecycle { engagement_window_days: 400 }",
       "lifecycle.engagement_window_days: 400 is outside 1..365"},
      {"lifecycle { engagement_threshold: -1 }",
       "lifecycle.engagement_threshold: must be at least 1, got -1"},
      {"lifecycle { engagement_points { key: \"page_view\" value: -2 } }",
       "lifecycle.engagement_points: \"page_view\": -2"},
      {"lifecycle { lifecycle_stages { key: \"customer\" value: \"WON\" } }",
       "lifecycle.lifecycle_stages: \"customer\" -> \"WON\""},
      {"lifecycle { stage_window: -5 }",
       "lifecycle.stage_window: must not be negative, got -5"},
  };
  for (const auto& [text, error] : cases) {
    std::ofstream(dir.File("l.textproto"), std::ios::trunc) << text << "\n";
    absl::StatusOr<hub::v1::HubConfig> bad = LoadConfig(dir.File("l.textproto"));
    ASSERT_FALSE(bad.ok()) << text;
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_NE(bad.status().message().find(error), absl::string_view::npos)
        << text << " -> " << bad.status();
  }
}

TEST(ConfigTest, IdentityRulesAndBlockedPatterns) {
  TempDir dir;
  std::ofstream(dir.File("id.textproto"))
      << "identity { rules { type: \"phone\" priority: 95 limit: 1 }\n"
      << "           blocked_patterns: \"noreply@.*\" }\n";
  absl::StatusOr<hub::v1::HubConfig> c = LoadConfig(dir.File("id.textproto"));
  ASSERT_TRUE(c.ok()) << c.status();
  absl::StatusOr<IdentityPolicy> p = BuildIdentityPolicy(c->identity());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->Rule("phone").priority, 95);
  EXPECT_EQ(p->Rule("phone").limit, 1);
  EXPECT_EQ(p->Rule("email").limit, 5);  // untouched default
  EXPECT_TRUE(p->Blocked("noreply@acme.example"));
  EXPECT_FALSE(p->Blocked("ana@acme.example"));

  std::ofstream(dir.File("type.textproto")) << "identity { rules { type: \"shoe\" limit: 1 } }\n";
  absl::StatusOr<hub::v1::HubConfig> bad = LoadConfig(dir.File("type.textproto"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("identity.rules[0].type"), absl::string_view::npos);
  std::ofstream(dir.File("regex.textproto")) << "identity { blocked_patterns: \"([\" }\n";
  bad = LoadConfig(dir.File("regex.textproto"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("identity.blocked_patterns[0]"), absl::string_view::npos)
      << bad.status();
}

TEST(ConfigTest, PersonMatchingNeedsAModelAndTheExampleLoads) {
  TempDir dir;
  {
    std::ifstream example(std::string(HUB_SOURCE_DIR) +
                          "/docs/person_matching.example.textproto");
    std::ofstream(dir.File("m.textproto")) << "person_matching {\n" << example.rdbuf() << "}\n";
  }
  absl::StatusOr<hub::v1::HubConfig> c = LoadConfig(dir.File("m.textproto"));
  ASSERT_TRUE(c.ok()) << c.status();
  absl::StatusOr<std::optional<ProfileMatcher>> matcher = BuildProfileMatcher(*c);
  ASSERT_TRUE(matcher.ok()) << matcher.status();
  ASSERT_TRUE(matcher->has_value());
  EXPECT_EQ((*matcher)->upper_threshold(), 0.5);
  EXPECT_FALSE(BuildProfileMatcher(hub::v1::HubConfig())->has_value());

  std::ofstream(dir.File("no_model.textproto"))
      << "person_matching { fields { column: \"title\" comparator: EXACT } "
         "blocking { keys: \"title\" } }\n";
  absl::StatusOr<hub::v1::HubConfig> bad = LoadConfig(dir.File("no_model.textproto"));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            dir.File("no_model.textproto") + ": person_matching.prior: must be in (0, 1)");
}

TEST(ConfigTest, RetentionAgesBecomeThePolicyAndBadOnesAreRefused) {
  hub::v1::RetentionConfig config;
  config.set_events("730d");
  (*config.mutable_event_types())["page_view"] = "90d";
  config.set_audit("36h");
  config.set_purge_interval("200ms");
  absl::StatusOr<RetentionPolicy> policy = BuildRetentionPolicy(config);
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(*policy->events, absl::Hours(24 * 730));
  EXPECT_EQ(policy->event_types.at("page_view"), absl::Hours(24 * 90));
  EXPECT_EQ(*policy->audit, absl::Hours(36));
  EXPECT_FALSE(policy->raw_payloads.has_value());
  EXPECT_FALSE(policy->quarantine.has_value());
  EXPECT_EQ(*RetentionPurgeInterval(config), absl::Milliseconds(200));
  EXPECT_TRUE(BuildRetentionPolicy(hub::v1::RetentionConfig())->empty());
  config.set_purge_interval("0");
  EXPECT_EQ(*RetentionPurgeInterval(config), absl::ZeroDuration());

  hub::v1::HubConfig hub;
  hub.mutable_retention()->set_raw_payloads("-1d");
  absl::Status s = FinishConfig(&hub);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "retention.raw_payloads: \"-1d\" must be positive (leave it unset to keep forever)");
  hub.mutable_retention()->clear_raw_payloads();
  (*hub.mutable_retention()->mutable_event_types())["email_opened"] = "soon";
  s = FinishConfig(&hub);
  EXPECT_EQ(s.message().rfind("retention.event_types[\"email_opened\"]: ", 0), 0u) << s;
  hub.mutable_retention()->clear_event_types();
  hub.mutable_retention()->set_purge_interval("-5m");
  s = FinishConfig(&hub);
  EXPECT_EQ(s.message().rfind("retention.purge_interval: ", 0), 0u) << s;
}

TEST(AuthTest, HashesAndTokens) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string a = *GenerateToken(), b = *GenerateToken();
  EXPECT_EQ(a.size(), 44u);
  EXPECT_EQ(a.substr(0, 4), "hub_");
  EXPECT_NE(a, b);
}

TEST(ConfigTest, ConsentPurposesAndRuleAreCheckedAtStartUp) {
  absl::StatusOr<hub::v1::HubConfig> example =
      LoadConfig(std::string(HUB_SOURCE_DIR) + "/docs/hub.example.textproto");
  ASSERT_TRUE(example.ok()) << example.status();
  absl::StatusOr<ConsentPolicy> policy = BuildConsentPolicy(example->consent());
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->purposes().size(), 4u);
  EXPECT_EQ(policy->purposes().at("product_updates"), hub::v1::GRANTED);
  EXPECT_EQ(policy->purposes().at("email_marketing"), hub::v1::CONSENT_STATE_UNSPECIFIED);
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"consent { merge_rule: \"newest\" }",
       "consent.merge_rule: unknown rule \"newest\" (want most_restrictive or most_recent)"},
      {"consent { purposes { name: \"ads\" default_state: \"MAYBE\" } }",
       "consent.purposes[0].default_state: unknown state \"MAYBE\""},
      {"consent { purposes { name: \"Ads\" } }", "consent.purposes[0].name: \"Ads\""},
  };
  for (const auto& [text, error] : cases) {
    std::ofstream(dir.File("c.textproto"), std::ios::trunc) << text << "\n";
    absl::StatusOr<hub::v1::HubConfig> bad = LoadConfig(dir.File("c.textproto"));
    ASSERT_FALSE(bad.ok()) << text;
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_NE(bad.status().message().find(error), absl::string_view::npos)
        << text << " -> " << bad.status();
  }
}

}  // namespace
}  // namespace hub
