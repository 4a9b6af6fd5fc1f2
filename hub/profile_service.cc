#include "hub/profile_service.h"

#include <cstdint>
#include <limits>

#include "absl/strings/str_cat.h"
#include "hub/api_util.h"
#include "hub/idempotency.h"
#include "hub/permissions.h"
#include "hub/profile_list.h"
#include "hub/read_mask.h"
#include "hub/status_util.h"
#include "profile/base/status_macros.h"
#include "profile/base/time_util.h"
#include "profile/consent/consent.h"
#include "profile/identity/identifier.h"

namespace hub {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kDefaultEventPageSize = 100;
constexpr int kMaxPageSize = 1000;

absl::StatusOr<int64_t> LookupId(Store* store,
                                 const hub::v1::LookupProfileRequest& req) {
  std::optional<IdentifierType> type = FindIdentifierType(req.identifier_type());
  if (!type || type->side != Side::kPerson) {
    return absl::InvalidArgumentError(absl::StrCat(
        "identifier_type: \"", req.identifier_type(),
        "\" is not a person identifier type (email, phone, user_id, "
        "salesforce.contact_id, ...)"));
  }
  if (req.identifier_value().empty()) {
    return absl::InvalidArgumentError("identifier_value: required");
  }
  absl::StatusOr<NormalizedValue> value =
      NormalizeIdentifier(*type, req.identifier_value());
  if (!value.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("identifier_value: ", value.status().message()));
  }
  if (value->blocked) {
    return absl::InvalidArgumentError(absl::StrCat(
        "identifier_value: \"", req.identifier_value(),
        "\" is a placeholder that never identifies anyone"));
  }
  return store->FindIdentity(Side::kPerson, type->name, value->value);
}

// The options every profile read takes: OK for no purpose or a configured
// one and a read mask naming Profile fields; INVALID_ARGUMENT naming the
// field otherwise. Checked once per call, before any store work.
absl::Status CheckReadOptions(const ConsentPolicy& policy, const std::string& purpose,
                              const google::protobuf::FieldMask& read_mask) {
  if (!purpose.empty()) HUB_RETURN_IF_ERROR(policy.CheckPurpose(purpose, "purpose"));
  return CheckProfileReadMask(read_mask);
}

// The List spec of `request` (ListProfilesRequest or ListAccountsRequest).
template <typename Request>
ListSpec ListSpecOf(Side side, const Request& request) {
  ListSpec spec;
  spec.side = side;
  spec.filter = request.filter();
  spec.order_by = request.order_by();
  spec.page_token = request.page_token();
  spec.page_size = request.page_size();
  return spec;
}

// Finishes a callback call at once with `status`.
grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                    const grpc::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

// The deadline of the call, for the store's queries.
absl::Time DeadlineOf(const grpc::ServerContextBase& context) {
  const auto deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return absl::InfiniteFuture();
  return absl::FromChrono(deadline);
}

// Lists one page of `spec` and turns each id into a resource.
template <typename Resource, typename Fetch>
absl::Status ListPage(Store* store, const Masker& masker, absl::string_view role,
                      const ListSpec& spec, absl::Time deadline, Fetch fetch,
                      google::protobuf::RepeatedPtrField<Resource>* out,
                      std::string* next_page_token) {
  HUB_ASSIGN_OR_RETURN(ListedIds page, ListProfileIds(store, masker, role, spec, deadline));
  const absl::string_view tag = spec.side == Side::kPerson ? "profiles" : "accounts";
  for (int64_t id : page.ids) {
    absl::StatusOr<Resource> resource = fetch(id);
    // Merged away since the page was read: its survivor has its own place.
    if (absl::IsNotFound(resource.status())) continue;
    HUB_RETURN_IF_ERROR(resource.status());
    if (resource->name() != absl::StrCat(tag, "/", id)) continue;
    *out->Add() = *std::move(resource);
  }
  *next_page_token = std::move(page.next_page_token);
  return absl::OkStatus();
}

