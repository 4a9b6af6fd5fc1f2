#include "profile/ingest/ingester.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "profile/base/hash.h"
#include "profile/base/proto_bytes.h"
#include "profile/base/status_macros.h"
#include "profile/base/time_util.h"
#include "profile/consent/consent_signals.h"
#include "profile/identity/identifier.h"
#include "profile/identity/merge_ledger.h"
#include "profile/identity/resolver.h"
#include "profile/lifecycle/stage_tracker.h"
#include "profile/survivorship/trait_updates.h"

namespace hub {
namespace {

int64_t Micros(const google::protobuf::Timestamp& ts) {
  return absl::ToUnixMicros(FromProtoTime(ts));
}

RecordKey KeyOf(const hub::v1::SourceRecord& r) {
  return RecordKey{r.source(), r.entity(), r.external_id()};
}

// Loads the candidates of live person `id` (its block-key neighbours that
// are live, not `id`, and not kept apart from it), with their values.
absl::StatusOr<std::vector<ProfileMatcher::Candidate>> LoadCandidates(
    WriteTransaction* tx, const ProfileMatcher& matcher, int64_t id,
    const std::vector<uint64_t>& keys) {
  HUB_ASSIGN_OR_RETURN(std::vector<int64_t> raw,
                       tx->MatchCandidates(keys, matcher.max_block_size()));
  std::vector<ProfileMatcher::Candidate> out;
  std::vector<int64_t> seen = {id};
  for (int64_t c : raw) {
    HUB_ASSIGN_OR_RETURN(int64_t live, tx->ResolveId(Side::kPerson, c));
    if (std::find(seen.begin(), seen.end(), live) != seen.end()) continue;
    seen.push_back(live);
    HUB_ASSIGN_OR_RETURN(bool apart, tx->IsDoNotLinked(Side::kPerson, id, live));
    if (apart) continue;
    HUB_ASSIGN_OR_RETURN(std::vector<NamedTrait> traits, tx->GetTraits(live));
    HUB_ASSIGN_OR_RETURN(int64_t account, tx->CurrentAccount(live));
    out.push_back(ProfileMatcher::Candidate{live, matcher.ValuesOf(traits, account)});
  }
  return out;
}

// Refreshes live person `id`'s block keys; returns its values and keys.
absl::StatusOr<std::pair<ProfileMatcher::Values, std::vector<uint64_t>>> RefreshKeys(
    WriteTransaction* tx, const ProfileMatcher& matcher, int64_t id) {
  HUB_ASSIGN_OR_RETURN(std::vector<NamedTrait> traits, tx->GetTraits(id));
  HUB_ASSIGN_OR_RETURN(int64_t account, tx->CurrentAccount(id));
  ProfileMatcher::Values values = matcher.ValuesOf(traits, account);
  std::vector<uint64_t> keys = matcher.BlockKeys(values);
  HUB_RETURN_IF_ERROR(tx->SetMatchKeys(id, keys));
  return std::make_pair(std::move(values), std::move(keys));
}

// The write-path probabilistic pass over the person profiles a batch
// touched (see Ingester's constructor).
absl::Status MatchProfiles(WriteTransaction* tx, const ProfileMatcher& matcher,
                           const SurvivorshipPolicy& survivorship,
                           const std::vector<int64_t>& touched, StageTracker* stages,
                           IngestStats* stats) {
  absl::flat_hash_set<int64_t> done;
  for (int64_t placed : touched) {
    HUB_ASSIGN_OR_RETURN(int64_t id, tx->ResolveId(Side::kPerson, placed));
    if (!done.insert(id).second) continue;
    HUB_ASSIGN_OR_RETURN(auto mine, RefreshKeys(tx, matcher, id));
    HUB_ASSIGN_OR_RETURN(std::vector<ProfileMatcher::Candidate> candidates,
                         LoadCandidates(tx, matcher, id, mine.second));
    if (candidates.empty()) continue;
    std::vector<ProfileMatcher::Score> scores = matcher.ScoreAll(mine.first, candidates);
    const ProfileMatcher::Score* best = nullptr;
    for (const ProfileMatcher::Score& s : scores) {
      if (best == nullptr || s.probability > best->probability) best = &s;
    }
    for (const ProfileMatcher::Score& s : scores) {
      if (&s == best && s.probability >= matcher.upper_threshold()) continue;
      if (s.probability < matcher.lower_threshold()) continue;
      MergeSuggestion suggestion;
      suggestion.a = std::min(id, s.id);
      suggestion.b = std::max(id, s.id);
      suggestion.score = s.probability;
      suggestion.explanation = s.explanation;
      HUB_ASSIGN_OR_RETURN(bool added, tx->AddMergeSuggestion(suggestion));
      stats->suggested += added;
    }
    if (best->probability < matcher.upper_threshold()) continue;
    MergeEntry entry;
    entry.side = Side::kPerson;
    entry.winner = std::min(id, best->id);
    entry.loser = std::max(id, best->id);
    entry.rule = "probabilistic";
    entry.score = best->probability;
    HUB_RETURN_IF_ERROR(ApplyMerge(tx, survivorship, entry, stages));
    HUB_RETURN_IF_ERROR(tx->SetMatchKeys(entry.loser, {}));
    HUB_RETURN_IF_ERROR(RefreshKeys(tx, matcher, entry.winner).status());
    ++stats->merges;
    ++stats->matched;
    done.insert(entry.winner);
  }
  return absl::OkStatus();
}

// Applies one record inside a transaction.
class RecordApplier {
 public:
  RecordApplier(WriteTransaction* tx, const IdentityPolicy* policy,
                const SurvivorshipPolicy* survivorship, StageTracker* stages,
                IngestStats* stats)
      : tx_(tx), policy_(policy), survivorship_(survivorship), stages_(stages),
        stats_(stats) {}

