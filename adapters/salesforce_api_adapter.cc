#include "adapters/salesforce_api_adapter.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "adapters/adapter_registry.h"
#include "adapters/api_internal.h"
#include "adapters/csv_reader.h"
#include "adapters/mapper_internal.h"
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

using adapters_internal::Json;

// Where an object stands: the highest SystemModstamp read (unix micros, 0:
// nothing read yet), the (Id, SystemModstamp) pairs read at or after
// mark - overlap, which the next query returns again, the start of the next
// getDeleted window (unix micros, 0: the object was never read), and in
// bulk mode the job being read with the locator of its next results page
// ("" for the first).
struct Position {
  int64_t mark = 0;
  std::set<std::pair<std::string, int64_t>> seen;
  int64_t deleted_from = 0;
  std::string job;
  std::string locator;
};
using Positions = std::array<Position, kObjects>;

// The cursor; without `jobs`, what tells whether a page read anything new.
std::string EncodeCursor(const Positions& positions, bool jobs = true) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < kObjects; ++i) {
    const Position& p = positions[i];
    if (p.mark == 0 && p.deleted_from == 0 && p.job.empty()) continue;
    std::vector<std::string> seen;
    for (const auto& [id, stamp] : p.seen) {
      seen.push_back(absl::StrCat(EscapeCursorToken(id), "@", stamp));
    }
    std::string part = absl::StrCat(kSalesforceObjects[i], "=", p.mark, ":",
                                    absl::StrJoin(seen, ","));
    if (p.deleted_from != 0 || (jobs && !p.job.empty())) {
      absl::StrAppend(&part, ":", p.deleted_from);
    }
    if (jobs && !p.job.empty()) {
      absl::StrAppend(&part, ":", EscapeCursorToken(p.job), "/",
                      EscapeCursorToken(p.locator));
    }
    parts.push_back(std::move(part));
  }
  return absl::StrJoin(parts, ";");
}

// Parses "<id>@<stamp>,..." into `*seen`; false if malformed.
bool ParseSeen(absl::string_view value,
               std::set<std::pair<std::string, int64_t>>* seen) {
  for (absl::string_view entry :
       absl::StrSplit(value, ',', absl::SkipEmpty())) {
    const size_t at = entry.rfind('@');
    std::optional<std::string> id = UnescapeCursorToken(entry.substr(0, at));
    int64_t stamp;
    if (at == entry.npos || !id.has_value() || id->empty() ||
        !absl::SimpleAtoi(entry.substr(at + 1), &stamp)) {
      return false;
    }
    seen->emplace(*std::move(id), stamp);
  }
  return true;
}

// Parses "<job>/<locator>" into `*p`; false if malformed.
bool ParseJob(absl::string_view value, Position* p) {
  std::pair<absl::string_view, absl::string_view> job_locator =
      absl::StrSplit(value, absl::MaxSplits('/', 1));
  std::optional<std::string> job = UnescapeCursorToken(job_locator.first);
  std::optional<std::string> locator = UnescapeCursorToken(job_locator.second);
  if (value.find('/') == value.npos || !job.has_value() || job->empty() ||
      !locator.has_value()) {
    return false;
  }
  p->job = *std::move(job);
  p->locator = *std::move(locator);
  return true;
}

// Parses "<mark>:<seen>[:<deleted from>[:<job>/<locator>]]" into `*p`;
// false if malformed.
bool ParsePosition(absl::string_view value, Position* p) {
  std::vector<absl::string_view> fields = absl::StrSplit(value, ':');
  if (fields.size() < 2 || fields.size() > 4 ||
      !absl::SimpleAtoi(fields[0], &p->mark) || p->mark < 0 ||
      !ParseSeen(fields[1], &p->seen)) {
    return false;
  }
  if (fields.size() > 2 &&
      (!absl::SimpleAtoi(fields[2], &p->deleted_from) || p->deleted_from < 0)) {
    return false;
  }
  if (fields.size() > 3 && !ParseJob(fields[3], p)) return false;
  return p->mark > 0 || p->deleted_from > 0;
}