absl::Status ListEvents(Store* store, const hub::v1::ListProfileEventsRequest& req,
                        hub::v1::ListProfileEventsResponse* resp) {
  HUB_ASSIGN_OR_RETURN(int64_t id, ParseIdName(req.name(), "profiles", "name"));
  HUB_ASSIGN_OR_RETURN(int size, PageSize(req.page_size(), kDefaultEventPageSize, kMaxPageSize));
  std::vector<int64_t> pos = {std::numeric_limits<int64_t>::max(),
                              std::numeric_limits<int64_t>::max()};
  if (!req.page_token().empty()) {
    HUB_ASSIGN_OR_RETURN(pos, DecodePageToken(req.page_token(), "events", 2));
  }
  HUB_ASSIGN_OR_RETURN(int64_t live, store->ResolveId(Side::kPerson, id));
  HUB_ASSIGN_OR_RETURN(auto events, store->ListEvents(live, pos[0], pos[1], size + 1));
  bool more = static_cast<int>(events.size()) > size;
  if (more) events.pop_back();
  for (auto& [event, seq] : events) *resp->add_events() = event;
  if (more) {
    const auto& last = events.back();
    int64_t us = absl::ToUnixMicros(FromProtoTime(last.first.occur_time()));
    resp->set_next_page_token(EncodePageToken("events", {us, last.second}));
  }
  return absl::OkStatus();
}

absl::Status ListMembers(Store* store, const hub::v1::ListAccountMembersRequest& req,
                         hub::v1::ListAccountMembersResponse* resp) {
  HUB_ASSIGN_OR_RETURN(int64_t id, ParseIdName(req.parent(), "accounts", "parent"));
  HUB_ASSIGN_OR_RETURN(int size, PageSize(req.page_size(), kDefaultPageSize, kMaxPageSize));
  int64_t after = 0;
  if (!req.page_token().empty()) {
    HUB_ASSIGN_OR_RETURN(std::vector<int64_t> v, DecodePageToken(req.page_token(), "members", 1));
    after = v[0];
  }
  HUB_ASSIGN_OR_RETURN(int64_t live, store->ResolveId(Side::kAccount, id));
  HUB_ASSIGN_OR_RETURN(IdPage page, store->ListMembers(live, after, size));
  for (int64_t member : page.ids) {
    absl::StatusOr<hub::v1::Profile> p = store->GetProfile(member, false);
    if (absl::IsNotFound(p.status())) continue;  // merged away meanwhile
    HUB_RETURN_IF_ERROR(p.status());
    *resp->add_profiles() = *std::move(p);
  }
  if (page.more) resp->set_next_page_token(EncodePageToken("members", {page.ids.back()}));
  return absl::OkStatus();
}

absl::Status ListRefusals(Store* store,
                          const hub::v1::ListIdentityRefusalsRequest& req,
                          hub::v1::ListIdentityRefusalsResponse* resp) {
  HUB_ASSIGN_OR_RETURN(int size, PageSize(req.page_size(), kDefaultEventPageSize, kMaxPageSize));
  int64_t after = 0;
  if (!req.page_token().empty()) {
    HUB_ASSIGN_OR_RETURN(std::vector<int64_t> v, DecodePageToken(req.page_token(), "refusals", 1));
    after = v[0];
  }
  HUB_ASSIGN_OR_RETURN(std::vector<RefusalEntry> rows, store->ListRefusals(after, size + 1));
  bool more = static_cast<int>(rows.size()) > size;
  if (more) rows.pop_back();
  for (const RefusalEntry& e : rows) {
    const char* prefix = e.side == Side::kPerson ? "profiles/" : "accounts/";
    hub::v1::IdentityRefusal* r = resp->add_refusals();
    r->set_identifier_type(e.type);
    r->set_identifier_value(e.value);
    if (e.holder != 0) r->set_holder(absl::StrCat(prefix, e.holder));
    if (e.target != 0) r->set_target(absl::StrCat(prefix, e.target));
    r->set_reason(e.reason);
    r->mutable_record()->set_source(e.record.source);
    r->mutable_record()->set_entity(e.record.entity);
    r->mutable_record()->set_external_id(e.record.external_id);
    *r->mutable_refuse_time() = ToProtoTime(absl::FromUnixMicros(e.at_us));
  }
  if (more) resp->set_next_page_token(EncodePageToken("refusals", {rows.back().seq}));
  return absl::OkStatus();
}

