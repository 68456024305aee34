// The evaluator choice for tools and the engine: the JIT by default, the reference interpreter on
// request or, with a warning, when the JIT cannot compile the catalog.
#include "gyrate/jit/jit.hpp"
#include "gyrate/ruleslang/interpreter.hpp"

namespace gyrate::jit {

bool parse_evaluator_kind(std::string_view text, EvaluatorKind* out) {
  if (text == "jit") {
    *out = EvaluatorKind::kJit;
  } else if (text == "interp") {
    *out = EvaluatorKind::kInterp;
  } else {
    return false;
  }
  return true;
}

EvaluatorChoice make_evaluator(const lang::ir::Program& program,
                               const lang::ExtensionRegistry* extensions, EvaluatorKind kind,
                               const JitOptions& options) {
  EvaluatorChoice choice;
  if (kind == EvaluatorKind::kJit) {
    auto jit = JitCatalog::create(program, extensions, options);
    if (jit) {
      for (const std::string& w : (*jit)->stats().warnings) {
        choice.warning += (choice.warning.empty() ? "" : "\n") + w;
      }
      choice.evaluator = std::move(*jit);
      return choice;
    }
    choice.warning = "JIT unavailable (" + jit.status().message() + "); using the interpreter";
  }
  choice.evaluator = std::make_unique<lang::Interpreter>(program, extensions);
  return choice;
}

}  // namespace gyrate::jit
