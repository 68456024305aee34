// Picks the evaluator for decisions: the JIT by default, the reference interpreter on request or
// when the JIT cannot compile the catalog (with a warning, never silently).
#include <cstdio>

#include "driver.hpp"
#include "gyrate/ruleslang/interpreter.hpp"

namespace gyrate::tools {

bool load_extensions(const Options& opts, lang::ExtensionRegistry& registry) {
  (void)registry;
  if (opts.plugins.empty()) return true;
  std::fprintf(stderr, "gyratec: plugins are not supported by this build\n");
  return false;
}

std::unique_ptr<lang::Evaluator> make_evaluator(const lang::ir::Program& program,
                                                const lang::ExtensionRegistry& registry,
                                                const Options& opts) {
  if (opts.evaluator == "jit") {
    std::fprintf(stderr, "gyratec: warning: this build has no JIT; using the interpreter\n");
  }
  return std::make_unique<lang::Interpreter>(program, &registry);
}

}  // namespace gyrate::tools
