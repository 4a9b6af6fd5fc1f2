#include "tools/hubctl/governance_commands.h"

#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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

void PrintAuditList(const hub::v1::ListAuditEntriesResponse& response, std::ostream& out) {
  Table table({"SEQ", "TIME", "PRINCIPAL", "ROLE", "ACTION", "TARGET", "REASON", "DETAILS"});
  for (const hub::v1::AuditEntry& e : response.entries()) {
    table.AddRow({absl::StrCat(e.sequence()), FormatTimestamp(e.time()), e.principal(),
                  e.role(), e.action(), e.target(), OrDash(e.reason()), e.details()});
  }
  table.Print(out);
}

// "quarantine/{id}" from "quarantine/12" or "12".
absl::StatusOr<std::string> QuarantineName(std::string_view name_or_id) {
  const absl::string_view given(name_or_id.data(), name_or_id.size());
  absl::string_view id = absl::StripPrefix(given, "quarantine/");
  int64_t n = 0;
  if (!absl::SimpleAtoi(id, &n) || n <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected quarantine/{id} or {id} (a positive number), got \"", given, "\""));
  }
  return absl::StrCat("quarantine/", n);
}

void PrintQuarantine(const hub::v1::ListQuarantineResponse& response, std::ostream& out) {
  Table table({"NAME", "SINCE", "RECORD", "UPDATED", "REASON"});
  for (const hub::v1::QuarantinedRecord& q : response.records()) {
    const hub::v1::SourceRecord& r = q.record();
    table.AddRow({q.name(), FormatTimestamp(q.quarantine_time()),
                  absl::StrCat(r.source(), " ", hub::v1::EntityType_Name(r.entity()), " ",
                               OrDash(r.external_id())),
                  FormatTimestamp(r.updated_at()), q.reason()});
  }
  table.Print(out);
}

}  // namespace

int QuarantineList(const CommandContext& ctx, const ListOptions& options) {
  auto stub = NewStub(ctx);
  hub::v1::ListQuarantineResponse response;
  grpc::Status status =
      FetchPages(ctx, options, hub::v1::ListQuarantineRequest(), &response,
                 [&](grpc::ClientContext* c, const auto& req, auto* resp) {
                   return stub->ListQuarantine(c, req, resp);
                 });
  if (!status.ok()) return ReportRpcError(ctx, status);
  return EmitPage(ctx, response, response.next_page_token(),
                  [&](std::ostream& o) { PrintQuarantine(response, o); });
}

int QuarantineRelease(const CommandContext& ctx, std::string_view name_or_id,
                      const std::string& record_file) {
  absl::StatusOr<std::string> name = QuarantineName(name_or_id);
  if (!name.ok()) return ReportUsageError(ctx, name.status());
  hub::v1::ReleaseQuarantineRequest request;
  request.set_name(*name);
  request.set_reason(ctx.reason);
  request.set_request_id(ctx.request_id);
  if (!record_file.empty()) {
    std::ifstream in(record_file);
    std::stringstream json;
    json << in.rdbuf();
    if (!in || !google::protobuf::util::JsonStringToMessage(json.str(), request.mutable_record())
                    .ok()) {
      return ReportUsageError(
          ctx, absl::InvalidArgumentError(absl::StrCat(
                   "--record: cannot read ", record_file,
                   " as a hub.v1.SourceRecord in JSON")));
    }
  }
  hub::v1::ReleaseQuarantineResponse response;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status = NewStub(ctx)->ReleaseQuarantine(&context, request, &response);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, response, [&](std::ostream& o) {
    o << "released " << *name << ": "
      << (response.ingested() ? "ingested" : "unchanged (the hub holds this revision or a newer one)")
      << "\n";
  });
}

int QuarantineDiscard(const CommandContext& ctx, std::string_view name_or_id, bool yes) {
  absl::StatusOr<std::string> name = QuarantineName(name_or_id);
  if (!name.ok()) return ReportUsageError(ctx, name.status());
  hub::v1::DiscardQuarantineRequest request;
  request.set_name(*name);
  request.set_reason(ctx.reason);
  request.set_request_id(ctx.request_id);
  request.set_validate_only(!yes);
  hub::v1::QuarantinedRecord response;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status = NewStub(ctx)->DiscardQuarantine(&context, request, &response);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, response, [&](std::ostream& o) {
    const hub::v1::SourceRecord& r = response.record();
    o << (yes ? "discarded " : "would discard ") << response.name() << ": " << r.source() << " "
      << hub::v1::EntityType_Name(r.entity()) << " " << r.external_id() << " ("
      << response.reason() << ")\n";
    if (!yes) o << "nothing removed: run again with --yes to discard it for good\n";
  });
}

