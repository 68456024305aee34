// Rules fired: the checker lowers each role's rules to a chain `if g1 then v1 else if g2 then v2
// else tail` (checker_blocks.cpp), the tail being the unconditional rule, the model weights (a
// chain of `model == m` tests ending in 1) or nothing. Following the chain with the reference
// interpreter finds the rule that gave the value and its source range, whatever evaluator the
// catalog decides with (both agree: the differential tests hold them to it).
#include "explain_parts.hpp"

#include <limits>

#include "gyrate/ruleslang/interpreter.hpp"
#include "gyrate/ruleslang/literal.hpp"

namespace gyrate::engine {
namespace {

using lang::ir::ExprId;
using lang::ir::Node;
using lang::ir::OpCode;

constexpr int64_t kPercentLimit = std::numeric_limits<int64_t>::max() / 100;

// `if model == M then W else ...` as Checker::model_weight emits it (every node at one range,
// unlike a `weight ... when model == M` rule, whose guard is a part of its statement): the
// model M, else -1.
int64_t model_test(const lang::ir::Program& p, const Node& n) {
  const Node& cond = p.nodes[n.args[0]];
  if (cond.range.begin != n.range.begin || cond.range.end != n.range.end) return -1;
  if (cond.op != OpCode::kEq || cond.args.size() != 2) return -1;
  const Node& load = p.nodes[cond.args[0]];
  const Node& id = p.nodes[cond.args[1]];
  if (load.op != OpCode::kLoad || load.imm != lang::kSlotModel || id.op != OpCode::kConst) return -1;
  return id.imm >= 0 && static_cast<size_t>(id.imm) < p.models.size() ? id.imm : -1;
}

std::string value_text(const lang::ir::Program& p, const lang::ir::Block& b,
                       const lang::ir::Function& f, int64_t v) {
  using lang::TypeKind;
  switch (f.type.kind) {
    case TypeKind::kBool: return v != 0 ? "yes" : "no";
    case TypeKind::kRatio:  // a threshold's ratio is of the grant: a percentage reads better
      if (f.role == lang::ir::Role::kThreshold && v > -kPercentLimit && v < kPercentLimit) {
        return lang::literal::format_fixed(v * 100) + "% of the grant";
      }
      return lang::literal::format_fixed(v);
    case TypeKind::kQuantity: return std::to_string(v) + " " + lang::dim_name(f.type.dim);
    case TypeKind::kMoney: {
      std::string s = lang::literal::format_fixed(v);
      return f.type.currency < p.currencies.size() ? s + " " + p.currencies[f.type.currency].name : s;
    }
    default: break;
  }
  if (f.role == lang::ir::Role::kExhaustAction && v >= 0 &&
      static_cast<uint64_t>(v) < b.actions.size()) {
    return lang::action_text(&b.actions[static_cast<size_t>(v)]);
  }
  return std::to_string(v);
}

}  // namespace

std::vector<FiredRule> fired_rules(const Catalog& catalog, uint32_t block, const RequestContext& ctx) {
  const lang::ir::Program& p = catalog.program();
  // No extensions: a rule calling one reports a fault here instead of guessing its value.
  lang::Interpreter interp(p);
  const lang::ir::Block& b = p.blocks[block];
  std::vector<FiredRule> out;
  for (const lang::ir::Function& f : b.functions) {
    FiredRule r;
    r.role = lang::ir::role_name(f.role);
    r.aux = f.aux;
    int64_t value = 0;
    lang::ir::EvalStatus st = interp.evaluate_function(f, ctx.data(), &value);
    r.matched = st == lang::ir::EvalStatus::kOk;
    if (st != lang::ir::EvalStatus::kOk && st != lang::ir::EvalStatus::kNoMatch) {
      r.fault = lang::ir::eval_status_name(st);
    }
    if (r.matched) {
      r.value = value;
      r.value_text = value_text(p, b, f, value);
    }
    // Down the chain to the rule that applied.
    ExprId e = f.body;
    bool in_models = false;
    r.origin = "rule";
    r.range = p.nodes[e].range;
    while (p.nodes[e].op == OpCode::kIf && p.nodes[e].args.size() == 3) {
      const Node& n = p.nodes[e];
      int64_t model = f.role == lang::ir::Role::kWeight ? model_test(p, n) : -1;
      int64_t holds = 0;
      if (interp.evaluate_expr(n.args[0], ctx.data(), &holds) != lang::ir::EvalStatus::kOk) {
        r.range = n.range;  // the guard faulted: the rule where it did
        break;
      }
      if (model >= 0) in_models = true;
      if (holds != 0) {
        r.origin = model >= 0 ? "model" : "rule";
        r.range = model >= 0 ? p.models[static_cast<size_t>(model)].range : n.range;
        break;
      }
      e = n.args[2];
      r.range = p.nodes[e].range;
    }
    const Node& tail = p.nodes[e];
    if (tail.op == OpCode::kNoMatch) {
      r.origin = "none";
      r.range = {};
    } else if (tail.op != OpCode::kIf &&
               (in_models || (f.role == lang::ir::Role::kWeight && tail.op == OpCode::kConst &&
                              tail.range.begin == f.range.begin && tail.range.end == f.range.end))) {
      // The constant 1 the checker adds after the model weights or the `when` weights.
      r.origin = "default";
      r.range = {};
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace gyrate::engine