absl::StatusOr<Positions> ParseCursor(const std::string& cursor) {
  Positions positions;
  if (cursor.empty()) return positions;
  std::set<size_t> parsed;
  for (absl::string_view part : absl::StrSplit(cursor, ';')) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    size_t i = 0;
    while (i < kObjects && kSalesforceObjects[i] != kv.first) ++i;
    if (i == kObjects || !parsed.insert(i).second ||
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

std::string Soql(absl::string_view object, const Position& p,
                 absl::Duration overlap) {
  std::string soql = absl::StrCat(
      "SELECT ", absl::StrJoin(SalesforceMappedFields(object), ", "), " FROM ",
      object);
  if (p.mark != 0) {
    absl::StrAppend(&soql, " WHERE SystemModstamp >= ",
                    SoqlTime(p.mark - absl::ToInt64Microseconds(overlap)));
  }
  absl::StrAppend(&soql, " ORDER BY SystemModstamp, Id");
  return soql;
}

// A getDeleted start or end (ISO 8601 with an offset, URL-escaped).
std::string IsoParam(absl::Time time) {
  return UrlEscape(
      absl::FormatTime("%Y-%m-%dT%H:%M:%S+00:00", time, absl::UTCTimeZone()));
}

std::string Rfc3339(absl::Time time) {
  return absl::FormatTime(absl::RFC3339_sec, time, absl::UTCTimeZone());
}

// A record of a page, mapped, with what the position needs.
struct PageRecord {
  std::string id;
  int64_t stamp;
  hub::v1::SourceRecord record;
};

// Parses and maps a whole page, whose columns `header` names, before
// anything of it is used.
absl::StatusOr<std::vector<PageRecord>> MapPage(
    const std::string& source, absl::string_view object,
    const std::vector<std::string>& header,
    const std::vector<std::vector<std::string>>& rows) {
  auto column = [&header](absl::string_view name) {
    return static_cast<size_t>(std::find(header.begin(), header.end(), name) -
                               header.begin());
  };
  const size_t id_column = column("Id");
  const size_t stamp_column = column("SystemModstamp");
  std::vector<PageRecord> records;
  for (const std::vector<std::string>& row : rows) {
    HUB_ASSIGN_OR_RETURN(hub::v1::SourceRecord record,
                         MapSalesforceRow(source, object, header, row));
    absl::Time stamp;
    std::string error;
    if (id_column >= row.size() || row[id_column].empty() ||
        stamp_column >= row.size() ||
        !absl::ParseTime(absl::RFC3339_full, row[stamp_column], &stamp,
                         &error)) {
      return absl::DataLossError(absl::StrCat(
          object, " record \"", id_column < row.size() ? row[id_column] : "",
          "\" lacks an Id or a valid SystemModstamp"));
    }
    records.push_back(PageRecord{row[id_column], absl::ToUnixMicros(stamp),
                                 std::move(record)});
  }
  return records;
}

// The header and rows of a Bulk API CSV results page (`url` names it in
// errors); values that are not UTF-8 are repaired as the file adapter does.
absl::StatusOr<
    std::pair<std::vector<std::string>, std::vector<std::vector<std::string>>>>
ParseCsvPage(const std::string& body, const std::string& url) {
  CsvReader reader(std::make_unique<std::istringstream>(body), url);
  std::pair<std::vector<std::string>, std::vector<std::vector<std::string>>>
      page;
  HUB_ASSIGN_OR_RETURN(bool more, reader.ReadRow(&page.first));
  while (more) {
    std::vector<std::string> row;
    HUB_ASSIGN_OR_RETURN(more, reader.ReadRow(&row));
    if (!more) break;
    for (std::string& value : row) adapters_internal::RepairUtf8(&value);
    page.second.push_back(std::move(row));
  }
  return page;
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

// Keeps the getDeleted entries `records` not read before, remembering them
// without moving the mark (the query has not necessarily reached them).
std::vector<hub::v1::SourceRecord> AddDeleted(std::vector<PageRecord> records,
                                              Position* p) {
  std::vector<hub::v1::SourceRecord> fresh;
  for (PageRecord& r : records) {
    if (p->seen.emplace(r.id, r.stamp).second) {
      fresh.push_back(std::move(r.record));
    }
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

absl::Status CheckUnused(const hub::v1::Source& source) {
  if (!source.auth_email().empty()) {
    return absl::InvalidArgumentError(
        "auth_email: not used by salesforce_api (the token is a bearer token)");
  }
  if (!source.export_mode().empty() && source.export_mode() != "bulk") {
    return absl::InvalidArgumentError(absl::StrCat(
        "export_mode: \"", source.export_mode(),
        "\" is neither \"\" (REST query) nor \"bulk\" (Bulk API 2.0)"));
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
  HUB_ASSIGN_OR_RETURN(absl::Duration overlap, adapters_internal::ReadQueryOverlap(source));
  HUB_ASSIGN_OR_RETURN(
      ApiClientOptions client,
      adapters_internal::ApiClientOptionsFor(
          source, options, api_options, HttpAuth::Bearer(std::move(token))));
  if (client.clock == nullptr) client.clock = Clock::Real();
  return std::unique_ptr<SourceAdapter>(new SalesforceApiAdapter(
      RecordSourceName(source), std::move(client), source.ca_file(),
      std::move(refresh), overlap, std::move(api_options),
      source.export_mode() == "bulk", options.page_size));
}

SalesforceApiAdapter::SalesforceApiAdapter(
    std::string source, ApiClientOptions client_options, std::string ca_file,
    OAuthRefresh refresh, absl::Duration overlap, SalesforceApiOptions api,
    bool bulk, int page_size)
    : source_(std::move(source)),
      client_options_(std::move(client_options)),
      ca_file_(std::move(ca_file)),
      refresh_(std::move(refresh)),
      overlap_(overlap),
      api_version_(std::move(api.api_version)),
      poll_interval_(api.bulk_poll_interval),
      bulk_(bulk),
      page_size_(page_size) {}

struct SalesforceApiAdapter::Run {
  ApiClient* client;
  RecordSink* sink;
  Positions positions;
  // The cursor last written (at first, the one given).
  std::string written;
  // Whether this Pull has refreshed the access token.
  bool refreshed = false;

  absl::Status Write(std::vector<hub::v1::SourceRecord> records) {
    written = EncodeCursor(positions);
    return sink->Write(std::move(records), written);
  }
  // Writes the records of `records` that `*p` has not read (advancing it),
  // unless the page read nothing new and moved no position since `before`.
  absl::Status Commit(std::vector<PageRecord> records, absl::Duration overlap,
                      Position* p, const std::string& before) {
    std::vector<hub::v1::SourceRecord> fresh =
        Advance(std::move(records), overlap, p);
    if (fresh.empty() && EncodeCursor(positions, false) == before) {
      return absl::OkStatus();
    }
    return Write(std::move(fresh));
  }
};

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
  absl::StatusOr<Json> json = adapters_internal::ParseJson(response->body);
  const Json* token =
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

absl::StatusOr<HttpResponse> SalesforceApiAdapter::Checked(
    Run* run, const std::function<absl::StatusOr<HttpResponse>()>& send) {
  absl::StatusOr<HttpResponse> response = send();
  auto names = [&response](absl::string_view code) {
    return absl::StrContains(response.status().message(), code);
  };
  if (absl::IsUnauthenticated(response.status()) &&
      names("INVALID_SESSION_ID") && !run->refreshed &&
      !refresh_.refresh_token.empty()) {
    run->refreshed = true;
    HUB_RETURN_IF_ERROR(Refresh(run->client));
    response = send();
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

absl::StatusOr<HttpResponse> SalesforceApiAdapter::Get(
    Run* run, const std::string& path, absl::string_view accept) {
  return Checked(run, [&] { return run->client->Get(path, accept); });
}

absl::StatusOr<HttpResponse> SalesforceApiAdapter::Post(
    Run* run, const std::string& path, const std::string& body) {
  return Checked(
      run, [&] { return run->client->Post(path, "application/json", body); });
}

absl::Status SalesforceApiAdapter::ReadRest(Run* run, size_t i) {
  const absl::string_view object = kSalesforceObjects[i];
  Position& p = run->positions[i];
  // A bulk job left by a run in bulk mode is not needed: the query starts
  // from the mark as a restarted job would.
  p.job.clear();
  p.locator.clear();
  std::string path =
      absl::StrCat("/services/data/", api_version_,
                   "/queryAll?q=", UrlEscape(Soql(object, p, overlap_)));
  for (;;) {
    const std::string url = run->client->Url(path);
    HUB_ASSIGN_OR_RETURN(HttpResponse response, Get(run, path));
    const std::vector<std::string>& fields = SalesforceMappedFields(object);
    absl::StatusOr<SalesforceQueryPage> page =
        ParseSalesforceQueryPage(response.body, fields);
    absl::StatusOr<std::vector<PageRecord>> records =
        page.ok() ? MapPage(source_, object, fields, page->rows)
                  : absl::StatusOr<std::vector<PageRecord>>(page.status());
    if (!records.ok()) {
      return absl::DataLossError(
          absl::StrCat(url, ": ", records.status().message()));
    }
    HUB_RETURN_IF_ERROR(run->Commit(*std::move(records), overlap_, &p,
                                    EncodeCursor(run->positions, false)));
    if (page->done) return absl::OkStatus();
    path = page->next_records_url;
  }
}

absl::StatusOr<std::string> SalesforceApiAdapter::RunJob(Run* run, size_t i) {
  const absl::string_view object = kSalesforceObjects[i];
  const std::string jobs =
      absl::StrCat("/services/data/", api_version_, "/jobs/query");
  const Json request = {{"operation", "queryAll"},
                        {"query", Soql(object, run->positions[i], overlap_)}};
  HUB_ASSIGN_OR_RETURN(HttpResponse created, Post(run, jobs, request.dump()));
  absl::StatusOr<Json> job = adapters_internal::ParseJson(created.body);
  const std::string id =
      job.ok() ? adapters_internal::TextAt(*job, "id") : std::string();
  if (id.empty()) {
    return absl::DataLossError(absl::StrCat(
        run->client->Url(jobs),
        ": the job response has no id: ", created.body.substr(0, 200)));
  }
  Clock* clock = client_options_.clock;
  for (;;) {
    const std::string path = absl::StrCat(jobs, "/", id);
    HUB_ASSIGN_OR_RETURN(HttpResponse polled, Get(run, path));
    absl::StatusOr<Json> info = adapters_internal::ParseJson(polled.body);
    const std::string state =
        info.ok() ? adapters_internal::TextAt(*info, "state") : std::string();
    if (state == "JobComplete") return id;
    if (state == "Failed" || state == "Aborted") {
      return absl::FailedPreconditionError(
          absl::StrCat("source ", source_, ": the Salesforce bulk query job ",
                       id, " for ", object, " ended ", state, ": ",
                       adapters_internal::TextAt(*info, "errorMessage")));
    }
    if (state.empty()) {
      return absl::DataLossError(
          absl::StrCat(run->client->Url(path),
                       ": the job has no state: ", polled.body.substr(0, 200)));
    }
    if (clock->Now() + poll_interval_ >= client_options_.deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "source ", source_, ": the Salesforce bulk query job ", id, " for ",
          object, " is still ", state, " at the run's deadline"));
    }
    clock->SleepFor(poll_interval_);
  }
}

absl::Status SalesforceApiAdapter::ReadBulk(Run* run, size_t i) {
  const absl::string_view object = kSalesforceObjects[i];
  Position& p = run->positions[i];
  // A job from the cursor may have expired; one made here may not.
  bool resumed = !p.job.empty();
  if (!resumed) {
    HUB_ASSIGN_OR_RETURN(p.job, RunJob(run, i));
    p.locator.clear();
  }
  for (;;) {
    std::string path =
        absl::StrCat("/services/data/", api_version_, "/jobs/query/", p.job,
                     "/results?maxRecords=", page_size_);
    if (!p.locator.empty()) {
      absl::StrAppend(&path, "&locator=", UrlEscape(p.locator));
    }
    const std::string url = run->client->Url(path);
    absl::StatusOr<HttpResponse> response = Get(run, path, "text/csv");
    if (resumed && absl::IsNotFound(response.status())) {
      resumed = false;
      HUB_ASSIGN_OR_RETURN(p.job, RunJob(run, i));
      p.locator.clear();
      continue;
    }
    HUB_RETURN_IF_ERROR(response.status());
    resumed = false;
    std::optional<std::string> next = response->Header("Sforce-Locator");
    auto page = ParseCsvPage(response->body, url);
    absl::StatusOr<std::vector<PageRecord>> records =
        page.ok() ? MapPage(source_, object, page->first, page->second)
                  : absl::StatusOr<std::vector<PageRecord>>(page.status());
    if (records.ok() && !next.has_value()) {
      records = absl::DataLossError("no Sforce-Locator header");
    }
    if (!records.ok()) {
      return absl::DataLossError(absl::StrCat(
          absl::StartsWith(records.status().message(), url) ? "" : url + ": ",
          records.status().message()));
    }
    const std::string before = EncodeCursor(run->positions, false);
    const bool done = next->empty() || *next == "null";
    if (done) {
      p.job.clear();
      p.locator.clear();
    } else {
      p.locator = *next;
    }
    HUB_RETURN_IF_ERROR(run->Commit(*std::move(records), overlap_, &p, before));
    if (done) return absl::OkStatus();
  }
}

absl::Status SalesforceApiAdapter::ReadDeleted(Run* run, size_t i) {
  const absl::string_view object = kSalesforceObjects[i];
  Position& p = run->positions[i];
  const absl::Time now = client_options_.clock->Now();
  // The vendor answers windows of at most 30 days.
  constexpr absl::Duration kMaxWindow = absl::Hours(24 * 30);
  while (absl::FromUnixMicros(p.deleted_from) < now) {
    const absl::Time start = absl::FromUnixMicros(p.deleted_from);
    const absl::Time end = std::min(now, start + kMaxWindow);
    const std::string path = absl::StrCat(
        "/services/data/", api_version_, "/sobjects/", object,
        "/deleted/?start=", IsoParam(start), "&end=", IsoParam(end));
    const std::string url = run->client->Url(path);
    HUB_ASSIGN_OR_RETURN(HttpResponse response, Get(run, path));
    absl::StatusOr<SalesforceDeletedPage> page =
        ParseSalesforceDeletedPage(response.body);
    if (page.ok() && start < page->earliest_available) {
      return absl::FailedPreconditionError(absl::StrCat(
          "source ", source_, ": Salesforce can list ", object,
          " deletes only since ", Rfc3339(page->earliest_available),
          " but this source needs them since ", Rfc3339(start),
          ", so deletes in between cannot be known; run with full_resync"));
    }
    absl::StatusOr<std::vector<PageRecord>> records =
        page.ok()
            ? MapPage(source_, object, SalesforceDeletedFields(), page->rows)
            : absl::StatusOr<std::vector<PageRecord>>(page.status());
    if (!records.ok()) {
      return absl::DataLossError(
          absl::StrCat(url, ": ", records.status().message()));
    }
    std::vector<hub::v1::SourceRecord> fresh =
        AddDeleted(*std::move(records), &p);
    p.deleted_from =
        std::max(p.deleted_from, absl::ToUnixMicros(page->latest_covered));
    // A window that only moves is written with the next page, or at the end
    // of the run: one checkpoint, not one per object.
    if (!fresh.empty()) HUB_RETURN_IF_ERROR(run->Write(std::move(fresh)));
    // The vendor has not covered the window yet: the next run asks again.
    if (page->latest_covered < end) return absl::OkStatus();
  }
  return absl::OkStatus();
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
  const std::string given = EncodeCursor(positions);
  Run run{client.get(), sink, std::move(positions), given};
  // Deletes from before an object's first read need no getDeleted: its
  // query shows what exists (and what the recycle bin still holds). All
  // objects of a first run, resumed or not, start their windows when it
  // started.
  int64_t first_run = absl::ToUnixMicros(client_options_.clock->Now());
  for (const Position& p : run.positions) {
    if (p.deleted_from != 0) first_run = std::min(first_run, p.deleted_from);
  }
  for (size_t i = 0; i < kObjects; ++i) {
    Position& p = run.positions[i];
    const bool read_before = p.deleted_from != 0;
    if (!read_before) p.deleted_from = first_run;
    HUB_RETURN_IF_ERROR(bulk_ ? ReadBulk(&run, i) : ReadRest(&run, i));
    if (read_before) HUB_RETURN_IF_ERROR(ReadDeleted(&run, i));
  }
  if (EncodeCursor(run.positions) != run.written) return run.Write({});
  return absl::OkStatus();
}

}  // namespace hub
