// hubctl: the admin CLI of Hub, a pure gRPC client. main() only wires the
// process (argv, stdio, whether stderr is a terminal) to RunCli.
//
// Exit codes (also in `hubctl --help`; see exit_codes.h):
//   0 OK; 1 internal/unknown/other; 2 usage error; 3 NOT_FOUND;
//   4 INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, ALREADY_EXISTS;
//   5 UNAUTHENTICATED, PERMISSION_DENIED; 6 UNAVAILABLE, DEADLINE_EXCEEDED,
//   health NOT_SERVING; 7 sync job finished FAILED (sync run --wait).
#include <sys/ioctl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tools/hubctl/cli.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  hubctl::CliEnvironment env;
  env.err_is_tty = isatty(STDERR_FILENO) == 1;
  struct winsize size = {};
  if (env.err_is_tty && ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0) {
    env.err_columns = size.ws_col;
  }
  return hubctl::RunCli(args, env);
}
