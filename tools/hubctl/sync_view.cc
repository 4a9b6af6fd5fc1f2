#include "tools/hubctl/sync_view.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "tools/hubctl/format.h"
#include "tools/hubctl/table.h"

namespace hubctl {
namespace {

// "every 1h30m", or "on demand" without a sync_interval.
std::string FormatInterval(const hub::v1::Source& source) {
  const google::protobuf::Duration& d = source.sync_interval();
  if (d.seconds() == 0 && d.nanos() == 0) return "on demand";
  return "every " + absl::FormatDuration(absl::Seconds(d.seconds()) +
                                         absl::Nanoseconds(d.nanos()));
}

}  // namespace

std::string SyncJobStateName(hub::v1::SyncJob::State state) {
  const std::string& name = hub::v1::SyncJob::State_Name(state);
  return name.empty() ? absl::StrCat(static_cast<int>(state)) : name;
}

void PrintSource(const hub::v1::Source& source, std::ostream& out) {
  out << "Source " << EscapeForTerminal(source.name()) << '\n';
  PrintFields(out, {{"kind", OrDash(source.kind())},
                    {"path", OrDash(source.path())},
                    {"sync interval", FormatInterval(source)},
                    {"created", FormatTimestamp(source.create_time())}});
}

void PrintSourceList(const hub::v1::ListSourcesResponse& response,
                     std::ostream& out) {
  Table table({"NAME", "KIND", "PATH", "CREATED"});
  for (const auto& s : response.sources()) {
    table.AddRow({s.name(), OrDash(s.kind()), OrDash(s.path()),
                  FormatTimestamp(s.create_time())});
  }
  table.Print(out);
}

void PrintSyncJob(const hub::v1::SyncJob& job, std::ostream& out) {
  out << "Sync job " << EscapeForTerminal(job.name()) << '\n';
  std::vector<Field> fields = {
      {"state", SyncJobStateName(job.state())},
      {"created", FormatTimestamp(job.create_time())},
      {"ended", FormatTimestamp(job.end_time())},
      {"records read", absl::StrCat(job.records_read())},
      {"records ingested", absl::StrCat(job.records_ingested())},
      {"records unchanged", absl::StrCat(job.records_unchanged())},
      {"records quarantined", absl::StrCat(job.records_quarantined())},
      {"records suppressed", absl::StrCat(job.records_suppressed())},
      {"profiles created", absl::StrCat(job.profiles_created())},
      {"accounts created", absl::StrCat(job.accounts_created())},
      {"merges", absl::StrCat(job.merges())},
      {"identity refusals", absl::StrCat(job.identity_refusals())},
      {"probabilistic merges", absl::StrCat(job.probabilistic_merges())},
      {"merge suggestions", absl::StrCat(job.merge_suggestions())},
      {"batches", absl::StrCat(job.batches())},
      {"cursor", OrDash(job.cursor())},
  };
  if (!job.error().empty()) fields.push_back({"error", job.error()});
  PrintFields(out, fields);
}

void PrintSyncJobList(const hub::v1::ListSyncJobsResponse& response,
                      std::ostream& out) {
  Table table({"NAME", "STATE", "READ", "INGESTED", "UNCHANGED", "QUARANTINED",
               "PROFILES", "ACCOUNTS", "MERGES", "CREATED", "ENDED"});
  for (const auto& j : response.sync_jobs()) {
    table.AddRow(
        {j.name(), SyncJobStateName(j.state()), absl::StrCat(j.records_read()),
         absl::StrCat(j.records_ingested()),
         absl::StrCat(j.records_unchanged()),
         absl::StrCat(j.records_quarantined()),
         absl::StrCat(j.profiles_created()), absl::StrCat(j.accounts_created()),
         absl::StrCat(j.merges()), FormatTimestamp(j.create_time()),
         FormatTimestamp(j.end_time())});
  }
  table.Print(out);
}

std::string SyncProgressLine(const hub::v1::SyncJob& job) {
  return absl::StrCat(
      EscapeForTerminal(job.name()), " ", SyncJobStateName(job.state()),
      "  read ", job.records_read(), "  ingested ", job.records_ingested(),
      "  unchanged ", job.records_unchanged(), "  quarantined ",
      job.records_quarantined(), "  profiles ", job.profiles_created(),
      "  accounts ", job.accounts_created(), "  merges ", job.merges(),
      "  batches ", job.batches());
}

}  // namespace hubctl
