#include "profile/store/sqlite_lifecycle.h"

#include <algorithm>

#include "profile/base/fixed64.h"
#include "profile/base/status_macros.h"
#include "profile/store/sqlite_internal.h"

namespace hub {
namespace sqlite_internal {

using sqlite::Connection;
using sqlite::ScopedReset;
using sqlite::Statement;

absl::StatusOr<std::vector<hub::v1::SourceRecord>> ReadRecords(Statement* s) {
  std::vector<hub::v1::SourceRecord> out;
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    HUB_ASSIGN_OR_RETURN(hub::v1::SourceRecord r,
                         Parse<hub::v1::SourceRecord>(s->Text(0), "record"));
    out.push_back(std::move(r));
  }
  return out;
}

namespace {

// A history as 32 bytes per transition: at, stage, left, reached, each a
// little-endian int64.
// Opportunities as 32 bytes each: created, closed, flags (won 1, renewal 2,
// upsell 4), amount in cents.
std::string EncodeOpportunities(const std::vector<StoredOpportunity>& opps) {
  std::string out;
  out.reserve(opps.size() * 32);
  for (const StoredOpportunity& o : opps) {
    PutFixed64(&out, o.created_us);
    PutFixed64(&out, o.closed_us);
    PutFixed64(&out, (o.won ? 1 : 0) | (o.renewal ? 2 : 0) | (o.upsell ? 4 : 0));
    PutFixed64(&out, o.amount_cents);
  }
  return out;
}

absl::StatusOr<std::vector<StoredOpportunity>> DecodeOpportunities(const std::string& bytes) {
  if (bytes.size() % 32 != 0) return absl::DataLossError("stage opportunities: malformed");
  std::vector<StoredOpportunity> out(bytes.size() / 32);
  for (size_t i = 0; i < out.size(); ++i) {
    const char* p = bytes.data() + 32 * i;
    const int64_t flags = DecodeFixed64(p + 16);
    out[i] = {DecodeFixed64(p), DecodeFixed64(p + 8), (flags & 1) != 0, (flags & 2) != 0,
              (flags & 4) != 0, DecodeFixed64(p + 24)};
  }
  return out;
}

std::string EncodeHistory(const std::vector<StoredTransition>& history) {
  std::string out;
  out.reserve(history.size() * 32);
  for (const StoredTransition& t : history) {
    for (int64_t v : {t.at_us, int64_t{t.stage}, t.left_us, t.reached_us}) PutFixed64(&out, v);
  }
  return out;
}

std::string EncodeCounted(const std::vector<CountedItem>& items) {
  std::string out;
  out.reserve(items.size() * 32);
  for (const CountedItem& c : items) {
    PutFixed64(&out, c.day);
    PutFixed64(&out, static_cast<int64_t>(c.fields));
    PutFixed64(&out, c.aux);
    PutFixed64(&out, c.n);
  }
  return out;
}

absl::StatusOr<std::vector<CountedItem>> DecodeCounted(const std::string& bytes) {
  if (bytes.size() % 32 != 0) return absl::DataLossError("stage counted items: malformed");
  std::vector<CountedItem> out(bytes.size() / 32);
  for (size_t i = 0; i < out.size(); ++i) {
    const char* p = bytes.data() + 32 * i;
    out[i].day = DecodeFixed64(p);
    out[i].fields = static_cast<uint64_t>(DecodeFixed64(p + 8));
    out[i].aux = DecodeFixed64(p + 16);
    out[i].n = DecodeFixed64(p + 24);
  }
  return out;
}

absl::StatusOr<std::vector<StoredTransition>> DecodeHistory(const std::string& bytes) {
  if (bytes.size() % 32 != 0) return absl::DataLossError("stage history: malformed");
  std::vector<StoredTransition> out(bytes.size() / 32);
  const char* p = bytes.data();
  auto next = [&p]() {
    const int64_t v = DecodeFixed64(p);
    p += 8;
    return v;
  };
  for (StoredTransition& t : out) {
    t.at_us = next();
    t.stage = static_cast<int>(next());
    t.left_us = next();
    t.reached_us = next();
  }
  return out;
}

}  // namespace

absl::StatusOr<std::optional<StageState>> GetStageState(Connection* conn, int64_t id) {
  HUB_ASSIGN_OR_RETURN(Statement * s,
                       conn->Prepare("SELECT side, facts, account_id, segments, history, "
                                     "opportunities, counted FROM stage_state WHERE "
                                     "profile_id=?"));
  ScopedReset reset(s);
  s->Bind(1, id);
  HUB_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<StageState>();
  StageState state;
  state.side = s->Int(0) == 0 ? Side::kPerson : Side::kAccount;
  state.facts = s->Text(1);
  state.account_id = s->Int(2);
  state.segments = s->Text(3);
  HUB_ASSIGN_OR_RETURN(state.history, DecodeHistory(s->Text(4)));
  HUB_ASSIGN_OR_RETURN(state.opportunities, DecodeOpportunities(s->Text(5)));
  HUB_ASSIGN_OR_RETURN(state.counted, DecodeCounted(s->Text(6)));
  return std::optional<StageState>(std::move(state));
}

absl::Status PutStageState(Connection* conn, int64_t id, const StageState& state) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("INSERT OR REPLACE INTO stage_state(profile_id, side, facts, "
                    "account_id, segments, history, opportunities, counted, stage) "
                    "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ScopedReset reset(s);
  return s->Bind(1, id)
      .Bind(2, static_cast<int64_t>(state.side))
      .BindBlob(3, state.facts)
      .Bind(4, state.account_id)
      .Bind(5, state.segments)
      .BindBlob(6, EncodeHistory(state.history))
      .BindBlob(7, EncodeOpportunities(state.opportunities))
      .BindBlob(8, EncodeCounted(state.counted))
      .Bind(9, int64_t{state.history.empty() ? 0 : state.history.back().stage})
      .Run();
}

absl::Status DeleteStageState(Connection* conn, int64_t id) {
  HUB_ASSIGN_OR_RETURN(Statement * s,
                       conn->Prepare("DELETE FROM stage_state WHERE profile_id=?"));
  ScopedReset reset(s);
  return s->Bind(1, id).Run();
}

absl::StatusOr<std::vector<hub::v1::SourceRecord>> PersonRecordsOf(Connection* conn,
                                                                   int64_t id) {
  HUB_ASSIGN_OR_RETURN(Statement * s,
                       conn->Prepare("SELECT payload FROM records WHERE profile_id=? "
                                     "AND entity<>4 AND deleted=0"));
  ScopedReset reset(s);
  s->Bind(1, id);
  return ReadRecords(s);
}

absl::StatusOr<std::vector<hub::v1::SourceRecord>> OpportunitiesOf(Connection* conn,
                                                                   int64_t account_id) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("SELECT payload FROM records INDEXED BY records_opportunities WHERE "
                    "account_id IN (SELECT id FROM profiles WHERE id=?1 OR forward_to=?1) "
                    "AND entity=4 AND deleted=0 ORDER BY seq"));
  ScopedReset reset(s);
  s->Bind(1, account_id);
  return ReadRecords(s);
}

