// The `sources` and `sync` commands. Each one makes its RPCs on ctx.channel,
// writes the result to ctx.out in ctx.output format and errors to ctx.err, and
// returns the process exit code (see exit_codes.h). A malformed source or job
// name is a usage error (kExitUsage) and makes no call.
#ifndef HUB_TOOLS_HUBCTL_SYNC_COMMANDS_H_
#define HUB_TOOLS_HUBCTL_SYNC_COMMANDS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tools/hubctl/command_context.h"

namespace hubctl {

// Flags of `sources create` beyond the id: the Source fields they set.
struct SourceFlags {
  std::string kind, path;
  // API adapters (see Source in sync_service.proto).
  std::string base_url, auth_email, token_env, token_file, ca_file, export_mode, auth_scheme;
  std::vector<std::string> list_ids;  // mailchimp_api
  // A duration like "15m" or "1h30m"; empty: on demand only.
  std::string sync_interval;
  // API adapters: a run's time limit (a duration) and request budget.
  std::string sync_timeout;
  int64_t max_requests = 0;
};

// `sources create ID --kind K [--path P] [--base-url U ...]`: CreateSource;
// prints the source. A malformed --sync-interval is a usage error.
int SourcesCreate(const CommandContext& ctx, std::string_view source_id,
                  const SourceFlags& flags);

// `sources get ID`: GetSource ("ID" or "sources/ID").
int SourcesGet(const CommandContext& ctx, std::string_view source);

// `sources list`: ListSources.
int SourcesList(const CommandContext& ctx);

// Flags of `sync run`.
struct SyncRunOptions {
  // Ignore the saved cursor and read the source from the start.
  bool full = false;
  // Poll the job every ctx.poll_interval until it ends, drawing progress on
  // ctx.err, then print the final job.
  bool wait = false;
};

// `sync run SOURCE_ID [--full] [--wait]`: RunSync; prints the job as
// returned, or with `wait` the finished job. Returns kExitSyncFailed if an
// awaited job ends FAILED (after printing it and its error).
int SyncRun(const CommandContext& ctx, std::string_view source,
            const SyncRunOptions& options);

// `sync status JOB_NAME`: GetSyncJob of "sources/{id}/syncJobs/{n}".
int SyncStatus(const CommandContext& ctx, std::string_view job_name);

// `sync cancel JOB_NAME [--wait]`: CancelSyncJob; prints the job as
// returned, or with `wait` polls it (drawing progress) until it ends and
// prints the ended job.
int SyncCancel(const CommandContext& ctx, std::string_view job_name, bool wait);

// `sync list SOURCE_ID`: ListSyncJobs, newest first.
int SyncList(const CommandContext& ctx, std::string_view source);

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_SYNC_COMMANDS_H_
