// `gyratec check FILE...`: diagnostics for every file; exit 0 clean, 1 diagnostics, 2 usage/I/O.
#include <cstdio>

#include "driver.hpp"

namespace gyrate::tools {

int cmd_check(const Options& opts) {
  if (opts.files.empty()) {
    std::fputs("gyratec: check needs at least one FILE\n", stderr);
    return kExitUsage;
  }
  lang::ExtensionRegistry registry;
  if (!load_extensions(opts, registry)) return kExitUsage;
  int status = kExitClean;
  for (const auto& path : opts.files) {
    auto source = read_source(path);
    if (!source) {
      status = kExitUsage;
      continue;
    }
    if (!load_program(*source, registry) && status == kExitClean) status = kExitDiagnostics;
  }
  return status;
}

}  // namespace gyrate::tools
