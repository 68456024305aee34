// Code generation: checked IR -> LLVM IR, one native function per block with the interpreter's
// exact semantics (checked int64 arithmetic, round half away from zero, faults end the block),
// ending in the block's decision (decision_codegen.cpp).
#include "codegen.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "decision_codegen.hpp"
#include "internal.hpp"

#include <llvm/IR/BasicBlock.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

namespace gyrate::jit::detail {
namespace {

using lang::ir::EvalStatus;
using lang::ir::ExprId;
using lang::ir::Node;
using lang::ir::OpCode;
using lang::ir::Program;

// Context slots, values and scratch are int64 arrays.
const llvm::Align kAlign(8);

class BlockEmitter {
 public:
  BlockEmitter(const Program& program, llvm::Module& module)
      : program_(program),
        module_(module),
        ctx_(module.getContext()),
        b_(ctx_),
        i64_(llvm::Type::getInt64Ty(ctx_)),
        i32_(llvm::Type::getInt32Ty(ctx_)),
        ptr_(llvm::PointerType::getUnqual(ctx_)),
        unlikely_(llvm::MDBuilder(ctx_).createBranchWeights(1, 1u << 20)) {
    rt_mul_scaled_ = declare_helper(kRtMulScaled);
    rt_div_scaled_ = declare_helper(kRtDivScaled);
  }

  void emit_block(uint32_t index) {
    const lang::ir::Block& block = program_.blocks[index];
    auto* type = llvm::FunctionType::get(i64_, {ptr_, ptr_, ptr_}, false);
    fn_ = llvm::Function::Create(type, llvm::Function::ExternalLinkage, block_symbol(index),
                                 module_);
    fn_->addFnAttr(llvm::Attribute::NoUnwind);
    for (unsigned a = 0; a < 3; ++a) {
      fn_->addParamAttr(a, llvm::Attribute::NoAlias);
      fn_->addParamAttr(a, llvm::Attribute::NoCapture);
    }
    fn_->addParamAttr(0, llvm::Attribute::ReadOnly);
    ctx_arg_ = fn_->getArg(0);
    values_arg_ = fn_->getArg(1);
    llvm::Value* out = fn_->getArg(2);
    ctx_arg_->setName("ctx");
    values_arg_->setName("values");
    out->setName("out");

    // Allocas live in the entry block (so mem2reg promotes them); it branches on at the end.
    entry_ = llvm::BasicBlock::Create(ctx_, "entry", fn_);
    b_.SetInsertPoint(entry_);
    matched_ = b_.CreateAlloca(i64_, nullptr, "matched");
    scratch_ = b_.CreateAlloca(i64_, nullptr, "scratch");
    b_.CreateStore(b_.getInt64(0), matched_);
    // Each function's value also lives in a local (a register after mem2reg), zero until it
    // matches, for the decision, which must never read an undefined value.
    locals_type_ = llvm::ArrayType::get(i64_, std::max<size_t>(block.functions.size(), 1));
    locals_ = b_.CreateAlloca(locals_type_, nullptr, "locals");
    for (size_t i = 0; i < block.functions.size(); ++i) b_.CreateStore(b_.getInt64(0), local(i));

    llvm::BasicBlock* next = llvm::BasicBlock::Create(ctx_, "fn0", fn_);
    llvm::BasicBlock* first = next;
    for (size_t i = 0; i < block.functions.size(); ++i) {
      function_index_ = static_cast<uint32_t>(i);
      fault_bb_ = nullptr;
      fault_status_ = nullptr;
      llvm::BasicBlock* start = next;
      next = llvm::BasicBlock::Create(ctx_, "fn" + std::to_string(i + 1), fn_);
      nomatch_bb_ = next;
      b_.SetInsertPoint(start);
      llvm::Value* v = emit(block.functions[i].body);
      b_.CreateAlignedStore(v, b_.CreateConstInBoundsGEP1_64(i64_, values_arg_, i), kAlign);
      b_.CreateAlignedStore(v, local(i), kAlign);
      llvm::Value* m = b_.CreateLoad(i64_, matched_);
      b_.CreateStore(b_.CreateOr(m, b_.getInt64(uint64_t{1} << i)), matched_);
      b_.CreateBr(next);
    }
    // Every function ran without a fault: the decision, and its action code beside the bits.
    b_.SetInsertPoint(next);
    llvm::Value* matched = b_.CreateLoad(i64_, matched_);
    std::vector<llvm::Value*> args = {ctx_arg_, out, matched};
    for (size_t i = 0; i < block.functions.size(); ++i) {
      args.push_back(b_.CreateAlignedLoad(i64_, local(i), kAlign));
    }
    llvm::Value* action = b_.CreateCall(declare_decision(program_, index, module_), args);
    llvm::Value* action_bits = b_.CreateShl(b_.CreateAdd(action, b_.getInt64(1)), kActionShift);
    b_.CreateRet(b_.CreateOr(matched, action_bits));

    b_.SetInsertPoint(entry_);
    b_.CreateBr(first);
  }

