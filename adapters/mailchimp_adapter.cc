#include "adapters/mailchimp_adapter.h"

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "adapters/adapter_registry.h"
#include "adapters/mailchimp_mapper.h"
#include "adapters/mapper_internal.h"
#include "adapters/pull_internal.h"
#include "profile/base/status_macros.h"
#include "profile/base/time_util.h"

namespace hub {
namespace {

using adapters_internal::EscapeCursorToken;
using adapters_internal::Json;
using adapters_internal::WithContext;
using hub::v1::SourceRecord;

// The order of members: last_changed (unparseable first), then id.
struct MemberKey {
  int64_t micros = 0;
  std::string id;
  bool operator<(const MemberKey& o) const {
    return std::tie(micros, id) < std::tie(o.micros, o.id);
  }
  bool operator==(const MemberKey& o) const {
    return micros == o.micros && id == o.id;
  }
};

// Members consumed: all before `key`, and `count` with exactly `key`.
struct MemberMark {
  bool set = false;
  MemberKey key;
  int64_t count = 0;
};

constexpr size_t kReports = 3;
using ReportCounts = std::array<int64_t, kReports>;

struct Cursor {
  MemberMark members;
  std::map<std::string, ReportCounts> campaigns;
};

struct ReportFile {
  const char* file;
  const char* array;
};
constexpr ReportFile kReportFiles[kReports] = {
    {"sent-to.json", "sent_to"},
    {"email-activity.json", "emails"},
    {"unsubscribed.json", "unsubscribes"}};

std::string EncodeCursor(const Cursor& cursor) {
  std::vector<std::string> parts;
  if (cursor.members.set) {
    parts.push_back(absl::StrCat("m=", cursor.members.key.micros, ",",
                                 cursor.members.count, ",",
                                 EscapeCursorToken(cursor.members.key.id)));
  }
  for (const auto& [id, counts] : cursor.campaigns) {
    if (counts == ReportCounts{}) continue;
    parts.push_back(absl::StrCat("c=", EscapeCursorToken(id), ",",
                                 absl::StrJoin(counts, ",")));
  }
  return absl::StrJoin(parts, ";");
}

// Parses one "m=" or "c=" token into `cursor`; false if malformed.
bool ParseToken(absl::string_view token, Cursor* cursor) {
  std::vector<absl::string_view> f = absl::StrSplit(token.substr(2), ',');
  if (absl::StartsWith(token, "m=") && f.size() == 3 && !cursor->members.set) {
    std::optional<int64_t> count = adapters_internal::ParseCount(f[1]);
    std::optional<std::string> id =
        adapters_internal::UnescapeCursorToken(f[2]);
    MemberMark& mark = cursor->members;
    if (!count.has_value() || *count == 0 || !id.has_value() ||
        !absl::SimpleAtoi(f[0], &mark.key.micros)) {
      return false;
    }
    mark = MemberMark{true, MemberKey{mark.key.micros, *std::move(id)}, *count};
    return true;
  }
  if (!absl::StartsWith(token, "c=") || f.size() != 1 + kReports) return false;
  std::optional<std::string> id = adapters_internal::UnescapeCursorToken(f[0]);
  if (!id.has_value() || id->empty() || cursor->campaigns.count(*id) > 0) {
    return false;
  }
  ReportCounts counts;
  for (size_t i = 0; i < kReports; ++i) {
    std::optional<int64_t> count = adapters_internal::ParseCount(f[i + 1]);
    if (!count.has_value()) return false;
    counts[i] = *count;
  }
  cursor->campaigns[*id] = counts;
  return true;
}

absl::StatusOr<Cursor> ParseCursor(const std::string& text) {
  Cursor cursor;
  if (text.empty()) return cursor;
  for (absl::string_view token : absl::StrSplit(text, ';')) {
    if (token.size() < 2 || !ParseToken(token, &cursor)) {
      return adapters_internal::InvalidCursor(
          "mailchimp", text, absl::StrCat("bad token \"", token, "\""));
    }
  }
  return cursor;
}

MemberKey KeyOf(const Json& member) {
  absl::StatusOr<absl::Time> changed =
      ParseTimestamp(adapters_internal::TextAt(member, "last_changed"));
  return MemberKey{changed.ok() ? absl::ToUnixMicros(*changed)
                                : std::numeric_limits<int64_t>::min(),
                   adapters_internal::TextAt(member, "id")};
}

// One run of Pull.
class MailchimpPull {
 public:
  MailchimpPull(absl::string_view source, const std::string& path,
                const std::string& raw_cursor, Cursor cursor, RecordSink* sink,
                int page_size)
      : source_(source),
        path_(path),
        raw_cursor_(raw_cursor),
        cursor_(std::move(cursor)),
        pages_(sink, page_size) {}

