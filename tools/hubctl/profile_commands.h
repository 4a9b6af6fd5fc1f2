// The `profiles` and `accounts` commands. Each one makes its RPCs on
// ctx.channel, writes the result to ctx.out in ctx.output format and errors to
// ctx.err, and returns the process exit code (see exit_codes.h).
#ifndef HUB_TOOLS_HUBCTL_PROFILE_COMMANDS_H_
#define HUB_TOOLS_HUBCTL_PROFILE_COMMANDS_H_

#include <cstdint>
#include <string_view>

#include "tools/hubctl/command_context.h"
#include "tools/hubctl/paging.h"

namespace hubctl {

// `profiles get NAME_OR_ID`: GetProfile, printed as the unified view.
// A malformed name is a usage error (kExitUsage) and makes no call.
int ProfilesGet(const CommandContext& ctx, std::string_view name_or_id);

// `profiles lookup TYPE VALUE`: LookupProfile by identifier.
int ProfilesLookup(const CommandContext& ctx, std::string_view type,
                   std::string_view value);

// `profiles list`: ListProfiles. Without `all`, a remaining next_page_token
// is noted on ctx.err in table format (JSON carries it in the document).
int ProfilesList(const CommandContext& ctx, const ListOptions& options);

// `profiles events NAME_OR_ID`: ListProfileEvents, newest first.
int ProfilesEvents(const CommandContext& ctx, std::string_view name_or_id,
                   const ListOptions& options);

// `accounts get ID`: GetAccount.
int AccountsGet(const CommandContext& ctx, std::string_view name_or_id);

// `accounts list`: ListAccounts, paged like ProfilesList.
int AccountsList(const CommandContext& ctx, const ListOptions& options);

// `accounts members ID`: the persons whose current account it is.
int AccountsMembers(const CommandContext& ctx, std::string_view name_or_id,
                    const ListOptions& options);

// `profiles merge ID ID`: MergeProfiles; the older profile survives.
// Malformed names are usage errors (kExitUsage) and make no call.
int ProfilesMerge(const CommandContext& ctx, std::string_view first,
                  std::string_view second);

// `profiles unmerge ID --entry SEQ`: UnmergeProfile of ledger entry `entry`.
int ProfilesUnmerge(const CommandContext& ctx, std::string_view name_or_id,
                    int64_t entry);

// `profiles merges ID`: ListMerges, the profile's ledger, newest first.
int ProfilesMerges(const CommandContext& ctx, std::string_view name_or_id,
                   const ListOptions& options);

// `profiles do-not-link ID ID`: AddDoNotLink.
int ProfilesDoNotLink(const CommandContext& ctx, std::string_view first,
                      std::string_view second);

// `merges list [--any-state | --state STATE]`: ListMergeSuggestions (pending by
// default). `state` is "pending", "accepted" or "rejected"; another word is a
// usage error.
int MergesList(const CommandContext& ctx, std::string_view state, bool all,
               const ListOptions& options);

// `merges accept ID` / `merges reject ID`: Accept/RejectMergeSuggestion.
int MergesDecide(const CommandContext& ctx, std::string_view name_or_id,
                 bool accept);

// `identity report`: the identity links the guarded graph refused.
int IdentityReport(const CommandContext& ctx, const ListOptions& options);

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_PROFILE_COMMANDS_H_
