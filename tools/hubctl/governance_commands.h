// The `audit` commands: the hub's append-only, hash-chained audit log.
// Each makes its RPCs on ctx.channel, writes to ctx.out in ctx.output format
// and errors to ctx.err, and returns the process exit code (exit_codes.h).
#ifndef HUB_TOOLS_HUBCTL_GOVERNANCE_COMMANDS_H_
#define HUB_TOOLS_HUBCTL_GOVERNANCE_COMMANDS_H_

#include "tools/hubctl/command_context.h"
#include "tools/hubctl/paging.h"

namespace hubctl {

// `audit list`: ListAuditEntries, oldest first.
int AuditList(const CommandContext& ctx, const ListOptions& options);

// `audit verify`: VerifyAuditLog. Exit 0 and the entry count and head hash
// when the chain is intact; kExitFailure naming the first bad entry when
// not.
int AuditVerify(const CommandContext& ctx);

// `audit export`: every entry, one JSON object per line (the proto3 JSON
// mapping of hub.v1.AuditEntry), oldest first, whatever --output says.
int AuditExport(const CommandContext& ctx);

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_GOVERNANCE_COMMANDS_H_
