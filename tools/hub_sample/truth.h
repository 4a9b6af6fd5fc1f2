// The ground truth of an export: every record an adapter will yield from the
// files, its true person and account, its deterministic-resolution fragment
// and its expected quarantine reason (docs/sources.md, "Ground truth"); and
// every fragment's lifecycle-stage history, the funnel, the stage metrics and
// the customer value (docs/lifecycle.md).
#ifndef HUB_TOOLS_HUB_SAMPLE_TRUTH_H_
#define HUB_TOOLS_HUB_SAMPLE_TRUTH_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "tools/hub_sample/lifecycle_truth.h"
#include "tools/hub_sample/record.h"
#include "tools/hub_sample/world.h"

namespace hub::sample {

const char* SourceName(Source source);  // "salesforce", ...
const char* EntityName(Entity entity);  // "CONTACT", ...

// Identifier normalisation as ingest does it.
std::string NormalizeEmail(std::string_view email);  // trim + lower-case
std::string NormalizePhone(std::string_view phone);  // E.164, default region US
std::string NormalizeDomain(
    std::string_view text);  // strip scheme, www., path; lower

struct TruthSummary {
  int64_t persons = 0, accounts = 0;
  int64_t person_fragments = 0, account_fragments = 0;
  int64_t records = 0, invalid_records = 0;
  // Persons whose valid records fall into more than one fragment.
  int64_t split_persons = 0;
  int64_t by_source[kSourceCount][kEntityCount] = {};
  LifecycleSummary lifecycle;
};

// Collects the records in file order and computes fragments by union-find
// over their normalised identifiers: person-side records over person-side
// types, ACCOUNT records over account-side types; an OPPORTUNITY takes the
// fragment of its salesforce.account_id. Broken records take no part. Keeps
// the facts of the valid records for the lifecycle truth (a fragment is one
// Hub profile). Not thread-safe.
class Truth {
 public:
  // `person` / `account`: indexes, -1 for none. `facts`: what the file says
  // of the record (its times, event type, lead status, deletion, account
  // link, traits).
  void Add(Source source, Entity entity, std::string_view external_id,
           int person, int account, const IdRef* ids, size_t id_count,
           const RecordFacts& facts, Broken broken = Broken::kNone);
  void Add(Source source, Entity entity, std::string_view external_id,
           int person, int account, std::initializer_list<IdRef> ids,
           const RecordFacts& facts, Broken broken = Broken::kNone) {
    Add(source, entity, external_id, person, account, ids.begin(), ids.size(),
        facts, broken);
  }
  void AddOpportunity(std::string_view external_id, int account,
                      std::string_view account_id,
                      const OpportunityFacts& facts);

  // Writes records.csv, stages.csv, funnel.csv, metrics.csv,
  // customer_value.csv and summary.json into `dir` (which must exist); the
  // funnel's and the metrics' periods lie in the simulated window [start,
  // end] (Unix seconds).
  absl::Status Write(const std::string& dir, const std::string& options_json,
                     int64_t start, int64_t end, TruthSummary* summary);

 private:
  struct Row {
    Source source;
    Entity entity;
    Broken broken;
    int32_t person, account;
    int32_t node;  // first identifier node; -1: none
    uint32_t id_offset, id_size;
  };

  int32_t Node(IdType type, std::string_view value);
  int32_t Find(int32_t node);
  void Union(int32_t a, int32_t b);
  // The node of the account a CONTACT / LEAD names: its link, else the
  // domain of its (non-free-mail) email; -1 for none.
  int32_t AccountNode(const IdRef& link, std::string_view email);
  // Numbers the fragments: `fragment` per row, `number` per root node.
  void Resolve(std::vector<int32_t>* fragment, std::vector<int32_t>* number,
               TruthSummary* summary);

  std::vector<Row> rows_;
  std::string external_ids_;
  absl::flat_hash_map<std::string, int32_t> nodes_;
  std::vector<int32_t> parent_;
  std::string key_;
  LifecycleTruth lifecycle_;
};

}  // namespace hub::sample

#endif  // HUB_TOOLS_HUB_SAMPLE_TRUTH_H_
