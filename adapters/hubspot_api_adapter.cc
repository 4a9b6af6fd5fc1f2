#include "adapters/hubspot_api_adapter.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "adapters/adapter_registry.h"
#include "adapters/api_internal.h"
#include "adapters/hubspot_mapper.h"
#include "adapters/mapper_internal.h"
#include "adapters/pull_internal.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace {

using adapters_internal::EscapeCursorToken;
using adapters_internal::Json;
using adapters_internal::UnescapeCursorToken;
using adapters_internal::UrlEscape;

constexpr char kKind[] = "hubspot_api";
// Stream 2i reads the live objects of kHubSpotObjects[i], 2i+1 its archived
// ones.
constexpr size_t kStreams = 2 * kHubSpotObjects.size();

std::string StreamName(size_t s) {
  return absl::StrCat(kHubSpotObjects[s / 2], s % 2 == 1 ? ".archived" : "");
}

// Where a stream stands (times in epoch millis): `top` is the highest time
// read; everything changed before floor - overlap has been read; `after`
// is the next page of an unfinished list; `seen` holds the (id, time)
// pairs read at or after top - overlap, which a later read returns again.
// A stream that has read nothing is where it started, and is left out of
// the cursor.
struct Position {
  int64_t floor = 0;
  int64_t top = 0;
  std::string after;
  std::set<std::pair<std::string, int64_t>> seen;

  bool Started() const { return top != 0 || !after.empty(); }
  // Everything but `after`: what a read can change other than its place
  // in a list.
  bool SameReads(const Position& o) const {
    return floor == o.floor && top == o.top && seen == o.seen;
  }
};
using Positions = std::array<Position, kStreams>;

std::string EncodeCursor(const Positions& positions) {
  std::vector<std::string> parts;
  for (size_t s = 0; s < kStreams; ++s) {
    const Position& p = positions[s];
    if (!p.Started()) continue;
    std::vector<std::string> seen;
    for (const auto& [id, time] : p.seen) {
      seen.push_back(absl::StrCat(EscapeCursorToken(id), "@", time));
    }
    parts.push_back(absl::StrCat(StreamName(s), "=", p.floor, ":", p.top, ":",
                                 EscapeCursorToken(p.after), ":",
                                 absl::StrJoin(seen, ",")));
  }
  return absl::StrJoin(parts, ";");
}

// Parses "<floor>:<top>:<after>:<id>@<time>,..." into `*p`; false if
// malformed.
bool ParsePosition(absl::string_view value, Position* p) {
  std::vector<absl::string_view> fields =
      absl::StrSplit(value, absl::MaxSplits(':', 3));
  if (fields.size() != 4 || !absl::SimpleAtoi(fields[0], &p->floor) ||
      !absl::SimpleAtoi(fields[1], &p->top) || p->floor < 0 ||
      p->floor > p->top) {
    return false;
  }
  std::optional<std::string> after = UnescapeCursorToken(fields[2]);
  if (!after.has_value()) return false;
  p->after = *std::move(after);
  for (absl::string_view entry :
       absl::StrSplit(fields[3], ',', absl::SkipEmpty())) {
    const size_t at = entry.rfind('@');
    std::optional<std::string> id = UnescapeCursorToken(entry.substr(0, at));
    int64_t time;
    if (at == entry.npos || !id.has_value() || id->empty() ||
        !absl::SimpleAtoi(entry.substr(at + 1), &time)) {
      return false;
    }
    p->seen.emplace(*std::move(id), time);
  }
  return p->Started();
}

absl::StatusOr<Positions> ParseCursor(const std::string& cursor) {
  Positions positions;
  if (cursor.empty()) return positions;
  std::array<bool, kStreams> given = {};
  for (absl::string_view part : absl::StrSplit(cursor, ';')) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    size_t s = 0;
    while (s < kStreams && StreamName(s) != kv.first) ++s;
    if (s == kStreams || std::exchange(given[s], true) ||
        !ParsePosition(kv.second, &positions[s])) {
      return adapters_internal::InvalidCursor(
          kKind, cursor, absl::StrCat("bad entry \"", part, "\""));
    }
  }
  return positions;
}

// The list request of `object`'s live or archived objects.
std::string ListPath(absl::string_view object, bool archived, int limit,
                     const std::string& after) {
  std::string path = absl::StrCat(
      "/crm/v3/objects/", object, "?limit=", limit,
      "&archived=", archived ? "true" : "false", "&properties=",
      UrlEscape(absl::StrJoin(HubSpotMappedProperties(object), ",")));
  if (object == "deals" && !archived) {
    absl::StrAppend(&path, "&associations=", UrlEscape("companies,contacts"));
  }
  if (!after.empty()) absl::StrAppend(&path, "&after=", UrlEscape(after));
  return path;
}

