#include "adapters/zendesk_api_adapter.h"

#include <algorithm>
#include <array>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "adapters/adapter_registry.h"
#include "adapters/api_internal.h"
#include "adapters/pull_internal.h"
#include "adapters/zendesk_mapper.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace {

using adapters_internal::EscapeCursorToken;
using adapters_internal::UnescapeCursorToken;
using adapters_internal::UrlEscape;

constexpr char kKind[] = "zendesk_api";
constexpr ZendeskStream kStreams[] = {
    ZendeskStream::kOrganizations, ZendeskStream::kUsers,
    ZendeskStream::kTickets, ZendeskStream::kSatisfactionRatings};
constexpr size_t kStreamCount = std::size(kStreams);

// Where a stream stands. Cursor exports use `after_cursor`; the time-based
// organizations export uses `start_time` and `seen_ids`.
struct StreamPosition {
  bool reached = false;
  std::string after_cursor;
  int64_t start_time = 0;
  std::set<std::string> seen_ids;  // read already, changed at start_time
};
using Positions = std::array<StreamPosition, kStreamCount>;

// Whether `stream` is read with a time-based export: organizations always
// (they have no cursor export), users and tickets with `time_export`.
bool TimeBased(ZendeskStream stream, bool time_export) {
  return stream == ZendeskStream::kOrganizations ||
         (time_export && (stream == ZendeskStream::kUsers ||
                          stream == ZendeskStream::kTickets));
}

std::string EncodeCursor(const Positions& positions, bool time_export) {
  std::vector<std::string> parts;
  for (size_t s = 0; s < kStreamCount; ++s) {
    const StreamPosition& p = positions[s];
    if (!p.reached) continue;
    std::string value;
    if (TimeBased(kStreams[s], time_export)) {
      std::vector<std::string> ids;
      for (const std::string& id : p.seen_ids)
        ids.push_back(EscapeCursorToken(id));
      value = absl::StrCat("t", p.start_time, ":", absl::StrJoin(ids, ","));
    } else {
      value = absl::StrCat("c", EscapeCursorToken(p.after_cursor));
    }
    parts.push_back(absl::StrCat(ZendeskStreamName(kStreams[s]), "=", value));
  }
  return absl::StrJoin(parts, ";");
}

// Parses "t<start_time>:<id>,..." into `*p`; false if malformed.
bool ParseTimePosition(absl::string_view value, StreamPosition* p) {
  std::pair<absl::string_view, absl::string_view> time_ids =
      absl::StrSplit(value, absl::MaxSplits(':', 1));
  if (!absl::ConsumePrefix(&time_ids.first, "t") ||
      !absl::SimpleAtoi(time_ids.first, &p->start_time) || p->start_time < 0) {
    return false;
  }
  for (absl::string_view id :
       absl::StrSplit(time_ids.second, ',', absl::SkipEmpty())) {
    std::optional<std::string> unescaped = UnescapeCursorToken(id);
    if (!unescaped.has_value()) return false;
    p->seen_ids.insert(*std::move(unescaped));
  }
  return true;
}

absl::StatusOr<Positions> ParseCursor(const std::string& cursor,
                                      bool time_export) {
  Positions positions;
  if (cursor.empty()) return positions;
  for (absl::string_view part : absl::StrSplit(cursor, ';')) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    size_t s = 0;
    while (s < kStreamCount && ZendeskStreamName(kStreams[s]) != kv.first) ++s;
    bool ok = s < kStreamCount && !positions[s].reached;
    if (ok && TimeBased(kStreams[s], time_export)) {
      ok = ParseTimePosition(kv.second, &positions[s]);
    } else if (ok) {
      std::optional<std::string> after;
      absl::string_view value = kv.second;
      ok = absl::ConsumePrefix(&value, "c") &&
           (after = UnescapeCursorToken(value)).has_value();
      if (ok) positions[s].after_cursor = *std::move(after);
    }
    if (!ok) {
      return adapters_internal::InvalidCursor(
          kKind, cursor, absl::StrCat("bad entry \"", part, "\""));
    }
    positions[s].reached = true;
  }
  return positions;
}

// The path and query of the next page of `stream` from `p`.
std::string PagePath(ZendeskStream stream, bool time_export,
                     const StreamPosition& p, int64_t start_time,
                     int page_size) {
  const absl::string_view name = ZendeskStreamName(stream);
  if (stream == ZendeskStream::kSatisfactionRatings) {
    std::string path =
        absl::StrCat("/api/v2/satisfaction_ratings.json?page%5Bsize%5D=",
                     std::min(page_size, 100));
    if (!p.after_cursor.empty()) {
      absl::StrAppend(&path, "&page%5Bafter%5D=", UrlEscape(p.after_cursor));
    }
    return path;
  }
  const int per_page = std::min(page_size, 1000);
  if (TimeBased(stream, time_export)) {
    return absl::StrCat("/api/v2/incremental/", name, ".json?start_time=",
                        p.reached ? p.start_time : start_time,
                        "&per_page=", per_page);
  }
  if (p.after_cursor.empty()) {
    return absl::StrCat("/api/v2/incremental/", name,
                        "/cursor.json?start_time=", start_time,
                        "&per_page=", per_page);
  }
  return absl::StrCat("/api/v2/incremental/", name,
                      "/cursor.json?cursor=", UrlEscape(p.after_cursor),
                      "&per_page=", per_page);
}

