#include "tests/support/hubd_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace hub {
namespace testing_support {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int FindLoggedPort(const std::string& log, const std::string& msg) {
  size_t at = log.find("\"msg\":\"" + msg + "\"");
  if (at == std::string::npos) return 0;
  size_t p = log.find("\"port\":\"", at);
  if (p == std::string::npos) return 0;
  p += 8;
  int port = 0;
  return absl::SimpleAtoi(log.substr(p, log.find('"', p) - p), &port) ? port : 0;
}

absl::StatusOr<std::unique_ptr<HubdProcess>> HubdProcess::Start(
    const std::string& binary, const std::vector<std::string>& args,
    const std::string& work_dir) {
  std::unique_ptr<HubdProcess> p(new HubdProcess());
  static int counter = 0;
  std::string tag = absl::StrCat(getpid(), "-", counter++);
  p->out_path_ = absl::StrCat(work_dir, "/hubd-", tag, ".out");
  p->err_path_ = absl::StrCat(work_dir, "/hubd-", tag, ".err");
  std::vector<std::string> argv_s = {binary};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  argv_s.push_back("--listen");
  argv_s.push_back("127.0.0.1:0");
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    int out = open(p->out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(p->err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    if (chdir(work_dir.c_str()) != 0) _exit(126);
    std::vector<char*> argv;
    for (std::string& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  p->pid_ = pid;
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline) {
    p->port_ = FindLoggedPort(ReadFile(p->err_path_), "listening");
    if (p->port_ != 0) return p;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      p->pid_ = -1;
      return absl::InternalError(
          absl::StrCat("hubd exited before listening: ", ReadFile(p->err_path_)));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError("hubd did not start listening within 30 s");
}

HubdProcess::~HubdProcess() {
  if (pid_ > 0) Stop(SIGKILL, 5);
}

std::string HubdProcess::Stdout() const { return ReadFile(out_path_); }
std::string HubdProcess::Stderr() const { return ReadFile(err_path_); }

int HubdProcess::Stop(int signal, int timeout_s) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  absl::Time deadline = absl::Now() + absl::Seconds(timeout_s);
  while (absl::Now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  return -1;
}

int RunShell(const std::string& cmd, std::string* out) {
  FILE* f = popen(cmd.c_str(), "r");
  if (f == nullptr) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) out->append(buf, n);
  const int status = pclose(f);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace testing_support
}  // namespace hub
