// The reference interpreter: evaluates checked IR with an explicit operand stack, so that no IR
// depth can exhaust the native stack, and with exactly the semantics written in ir.hpp.
#include "gyrate/ruleslang/interpreter.hpp"

#include <algorithm>
#include <memory>
#include <vector>

#include "gyrate/ruleslang/arith.hpp"

namespace gyrate::lang {
namespace {

using ir::EvalStatus;
using ir::OpCode;

// One node being evaluated: `step` counts the operands already scheduled, `base` is the size of
// the value stack when the node started, so its operands are values[base ..].
struct Frame {
  ir::ExprId id;
  uint32_t step;
  size_t base;
};

EvalStatus compare(OpCode op, int64_t a, int64_t b, int64_t* out) {
  bool r = false;
  switch (op) {
    case OpCode::kEq: r = a == b; break;
    case OpCode::kNe: r = a != b; break;
    case OpCode::kLt: r = a < b; break;
    case OpCode::kLe: r = a <= b; break;
    case OpCode::kGt: r = a > b; break;
    default: r = a >= b; break;  // kGe
  }
  *out = r ? 1 : 0;
  return EvalStatus::kOk;
}

// Applies a node whose operands are all evaluated (everything but the lazy kAnd/kOr/kIf).
EvalStatus apply_strict(const ir::Program& program, const std::vector<ExtensionFn>& fns,
                        const ir::Node& n, const int64_t* a, int64_t* out) {
  switch (n.op) {
    case OpCode::kAdd: return arith::add(a[0], a[1], out);
    case OpCode::kSub: return arith::sub(a[0], a[1], out);
    case OpCode::kMul: return arith::mul(a[0], a[1], out);
    case OpCode::kNeg: return arith::neg(a[0], out);
    case OpCode::kDiv: return arith::div(a[0], a[1], out);
    case OpCode::kMulScaled: return arith::mul_scaled(a[0], a[1], n.imm, out);
    case OpCode::kDivScaled: return arith::div_scaled(a[0], n.imm, a[1], out);
    case OpCode::kEq: case OpCode::kNe: case OpCode::kLt:
    case OpCode::kLe: case OpCode::kGt: case OpCode::kGe:
      return compare(n.op, a[0], a[1], out);
    case OpCode::kNot: *out = 1 - a[0]; return EvalStatus::kOk;
    case OpCode::kMin:
    case OpCode::kMax: {
      if (n.args.empty()) return EvalStatus::kOk;  // the checker emits >= 2 arguments
      const int64_t* end = a + n.args.size();
      *out = n.op == OpCode::kMin ? *std::min_element(a, end) : *std::max_element(a, end);
      return EvalStatus::kOk;
    }
    case OpCode::kInSet: {
      *out = 0;
      for (uint32_t i = 0; i < n.count; ++i) {
        if (program.set_values[static_cast<size_t>(n.imm) + i] == a[0]) *out = 1;
      }
      return EvalStatus::kOk;
    }
    case OpCode::kInRange: *out = (a[1] <= a[0] && a[0] <= a[2]) ? 1 : 0; return EvalStatus::kOk;
    case OpCode::kInRangeWrap: {
      bool in = a[1] <= a[2] ? (a[1] <= a[0] && a[0] <= a[2]) : (a[0] >= a[1] || a[0] <= a[2]);
      *out = in ? 1 : 0;
      return EvalStatus::kOk;
    }
    case OpCode::kCall: {
      if (n.imm < 0 || static_cast<size_t>(n.imm) >= fns.size()) return EvalStatus::kExtensionError;
      ExtensionFn fn = fns[static_cast<size_t>(n.imm)];
      int64_t result = 0;
      if (fn == nullptr || fn(a, &result) != 0) return EvalStatus::kExtensionError;
      *out = result;
      return EvalStatus::kOk;
    }
    default:  // leaves and lazy nodes never get here
      return EvalStatus::kOk;
  }
}

struct Stacks {
  std::vector<Frame> frames;
  std::vector<int64_t> values;
  bool in_use = false;
};

// The calling thread's stacks, kept between calls: an evaluation allocates only while they grow
// to the deepest expression this thread has met, so the request path does not call malloc (and
// a JIT/interpreter comparison measures code, not the allocator). One set per thread keeps the
// const evaluators thread-safe. A nested evaluation on the same thread (an extension function
// that evaluates rules) gets stacks of its own rather than overwrite the outer one's.
class StackLease {
 public:
  StackLease() : shared_(thread_stacks()) {
    if (!shared_.in_use) {
      shared_.in_use = true;
      stacks_ = &shared_;
    } else {
      own_ = std::make_unique<Stacks>();
      stacks_ = own_.get();
    }
  }
  ~StackLease() {
    if (stacks_ == &shared_) shared_.in_use = false;
  }
  StackLease(const StackLease&) = delete;
  StackLease& operator=(const StackLease&) = delete;
  Stacks& stacks() { return *stacks_; }

