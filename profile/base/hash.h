// Stable hashes: the same value in every process and build (unlike
// absl::Hash), so they can be stored.
#ifndef HUB_PROFILE_BASE_HASH_H_
#define HUB_PROFILE_BASE_HASH_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace hub {

// 64-bit FNV-1a of `bytes`, continuing from `seed` (the FNV offset basis by
// default), so several parts can be hashed in sequence.
inline uint64_t Fnv1a64(absl::string_view bytes,
                        uint64_t seed = 14695981039346656037ull) {
  uint64_t h = seed;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace hub

#endif  // HUB_PROFILE_BASE_HASH_H_
