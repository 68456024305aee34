// `gyratec check FILE...`: diagnostics for every file; exit 0 clean, 1 diagnostics, 2 usage/I/O.
#include "driver.hpp"

namespace gyrate::tools {

int cmd_check(const Options& opts) {
  return for_each_program(opts, "check", [](const std::string&, const lang::ir::Program&,
                                            const lang::ExtensionRegistry&) { return kExitClean; });
}

}  // namespace gyrate::tools
