#include "adapters/mailchimp_api_adapter.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "adapters/adapter_registry.h"
#include "adapters/api_internal.h"
#include "adapters/mailchimp_mapper.h"
#include "adapters/mapper_internal.h"
#include "adapters/pull_internal.h"
#include "profile/base/status_macros.h"
#include "profile/base/time_util.h"

namespace hub {
namespace {

using adapters_internal::EscapeCursorToken;
using adapters_internal::Json;
using adapters_internal::UnescapeCursorToken;
using adapters_internal::UrlEscape;
using hub::v1::SourceRecord;

constexpr char kKind[] = "mailchimp_api";
constexpr int64_t kNoMark = -1;

// A high-water mark: the greatest change time read (unix micros) and the
// ids read at exactly that time.
struct Mark {
  int64_t time = kNoMark;
  std::set<std::string> ids;

  bool operator==(const Mark& o) const {
    return time == o.time && ids == o.ids;
  }
  // Whether (`t`, `id`) was read already at the mark.
  bool Seen(int64_t t, const std::string& id) const {
    return t == time && time != kNoMark && ids.count(id) > 0;
  }
  // Moves the mark to `t` if later; adds `id` if at it.
  void Advance(int64_t t, const std::string& id) {
    if (t > time) {
      time = t;
      ids.clear();
    }
    if (t == time) ids.insert(id);
  }
};

// A list's members: keyset position, offset within the mark's second.
struct MemberPosition {
  Mark mark;
  int64_t offset = 0;
};

// A campaign's reports.
struct CampaignPosition {
  int64_t sent_to = 0;       // rows read
  int64_t unsubscribed = 0;  // rows read
  Mark activity;             // the current window's `since`
  int64_t window_offset = 0;
  Mark next;  // greatest activity read in the current window

