// hubctl's command line: flags and noun-verb commands parsed with CLI11 and
// dispatched to the command functions. Exit codes: see exit_codes.h.
#ifndef HUB_TOOLS_HUBCTL_CLI_H_
#define HUB_TOOLS_HUBCTL_CLI_H_

#include <grpcpp/channel.h>

#include <cstddef>
#include <functional>
#include <iostream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hubctl {

// Makes the channel to a --server address.
using ChannelFactory =
    std::function<std::shared_ptr<grpc::ChannelInterface>(const std::string&)>;

// The process around the CLI, replaceable in tests. Streams are not owned.
struct CliEnvironment {
  // Data output (stdout); help text goes here too.
  std::ostream* out = &std::cout;
  // Messages, errors and progress (stderr).
  std::ostream* err = &std::cerr;
  // Whether `err` is a terminal.
  bool err_is_tty = false;
  // Width of that terminal in columns; 0 if unknown.
  size_t err_columns = 0;
  // Channel maker; null means DefaultChannel.
  ChannelFactory make_channel;
  // How often `sync run --wait` polls.
  absl::Duration poll_interval = absl::Milliseconds(200);
};

// How hubctl secures its channel: plaintext unless `tls` or a file is set.
struct TlsOptions {
  // TLS, verifying the server with the system's trusted CAs.
  bool tls = false;
  // PEM file of the CAs that verify the server instead (implies TLS).
  std::string ca_file;
  // PEM files of a client certificate and its key, for a hub that requires
  // client certificates (mutual TLS; implies TLS). Both or neither.
  std::string cert_file, key_file;
};

// A channel to `server` ("host:port"), plaintext or as `tls` says, that
// accepts responses of up to 64 MiB (long list pages). Errors:
// INVALID_ARGUMENT for a cert without key or the reverse, NOT_FOUND for an
// unreadable file.
absl::StatusOr<std::shared_ptr<grpc::ChannelInterface>> DefaultChannel(
    const std::string& server, const TlsOptions& tls = {});

// Parses `args` (the command line without the program name; HUB_SERVER,
// HUB_TOKEN, HUB_CA_FILE, HUB_CERT and HUB_KEY are read from the process
// environment), runs the command and
// returns the process exit code. Help requests print to env.out and return
// 0; parse errors print to env.err and return kExitUsage.
int RunCli(const std::vector<std::string>& args, const CliEnvironment& env);

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_CLI_H_
