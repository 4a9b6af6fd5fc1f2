#include "adapters/salesforce_api_adapter.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <iterator>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "adapters/adapter_registry.h"
#include "adapters/mapper_internal.h"
#include "adapters/api_internal.h"
#include "adapters/pull_internal.h"
#include "adapters/salesforce_mapper.h"
#include "profile/base/status_macros.h"

namespace hub {
namespace {

using adapters_internal::EscapeCursorToken;
using adapters_internal::UnescapeCursorToken;
using adapters_internal::UrlEscape;

constexpr char kKind[] = "salesforce_api";
constexpr size_t kObjects = kSalesforceObjects.size();

// Where an object stands: the highest SystemModstamp read (unix micros, 0:
// nothing read yet) and the (Id, SystemModstamp) pairs read at or after
// mark - overlap, which the next query returns again.
struct Position {
  int64_t mark = 0;
  std::set<std::pair<std::string, int64_t>> seen;
};
using Positions = std::array<Position, kObjects>;

std::string EncodeCursor(const Positions& positions) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < kObjects; ++i) {
    const Position& p = positions[i];
    if (p.mark == 0) continue;
    std::vector<std::string> seen;
    for (const auto& [id, stamp] : p.seen) {
      seen.push_back(absl::StrCat(EscapeCursorToken(id), "@", stamp));
    }
    parts.push_back(absl::StrCat(kSalesforceObjects[i], "=", p.mark, ":",
                                 absl::StrJoin(seen, ",")));
  }
  return absl::StrJoin(parts, ";");
}

// Parses "<mark>:<id>@<stamp>,..." into `*p`; false if malformed.
bool ParsePosition(absl::string_view value, Position* p) {
  std::pair<absl::string_view, absl::string_view> mark_seen =
      absl::StrSplit(value, absl::MaxSplits(':', 1));
  if (!absl::SimpleAtoi(mark_seen.first, &p->mark) || p->mark <= 0) {
    return false;
  }
  for (absl::string_view entry :
       absl::StrSplit(mark_seen.second, ',', absl::SkipEmpty())) {
    const size_t at = entry.rfind('@');
    std::optional<std::string> id = UnescapeCursorToken(entry.substr(0, at));
    int64_t stamp;
    if (at == entry.npos || !id.has_value() || id->empty() ||
        !absl::SimpleAtoi(entry.substr(at + 1), &stamp)) {
      return false;
    }
    p->seen.emplace(*std::move(id), stamp);
  }
  return true;
}

absl::StatusOr<Positions> ParseCursor(const std::string& cursor) {
  Positions positions;
  if (cursor.empty()) return positions;
  for (absl::string_view part : absl::StrSplit(cursor, ';')) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    size_t i = 0;
    while (i < kObjects && kSalesforceObjects[i] != kv.first) ++i;
    if (i == kObjects || positions[i].mark != 0 ||
        !ParsePosition(kv.second, &positions[i])) {
      return adapters_internal::InvalidCursor(
          kKind, cursor, absl::StrCat("bad entry \"", part, "\""));
    }
  }
  return positions;
}

// A SOQL datetime literal (unquoted, UTC, milliseconds).
std::string SoqlTime(int64_t micros) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMicros(micros),
                          absl::UTCTimeZone());
}

std::string QueryPath(const std::string& version, absl::string_view object,
                      const Position& p, absl::Duration overlap) {
  std::string soql = absl::StrCat(
      "SELECT ", absl::StrJoin(SalesforceMappedFields(object), ", "), " FROM ",
      object);
  if (p.mark != 0) {
    absl::StrAppend(&soql, " WHERE SystemModstamp >= ",
                    SoqlTime(p.mark - absl::ToInt64Microseconds(overlap)));
  }
  absl::StrAppend(&soql, " ORDER BY SystemModstamp, Id");
  return absl::StrCat("/services/data/", version,
                      "/queryAll?q=", UrlEscape(soql));
}

// A record of a page, mapped, with what the position needs.
struct PageRecord {
  std::string id;
  int64_t stamp;
  hub::v1::SourceRecord record;
};

// Parses and maps a whole page before anything of it is used.
absl::StatusOr<std::vector<PageRecord>> MapPage(
    const std::string& source, absl::string_view object,
    const SalesforceQueryPage& page) {
  const std::vector<std::string>& fields = SalesforceMappedFields(object);
  const size_t stamp_column =
      std::find(fields.begin(), fields.end(), "SystemModstamp") -
      fields.begin();
  std::vector<PageRecord> records;
  for (const std::vector<std::string>& row : page.rows) {
    absl::Time stamp;
    std::string error;
    if (row[0].empty() || !absl::ParseTime(absl::RFC3339_full,
                                           row[stamp_column], &stamp, &error)) {
      return absl::DataLossError(
          absl::StrCat(object, " record \"", row[0],
                       "\" lacks an Id or a valid SystemModstamp"));
    }
    HUB_ASSIGN_OR_RETURN(hub::v1::SourceRecord record,
                         MapSalesforceRow(source, object, fields, row));
    records.push_back(
        PageRecord{row[0], absl::ToUnixMicros(stamp), std::move(record)});
  }
  return records;
}

