#include "profile/identity/resolver.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace hub {
namespace {

// The accepted profiles and, once a limit had to be checked, their summed
// identifier counts plus the values accepted for attachment.
class Accepted {
 public:
  Accepted(const IdentityPolicy& policy,
           absl::FunctionRef<TypeCounts(int64_t)> counts)
      : policy_(policy), counts_(counts) {}

  bool Has(int64_t id) const { return profiles_.count(id) > 0; }
  bool Empty() const { return profiles_.empty(); }
  const std::map<int64_t, std::string>& profiles() const { return profiles_; }

  void Add(int64_t id, const std::string& via) {
    if (totals_) Sum(&*totals_, counts_(id));
    profiles_.emplace(id, via);
  }

  // The reason merging `id` (linked by `type`) would break a limit, or "".
  std::string MergeProblem(int64_t id, const std::string& type) {
    if (profiles_.empty() && !totals_) return "";  // nothing to conflict with
    TypeCounts merged = Totals();
    Sum(&merged, counts_(id));
    return Problem(merged, policy_.Rule(type).priority);
  }

  // The reason attaching a new value of `type` would break its limit, or "".
  std::string AttachProblem(const std::string& type) {
    TypeRule rule = policy_.Rule(type);
    if (rule.limit == 0) return "";
    if (Totals()[type] + 1 > rule.limit) {
      return absl::StrCat("would give ", Totals()[type] + 1, " ", type,
                          " (limit ", rule.limit, ")");
    }
    return "";
  }

  // Counts an attached value (AttachProblem has computed the totals for
  // every limited type; unlimited ones never break a limit).
  void Attach(const std::string& type) {
    if (totals_) ++(*totals_)[type];
  }

 private:
  static void Sum(TypeCounts* into, const TypeCounts& add) {
    for (const auto& [type, n] : add) (*into)[type] += n;
  }

  TypeCounts& Totals() {
    if (!totals_) {
      totals_.emplace();
      for (const auto& [id, via] : profiles_) Sum(&*totals_, counts_(id));
    }
    return *totals_;
  }

  std::string Problem(const TypeCounts& merged, int priority) const {
    std::string worst;
    int worst_priority = -1;
    for (const auto& [type, n] : merged) {
      TypeRule rule = policy_.Rule(type);
      if (rule.limit == 0 || n <= rule.limit || rule.priority < priority) continue;
      if (rule.priority > worst_priority ||
          (rule.priority == worst_priority && type < worst)) {
        worst_priority = rule.priority;
        worst = absl::StrCat("would give ", n, " ", type, " (limit ", rule.limit, ")");
      }
    }
    return worst;
  }

  const IdentityPolicy& policy_;
  absl::FunctionRef<TypeCounts(int64_t)> counts_;
  std::map<int64_t, std::string> profiles_;  // id -> the type that linked it
  std::optional<TypeCounts> totals_;  // computed on first need
};

}  // namespace

ResolveDecision Resolve(std::vector<IdentifierMatch> matches, int64_t previous,
                        const IdentityPolicy& policy,
                        absl::FunctionRef<TypeCounts(int64_t)> counts) {
  return Resolve(std::move(matches), previous, policy, counts,
                 [](int64_t, int64_t) { return false; });
}

ResolveDecision Resolve(std::vector<IdentifierMatch> matches, int64_t previous,
                        const IdentityPolicy& policy,
                        absl::FunctionRef<TypeCounts(int64_t)> counts,
                        absl::FunctionRef<bool(int64_t, int64_t)> kept_apart) {
  std::stable_sort(matches.begin(), matches.end(),
                   [&](const IdentifierMatch& a, const IdentifierMatch& b) {
                     return std::make_tuple(-policy.Rule(a.key.type).priority,
                                            a.key.type, a.key.value) <
                            std::make_tuple(-policy.Rule(b.key.type).priority,
                                            b.key.type, b.key.value);
                   });
  ResolveDecision d;
  Accepted accepted(policy, counts);
  if (previous != 0) accepted.Add(previous, "record");
  // One pass by descending priority: what a higher-priority identifier
  // brings in (its holder, or a new value) constrains every lower one.
  for (IdentifierMatch& m : matches) {
    if (!m.holder) {
      std::string problem = accepted.AttachProblem(m.key.type);
      if (!problem.empty()) {
        d.refusals.push_back(Refusal{std::move(m.key), 0, std::move(problem)});
        continue;
      }
      accepted.Attach(m.key.type);
      d.attach.push_back(std::move(m.key));
      continue;
    }
    int64_t holder = *m.holder;
    if (accepted.Has(holder)) {
      if (!d.anchor) d.anchor = m.key;
      continue;
    }
    bool apart = false;
    for (const auto& [joined, via] : accepted.profiles()) {
      if (kept_apart(joined, holder)) apart = true;
      if (apart) break;
    }
    std::string problem =
        apart ? kDoNotLinkReason : accepted.MergeProblem(holder, m.key.type);
    if (!problem.empty()) {
      d.refusals.push_back(Refusal{std::move(m.key), holder, std::move(problem)});
      continue;
    }
    accepted.Add(holder, m.key.type);
    if (!d.anchor) d.anchor = m.key;
  }
  if (accepted.Empty()) return d;
  d.target = accepted.profiles().begin()->first;
  for (auto it = std::next(accepted.profiles().begin());
       it != accepted.profiles().end(); ++it) {
    d.merge.emplace_back(it->first, it->second);
  }
  return d;
}

}  // namespace hub
