#include "tools/hubctl/profile_commands.h"

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "hub/v1/profile_service.grpc.pb.h"
#include "tools/hubctl/exit_codes.h"
#include "tools/hubctl/merge_view.h"
#include "tools/hubctl/names.h"
#include "tools/hubctl/profile_view.h"

namespace hubctl {
namespace {

// A List request carrying the filter and order of `options`.
template <typename Request>
Request ListRequest(const ListOptions& options) {
  Request request;
  request.set_filter(options.filter);
  request.set_order_by(options.order_by);
  return request;
}

using hub::v1::ProfileService;

std::unique_ptr<ProfileService::Stub> NewStub(const CommandContext& ctx) {
  return ProfileService::NewStub(ctx.channel);
}

}  // namespace

int ProfilesGet(const CommandContext& ctx, std::string_view name_or_id) {
  absl::StatusOr<std::string> name = ParseProfileName(name_or_id);
  if (!name.ok()) return ReportUsageError(ctx, name.status());
  hub::v1::GetProfileRequest request;
  request.set_name(*name);
  hub::v1::Profile profile;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status = NewStub(ctx)->GetProfile(&context, request, &profile);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, profile, [&](std::ostream& o) { PrintProfile(profile, o); });
}

int ProfilesLookup(const CommandContext& ctx, std::string_view type,
                   std::string_view value) {
  hub::v1::LookupProfileRequest request;
  request.set_identifier_type(std::string(type));
  request.set_identifier_value(std::string(value));
  hub::v1::Profile profile;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status =
      NewStub(ctx)->LookupProfile(&context, request, &profile);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, profile, [&](std::ostream& o) { PrintProfile(profile, o); });
}

int ProfilesList(const CommandContext& ctx, const ListOptions& options) {
  auto stub = NewStub(ctx);
  hub::v1::ListProfilesResponse response;
  grpc::Status status =
      FetchPages(ctx, options, ListRequest<hub::v1::ListProfilesRequest>(options), &response,
                 [&](grpc::ClientContext* c, const auto& req, auto* resp) {
                   return stub->ListProfiles(c, req, resp);
                 });
  if (!status.ok()) return ReportRpcError(ctx, status);
  return EmitPage(ctx, response, response.next_page_token(),
                  [&](std::ostream& o) { PrintProfileList(response, o); });
}

int ProfilesEvents(const CommandContext& ctx, std::string_view name_or_id,
                   const ListOptions& options) {
  absl::StatusOr<std::string> name = ParseProfileName(name_or_id);
  if (!name.ok()) return ReportUsageError(ctx, name.status());
  auto stub = NewStub(ctx);
  hub::v1::ListProfileEventsRequest request;
  request.set_name(*name);
  hub::v1::ListProfileEventsResponse response;
  grpc::Status status =
      FetchPages(ctx, options, request, &response,
                 [&](grpc::ClientContext* c, const auto& req, auto* resp) {
                   return stub->ListProfileEvents(c, req, resp);
                 });
  if (!status.ok()) return ReportRpcError(ctx, status);
  return EmitPage(ctx, response, response.next_page_token(),
                  [&](std::ostream& o) { PrintEventList(response, o); });
}

int AccountsGet(const CommandContext& ctx, std::string_view name_or_id) {
  absl::StatusOr<std::string> name = ParseAccountName(name_or_id);
  if (!name.ok()) return ReportUsageError(ctx, name.status());
  hub::v1::GetAccountRequest request;
  request.set_name(*name);
  hub::v1::Account account;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status = NewStub(ctx)->GetAccount(&context, request, &account);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, account, [&](std::ostream& o) { PrintAccount(account, o); });
}

int AccountsList(const CommandContext& ctx, const ListOptions& options) {
  auto stub = NewStub(ctx);
  hub::v1::ListAccountsResponse response;
  grpc::Status status =
      FetchPages(ctx, options, ListRequest<hub::v1::ListAccountsRequest>(options), &response,
                 [&](grpc::ClientContext* c, const auto& req, auto* resp) {
                   return stub->ListAccounts(c, req, resp);
                 });
  if (!status.ok()) return ReportRpcError(ctx, status);
  return EmitPage(ctx, response, response.next_page_token(),
                  [&](std::ostream& o) { PrintAccountList(response, o); });
}

int AccountsMembers(const CommandContext& ctx, std::string_view name_or_id,
                    const ListOptions& options) {
  absl::StatusOr<std::string> name = ParseAccountName(name_or_id);
  if (!name.ok()) return ReportUsageError(ctx, name.status());
  auto stub = NewStub(ctx);
  hub::v1::ListAccountMembersRequest request;
  request.set_parent(*name);
  hub::v1::ListAccountMembersResponse response;
  grpc::Status status =
      FetchPages(ctx, options, request, &response,
                 [&](grpc::ClientContext* c, const auto& req, auto* resp) {
                   return stub->ListAccountMembers(c, req, resp);
                 });
  if (!status.ok()) return ReportRpcError(ctx, status);
  hub::v1::ListProfilesResponse as_list;
  *as_list.mutable_profiles() = response.profiles();
  return EmitPage(ctx, response, response.next_page_token(),
                  [&](std::ostream& o) { PrintProfileList(as_list, o); });
}