// The body of a search for `object`s modified at or after `from`.
std::string SearchBody(absl::string_view object, int64_t from, int limit,
                       const std::string& after) {
  const std::string modified(HubSpotModifiedProperty(object));
  Json body = {
      {"filterGroups",
       Json::array(
           {{{"filters", Json::array({{{"propertyName", modified},
                                       {"operator", "GTE"},
                                       {"value", absl::StrCat(from)}}})}}})},
      {"sorts",
       Json::array({{{"propertyName", modified}, {"direction", "ASCENDING"}}})},
      {"properties", HubSpotMappedProperties(object)},
      {"limit", limit}};
  if (!after.empty()) body["after"] = after;
  return body.dump();
}

// A result of a page, mapped, with what the position needs.
struct PageRecord {
  std::string id;
  int64_t time;
  hub::v1::SourceRecord record;
};

// Maps a whole page before anything of it is used. A live object's time is
// its modification property, an archived one's its archivedAt.
absl::StatusOr<std::vector<PageRecord>> MapPage(const std::string& source,
                                                absl::string_view object,
                                                bool archived,
                                                const HubSpotPage& page) {
  const std::string field = archived
                                ? std::string("archivedAt")
                                : std::string(HubSpotModifiedProperty(object));
  std::vector<PageRecord> records;
  for (const Json& result : page.results) {
    const std::string id = adapters_internal::TextAt(result, "id");
    const std::string text =
        archived ? adapters_internal::TextAt(result, "archivedAt")
                 : adapters_internal::TextAt(result, {"properties", field});
    absl::Time time;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
      return absl::DataLossError(
          absl::StrCat(object, " result \"", id, "\" lacks a valid ", field));
    }
    HUB_ASSIGN_OR_RETURN(hub::v1::SourceRecord record,
                         MapHubSpotObject(source, object, result));
    records.push_back(
        PageRecord{id, absl::ToUnixMillis(time), std::move(record)});
  }
  return records;
}

// Moves `*p` past `records`, keeping only those not read before.
std::vector<hub::v1::SourceRecord> Advance(std::vector<PageRecord> records,
                                           int64_t overlap_ms, Position* p) {
  std::vector<hub::v1::SourceRecord> fresh;
  for (PageRecord& r : records) {
    if (r.time < p->floor - overlap_ms ||
        !p->seen.emplace(r.id, r.time).second) {
      continue;
    }
    p->top = std::max(p->top, r.time);
    fresh.push_back(std::move(r.record));
  }
  for (auto it = p->seen.begin(); it != p->seen.end();) {
    it = it->second < p->top - overlap_ms ? p->seen.erase(it) : std::next(it);
  }
  return fresh;
}

// Adds to each deal of `page` the companies and contacts associated with it
// (search results carry none), in the list response's shape.
absl::Status AddDealAssociations(ApiClient* client, HubSpotPage* page) {
  if (page->results.empty()) return absl::OkStatus();
  Json inputs = Json::array();
  for (const Json& deal : page->results) {
    inputs.push_back({{"id", deal.at("id")}});
  }
  const std::string body = Json{{"inputs", inputs}}.dump();
  for (const char* type : {"companies", "contacts"}) {
    const std::string path =
        absl::StrCat("/crm/v3/associations/deals/", type, "/batch/read");
    HUB_ASSIGN_OR_RETURN(HttpResponse response, client->PostJson(path, body));
    absl::StatusOr<Json> json = adapters_internal::ParseJson(response.body);
    const Json* results =
        json.ok() ? adapters_internal::Field(*json, "results") : nullptr;
    if (results == nullptr || !results->is_array()) {
      return absl::DataLossError(absl::StrCat(
          "POST ", client->Url(path), ": not an associations batch result"));
    }
    for (const Json& result : *results) {
      const std::string from =
          adapters_internal::TextAt(result, {"from", "id"});
      const Json* to = adapters_internal::Field(result, "to");
      for (Json& deal : page->results) {
        if (to != nullptr && deal["id"] == from) {
          deal["associations"][type]["results"] = *to;
        }
      }
    }
  }
  return absl::OkStatus();
}

// Reads a 429's policyName: DAILY stops the run (no retry clears it before
// the portal's midnight), any other is retried after `wait`.
absl::StatusOr<absl::Duration> Throttled(const HttpResponse& response,
                                         absl::Duration wait) {
  absl::StatusOr<Json> json = adapters_internal::ParseJson(response.body);
  if (json.ok() && adapters_internal::TextAt(*json, "policyName") == "DAILY") {
    return absl::ResourceExhaustedError(
        "HubSpot's daily API limit is reached (policyName DAILY); run "
        "stopped, the next run resumes after the last committed page");
  }
  return wait;
}