std::string NameOf(Side side, int64_t id) {
  return absl::StrCat(side == Side::kPerson ? "profiles/" : "accounts/", id);
}

// Two profiles (or two accounts) named by `name` and `other_name`.
struct NamedPair {
  Side side;
  int64_t a;
  int64_t b;
};

absl::StatusOr<NamedPair> ParsePair(const std::string& name,
                                    const std::string& other_name) {
  HUB_ASSIGN_OR_RETURN(auto first, ParseProfileOrAccountName(name, "name"));
  HUB_ASSIGN_OR_RETURN(auto second, ParseProfileOrAccountName(other_name, "other_name"));
  if (first.first != second.first) {
    return absl::InvalidArgumentError(absl::StrCat(
        "other_name: \"", other_name, "\" is not of the same kind as \"", name,
        "\" (profiles merge with profiles, accounts with accounts)"));
  }
  return NamedPair{first.first, first.second, second.second};
}

absl::Status MergeTwo(MergeLedger* ledger, const hub::v1::MergeProfilesRequest& req,
                      const Principal& who, hub::v1::MergeProfilesResponse* resp) {
  HUB_ASSIGN_OR_RETURN(NamedPair pair, ParsePair(req.name(), req.other_name()));
  HUB_ASSIGN_OR_RETURN(MergeEntry entry, ledger->Merge(pair.side, pair.a, pair.b, ActorOf(who, req)));
  resp->set_survivor(NameOf(entry.side, entry.winner));
  *resp->mutable_entry() = ToProto(entry);
  return absl::OkStatus();
}

absl::Status UnmergeOne(MergeLedger* ledger, const hub::v1::UnmergeProfileRequest& req,
                        const Principal& who, hub::v1::UnmergeProfileResponse* resp) {
  HUB_ASSIGN_OR_RETURN(auto name, ParseProfileOrAccountName(req.name(), "name"));
  if (req.merge_entry() <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "merge_entry: expected a ledger sequence number (positive), got ", req.merge_entry()));
  }
  HUB_ASSIGN_OR_RETURN(UnmergeResult result,
                       ledger->Unmerge(name.first, name.second, req.merge_entry(),
                                       ActorOf(who, req)));
  resp->set_name(NameOf(name.first, result.root));
  resp->set_restored(NameOf(name.first, result.restored));
  *resp->mutable_entry() = ToProto(result.entry);
  return absl::OkStatus();
}

absl::Status ListLedger(Store* store, const hub::v1::ListMergesRequest& req,
                        hub::v1::ListMergesResponse* resp) {
  HUB_ASSIGN_OR_RETURN(auto name, ParseProfileOrAccountName(req.name(), "name"));
  HUB_ASSIGN_OR_RETURN(int size, PageSize(req.page_size(), kDefaultEventPageSize, kMaxPageSize));
  int64_t before = std::numeric_limits<int64_t>::max();
  if (!req.page_token().empty()) {
    HUB_ASSIGN_OR_RETURN(std::vector<int64_t> v, DecodePageToken(req.page_token(), "merges", 1));
    before = v[0];
  }
  HUB_ASSIGN_OR_RETURN(int64_t live, store->ResolveId(name.first, name.second));
  HUB_ASSIGN_OR_RETURN(std::vector<MergeEntry> rows,
                       store->ListMerges(name.first, live, before, size + 1));
  bool more = static_cast<int>(rows.size()) > size;
  if (more) rows.pop_back();
  for (const MergeEntry& e : rows) *resp->add_entries() = ToProto(e);
  if (more) resp->set_next_page_token(EncodePageToken("merges", {rows.back().seq}));
  return absl::OkStatus();
}

