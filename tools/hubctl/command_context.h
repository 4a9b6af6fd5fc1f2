// What every hubctl command needs (channel, credentials, deadline, output
// streams) and the helpers they share to call and to report.
#ifndef HUB_TOOLS_HUBCTL_COMMAND_CONTEXT_H_
#define HUB_TOOLS_HUBCTL_COMMAND_CONTEXT_H_

#include <google/protobuf/message.h>
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <cstddef>
#include <functional>
#include <iostream>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace hubctl {

// How command results are written to `out`.
enum class OutputFormat {
  kTable,  // aligned human-readable text
  kJson,   // the response message in the proto3 JSON mapping
};

// The environment of one command. Commands only read it; the streams and the
// channel are shared, not owned, and must outlive the command.
struct CommandContext {
  // The channel to the hub server; required.
  std::shared_ptr<grpc::ChannelInterface> channel;
  // The server address, only for messages.
  std::string server = "127.0.0.1:50051";
  // Bearer token sent as "authorization: Bearer <token>"; empty sends none.
  std::string token;
  // Deadline of each RPC.
  absl::Duration timeout = absl::Seconds(30);
  // Deadline of the calls that may run long (erase, purge, audit verify):
  // --timeout when given, else 10 minutes.
  absl::Duration long_timeout = absl::Minutes(10);
  // Format of the data written to `out`.
  OutputFormat output = OutputFormat::kTable;
  // Where data goes (stdout).
  std::ostream* out = &std::cout;
  // Where messages, errors and progress go (stderr).
  std::ostream* err = &std::cerr;
  // Whether `err` is a terminal (progress is then redrawn in place).
  bool err_is_tty = false;
  // Width of that terminal in columns; 0 if unknown.
  size_t err_columns = 0;
  // How often `sync run --wait` polls the job.
  absl::Duration poll_interval = absl::Milliseconds(200);
  // How often `sync run --wait` writes a progress line when not on a tty.
  absl::Duration progress_interval = absl::Seconds(1);
  // Steward commands (merge, unmerge, do-not-link, suggestion decisions,
  // quarantine, erasure, export): the reason and request id sent for the
  // audit log. The request id is --request-id or one generated per run;
  // hubd applies each at most once.
  std::string reason;
  std::string request_id;
};

// Sets the deadline (`long_timeout` for a `long_running` call, else
// `timeout`) and the authorization metadata of one call.
void PrepareCall(const CommandContext& ctx, grpc::ClientContext* call, bool long_running = false);

// Writes "hubctl: <CODE_NAME>: <message>" (plus a hint for UNAVAILABLE,
// DEADLINE_EXCEEDED and UNAUTHENTICATED) to `err` and returns the status's
// exit code. `status` must not be OK.
int ReportRpcError(const CommandContext& ctx, const grpc::Status& status);

// Writes "hubctl: <message>" to `err` and returns kExitUsage.
int ReportUsageError(const CommandContext& ctx, const absl::Status& status);

// Writes `message` to `out`: as JSON, or through `print_table` for the table
// format. Returns kExitOk, or kExitFailure if JSON conversion failed.
int Emit(const CommandContext& ctx, const google::protobuf::Message& message,
         const std::function<void(std::ostream&)>& print_table);

// Emit for a list response whose next page is `next_page_token`: in table
// format a remaining page is noted on `err`.
int EmitPage(const CommandContext& ctx, const google::protobuf::Message& page,
             const std::string& next_page_token,
             const std::function<void(std::ostream&)>& print_table);

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_COMMAND_CONTEXT_H_
