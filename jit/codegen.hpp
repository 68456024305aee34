// The code generator's entry: checked IR -> one LLVM module with a native function per block.
#pragma once

#include "gyrate/ruleslang/ir.hpp"
#include "gyrate/base/status.hpp"

namespace llvm {
class LLVMContext;
class Module;
}  // namespace llvm

namespace gyrate::jit::detail {

// Adds `uint64_t gyrate_block_N(const int64_t* ctx, int64_t* values, lang::Decision* out)` for
// blocks [first_block, end_block) to `module` (whose data layout is already set): the semantics
// of Interpreter::evaluate_block (ir.hpp), then, unless a function faulted, those of
// decide_values() on its values (lang::native::BlockFn, decision_codegen.hpp). The program must have passed validate_program. The module
// is verified; a verifier failure is a Status (a codegen bug).
Status generate_blocks(const lang::ir::Program& program, llvm::Module& module,
                       uint32_t first_block, uint32_t end_block);
// The second step, after the optimization pipeline: the decisions those blocks call, expanded in
// place (decision_codegen.hpp). The module is verified again.
Status generate_decisions(const lang::ir::Program& program, llvm::Module& module,
                          uint32_t first_block, uint32_t end_block);

}  // namespace gyrate::jit::detail