// Moves `*p` past `records`, keeping only the records not read before.
std::vector<hub::v1::SourceRecord> Advance(std::vector<PageRecord> records,
                                           absl::Duration overlap,
                                           Position* p) {
  std::vector<hub::v1::SourceRecord> fresh;
  for (PageRecord& r : records) {
    if (!p->seen.emplace(r.id, r.stamp).second) continue;
    p->mark = std::max(p->mark, r.stamp);
    fresh.push_back(std::move(r.record));
  }
  const int64_t floor = p->mark - absl::ToInt64Microseconds(overlap);
  for (auto it = p->seen.begin(); it != p->seen.end();) {
    it = it->second < floor ? p->seen.erase(it) : std::next(it);
  }
  return fresh;
}

// The value of the environment variable named by `field` (empty name: "").
absl::StatusOr<std::string> ReadEnv(absl::string_view field,
                                    const std::string& name) {
  if (name.empty()) return std::string();
  const char* value = std::getenv(name.c_str());
  if (value == nullptr || *value == '\0') {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": environment variable \"", name, "\" is not set or empty"));
  }
  return std::string(absl::StripAsciiWhitespace(value));
}

absl::StatusOr<SalesforceApiAdapter::OAuthRefresh> ReadRefresh(
    const hub::v1::Source& source) {
  const int set = !source.refresh_token_env().empty() +
                  !source.client_id_env().empty() +
                  !source.client_secret_env().empty();
  if (set != 0 && set != 3) {
    return absl::InvalidArgumentError(
        "refresh_token_env, client_id_env, client_secret_env: set all three "
        "or none");
  }
  SalesforceApiAdapter::OAuthRefresh refresh;
  HUB_ASSIGN_OR_RETURN(
      refresh.refresh_token,
      ReadEnv("refresh_token_env", source.refresh_token_env()));
  HUB_ASSIGN_OR_RETURN(refresh.client_id,
                       ReadEnv("client_id_env", source.client_id_env()));
  HUB_ASSIGN_OR_RETURN(
      refresh.client_secret,
      ReadEnv("client_secret_env", source.client_secret_env()));
  return refresh;
}

