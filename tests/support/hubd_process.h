// HubdProcess: runs the real hubd binary on a loopback port for tests.
#ifndef HUB_TESTS_SUPPORT_HUBD_PROCESS_H_
#define HUB_TESTS_SUPPORT_HUBD_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace hub {
namespace testing_support {

// Starts `binary` with `args` plus "--listen 127.0.0.1:0", waits for its
// "listening" log line and reads the bound port from it. Its stdout and
// stderr are kept in files for inspection.
class HubdProcess {
 public:
  // Errors: INTERNAL if the process cannot start or exits before listening
  // (the message includes its stderr), DEADLINE_EXCEEDED after 30 s.
  static absl::StatusOr<std::unique_ptr<HubdProcess>> Start(
      const std::string& binary, const std::vector<std::string>& args,
      const std::string& work_dir);
  ~HubdProcess();  // SIGKILLs the process if it is still running

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  pid_t pid() const { return pid_; }
  std::string Stdout() const;
  std::string Stderr() const;

  // Sends `signal` and waits for the process; returns its exit status as
  // from waitpid (use WIFEXITED/WEXITSTATUS), or -1 after `timeout_s`.
  int Stop(int signal, int timeout_s = 20);

 private:
  HubdProcess() = default;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string out_path_, err_path_;
};

// Runs `cmd` with /bin/sh, appending its standard output to `*out`;
// returns its exit code (-1 if it did not exit normally).
int RunShell(const std::string& cmd, std::string* out);

// The "port" of the first JSON log line of hubd's whose "msg" is `msg`
// (e.g. "listening", "admin listening"); 0 if there is none yet.
int FindLoggedPort(const std::string& log, const std::string& msg);

}  // namespace testing_support
}  // namespace hub

#endif  // HUB_TESTS_SUPPORT_HUBD_PROCESS_H_
