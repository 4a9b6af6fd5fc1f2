#include "profile/store/audit_chain.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "profile/base/sha256.h"

namespace hub {
namespace {

void AppendField(absl::string_view value, std::string* out) {
  absl::StrAppend(out, value.size(), ":", value, ";");
}

}  // namespace

std::string AuditHash(absl::string_view previous_hash, const AuditEntry& entry) {
  std::string bytes = "hub.audit.v1;";
  AppendField(previous_hash, &bytes);
  AppendField(absl::StrCat(entry.seq), &bytes);
  AppendField(absl::StrCat(entry.at_us), &bytes);
  AppendField(entry.actor.principal, &bytes);
  AppendField(entry.actor.role, &bytes);
  AppendField(entry.actor.reason, &bytes);
  AppendField(entry.actor.request_id, &bytes);
  AppendField(entry.action, &bytes);
  AppendField(entry.target, &bytes);
  AppendField(entry.details, &bytes);
  return Sha256Hex(bytes);
}

AuditChainVerifier::AuditChainVerifier(int64_t anchor_seq, std::string anchor_hash)
    : anchor_seq_(anchor_seq) {
  check_.anchor_seq = anchor_seq;
  check_.head_hash = std::move(anchor_hash);
}

bool AuditChainVerifier::Add(const AuditEntry& entry) {
  if (check_.first_bad_seq != 0) return false;
  const int64_t expected = anchor_seq_ + check_.entries + 1;
  const std::string previous = check_.head_hash;
  ++check_.entries;
  check_.head_hash = entry.hash;
  if (entry.seq != expected) {
    check_.first_bad_seq = entry.seq;
    check_.problem = absl::StrCat("entry ", entry.seq, " follows entry ", expected - 1,
                                  ": ", entry.seq > expected ? "entries removed" : "out of order");
    return false;
  }
  if (AuditHash(previous, entry) != entry.hash) {
    check_.first_bad_seq = entry.seq;
    check_.problem = absl::StrCat(
        "entry ", entry.seq,
        "'s hash does not match its contents and the entry before: it, or the "
        "entry before it, was changed");
    return false;
  }
  return true;
}

}  // namespace hub
