// Validation of a checked program before code generation: generated code does no bounds checks,
// so every index it bakes in (context slots, set ranges, nodes) is proven in range here.
#include <algorithm>
#include <string>
#include <vector>

#include "gyrate/jit/jit.hpp"
#include "internal.hpp"

namespace gyrate::jit {
namespace {

using lang::ir::Node;
using lang::ir::OpCode;
using lang::ir::Program;

// Deep enough for any real tariff, shallow enough that recursive code generation cannot
// exhaust a thread's stack.
constexpr uint32_t kMaxExprDepth = 4096;
// Code generation emits a shared subexpression once per use: a small DAG can stand for a huge
// tree (each node using the previous one twice doubles it), so the expanded size is bounded.
constexpr uint64_t kMaxExpandedNodes = uint64_t{1} << 20;

std::string where(size_t node) { return "IR node " + std::to_string(node) + ": "; }

// The number of operands each opcode takes; -1: n-ary.
int arity(OpCode op) {
  switch (op) {
    case OpCode::kConst: case OpCode::kLoad: case OpCode::kNoMatch: return 0;
    case OpCode::kNeg: case OpCode::kNot: case OpCode::kInSet: return 1;
    case OpCode::kIf: case OpCode::kInRange: case OpCode::kInRangeWrap: return 3;
    case OpCode::kMin: case OpCode::kMax: case OpCode::kCall: return -1;
    default: return 2;
  }
}

Status check_node(const Program& p, size_t i) {
  const Node& n = p.nodes[i];
  if (static_cast<uint8_t>(n.op) > static_cast<uint8_t>(OpCode::kNoMatch)) {
    return Status::error(ErrorCode::kInvalidArgument, where(i) + "unknown opcode");
  }
  int want = arity(n.op);
  if (want >= 0 && n.args.size() != static_cast<size_t>(want)) {
    return Status::error(ErrorCode::kInvalidArgument, where(i) + "wrong number of operands");
  }
  if ((n.op == OpCode::kMin || n.op == OpCode::kMax) && n.args.empty()) {
    return Status::error(ErrorCode::kInvalidArgument, where(i) + "min/max without operands");
  }
  for (lang::ir::ExprId a : n.args) {
    if (a >= p.nodes.size()) return Status::error(ErrorCode::kInvalidArgument, where(i) + "operand out of range");
  }
  if (n.op == OpCode::kLoad && (n.imm < 0 || n.imm >= static_cast<int64_t>(p.context_slots))) {
    return Status::error(ErrorCode::kInvalidArgument, where(i) + "context slot " + std::to_string(n.imm) + " out of range");
  }
  if (n.op == OpCode::kInSet &&
      (n.imm < 0 || static_cast<uint64_t>(n.imm) > p.set_values.size() ||
       n.count > p.set_values.size() - static_cast<uint64_t>(n.imm))) {
    return Status::error(ErrorCode::kInvalidArgument, where(i) + "set values out of range");
  }
  return Status::ok();
}

// Depth and expanded size of every expression reachable from a function body, iteratively (no
// recursion on untrusted input); a cycle, an expression deeper than kMaxExprDepth or larger than
// kMaxExpandedNodes is an error.
Status check_depths(const Program& p) {
  enum : uint8_t { kNew, kOpen, kDone };
  std::vector<uint8_t> state(p.nodes.size(), kNew);
  std::vector<uint32_t> depth(p.nodes.size(), 0);
  std::vector<uint64_t> size(p.nodes.size(), 0);
  std::vector<std::pair<lang::ir::ExprId, size_t>> stack;
  for (const lang::ir::Block& b : p.blocks) {
    for (const lang::ir::Function& f : b.functions) {
      if (f.body >= p.nodes.size()) return Status::error(ErrorCode::kInvalidArgument, "function body out of range");
      if (state[f.body] == kDone) continue;
      stack.push_back({f.body, 0});
      state[f.body] = kOpen;
      while (!stack.empty()) {
        auto& [id, next] = stack.back();
        const Node& n = p.nodes[id];
        if (next < n.args.size()) {
          lang::ir::ExprId child = n.args[next++];
          if (state[child] == kOpen) return Status::error(ErrorCode::kInvalidArgument, where(child) + "cycle in the IR");
          if (state[child] == kNew) {
            if (stack.size() >= kMaxExprDepth) {
              return Status::error(ErrorCode::kInvalidArgument, where(child) + "expression nested too deeply");
            }
            state[child] = kOpen;
            stack.push_back({child, 0});
          }
          continue;
        }
        uint32_t d = 1;
        uint64_t expanded = 1;
        for (lang::ir::ExprId a : n.args) {
          d = std::max(d, depth[a] + 1);
          expanded += size[a];
        }
        if (d > kMaxExprDepth) return Status::error(ErrorCode::kInvalidArgument, where(id) + "expression nested too deeply");
        if (expanded > kMaxExpandedNodes) return Status::error(ErrorCode::kInvalidArgument, where(id) + "expression too large");
        depth[id] = d;
        size[id] = expanded;
        state[id] = kDone;
        stack.pop_back();
      }
    }
  }
  return Status::ok();
}

}  // namespace

Status validate_program(const Program& program) {
  for (size_t i = 0; i < program.blocks.size(); ++i) {
    if (program.blocks[i].functions.size() > lang::ir::kMaxBlockFunctions) {
      return Status::error(ErrorCode::kInvalidArgument, "block " + std::to_string(i) + " has more than " +
                           std::to_string(lang::ir::kMaxBlockFunctions) + " functions");
    }
    // The block function returns its decision's action code in 15 bits (native_block.hpp).
    if (static_cast<int64_t>(program.blocks[i].actions.size()) > lang::native::kMaxActions) {
      return Status::error(ErrorCode::kInvalidArgument, "block " + std::to_string(i) + " has too many actions");
    }
  }
  for (size_t i = 0; i < program.nodes.size(); ++i) {
    if (Status s = check_node(program, i); !s) return s;
  }
  return check_depths(program);
}

}  // namespace gyrate::jit