  absl::Status Apply(const hub::v1::SourceRecord& r, const ValidatedRecord& v,
                     std::string payload, uint64_t hash,
                     const std::optional<RecordInfo>& previous) {
    RecordPlacement stored;
    stored.payload = std::move(payload);
    stored.content_hash = hash;
    stored.replaces = previous.has_value();
    RecordRole role = RoleOf(r.entity());
    if (role != RecordRole::kAccountEvent) {
      Side side = role == RecordRole::kAccount ? Side::kAccount : Side::kPerson;
      HUB_ASSIGN_OR_RETURN(Placed placed, ResolveIdentity(side, v.identifiers, previous, r));
      stored.profile_id = placed.id;
      stored.origin_id = placed.origin;
    }
    HUB_ASSIGN_OR_RETURN(int64_t linked_account, LinkedAccount(v, r));
    if (role == RecordRole::kAccountEvent) {
      HUB_ASSIGN_OR_RETURN(Placed person, LinkedPerson(v));
      stored.profile_id = person.id;
      stored.origin_id = person.origin;
      stored.account_id = linked_account;
    } else if (role == RecordRole::kPerson) {
      HUB_ASSIGN_OR_RETURN(stored.account_id,
                           PersonAccount(stored, v, r, linked_account));
    }
    HUB_ASSIGN_OR_RETURN(int64_t seq, tx_->PutRecord(r, stored));
    NoteStages(role, r, stored, previous.has_value(), seq);
    if (role == RecordRole::kPerson && stored.profile_id != 0) {
      HUB_RETURN_IF_ERROR(PutConsentSignals(r, stored));
    }
    if (role == RecordRole::kAccount && !r.deleted()) {
      HUB_RETURN_IF_ERROR(LinkWaitingPersons(v));
    }
    if (role != RecordRole::kAccountEvent && !IsActivity(r.entity())) {
      HUB_RETURN_IF_ERROR(ApplyRecordTraits(tx_, *survivorship_, stored.profile_id,
                                            r, previous.has_value()));
    }
    if (role == RecordRole::kPerson && !IsActivity(r.entity()) && stored.profile_id != 0) {
      touched_persons_.push_back(stored.profile_id);
    }
    if (stored.profile_id != 0) {
      Side side = role == RecordRole::kAccount ? Side::kAccount : Side::kPerson;
      HUB_RETURN_IF_ERROR(tx_->NoteChange(side, stored.profile_id, "updated"));
    }
    return absl::OkStatus();
  }

  // Stores the consent signals the record carries, as its origin's: they
  // follow that profile through merges and unmerges. One indexed upsert per
  // signal; most records carry none.
  absl::Status PutConsentSignals(const hub::v1::SourceRecord& r, const RecordPlacement& stored) {
    for (ConsentSignal& signal : ConsentSignalsOf(r)) {
      signal.origin_id = stored.origin_id != 0 ? stored.origin_id : stored.profile_id;
      HUB_RETURN_IF_ERROR(tx_->PutConsentSignal(signal).status());
    }
    return absl::OkStatus();
  }

