#include "hub/config.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "profile/identity/identifier.h"

namespace hub {
namespace {

// Collects the text-format parser's first error.
class ErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (error_.empty()) {
      error_ = absl::StrCat("line ", line + 1, " column ", column + 1, ": ", message);
    }
  }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

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
    if (t.role() != "admin") {
      return absl::InvalidArgumentError(absl::StrCat(
          "tokens[", i, "].role: \"", t.role(), "\" is not a role; this version has \"admin\""));
    }
  }
  return absl::OkStatus();
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

absl::StatusOr<hub::v1::HubConfig> LoadConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read config ", path));
  std::stringstream text;
  text << in.rdbuf();
  hub::v1::HubConfig config;
  google::protobuf::TextFormat::Parser parser;
  ErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text.str(), &config)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", errors.error()));
  }
  absl::Status status = FinishConfig(&config);
  if (status.ok()) status = BuildIdentityPolicy(config.identity()).status();
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", status.message()));
  }
  return config;
}

}  // namespace hub
