// The reference interpreter: walks the checked IR. Slow and obviously right; the JIT must match it.
#pragma once

#include "gyrate/ruleslang/evaluator.hpp"
#include "gyrate/ruleslang/extensions.hpp"

namespace gyrate::lang {

class Interpreter final : public Evaluator {
 public:
  // `extensions` resolves Program::extensions by name; may be null when the program calls none.
  Interpreter(const ir::Program& program, const ExtensionRegistry* extensions = nullptr);
  // Thread-safe. Allocates nothing once the calling thread's evaluation stacks (kept between
  // calls, one set per thread) have grown to the program's deepest expression.
  BlockResult evaluate_block(uint32_t block, const int64_t* ctx) const override;
  const char* name() const override { return "interp"; }

  // One function alone (used by explain and tests). Returns the status; *value set on kOk.
  ir::EvalStatus evaluate_function(const ir::Function& f, const int64_t* ctx, int64_t* value) const;
  ir::EvalStatus evaluate_expr(ir::ExprId e, const int64_t* ctx, int64_t* value) const;

 private:
  const ir::Program& program_;
  std::vector<ExtensionFn> resolved_;  // by Program::extensions index
};

}  // namespace gyrate::lang
