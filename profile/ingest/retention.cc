#include "profile/ingest/retention.h"

#include <memory>
#include <utility>

#include "absl/container/btree_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "profile/base/status_macros.h"
#include "profile/ingest/subject_export.h"

namespace hub {
namespace {

// Flushes of deferred stage work one class may wait through before it
// gives up (ingest keeps deferring).
constexpr int kMaxFlushes = 100;

constexpr absl::string_view kClassNames[] = {"raw_payloads", "events", "quarantine", "audit"};

std::string TimeText(int64_t us) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", absl::FromUnixMicros(us), absl::UTCTimeZone());
}

// Folds the stage facts of purged events into their origins' retained
// facts, so that facts rebuilt from the remaining records stay the same.
absl::Status RetainFacts(WriteTransaction* tx, const StageRules& rules,
                         const std::vector<std::pair<int64_t, hub::v1::SourceRecord>>& events) {
  absl::btree_map<int64_t, PersonFacts> by_origin;
  for (const auto& [origin, record] : events) {
    auto [it, inserted] = by_origin.try_emplace(origin);
    if (inserted) {
      // Called with the origin itself, RetainedFacts answers at most its own row.
      HUB_ASSIGN_OR_RETURN(auto stored, tx->RetainedFacts(origin));
      for (const auto& [id, bytes] : stored) {
        if (id != origin) continue;
        HUB_ASSIGN_OR_RETURN(it->second, PersonFacts::Parse(bytes));
      }
    }
    it->second.Fold(record, rules);
  }
  for (const auto& [origin, facts] : by_origin) {
    HUB_RETURN_IF_ERROR(tx->PutRetainedFacts(origin, facts.Serialize()));
  }
  return absl::OkStatus();
}

std::string Details(const PurgeStep& step, const PurgeStepResult& r) {
  const absl::string_view name = kClassNames[static_cast<int>(step.data_class)];
  std::string out = absl::StrCat("purged ", r.purged, " ", name);
  if (!r.purged_by_type.empty()) {
    absl::StrAppend(&out, " (",
                    absl::StrJoin(r.purged_by_type, ", ", absl::PairFormatter(" ")), ")");
  }
  if (step.cutoff_us) absl::StrAppend(&out, " older than ", TimeText(*step.cutoff_us));
  for (const auto& [type, cutoff] : step.type_cutoff_us) {
    absl::StrAppend(&out, "; ", type, " older than ", TimeText(cutoff));
  }
  if (r.anchor_seq != 0) absl::StrAppend(&out, "; audit log anchored at entry ", r.anchor_seq);
  if (r.held != 0) absl::StrAppend(&out, "; ", r.held, " kept by legal hold");
  return out;
}

// Runs one class's steps until its rows are all looked at.
absl::Status PurgeClass(Store* store, const StageRules& rules, PurgeStep step,
                        const PurgeOptions& options, const Actor& actor, ClassPurge* out,
                        PurgeReport* report) {
  int flushes = 0;
  for (;;) {
    if (options.cancel != nullptr && options.cancel->HasBeenNotified()) {
      return absl::CancelledError("retention purge stopped (shutting down)");
    }
    if (options.alive) HUB_RETURN_IF_ERROR(options.alive());
    HUB_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> tx, store->BeginWrite());
    if (step.data_class == RetentionClass::kEvents && !step.count_only) {
      HUB_ASSIGN_OR_RETURN(int64_t pending, tx->PendingStageNotes());
      if (pending > 0) {
        // A batch deferred its stage work since: apply it, then retry.
        tx.reset();
        if (!options.flush_stages || ++flushes > kMaxFlushes) {
          return absl::FailedPreconditionError(
              "retention purge: stage work is pending (deferred by ingest); flush it first");
        }
        HUB_RETURN_IF_ERROR(options.flush_stages());
        continue;
      }
    }
    HUB_ASSIGN_OR_RETURN(PurgeStepResult r, tx->PurgeExpired(step));
    out->purged += r.purged;
    out->held += r.held;
    for (const auto& [type, n] : r.purged_by_type) report->events_by_type[type] += n;
    if (!step.count_only && r.purged > 0) {
      HUB_RETURN_IF_ERROR(RetainFacts(tx.get(), rules, r.person_events));
      HUB_ASSIGN_OR_RETURN(
          report->last_audit_seq,
          tx->Audit(actor, "PurgeExpired",
                    absl::StrCat("retention/", kClassNames[static_cast<int>(step.data_class)]),
                    Details(step, r)));
      HUB_RETURN_IF_ERROR(tx->Commit());
      ++report->transactions;
    }
    // Otherwise nothing changed: `tx` rolls back.
    if (r.done) return absl::OkStatus();
    step.after = r.next_after;
  }
}

}  // namespace

absl::StatusOr<absl::Duration> ParseRetentionAge(absl::string_view text,
                                                 absl::string_view field) {
  absl::string_view t = absl::StripAsciiWhitespace(text);
  absl::Duration age;
  int64_t days = 0;
  if (absl::ConsumeSuffix(&t, "d") && absl::SimpleAtoi(t, &days)) {
    age = absl::Hours(24) * days;
  } else if (!absl::ParseDuration(std::string(absl::StripAsciiWhitespace(text)), &age) ||
             age == absl::InfiniteDuration() || age == -absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": \"", text, "\" is not an age (e.g. \"90d\", \"36h\", \"200ms\")"));
  }
  if (age <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": \"", text, "\" must be positive (leave it unset to keep forever)"));
  }
  return age;
}