  bool operator==(const CampaignPosition& o) const {
    return sent_to == o.sent_to && unsubscribed == o.unsubscribed &&
           activity == o.activity && window_offset == o.window_offset &&
           next == o.next;
  }
};

struct Cursor {
  std::map<std::string, MemberPosition> lists;
  std::map<std::string, CampaignPosition> campaigns;
};

std::string EncodeMark(const Mark& mark) {
  std::vector<std::string> ids;
  for (const std::string& id : mark.ids) ids.push_back(EscapeCursorToken(id));
  return absl::StrCat(mark.time, ":", absl::StrJoin(ids, "|"));
}

std::string EncodeCursor(const Cursor& cursor) {
  std::vector<std::string> parts;
  for (const auto& [list, p] : cursor.lists) {
    if (p.mark == Mark() && p.offset == 0) continue;
    std::vector<std::string> ids;
    for (const std::string& id : p.mark.ids) {
      ids.push_back(EscapeCursorToken(id));
    }
    parts.push_back(absl::StrCat("m=", EscapeCursorToken(list), ":",
                                 p.mark.time, ":", p.offset, ":",
                                 absl::StrJoin(ids, "|")));
  }
  for (const auto& [id, p] : cursor.campaigns) {
    if (p == CampaignPosition()) continue;
    parts.push_back(absl::StrCat(
        "c=", EscapeCursorToken(id), ":", p.sent_to, ":", p.unsubscribed, ":",
        EncodeMark(p.activity), ":", p.window_offset, ":", EncodeMark(p.next)));
  }
  return absl::StrJoin(parts, ";");
}

bool ParseTime(absl::string_view text, int64_t* time) {
  return absl::SimpleAtoi(text, time) && *time >= kNoMark;
}

bool ParseMark(absl::string_view time, absl::string_view ids, Mark* mark) {
  if (!ParseTime(time, &mark->time)) return false;
  for (absl::string_view id : absl::StrSplit(ids, '|', absl::SkipEmpty())) {
    std::optional<std::string> unescaped = UnescapeCursorToken(id);
    if (!unescaped.has_value()) return false;
    mark->ids.insert(*std::move(unescaped));
  }
  return true;
}

bool ParseCount(absl::string_view text, int64_t* count) {
  std::optional<int64_t> parsed = adapters_internal::ParseCount(text);
  if (parsed.has_value()) *count = *parsed;
  return parsed.has_value();
}

// Parses one "m=" or "c=" token into `cursor`; false if malformed.
bool ParseToken(absl::string_view token, Cursor* cursor) {
  std::vector<absl::string_view> f = absl::StrSplit(token.substr(2), ':');
  std::optional<std::string> id = UnescapeCursorToken(f[0]);
  if (!id.has_value() || id->empty()) return false;
  if (absl::StartsWith(token, "m=") && f.size() == 4) {
    MemberPosition p;
    if (cursor->lists.count(*id) > 0 || !ParseMark(f[1], f[3], &p.mark) ||
        !ParseCount(f[2], &p.offset)) {
      return false;
    }
    cursor->lists[*id] = std::move(p);
    return true;
  }
  if (!absl::StartsWith(token, "c=") || f.size() != 8) return false;
  CampaignPosition p;
  if (cursor->campaigns.count(*id) > 0 || !ParseCount(f[1], &p.sent_to) ||
      !ParseCount(f[2], &p.unsubscribed) ||
      !ParseMark(f[3], f[4], &p.activity) ||
      !ParseCount(f[5], &p.window_offset) || !ParseMark(f[6], f[7], &p.next)) {
    return false;
  }
  cursor->campaigns[*id] = std::move(p);
  return true;
}

absl::StatusOr<Cursor> ParseCursor(const std::string& text) {
  Cursor cursor;
  if (text.empty()) return cursor;
  for (absl::string_view token : absl::StrSplit(text, ';')) {
    if (token.size() < 3 || !ParseToken(token, &cursor)) {
      return adapters_internal::InvalidCursor(
          kKind, text, absl::StrCat("bad token \"", token, "\""));
    }
  }
  return cursor;
}

// A time parameter: "2024-05-02T10:01:00+00:00", percent-escaped.
std::string IsoParam(int64_t micros) {
  return UrlEscape(absl::FormatTime("%Y-%m-%dT%H:%M:%S+00:00",
                                    absl::FromUnixMicros(micros),
                                    absl::UTCTimeZone()));
}

// The time at `key` of `item` in unix micros; kNoMark if unparseable.
int64_t TimeAt(const Json& item, absl::string_view key) {
  absl::StatusOr<absl::Time> t =
      ParseTimestamp(adapters_internal::TextAt(item, key));
  return t.ok() ? absl::ToUnixMicros(*t) : kNoMark;
}

int64_t OccurredMicros(const SourceRecord& record) {
  if (!record.has_occurred_at()) return kNoMark;
  return record.occurred_at().seconds() * 1000000 +
         record.occurred_at().nanos() / 1000;
}

// One run of Pull.
class MailchimpApiPull {
 public:
  MailchimpApiPull(const std::string& name, const std::string& source,
                   ApiClient* client, Cursor cursor, RecordSink* sink,
                   int count)
      : name_(name),
        source_(source),
        client_(client),
        cursor_(std::move(cursor)),
        sink_(sink),
        count_(count) {}

  absl::Status Run(std::vector<std::string> lists) {
    if (lists.empty()) {
      HUB_ASSIGN_OR_RETURN(lists, ListAll("/3.0/lists", "lists"));
    }
    for (const std::string& list : lists) {
      HUB_RETURN_IF_ERROR(PullMembers(list));
    }
    HUB_ASSIGN_OR_RETURN(
        std::vector<Json> campaigns,
        ListItems("/3.0/campaigns?sort_field=send_time&sort_dir=ASC&",
                  "campaigns"));
    std::set<std::string> done;
    for (const Json& item : campaigns) {
      absl::StatusOr<MailchimpCampaign> campaign = ParseMailchimpCampaign(item);
      if (!campaign.ok()) {
        return absl::DataLossError(absl::StrCat(
            client_->Url("/3.0/campaigns"), ": ", campaign.status().message()));
      }
      if (campaign->id.empty() || !done.insert(campaign->id).second) continue;
      HUB_RETURN_IF_ERROR(PullReports(*campaign));
    }
    return absl::OkStatus();
  }

