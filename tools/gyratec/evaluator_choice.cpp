// Picks the evaluator for decisions (the JIT by default, the reference interpreter on request or
// when the JIT cannot compile the catalog, with a warning) and loads extension plugins.
#include <cstdio>

#include "driver.hpp"
#include "gyrate/jit/jit.hpp"
#include "gyrate/plugins/plugin_loader.hpp"

namespace gyrate::tools {

bool load_extensions(const Options& opts, lang::ExtensionRegistry& registry) {
  for (const auto& path : opts.plugins) {
    auto info = plugins::load_plugin(path, registry);
    if (!info) {
      std::fprintf(stderr, "gyratec: cannot load plugin %s: %s\n", path.c_str(),
                   info.status().message().c_str());
      return false;
    }
  }
  return true;
}

std::unique_ptr<lang::Evaluator> make_evaluator(const lang::ir::Program& program,
                                                const lang::ExtensionRegistry& registry,
                                                const Options& opts) {
  jit::EvaluatorKind kind = jit::EvaluatorKind::kJit;
  jit::parse_evaluator_kind(opts.evaluator, &kind);  // validated by parse_options
  jit::JitOptions jopts;
  jopts.opt_level = opts.opt_level;
  jopts.cache_dir = opts.cache_dir;
  jit::EvaluatorChoice choice = jit::make_evaluator(program, &registry, kind, jopts);
  if (!choice.warning.empty())
    std::fprintf(stderr, "gyratec: warning: %s\n", choice.warning.c_str());
  return std::move(choice.evaluator);
}

}  // namespace gyrate::tools
