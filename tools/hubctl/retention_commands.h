// The `retention` commands: purging what the hub's retention policy says
// has expired, and the legal holds that keep a person's data from it and
// from erasure. Each makes its RPCs on ctx.channel, writes to ctx.out in
// ctx.output format and errors to ctx.err, and returns the process exit
// code (exit_codes.h).
#ifndef HUB_TOOLS_HUBCTL_RETENTION_COMMANDS_H_
#define HUB_TOOLS_HUBCTL_RETENTION_COMMANDS_H_

#include <string>

#include "tools/hubctl/command_context.h"

namespace hubctl {

// `retention purge --reason R [--yes]`: without `yes`, previews
// (PurgeExpired unconfirmed) and prints what would go per class; with it,
// purges and prints what went and the last audit entry.
int RetentionPurge(const CommandContext& ctx, bool yes);

// `retention hold place (PROFILE | --type T --value V) --reason R`:
// PlaceLegalHold on a profile ("profiles/{id}" or {id}) or the person
// holding an identifier. A malformed profile, or neither or both given, is
// a usage error.
int RetentionHoldPlace(const CommandContext& ctx, const std::string& profile,
                       const std::string& type, const std::string& value);

// `retention hold release NAME_OR_ID --reason R`: ReleaseLegalHold
// ("legalHolds/{id}" or {id}).
int RetentionHoldRelease(const CommandContext& ctx, const std::string& name_or_id);

// `retention hold list`: ListLegalHolds, oldest first.
int RetentionHoldList(const CommandContext& ctx);

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_RETENTION_COMMANDS_H_