absl::Status KeepApart(MergeLedger* ledger, const hub::v1::AddDoNotLinkRequest& req,
                       const Principal& who, hub::v1::DoNotLink* resp) {
  HUB_ASSIGN_OR_RETURN(NamedPair pair, ParsePair(req.name(), req.other_name()));
  HUB_ASSIGN_OR_RETURN(auto live, ledger->AddDoNotLink(pair.side, pair.a, pair.b,
                                                          ActorOf(who, req)));
  resp->set_name(NameOf(pair.side, live.first));
  resp->set_other_name(NameOf(pair.side, live.second));
  return absl::OkStatus();
}

}  // namespace

hub::v1::MergeLedgerEntry ToProto(const MergeEntry& e) {
  hub::v1::MergeLedgerEntry out;
  out.set_sequence(e.seq);
  out.set_winner(NameOf(e.side, e.winner));
  out.set_loser(NameOf(e.side, e.loser));
  out.set_rule(e.rule);
  if (e.score) out.set_score(*e.score);
  out.set_actor(e.who);
  if (!e.record.source.empty()) {
    out.mutable_source_record()->set_source(e.record.source);
    out.mutable_source_record()->set_entity(e.record.entity);
    out.mutable_source_record()->set_external_id(e.record.external_id);
  }
  *out.mutable_create_time() = ToProtoTime(absl::FromUnixMicros(e.at_us));
  out.set_undone_by(e.undone_by);
  out.set_undoes(e.undoes);
  return out;
}

hub::v1::MergeSuggestion ToProto(const MergeSuggestion& s) {
  hub::v1::MergeSuggestion out;
  out.set_name(absl::StrCat("mergeSuggestions/", s.seq));
  out.set_profile(NameOf(s.side, s.a));
  out.set_other_profile(NameOf(s.side, s.b));
  out.set_score(s.score);
  out.set_explanation(s.explanation);
  out.set_state(static_cast<hub::v1::MergeSuggestion::State>(static_cast<int>(s.state) + 1));
  out.set_actor(s.who);
  *out.mutable_create_time() = ToProtoTime(absl::FromUnixMicros(s.at_us));
  if (s.decided_us != 0) {
    *out.mutable_decide_time() = ToProtoTime(absl::FromUnixMicros(s.decided_us));
  }
  return out;
}

absl::Status ListSuggestions(Store* store,
                             const hub::v1::ListMergeSuggestionsRequest& req,
                             hub::v1::ListMergeSuggestionsResponse* resp) {
  HUB_ASSIGN_OR_RETURN(int size, PageSize(req.page_size(), kDefaultEventPageSize, kMaxPageSize));
  int64_t after = 0;
  if (!req.page_token().empty()) {
    HUB_ASSIGN_OR_RETURN(std::vector<int64_t> v,
                         DecodePageToken(req.page_token(), "suggestions", 1));
    after = v[0];
  }
  std::optional<MergeSuggestion::State> state;
  if (!req.all_states()) {
    const int wanted = req.state() == hub::v1::MergeSuggestion::STATE_UNSPECIFIED
                           ? hub::v1::MergeSuggestion::PENDING
                           : req.state();
    state = static_cast<MergeSuggestion::State>(wanted - 1);
  }
  HUB_ASSIGN_OR_RETURN(std::vector<MergeSuggestion> rows,
                       store->ListMergeSuggestions(state, after, size + 1));
  const bool more = static_cast<int>(rows.size()) > size;
  if (more) rows.pop_back();
  for (const MergeSuggestion& s : rows) *resp->add_suggestions() = ToProto(s);
  if (more) resp->set_next_page_token(EncodePageToken("suggestions", {rows.back().seq}));
  return absl::OkStatus();
}

absl::Status Decide(MergeLedger* ledger, const hub::v1::DecideMergeSuggestionRequest& req,
                    MergeSuggestion::State decision, const Principal& who,
                    hub::v1::MergeSuggestion* resp) {
  HUB_ASSIGN_OR_RETURN(int64_t seq, ParseIdName(req.name(), "mergeSuggestions", "name"));
  HUB_ASSIGN_OR_RETURN(MergeSuggestion s, ledger->DecideSuggestion(seq, decision, ActorOf(who, req)));
  *resp = ToProto(s);
  return absl::OkStatus();
}