absl::Status CheckUnused(const hub::v1::Source& source) {
  const std::pair<const char*, bool> unused[] = {
      {"auth_email", !source.auth_email().empty()},
      {"export_mode", !source.export_mode().empty()},
      {"refresh_token_env", !source.refresh_token_env().empty()},
      {"client_id_env", !source.client_id_env().empty()},
      {"client_secret_env", !source.client_secret_env().empty()},
      {"list_ids", source.list_ids_size() > 0},
      {"auth_scheme", !source.auth_scheme().empty()}};
  for (const auto& [field, set] : unused) {
    if (set) {
      return absl::InvalidArgumentError(
          absl::StrCat(field,
                       ": not used by hubspot_api (the private-app token is a "
                       "bearer token); leave it empty"));
    }
  }
  return absl::OkStatus();
}

// One Pull's requests and writes.
class Run {
 public:
  // `positions` are those of `cursor`.
  Run(const std::string& source, ApiClient* client, RecordSink* sink, int limit,
      int64_t overlap_ms, int search_cap, std::string cursor,
      Positions* positions)
      : source_(source),
        client_(client),
        sink_(sink),
        limit_(limit),
        overlap_ms_(overlap_ms),
        search_cap_(search_cap),
        written_(std::move(cursor)),
        positions_(positions) {}

  // Reads stream `s` to its end.
  absl::Status Stream(size_t s) {
    Position& p = (*positions_)[s];
    const absl::string_view object = kHubSpotObjects[s / 2];
    const bool archived = s % 2 == 1;
    if (archived || !p.Started() || !p.after.empty()) {
      return List(object, archived, &p);
    }
    return Search(object, &p);
  }

 private:
  // Reads a list to its end from p->after; floor rises to top at the end,
  // since a list is in no time order.
  absl::Status List(absl::string_view object, bool archived, Position* p) {
    for (;;) {
      const std::string path = ListPath(object, archived, limit_, p->after);
      const std::string page_name = client_->Url(path);
      HUB_ASSIGN_OR_RETURN(HttpResponse response, Request(client_->Get(path)));
      absl::StatusOr<HubSpotPage> page = ParseHubSpotPage(response.body);
      const Position before = *p;
      HUB_ASSIGN_OR_RETURN(std::vector<hub::v1::SourceRecord> fresh,
                           Read(page, object, archived, page_name, p));
      p->after = page->next_after;
      if (p->after.empty()) p->floor = p->top;
      HUB_RETURN_IF_ERROR(Commit(std::move(fresh), before, p));
      if (p->after.empty()) return absl::OkStatus();
    }
  }

  // Searches from floor - overlap in time order; floor follows top after
  // every page. A query that has returned search_cap results starts again
  // from top.
  absl::Status Search(absl::string_view object, Position* p) {
    int64_t from = std::max<int64_t>(0, p->floor - overlap_ms_);
    std::string after;
    int64_t returned = 0;
    const std::string path =
        absl::StrCat("/crm/v3/objects/", object, "/search");
    for (;;) {
      const std::string page_name =
          absl::StrCat("POST ", client_->Url(path), " (from ", from,
                       ", after \"", after, "\")");
      HUB_ASSIGN_OR_RETURN(HttpResponse response,
                           Request(client_->PostJson(
                               path, SearchBody(object, from, limit_, after))));
      absl::StatusOr<HubSpotPage> page = ParseHubSpotPage(response.body);
      if (page.ok() && object == "deals") {
        HUB_RETURN_IF_ERROR(AddDealAssociations(client_, &*page));
      }
      const Position before = *p;
      HUB_ASSIGN_OR_RETURN(std::vector<hub::v1::SourceRecord> fresh,
                           Read(page, object, false, page_name, p));
      p->floor = p->top;
      HUB_RETURN_IF_ERROR(Commit(std::move(fresh), before, p));
      if (page->next_after.empty()) return absl::OkStatus();
      returned += static_cast<int64_t>(page->results.size());
      if (returned < search_cap_) {
        after = page->next_after;
        continue;
      }
      if (p->top <= from) {
        return absl::FailedPreconditionError(absl::StrCat(
            "source ", source_, ": more than ", search_cap_, " ", object,
            " share the modification time ", from,
            " (epoch ms); HubSpot's search cannot page past them"));
      }
      from = p->top;
      after.clear();
      returned = 0;
    }
  }

