#include "tools/hubctl/consent_commands.h"

#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "hub/v1/governance_service.grpc.pb.h"
#include "tools/hubctl/exit_codes.h"
#include "tools/hubctl/format.h"
#include "tools/hubctl/names.h"
#include "tools/hubctl/table.h"

namespace hubctl {
namespace {

// Sets `req`'s name or identifier from `target`; a usage error unless it
// names exactly one thing.
template <typename Request>
absl::Status SetTarget(const ConsentTarget& target, Request* req) {
  const int given = !target.name.empty() + !target.email.empty() + !target.identifier.empty();
  if (given != 1) {
    return absl::InvalidArgumentError(
        "name exactly one profile: profiles/ID, --email X or --identifier type:value");
  }
  if (!target.name.empty()) {
    absl::StatusOr<std::string> name = ParseProfileName(target.name);
    if (!name.ok()) return name.status();
    req->set_name(*name);
  } else if (!target.email.empty()) {
    req->set_identifier_type("email");
    req->set_identifier_value(target.email);
  } else {
    const size_t colon = target.identifier.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == target.identifier.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--identifier: expected type:value, e.g. phone:+14155550100, got \"",
          target.identifier, "\""));
    }
    req->set_identifier_type(target.identifier.substr(0, colon));
    req->set_identifier_value(target.identifier.substr(colon + 1));
  }
  return absl::OkStatus();
}

std::string StateName(hub::v1::ConsentState state) {
  return state == hub::v1::CONSENT_STATE_UNSPECIFIED ? "NONE" : hub::v1::ConsentState_Name(state);
}

void PrintConsent(const hub::v1::ProfileConsent& c, std::ostream& out) {
  out << c.name() << "\n";
  Table table({"PURPOSE", "STATE", "SOURCE", "TIME"});
  for (const hub::v1::Consent& p : c.consents()) {
    table.AddRow({p.purpose(), StateName(p.state()),
                  p.assumed() ? "(default)" : OrDash(p.source()),
                  p.has_time() ? FormatTimestamp(p.time()) : "-"});
  }
  table.Print(out);
}

}  // namespace

int ConsentGet(const CommandContext& ctx, const ConsentTarget& target) {
  hub::v1::GetConsentRequest request;
  if (absl::Status s = SetTarget(target, &request); !s.ok()) return ReportUsageError(ctx, s);
  hub::v1::ProfileConsent response;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status =
      hub::v1::GovernanceService::NewStub(ctx.channel)->GetConsent(&context, request, &response);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, response, [&](std::ostream& o) { PrintConsent(response, o); });
}

int ConsentSet(const CommandContext& ctx, const ConsentTarget& target,
               const std::string& purpose, const std::string& state) {
  hub::v1::SetConsentRequest request;
  if (absl::Status s = SetTarget(target, &request); !s.ok()) return ReportUsageError(ctx, s);
  hub::v1::ConsentState parsed;
  const std::string upper = absl::AsciiStrToUpper(state);
  if (upper == "CONSENT_STATE_UNSPECIFIED" || !hub::v1::ConsentState_Parse(upper, &parsed)) {
    return ReportUsageError(ctx, absl::InvalidArgumentError(absl::StrCat(
                                     "--state: want GRANTED, DENIED or REVOKED, got \"", state,
                                     "\"")));
  }
  request.set_purpose(purpose);
  request.set_state(parsed);
  request.set_reason(ctx.reason);
  request.set_request_id(ctx.request_id);
  hub::v1::ProfileConsent response;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status =
      hub::v1::GovernanceService::NewStub(ctx.channel)->SetConsent(&context, request, &response);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, response, [&](std::ostream& o) {
    if (response.audit_sequence() == 0) {
      o << "unchanged: request " << ctx.request_id << " was applied already\n";
    } else {
      o << "set " << purpose << " " << upper << " (audit entry " << response.audit_sequence()
        << ")\n";
    }
    PrintConsent(response, o);
  });
}

}  // namespace hubctl
