#include "profile/consent/consent.h"

#include <memory>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "profile/base/status_macros.h"
#include "profile/base/time_util.h"
#include "profile/identity/identifier.h"

namespace hub {
namespace {

constexpr absl::string_view kApiSource = "api";

std::string ProfileName(int64_t id) { return absl::StrCat("profiles/", id); }

absl::StatusOr<int64_t> ParseProfileName(const std::string& name) {
  int64_t id = 0;
  absl::string_view rest(name);
  if (!absl::ConsumePrefix(&rest, "profiles/") || !absl::SimpleAtoi(rest, &id) || id <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "name: expected \"profiles/{id}\" with a positive id, got \"", name, "\""));
  }
  return id;
}

// The normalised (type, value) of a person identifier.
absl::StatusOr<std::pair<std::string, std::string>> PersonKey(const ConsentSubject& subject) {
  std::optional<IdentifierType> kind = FindIdentifierType(subject.identifier_type);
  if (!kind || kind->side != Side::kPerson) {
    return absl::InvalidArgumentError(absl::StrCat(
        "identifier_type: \"", subject.identifier_type,
        "\" is not a person identifier type (email, phone, user_id, ...)"));
  }
  if (subject.identifier_value.empty()) {
    return absl::InvalidArgumentError("identifier_value: required");
  }
  absl::StatusOr<NormalizedValue> value = NormalizeIdentifier(*kind, subject.identifier_value);
  if (!value.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("identifier_value: ", value.status().message()));
  }
  if (value->blocked) {
    return absl::InvalidArgumentError(absl::StrCat("identifier_value: \"",
                                                   subject.identifier_value,
                                                   "\" is a placeholder that never identifies anyone"));
  }
  return std::make_pair(kind->name, value->value);
}

hub::v1::ConsentEvidence ToProto(const ConsentSignal& s) {
  hub::v1::ConsentEvidence out;
  out.set_purpose(s.purpose);
  out.set_state(s.state);
  out.set_source(s.source);
  *out.mutable_time() = ToProtoTime(absl::FromUnixMicros(s.at_us));
  out.set_profile(ProfileName(s.origin_id));
  if (!s.record.external_id.empty()) {
    out.mutable_record()->set_source(s.record.source);
    out.mutable_record()->set_entity(s.record.entity);
    out.mutable_record()->set_external_id(s.record.external_id);
  }
  out.set_principal(s.actor.principal);
  out.set_reason(s.actor.reason);
  out.set_request_id(s.actor.request_id);
  return out;
}

std::string StateName(hub::v1::ConsentState state) {
  return state == hub::v1::CONSENT_STATE_UNSPECIFIED ? "none"
                                                     : hub::v1::ConsentState_Name(state);
}

// The FAILED_PRECONDITION of a read for `purpose` without consent.
absl::Status NoConsent(const std::string& name, absl::string_view purpose) {
  return absl::FailedPreconditionError(
      absl::StrCat(name, " has no consent for purpose ", purpose));
}

}  // namespace

absl::StatusOr<int64_t> FindConsentSubject(Store* store, const ConsentSubject& subject) {
  if (!subject.name.empty()) {
    HUB_ASSIGN_OR_RETURN(int64_t id, ParseProfileName(subject.name));
    return store->ResolveId(Side::kPerson, id);
  }
  if (subject.identifier_type.empty()) {
    return absl::InvalidArgumentError(
        "name: required (or identifier_type and identifier_value)");
  }
  HUB_ASSIGN_OR_RETURN(auto key, PersonKey(subject));
  absl::StatusOr<int64_t> id = store->FindIdentity(Side::kPerson, key.first, key.second);
  if (absl::IsNotFound(id.status())) {
    return absl::NotFoundError(
        absl::StrCat("no person holds ", key.first, " \"", key.second, "\""));
  }
  return id;
}

