// `gyratec compile FILE... [--cache DIR]`: JIT-compiles catalogs eagerly and fills the object
// cache, printing what each compile cost and whether the cache was hit.
#include <cstdio>

#include "driver.hpp"
#include "gyrate/jit/jit.hpp"

namespace gyrate::tools {

int cmd_compile(const Options& opts) {
  jit::JitOptions jopts;
  jopts.opt_level = opts.opt_level;
  jopts.cache_dir = opts.cache_dir;
  return for_each_program(opts, "compile", [&](const std::string& path,
                                               const lang::ir::Program& program,
                                               const lang::ExtensionRegistry& registry) {
    auto catalog = jit::JitCatalog::create(program, &registry, jopts);
    if (!catalog) {
      std::fprintf(stderr, "gyratec: %s: JIT failed: %s\n", path.c_str(),
                   catalog.status().message().c_str());
      return kExitUsage;
    }
    const jit::CompileStats& st = (*catalog)->stats();
    for (const auto& w : st.warnings) std::fprintf(stderr, "gyratec: warning: %s\n", w.c_str());
    std::printf("%s: %zu blocks, %zu bytes of code, %.2f ms (%s%s)\n", path.c_str(),
                (*catalog)->block_count(), st.object_bytes, st.total_ms,
                st.cache_hit ? "cache hit" : "compiled",
                st.cache_written ? ", cached" : (opts.cache_dir.empty() ? ", no cache dir" : ""));
    return kExitClean;
  });
}

}  // namespace gyrate::tools