  // Tells the lifecycle what a stored record can change.
  void NoteStages(RecordRole role, const hub::v1::SourceRecord& r,
                  const RecordPlacement& stored, bool revision, int64_t seq) {
    if (stages_ == nullptr) return;
    switch (role) {
      case RecordRole::kAccount:
        stages_->TouchAccountTraits(stored.profile_id);
        break;
      case RecordRole::kAccountEvent:
        stages_->TouchAccountOpportunities(stored.account_id);
        break;
      default:
        if (revision || r.deleted()) {
          stages_->Rebuild(stored.profile_id);
        } else {
          stages_->AddPersonRecord(stored.profile_id, &r, seq);
        }
    }
  }

  // The person profiles whose traits the applied records offered, in
  // order (with repeats; ids as placed, possibly merged away since).
  const std::vector<int64_t>& touched_persons() const { return touched_persons_; }

 private:
  // Where a record goes: a live profile, and the record's origin (the
  // profile it belongs to on its own; see RecordPlacement::origin_id).
  struct Placed {
    int64_t id = 0;
    int64_t origin = 0;
  };

  // Resolves the record's identity. Its origin is its earlier revision's, or
  // the origin of the highest-priority identifier that joined it to a
  // profile, or the new profile.
  absl::StatusOr<Placed> ResolveIdentity(Side side, const std::vector<Key>& ids,
                                         const std::optional<RecordInfo>& previous_info,
                                         const hub::v1::SourceRecord& r) {
    int64_t previous = previous_info ? previous_info->profile_id : 0;
    std::vector<IdentifierMatch> matches;
    for (const Key& k : ids) {
      // A hot value links nothing (it was reported when it was flagged).
      HUB_ASSIGN_OR_RETURN(bool hot, tx_->IsHot(side, k.type, k.value));
      if (hot) continue;
      HUB_ASSIGN_OR_RETURN(std::optional<int64_t> holder,
                           tx_->FindIdentity(side, k.type, k.value));
      matches.push_back(IdentifierMatch{k, holder});
    }
    absl::Status lookup_status;
    auto counts = [&](int64_t id) -> TypeCounts {
      absl::StatusOr<TypeCounts> c = tx_->IdentityCounts(id);
      if (!c.ok()) lookup_status.Update(c.status());
      return c.ok() ? *std::move(c) : TypeCounts();
    };
    auto kept_apart = [&](int64_t a, int64_t b) {
      absl::StatusOr<bool> apart = tx_->IsDoNotLinked(side, a, b);
      if (!apart.ok()) lookup_status.Update(apart.status());
      return apart.ok() && *apart;
    };
    ResolveDecision d = Resolve(std::move(matches), previous, *policy_, counts, kept_apart);
    HUB_RETURN_IF_ERROR(lookup_status);
    int64_t origin = previous_info ? previous_info->origin_id : 0;
    if (origin == 0 && d.anchor) {
      HUB_ASSIGN_OR_RETURN(std::optional<int64_t> anchor,
                           tx_->IdentityOrigin(side, d.anchor->type, d.anchor->value));
      origin = anchor.value_or(0);
    }
    if (d.target == 0) {
      HUB_ASSIGN_OR_RETURN(d.target, tx_->CreateProfile(side));
      if (stages_ != nullptr && side == Side::kPerson) stages_->Created(d.target);
      ++(side == Side::kPerson ? stats_->profiles_created : stats_->accounts_created);
    }
    for (Refusal& refused : d.refusals) {
      // A steward's constraint says nothing about the value being junk.
      bool kept_apart_by_steward = refused.reason == kDoNotLinkReason;
      HUB_RETURN_IF_ERROR(tx_->AddRefusal(RefusalEntry{
          side, refused.key.type, refused.key.value, refused.holder, d.target,
          std::move(refused.reason), KeyOf(r)}));
      ++stats_->refusals;
      if (!kept_apart_by_steward) HUB_RETURN_IF_ERROR(FlagIfHot(side, refused.key, r));
    }
    for (const auto& [loser, type] : d.merge) {
      HUB_RETURN_IF_ERROR(MergeInto(side, d.target, loser, type, r));
    }
    if (origin == 0) origin = d.target;
    for (const Key& k : d.attach) {
      HUB_RETURN_IF_ERROR(
          tx_->AddIdentity(side, k.type, k.value, d.target, r.source(), origin));
    }
    return Placed{d.target, origin};
  }