 private:
  llvm::Value* local(size_t i) { return b_.CreateConstInBoundsGEP2_64(locals_type_, locals_, 0, i); }

  llvm::Function* declare_helper(const char* name) {
    auto* type = llvm::FunctionType::get(i32_, {i64_, i64_, i64_, ptr_}, false);
    auto* f = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, module_);
    f->addFnAttr(llvm::Attribute::NoUnwind);
    return f;
  }

  llvm::Function* extension_decl(uint32_t index) {
    std::string name = extension_symbol(index);
    if (llvm::Function* f = module_.getFunction(name)) return f;
    auto* type = llvm::FunctionType::get(i32_, {ptr_, ptr_}, false);
    auto* f = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, module_);
    f->addFnAttr(llvm::Attribute::NoUnwind);
    return f;
  }

  llvm::BasicBlock* new_block(const char* name) {
    return llvm::BasicBlock::Create(ctx_, name, fn_);
  }

  llvm::AllocaInst* entry_alloca(llvm::Type* type, const char* name) {
    llvm::IRBuilder<> eb(entry_, entry_->begin());
    return eb.CreateAlloca(type, nullptr, name);
  }

  // Leaves the current function with `status` (an i32) when `cond` holds; the block result keeps
  // the bits matched so far and names this function as the one that failed.
  void fault_if(llvm::Value* cond, llvm::Value* status) {
    if (fault_bb_ == nullptr) {
      llvm::BasicBlock* here = b_.GetInsertBlock();
      fault_bb_ = new_block("fault");
      b_.SetInsertPoint(fault_bb_);
      fault_status_ = b_.CreatePHI(i32_, 2, "status");
      llvm::Value* m = b_.CreateLoad(i64_, matched_);
      llvm::Value* st = b_.CreateShl(b_.CreateZExt(fault_status_, i64_), kStatusShift);
      uint64_t failed = uint64_t{function_index_} << kFailedShift | kNotDecided;
      b_.CreateRet(b_.CreateOr(b_.CreateOr(m, st), b_.getInt64(failed)));
      b_.SetInsertPoint(here);
    }
    llvm::BasicBlock* cont = new_block("ok");
    fault_status_->addIncoming(status, b_.GetInsertBlock());
    b_.CreateCondBr(cond, fault_bb_, cont, unlikely_);
    b_.SetInsertPoint(cont);
  }
  void fault_if(llvm::Value* cond, EvalStatus status) {
    fault_if(cond, b_.getInt32(static_cast<uint32_t>(status)));
  }

  // An intrinsic *.with.overflow: the result, faulting with kOverflow on overflow.
  llvm::Value* checked(llvm::Intrinsic::ID id, llvm::Value* a, llvm::Value* b) {
    llvm::Value* pair = b_.CreateBinaryIntrinsic(id, a, b);
    fault_if(b_.CreateExtractValue(pair, 1), EvalStatus::kOverflow);
    return b_.CreateExtractValue(pair, 0);
  }

  // round-half-away-from-zero of n / d, for d != 0 and not (n == INT64_MIN and d == -1):
  // the same steps as arith::round_div, in 64 bits (|r| < |d| so nothing here overflows).
  llvm::Value* round_div(llvm::Value* n, llvm::Value* d) {
    llvm::Value* q = b_.CreateSDiv(n, d);
    llvm::Value* r = b_.CreateSRem(n, d);
    llvm::Value* zero = b_.getInt64(0);
    llvm::Value* abs_r = b_.CreateSelect(b_.CreateICmpSLT(r, zero), b_.CreateSub(zero, r), r);
    llvm::Value* abs_d = b_.CreateSelect(b_.CreateICmpSLT(d, zero), b_.CreateSub(zero, d), d);
    llvm::Value* half_or_more = b_.CreateICmpUGE(abs_r, b_.CreateSub(abs_d, abs_r));
    llvm::Value* away = b_.CreateAnd(b_.CreateICmpNE(r, zero), half_or_more);
    llvm::Value* same_sign = b_.CreateICmpEQ(b_.CreateICmpSLT(n, zero), b_.CreateICmpSLT(d, zero));
    llvm::Value* step = b_.CreateSelect(same_sign, b_.getInt64(1), b_.getInt64(-1));
    return b_.CreateSelect(away, b_.CreateAdd(q, step), q);
  }