grpc::Status ProfileServiceImpl::MergeProfiles(
    grpc::ServerContext* context, const hub::v1::MergeProfilesRequest* request,
    hub::v1::MergeProfilesResponse* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.ProfileService/MergeProfiles");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(AtMostOnce(store_, *who, *request, request->request_id(), response,
                                 [&](const Principal& caller) {
                                   return MergeTwo(ledger_, *request, caller, response);
                                 }));
}

grpc::Status ProfileServiceImpl::UnmergeProfile(
    grpc::ServerContext* context, const hub::v1::UnmergeProfileRequest* request,
    hub::v1::UnmergeProfileResponse* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.ProfileService/UnmergeProfile");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(AtMostOnce(store_, *who, *request, request->request_id(), response,
                                 [&](const Principal& caller) {
                                   return UnmergeOne(ledger_, *request, caller, response);
                                 }));
}

grpc::Status ProfileServiceImpl::ListMerges(grpc::ServerContext* context,
                                            const hub::v1::ListMergesRequest* request,
                                            hub::v1::ListMergesResponse* response) {
  absl::StatusOr<Principal> who = Authorize(*auth_, *context, "hub.v1.ProfileService/ListMerges");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(ListLedger(store_, *request, response));
}

grpc::Status ProfileServiceImpl::AddDoNotLink(grpc::ServerContext* context,
                                              const hub::v1::AddDoNotLinkRequest* request,
                                              hub::v1::DoNotLink* response) {
  absl::StatusOr<Principal> who = Authorize(*auth_, *context, "hub.v1.ProfileService/AddDoNotLink");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(AtMostOnce(store_, *who, *request, request->request_id(), response,
                                 [&](const Principal& caller) {
                                   return KeepApart(ledger_, *request, caller, response);
                                 }));
}

grpc::Status ProfileServiceImpl::ListMergeSuggestions(
    grpc::ServerContext* context,
    const hub::v1::ListMergeSuggestionsRequest* request,
    hub::v1::ListMergeSuggestionsResponse* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.ProfileService/ListMergeSuggestions");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(ListSuggestions(store_, *request, response));
}

grpc::Status ProfileServiceImpl::AcceptMergeSuggestion(
    grpc::ServerContext* context,
    const hub::v1::DecideMergeSuggestionRequest* request,
    hub::v1::MergeSuggestion* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.ProfileService/AcceptMergeSuggestion");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(AtMostOnce(store_, *who, *request, request->request_id(), response,
                                 [&](const Principal& caller) {
                                   return Decide(ledger_, *request,
                                                 MergeSuggestion::State::kAccepted, caller,
                                                 response);
                                 }));
}

grpc::Status ProfileServiceImpl::RejectMergeSuggestion(
    grpc::ServerContext* context,
    const hub::v1::DecideMergeSuggestionRequest* request,
    hub::v1::MergeSuggestion* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.ProfileService/RejectMergeSuggestion");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(AtMostOnce(store_, *who, *request, request->request_id(), response,
                                 [&](const Principal& caller) {
                                   return Decide(ledger_, *request,
                                                 MergeSuggestion::State::kRejected, caller,
                                                 response);
                                 }));
}

template <typename Response>
grpc::Status ProfileServiceImpl::Respond(const Principal& who, absl::string_view method,
                                         const google::protobuf::Message& request,
                                         const absl::Status& status, Response* response) const {
  if (!status.ok()) return ToGrpcStatus(masker_->ScrubError(who.role, status, request));
  reads_->Record(who, method, masker_->Apply(who.role, response));
  return grpc::Status::OK;
}

grpc::Status ProfileServiceImpl::ListAccountMembers(
    grpc::ServerContext* context,
    const hub::v1::ListAccountMembersRequest* request,
    hub::v1::ListAccountMembersResponse* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.ProfileService/ListAccountMembers");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return Respond(*who, "hub.v1.ProfileService/ListAccountMembers", *request,
                 ListMembers(store_, *request, response), response);
}

