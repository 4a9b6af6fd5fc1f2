// The `health` command: grpc.health.v1.Health/Check.
#ifndef HUB_TOOLS_HUBCTL_HEALTH_COMMAND_H_
#define HUB_TOOLS_HUBCTL_HEALTH_COMMAND_H_

#include <string_view>

#include "tools/hubctl/command_context.h"

namespace hubctl {

// Checks the health of `service` ("" for the whole server) and prints its
// status (SERVING, NOT_SERVING, ...) to ctx.out, as a word or as the JSON
// HealthCheckResponse. Returns kExitOk only for SERVING; kExitUnavailable for
// any other answered status; the mapped code if the call fails (NOT_FOUND
// for a service the server does not know).
int Health(const CommandContext& ctx, std::string_view service = "");

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_HEALTH_COMMAND_H_
