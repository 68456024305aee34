// `gyratec compile FILE... [--cache DIR]`: JIT-compiles catalogs eagerly and fills the object
// cache, printing what each compile cost and whether the cache was hit.
#include <cstdio>

#include "driver.hpp"
#include "gyrate/jit/jit.hpp"

namespace gyrate::tools {

int cmd_compile(const Options& opts) {
  if (opts.files.empty()) {
    std::fputs("gyratec: compile needs at least one FILE\n", stderr);
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
    auto program = load_program(*source, registry);
    if (!program) {
      if (status == kExitClean) status = kExitDiagnostics;
      continue;
    }
    jit::JitOptions jopts;
    jopts.opt_level = opts.opt_level;
    jopts.cache_dir = opts.cache_dir;
    auto catalog = jit::JitCatalog::create(*program, &registry, jopts);
    if (!catalog) {
      std::fprintf(stderr, "gyratec: %s: JIT failed: %s\n", path.c_str(),
                   catalog.status().message().c_str());
      status = kExitUsage;
      continue;
    }
    const jit::CompileStats& st = (*catalog)->stats();
    for (const auto& w : st.warnings) std::fprintf(stderr, "gyratec: warning: %s\n", w.c_str());
    std::printf("%s: %zu blocks, %zu bytes of code, %.2f ms (%s%s)\n", path.c_str(),
                (*catalog)->block_count(), st.object_bytes, st.total_ms,
                st.cache_hit ? "cache hit" : "compiled",
                st.cache_written ? ", cached" : (opts.cache_dir.empty() ? ", no cache dir" : ""));
  }
  return status;
}

}  // namespace gyrate::tools