 private:
  // A fetched page: its URL, the item array `key` and total_items (-1 if
  // absent).
  struct Page {
    std::string url;
    Json items;
    int64_t total = -1;

    // Whether items follow this page, read at `offset`.
    bool More(int64_t offset, int count) const {
      if (items.empty()) return false;
      if (total < 0) return items.size() == static_cast<size_t>(count);
      return offset + static_cast<int64_t>(items.size()) < total;
    }
  };

  // GETs `path` and returns its `key` array; DATA_LOSS naming the URL if
  // the body is not JSON or has no such array.
  absl::StatusOr<Page> Fetch(const std::string& path, absl::string_view key) {
    Page page{client_->Url(path), Json()};
    absl::StatusOr<HttpResponse> response = client_->Get(path);
    if (response.status().code() == absl::StatusCode::kUnauthenticated) {
      return absl::UnauthenticatedError(
          absl::StrCat(name_, ": ", response.status().message()));
    }
    HUB_RETURN_IF_ERROR(response.status());
    absl::StatusOr<Json> doc = adapters_internal::ParseJson(response->body);
    if (!doc.ok()) {
      return absl::DataLossError(
          absl::StrCat(page.url, ": ", doc.status().message()));
    }
    const Json* items = adapters_internal::Field(*doc, key);
    if (items == nullptr || !items->is_array()) {
      return absl::DataLossError(
          absl::StrCat(page.url, ": page has no \"", key, "\" array"));
    }
    page.items = *items;
    const Json* total = adapters_internal::Field(*doc, "total_items");
    if (total != nullptr && total->is_number_integer()) {
      page.total = total->get<int64_t>();
    }
    return page;
  }

  std::string Paged(absl::string_view path, int64_t offset) const {
    return absl::StrCat(path, "count=", count_, "&offset=", offset);
  }

  // Every item of a collection that is read whole each run.
  absl::StatusOr<std::vector<Json>> ListItems(absl::string_view path,
                                              absl::string_view key) {
    std::vector<Json> all;
    for (int64_t offset = 0;;) {
      HUB_ASSIGN_OR_RETURN(Page page, Fetch(Paged(path, offset), key));
      const bool more = page.More(offset, count_);
      for (Json& item : page.items) all.push_back(std::move(item));
      offset += page.items.size();
      if (!more) return all;
    }
  }

  absl::StatusOr<std::vector<std::string>> ListAll(absl::string_view path,
                                                   absl::string_view key) {
    HUB_ASSIGN_OR_RETURN(std::vector<Json> items,
                         ListItems(absl::StrCat(path, "?"), key));
    std::vector<std::string> ids;
    for (const Json& item : items) {
      std::string id = adapters_internal::TextAt(item, "id");
      if (!id.empty()) ids.push_back(std::move(id));
    }
    return ids;
  }

  // Writes `records` with the current cursor unless it reads nothing new
  // and the cursor is still `before`.
  absl::Status Commit(std::vector<SourceRecord> records,
                      const std::string& before) {
    std::string after = EncodeCursor(cursor_);
    if (records.empty() && after == before) return absl::OkStatus();
    return sink_->Write(std::move(records), after);
  }

  static absl::Status ItemError(const Page& page, size_t i,
                                const absl::Status& status) {
    return absl::DataLossError(
        absl::StrCat(page.url, ": item ", i, ": ", status.message()));
  }

