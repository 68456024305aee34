// The generated form of lang::decide_values() for one block: the decision logic in LLVM IR, with
// the block's roles, actions and quota known at compile time, so that absent roles cost nothing.
//
// It is generated in two steps so that the optimization pipeline's cost follows the tariff's own
// code: a block function calls its decision while only a declaration exists; after the pipeline
// has run, the call is replaced by the decision's code, emitted already simplified (the values
// the pipeline found constant fold as it is written). Running the decisions through the full
// pipeline tripled its time on 1,000 plans (llvm_session.cpp).
#pragma once

#include <cstdint>

#include "gyrate/ruleslang/ir.hpp"

namespace llvm {
class Function;
class Module;
}  // namespace llvm

namespace gyrate::jit::detail {

// `int64_t gyrate_decision_N(const int64_t* ctx, lang::Decision* out, uint64_t matched,
// int64_t value_0, ...)`, one value per function of block N (0 where it did not match): stores
// every field decide_values() sets except final_action into *out and returns the action code
// that names final_action (lang::native::final_action).
llvm::Function* declare_decision(const lang::ir::Program& program, uint32_t block,
                                 llvm::Module& module);
// Replaces each call of that declaration with the decision's code, then the declaration itself.
void expand_decision(const lang::ir::Program& program, uint32_t block, llvm::Function* decl);

}  // namespace gyrate::jit::detail