  // Flags `key` hot once it has been seen on more profiles than the policy
  // allows, and reports that in the refusal log.
  absl::Status FlagIfHot(Side side, const Key& key, const hub::v1::SourceRecord& r) {
    HUB_ASSIGN_OR_RETURN(int seen, tx_->ProfilesSeenWith(side, key.type, key.value));
    if (seen <= policy_->hot_threshold()) return absl::OkStatus();
    HUB_ASSIGN_OR_RETURN(bool hot, tx_->IsHot(side, key.type, key.value));
    if (hot) return absl::OkStatus();
    HUB_RETURN_IF_ERROR(tx_->MarkHot(side, key.type, key.value, seen));
    HUB_ASSIGN_OR_RETURN(std::optional<int64_t> holder,
                         tx_->FindIdentity(side, key.type, key.value));
    return tx_->AddRefusal(RefusalEntry{
        side, key.type, key.value, holder.value_or(0), 0,
        absl::StrCat("flagged hot: seen on ", seen, " profiles (more than ",
                     policy_->hot_threshold(), "); it no longer links"),
        KeyOf(r)});
  }

  absl::Status MergeInto(Side side, int64_t winner, int64_t loser,
                         const std::string& type, const hub::v1::SourceRecord& r) {
    MergeEntry e;
    e.side = side;
    e.winner = winner;
    e.loser = loser;
    e.rule = absl::StrCat("deterministic:", type);
    e.record = KeyOf(r);
    HUB_RETURN_IF_ERROR(ApplyMerge(tx_, *survivorship_, e, stages_));
    ++stats_->merges;
    return absl::OkStatus();
  }

  // The account named by an "account" link (the account its identifier came
  // from: links follow merges by forwarding); created if unknown, so that a
  // record arriving before its account still attaches to it later.
  absl::StatusOr<int64_t> LinkedAccount(const ValidatedRecord& v,
                                        const hub::v1::SourceRecord& r) {
    for (const ResolvedLink& link : v.links) {
      if (link.relation != "account") continue;
      HUB_ASSIGN_OR_RETURN(std::optional<int64_t> holder,
                           tx_->IdentityOrigin(Side::kAccount, link.target.type,
                                               link.target.value));
      if (holder) return *holder;
      HUB_ASSIGN_OR_RETURN(int64_t id, tx_->CreateProfile(Side::kAccount));
      ++stats_->accounts_created;
      HUB_RETURN_IF_ERROR(tx_->AddIdentity(Side::kAccount, link.target.type,
                                           link.target.value, id, r.source(), id));
      return id;
    }
    return 0;
  }

  // Links the persons waiting for a domain this account record carries (their
  // work email's domain had no holder when they arrived): the same link as
  // if the account had come first.
  absl::Status LinkWaitingPersons(const ValidatedRecord& v) {
    for (const Key& k : v.identifiers) {
      if (k.type != "domain") continue;
      HUB_ASSIGN_OR_RETURN(std::optional<int64_t> holder,
                           tx_->IdentityOrigin(Side::kAccount, "domain", k.value));
      if (!holder) continue;  // refused by the policy: links nobody
      HUB_ASSIGN_OR_RETURN(auto waits, tx_->TakeDomainWaits(k.value));
      for (const auto& [origin, observed] : waits) {
        HUB_ASSIGN_OR_RETURN(int64_t person, tx_->ResolveId(Side::kPerson, origin));
        HUB_RETURN_IF_ERROR(tx_->SetAccount(person, *holder, observed, origin));
        if (stages_ != nullptr) stages_->AccountChanged(person);
      }
    }
    return absl::OkStatus();
  }

  // The person named by a "person" link, if Hub knows it (never created),
  // with the origin of the linking identifier.
  absl::StatusOr<Placed> LinkedPerson(const ValidatedRecord& v) {
    for (const ResolvedLink& link : v.links) {
      if (link.relation != "person") continue;
      HUB_ASSIGN_OR_RETURN(std::optional<int64_t> holder,
                           tx_->FindIdentity(Side::kPerson, link.target.type,
                                             link.target.value));
      if (!holder) continue;
      HUB_ASSIGN_OR_RETURN(std::optional<int64_t> origin,
                           tx_->IdentityOrigin(Side::kPerson, link.target.type,
                                               link.target.value));
      return Placed{*holder, origin.value_or(*holder)};
    }
    return Placed{};
  }

