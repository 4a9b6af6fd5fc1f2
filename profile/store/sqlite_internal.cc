#include "profile/store/sqlite_internal.h"

#include "absl/time/clock.h"
#include "profile/base/hash.h"

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

}  // namespace sqlite_internal
}  // namespace hub