  absl::Status Run() {
    HUB_RETURN_IF_ERROR(PullMembers());
    HUB_RETURN_IF_ERROR(PullCampaigns());
    return pages_.Finish(EncodeCursor(cursor_));
  }

 private:
  // The array `key` of the JSON file `file`, or nullopt if there is no file.
  absl::StatusOr<std::optional<Json>> LoadArray(const std::string& file,
                                                absl::string_view key) {
    HUB_ASSIGN_OR_RETURN(std::optional<std::string> text,
                         adapters_internal::ReadOptionalFile(file));
    if (!text.has_value()) return std::optional<Json>();
    absl::StatusOr<Json> doc = adapters_internal::ParseJson(*text);
    HUB_RETURN_IF_ERROR(WithContext(doc.status(), file));
    const Json* array = adapters_internal::Field(*doc, key);
    if (array == nullptr || !array->is_array()) {
      return absl::DataLossError(
          absl::StrCat(file, ": no \"", key, "\" array"));
    }
    return std::optional<Json>(*array);
  }

  absl::Status Add(SourceRecord record) {
    return pages_.Add(std::move(record),
                      [this] { return EncodeCursor(cursor_); });
  }

  absl::Status PullMembers() {
    const std::string file = adapters_internal::JoinPath(path_, "members.json");
    HUB_ASSIGN_OR_RETURN(std::optional<Json> members,
                         LoadArray(file, "members"));
    if (!members.has_value()) return absl::OkStatus();
    std::vector<std::pair<MemberKey, size_t>> order;
    for (size_t i = 0; i < members->size(); ++i) {
      HUB_RETURN_IF_ERROR(
          WithContext(adapters_internal::RequireObject((*members)[i], "member"),
                      absl::StrCat(file, ": members[", i, "]")));
      order.emplace_back(KeyOf((*members)[i]), i);
    }
    std::stable_sort(
        order.begin(), order.end(),
        [](const auto& a, const auto& b) { return a.first < b.first; });
    const MemberMark start = cursor_.members;
    int64_t equal_seen = 0;
    for (auto& [key, index] : order) {
      if (start.set && key < start.key) continue;
      if (start.set && key == start.key && equal_seen++ < start.count) continue;
      absl::StatusOr<SourceRecord> record =
          MapMailchimpMember(source_, (*members)[index]);
      HUB_RETURN_IF_ERROR(WithContext(record.status(), file));
      MemberMark& mark = cursor_.members;
      mark = mark.set && mark.key == key
                 ? MemberMark{true, std::move(key), mark.count + 1}
                 : MemberMark{true, std::move(key), 1};
      HUB_RETURN_IF_ERROR(Add(*std::move(record)));
    }
    return absl::OkStatus();
  }

