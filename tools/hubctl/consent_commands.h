// The `consent` commands: a profile's consent per purpose, and a steward's
// change of it. Each makes its RPC on ctx.channel, writes to ctx.out in
// ctx.output format and errors to ctx.err, and returns the process exit
// code (exit_codes.h).
#ifndef HUB_TOOLS_HUBCTL_CONSENT_COMMANDS_H_
#define HUB_TOOLS_HUBCTL_CONSENT_COMMANDS_H_

#include <string>

#include "tools/hubctl/command_context.h"

namespace hubctl {

// Whose consent: exactly one of a profile name ("profiles/12" or "12"), an
// email, or an identifier "type:value" (e.g. "salesforce.contact_id:003X").
struct ConsentTarget {
  std::string name;
  std::string email;
  std::string identifier;
};

// `consent get TARGET`: GetConsent, a table of purpose, state, source and
// time (the evidence too with --output json). Naming no target, or more
// than one, is a usage error.
int ConsentGet(const CommandContext& ctx, const ConsentTarget& target);

// `consent set TARGET --purpose P --state S --reason R [--request-id ID]`:
// SetConsent (S: GRANTED, DENIED or REVOKED, any case), then the profile's
// consent as `consent get` shows it.
int ConsentSet(const CommandContext& ctx, const ConsentTarget& target,
               const std::string& purpose, const std::string& state);

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_CONSENT_COMMANDS_H_
