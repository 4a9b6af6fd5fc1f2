#include "profile/store/sqlite_internal.h"

#include "absl/time/clock.h"
#include "profile/base/hash.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace sqlite_internal {

int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

bool IsEvent(hub::v1::EntityType entity) {
  return entity != hub::v1::CONTACT && entity != hub::v1::LEAD &&
         entity != hub::v1::ACCOUNT;
}

std::string KeyString(absl::string_view source, int entity,
                      absl::string_view external_id) {
  return absl::StrCat(source, "\x1f", entity, "\x1f", external_id);
}

int64_t KeyHash(absl::string_view source, int entity,
                absl::string_view external_id) {
  // FNV-1a over the three parts, each followed by a separator byte.
  uint64_t h = Fnv1a64(source);
  h = Fnv1a64("\xff", h);
  h = Fnv1a64(absl::StrCat(entity), h);
  h = Fnv1a64("\xff", h);
  h = Fnv1a64(external_id, h);
  h = Fnv1a64("\xff", h);
  return static_cast<int64_t>(h >> 1);
}

std::string Serialize(const google::protobuf::MessageLite& m) {
  std::string out;
  m.SerializeToString(&out);
  return out;
}

absl::StatusOr<std::optional<IdentityRow>> LookupIdentity(
    sqlite::Connection* conn, Side side, const std::string& type,
    const std::string& value) {
  HUB_ASSIGN_OR_RETURN(
      sqlite::Statement * s,
      conn->Prepare("SELECT profile_id, COALESCE(origin_id, profile_id) FROM "
                    "identities WHERE side=? AND type=? AND value=?"));
  sqlite::ScopedReset reset(s);
  s->Bind(1, int64_t{SideInt(side)}).Bind(2, type).Bind(3, value);
  HUB_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<IdentityRow>();
  return std::optional<IdentityRow>(IdentityRow{s->Int(0), s->Int(1)});
}

absl::StatusOr<std::vector<NamedTrait>> ReadTraits(sqlite::Connection* conn,
                                                   int64_t id) {
  HUB_ASSIGN_OR_RETURN(
      sqlite::Statement * s,
      conn->Prepare("SELECT name, value, source, entity, external_id, "
                    "observed_us, rule FROM traits WHERE profile_id=? "
                    "ORDER BY name"));
  sqlite::ScopedReset reset(s);
  s->Bind(1, id);
  std::vector<NamedTrait> out;
  for (;;) {
    HUB_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    NamedTrait t;
    t.name = s->Text(0);
    t.value.value = s->Text(1);
    t.value.source = s->Text(2);
    t.value.entity = static_cast<hub::v1::EntityType>(s->Int(3));
    t.value.external_id = s->Text(4);
    t.value.observed_us = s->Int(5);
    t.value.rule = s->Text(6);
    out.push_back(std::move(t));
  }
  return out;
}

absl::Status UpdateSyncJobRow(sqlite::Connection* conn,
                              const std::string& source_id, int64_t job_id,
                              const hub::v1::SyncJob& job) {
  HUB_ASSIGN_OR_RETURN(
      sqlite::Statement * s,
      conn->Prepare("UPDATE sync_jobs SET payload=? WHERE source_id=? AND job_id=?"));
  sqlite::ScopedReset reset(s);
  HUB_RETURN_IF_ERROR(
      s->BindBlob(1, Serialize(job)).Bind(2, source_id).Bind(3, job_id).Run());
  if (conn->Changes() == 0) {
    return absl::NotFoundError(absl::StrCat("sync job sources/", source_id,
                                            "/syncJobs/", job_id, " not found"));
  }
  return absl::OkStatus();
}

}  // namespace sqlite_internal
}  // namespace hub
