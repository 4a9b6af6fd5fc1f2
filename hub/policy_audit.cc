#include "hub/policy_audit.h"

#include <google/protobuf/descriptor.h>

#include <memory>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "profile/base/proto_bytes.h"
#include "profile/base/sha256.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace {

bool IsOperational(const std::string& field) {
  // `ops` (ports, keepalive, probe, access log) changes how hubd runs, not
  // what it does with data.
  return field == "listen_address" || field == "db_path" || field == "max_batch_records" ||
         field == "ops";
}

}  // namespace

std::map<std::string, std::string> PolicyDigests(const hub::v1::HubConfig& config) {
  std::map<std::string, std::string> out;
  const google::protobuf::Reflection* reflection = config.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> set;
  reflection->ListFields(config, &set);
  for (const google::protobuf::FieldDescriptor* field : set) {
    if (IsOperational(field->name())) continue;
    // The section alone, as a HubConfig holding just that field.
    hub::v1::HubConfig rest = config;
    hub::v1::HubConfig section;
    reflection->SwapFields(&rest, &section, {field});
    out[field->name()] = Sha256Hex(SerializeDeterministic(section));
  }
  return out;
}

absl::StatusOr<AuditEntry> AuditPolicyChanges(Store* store,
                                              const hub::v1::HubConfig& config) {
  const std::map<std::string, std::string> now = PolicyDigests(config);
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> tx, store->BeginWrite());
  using Digests = std::map<std::string, std::string>;
  HUB_ASSIGN_OR_RETURN(Digests before, tx->PolicyDigests());
  std::set<std::string> sections;
  for (const auto& [name, digest] : now) sections.insert(name);
  for (const auto& [name, digest] : before) {
    if (!digest.empty()) sections.insert(name);
  }
  std::vector<std::string> changes;
  for (const std::string& name : sections) {
    auto n = now.find(name);
    auto b = before.find(name);
    const std::string current = n == now.end() ? "" : n->second;
    const std::string last = b == before.end() ? "" : b->second;
    if (current == last) continue;
    const char* what = last.empty() ? "set" : current.empty() ? "removed" : "changed";
    changes.push_back(current.empty()
                          ? absl::StrCat(name, " ", what)
                          : absl::StrCat(name, " ", what, " (", current.substr(0, 12), ")"));
    HUB_RETURN_IF_ERROR(tx->SetPolicyDigest(name, current));
  }
  if (changes.empty()) return AuditEntry{};
  AuditEntry entry;
  entry.actor.principal = "hubd";
  entry.actor.role = "system";
  entry.actor.reason = "configuration loaded at start-up";
  entry.action = "PolicyChanged";
  entry.target = "config";
  entry.details = absl::StrJoin(changes, "; ");
  HUB_ASSIGN_OR_RETURN(AuditEntry written, tx->AppendAudit(std::move(entry)));
  HUB_RETURN_IF_ERROR(tx->Commit());
  return written;
}

}  // namespace hub
