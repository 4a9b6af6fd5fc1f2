// Fixed-width little-endian int64 encoding, for the small binary state the
// store keeps (stage facts, histories, opportunities, counted items).
#ifndef HUB_PROFILE_BASE_FIXED64_H_
#define HUB_PROFILE_BASE_FIXED64_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace hub {

inline void PutFixed64(std::string* out, int64_t v) {
  // One append of the encoded word (one capacity check, not eight).
  char bytes[8];
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff);
  }
  out->append(bytes, sizeof(bytes));
}

// Reads 8 bytes at `p`; the caller has checked they are there.
inline int64_t DecodeFixed64(const char* p) {
  uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return static_cast<int64_t>(u);
}

// Reads and consumes 8 bytes of `in`; false if fewer remain.
inline bool GetFixed64(absl::string_view* in, int64_t* v) {
  if (in->size() < 8) return false;
  *v = DecodeFixed64(in->data());
  in->remove_prefix(8);
  return true;
}

}  // namespace hub

#endif  // HUB_PROFILE_BASE_FIXED64_H_
