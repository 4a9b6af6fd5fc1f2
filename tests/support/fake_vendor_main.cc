// fake-vendor: serves a hub-sample world's folder as a vendor's API on
// loopback, for trying an API source by hand:
//   fake-vendor zendesk WORLD/zendesk [PAGE_SIZE]
//   fake-vendor mailchimp WORLD/mailchimp [PAGE_SIZE]
//   fake-vendor hubspot WORLD/salesforce [PAGE_SIZE]
// prints the base_url, then serves until interrupted. Credentials: Zendesk
// Basic "agent@hubsample.example/token:zd-test-token" or Bearer
// "zd-test-token"; Mailchimp Basic with any user name and password
// "mc-test-key-us21", or Bearer "mc-test-key-us21"; HubSpot Bearer
// "hs-test-token".
#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "tests/support/fake_hubspot_server.h"
#include "tests/support/fake_mailchimp_server.h"
#include "tests/support/fake_zendesk_server.h"

namespace {

// Starts the fake `Server` for `dir` with `page_size` items a page (0: its
// default) and serves until SIGINT or SIGTERM.
template <typename Server, typename Options>
int Serve(const char* dir, int page_size) {
  Options options;
  if (page_size > 0) options.page_size = page_size;
  // Blocked before the server's threads start, so that they inherit it and
  // sigwait below receives the signal.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto server = Server::Start(dir, options);
  if (!server.ok()) {
    std::cerr << server.status() << "\n";
    return 1;
  }
  std::cout << (*server)->base_url() << std::endl;
  int signal = 0;
  sigwait(&signals, &signal);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace hub::testing_support;
  const std::string vendor = argc >= 2 ? argv[1] : "";
  if (argc < 3 || argc > 4 ||
      (vendor != "zendesk" && vendor != "mailchimp" && vendor != "hubspot")) {
    std::cerr << "usage: fake-vendor zendesk|mailchimp|hubspot DIR [PAGE_SIZE]\n";
    return 2;
  }
  const int page_size = argc == 4 ? std::atoi(argv[3]) : 0;
  if (argc == 4 && page_size < 1) {
    std::cerr << "PAGE_SIZE must be a positive number\n";
    return 2;
  }
  if (vendor == "hubspot") {
    return Serve<FakeHubSpotServer, FakeHubSpotOptions>(argv[2], page_size);
  }
  return vendor == "zendesk" ? Serve<FakeZendeskServer, FakeZendeskOptions>(argv[2], page_size)
                             : Serve<FakeMailchimpServer, FakeMailchimpOptions>(argv[2], page_size);
}
