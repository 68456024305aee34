// `gyratec compile FILE... [--cache DIR]`: JIT-compiles catalogs and fills the object cache.
#include <cstdio>

#include "driver.hpp"

namespace gyrate::tools {

int cmd_compile(const Options& opts) {
  (void)opts;
  std::fputs("gyratec: this build has no JIT (compile)\n", stderr);
  return kExitUsage;
}

}  // namespace gyrate::tools
