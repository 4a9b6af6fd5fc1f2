#include "tools/hubctl/governance_commands.h"

#include <google/protobuf/util/json_util.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
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

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

void PrintAuditList(const hub::v1::ListAuditEntriesResponse& response, std::ostream& out) {
  Table table({"SEQ", "TIME", "PRINCIPAL", "ROLE", "ACTION", "TARGET", "REASON", "DETAILS"});
  for (const hub::v1::AuditEntry& e : response.entries()) {
    table.AddRow({absl::StrCat(e.sequence()), FormatTimestamp(e.time()), e.principal(),
                  e.role(), e.action(), e.target(), OrDash(e.reason()), e.details()});
  }
  table.Print(out);
}

}  // namespace

int AuditList(const CommandContext& ctx, const ListOptions& options) {
  auto stub = NewStub(ctx);
  hub::v1::ListAuditEntriesResponse response;
  grpc::Status status =
      FetchPages(ctx, options, hub::v1::ListAuditEntriesRequest(), &response,
                 [&](grpc::ClientContext* c, const auto& req, auto* resp) {
                   return stub->ListAuditEntries(c, req, resp);
                 });
  if (!status.ok()) return ReportRpcError(ctx, status);
  const int rc = Emit(ctx, response, [&](std::ostream& o) { PrintAuditList(response, o); });
  if (rc == kExitOk && ctx.output == OutputFormat::kTable &&
      !response.next_page_token().empty()) {
    *ctx.err << "hubctl: more results: --page-token " << response.next_page_token()
             << " (or --all)\n";
  }
  return rc;
}

int AuditVerify(const CommandContext& ctx) {
  hub::v1::VerifyAuditLogResponse response;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
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
