#include "profile/store/key_filter.h"

namespace hub {
namespace {

constexpr int kProbes = 7;
constexpr size_t kBitsPerKey = 10;

// splitmix64's finaliser: spreads a hash's bits before probing.
uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

KeyFilter::KeyFilter(size_t capacity)
    : capacity_(capacity == 0 ? 1 : capacity),
      bits_((capacity_ * kBitsPerKey + 63) / 64, 0) {}

void KeyFilter::Add(uint64_t hash) {
  uint64_t h = Mix(hash), step = (h >> 32) | 1;
  const uint64_t nbits = bits_.size() * 64;
  for (int i = 0; i < kProbes; ++i, h += step) {
    uint64_t bit = h % nbits;
    bits_[bit / 64] |= uint64_t{1} << (bit % 64);
  }
  ++size_;
}

bool KeyFilter::MayContain(uint64_t hash) const {
  uint64_t h = Mix(hash), step = (h >> 32) | 1;
  const uint64_t nbits = bits_.size() * 64;
  for (int i = 0; i < kProbes; ++i, h += step) {
    uint64_t bit = h % nbits;
    if ((bits_[bit / 64] & (uint64_t{1} << (bit % 64))) == 0) return false;
  }
  return true;
}

}  // namespace hub