  // The exact 128-bit path of a scaled operation through the runtime helper (arith:: itself).
  llvm::Value* call_helper(llvm::Function* helper, llvm::Value* a, llvm::Value* b,
                           llvm::Value* c) {
    llvm::Value* st = b_.CreateCall(helper, {a, b, c, scratch_});
    fault_if(b_.CreateICmpNE(st, b_.getInt32(0)), st);
    return b_.CreateAlignedLoad(i64_, scratch_, kAlign);
  }

  // `fast` computes the result when the 64-bit product did not overflow; otherwise the helper.
  template <typename Fast>
  llvm::Value* scaled(llvm::Value* x, llvm::Value* y, llvm::Function* helper, llvm::Value* ha,
                      llvm::Value* hb, llvm::Value* hc, Fast fast) {
    llvm::Value* pair = b_.CreateBinaryIntrinsic(llvm::Intrinsic::smul_with_overflow, x, y);
    return branch(
        b_.CreateExtractValue(pair, 1), [&] { return call_helper(helper, ha, hb, hc); },
        [&] { return fast(b_.CreateExtractValue(pair, 0)); }, unlikely_);
  }

  // Faults kDivByZero / kOverflow like arith::div, then rounds.
  llvm::Value* checked_div(llvm::Value* n, llvm::Value* d) {
    fault_if(b_.CreateICmpEQ(d, b_.getInt64(0)), EvalStatus::kDivByZero);
    llvm::Value* min_by_neg1 =
        b_.CreateAnd(b_.CreateICmpEQ(n, b_.getInt64(INT64_MIN)), b_.CreateICmpEQ(d, b_.getInt64(-1)));
    fault_if(min_by_neg1, EvalStatus::kOverflow);
    return round_div(n, d);
  }

  llvm::Value* bool_value(llvm::Value* i1) { return b_.CreateZExt(i1, i64_); }

  // A lazy two-way choice: evaluates `cond`, then only the chosen side. `weights` marks a side
  // as unlikely (the 128-bit path of scaled()).
  template <typename Then, typename Else>
  llvm::Value* branch(llvm::Value* cond, Then then_fn, Else else_fn,
                      llvm::MDNode* weights = nullptr) {
    llvm::BasicBlock* then_bb = new_block("then");
    llvm::BasicBlock* else_bb = new_block("else");
    llvm::BasicBlock* join = new_block("join");
    b_.CreateCondBr(cond, then_bb, else_bb, weights);
    b_.SetInsertPoint(then_bb);
    llvm::Value* tv = then_fn();
    llvm::BasicBlock* then_end = b_.GetInsertBlock();
    b_.CreateBr(join);
    b_.SetInsertPoint(else_bb);
    llvm::Value* ev = else_fn();
    llvm::BasicBlock* else_end = b_.GetInsertBlock();
    b_.CreateBr(join);
    b_.SetInsertPoint(join);
    llvm::PHINode* phi = b_.CreatePHI(i64_, 2);
    phi->addIncoming(tv, then_end);
    phi->addIncoming(ev, else_end);
    return phi;
  }

  llvm::Value* is_true(llvm::Value* v) { return b_.CreateICmpNE(v, b_.getInt64(0)); }