absl::StatusOr<absl::Duration> ReadOverlap(const hub::v1::Source& source) {
  if (!source.has_query_overlap()) return absl::Minutes(5);
  const google::protobuf::Duration& d = source.query_overlap();
  if (d.seconds() < 0 || d.nanos() < 0 || d.nanos() > 999999999 ||
      d.seconds() > 315576000000) {
    return absl::InvalidArgumentError(absl::StrCat(
        "query_overlap: must be a non-negative Duration, got seconds=",
        d.seconds(), " nanos=", d.nanos()));
  }
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

absl::Status CheckUnused(const hub::v1::Source& source) {
  if (!source.auth_email().empty()) {
    return absl::InvalidArgumentError(
        "auth_email: not used by salesforce_api (the token is a bearer token)");
  }
  if (!source.export_mode().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("export_mode: \"", source.export_mode(),
                     "\" is not supported by salesforce_api (leave it empty)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<SourceAdapter>> SalesforceApiAdapter::Create(
    const hub::v1::Source& source, const AdapterOptions& options) {
  return Create(source, options, SalesforceApiOptions());
}

absl::StatusOr<std::unique_ptr<SourceAdapter>> SalesforceApiAdapter::Create(
    const hub::v1::Source& source, const AdapterOptions& options,
    SalesforceApiOptions api_options) {
  if (options.page_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be positive, got ", options.page_size));
  }
  HUB_RETURN_IF_ERROR(CheckUnused(source));
  HUB_ASSIGN_OR_RETURN(std::string token,
                       adapters_internal::ReadApiToken(source, kKind));
  HUB_ASSIGN_OR_RETURN(OAuthRefresh refresh, ReadRefresh(source));
  HUB_ASSIGN_OR_RETURN(absl::Duration overlap, ReadOverlap(source));
  const std::string api_version = api_options.api_version;
  HUB_ASSIGN_OR_RETURN(ApiClientOptions client,
                       adapters_internal::ApiClientOptionsFor(
                           source, options, std::move(api_options),
                           HttpAuth::Bearer(std::move(token))));
  return std::unique_ptr<SourceAdapter>(new SalesforceApiAdapter(
      RecordSourceName(source), std::move(client), source.ca_file(),
      std::move(refresh), overlap, api_version));
}

SalesforceApiAdapter::SalesforceApiAdapter(
    std::string source, ApiClientOptions client_options, std::string ca_file,
    OAuthRefresh refresh, absl::Duration overlap, std::string api_version)
    : source_(std::move(source)),
      client_options_(std::move(client_options)),
      ca_file_(std::move(ca_file)),
      refresh_(std::move(refresh)),
      overlap_(overlap),
      api_version_(std::move(api_version)) {}

absl::Status SalesforceApiAdapter::Refresh(ApiClient* client) {
  const std::string form = absl::StrCat(
      "grant_type=refresh_token&client_id=", UrlEscape(refresh_.client_id),
      "&client_secret=", UrlEscape(refresh_.client_secret),
      "&refresh_token=", UrlEscape(refresh_.refresh_token));
  absl::StatusOr<HttpResponse> response =
      client->PostForm("/services/oauth2/token", form);
  const std::string failed = absl::StrCat(
      "source ", source_, ": refreshing the Salesforce access token failed: ");
  if (!response.ok()) {
    const absl::StatusCode code = response.status().code();
    if (code == absl::StatusCode::kUnavailable ||
        code == absl::StatusCode::kDeadlineExceeded ||
        code == absl::StatusCode::kResourceExhausted) {
      return response.status();
    }
    return absl::UnauthenticatedError(
        absl::StrCat(failed, response.status().message()));
  }
  absl::StatusOr<adapters_internal::Json> json =
      adapters_internal::ParseJson(response->body);
  const adapters_internal::Json* token =
      json.ok() ? adapters_internal::Field(*json, "access_token") : nullptr;
  if (token == nullptr || !token->is_string() ||
      token->get<std::string>().empty()) {
    return absl::UnauthenticatedError(
        absl::StrCat(failed, "the token response has no access_token"));
  }
  client->SetBearerToken(token->get<std::string>());
  client_options_.auth = HttpAuth::Bearer(token->get<std::string>());
  return absl::OkStatus();
}

absl::StatusOr<HttpResponse> SalesforceApiAdapter::Get(ApiClient* client,
                                                       const std::string& path,
                                                       bool* refreshed) {
  absl::StatusOr<HttpResponse> response = client->Get(path);
  auto names = [&response](absl::string_view code) {
    return absl::StrContains(response.status().message(), code);
  };
  if (absl::IsUnauthenticated(response.status()) &&
      names("INVALID_SESSION_ID") && !*refreshed &&
      !refresh_.refresh_token.empty()) {
    *refreshed = true;
    HUB_RETURN_IF_ERROR(Refresh(client));
    response = client->Get(path);
  }
  if (absl::IsUnauthenticated(response.status())) {
    return absl::UnauthenticatedError(
        absl::StrCat("source ", source_, ": ", response.status().message()));
  }
  if (absl::IsPermissionDenied(response.status()) &&
      names("REQUEST_LIMIT_EXCEEDED")) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "source ", source_,
        ": the Salesforce org's API request limit is exceeded "
        "(REQUEST_LIMIT_EXCEEDED); run stopped, the next run resumes after "
        "the last committed page: ",
        response.status().message()));
  }
  return response;
}

absl::Status SalesforceApiAdapter::Pull(const std::string& cursor,
                                        RecordSink* sink) {
  HUB_ASSIGN_OR_RETURN(Positions positions, ParseCursor(cursor));
  CurlHttpClientOptions curl;
  curl.ca_file = ca_file_;
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> http,
                       CurlHttpClient::Create(curl));
  // A client per Pull: the request budget is per run.
  HUB_ASSIGN_OR_RETURN(std::unique_ptr<ApiClient> client,
                       ApiClient::Create(std::move(http), client_options_));
  bool refreshed = false;
  for (size_t i = 0; i < kObjects; ++i) {
    const absl::string_view object = kSalesforceObjects[i];
    Position& p = positions[i];
    std::string path = QueryPath(api_version_, object, p, overlap_);
    for (;;) {
      const std::string url = client->Url(path);
      HUB_ASSIGN_OR_RETURN(HttpResponse response,
                           Get(client.get(), path, &refreshed));
      absl::StatusOr<SalesforceQueryPage> page = ParseSalesforceQueryPage(
          response.body, SalesforceMappedFields(object));
      absl::StatusOr<std::vector<PageRecord>> records =
          page.ok() ? MapPage(source_, object, *page)
                    : absl::StatusOr<std::vector<PageRecord>>(page.status());
      if (!records.ok()) {
        return absl::DataLossError(
            absl::StrCat(url, ": ", records.status().message()));
      }
      const std::string before = EncodeCursor(positions);
      std::vector<hub::v1::SourceRecord> fresh =
          Advance(*std::move(records), overlap_, &p);
      const std::string after = EncodeCursor(positions);
      if (after != before || !fresh.empty()) {
        HUB_RETURN_IF_ERROR(sink->Write(std::move(fresh), after));
      }
      if (page->done) break;
      path = page->next_records_url;
    }
  }
  return absl::OkStatus();
}

}  // namespace hub
