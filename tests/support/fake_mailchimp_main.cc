// fake-mailchimp: serves a hub-sample world's mailchimp/ folder as the
// Mailchimp API on loopback, for trying a mailchimp_api source by hand:
//   fake-mailchimp WORLD/mailchimp [PAGE_SIZE]
// prints the base_url, then serves until interrupted. Credentials: Basic
// with any user name and password "mc-test-key-us21", or Bearer
// "mc-test-key-us21".
#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>

#include "tests/support/fake_mailchimp_server.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::cerr << "usage: fake-mailchimp MAILCHIMP_DIR [PAGE_SIZE]\n";
    return 2;
  }
  hub::testing_support::FakeMailchimpOptions options;
  if (argc == 3) options.page_size = std::atoi(argv[2]);
  if (options.page_size < 1) {
    std::cerr << "PAGE_SIZE must be a positive number\n";
    return 2;
  }
  // Blocked before the server's threads start, so that they inherit it and
  // sigwait below receives the signal.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto server =
      hub::testing_support::FakeMailchimpServer::Start(argv[1], options);
  if (!server.ok()) {
    std::cerr << server.status() << "\n";
    return 1;
  }
  std::cout << (*server)->base_url() << std::endl;
  int signal = 0;
  sigwait(&signals, &signal);
  return 0;
}