  // A person record sets its person's current account (by explicit link, else
  // by a known account owning its work-email domain). An activity keeps only
  // an explicit account link; otherwise readers attribute it to its person's
  // current account, so an account change needs no rewrite of events.
  absl::StatusOr<int64_t> PersonAccount(const RecordPlacement& person,
                                        const ValidatedRecord& v,
                                        const hub::v1::SourceRecord& r,
                                        int64_t linked) {
    if (IsActivity(r.entity())) return linked;
    int64_t account = linked;
    std::vector<std::string> unheld;  // work-email domains no account holds yet
    if (account == 0) {
      for (const Key& k : v.identifiers) {
        if (k.type != "email") continue;
        absl::string_view domain = EmailDomain(k.value);
        if (IsFreeMailDomain(domain)) continue;
        HUB_ASSIGN_OR_RETURN(std::optional<int64_t> holder,
                             tx_->IdentityOrigin(Side::kAccount, "domain",
                                                 std::string(domain)));
        if (holder) {
          account = *holder;
          break;
        }
        unheld.emplace_back(domain);
      }
    }
    if (account == 0 && !r.deleted()) {
      // Linked when an account gains the domain (LinkWaitingPersons).
      for (const std::string& domain : unheld) {
        HUB_RETURN_IF_ERROR(tx_->AddDomainWait(
            domain, person.origin_id != 0 ? person.origin_id : person.profile_id,
            Micros(r.updated_at())));
      }
    }
    if (account != 0 && !r.deleted()) {
      HUB_RETURN_IF_ERROR(tx_->SetAccount(person.profile_id, account,
                                          Micros(r.updated_at()), person.origin_id));
    }
    return account;
  }

