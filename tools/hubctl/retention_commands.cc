#include "tools/hubctl/retention_commands.h"

#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "hub/v1/governance_service.grpc.pb.h"
#include "tools/hubctl/exit_codes.h"
#include "tools/hubctl/format.h"
#include "tools/hubctl/table.h"

namespace hubctl {
namespace {

using ::hub::v1::GovernanceService;

std::unique_ptr<GovernanceService::Stub> NewStub(const CommandContext& ctx) {
  return GovernanceService::NewStub(ctx.channel);
}

// "{collection}/{id}" from "{collection}/12" or "12".
absl::StatusOr<std::string> IdName(const std::string& given, absl::string_view collection) {
  absl::string_view id = absl::StripPrefix(given, absl::StrCat(collection, "/"));
  int64_t n = 0;
  if (!absl::SimpleAtoi(id, &n) || n <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("expected ", collection, "/{id} or {id} (a ",
                                                   "positive number), got \"", given, "\""));
  }
  return absl::StrCat(collection, "/", n);
}

std::string Cutoff(const google::protobuf::Timestamp& t, bool set) {
  return set ? FormatTimestamp(t) : "-";
}

void PrintPurge(const hub::v1::PurgeExpiredResponse& r, std::ostream& out) {
  Table table({"CLASS", "OLDER THAN", r.confirmed() ? "PURGED" : "WOULD PURGE", "HELD"});
  for (const hub::v1::PurgedClass& c : r.classes()) {
    if (!c.applies()) {
      table.AddRow({c.data_class(), "kept forever", "-", "-"});
      continue;
    }
    // Events without a default age go by their types' ages only.
    table.AddRow({c.data_class(),
                  c.has_cutoff_time() ? FormatTimestamp(c.cutoff_time()) : "by type",
                  absl::StrCat(c.purged()), absl::StrCat(c.held())});
  }
  for (const hub::v1::PurgedEventType& t : r.event_types()) {
    table.AddRow({absl::StrCat("  events: ", t.event_type()),
                  Cutoff(t.cutoff_time(), t.has_cutoff_time()), absl::StrCat(t.purged()), ""});
  }
  table.Print(out);
  if (r.confirmed()) {
    out << "purged in " << r.transactions() << " transactions; last audit entry "
        << r.audit_sequence() << "\n";
  } else {
    out << "nothing removed: run again with --yes to purge\n";
  }
}

void PrintHolds(const hub::v1::ListLegalHoldsResponse& r, std::ostream& out) {
  Table table({"NAME", "HOLDS", "PLACED ON", "SUBJECT", "SINCE", "BY", "REASON"});
  for (const hub::v1::LegalHold& h : r.holds()) {
    table.AddRow({h.name(), h.holds(), h.profile(), h.subject(), FormatTimestamp(h.place_time()),
                  h.placed_by(), OrDash(h.reason())});
  }
  table.Print(out);
}

void PrintHold(absl::string_view verb, const hub::v1::LegalHold& h, std::ostream& out) {
  out << verb << " " << h.name() << " on " << h.subject() << " (holds " << h.holds() << ")\n";
}

}  // namespace

int RetentionPurge(const CommandContext& ctx, bool yes) {
  hub::v1::PurgeExpiredRequest request;
  request.set_confirm(yes);
  request.set_reason(ctx.reason);
  request.set_request_id(ctx.request_id);
  hub::v1::PurgeExpiredResponse response;
  grpc::ClientContext context;
  PrepareCall(ctx, &context, /*long_running=*/true);
  grpc::Status status = NewStub(ctx)->PurgeExpired(&context, request, &response);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, response, [&](std::ostream& o) { PrintPurge(response, o); });
}

int RetentionHoldPlace(const CommandContext& ctx, const std::string& profile,
                       const std::string& type, const std::string& value) {
  hub::v1::PlaceLegalHoldRequest request;
  const bool by_identifier = !type.empty() || !value.empty();
  // Exactly one subject: a profile, or an identifier's type and value.
  if (profile.empty() != by_identifier || (by_identifier && (type.empty() || value.empty()))) {
    return ReportUsageError(ctx, absl::InvalidArgumentError(
                                     "give a PROFILE, or --type and --value (not both)"));
  }
  if (!profile.empty()) {
    absl::StatusOr<std::string> name = IdName(profile, "profiles");
    if (!name.ok()) return ReportUsageError(ctx, name.status());
    request.set_profile(*name);
  }
  request.set_identifier_type(type);
  request.set_identifier_value(value);
  request.set_reason(ctx.reason);
  request.set_request_id(ctx.request_id);
  hub::v1::LegalHold response;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status = NewStub(ctx)->PlaceLegalHold(&context, request, &response);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, response, [&](std::ostream& o) { PrintHold("placed", response, o); });
}

int RetentionHoldRelease(const CommandContext& ctx, const std::string& name_or_id) {
  absl::StatusOr<std::string> name = IdName(name_or_id, "legalHolds");
  if (!name.ok()) return ReportUsageError(ctx, name.status());
  hub::v1::ReleaseLegalHoldRequest request;
  request.set_name(*name);
  request.set_reason(ctx.reason);
  request.set_request_id(ctx.request_id);
  hub::v1::LegalHold response;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status = NewStub(ctx)->ReleaseLegalHold(&context, request, &response);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, response, [&](std::ostream& o) { PrintHold("released", response, o); });
}

int RetentionHoldList(const CommandContext& ctx) {
  hub::v1::ListLegalHoldsResponse response;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status =
      NewStub(ctx)->ListLegalHolds(&context, hub::v1::ListLegalHoldsRequest(), &response);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return EmitPage(ctx, response, "", [&](std::ostream& o) { PrintHolds(response, o); });
}

}  // namespace hubctl
