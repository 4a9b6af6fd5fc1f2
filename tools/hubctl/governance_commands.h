// The `audit` and `quarantine` commands: the hub's append-only, hash-chained
// audit log, and the records validation refused.
// Each makes its RPCs on ctx.channel, writes to ctx.out in ctx.output format
// and errors to ctx.err, and returns the process exit code (exit_codes.h).
#ifndef HUB_TOOLS_HUBCTL_GOVERNANCE_COMMANDS_H_
#define HUB_TOOLS_HUBCTL_GOVERNANCE_COMMANDS_H_

#include <string>
#include <string_view>

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

// `quarantine list`: ListQuarantine, oldest first.
int QuarantineList(const CommandContext& ctx, const ListOptions& options);

// `quarantine release NAME_OR_ID [--record FILE]`: ReleaseQuarantine, with
// the corrected record read from FILE (proto3 JSON of hub.v1.SourceRecord)
// if given. A malformed name or file is a usage error.
int QuarantineRelease(const CommandContext& ctx, std::string_view name_or_id,
                      const std::string& record_file);

// `quarantine discard NAME_OR_ID --reason R [--yes]`: without `yes`, shows
// what would be removed (DiscardQuarantine with validate_only) and removes
// nothing; with it, removes the record for good.
int QuarantineDiscard(const CommandContext& ctx, std::string_view name_or_id, bool yes);

// `erase --type T --value V --reason R [--yes]`: without `yes`, previews
// (EraseSubject with validate_only) and erases nothing; with it, erases.
// Prints the receipt.
int Erase(const CommandContext& ctx, const std::string& type, const std::string& value, bool yes);

// `export --type T --value V`: ExportSubject, written as JSON (the proto3
// JSON mapping of hub.v1.SubjectExport) whatever --output says.
int Export(const CommandContext& ctx, const std::string& type, const std::string& value);

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_GOVERNANCE_COMMANDS_H_