  WriteTransaction* tx_;
  const IdentityPolicy* policy_;
  const SurvivorshipPolicy* survivorship_;
  StageTracker* stages_;
  IngestStats* stats_;
  std::vector<int64_t> touched_persons_;
};

}  // namespace

IngestStats& IngestStats::operator+=(const IngestStats& o) {
  read += o.read;
  ingested += o.ingested;
  unchanged += o.unchanged;
  quarantined += o.quarantined;
  suppressed += o.suppressed;
  profiles_created += o.profiles_created;
  accounts_created += o.accounts_created;
  merges += o.merges;
  refusals += o.refusals;
  matched += o.matched;
  suggested += o.suggested;
  return *this;
}

uint64_t ContentHash(const hub::v1::SourceRecord& record) {
  return Fnv1a64(SerializeDeterministic(record));
}

absl::StatusOr<IngestStats> Ingester::IngestBatch(
    std::vector<hub::v1::SourceRecord> records, const std::string& source_id,
    const std::string& cursor) {
  return Apply(Prepare(std::move(records)), source_id, cursor);
}

void Ingester::DropBlocked(const hub::v1::SourceRecord& r,
                           absl::StatusOr<ValidatedRecord>* v) const {
  auto blocked = [this](const Key& k) { return policy_.Blocked(k.value); };
  std::vector<Key>& ids = (*v)->identifiers;
  ids.erase(std::remove_if(ids.begin(), ids.end(), blocked), ids.end());
  std::vector<ResolvedLink>& links = (*v)->links;
  links.erase(std::remove_if(links.begin(), links.end(),
                             [&](const ResolvedLink& l) { return blocked(l.target); }),
              links.end());
  if (ids.empty() && RoleOf(r.entity()) != RecordRole::kAccountEvent) {
    *v = absl::InvalidArgumentError(
        "identifiers: every identifier matches a blocked pattern");
  }
}

PreparedBatch Ingester::Prepare(
    std::vector<hub::v1::SourceRecord> records) const {
  absl::Time now = absl::Now();
  PreparedBatch batch;
  batch.items.reserve(records.size());
  for (hub::v1::SourceRecord& r : records) {
    PreparedBatch::Item item{std::move(r), absl::UnknownError("unset"), "", 0};
    item.payload = SerializeDeterministic(item.record);
    item.content_hash = Fnv1a64(item.payload);
    item.validated = ValidateRecord(item.record, now, limits_);
    if (item.validated.ok()) DropBlocked(item.record, &item.validated);
    batch.items.push_back(std::move(item));
  }
  return batch;
}

namespace {

// True if `r` describes (or is the activity of) a person whose identifier an
// erasure put on the suppression list: the record is dropped, so the
// erased subject never comes back. Account records and opportunities are
// not a person's; a link of theirs to an erased person finds no one.
absl::StatusOr<bool> Suppressed(WriteTransaction* tx, const hub::v1::SourceRecord& r,
                                const ValidatedRecord& v) {
  if (RoleOf(r.entity()) != RecordRole::kPerson) return false;
  for (const Key& id : v.identifiers) {
    HUB_ASSIGN_OR_RETURN(bool suppressed, tx->IsSuppressed(id.type, id.value));
    if (suppressed) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<IngestStats> Ingester::Apply(PreparedBatch batch,
                                            const std::string& source_id,
                                            const std::string& cursor,
                                            const BatchHook& hook) {
  IngestStats stats;
  absl::MutexLock pending_lock(&pending_mu_);
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> tx, store_->BeginWrite());
  std::optional<StageTracker> stages;
  if (stage_rules_) {
    stages.emplace(&*stage_rules_);
    stages->set_known_records(&pending_records_);
  }
  RecordApplier applier(tx.get(), &policy_, &survivorship_, stages ? &*stages : nullptr,
                        &stats);
  for (PreparedBatch::Item& item : batch.items) {
    ++stats.read;
    const hub::v1::SourceRecord& r = item.record;
    if (!item.validated.ok()) {
      QuarantineEntry entry;
      entry.record = r;
      entry.content_hash = item.content_hash;
      entry.reason = std::string(item.validated.status().message());
      SanitizeUtf8(&entry.record);
      SanitizeUtf8(&entry.reason);
      HUB_ASSIGN_OR_RETURN(bool added, tx->Quarantine(entry));
      ++(added ? stats.quarantined : stats.unchanged);
      continue;
    }
    HUB_ASSIGN_OR_RETURN(bool suppressed, Suppressed(tx.get(), r, *item.validated));
    if (suppressed) {
      ++stats.suppressed;
      continue;
    }
    HUB_ASSIGN_OR_RETURN(std::optional<RecordInfo> previous, tx->FindRecord(KeyOf(r)));
    // An identical or older revision changes nothing; of two revisions with
    // one updated_at, the higher content hash wins, whatever their order.
    int64_t updated = Micros(r.updated_at());
    uint64_t hash = item.content_hash;
    if (previous && (previous->content_hash == hash ||
                     previous->updated_us > updated ||
                     (previous->updated_us == updated &&
                      previous->content_hash > hash))) {
      ++stats.unchanged;
      continue;
    }
    HUB_RETURN_IF_ERROR(applier.Apply(r, *item.validated, std::move(item.payload),
                                      hash, previous));
    ++stats.ingested;
  }
  if (matcher_) {
    HUB_RETURN_IF_ERROR(MatchProfiles(tx.get(), *matcher_, survivorship_,
                                      applier.touched_persons(),
                                      stages ? &*stages : nullptr, &stats));
  }
  bool defer = false;
  if (stages) {
    if (stage_window_ > 0) {
      HUB_ASSIGN_OR_RETURN(int64_t pending, tx->PendingStageNotes());
      defer = pending + static_cast<int64_t>(stages->notes()) < stage_window_;
    }
    HUB_RETURN_IF_ERROR(defer ? stages->Defer(tx.get()) : stages->Apply(tx.get()));
  }
  if (!source_id.empty()) HUB_RETURN_IF_ERROR(tx->SaveCursor(source_id, cursor));
  if (hook) HUB_RETURN_IF_ERROR(hook(tx.get(), stats));
  HUB_RETURN_IF_ERROR(tx->Commit());
  if (defer) {
    // Committed notes: keep their records for the batch that applies them
    // (moved: they point into `batch`, which is ours and done with).
    for (const auto& [seq, record] : stages->noted_records()) {
      pending_records_.emplace(seq, std::move(*const_cast<hub::v1::SourceRecord*>(record)));
    }
  } else if (stages) {
    pending_records_.clear();  // every note is applied
  }
  return stats;
}

absl::Status Ingester::FlushStages() {
  if (!stage_rules_) return absl::OkStatus();
  absl::MutexLock pending_lock(&pending_mu_);
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> tx, store_->BeginWrite());
  HUB_ASSIGN_OR_RETURN(int64_t pending, tx->PendingStageNotes());
  if (pending == 0) {
    pending_records_.clear();  // applied by another writer (a merge)
    return absl::OkStatus();   // nothing written: rolled back
  }
  StageTracker stages(&*stage_rules_);
  stages.set_known_records(&pending_records_);
  HUB_RETURN_IF_ERROR(stages.Apply(tx.get()));
  HUB_RETURN_IF_ERROR(tx->Commit());
  pending_records_.clear();
  return absl::OkStatus();
}

}  // namespace hub