absl::StatusOr<std::vector<int64_t>> MembersOf(Connection* conn, int64_t account_id) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      // "+side": look members up by account, never scan the live persons.
      conn->Prepare("SELECT id FROM profiles WHERE account_id IN (SELECT id FROM "
                    "profiles WHERE id=?1 OR forward_to=?1) AND forward_to IS NULL "
                    "AND +side=0"));
  ScopedReset reset(s);
  s->Bind(1, account_id);
  std::vector<int64_t> out;
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(s->Int(0));
  }
  std::sort(out.begin(), out.end());
  return out;
}

absl::Status AddDomainWait(Connection* conn, const std::string& domain, int64_t origin_id,
                           int64_t observed_us) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("INSERT INTO domain_waits(domain, person, observed_us) VALUES(?1, ?2, ?3) "
                    "ON CONFLICT(domain, person) DO UPDATE SET observed_us=max(observed_us, ?3)"));
  ScopedReset reset(s);
  return s->Bind(1, domain).Bind(2, origin_id).Bind(3, observed_us).Run();
}

absl::StatusOr<std::vector<std::pair<int64_t, int64_t>>> TakeDomainWaits(
    Connection* conn, const std::string& domain) {
  std::vector<std::pair<int64_t, int64_t>> out;
  {
    HUB_ASSIGN_OR_RETURN(
        Statement * s,
        conn->Prepare("SELECT person, observed_us FROM domain_waits WHERE domain=?"));
    ScopedReset reset(s);
    s->Bind(1, domain);
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.emplace_back(s->Int(0), s->Int(1));
    }
  }
  if (out.empty()) return out;
  HUB_ASSIGN_OR_RETURN(Statement * s, conn->Prepare("DELETE FROM domain_waits WHERE domain=?"));
  ScopedReset reset(s);
  HUB_RETURN_IF_ERROR(s->Bind(1, domain).Run());
  return out;
}