// Advances a time-based position past `page`, dropping the records read
// before (those of the previous page's last second). `start_time` is the
// request's.
void AdvanceTimeBased(int64_t start_time, ZendeskPage* page,
                      StreamPosition* p) {
  std::vector<hub::v1::SourceRecord> records;
  std::vector<int64_t> times;
  for (size_t i = 0; i < page->records.size(); ++i) {
    const int64_t time = page->change_times[i];
    if (time == start_time &&
        p->seen_ids.count(page->records[i].external_id()) > 0) {
      continue;
    }
    records.push_back(std::move(page->records[i]));
    times.push_back(time);
  }
  page->records = std::move(records);
  page->change_times = std::move(times);
  const int64_t end_time = page->end_time.value_or(start_time);
  if (end_time != start_time || !p->reached) p->seen_ids.clear();
  if (!page->end_of_stream && end_time <= start_time) {
    // The whole page is one second, and a second is never split across
    // pages: all of it has been read.
    p->start_time = start_time + 1;
    p->seen_ids.clear();
  } else {
    p->start_time = end_time;
    for (size_t i = 0; i < page->records.size(); ++i) {
      if (page->change_times[i] == end_time) {
        p->seen_ids.insert(page->records[i].external_id());
      }
    }
  }
  p->reached = true;
}

absl::Status CheckPage(bool time_based, const ZendeskPage& page,
                       const std::string& url) {
  if (page.end_of_stream) return absl::OkStatus();
  if (time_based && !page.end_time.has_value()) {
    return absl::DataLossError(absl::StrCat(
        url, ": page has no end_time and is not the end of the stream"));
  }
  if (!time_based && page.after_cursor.empty()) {
    return absl::DataLossError(absl::StrCat(
        url, ": page has no after_cursor and is not the end of the stream"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<SourceAdapter>> ZendeskApiAdapter::Create(
    const hub::v1::Source& source, const AdapterOptions& options) {
  return Create(source, options, ZendeskApiOptions());
}

absl::StatusOr<std::unique_ptr<SourceAdapter>> ZendeskApiAdapter::Create(
    const hub::v1::Source& source, const AdapterOptions& options,
    ZendeskApiOptions api_options) {
  if (options.page_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be positive, got ", options.page_size));
  }
  const std::string& mode = source.export_mode();
  if (!mode.empty() && mode != "cursor" && mode != "time") {
    return absl::InvalidArgumentError(absl::StrCat(
        "export_mode: \"", mode, "\" is neither \"cursor\" nor \"time\""));
  }
  HUB_ASSIGN_OR_RETURN(std::string token,
                       adapters_internal::ReadApiToken(source, kKind));
  HttpAuth auth = source.auth_email().empty()
                      ? HttpAuth::Bearer(std::move(token))
                      : HttpAuth::Basic(absl::StrCat(source.auth_email(), "/token"),
                                        std::move(token));
  const int64_t start_time = api_options.start_time;
  HUB_ASSIGN_OR_RETURN(ApiClientOptions client,
                       adapters_internal::ApiClientOptionsFor(
                           source, options, std::move(api_options), std::move(auth)));
  return std::unique_ptr<SourceAdapter>(new ZendeskApiAdapter(
      RecordSourceName(source), std::move(client), source.ca_file(), options,
      start_time, mode == "time"));
}

ZendeskApiAdapter::ZendeskApiAdapter(std::string source,
                                     ApiClientOptions client_options,
                                     std::string ca_file,
                                     AdapterOptions options, int64_t start_time,
                                     bool time_export)
    : source_(std::move(source)),
      client_options_(std::move(client_options)),
      ca_file_(std::move(ca_file)),
      options_(options),
      start_time_(start_time),
      time_export_(time_export) {}

absl::Status ZendeskApiAdapter::Pull(const std::string& cursor,
                                     RecordSink* sink) {
  HUB_ASSIGN_OR_RETURN(Positions positions, ParseCursor(cursor, time_export_));
  CurlHttpClientOptions curl;
  curl.ca_file = ca_file_;
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> http,
                       CurlHttpClient::Create(curl));
  // A client per Pull: the request budget is per run.
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<ApiClient> client,
                       ApiClient::Create(std::move(http), client_options_));
  for (size_t s = 0; s < kStreamCount; ++s) {
    const ZendeskStream stream = kStreams[s];
    const bool time_based = TimeBased(stream, time_export_);
    StreamPosition& p = positions[s];
    for (bool more = true; more;) {
      const int64_t requested_start = p.reached ? p.start_time : start_time_;
      const std::string path =
          PagePath(stream, time_export_, p, start_time_, options_.page_size);
      const std::string url = client->Url(path);
      HUB_ASSIGN_OR_RETURN(HttpResponse response, client->Get(path));
      absl::StatusOr<ZendeskPage> page =
          ParseZendeskPage(source_, stream, response.body);
      if (!page.ok()) {
        return absl::DataLossError(
            absl::StrCat(url, ": ", page.status().message()));
      }
      HUB_RETURN_IF_ERROR(CheckPage(time_based, *page, url));
      const std::string before = EncodeCursor(positions, time_export_);
      if (time_based) {
        AdvanceTimeBased(requested_start, &*page, &p);
      } else {
        if (!page->after_cursor.empty()) p.after_cursor = page->after_cursor;
        p.reached = true;
      }
      const std::string after = EncodeCursor(positions, time_export_);
      if (after == before && page->records.empty()) break;  // nothing new
      HUB_RETURN_IF_ERROR(sink->Write(std::move(page->records), after));
      more = !page->end_of_stream;
    }
  }
  return absl::OkStatus();
}

}  // namespace hub
