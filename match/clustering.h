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
// When average linkage stops, two clusters of one component still merge on
// cluster-level evidence: more than half of the records of *each* hold a
// pair >= `threshold` with the other (each such record a separate witness),
// and their mean is at least `threshold` / 2. That joins an entity whose
// records write it two ways (a company's old and new name: most cross pairs
// meet a differently named record, yet nearly every record has a close
// counterpart on the other side); a bridge of a few records is no majority.
// Repeats, with average linkage resumed, until nothing merges. Off when
// `witnesses` is false: a linkage of two deduplicated sources, where an
// entity holds one record per source and a cluster of a record from each
// is already whole (co-located restaurants cross-witness each other).
//
// Cost: connected components at `threshold` bound every cluster (a merge
// needs at least one pair >= threshold), and within a component merges use
// a heap over the sparse cluster graph: O(E log E) for E edges inside
// components, memory O(E); each witness round is O(E) hash operations.
//
// Returns, per record 0..n-1, the smallest record index of its cluster.
std::vector<uint32_t> AverageLinkage(
    uint32_t n, const std::vector<ScoredEdge>& edges, double threshold,
    const std::function<float(uint32_t, uint32_t)>& score = nullptr,
    uint32_t dense_limit = 0, bool witnesses = true);

}  // namespace hub::match

#endif  // HUB_MATCH_CLUSTERING_H_
