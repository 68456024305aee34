// Block assembly: turns a plan's rule lists into guard chains and lays out each block's functions
// in the fixed role order that decide() and the JIT expect; also the "unused" warnings.
#include "checker_impl.hpp"

namespace gyrate::lang::check_detail {

ir::ExprId Checker::conjoin(const std::vector<ir::ExprId>& conds) {
  ir::ExprId acc = conds.front();
  Type b = Type::of(TypeKind::kBool);
  for (size_t i = 1; i < conds.size(); ++i) {
    acc = emit(ir::OpCode::kAnd, b, 0, {acc, conds[i]}, prog_.nodes[conds[i]].range);
  }
  return acc;
}

std::optional<ir::ExprId> Checker::chain(const std::vector<Rule>& rules, Type type,
                                         std::optional<ir::ExprId> fallback, const char* what) {
  if (rules.empty()) return fallback;
  size_t uncond = rules.size();
  for (size_t i = 0; i < rules.size(); ++i) {
    if (!rules[i].guard) {
      uncond = i;
      break;
    }
  }
  if (what) {
    for (size_t i = uncond + 1; i < rules.size(); ++i) {
      warning(codes::kUnreachableRule, rules[i].range,
              std::string("this ") + what + " rule is never used: an earlier rule has no `when`",
              "add `when` or move this rule before the default", rules[uncond].range,
              "this rule always applies");
    }
  }
  ir::ExprId tail;
  if (uncond < rules.size()) {
    tail = rules[uncond].value;
  } else if (fallback) {
    tail = *fallback;
  } else {
    tail = emit(ir::OpCode::kNoMatch, type, 0, {}, rules.back().range);
  }
  for (size_t i = std::min(uncond, rules.size()); i-- > 0;) {
    tail = emit(ir::OpCode::kIf, type, 0, {*rules[i].guard, rules[i].value, tail}, rules[i].range);
  }
  return tail;
}

void Checker::add_function(ir::Block& b, ir::Role role, uint16_t aux,
                           std::optional<ir::ExprId> body, SourceRange r) {
  if (!body || too_large_) return;
  if (b.functions.size() >= ir::kMaxBlockFunctions) {
    error(codes::kTooMany, r,
          "too many functions in one block: at most " + std::to_string(ir::kMaxBlockFunctions),
          "use fewer guarded promos in this plan");
    return;
  }
  ir::Function f;
  f.role = role;
  f.aux = aux;
  f.type = prog_.nodes[*body].type;
  f.body = *body;
  f.range = r;
  b.functions.push_back(f);
}

void Checker::assemble_plan() {
  PlanState& st = *plan_;
  ir::Plan& plan = st.plan;
  plan.currency = st.currency;
  auto range_of = [&](const std::vector<Rule>& rules, SourceRange dflt) {
    return rules.empty() ? dflt : rules.front().range;
  };
  auto node_range = [&](std::optional<ir::ExprId> e) {
    return e && *e < prog_.nodes.size() ? prog_.nodes[*e].range : plan.range;
  };

  ir::Block pb;
  pb.plan = st.index;
  pb.service = ir::kNoService;
  if (!st.fee.empty()) {
    Type t = prog_.nodes[st.fee.front().value].type;
    add_function(pb, ir::Role::kFee, 0, chain(st.fee, t, std::nullopt, "`fee`"),
                 st.fee.front().range);
  }
  for (size_t i = 0; i < st.promo_when.size(); ++i) {
    add_function(pb, ir::Role::kPromoEligible, static_cast<uint16_t>(i), st.promo_when[i],
                 plan.promos[i].range);
  }
  plan.plan_block = static_cast<uint32_t>(prog_.blocks.size());
  prog_.blocks.push_back(std::move(pb));

  // Plan-level conditions are conjoined once and shared by every service block (the IR is a DAG).
  std::optional<ir::ExprId> plan_eligible;
  if (!st.eligible.empty()) plan_eligible = conjoin(st.eligible);
  Type ratio = Type::of(TypeKind::kRatio);
  for (auto& [svc, sr] : st.services) {
    if (too_large_) break;
    ir::Block b = std::move(sr.block);
    const std::string& name = prog_.services[svc].name;
    SourceRange dflt = sr.first_range;

    std::vector<ir::ExprId> conds;
    if (plan_eligible) conds.push_back(*plan_eligible);
    conds.insert(conds.end(), sr.eligible.begin(), sr.eligible.end());
    if (!conds.empty()) {
      add_function(b, ir::Role::kEligible, 0, conjoin(conds), node_range(conds.front()));
    }
    add_function(b, ir::Role::kModelAllowed, 0, sr.model_allowed, node_range(sr.model_allowed));

    // Weight: the rules, falling back on the request model's declared weight.
    std::optional<ir::ExprId> weight_default;
    if (!service_models_[svc].empty()) {
      weight_default = model_weight(svc, range_of(sr.weight, dflt)).id;
    } else if (!sr.weight.empty()) {
      weight_default = constant(ratio, kFixedScale, sr.weight.front().range).id;
    }
    std::string w = "`weight " + name + "`";
    add_function(b, ir::Role::kWeight, 0, chain(sr.weight, ratio, weight_default, w.c_str()),
                 range_of(sr.weight, dflt));

    struct Chained {
      ir::Role role;
      const std::vector<Rule>* rules;
      const char* keyword;
    };
    const Chained chained[] = {
        {ir::Role::kGrant, &sr.grant, "grant"},
        {ir::Role::kValidity, &sr.validity, "validity"},
        {ir::Role::kThreshold, &sr.threshold, "threshold"},
        {ir::Role::kOveragePrice, &sr.overage_price, "overage"},
        {ir::Role::kOverageBlock, &sr.overage_block, nullptr},  // warned with the prices
        {ir::Role::kExhaustAction, &sr.exhaust, "on_exhaust"},
    };
    for (const Chained& c : chained) {
      if (c.rules->empty()) continue;
      Type t = prog_.nodes[c.rules->front().value].type;
      std::string what = c.keyword ? "`" + std::string(c.keyword) + " " + name + "`" : "";
      add_function(b, c.role, 0,
                   chain(*c.rules, t, std::nullopt, c.keyword ? what.c_str() : nullptr),
                   c.rules->front().range);
    }
    add_function(b, ir::Role::kAllowance, 0, sr.allowance, node_range(sr.allowance));
    if (st.spend_cap) {
      add_function(b, ir::Role::kSpendCap, 0, st.spend_cap, node_range(st.spend_cap));
      b.spend_cap_action = st.spend_cap_action;
    }
    add_function(b, ir::Role::kUsageCap, 0, sr.usage_cap, node_range(sr.usage_cap));
    add_function(b, ir::Role::kMemberCap, 0, sr.member_cap, node_range(sr.member_cap));
    for (size_t i = 0; i < sr.windows.size(); ++i) {
      add_function(b, ir::Role::kWindowLimit, static_cast<uint16_t>(i), sr.windows[i],
                   b.windows[i].range);
    }
    plan.service_blocks.push_back(static_cast<uint32_t>(prog_.blocks.size()));
    prog_.blocks.push_back(std::move(b));
  }
  prog_.plans.push_back(std::move(plan));
}

void Checker::report_unused() {
  for (size_t i = 0; i < prog_.attributes.size(); ++i) {
    if (attribute_used_[i] || offered_attributes_.count(prog_.attributes[i].name)) continue;
    warning(codes::kUnused, prog_.attributes[i].range,
            "attribute `" + prog_.attributes[i].name + "` is declared but never used",
            "use it in a rule or remove it");
  }
  for (size_t i = 0; i < prog_.services.size(); ++i) {
    if (service_used_[i] || offered_services_.count(prog_.services[i].name)) continue;
    warning(codes::kUnused, prog_.services[i].range,
            "service `" + prog_.services[i].name + "` is not offered by any plan",
            "name it in a plan item (e.g. `allowance " + prog_.services[i].name +
                " ...`) or remove it");
  }
}

}  // namespace gyrate::lang::check_detail