  absl::Status PullMembers(const std::string& list) {
    const std::string base =
        absl::StrCat("/3.0/lists/", UrlEscape(list),
                     "/members?sort_field=last_changed&sort_dir=ASC&");
    for (bool more = true; more;) {
      const std::string before = EncodeCursor(cursor_);
      MemberPosition& p = cursor_.lists[list];
      std::string path = base;
      if (p.mark.time != kNoMark) {
        absl::StrAppend(&path, "since_last_changed=", IsoParam(p.mark.time),
                        "&");
      }
      HUB_ASSIGN_OR_RETURN(Page page, Fetch(Paged(path, p.offset), "members"));
      std::vector<SourceRecord> records;
      std::vector<std::pair<int64_t, std::string>> keys;
      for (size_t i = 0; i < page.items.size(); ++i) {
        absl::StatusOr<SourceRecord> record =
            MapMailchimpMember(source_, page.items[i]);
        if (!record.ok()) return ItemError(page, i, record.status());
        keys.emplace_back(TimeAt(page.items[i], "last_changed"),
                          record->external_id());
        if (!p.mark.Seen(keys.back().first, keys.back().second)) {
          records.push_back(*std::move(record));
        }
      }
      more = page.More(p.offset, count_);
      Mark mark = p.mark;
      for (const auto& [t, id] : keys) mark.Advance(t, id);
      // Offset only within the mark's second, while it fills whole pages;
      // at the end of the stream the next run restarts at the mark.
      const bool same_second = mark.time == p.mark.time;
      p.offset = same_second && more ? p.offset + keys.size() : 0;
      p.mark = std::move(mark);
      HUB_RETURN_IF_ERROR(Commit(std::move(records), before));
    }
    return absl::OkStatus();
  }

  using RowMapper =
      std::function<absl::StatusOr<std::vector<SourceRecord>>(const Json& row)>;

  // Pages an append-only report from `*rows` on.
  absl::Status PullRows(const std::string& path, absl::string_view key,
                        const std::string& campaign,
                        int64_t CampaignPosition::*rows, const RowMapper& map) {
    for (bool more = true; more;) {
      const std::string before = EncodeCursor(cursor_);
      int64_t& read = cursor_.campaigns[campaign].*rows;
      HUB_ASSIGN_OR_RETURN(Page page, Fetch(Paged(path, read), key));
      std::vector<SourceRecord> records;
      for (size_t i = 0; i < page.items.size(); ++i) {
        absl::StatusOr<std::vector<SourceRecord>> mapped = map(page.items[i]);
        if (!mapped.ok()) return ItemError(page, i, mapped.status());
        for (SourceRecord& r : *mapped) records.push_back(std::move(r));
      }
      more = page.More(read, count_);
      read += page.items.size();
      HUB_RETURN_IF_ERROR(Commit(std::move(records), before));
    }
    return absl::OkStatus();
  }

  absl::Status PullActivity(const MailchimpCampaign& campaign) {
    const std::string base = absl::StrCat(
        "/3.0/reports/", UrlEscape(campaign.id), "/email-activity?");
    for (bool more = true; more;) {
      const std::string before = EncodeCursor(cursor_);
      CampaignPosition& p = cursor_.campaigns[campaign.id];
      std::string path = base;
      if (p.activity.time != kNoMark) {
        absl::StrAppend(&path, "since=", IsoParam(p.activity.time), "&");
      }
      HUB_ASSIGN_OR_RETURN(Page page,
                           Fetch(Paged(path, p.window_offset), "emails"));
      std::vector<SourceRecord> records;
      Mark next = p.next.time == kNoMark ? p.activity : p.next;
      for (size_t i = 0; i < page.items.size(); ++i) {
        absl::StatusOr<std::vector<SourceRecord>> mapped =
            MapMailchimpEmailActivity(source_, campaign, page.items[i]);
        if (!mapped.ok()) return ItemError(page, i, mapped.status());
        for (SourceRecord& r : *mapped) {
          const int64_t t = OccurredMicros(r);
          if (p.activity.Seen(t, r.external_id())) continue;
          next.Advance(t, r.external_id());
          records.push_back(std::move(r));
        }
      }
      more = page.More(p.window_offset, count_);
      if (more) {
        p.window_offset += page.items.size();
        p.next = std::move(next);
      } else {  // the window is read: the next one starts at its mark
        p.activity = std::move(next);
        p.window_offset = 0;
        p.next = Mark();
      }
      HUB_RETURN_IF_ERROR(Commit(std::move(records), before));
    }
    return absl::OkStatus();
  }

