// gyrate-ocs: parses its flags, starts the OCS, prints one line when it listens, reloads the
// catalog on SIGHUP and stops cleanly on SIGTERM or SIGINT.
#include <signal.h>

#include <cstdio>
#include <string>
#include <vector>

#include "gyrate/ocs/ocs.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = gyrate::ocs::parse_ocs_args(args);
  if (!parsed) {
    std::fprintf(stderr, "gyrate-ocs: %s\n", parsed.status().message().c_str());
    return 2;
  }
  if (parsed->help) {
    std::fputs(gyrate::ocs::ocs_usage().c_str(), stdout);
    return 0;
  }
  // Blocked before any thread starts, so every thread inherits the mask and sigwait gets them.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto log = [](const std::string& line) { std::fprintf(stderr, "gyrate-ocs: %s\n", line.c_str()); };
  auto ocs = gyrate::ocs::Ocs::start(parsed->options, log);
  if (!ocs) {
    std::fprintf(stderr, "gyrate-ocs: %s\n", ocs.status().to_string().c_str());
    return 1;
  }
  std::printf("gyrate-ocs listening on %s:%u%s\n", parsed->options.gy.loopback_only ? "127.0.0.1" : "0.0.0.0",
              (*ocs)->gy_port(), parsed->options.gy.tls ? " (tls)" : "");
  if ((*ocs)->admin_port() != 0) {
    std::printf("gyrate-ocs admin on http://%s:%u\n", parsed->options.admin_address.c_str(),
                (*ocs)->admin_port());
  }
  std::fflush(stdout);
  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      (void)(*ocs)->reload_catalog();  // logged either way; a bad catalog leaves the running one
      continue;
    }
    break;
  }
  (*ocs)->stop();
  std::fprintf(stderr, "gyrate-ocs: stopped\n");
  return 0;
}
