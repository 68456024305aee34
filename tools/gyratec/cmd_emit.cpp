// `gyratec --emit=ast|ir|llvm FILE`: prints one stage of the pipeline, for golden tests.
#include <cstdio>

#include "driver.hpp"
#include "gyrate/ruleslang/dump.hpp"
#include "gyrate/ruleslang/parser.hpp"
#include "gyrate/jit/jit.hpp"

namespace gyrate::tools {

int cmd_emit(const Options& opts) {
  if (opts.emit.empty() || opts.files.size() != 1) {
    std::fputs("gyratec: --emit=ast|ir|llvm takes exactly one FILE\n", stderr);
    return kExitUsage;
  }
  if (opts.emit == "ast") {
    auto source = lang::read_source_file(opts.files[0], lang::kMaxSourceBytes + 1);
    if (!source) {
      std::fprintf(stderr, "gyratec: %s\n", source.status().message().c_str());
      return kExitUsage;
    }
    lang::Diagnostics diags;
    auto file = lang::parse(*source, diags);
    if (!diags.items().empty()) std::fputs(lang::render_all(diags, *source).c_str(), stderr);
    if (!file) return kExitDiagnostics;
    std::fputs(lang::dump_ast(*file, *source).c_str(), stdout);
    return kExitClean;
  }
  lang::ExtensionRegistry registry;
  if (!load_extensions(opts, registry)) return kExitUsage;
  int exit_code = kExitClean;
  auto program = check_file(opts.files[0], registry, &exit_code);
  if (!program) return exit_code;
  if (opts.emit == "ir") {
    std::fputs(lang::dump_ir(*program).c_str(), stdout);
    return kExitClean;
  }
  jit::JitOptions jopts;
  jopts.opt_level = opts.opt_level;
  auto text = jit::emit_llvm(*program, &registry, jopts);
  if (!text) {
    std::fprintf(stderr, "gyratec: %s\n", text.status().message().c_str());
    return kExitUsage;
  }
  std::fputs(text->c_str(), stdout);
  return kExitClean;
}

}  // namespace gyrate::tools
