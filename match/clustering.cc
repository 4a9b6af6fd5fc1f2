#include "match/clustering.h"

#include <algorithm>
#include <numeric>
#include <queue>
#include <tuple>

#include "absl/container/flat_hash_map.h"

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

// Greedy UPGMA over one component's sparse graph; clusters are identified
// by a local index, `members` merge into the larger side.
class Agglomerator {
 public:
  Agglomerator(const std::vector<uint32_t>& records, double threshold)
      : threshold_(threshold),
        size_(records.size(), 1),
        stamp_(records.size(), 0),
        sums_(records.size()),
        members_(records.size()) {
    for (uint32_t i = 0; i < records.size(); ++i) members_[i] = {records[i]};
  }

  void AddEdge(uint32_t i, uint32_t j, double p) {
    sums_[i][j] += p;
    sums_[j][i] += p;
  }

  void Run() {
    for (uint32_t i = 0; i < sums_.size(); ++i) {
      for (const auto& [j, s] : sums_[i]) {
        if (i < j) Push(i, j, s);
      }
    }
    while (!heap_.empty()) {
      const auto [avg, i, j, si, sj] = heap_.top();
      heap_.pop();
      if (avg < threshold_) break;
      if (stamp_[i] != si || stamp_[j] != sj) continue;  // stale
      Merge(i, j);
    }
  }

  const std::vector<std::vector<uint32_t>>& members() const { return members_; }

 private:
  using Entry = std::tuple<double, uint32_t, uint32_t, uint32_t, uint32_t>;

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
    members_[i].insert(members_[i].end(), members_[j].begin(), members_[j].end());
    members_[j].clear();
    ++stamp_[i];
    stamp_[j] = ~0u;  // dead
    for (const auto& [c, s] : sums_[i]) Push(std::min(i, c), std::max(i, c), s);
  }

  double threshold_;
  std::vector<uint32_t> size_;
  std::vector<uint32_t> stamp_;
  std::vector<absl::flat_hash_map<uint32_t, double>> sums_;
  std::vector<std::vector<uint32_t>> members_;
  std::priority_queue<Entry> heap_;
};

}  // namespace

std::vector<uint32_t> AverageLinkage(
    uint32_t n, const std::vector<ScoredEdge>& edges, double threshold,
    const std::function<float(uint32_t, uint32_t)>& score,
    uint32_t dense_limit) {
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
    Agglomerator agglomerator(records, threshold);
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
      const uint32_t first = *std::min_element(group.begin(), group.end());
      for (uint32_t r : group) cluster[r] = first;
    }
  }
  return cluster;
}

}  // namespace hub::match
