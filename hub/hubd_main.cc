// hubd: the Hub daemon. main() only wires flags -> config -> Server -> Wait.
#include <signal.h>

#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "hub/config.h"
#include "hub/log.h"
#include "hub/server.h"

namespace {

// Blocks SIGTERM and SIGINT in every thread (call before any thread starts)
// and returns the set, for a watcher thread to sigwait on.
sigset_t BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"hubd: the Hub customer-data hub daemon"};
  std::string config_path, listen, db;
  app.add_option("--config", config_path, "textproto hub.v1.HubConfig file");
  app.add_option("--listen", listen, "listen address (overrides config), e.g. 127.0.0.1:0");
  app.add_option("--db", db, "SQLite database file (overrides config)");
  CLI11_PARSE(app, argc, argv);
  // Abseil's mutex deadlock detection (on unless abseil was built with
  // NDEBUG) records every lock in a global graph: a cost on every call's
  // hot path. Lock order is fixed by design here and checked in tests.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  absl::StatusOr<hub::v1::HubConfig> config =
      config_path.empty() ? hub::DefaultConfig() : hub::LoadConfig(config_path);
  if (!config.ok()) {
    std::cerr << "hubd: " << config.status().message() << "\n";
    return 2;
  }
  if (!listen.empty()) config->set_listen_address(listen);
  if (!db.empty()) config->set_db_path(db);

  sigset_t signals = BlockShutdownSignals();
  absl::StatusOr<std::unique_ptr<hub::Server>> server =
      hub::Server::Create(hub::ServerOptions{*config});
  if (!server.ok()) {
    std::cerr << "hubd: " << server.status().ToString() << "\n";
    return 1;
  }
  hub::LogJson("info", "listening",
               {{"address", config->listen_address()},
                {"port", absl::StrCat((*server)->port())},
                {"db", config->db_path()},
                {"tls", !config->has_tls()                       ? "off"
                        : config->tls().client_ca_file().empty() ? "on"
                                                                 : "mutual"}});
  std::thread watcher([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    hub::LogJson("info", "signal", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    (*server)->Shutdown();
  });
  (*server)->Wait();
  // Wait returns once Shutdown ran (from the watcher): join it. If Wait
  // returned for another reason, wake the watcher so it can finish.
  pthread_kill(watcher.native_handle(), SIGTERM);
  watcher.join();
  return 0;
}