int ProfilesMerge(const CommandContext& ctx, std::string_view first,
                  std::string_view second) {
  absl::StatusOr<std::string> name = ParseProfileName(first);
  if (!name.ok()) return ReportUsageError(ctx, name.status());
  absl::StatusOr<std::string> other = ParseProfileName(second);
  if (!other.ok()) return ReportUsageError(ctx, other.status());
  hub::v1::MergeProfilesRequest request;
  request.set_name(*name);
  request.set_other_name(*other);
  request.set_reason(ctx.reason);
  request.set_request_id(ctx.request_id);
  hub::v1::MergeProfilesResponse response;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status = NewStub(ctx)->MergeProfiles(&context, request, &response);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, response, [&](std::ostream& o) { PrintMergeResult(response, o); });
}

int ProfilesUnmerge(const CommandContext& ctx, std::string_view name_or_id,
                    int64_t entry) {
  absl::StatusOr<std::string> name = ParseProfileName(name_or_id);
  if (!name.ok()) return ReportUsageError(ctx, name.status());
  hub::v1::UnmergeProfileRequest request;
  request.set_name(*name);
  request.set_merge_entry(entry);
  request.set_reason(ctx.reason);
  request.set_request_id(ctx.request_id);
  hub::v1::UnmergeProfileResponse response;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status = NewStub(ctx)->UnmergeProfile(&context, request, &response);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, response, [&](std::ostream& o) { PrintUnmergeResult(response, o); });
}

int ProfilesMerges(const CommandContext& ctx, std::string_view name_or_id,
                   const ListOptions& options) {
  absl::StatusOr<std::string> name = ParseProfileName(name_or_id);
  if (!name.ok()) return ReportUsageError(ctx, name.status());
  auto stub = NewStub(ctx);
  hub::v1::ListMergesRequest request;
  request.set_name(*name);
  hub::v1::ListMergesResponse response;
  grpc::Status status =
      FetchPages(ctx, options, request, &response,
                 [&](grpc::ClientContext* c, const auto& req, auto* resp) {
                   return stub->ListMerges(c, req, resp);
                 });
  if (!status.ok()) return ReportRpcError(ctx, status);
  return EmitPage(ctx, response, response.next_page_token(),
                  [&](std::ostream& o) { PrintMergeList(response, o); });
}

int ProfilesDoNotLink(const CommandContext& ctx, std::string_view first,
                      std::string_view second) {
  absl::StatusOr<std::string> name = ParseProfileName(first);
  if (!name.ok()) return ReportUsageError(ctx, name.status());
  absl::StatusOr<std::string> other = ParseProfileName(second);
  if (!other.ok()) return ReportUsageError(ctx, other.status());
  hub::v1::AddDoNotLinkRequest request;
  request.set_name(*name);
  request.set_other_name(*other);
  request.set_reason(ctx.reason);
  request.set_request_id(ctx.request_id);
  hub::v1::DoNotLink response;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  grpc::Status status = NewStub(ctx)->AddDoNotLink(&context, request, &response);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, response, [&](std::ostream& o) { PrintDoNotLink(response, o); });
}

int MergesList(const CommandContext& ctx, std::string_view state, bool all,
               const ListOptions& options) {
  hub::v1::ListMergeSuggestionsRequest request;
  request.set_all_states(all);
  hub::v1::MergeSuggestion::State wanted;
  std::string upper = absl::AsciiStrToUpper(absl::string_view(state.data(), state.size()));
  if (!hub::v1::MergeSuggestion::State_Parse(upper, &wanted) ||
      wanted == hub::v1::MergeSuggestion::STATE_UNSPECIFIED) {
    return ReportUsageError(
        ctx, absl::InvalidArgumentError(absl::StrCat(
                 "--state: expected pending, accepted or rejected, got \"",
                 absl::string_view(state.data(), state.size()), "\"")));
  }
  request.set_state(wanted);
  auto stub = NewStub(ctx);
  hub::v1::ListMergeSuggestionsResponse response;
  grpc::Status status =
      FetchPages(ctx, options, request, &response,
                 [&](grpc::ClientContext* c, const auto& req, auto* resp) {
                   return stub->ListMergeSuggestions(c, req, resp);
                 });
  if (!status.ok()) return ReportRpcError(ctx, status);
  return EmitPage(ctx, response, response.next_page_token(),
                  [&](std::ostream& o) { PrintSuggestionList(response, o); });
}

int MergesDecide(const CommandContext& ctx, std::string_view name_or_id,
                 bool accept) {
  absl::StatusOr<std::string> name = ParseSuggestionName(name_or_id);
  if (!name.ok()) return ReportUsageError(ctx, name.status());
  hub::v1::DecideMergeSuggestionRequest request;
  request.set_name(*name);
  request.set_reason(ctx.reason);
  request.set_request_id(ctx.request_id);
  hub::v1::MergeSuggestion response;
  grpc::ClientContext context;
  PrepareCall(ctx, &context);
  auto stub = NewStub(ctx);
  grpc::Status status =
      accept ? stub->AcceptMergeSuggestion(&context, request, &response)
             : stub->RejectMergeSuggestion(&context, request, &response);
  if (!status.ok()) return ReportRpcError(ctx, status);
  return Emit(ctx, response, [&](std::ostream& o) { PrintDecidedSuggestion(response, o); });
}

int IdentityReport(const CommandContext& ctx, const ListOptions& options) {
  auto stub = NewStub(ctx);
  hub::v1::ListIdentityRefusalsResponse response;
  grpc::Status status =
      FetchPages(ctx, options, hub::v1::ListIdentityRefusalsRequest(), &response,
                 [&](grpc::ClientContext* c, const auto& req, auto* resp) {
                   return stub->ListIdentityRefusals(c, req, resp);
                 });
  if (!status.ok()) return ReportRpcError(ctx, status);
  return EmitPage(ctx, response, response.next_page_token(),
                  [&](std::ostream& o) { PrintRefusalList(response, o); });
}

}  // namespace hubctl
