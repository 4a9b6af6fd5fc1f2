#include "tools/hub_sample/truth.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "tools/hub_sample/output.h"
#include "tools/hub_sample/vocabulary.h"

namespace hub::sample {
namespace {

bool IsAccountSide(Entity entity) {
  return entity == Entity::kAccount || entity == Entity::kOpportunity;
}

// "P000123" / "A000042": the prefix and index + 1, zero-padded to 6 digits.
void AppendTrueId(std::string* out, char prefix, int index) {
  if (index < 0) return;
  out->push_back(prefix);
  const int64_t n = index + 1;
  for (int64_t scale = 100000; scale > n && scale > 1; scale /= 10)
    out->push_back('0');
  AppendInt(out, n);
}

// Appends `text` ASCII-lower-cased, without surrounding ASCII whitespace.
void AppendLowerTrimmed(std::string* out, std::string_view text) {
  size_t begin = 0, end = text.size();
  while (begin < end &&
         absl::ascii_isspace(static_cast<unsigned char>(text[begin])))
    ++begin;
  while (end > begin &&
         absl::ascii_isspace(static_cast<unsigned char>(text[end - 1])))
    --end;
  for (size_t i = begin; i < end; ++i) {
    out->push_back(absl::ascii_tolower(static_cast<unsigned char>(text[i])));
  }
}

std::string LowerTrimmed(std::string_view text) {
  std::string out;
  AppendLowerTrimmed(&out, text);
  return out;
}

}  // namespace

const char* SourceName(Source source) {
  static constexpr const char* kNames[] = {"salesforce", "mailchimp", "segment",
                                           "ga4", "zendesk"};
  return kNames[static_cast<int>(source)];
}

const char* EntityName(Entity entity) {
  static constexpr const char* kNames[] = {
      "CONTACT",        "LEAD",      "ACCOUNT", "OPPORTUNITY",
      "EMAIL_ACTIVITY", "WEB_EVENT", "TICKET",  "SURVEY_RESPONSE"};
  return kNames[static_cast<int>(entity)];
}

const char* BrokenReason(Broken broken) {
  switch (broken) {
    case Broken::kEmail:
      return "invalid email";
    case Broken::kTimestamp:
      return "invalid timestamp";
    case Broken::kId:
      return "missing external_id";
    default:
      return "";
  }
}

std::string NormalizeEmail(std::string_view email) {
  return LowerTrimmed(email);
}

std::string NormalizePhone(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  if (digits.empty()) return digits;
  if (digits.size() == 10) return "+1" + digits;
  return "+" + digits;
}

std::string NormalizeDomain(std::string_view text) {
  std::string d = LowerTrimmed(text);
  const size_t scheme = d.find("://");
  if (scheme != std::string::npos) d.erase(0, scheme + 3);
  if (d.rfind("www.", 0) == 0) d.erase(0, 4);
  const size_t end = d.find_first_of("/?#:");
  if (end != std::string::npos) d.resize(end);
  while (!d.empty() && d.back() == '.') d.pop_back();
  return d;
}

int32_t Truth::Node(IdType type, std::string_view value) {
  key_.assign(1, static_cast<char>('a' + static_cast<int>(type)));
  switch (type) {
    case IdType::kEmail:
      AppendLowerTrimmed(&key_, value);
      break;
    case IdType::kPhone:
      key_ += NormalizePhone(value);
      break;
    case IdType::kDomain:
      key_ += NormalizeDomain(value);
      break;
    default:
      key_.append(value);
  }
  if (key_.size() == 1) return -1;
  auto [it, inserted] =
      nodes_.try_emplace(key_, static_cast<int32_t>(parent_.size()));
  if (inserted) parent_.push_back(it->second);
  return it->second;
}

int32_t Truth::Find(int32_t node) {
  while (parent_[node] != node) {
    parent_[node] = parent_[parent_[node]];
    node = parent_[node];
  }
  return node;
}

void Truth::Union(int32_t a, int32_t b) {
  a = Find(a);
  b = Find(b);
  if (a == b) return;
  if (a < b) {
    parent_[b] = a;
  } else {
    parent_[a] = b;
  }
}

void Truth::Add(Source source, Entity entity, std::string_view external_id,
                int person, int account, const IdRef* ids, size_t id_count,
                const RecordFacts& facts, Broken broken) {
  const auto index = static_cast<uint32_t>(rows_.size());
  Row row{source,
          entity,
          broken,
          person,
          account,
          -1,
          static_cast<uint32_t>(external_ids_.size()),
          static_cast<uint32_t>(external_id.size())};
  external_ids_.append(external_id);
  std::string_view email, member_id;
  if (broken == Broken::kNone) {
    for (size_t i = 0; i < id_count; ++i) {
      if (ids[i].value.empty()) continue;
      const int32_t node = Node(ids[i].type, ids[i].value);
      if (node < 0) continue;
      if (ids[i].type == IdType::kEmail) email = ids[i].value;
      if (ids[i].type == IdType::kMemberId) member_id = ids[i].value;
      if (row.node < 0) {
        row.node = node;
      } else {
        Union(row.node, node);
      }
    }
  }
  rows_.push_back(row);
  if (broken != Broken::kNone) return;
  if (entity == Entity::kAccount) {
    lifecycle_.AddAccountRecord(index, facts);
  } else if (!facts.deleted) {
    const bool named = entity == Entity::kContact || entity == Entity::kLead;
    lifecycle_.AddPersonRecord(index, entity, facts, !email.empty(),
                               named ? AccountNode(facts.account, email) : -1,
                               member_id);
  }
}

int32_t Truth::AccountNode(const IdRef& link, std::string_view email) {
  if (!link.value.empty()) return Node(link.type, link.value);
  const std::string address = NormalizeEmail(email);
  const size_t at = address.rfind('@');
  if (at == std::string::npos) return -1;
  const std::string_view domain = std::string_view(address).substr(at + 1);
  for (const std::string& free_mail : GetVocabulary().free_mail_domains) {
    if (domain == free_mail) return -1;
  }
  return Node(IdType::kDomain, domain);
}

void Truth::AddOpportunity(std::string_view external_id, int account,
                           std::string_view account_id,
                           const OpportunityFacts& facts) {
  lifecycle_.AddOpportunity(static_cast<uint32_t>(rows_.size()), facts);
  Row row{Source::kSalesforce,
          Entity::kOpportunity,
          Broken::kNone,
          -1,
          account,
          -1,
          static_cast<uint32_t>(external_ids_.size()),
          static_cast<uint32_t>(external_id.size())};
  external_ids_.append(external_id);
  if (!account_id.empty()) row.node = Node(IdType::kAccountId, account_id);
  rows_.push_back(row);
}

void Truth::Resolve(std::vector<int32_t>* fragment,
                    std::vector<int32_t>* numbers, TruthSummary* summary) {
  std::vector<int32_t>& number = *numbers;
  number.assign(parent_.size(), 0);
  int32_t next[2] = {0, 0};  // person side, account side
  std::vector<int32_t> person_fragment;
  std::vector<bool> person_split, person_seen, account_seen;
  fragment->assign(rows_.size(), 0);
  for (size_t i = 0; i < rows_.size(); ++i) {
    const Row& row = rows_[i];
    summary->by_source[static_cast<int>(row.source)]
                      [static_cast<int>(row.entity)]++;
    if (row.person >= 0) {
      if (static_cast<size_t>(row.person) >= person_seen.size()) {
        person_seen.resize(row.person + 1, false);
        person_fragment.resize(row.person + 1, 0);
        person_split.resize(row.person + 1, false);
      }
      if (!person_seen[row.person]) summary->persons++;
      person_seen[row.person] = true;
    }
    if (row.account >= 0) {
      if (static_cast<size_t>(row.account) >= account_seen.size()) {
        account_seen.resize(row.account + 1, false);
      }
      if (!account_seen[row.account]) summary->accounts++;
      account_seen[row.account] = true;
    }
    if (row.broken != Broken::kNone) {
      summary->invalid_records++;
      continue;
    }
    const int side = IsAccountSide(row.entity) ? 1 : 0;
    int32_t f;
    if (row.node < 0) {
      f = ++next[side];
    } else {
      int32_t& n = number[Find(row.node)];
      if (n == 0) n = ++next[side];
      f = n;
    }
    (*fragment)[i] = f;
    if (side == 0 && row.person >= 0) {
      int32_t& first = person_fragment[row.person];
      if (first == 0) {
        first = f;
      } else if (first != f && !person_split[row.person]) {
        person_split[row.person] = true;
        summary->split_persons++;
      }
    }
  }
  summary->records = static_cast<int64_t>(rows_.size());
  summary->person_fragments = next[0];
  summary->account_fragments = next[1];
}

absl::Status Truth::Write(const std::string& dir,
                          const std::string& options_json, int64_t start,
                          int64_t end, TruthSummary* summary) {
  *summary = TruthSummary();
  std::vector<int32_t> fragment, number;
  Resolve(&fragment, &number, summary);

  OutputFile records(dir + "/records.csv");
  std::string* out = records.buffer();
  out->append("source,entity,external_id,person,account,fragment,invalid\n");
  for (size_t i = 0; i < rows_.size(); ++i) {
    const Row& row = rows_[i];
    out->append(SourceName(row.source));
    out->push_back(',');
    out->append(EntityName(row.entity));
    out->push_back(',');
    AppendCsvField(
        out,
        std::string_view(external_ids_).substr(row.id_offset, row.id_size));
    out->push_back(',');
    AppendTrueId(out, 'P', row.person);
    out->push_back(',');
    AppendTrueId(out, 'A', row.account);
    out->push_back(',');
    if (fragment[i] > 0) {
      out->push_back(IsAccountSide(row.entity) ? 'G' : 'F');
      AppendInt(out, fragment[i]);
    }
    out->push_back(',');
    out->append(BrokenReason(row.broken));
    out->push_back('\n');
    records.MaybeFlush();
  }
  if (absl::Status s = records.Close(); !s.ok()) return s;
  FragmentMap fragments;
  fragments.of_row = &fragment;
  fragments.person_fragments = static_cast<int32_t>(summary->person_fragments);
  fragments.account_fragments =
      static_cast<int32_t>(summary->account_fragments);
  fragments.account_of_node = [&](int32_t node) { return number[Find(node)]; };
  if (absl::Status s =
          lifecycle_.Write(dir, fragments, start, end, &summary->lifecycle);
      !s.ok()) {
    return s;
  }

  nlohmann::ordered_json j;
  j["persons"] = summary->persons;
  j["accounts"] = summary->accounts;
  j["person_fragments"] = summary->person_fragments;
  j["account_fragments"] = summary->account_fragments;
  j["records"] = summary->records;
  j["invalid_records"] = summary->invalid_records;
  j["split_persons"] = summary->split_persons;
  nlohmann::ordered_json by_source = nlohmann::ordered_json::object();
  for (int s = 0; s < kSourceCount; ++s) {
    nlohmann::ordered_json counts = nlohmann::ordered_json::object();
    for (int e = 0; e < kEntityCount; ++e) {
      const int64_t n = summary->by_source[s][e];
      if (n > 0) counts[EntityName(static_cast<Entity>(e))] = n;
    }
    by_source[SourceName(static_cast<Source>(s))] = counts;
  }
  j["by_source"] = by_source;
  const LifecycleSummary& l = summary->lifecycle;
  j["stages"] = {{"person_profiles", l.person_profiles},
                 {"person_transitions", l.person_transitions},
                 {"account_profiles", l.account_profiles},
                 {"account_transitions", l.account_transitions}};
  j["options"] = nlohmann::ordered_json::parse(options_json);
  OutputFile file(dir + "/summary.json");
  file.buffer()->append(j.dump(2));
  file.buffer()->push_back('\n');
  return file.Close();
}

}  // namespace hub::sample