int Erase(const CommandContext& ctx, const std::string& type, const std::string& value,
          bool yes) {
  hub::v1::EraseSubjectRequest request;
  request.set_identifier_type(type);
  request.set_identifier_value(value);
  request.set_reason(ctx.reason);
  request.set_request_id(ctx.request_id);
  request.set_validate_only(!yes);
  hub::v1::ErasureReceipt response;
  grpc::ClientContext context;
  PrepareCall(ctx, &context, /*long_running=*/true);
  grpc::Status status = NewStub(ctx)->EraseSubject(&context, request, &response);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, response, [&](std::ostream& o) {
    o << (yes ? "erased" : "would erase") << ": " << absl::StrJoin(response.profiles(), ", ")
      << "\n"
      << "  records " << response.records() << " (events " << response.events() << ")  traits "
      << response.traits() << "  quarantined " << response.quarantined()
      << "  ledger entries cleared " << response.ledger_entries() << "  other "
      << response.other() << "\n"
      << "  identifiers " << (yes ? "suppressed" : "to suppress") << ": "
      << absl::StrJoin(response.identifiers(), ", ") << "\n";
    if (yes) {
      o << "  receipt: audit entry " << response.audit_sequence() << "\n";
    } else {
      o << "nothing erased: run again with --yes to erase\n";
    }
  });
}

int Export(const CommandContext& ctx, const std::string& type, const std::string& value) {
  hub::v1::ExportSubjectRequest request;
  request.set_identifier_type(type);
  request.set_identifier_value(value);
  request.set_reason(ctx.reason);
  request.set_request_id(ctx.request_id);
  hub::v1::SubjectExport response;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status = NewStub(ctx)->ExportSubject(&context, request, &response);
  if (!status.ok()) return ReportRpcError(ctx, status);
  CommandContext json = ctx;
  json.output = OutputFormat::kJson;
  return Emit(json, response, nullptr);
}

int AuditList(const CommandContext& ctx, const ListOptions& options) {
  auto stub = NewStub(ctx);
  hub::v1::ListAuditEntriesResponse response;
  grpc::Status status =
      FetchPages(ctx, options, hub::v1::ListAuditEntriesRequest(), &response,
                 [&](grpc::ClientContext* c, const auto& req, auto* resp) {
                   return stub->ListAuditEntries(c, req, resp);
                 });
  if (!status.ok()) return ReportRpcError(ctx, status);
  return EmitPage(ctx, response, response.next_page_token(),
                  [&](std::ostream& o) { PrintAuditList(response, o); });
}

int AuditVerify(const CommandContext& ctx) {
  hub::v1::VerifyAuditLogResponse response;
  grpc::ClientContext context;
  PrepareCall(ctx, &context, /*long_running=*/true);
  grpc::Status status =
      NewStub(ctx)->VerifyAuditLog(&context, hub::v1::VerifyAuditLogRequest(), &response);
  if (!status.ok()) return ReportRpcError(ctx, status);
  const int rc = Emit(ctx, response, [&](std::ostream& o) {
    if (response.intact()) {
      o << "intact: " << response.entries() << " entries, head hash "
        << OrDash(response.head_hash()) << "\n";
    } else {
      o << "BROKEN at entry " << response.first_bad_sequence() << ": "
        << response.problem() << "\n";
    }
  });
  if (rc != kExitOk) return rc;
  if (!response.intact()) {
    *ctx.err << "hubctl: the audit log was tampered with: entry "
             << response.first_bad_sequence() << ": " << response.problem() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

int AuditExport(const CommandContext& ctx) {
  auto stub = NewStub(ctx);
  hub::v1::ListAuditEntriesRequest request;
  request.set_page_size(1000);
  google::protobuf::util::JsonPrintOptions json;
  json.always_print_primitive_fields = true;
  for (;;) {
    hub::v1::ListAuditEntriesResponse page;
    grpc::ClientContext context;
    PrepareCall(ctx, &context);
    grpc::Status status = stub->ListAuditEntries(&context, request, &page);
    if (!status.ok()) return ReportRpcError(ctx, status);
    for (const hub::v1::AuditEntry& e : page.entries()) {
      std::string line;
      if (!google::protobuf::util::MessageToJsonString(e, &line, json).ok()) {
        *ctx.err << "hubctl: cannot write entry " << e.sequence() << " as JSON\n";
        return kExitFailure;
      }
      *ctx.out << line << "\n";
    }
    if (page.next_page_token().empty()) return kExitOk;
    request.set_page_token(page.next_page_token());
  }
}

}  // namespace hubctl
