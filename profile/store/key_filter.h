// KeyFilter: a Bloom filter over record-key hashes.
#ifndef HUB_PROFILE_STORE_KEY_FILTER_H_
#define HUB_PROFILE_STORE_KEY_FILTER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hub {

// Answers "is this key certainly new?" without touching the database: once a
// hash is added, MayContain(hash) is true forever; for a hash never added it
// is false with probability ~99% while size() <= capacity() (10 bits per
// key, 7 probes). Past capacity false positives rise; the owner rebuilds a
// larger filter. Memory: capacity * 10 bits.
//
// Thread-compatible: the store's single writer owns it.
class KeyFilter {
 public:
  explicit KeyFilter(size_t capacity);

  void Add(uint64_t hash);
  bool MayContain(uint64_t hash) const;

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }

 private:
  size_t capacity_;
  size_t size_ = 0;
  std::vector<uint64_t> bits_;
};

}  // namespace hub

#endif  // HUB_PROFILE_STORE_KEY_FILTER_H_
