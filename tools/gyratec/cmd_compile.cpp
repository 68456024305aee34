// `gyratec compile FILE... [--cache DIR]`: JIT-compiles catalogs eagerly and fills the object
// cache, printing what each compile cost and whether the cache was hit.
#include <cstdio>

#include "driver.hpp"

namespace gyrate::tools {

int cmd_compile(const Options& opts) {
  if (opts.files.empty()) {
    std::fputs("gyratec: compile needs at least one FILE\n", stderr);
    return kExitUsage;
  }
  if (opts.evaluator != "jit") {
    std::fputs("gyratec: compile is for the JIT; --evaluator interp compiles nothing\n", stderr);
    return kExitUsage;
  }
  lang::ExtensionRegistry registry;
  if (!load_extensions(opts, registry)) return kExitUsage;
  int status = kExitClean;
  for (const auto& path : opts.files) {
    int result = kExitClean;
    auto catalog = open_catalog(path, registry, opts, &result);
    const jit::CompileStats* st = catalog ? catalog->compile_stats() : nullptr;
    if (catalog && st == nullptr) {
      std::fprintf(stderr, "gyratec: %s: the JIT could not compile it (see the warning)\n",
                   path.c_str());
      result = kExitUsage;
    }
    if (st != nullptr) {
      std::printf("%s: %zu blocks, %zu bytes of code, %.2f ms (%s%s)\n", path.c_str(),
                  catalog->program().blocks.size(), st->object_bytes, st->total_ms,
                  st->cache_hit ? "cache hit" : "compiled",
                  st->cache_written ? ", cached" : (opts.cache_dir.empty() ? ", no cache dir" : ""));
    }
    if (result == kExitUsage || (result == kExitDiagnostics && status == kExitClean)) status = result;
  }
  return status;
}

}  // namespace gyrate::tools