absl::StatusOr<PurgeReport> PurgeExpired(Store* store, const StageRules& rules,
                                         const RetentionPolicy& policy,
                                         const PurgeOptions& options, const Actor& actor) {
  PurgeReport report;
  report.confirmed = options.confirm;
  auto cutoff = [&](absl::Duration age) { return absl::ToUnixMicros(options.now - age); };
  PurgeStep base;
  base.limit = options.batch_rows;
  base.count_only = !options.confirm;
  struct Planned {
    PurgeStep step;
    ClassPurge* out;
  };
  std::vector<Planned> plan;
  // Raw payloads first: a preview, which deletes no event, then counts
  // exactly the payloads the purge reduces (some of them events it then
  // removes). The audit log last, after the entries this purge writes.
  auto add = [&](RetentionClass c, const std::optional<absl::Duration>& age, ClassPurge* out) {
    if (!age) return;
    PurgeStep step = base;
    step.data_class = c;
    step.cutoff_us = cutoff(*age);
    if (c == RetentionClass::kRawPayloads) step.kept_properties = StageRuleProperties();
    out->cutoff_us = *step.cutoff_us;
    plan.push_back({std::move(step), out});
  };
  add(RetentionClass::kRawPayloads, policy.raw_payloads, &report.raw_payloads);
  if (policy.events || !policy.event_types.empty()) {
    PurgeStep step = base;
    step.data_class = RetentionClass::kEvents;
    if (policy.events) step.cutoff_us = cutoff(*policy.events);
    for (const auto& [type, age] : policy.event_types) {
      step.type_cutoff_us[type] = cutoff(age);
      report.event_type_cutoff_us[type] = cutoff(age);
    }
    report.events.cutoff_us = step.cutoff_us.value_or(0);
    plan.push_back({std::move(step), &report.events});
  }
  add(RetentionClass::kQuarantine, policy.quarantine, &report.quarantine);
  add(RetentionClass::kAudit, policy.audit, &report.audit);
  for (Planned& p : plan) {
    p.out->applies = true;
    HUB_RETURN_IF_ERROR(PurgeClass(store, rules, p.step, options, actor, p.out, &report));
  }
  if (options.confirm && report.transactions == 0 && options.audit_when_empty) {
    HUB_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> tx, store->BeginWrite());
    HUB_ASSIGN_OR_RETURN(report.last_audit_seq,
                         tx->Audit(actor, "PurgeExpired", "retention",
                                   "purged nothing: nothing had expired"));
    HUB_RETURN_IF_ERROR(tx->Commit());
    ++report.transactions;
  }
  return report;
}

absl::StatusOr<LegalHold> PlaceLegalHold(Store* store, int64_t profile_id,
                                         absl::string_view type, absl::string_view value,
                                         const Actor& actor) {
  if (actor.reason.empty()) {
    return absl::InvalidArgumentError("reason: required to place a legal hold (e.g. the matter)");
  }
  if (profile_id == 0 && (type.empty() || value.empty())) {
    return absl::InvalidArgumentError(
        "profile: required, or identifier_type and identifier_value");
  }
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> tx, store->BeginWrite());
  LegalHold hold;
  hold.reason = actor.reason;
  hold.who = actor.principal;
  if (profile_id != 0) {
    // Kept as named: while it is merged away, the hold is on its survivor.
    HUB_RETURN_IF_ERROR(tx->ResolveId(Side::kPerson, profile_id).status());
    hold.profile_id = profile_id;
    hold.subject = absl::StrCat("profiles/", profile_id);
  } else {
    HUB_ASSIGN_OR_RETURN(hold.profile_id, FindSubject(tx.get(), type, value));
    hold.subject = absl::StrCat(type, ":", value);
  }
  HUB_ASSIGN_OR_RETURN(LegalHold placed, tx->PlaceLegalHold(std::move(hold)));
  HUB_RETURN_IF_ERROR(tx->Audit(actor, "PlaceLegalHold",
                                absl::StrCat("profiles/", placed.profile_id),
                                absl::StrCat("placed legalHolds/", placed.seq))
                          .status());
  HUB_RETURN_IF_ERROR(tx->Commit());
  return placed;
}

absl::StatusOr<LegalHold> ReleaseLegalHold(Store* store, int64_t seq, const Actor& actor) {
  if (actor.reason.empty()) {
    return absl::InvalidArgumentError("reason: required to release a legal hold");
  }
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> tx, store->BeginWrite());
  HUB_ASSIGN_OR_RETURN(LegalHold released, tx->ReleaseLegalHold(seq, actor.principal));
  HUB_RETURN_IF_ERROR(tx->Audit(actor, "ReleaseLegalHold",
                                absl::StrCat("profiles/", released.profile_id),
                                absl::StrCat("released legalHolds/", seq))
                          .status());
  HUB_RETURN_IF_ERROR(tx->Commit());
  return released;
}

absl::Status RefuseIfHeld(int64_t live, const std::vector<LegalHold>& holds) {
  if (holds.empty()) return absl::OkStatus();
  std::vector<std::string> names;
  for (const LegalHold& h : holds) {
    names.push_back(absl::StrCat("legalHolds/", h.seq, " (", h.reason, ", placed by ", h.who,
                                 " on ", TimeText(h.at_us), ")"));
  }
  return absl::FailedPreconditionError(
      absl::StrCat("profiles/", live, " is under legal hold: ", absl::StrJoin(names, ", "),
                   "; release the hold before erasing"));
}

}  // namespace hub