  // Maps `page` (DATA_LOSS naming `page_name` if it is malformed) and
  // advances `*p` past it.
  absl::StatusOr<std::vector<hub::v1::SourceRecord>> Read(
      const absl::StatusOr<HubSpotPage>& page, absl::string_view object,
      bool archived, const std::string& page_name, Position* p) {
    absl::StatusOr<std::vector<PageRecord>> records =
        page.ok() ? MapPage(source_, object, archived, *page)
                  : absl::StatusOr<std::vector<PageRecord>>(page.status());
    if (!records.ok()) {
      return absl::DataLossError(
          absl::StrCat(page_name, ": ", records.status().message()));
    }
    return Advance(*std::move(records), overlap_ms_, p);
  }

  // Writes a page that read something new or moved the position; a page
  // that only moved through a list is not written (a resumed run reads it
  // again and finds nothing new), nor one that leaves the cursor as is.
  absl::Status Commit(std::vector<hub::v1::SourceRecord> fresh,
                      const Position& before, const Position* p) {
    const std::string cursor = EncodeCursor(*positions_);
    const bool settled = !p->SameReads(before) || p->after.empty();
    if (fresh.empty() && (cursor == written_ || !settled)) {
      return absl::OkStatus();
    }
    HUB_RETURN_IF_ERROR(sink_->Write(std::move(fresh), cursor));
    written_ = cursor;
    return absl::OkStatus();
  }

  // Names the source in the errors that are about it rather than a page.
  absl::StatusOr<HttpResponse> Request(absl::StatusOr<HttpResponse> response) {
    if (absl::IsUnauthenticated(response.status())) {
      return absl::UnauthenticatedError(absl::StrCat(
          "source ", source_, ": HubSpot rejected the private-app token: ",
          response.status().message()));
    }
    if (absl::IsResourceExhausted(response.status())) {
      return absl::ResourceExhaustedError(
          absl::StrCat("source ", source_, ": ", response.status().message()));
    }
    return response;
  }

  const std::string& source_;
  ApiClient* client_;
  RecordSink* sink_;
  int limit_;
  int64_t overlap_ms_;
  int search_cap_;
  std::string written_;  // the cursor of the last page written (or given)
  Positions* positions_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SourceAdapter>> HubSpotApiAdapter::Create(
    const hub::v1::Source& source, const AdapterOptions& options) {
  return Create(source, options, HubSpotApiOptions());
}

absl::StatusOr<std::unique_ptr<SourceAdapter>> HubSpotApiAdapter::Create(
    const hub::v1::Source& source, const AdapterOptions& options,
    HubSpotApiOptions api_options) {
  if (options.page_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be positive, got ", options.page_size));
  }
  if (api_options.search_cap < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "search_cap must be positive, got ", api_options.search_cap));
  }
  HUB_RETURN_IF_ERROR(CheckUnused(source));
  HUB_ASSIGN_OR_RETURN(std::string token,
                       adapters_internal::ReadApiToken(source, kKind));
  HUB_ASSIGN_OR_RETURN(absl::Duration overlap, adapters_internal::ReadQueryOverlap(source));
  const int search_cap = api_options.search_cap;
  const absl::Duration wait = api_options.throttle_wait;
  api_options.retry.throttled = [wait](const HttpResponse& response) {
    return Throttled(response, wait);
  };
  HUB_ASSIGN_OR_RETURN(ApiClientOptions client,
                       adapters_internal::ApiClientOptionsFor(
                           source, options, std::move(api_options),
                           HttpAuth::Bearer(std::move(token))));
  return std::unique_ptr<SourceAdapter>(new HubSpotApiAdapter(
      RecordSourceName(source), std::move(client), source.ca_file(),
      std::min(options.page_size, 100), overlap, search_cap));
}

HubSpotApiAdapter::HubSpotApiAdapter(std::string source,
                                     ApiClientOptions client_options,
                                     std::string ca_file, int limit,
                                     absl::Duration overlap, int search_cap)
    : source_(std::move(source)),
      client_options_(std::move(client_options)),
      ca_file_(std::move(ca_file)),
      limit_(limit),
      overlap_ms_(absl::ToInt64Milliseconds(overlap)),
      search_cap_(search_cap) {}

absl::Status HubSpotApiAdapter::Pull(const std::string& cursor,
                                     RecordSink* sink) {
  HUB_ASSIGN_OR_RETURN(Positions positions, ParseCursor(cursor));
  CurlHttpClientOptions curl;
  curl.ca_file = ca_file_;
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> http,
                       CurlHttpClient::Create(curl));
  // A client per Pull: the request budget is per run.
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<ApiClient> client,
                       ApiClient::Create(std::move(http), client_options_));
  Run run(source_, client.get(), sink, limit_, overlap_ms_, search_cap_, cursor,
          &positions);
  for (size_t s = 0; s < kStreams; ++s) {
    HUB_RETURN_IF_ERROR(run.Stream(s));
  }
  return absl::OkStatus();
}

}  // namespace hub
