// The freeDiameter extension entry points: fd_ext_init reads the extension's configuration file
// (gyrate-ocs's `key = value` settings: catalog, store, subscribers, fsync, clock, tcc, admin...)
// and starts the OCS on the daemon's core; fd_ext_fini stops it (a checkpoint included).
#include <freeDiameter/freeDiameter-host.h>
#include <freeDiameter/extension.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "gyrate/ocs/ocs.hpp"

namespace {

std::unique_ptr<gyrate::ocs::Ocs> g_ocs;

void log_line(const std::string& line) { std::fprintf(stderr, "gyrate_gy: %s\n", line.c_str()); }

int start_ocs(char* conffile) {
  if (conffile == nullptr) {
    log_line("needs a configuration file: LoadExtension = \"gyrate_gy.fdx\" : \"ocs.conf\";");
    return EINVAL;
  }
  auto parsed = gyrate::ocs::parse_ocs_args({"--config", conffile});
  if (!parsed) {
    log_line(parsed.status().message());
    return EINVAL;
  }
  parsed->options.in_daemon = true;
  auto ocs = gyrate::ocs::Ocs::start(parsed->options, log_line);
  if (!ocs) {
    log_line(ocs.status().to_string());
    return EINVAL;
  }
  g_ocs = std::move(*ocs);
  log_line("serving Gy on the daemon's core");
  return 0;
}

}  // namespace

extern "C" {

static int gyrate_gy_entry(char* conffile) { return start_ocs(conffile); }

// Loaded after the dictionaries it needs when the configuration lists them first; the codec
// defines any AVP they lack, so none is required.
EXTENSION_ENTRY("gyrate_gy", gyrate_gy_entry)

void fd_ext_fini(void) {
  if (g_ocs) g_ocs->stop();
  g_ocs.reset();
}

}  // extern "C"
