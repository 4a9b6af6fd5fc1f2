#include "match/blocking.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "match/comparators.h"
#include "profile/base/hash.h"
#include "profile/base/status_macros.h"

namespace hub::match {
namespace {

struct KeyPart {
  int column = -1;
  std::string transform;
  // Keys of each distinct value of the column, computed once.
  std::vector<std::vector<uint64_t>> keys_by_value;
};

std::vector<std::string> Tokens(const std::string& value) {
  return absl::StrSplit(value, absl::ByAnyChar(" *,;/"), absl::SkipEmpty());
}

absl::Status PreparePart(const std::string& spec, const Dataset& data,
                         KeyPart* part) {
  const KeySpec key = ParseKeySpec(spec);
  part->column = data.column_index(key.column);
  if (part->column < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("blocking.keys: \"", spec, "\": no such column"));
  }
  part->transform = key.transform;
  const Column& column = data.column(part->column);
  part->keys_by_value.resize(column.values.size());
  for (size_t v = 1; v < column.values.size(); ++v) {
    absl::StatusOr<std::vector<std::string>> keys =
        BlockKeys(part->transform, column.values[v]);
    if (!keys.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("blocking.keys: \"", spec, "\": ", keys.status().message()));
    }
    for (const std::string& key : *keys) {
      part->keys_by_value[v].push_back(Fnv1a64(key));
    }
  }
  return absl::OkStatus();
}

// Appends the within-block pairs of `block` (records sharing one key).
void EmitBlock(const std::vector<uint32_t>& block, const Dataset& data,
               std::vector<PairKey>* out) {
  for (size_t i = 0; i < block.size(); ++i) {
    for (size_t j = i + 1; j < block.size(); ++j) {
      if (block[i] == block[j]) continue;
      if (data.is_link() && data.source(block[i]) == data.source(block[j])) {
        continue;
      }
      out->push_back(MakePair(block[i], block[j]));
    }
  }
}

}  // namespace

absl::StatusOr<std::vector<std::string>> BlockKeys(absl::string_view transform,
                                                   const std::string& value) {
  if (transform == "exact") return std::vector<std::string>{value};
  if (transform == "soundex") {
    std::string code = Soundex(value);
    if (code.empty()) return std::vector<std::string>{};
    return std::vector<std::string>{code};
  }
  if (transform == "token") return Tokens(value);
  if (transform == "first_token") {
    std::vector<std::string> tokens = Tokens(value);
    if (tokens.empty()) return tokens;
    return std::vector<std::string>{tokens.front()};
  }
  if (transform == "sorted_tokens") {
    std::vector<std::string> tokens = Tokens(value);
    std::sort(tokens.begin(), tokens.end());
    return std::vector<std::string>{absl::StrJoin(tokens, " ")};
  }
  if (transform == "digits") {
    std::string digits;
    for (char c : value) if (absl::ascii_isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
    if (digits.empty()) return std::vector<std::string>{};
    return std::vector<std::string>{digits};
  }
  if (transform == "year") {
    std::optional<int> days = ParseDays(value);
    if (!days) return std::vector<std::string>{};
    return std::vector<std::string>{value.substr(0, 4)};
  }
  if (transform == "email_local") {
    const size_t at = value.find('@');
    if (at == 0 || at == std::string::npos) return std::vector<std::string>{};
    return std::vector<std::string>{value.substr(0, at)};
  }
  int n = 0;
  if (absl::ConsumePrefix(&transform, "prefix") && absl::SimpleAtoi(transform, &n) &&
      n > 0) {
    return std::vector<std::string>{value.substr(0, n)};
  }
  return absl::InvalidArgumentError("unknown transform");
}

uint64_t RuleSeed(size_t rule) { return Fnv1a64(absl::StrCat(rule)); }

KeySpec ParseKeySpec(const std::string& key) {
  const size_t colon = key.find(':');
  if (colon == std::string::npos) return {key, "exact"};
  return {key.substr(0, colon), key.substr(colon + 1)};
}

absl::StatusOr<Candidates> CandidatePairs(
    const std::vector<hub::v1::BlockingRule>& rules, const Dataset& data,
    int max_block_size, BlockingStats* stats) {
  *stats = BlockingStats();
  if (rules.size() > 32) {
    return absl::InvalidArgumentError("blocking: at most 32 rules");
  }
  std::vector<std::pair<PairKey, uint8_t>> all;
  std::vector<PairKey> pairs;
  for (size_t r = 0; r < rules.size(); ++r) {
    pairs.clear();
    if (rules[r].keys().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("blocking[", r, "].keys: at least one key is required"));
    }
    std::vector<KeyPart> parts(rules[r].keys_size());
    for (int k = 0; k < rules[r].keys_size(); ++k) {
      HUB_RETURN_IF_ERROR(PreparePart(rules[r].keys(k), data, &parts[k]));
    }
    // (block key, record) for every record and every combination of its
    // parts' keys.
    std::vector<std::pair<uint64_t, uint32_t>> entries;
    entries.reserve(data.size());
    const uint64_t rule_seed = RuleSeed(r);
    std::vector<uint64_t> combos, next;
    for (uint32_t rec = 0; rec < data.size(); ++rec) {
      combos.assign(1, rule_seed);
      for (const KeyPart& part : parts) {
        const std::vector<uint64_t>& keys =
            part.keys_by_value[data.column(part.column).ids[rec]];
        next.clear();
        for (uint64_t c : combos) {
          for (uint64_t k : keys) next.push_back(ExtendBlockKey(c, k));
        }
        combos.swap(next);
      }
      for (uint64_t c : combos) entries.emplace_back(c, rec);
    }
    std::sort(entries.begin(), entries.end());
    std::vector<uint32_t> block;
    for (size_t i = 0; i < entries.size();) {
      size_t j = i;
      block.clear();
      while (j < entries.size() && entries[j].first == entries[i].first) {
        block.push_back(entries[j++].second);
      }
      i = j;
      if (block.size() < 2) continue;
      if (static_cast<int>(block.size()) > max_block_size) {
        ++stats->skipped_blocks;
        stats->skipped_records += block.size();
        continue;
      }
      ++stats->blocks;
      EmitBlock(block, data, &pairs);
    }
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    for (PairKey p : pairs) all.emplace_back(p, static_cast<uint8_t>(r));
  }
  std::sort(all.begin(), all.end());
  Candidates out;
  for (size_t i = 0; i < all.size(); ++i) {
    if (i == 0 || all[i].first != all[i - 1].first) {
      out.pairs.push_back(all[i].first);
      out.rules.push_back(0);
    }
    out.rules.back() |= 1u << all[i].second;
  }
  stats->candidates = static_cast<int64_t>(out.pairs.size());
  return out;
}

}  // namespace hub::match