  absl::Status PullCampaigns() {
    const std::string file =
        adapters_internal::JoinPath(path_, "campaigns.json");
    HUB_ASSIGN_OR_RETURN(std::optional<Json> campaigns,
                         LoadArray(file, "campaigns"));
    if (!campaigns.has_value()) return absl::OkStatus();
    std::set<std::string> seen;
    for (size_t i = 0; i < campaigns->size(); ++i) {
      absl::StatusOr<MailchimpCampaign> campaign =
          ParseMailchimpCampaign((*campaigns)[i]);
      const std::string where = absl::StrCat(file, ": campaigns[", i, "]");
      HUB_RETURN_IF_ERROR(WithContext(campaign.status(), where));
      const std::string& id = campaign->id;
      if (id.empty() || !seen.insert(id).second) continue;
      if (id == "." || id == ".." || id.find('/') != std::string::npos) {
        return absl::DataLossError(
            absl::StrCat(where, ": unusable campaign id \"", id, "\""));
      }
      for (size_t r = 0; r < kReports; ++r) {
        HUB_RETURN_IF_ERROR(PullReport(*campaign, r));
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<SourceRecord>> MapItem(
      const MailchimpCampaign& campaign, size_t report, const Json& item) {
    if (report == 0) return MapMailchimpSentTo(source_, campaign, item);
    if (report == 1) return MapMailchimpEmailActivity(source_, campaign, item);
    HUB_ASSIGN_OR_RETURN(SourceRecord record,
                         MapMailchimpUnsubscribe(source_, campaign, item));
    std::vector<SourceRecord> records;
    records.push_back(std::move(record));
    return records;
  }

  absl::Status PullReport(const MailchimpCampaign& campaign, size_t report) {
    const ReportFile& spec = kReportFiles[report];
    const std::string file = adapters_internal::JoinPath(
        path_, absl::StrCat("reports/", campaign.id, "/", spec.file));
    HUB_ASSIGN_OR_RETURN(std::optional<Json> items,
                         LoadArray(file, spec.array));
    if (!items.has_value()) return absl::OkStatus();
    int64_t& consumed = cursor_.campaigns[campaign.id][report];
    const int64_t skip = consumed;
    int64_t produced = 0;
    for (size_t i = 0; i < items->size(); ++i) {
      absl::StatusOr<std::vector<SourceRecord>> records =
          MapItem(campaign, report, (*items)[i]);
      HUB_RETURN_IF_ERROR(WithContext(
          records.status(), absl::StrCat(file, ": ", spec.array, "[", i, "]")));
      for (SourceRecord& record : *records) {
        if (++produced <= skip) continue;
        consumed = produced;
        HUB_RETURN_IF_ERROR(Add(std::move(record)));
      }
    }
    if (produced < skip) {
      return adapters_internal::InvalidCursor(
          "mailchimp", raw_cursor_,
          absl::StrCat(file, " yields only ", produced, " records"));
    }
    return absl::OkStatus();
  }

  const absl::string_view source_;
  const std::string& path_;
  const std::string& raw_cursor_;
  Cursor cursor_;
  adapters_internal::PageWriter pages_;
};

}  // namespace

MailchimpAdapter::MailchimpAdapter(std::string source, std::string path,
                                   AdapterOptions options)
    : source_(std::move(source)), path_(std::move(path)), options_(options) {}

absl::StatusOr<std::unique_ptr<SourceAdapter>> MailchimpAdapter::Create(
    const hub::v1::Source& source, const AdapterOptions& options) {
  HUB_RETURN_IF_ERROR(adapters_internal::ValidateFileSource(source, options));
  return std::unique_ptr<SourceAdapter>(
      new MailchimpAdapter(RecordSourceName(source), source.path(), options));
}

absl::Status MailchimpAdapter::Pull(const std::string& cursor,
                                    RecordSink* sink) {
  HUB_RETURN_IF_ERROR(adapters_internal::CheckSourceDir(path_));
  HUB_ASSIGN_OR_RETURN(Cursor parsed, ParseCursor(cursor));
  MailchimpPull pull(source_, path_, cursor, std::move(parsed), sink,
                     options_.page_size);
  return pull.Run();
}

}  // namespace hub