grpc::Status ProfileServiceImpl::ListIdentityRefusals(
    grpc::ServerContext* context,
    const hub::v1::ListIdentityRefusalsRequest* request,
    hub::v1::ListIdentityRefusalsResponse* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.ProfileService/ListIdentityRefusals");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return ToGrpcStatus(ListRefusals(store_, *request, response));
}

absl::Status ProfileServiceImpl::ReadProfile(const absl::StatusOr<int64_t>& id,
                                             const std::string& purpose,
                                             const google::protobuf::FieldMask& read_mask,
                                             hub::v1::Profile* response) const {
  HUB_RETURN_IF_ERROR(id.status());
  HUB_ASSIGN_OR_RETURN(hub::v1::Profile profile, store_->GetProfile(*id, true));
  HUB_RETURN_IF_ERROR(AttachConsent(store_, consent_, purpose, true, &profile));
  ApplyProfileReadMask(read_mask, &profile);
  *response = std::move(profile);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* ProfileServiceImpl::GetProfile(
    grpc::CallbackServerContext* context, const hub::v1::GetProfileRequest* request,
    hub::v1::Profile* response) {
  absl::StatusOr<Principal> who = Authorize(*auth_, *context, "hub.v1.ProfileService/GetProfile");
  if (!who.ok()) return FinishNow(context, ToGrpcStatus(who.status()));
  absl::Status read = CheckReadOptions(consent_, request->purpose(), request->read_mask());
  if (read.ok()) {
    read = ReadProfile(ParseIdName(request->name(), "profiles", "name"), request->purpose(),
                       request->read_mask(), response);
  }
  return FinishNow(context,
                   Respond(*who, "hub.v1.ProfileService/GetProfile", *request, read, response));
}

grpc::Status ProfileServiceImpl::BatchGetProfiles(grpc::ServerContext* context,
                                                  const hub::v1::BatchGetProfilesRequest* request,
                                                  hub::v1::BatchGetProfilesResponse* response) {
  constexpr absl::string_view kMethod = "hub.v1.ProfileService/BatchGetProfiles";
  absl::StatusOr<Principal> who = Authorize(*auth_, *context, kMethod);
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::Status checked = absl::OkStatus();
  if (request->names().empty()) {
    checked = absl::InvalidArgumentError("names: required, 1 to 1000 profile names");
  } else if (request->names_size() > kMaxPageSize) {
    checked = absl::InvalidArgumentError(absl::StrCat(
        "names: at most ", kMaxPageSize, " per call, got ", request->names_size()));
  } else {
    checked = CheckReadOptions(consent_, request->purpose(), request->read_mask());
  }
  if (!checked.ok()) return Respond(*who, kMethod, *request, checked, response);
  for (int i = 0; i < request->names_size(); ++i) {
    if (context->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
    hub::v1::BatchGetProfilesResult* result = response->add_results();
    result->set_requested_name(request->names(i));
    absl::StatusOr<int64_t> id =
        ParseIdName(request->names(i), "profiles", absl::StrCat("names[", i, "]"));
    absl::Status read = ReadProfile(id, request->purpose(), request->read_mask(),
                                    result->mutable_profile());
    if (!read.ok()) {
      // One name's failure is its own; a failing store fails the call.
      if (!absl::IsInvalidArgument(read) && !absl::IsNotFound(read) &&
          !absl::IsFailedPrecondition(read)) {
        response->Clear();
        return Respond(*who, kMethod, *request, read, response);
      }
      read = masker_->ScrubError(who->role, read, *request);
      // A name that is no profile name may be a value (an email pasted by
      // mistake): a masked role gets it back scrubbed like any echo.
      result->set_requested_name(masker_->ScrubText(who->role, request->names(i), *request));
      result->mutable_error()->set_code(static_cast<int>(read.code()));
      result->mutable_error()->set_message(std::string(read.message()));
    }
  }
  return Respond(*who, kMethod, *request, absl::OkStatus(), response);
}

grpc::ServerUnaryReactor* ProfileServiceImpl::LookupProfile(
    grpc::CallbackServerContext* context, const hub::v1::LookupProfileRequest* request,
    hub::v1::Profile* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.ProfileService/LookupProfile");
  if (!who.ok()) return FinishNow(context, ToGrpcStatus(who.status()));
  absl::Status read = CheckReadOptions(consent_, request->purpose(), request->read_mask());
  if (read.ok()) {
    read = ReadProfile(LookupId(store_, *request), request->purpose(), request->read_mask(),
                       response);
  }
  return FinishNow(context,
                   Respond(*who, "hub.v1.ProfileService/LookupProfile", *request, read, response));
}

grpc::Status ProfileServiceImpl::ListProfiles(
    grpc::ServerContext* context, const hub::v1::ListProfilesRequest* request,
    hub::v1::ListProfilesResponse* response) {
  absl::StatusOr<Principal> who = Authorize(*auth_, *context, "hub.v1.ProfileService/ListProfiles");
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::Status s = CheckReadOptions(consent_, request->purpose(), request->read_mask());
  if (!s.ok()) return Respond(*who, "hub.v1.ProfileService/ListProfiles", *request, s, response);
  absl::Status listed = ListPage(
      store_, *masker_, who->role, ListSpecOf(Side::kPerson, *request), DeadlineOf(*context),
      [&](int64_t id) { return store_->GetProfile(id, false); },
      response->mutable_profiles(), response->mutable_next_page_token());
  // The page's consent in one query; the token stays the page's last row, so
  // profiles left out for the purpose never make a later page skip one.
  if (listed.ok()) {
    listed = AttachConsents(store_, consent_, request->purpose(), response->mutable_profiles());
  }
  if (listed.ok()) {
    for (hub::v1::Profile& p : *response->mutable_profiles()) {
      ApplyProfileReadMask(request->read_mask(), &p);
    }
  }
  return Respond(*who, "hub.v1.ProfileService/ListProfiles", *request, listed, response);
}

grpc::Status ProfileServiceImpl::ListProfileEvents(
    grpc::ServerContext* context,
    const hub::v1::ListProfileEventsRequest* request,
    hub::v1::ListProfileEventsResponse* response) {
  absl::StatusOr<Principal> who =
      Authorize(*auth_, *context, "hub.v1.ProfileService/ListProfileEvents");
  if (!who.ok()) return ToGrpcStatus(who.status());
  return Respond(*who, "hub.v1.ProfileService/ListProfileEvents", *request,
                 ListEvents(store_, *request, response), response);
}

grpc::Status ProfileServiceImpl::GetAccount(grpc::ServerContext* context,
                                            const hub::v1::GetAccountRequest* request,
                                            hub::v1::Account* response) {
  absl::StatusOr<Principal> who = Authorize(*auth_, *context, "hub.v1.ProfileService/GetAccount");
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::StatusOr<int64_t> id = ParseIdName(request->name(), "accounts", "name");
  absl::StatusOr<hub::v1::Account> account = id.ok() ? store_->GetAccount(*id, true) : id.status();
  if (account.ok()) *response = *std::move(account);
  return Respond(*who, "hub.v1.ProfileService/GetAccount", *request, account.status(), response);
}

grpc::Status ProfileServiceImpl::ListAccounts(
    grpc::ServerContext* context, const hub::v1::ListAccountsRequest* request,
    hub::v1::ListAccountsResponse* response) {
  absl::StatusOr<Principal> who = Authorize(*auth_, *context, "hub.v1.ProfileService/ListAccounts");
  if (!who.ok()) return ToGrpcStatus(who.status());
  absl::Status listed = ListPage(
      store_, *masker_, who->role, ListSpecOf(Side::kAccount, *request), DeadlineOf(*context),
      [&](int64_t id) { return store_->GetAccount(id, false); },
      response->mutable_accounts(), response->mutable_next_page_token());
  return Respond(*who, "hub.v1.ProfileService/ListAccounts", *request, listed, response);
}

}  // namespace hub