  llvm::Value* emit(ExprId id) {
    const Node& n = program_.nodes[id];
    auto arg = [&](size_t i) { return emit(n.args[i]); };
    switch (n.op) {
      case OpCode::kConst: return b_.getInt64(static_cast<uint64_t>(n.imm));
      case OpCode::kLoad: {
        llvm::Value* p = b_.CreateConstInBoundsGEP1_64(i64_, ctx_arg_, static_cast<uint64_t>(n.imm));
        return b_.CreateAlignedLoad(i64_, p, kAlign);
      }
      case OpCode::kAdd: { auto* a = arg(0); auto* c = arg(1); return checked(llvm::Intrinsic::sadd_with_overflow, a, c); }
      case OpCode::kSub: { auto* a = arg(0); auto* c = arg(1); return checked(llvm::Intrinsic::ssub_with_overflow, a, c); }
      case OpCode::kMul: { auto* a = arg(0); auto* c = arg(1); return checked(llvm::Intrinsic::smul_with_overflow, a, c); }
      case OpCode::kNeg: {
        llvm::Value* a = arg(0);
        fault_if(b_.CreateICmpEQ(a, b_.getInt64(INT64_MIN)), EvalStatus::kOverflow);
        return b_.CreateNeg(a);
      }
      case OpCode::kDiv: { auto* a = arg(0); auto* c = arg(1); return checked_div(a, c); }
      case OpCode::kMulScaled: return emit_mul_scaled(n);
      case OpCode::kDivScaled: return emit_div_scaled(n);
      case OpCode::kEq: case OpCode::kNe: case OpCode::kLt:
      case OpCode::kLe: case OpCode::kGt: case OpCode::kGe: {
        llvm::Value* a = arg(0);
        llvm::Value* c = arg(1);
        return bool_value(b_.CreateICmp(predicate(n.op), a, c));
      }
      case OpCode::kAnd:
      case OpCode::kOr: {
        // Decided by the left operand when it is false (and) or true (or): the right is skipped.
        bool is_or = n.op == OpCode::kOr;
        llvm::Value* lhs = is_true(arg(0));
        auto rhs = [&] { return bool_value(is_true(arg(1))); };
        auto decided = [&] { return b_.getInt64(is_or ? 1 : 0); };
        return is_or ? branch(lhs, decided, rhs) : branch(lhs, rhs, decided);
      }
      case OpCode::kNot: return b_.CreateSub(b_.getInt64(1), arg(0));
      case OpCode::kIf:
        return branch(is_true(arg(0)), [&] { return arg(1); }, [&] { return arg(2); });
      case OpCode::kMin:
      case OpCode::kMax: {
        // All arguments are evaluated first (a fault in any ends the function), then folded.
        std::vector<llvm::Value*> vs;
        for (size_t i = 0; i < n.args.size(); ++i) vs.push_back(arg(i));
        llvm::Value* acc = vs[0];
        for (size_t i = 1; i < vs.size(); ++i) {
          llvm::Value* better = n.op == OpCode::kMin ? b_.CreateICmpSLT(vs[i], acc)
                                                     : b_.CreateICmpSGT(vs[i], acc);
          acc = b_.CreateSelect(better, vs[i], acc);
        }
        return acc;
      }
      case OpCode::kInSet: {
        llvm::Value* x = arg(0);
        llvm::Value* any = b_.getFalse();
        for (uint32_t i = 0; i < n.count; ++i) {
          int64_t v = program_.set_values[static_cast<size_t>(n.imm) + i];
          any = b_.CreateOr(any, b_.CreateICmpEQ(x, b_.getInt64(static_cast<uint64_t>(v))));
        }
        return bool_value(any);
      }
      case OpCode::kInRange: {
        llvm::Value* x = arg(0);
        llvm::Value* lo = arg(1);
        llvm::Value* hi = arg(2);
        return bool_value(b_.CreateAnd(b_.CreateICmpSLE(lo, x), b_.CreateICmpSLE(x, hi)));
      }
      case OpCode::kInRangeWrap: {
        llvm::Value* x = arg(0);
        llvm::Value* lo = arg(1);
        llvm::Value* hi = arg(2);
        llvm::Value* inside = b_.CreateAnd(b_.CreateICmpSLE(lo, x), b_.CreateICmpSLE(x, hi));
        llvm::Value* wrapped = b_.CreateOr(b_.CreateICmpSGE(x, lo), b_.CreateICmpSLE(x, hi));
        return bool_value(b_.CreateSelect(b_.CreateICmpSLE(lo, hi), inside, wrapped));
      }
      case OpCode::kCall: return emit_call(n);
      case OpCode::kNoMatch: {
        // Ends the function without a value; code after this point is unreachable.
        b_.CreateBr(nomatch_bb_);
        b_.SetInsertPoint(new_block("dead"));
        return b_.getInt64(0);
      }
    }
    return b_.getInt64(0);  // unreachable: validate_program rejects unknown opcodes
  }

  static llvm::CmpInst::Predicate predicate(OpCode op) {
    switch (op) {
      case OpCode::kEq: return llvm::CmpInst::ICMP_EQ;
      case OpCode::kNe: return llvm::CmpInst::ICMP_NE;
      case OpCode::kLt: return llvm::CmpInst::ICMP_SLT;
      case OpCode::kLe: return llvm::CmpInst::ICMP_SLE;
      case OpCode::kGt: return llvm::CmpInst::ICMP_SGT;
      default: return llvm::CmpInst::ICMP_SGE;
    }
  }