  absl::Status PullReports(const MailchimpCampaign& campaign) {
    const std::string reports =
        absl::StrCat("/3.0/reports/", UrlEscape(campaign.id));
    HUB_RETURN_IF_ERROR(
        PullRows(absl::StrCat(reports, "/sent-to?"), "sent_to", campaign.id,
                 &CampaignPosition::sent_to, [&](const Json& row) {
                   return MapMailchimpSentTo(source_, campaign, row);
                 }));
    HUB_RETURN_IF_ERROR(PullActivity(campaign));
    return PullRows(
        absl::StrCat(reports, "/unsubscribed?"), "unsubscribes", campaign.id,
        &CampaignPosition::unsubscribed,
        [&](const Json& row) -> absl::StatusOr<std::vector<SourceRecord>> {
          HUB_ASSIGN_OR_RETURN(SourceRecord record,
                               MapMailchimpUnsubscribe(source_, campaign, row));
          std::vector<SourceRecord> records;
          records.push_back(std::move(record));
          return records;
        });
  }

  const std::string& name_;
  const std::string& source_;
  ApiClient* client_;
  Cursor cursor_;
  RecordSink* sink_;
  const int count_;
};

absl::StatusOr<HttpAuth> AuthOf(const hub::v1::Source& source,
                                std::string token) {
  const std::string& scheme = source.auth_scheme();
  if (scheme.empty() || scheme == "basic") {
    return HttpAuth::Basic("hub", std::move(token));
  }
  if (scheme == "bearer") return HttpAuth::Bearer(std::move(token));
  return absl::InvalidArgumentError(absl::StrCat(
      "auth_scheme: \"", scheme, "\" is neither \"basic\" nor \"bearer\""));
}

}  // namespace

absl::StatusOr<std::unique_ptr<SourceAdapter>> MailchimpApiAdapter::Create(
    const hub::v1::Source& source, const AdapterOptions& options) {
  return Create(source, options, MailchimpApiOptions());
}

absl::StatusOr<std::unique_ptr<SourceAdapter>> MailchimpApiAdapter::Create(
    const hub::v1::Source& source, const AdapterOptions& options,
    MailchimpApiOptions api_options) {
  if (options.page_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be positive, got ", options.page_size));
  }
  for (const std::string& list : source.list_ids()) {
    if (list.empty()) {
      return absl::InvalidArgumentError("list_ids: an id is empty");
    }
  }
  HUB_ASSIGN_OR_RETURN(std::string token,
                       adapters_internal::ReadApiToken(source, kKind));
  HUB_ASSIGN_OR_RETURN(HttpAuth auth, AuthOf(source, std::move(token)));
  HUB_ASSIGN_OR_RETURN(ApiClientOptions client,
                       adapters_internal::ApiClientOptionsFor(
                           source, options, std::move(api_options), std::move(auth)));
  return std::unique_ptr<SourceAdapter>(new MailchimpApiAdapter(
      source.name(), RecordSourceName(source), std::move(client),
      source.ca_file(), options,
      std::vector<std::string>(source.list_ids().begin(),
                               source.list_ids().end())));
}

MailchimpApiAdapter::MailchimpApiAdapter(std::string name, std::string source,
                                         ApiClientOptions client_options,
                                         std::string ca_file,
                                         AdapterOptions options,
                                         std::vector<std::string> lists)
    : name_(std::move(name)),
      source_(std::move(source)),
      client_options_(std::move(client_options)),
      ca_file_(std::move(ca_file)),
      options_(options),
      lists_(std::move(lists)) {}

absl::Status MailchimpApiAdapter::Pull(const std::string& cursor,
                                       RecordSink* sink) {
  HUB_ASSIGN_OR_RETURN(Cursor parsed, ParseCursor(cursor));
  CurlHttpClientOptions curl;
  curl.ca_file = ca_file_;
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> http,
                       CurlHttpClient::Create(curl));
  // A client per Pull: the request budget is per run.
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<ApiClient> client,
                       ApiClient::Create(std::move(http), client_options_));
  MailchimpApiPull pull(name_, source_, client.get(), std::move(parsed), sink,
                        std::min(options_.page_size, 1000));
  return pull.Run(lists_);
}

}  // namespace hub