std::vector<hub::v1::Consent> ConsentsOf(const ConsentPolicy& policy,
                                         const std::vector<ConsentSignal>& signals,
                                         bool with_evidence) {
  std::vector<hub::v1::Consent> out;
  for (const auto& [purpose, assumed] : policy.purposes()) {
    EffectiveConsent e = policy.Decide(purpose, signals);
    hub::v1::Consent c;
    c.set_purpose(purpose);
    c.set_state(e.state);
    c.set_assumed(e.assumed);
    if (e.decided_by) {
      c.set_source(e.decided_by->source);
      *c.mutable_time() = ToProtoTime(absl::FromUnixMicros(e.decided_by->at_us));
    }
    if (with_evidence) {
      // The store orders each purpose's signals newest first.
      for (const ConsentSignal& s : signals) {
        if (s.purpose == purpose) *c.add_evidence() = ToProto(s);
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

absl::Status AttachConsent(Store* store, const ConsentPolicy& policy, absl::string_view purpose,
                           bool with_evidence, hub::v1::Profile* profile) {
  HUB_ASSIGN_OR_RETURN(int64_t id, ParseProfileName(profile->name()));
  HUB_ASSIGN_OR_RETURN(std::vector<ConsentSignal> signals, store->ConsentSignalsOf({id}));
  if (!purpose.empty() && !policy.Allows(purpose, signals)) {
    return NoConsent(profile->name(), purpose);
  }
  profile->clear_consents();
  for (hub::v1::Consent& c : ConsentsOf(policy, signals, with_evidence)) {
    *profile->add_consents() = std::move(c);
  }
  return absl::OkStatus();
}

absl::Status AttachConsents(Store* store, const ConsentPolicy& policy, absl::string_view purpose,
                            google::protobuf::RepeatedPtrField<hub::v1::Profile>* profiles) {
  std::vector<int64_t> ids;
  for (const hub::v1::Profile& p : *profiles) {
    HUB_ASSIGN_OR_RETURN(int64_t id, ParseProfileName(p.name()));
    ids.push_back(id);
  }
  if (ids.empty()) return absl::OkStatus();
  HUB_ASSIGN_OR_RETURN(std::vector<ConsentSignal> all, store->ConsentSignalsOf(ids));
  absl::flat_hash_map<int64_t, std::vector<ConsentSignal>> by_profile;
  for (ConsentSignal& s : all) by_profile[s.profile_id].push_back(std::move(s));
  google::protobuf::RepeatedPtrField<hub::v1::Profile> kept;
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::vector<ConsentSignal>& signals = by_profile[ids[i]];
    if (!purpose.empty() && !policy.Allows(purpose, signals)) continue;
    hub::v1::Profile* p = kept.Add();
    p->Swap(profiles->Mutable(static_cast<int>(i)));
    p->clear_consents();
    for (hub::v1::Consent& c : ConsentsOf(policy, signals, /*with_evidence=*/false)) {
      *p->add_consents() = std::move(c);
    }
  }
  profiles->Swap(&kept);
  return absl::OkStatus();
}

absl::StatusOr<ConsentChange> SetConsent(Store* store, const ConsentPolicy& policy,
                                         const ConsentSubject& subject,
                                         absl::string_view purpose,
                                         hub::v1::ConsentState state, const Actor& actor) {
  if (purpose.empty()) return absl::InvalidArgumentError("purpose: required");
  HUB_RETURN_IF_ERROR(policy.CheckPurpose(purpose, "purpose"));
  if (state != hub::v1::GRANTED && state != hub::v1::DENIED && state != hub::v1::REVOKED) {
    return absl::InvalidArgumentError(absl::StrCat(
        "state: want GRANTED, DENIED or REVOKED, got ", hub::v1::ConsentState_Name(state)));
  }
  if (actor.reason.empty()) {
    return absl::InvalidArgumentError(
        "reason: required to set consent (e.g. the ticket of the person's request)");
  }
  HUB_ASSIGN_OR_RETURN(int64_t live, FindConsentSubject(store, subject));
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> tx, store->BeginWrite());
  // Resolved again inside the transaction: a merge may have come between.
  HUB_ASSIGN_OR_RETURN(live, tx->ResolveId(Side::kPerson, live));
  HUB_ASSIGN_OR_RETURN(std::vector<ConsentSignal> before, tx->ConsentSignalsOf(live));
  for (const ConsentSignal& s : before) {
    if (!actor.request_id.empty() && s.origin_id == live && s.source == kApiSource &&
        s.purpose == purpose && s.state == state && s.actor.request_id == actor.request_id) {
      return ConsentChange{live, 0};  // a retry: done already
    }
  }
  ConsentSignal signal;
  signal.origin_id = live;
  signal.purpose = std::string(purpose);
  signal.state = state;
  signal.source = std::string(kApiSource);
  signal.at_us = absl::ToUnixMicros(absl::Now());
  signal.actor = actor;
  HUB_RETURN_IF_ERROR(tx->PutConsentSignal(signal).status());
  HUB_ASSIGN_OR_RETURN(std::vector<ConsentSignal> after, tx->ConsentSignalsOf(live));
  AuditEntry audit;
  audit.actor = actor;
  audit.action = "SetConsent";
  audit.target = ProfileName(live);
  audit.details = absl::StrCat(purpose, " ", StateName(state), " (effective: ",
                               StateName(policy.Decide(purpose, after).state), ")");
  HUB_ASSIGN_OR_RETURN(AuditEntry entry, tx->AppendAudit(std::move(audit)));
  HUB_RETURN_IF_ERROR(tx->NoteChange(Side::kPerson, live, "updated"));
  HUB_RETURN_IF_ERROR(tx->Commit());
  return ConsentChange{live, entry.seq};
}

}  // namespace hub