  llvm::Value* emit_mul_scaled(const Node& n) {
    llvm::Value* a = emit(n.args[0]);
    llvm::Value* c = emit(n.args[1]);
    llvm::Value* scale = b_.getInt64(static_cast<uint64_t>(n.imm));
    // Scales 0 and -1 have faults of their own: leave them to the exact helper.
    if (n.imm == 0 || n.imm == -1) return call_helper(rt_mul_scaled_, a, c, scale);
    return scaled(a, c, rt_mul_scaled_, a, c, scale,
                  [&](llvm::Value* product) { return round_div(product, scale); });
  }

  llvm::Value* emit_div_scaled(const Node& n) {
    llvm::Value* a = emit(n.args[0]);
    llvm::Value* d = emit(n.args[1]);
    llvm::Value* scale = b_.getInt64(static_cast<uint64_t>(n.imm));
    // arith::div_scaled checks the divisor before anything else.
    fault_if(b_.CreateICmpEQ(d, b_.getInt64(0)), EvalStatus::kDivByZero);
    return scaled(a, scale, rt_div_scaled_, a, scale, d,
                  [&](llvm::Value* product) { return checked_div(product, d); });
  }

  llvm::Value* emit_call(const Node& n) {
    auto* args = entry_alloca(llvm::ArrayType::get(i64_, n.args.empty() ? 1 : n.args.size()),
                              "ext_args");
    for (size_t i = 0; i < n.args.size(); ++i) {
      llvm::Value* v = emit(n.args[i]);
      b_.CreateAlignedStore(v, b_.CreateConstInBoundsGEP1_64(i64_, args, i), kAlign);
    }
    if (n.imm < 0 || static_cast<size_t>(n.imm) >= program_.extensions.size()) {
      // Like the interpreter: a call to an extension the program does not list faults.
      fault_if(b_.getTrue(), EvalStatus::kExtensionError);
      return b_.getInt64(0);
    }
    llvm::Function* f = extension_decl(static_cast<uint32_t>(n.imm));
    llvm::Value* st = b_.CreateCall(f, {args, scratch_});
    fault_if(b_.CreateICmpNE(st, b_.getInt32(0)), EvalStatus::kExtensionError);
    return b_.CreateAlignedLoad(i64_, scratch_, kAlign);
  }

  const Program& program_;
  llvm::Module& module_;
  llvm::LLVMContext& ctx_;
  llvm::IRBuilder<> b_;
  llvm::Type* i64_;
  llvm::Type* i32_;
  llvm::PointerType* ptr_;
  llvm::MDNode* unlikely_;
  llvm::Function* rt_mul_scaled_ = nullptr;
  llvm::Function* rt_div_scaled_ = nullptr;

  // Per block function.
  llvm::Function* fn_ = nullptr;
  llvm::Value* ctx_arg_ = nullptr;
  llvm::Value* values_arg_ = nullptr;
  llvm::ArrayType* locals_type_ = nullptr;
  llvm::Value* locals_ = nullptr;
  llvm::BasicBlock* entry_ = nullptr;
  llvm::AllocaInst* matched_ = nullptr;
  llvm::AllocaInst* scratch_ = nullptr;

  // Per IR function.
  uint32_t function_index_ = 0;
  llvm::BasicBlock* nomatch_bb_ = nullptr;
  llvm::BasicBlock* fault_bb_ = nullptr;
  llvm::PHINode* fault_status_ = nullptr;
};

Status verify(const llvm::Module& module) {
  std::string problems;
  llvm::raw_string_ostream os(problems);
  if (llvm::verifyModule(module, &os)) {
    os.flush();
    return Status::error(ErrorCode::kInternal, "generated LLVM IR does not verify (a JIT bug): " + problems);
  }
  return Status::ok();
}

}  // namespace

Status generate_blocks(const Program& program, llvm::Module& module, uint32_t first_block,
                       uint32_t end_block) {
  BlockEmitter emitter(program, module);
  for (uint32_t i = first_block; i < end_block; ++i) emitter.emit_block(i);
  return verify(module);
}

Status generate_decisions(const Program& program, llvm::Module& module, uint32_t first_block,
                          uint32_t end_block) {
  for (uint32_t i = first_block; i < end_block; ++i) {
    llvm::Function* decl = module.getFunction(decision_symbol(i));
    // Gone when the pipeline proved that every path of the block faults before its decision.
    if (decl == nullptr) continue;
    if (!decl->isDeclaration()) {
      return Status::error(ErrorCode::kInternal, "block " + std::to_string(i) + " has two decisions (a JIT bug)");
    }
    expand_decision(program, i, decl);
  }
  return verify(module);
}

}  // namespace gyrate::jit::detail
