#include "profile/identity/resolver.h"

#include <algorithm>
#include <map>

namespace hub {

ResolveDecision Resolve(const std::vector<IdentifierMatch>& matches,
                        int64_t previous) {
  // Candidate profile -> the first identifier type that names it.
  std::map<int64_t, std::string> candidates;
  if (previous != 0) candidates.emplace(previous, "record");
  ResolveDecision d;
  for (const IdentifierMatch& m : matches) {
    if (m.holder) {
      candidates.emplace(*m.holder, m.key.type);
    } else {
      d.attach.push_back(m.key);
    }
  }
  if (candidates.empty()) return d;
  d.target = candidates.begin()->first;
  for (auto it = std::next(candidates.begin()); it != candidates.end(); ++it) {
    d.merge.emplace_back(it->first, it->second);
  }
  return d;
}

}  // namespace hub
