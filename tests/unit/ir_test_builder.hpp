// Test helper: builds checked IR by hand (nodes, functions, blocks) for interpreter and decision
// tests that must not depend on the parser or the checker.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "gyrate/ruleslang/ir.hpp"

namespace gyrate::lang::testing {

class IrBuilder {
 public:
  using ExprId = ir::ExprId;
  using Op = ir::OpCode;

  IrBuilder() {
    program.strings.push_back("");
    program.context_slots = kSlotBuiltinCount;
  }

  ExprId node(Op op, std::vector<ExprId> args = {}, int64_t imm = 0,
              Type type = Type::of(TypeKind::kInt), uint32_t count = 0) {
    ir::Node n;
    n.op = op;
    n.args = std::move(args);
    n.imm = imm;
    n.type = type;
    n.count = count;
    program.nodes.push_back(std::move(n));
    return static_cast<ExprId>(program.nodes.size() - 1);
  }
  ExprId c(int64_t v, Type t = Type::of(TypeKind::kInt)) { return node(Op::kConst, {}, v, t); }
  ExprId load(uint16_t slot) { return node(Op::kLoad, {}, slot); }
  ExprId no_match() { return node(Op::kNoMatch); }
  ExprId bin(Op op, ExprId a, ExprId b, int64_t imm = 0) { return node(op, {a, b}, imm); }
  ExprId add(ExprId a, ExprId b) { return bin(Op::kAdd, a, b); }
  ExprId div(ExprId a, ExprId b) { return bin(Op::kDiv, a, b); }
  ExprId iff(ExprId c0, ExprId a, ExprId b) { return node(Op::kIf, {c0, a, b}); }
  ExprId in_set(ExprId a, std::initializer_list<int64_t> values) {
    int64_t start = static_cast<int64_t>(program.set_values.size());
    program.set_values.insert(program.set_values.end(), values);
    return node(Op::kInSet, {a}, start, Type::of(TypeKind::kBool),
                static_cast<uint32_t>(values.size()));
  }
  // `when cond then value`, as the checker lowers a guarded rule: if cond then value else no-match.
  ExprId when(ExprId cond, ExprId value) { return iff(cond, value, no_match()); }
  ExprId div_by_zero() { return div(c(1), c(0)); }

  // A new block; returns its index.
  uint32_t block(uint16_t service = ir::kNoService, uint32_t plan = 0) {
    ir::Block b;
    b.plan = plan;
    b.service = service;
    program.blocks.push_back(std::move(b));
    return static_cast<uint32_t>(program.blocks.size() - 1);
  }
  ir::Block& blk(uint32_t b) { return program.blocks[b]; }
  void fn(uint32_t b, ir::Role role, ExprId body, uint16_t aux = 0,
          Type type = Type::of(TypeKind::kInt)) {
    ir::Function f;
    f.role = role;
    f.aux = aux;
    f.body = body;
    f.type = type;
    program.blocks[b].functions.push_back(f);
  }
  uint16_t service(const char* name, Dim dim, int64_t quota) {
    ir::Service s;
    s.name = name;
    s.dim = dim;
    s.quota = quota;
    program.services.push_back(s);
    return static_cast<uint16_t>(program.services.size() - 1);
  }

  ir::Program program;
};

// A context sized for the builtin slots, everything zero but the model (-1).
inline std::vector<int64_t> empty_context(size_t slots = kSlotBuiltinCount) {
  std::vector<int64_t> v(slots, 0);
  v[kSlotModel] = -1;
  return v;
}

}  // namespace gyrate::lang::testing
