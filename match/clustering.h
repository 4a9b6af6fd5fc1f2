// Clustering: from scored pairs to entities, resisting chains.
#ifndef HUB_MATCH_CLUSTERING_H_
#define HUB_MATCH_CLUSTERING_H_

#include <cstdint>
#include <functional>
#include <vector>

namespace hub::match {

struct ScoredEdge {
  uint32_t a = 0;
  uint32_t b = 0;
  float probability = 0;
};

// Average-linkage (UPGMA) agglomerative clustering with a stop: two
// clusters merge only while the mean match probability over *all* record
// pairs between them is >= `threshold`, pairs absent from `edges` (never
// compared: blocking judged them different) counting as 0 — unless
// `score` is given: then pairs missing inside a component of at most
// `dense_limit` records are scored with it, so a true entity whose records
// never all shared a block still holds together. Unlike connected
// components, one strong link cannot chain two groups together: a bridge
// record must be supported by most of the pairs it would join.
//
// Cost: connected components at `threshold` bound every cluster (a merge
// needs at least one pair >= threshold), and within a component merges use
// a heap over the sparse cluster graph: O(E log E) for E edges inside
// components, memory O(E).
//
// Returns, per record 0..n-1, the smallest record index of its cluster.
std::vector<uint32_t> AverageLinkage(
    uint32_t n, const std::vector<ScoredEdge>& edges, double threshold,
    const std::function<float(uint32_t, uint32_t)>& score = nullptr,
    uint32_t dense_limit = 0);

}  // namespace hub::match

#endif  // HUB_MATCH_CLUSTERING_H_
