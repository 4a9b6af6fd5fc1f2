#include "match/clustering.h"

#include <algorithm>
#include <numeric>
#include <queue>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace hub::match {
namespace {

class UnionFind {
 public:
  explicit UnionFind(uint32_t n) : parent_(n) {
    std::iota(parent_.begin(), parent_.end(), 0);
  }
  uint32_t Find(uint32_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  void Union(uint32_t a, uint32_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<uint32_t> parent_;
};

// Greedy UPGMA over one component's sparse graph; clusters and records are
// identified by a local index, `members` merge into the larger side.
class Agglomerator {
 public:
  Agglomerator(uint32_t n, double threshold, bool witnesses)
      : threshold_(threshold),
        witnesses_(witnesses),
        size_(n, 1),
        stamp_(n, 0),
        owner_(n),
        sums_(n),
        members_(n) {
    for (uint32_t i = 0; i < n; ++i) members_[i] = {i};
    std::iota(owner_.begin(), owner_.end(), 0);
  }

  void AddEdge(uint32_t i, uint32_t j, double p) {
    sums_[i][j] += p;
    sums_[j][i] += p;
    if (p >= threshold_) strong_.emplace_back(i, j);
  }

  void Run() {
    for (uint32_t i = 0; i < sums_.size(); ++i) {
      for (const auto& [j, s] : sums_[i]) {
        if (i < j) Push(i, j, s);
      }
    }
    Agglomerate();
    while (witnesses_ && MergeMutualMajorities()) Agglomerate();
  }

  // By cluster: its local records (empty for merged-away clusters).
  const std::vector<std::vector<uint32_t>>& members() const { return members_; }

 private:
  using Entry = std::tuple<double, uint32_t, uint32_t, uint32_t, uint32_t>;

  void Agglomerate() {
    while (!heap_.empty()) {
      const auto [avg, i, j, si, sj] = heap_.top();
      heap_.pop();
      if (avg < threshold_) break;
      if (stamp_[i] != si || stamp_[j] != sj) continue;  // stale
      Merge(i, j);
    }
    heap_ = {};
  }

  // Cluster-level evidence: two clusters merge when more than half of the
  // records of each hold a pair at or above the threshold with the other,
  // and their mean probability is at least half the threshold. Each such
  // record is a separate witness (its own values, compared with the other
  // side), so majorities of witnesses on both sides are evidence the mean
  // misses when one entity's records write its name two ways and most
  // cross pairs meet a differently named record; a bridge of a few records,
  // the chain average linkage resists, is not a majority. Returns whether
  // anything merged.
  bool MergeMutualMajorities() {
    // (record, other cluster) witnesses, counted once per cluster pair.
    absl::flat_hash_set<std::pair<uint32_t, uint32_t>> witnesses;
    absl::flat_hash_map<std::pair<uint32_t, uint32_t>, uint32_t> count;
    for (const auto& [x, y] : strong_) {
      const uint32_t cx = owner_[x], cy = owner_[y];
      if (cx == cy) continue;
      if (witnesses.insert({x, cy}).second) ++count[{cx, cy}];
      if (witnesses.insert({y, cx}).second) ++count[{cy, cx}];
    }
    std::vector<std::tuple<double, uint32_t, uint32_t>> candidates;
    for (const auto& [key, n] : count) {
      const auto [c, d] = key;
      if (c > d) continue;
      const auto back = count.find({d, c});
      if (back == count.end()) continue;
      if (2 * n <= size_[c] || 2 * back->second <= size_[d]) continue;
      const auto sum = sums_[c].find(d);
      const double mean = sum == sums_[c].end()
                              ? 0
                              : sum->second / (double(size_[c]) * size_[d]);
      if (2 * mean < threshold_) continue;
      candidates.emplace_back(
          std::min(double(n) / size_[c], double(back->second) / size_[d]), c, d);
    }
    std::sort(candidates.rbegin(), candidates.rend());
    std::vector<bool> touched(size_.size(), false);
    bool merged = false;
    for (const auto& [share, c, d] : candidates) {
      if (touched[c] || touched[d]) continue;
      touched[c] = touched[d] = true;
      Merge(c, d);
      merged = true;
    }
    return merged;
  }

  void Push(uint32_t i, uint32_t j, double sum) {
    const double avg = sum / (double(size_[i]) * size_[j]);
    if (avg >= threshold_) heap_.emplace(avg, i, j, stamp_[i], stamp_[j]);
  }

  void Merge(uint32_t i, uint32_t j) {
    if (sums_[i].size() < sums_[j].size()) std::swap(i, j);
    for (const auto& [c, s] : sums_[j]) {
      if (c == i) continue;
      sums_[i][c] += s;
      sums_[c][i] += s;
      sums_[c].erase(j);
    }
    sums_[i].erase(j);
    sums_[j].clear();
    size_[i] += size_[j];
    for (uint32_t r : members_[j]) owner_[r] = i;
    members_[i].insert(members_[i].end(), members_[j].begin(), members_[j].end());
    members_[j].clear();
    ++stamp_[i];
    stamp_[j] = ~0u;  // dead
    for (const auto& [c, s] : sums_[i]) Push(std::min(i, c), std::max(i, c), s);
  }

  double threshold_;
  bool witnesses_;
  std::vector<uint32_t> size_;
  std::vector<uint32_t> stamp_;
  std::vector<uint32_t> owner_;  // by record: its cluster
  std::vector<absl::flat_hash_map<uint32_t, double>> sums_;
  std::vector<std::vector<uint32_t>> members_;
  std::vector<std::pair<uint32_t, uint32_t>> strong_;  // pairs >= threshold
  std::priority_queue<Entry> heap_;
};

}  // namespace

std::vector<uint32_t> AverageLinkage(
    uint32_t n, const std::vector<ScoredEdge>& edges, double threshold,
    const std::function<float(uint32_t, uint32_t)>& score,
    uint32_t dense_limit, bool witnesses) {
  UnionFind components(n);
  for (const ScoredEdge& e : edges) {
    if (e.probability >= threshold) components.Union(e.a, e.b);
  }
  // Group records and edges by component; singletons and pairs need no
  // agglomeration.
  std::vector<uint32_t> root(n);
  std::vector<uint32_t> size(n, 0);
  for (uint32_t r = 0; r < n; ++r) ++size[root[r] = components.Find(r)];
  std::vector<uint32_t> cluster(n);
  std::iota(cluster.begin(), cluster.end(), 0);
  absl::flat_hash_map<uint32_t, std::vector<uint32_t>> members;
  for (uint32_t r = 0; r < n; ++r) {
    if (size[root[r]] == 2) cluster[r] = root[r];
    if (size[root[r]] > 2) members[root[r]].push_back(r);
  }
  absl::flat_hash_map<uint32_t, std::vector<const ScoredEdge*>> component_edges;
  for (const ScoredEdge& e : edges) {
    const uint32_t c = root[e.a];
    if (c == root[e.b] && size[c] > 2 && e.probability > 0) {
      component_edges[c].push_back(&e);
    }
  }
  for (auto& [c, records] : members) {
    absl::flat_hash_map<uint32_t, uint32_t> local;
    for (uint32_t i = 0; i < records.size(); ++i) local[records[i]] = i;
    Agglomerator agglomerator(static_cast<uint32_t>(records.size()), threshold,
                              witnesses);
    std::vector<bool> known;
    const bool dense = score && records.size() <= dense_limit;
    if (dense) known.assign(records.size() * records.size(), false);
    for (const ScoredEdge* e : component_edges[c]) {
      const uint32_t i = local[e->a], j = local[e->b];
      agglomerator.AddEdge(i, j, e->probability);
      if (dense) known[i * records.size() + j] = known[j * records.size() + i] = true;
    }
    if (dense) {
      for (uint32_t i = 0; i < records.size(); ++i) {
        for (uint32_t j = i + 1; j < records.size(); ++j) {
          if (known[i * records.size() + j]) continue;
          const float p = score(records[i], records[j]);
          if (p > 0) agglomerator.AddEdge(i, j, p);
        }
      }
    }
    agglomerator.Run();
    for (const std::vector<uint32_t>& group : agglomerator.members()) {
      if (group.empty()) continue;
      uint32_t first = records[group[0]];
      for (uint32_t i : group) first = std::min(first, records[i]);
      for (uint32_t i : group) cluster[records[i]] = first;
    }
  }
  return cluster;
}

}  // namespace hub::match