absl::StatusOr<std::vector<std::pair<int64_t, hub::v1::SourceRecord>>> RecordsBySeq(
    Connection* conn, const std::vector<int64_t>& seqs) {
  HUB_ASSIGN_OR_RETURN(Statement * s, conn->Prepare("SELECT payload FROM records WHERE seq=?"));
  std::vector<int64_t> sorted = seqs;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::vector<std::pair<int64_t, hub::v1::SourceRecord>> out;
  out.reserve(sorted.size());
  for (int64_t seq : sorted) {
    ScopedReset reset(s);
    s->Bind(1, seq);
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) continue;
    HUB_ASSIGN_OR_RETURN(hub::v1::SourceRecord r,
                         Parse<hub::v1::SourceRecord>(s->Text(0), "record"));
    out.emplace_back(seq, std::move(r));
  }
  return out;
}

absl::Status AddStageNotes(Connection* conn, const std::vector<StageNote>& notes) {
  if (notes.empty()) return absl::OkStatus();
  // One row per call (a batch): a blob instead of a row per note.
  std::string blob;
  blob.reserve(notes.size() * 24);
  for (const StageNote& n : notes) {
    PutFixed64(&blob, n.kind);
    PutFixed64(&blob, n.id);
    PutFixed64(&blob, n.other);
  }
  HUB_ASSIGN_OR_RETURN(Statement * s,
                       conn->Prepare("INSERT INTO stage_notes(count, notes) VALUES(?1, ?2)"));
  ScopedReset reset(s);
  return s->Bind(1, static_cast<int64_t>(notes.size())).BindBlob(2, blob).Run();
}

absl::StatusOr<int64_t> PendingStageNotes(Connection* conn) {
  // A row per deferring batch: a short sum.
  HUB_ASSIGN_OR_RETURN(Statement * s,
                       conn->Prepare("SELECT coalesce(sum(count), 0) FROM stage_notes"));
  ScopedReset reset(s);
  HUB_ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? s->Int(0) : 0;
}

absl::StatusOr<std::vector<StageNote>> TakeStageNotes(Connection* conn) {
  std::vector<StageNote> out;
  {
    HUB_ASSIGN_OR_RETURN(Statement * s,
                         conn->Prepare("SELECT seq, notes FROM stage_notes ORDER BY seq"));
    ScopedReset reset(s);
    for (;;) {
      HUB_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      const std::string blob = s->Text(1);
      if (blob.size() % 24 != 0) {
        return absl::DataLossError(
            absl::StrCat("stage_notes row ", s->Int(0), ": ", blob.size(), " bytes"));
      }
      for (size_t i = 0; i < blob.size(); i += 24) {
        out.push_back(StageNote{static_cast<int>(DecodeFixed64(blob.data() + i)),
                                DecodeFixed64(blob.data() + i + 8),
                                DecodeFixed64(blob.data() + i + 16)});
      }
    }
  }
  if (out.empty()) return out;
  HUB_ASSIGN_OR_RETURN(Statement * s, conn->Prepare("DELETE FROM stage_notes"));
  ScopedReset reset(s);
  HUB_RETURN_IF_ERROR(s->Run());
  return out;
}

absl::Status LoadFunnel(Connection* conn, FunnelIndex* index,
                        MetricIndex* opportunities) {
  HUB_ASSIGN_OR_RETURN(
      Statement * s,
      conn->Prepare("SELECT side, segments, history, opportunities, counted FROM stage_state"));
  ScopedReset reset(s);
  MetricDeltas deltas;
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    HUB_ASSIGN_OR_RETURN(std::vector<StoredTransition> history, DecodeHistory(s->Text(2)));
    const std::string segments = s->Text(1);
    index->AddHistory(s->Int(0) == 0 ? Side::kPerson : Side::kAccount, history, segments);
    HUB_ASSIGN_OR_RETURN(std::vector<StoredOpportunity> opps, DecodeOpportunities(s->Text(3)));
    AddOpportunityContributions(opps, segments, 1, &deltas);
    HUB_ASSIGN_OR_RETURN(std::vector<CountedItem> counted, DecodeCounted(s->Text(4)));
    AddCountedContributions(counted, segments, 1, &deltas);
  }
  opportunities->Apply(deltas);
  return absl::OkStatus();
}

}  // namespace sqlite_internal
}  // namespace hub