 private:
  static Stacks& thread_stacks() {
    thread_local Stacks stacks;
    return stacks;
  }
  Stacks& shared_;
  Stacks* stacks_ = nullptr;
  std::unique_ptr<Stacks> own_;
};

// Evaluates one expression tree. `stacks` only lends its storage, so a block reuses it.
EvalStatus run_expr(const ir::Program& program, const std::vector<ExtensionFn>& fns,
                    ir::ExprId root, const int64_t* ctx, int64_t* value, Stacks& stacks) {
  std::vector<Frame>& frames = stacks.frames;
  std::vector<int64_t>& values = stacks.values;
  frames.clear();
  values.clear();
  frames.push_back({root, 0, 0});

  // Completes the top frame: drops its operands and leaves its result in their place.
  auto finish = [&](int64_t result) {
    values.resize(frames.back().base);
    values.push_back(result);
    frames.pop_back();
  };
  auto descend = [&](ir::ExprId child) { frames.push_back({child, 0, values.size()}); };

  while (!frames.empty()) {
    Frame& f = frames.back();
    const ir::Node& n = program.nodes[f.id];
    switch (n.op) {
      case OpCode::kConst: finish(n.imm); break;
      case OpCode::kLoad: finish(ctx[n.imm]); break;
      case OpCode::kNoMatch: return EvalStatus::kNoMatch;
      case OpCode::kAnd:
      case OpCode::kOr:
        if (f.step == 0) {
          f.step = 1;
          descend(n.args[0]);
        } else if (f.step == 1) {
          bool lhs = values.back() != 0;
          if (lhs == (n.op == OpCode::kOr)) {
            finish(lhs ? 1 : 0);  // decided by the left operand: the right one is not evaluated
          } else {
            f.step = 2;
            descend(n.args[1]);
          }
        } else {
          finish(values.back() != 0 ? 1 : 0);
        }
        break;
      case OpCode::kIf:
        if (f.step == 0) {
          f.step = 1;
          descend(n.args[0]);
        } else if (f.step == 1) {
          f.step = 2;
          descend(values.back() != 0 ? n.args[1] : n.args[2]);
        } else {
          finish(values.back());
        }
        break;
      default:
        if (f.step < n.args.size()) {
          descend(n.args[f.step++]);
        } else {
          int64_t out = 0;
          EvalStatus st = apply_strict(program, fns, n, values.data() + f.base, &out);
          if (st != EvalStatus::kOk) return st;
          finish(out);
        }
        break;
    }
  }
  *value = values.back();
  return EvalStatus::kOk;
}

}  // namespace

Interpreter::Interpreter(const ir::Program& program, const ExtensionRegistry* extensions)
    : program_(program) {
  resolved_.reserve(program.extensions.size());
  for (const ir::ExtensionUse& use : program.extensions) {
    const ExtensionDecl* d = extensions != nullptr ? extensions->find(use.name) : nullptr;
    // An unresolved or mismatched extension is not an error until it is called: then it faults.
    resolved_.push_back(d != nullptr && d->params.size() == use.arity ? d->fn : nullptr);
  }
}

ir::EvalStatus Interpreter::evaluate_expr(ir::ExprId root, const int64_t* ctx,
                                          int64_t* value) const {
  StackLease lease;
  return run_expr(program_, resolved_, root, ctx, value, lease.stacks());
}

ir::EvalStatus Interpreter::evaluate_function(const ir::Function& f, const int64_t* ctx,
                                              int64_t* value) const {
  return evaluate_expr(f.body, ctx, value);
}

BlockResult Interpreter::evaluate_block(uint32_t block, const int64_t* ctx) const {
  BlockResult r;
  if (block >= program_.blocks.size()) return r;  // no such block: nothing matched, as the JIT
  StackLease lease;
  Stacks& stacks = lease.stacks();
  const ir::Block& b = program_.blocks[block];
  size_t count = std::min(b.functions.size(), ir::kMaxBlockFunctions);
  for (size_t i = 0; i < count; ++i) {
    int64_t v = 0;
    EvalStatus st = run_expr(program_, resolved_, b.functions[i].body, ctx, &v, stacks);
    if (st == EvalStatus::kOk) {
      r.values[i] = v;
      r.matched |= uint64_t{1} << i;
    } else if (st != EvalStatus::kNoMatch) {
      r.status = st;
      r.failed_function = static_cast<uint32_t>(i);
      return r;
    }
  }
  return r;
}

}  // namespace gyrate::lang
