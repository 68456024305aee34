// The items of a catalog and of each plan version, for the diff (see catalog_items.hpp).
#include "catalog_items.hpp"

#include <optional>
#include <unordered_set>

#include "expr_text.hpp"
#include "gyrate/ruleslang/dump.hpp"

namespace gyrate::engine {
namespace {

namespace ir = lang::ir;
using ir::Role;

std::string offset_text(int32_t minutes) {
  int32_t a = minutes < 0 ? -minutes : minutes;
  std::string hh = std::to_string(a / 60), mm = std::to_string(a % 60);
  return std::string(minutes < 0 ? "-" : "+") + (hh.size() < 2 ? "0" : "") + hh + ":" +
         (mm.size() < 2 ? "0" : "") + mm;
}

std::string action_text(const ir::Action& a) {
  std::string s = lang::ast::action_spelling(a.kind);
  return a.argument.empty() ? s : s + " \"" + a.argument + "\"";
}

// One guarded rule of a function: `value when guard`; the last one has no guard.
struct Arm {
  std::optional<ir::ExprId> guard;
  ir::ExprId value = 0;
};

// The checker compiles a role's rules into a chain `if g1 then v1 else if g2 ... else vN`, ending
// in no_match when no unguarded rule exists. Walked iteratively: a chain may be thousands long.
std::vector<Arm> arms_of(const ir::Program& p, ir::ExprId body) {
  std::vector<Arm> arms;
  ir::ExprId id = body;
  for (size_t steps = 0; steps <= p.nodes.size() && id < p.nodes.size(); ++steps) {
    const ir::Node& n = p.nodes[id];
    if (n.op == ir::OpCode::kNoMatch) break;
    if (n.op != ir::OpCode::kIf || n.args.size() != 3) {
      arms.push_back({std::nullopt, id});
      break;
    }
    arms.push_back({n.args[0], n.args[1]});
    id = n.args[2];
  }
  return arms;
}

class ItemBuilder {
 public:
  explicit ItemBuilder(const ir::Program& p) : p_(p) {}

  void add(std::string what, std::string canonical, std::string text) {
    if (!seen_.insert(what).second) return;  // a later rule with the same guard never applies
    items_.push_back({std::move(what), std::move(canonical), std::move(text)});
  }
  void add(const std::string& what, const std::string& text) { add(what, text, text); }

  // One item per rule of the function; `decorate` adds what else the value needs (an action,
  // the overage block) to both texts.
  template <class Decorate>
  void rules(const std::string& what, const ir::Function& f, Decorate decorate) {
    for (const Arm& arm : arms_of(p_, f.body)) {
      std::string name = what;
      if (arm.guard) name += " when " + expr_text(p_, *arm.guard);
      std::string canonical = lang::dump_expr(p_, arm.value);
      std::string text = expr_text(p_, arm.value);
      decorate(arm, canonical, text);
      if (arm.guard) canonical = lang::dump_expr(p_, *arm.guard) + " => " + canonical;
      add(std::move(name), std::move(canonical), std::move(text));
    }
  }
  void rules(const std::string& what, const ir::Function& f) {
    rules(what, f, [](const Arm&, std::string&, std::string&) {});
  }

  void grants(const std::string& what, const std::vector<ir::Grant>& grants) {
    for (const ir::Grant& g : grants) {
      if (g.service >= p_.services.size()) continue;
      const ir::Service& s = p_.services[g.service];
      add(what + " grant " + s.name, value_text(p_, lang::Type::quantity(s.dim), g.amount));
    }
  }

  void block(const ir::Plan& plan, const ir::Block& b) {
    bool plan_block = b.service == ir::kNoService;
    std::string svc = plan_block ? "" : b.service < p_.services.size()
                                            ? p_.services[b.service].name
                                            : "#" + std::to_string(b.service);
    std::string on = plan_block ? "" : " " + svc;
    lang::Type unit = lang::Type::quantity(
        b.service < p_.services.size() ? p_.services[b.service].dim : lang::Dim::kNone);
    if (!plan_block) add("service" + on, "offered");
    if (b.pooled) add("pooled" + on, "yes");
    if (b.rollover_cap || b.rollover_periods) {
      add("rollover" + on,
          std::to_string(b.rollover_cap) + " for " + std::to_string(b.rollover_periods),
          value_text(p_, unit, b.rollover_cap) + " for " + std::to_string(b.rollover_periods) +
              " periods");
    }
    if (!b.notify_ratios.empty() || !b.notify_amounts.empty()) {
      std::string text;
      for (int64_t r : b.notify_ratios) {
        text += (text.empty() ? "" : ", ") + value_text(p_, lang::Type::of(lang::TypeKind::kRatio),
                                                         r * 100) + "%";
      }
      for (int64_t a : b.notify_amounts) {
        text += (text.empty() ? "" : ", ") +
                value_text(p_, unit, a);
      }
      add("notify" + on, text);
    }
    if (!b.order.empty()) {
      static constexpr const char* kOrigins[] = {"promo", "rollover", "allowance", "pack", "pooled"};
      std::string text;
      for (ir::BucketOrigin o : b.order) {
        text += (text.empty() ? "" : ", ") + std::string(kOrigins[static_cast<size_t>(o)]);
      }
      add("order" + on, text);
    }
    const ir::Function* overage_block = nullptr;
    for (const ir::Function& f : b.functions) {
      if (f.role == Role::kOverageBlock) overage_block = &f;
    }
    for (const ir::Function& f : b.functions) function(plan, b, on, f, overage_block);
  }

  std::vector<CatalogItem> take() { return std::move(items_); }

 private:
  // Exhaust and cap functions yield an action; the action is what the designer wrote.
  auto then_action(const ir::Block& b, const std::optional<ir::Action>& cap) {
    return [this, &b, cap](const Arm& arm, std::string& canonical, std::string& text) {
      if (cap) {
        canonical += " then " + action_text(*cap);
        text += " then " + action_text(*cap);
        return;
      }
      const ir::Node& n = p_.nodes[arm.value];
      if (n.op == ir::OpCode::kConst && n.imm >= 0 &&
          static_cast<uint64_t>(n.imm) < b.actions.size()) {
        canonical = text = action_text(b.actions[static_cast<size_t>(n.imm)]);
      }
    };
  }

  void function(const ir::Plan& plan, const ir::Block& b, const std::string& on,
                const ir::Function& f, const ir::Function* overage_block) {
    switch (f.role) {
      case Role::kEligible: return rules("eligible" + on, f);
      case Role::kModelAllowed: return rules("models" + on, f);
      case Role::kWeight: return rules("weight" + on, f);
      case Role::kGrant: return rules("grant" + on, f);
      case Role::kValidity: return rules("validity" + on, f);
      case Role::kThreshold: return rules("threshold" + on, f);
      case Role::kAllowance: return rules("allowance" + on, f);
      case Role::kFee: return rules("fee" + on, f);
      case Role::kOverageBlock:
        if (overage_block == &f && !has_role(b, Role::kOveragePrice)) rules("overage block" + on, f);
        return;
      case Role::kOveragePrice: {
        // The price and its block are two chains with the same guards: show "1.00 CNY per 1 GiB".
        std::vector<Arm> blocks = overage_block ? arms_of(p_, overage_block->body) : std::vector<Arm>{};
        return rules("overage" + on, f, [&](const Arm& arm, std::string& canonical, std::string& text) {
          for (const Arm& o : blocks) {
            bool same_guard = o.guard.has_value() == arm.guard.has_value() &&
                              (!o.guard || lang::dump_expr(p_, *o.guard) ==
                                               lang::dump_expr(p_, *arm.guard));
            if (!same_guard) continue;
            canonical += " per " + lang::dump_expr(p_, o.value);
            text += " per " + expr_text(p_, o.value);
            return;
          }
        });
      }
      case Role::kExhaustAction: return rules("on_exhaust" + on, f, then_action(b, std::nullopt));
      case Role::kSpendCap: return rules("cap spend", f, then_action(b, b.spend_cap_action));
      case Role::kUsageCap: return rules("cap usage" + on, f, then_action(b, b.usage_cap_action));
      case Role::kMemberCap:
        return rules("cap per member" + on, f, then_action(b, b.member_cap_action));
      case Role::kWindowLimit: {
        if (f.aux >= b.windows.size()) return;
        const ir::Window& w = b.windows[f.aux];
        std::string what = "limit" + on + " per " + duration_text(w.seconds);
        if (w.counts_requests) what += " (requests)";
        return rules(what, f);
      }
      case Role::kPromoEligible:
        if (f.aux < plan.promos.size()) rules("promo " + plan.promos[f.aux].name + " when", f);
        return;
    }
  }

  static bool has_role(const ir::Block& b, Role role) {
    for (const ir::Function& f : b.functions) {
      if (f.role == role) return true;
    }
    return false;
  }

  const ir::Program& p_;
  std::vector<CatalogItem> items_;
  std::unordered_set<std::string> seen_;  // items_' names: a guard chain may be thousands long
};

const char* period_kind(ir::PeriodKind k) {
  static constexpr const char* kNames[] = {"daily", "weekly", "monthly", "annual", "once"};
  return kNames[static_cast<size_t>(k)];
}

std::string period_text(const ir::Period& period) {
  std::string s = std::string(period_kind(period.kind)) + " anchor ";
  switch (period.anchor) {
    case ir::AnchorKind::kActivation: return s + "activation";
    case ir::AnchorKind::kBillingDay: return s + "billing_day";
    case ir::AnchorKind::kDayOfMonth: return s + "day " + std::to_string(period.anchor_value);
    case ir::AnchorKind::kDate: return s + date_text(period.anchor_value);
  }
  return s;
}

std::string grandfather_text(const ir::Plan& plan) {
  switch (plan.grandfather) {
    case ir::GrandfatherKind::kForever: return "forever";
    case ir::GrandfatherKind::kNone: return "none";
    case ir::GrandfatherKind::kUntil: return "until " + date_text(plan.grandfather_until);
  }
  return "?";
}

}  // namespace

std::string version_summary(const ir::Plan& plan) {
  return (plan.effective_date ? "effective " + date_text(*plan.effective_date)
                              : std::string("no effective date")) +
         ", grandfather " + grandfather_text(plan);
}

std::vector<CatalogItem> catalog_items(const ir::Program& p) {
  ItemBuilder items(p);
  items.add("timezone", offset_text(p.timezone_offset_minutes));
  for (const ir::Currency& c : p.currencies) {
    items.add("currency " + c.name, "minor " + std::to_string(c.minor_digits));
  }
  for (const ir::Service& s : p.services) {
    std::string on = " " + s.name;
    items.add("service" + on + " unit", lang::dim_name(s.dim));
    items.add("service" + on + " rating_group",
              s.rating_group >= 0 ? std::to_string(s.rating_group) : "none");
    items.add("service" + on + " context", s.context_id.empty() ? "none" : s.context_id);
    items.add("service" + on + " quota", value_text(p, lang::Type::quantity(s.dim), s.quota));
  }
  for (const ir::Model& m : p.models) {
    std::string on = "model " + m.name;
    items.add(on + " service", m.service < p.services.size() ? p.services[m.service].name : "?");
    items.add(on + " id", std::to_string(m.service_identifier));
    items.add(on + " weight", value_text(p, lang::Type::of(lang::TypeKind::kRatio), m.weight));
    items.add(on + " modality", m.modality.empty() ? "none" : m.modality);
  }
  for (const ir::Attribute& a : p.attributes) {
    std::string type = a.type.kind == lang::TypeKind::kQuantity
                           ? std::string("quantity ") + lang::dim_name(a.type.dim)
                           : lang::type_kind_name(a.type.kind);
    items.add("attribute " + a.name, type + " = " + value_text(p, a.type, a.default_value));
  }
  return items.take();
}

std::vector<CatalogItem> plan_items(const ir::Program& p, const ir::Plan& plan) {
  ItemBuilder items(p);
  items.add("effective", plan.effective_date ? date_text(*plan.effective_date) : "none");
  items.add("grandfather", grandfather_text(plan));
  items.add("period", period_text(plan.period));
  if (plan.currency && *plan.currency < p.currencies.size()) {
    items.add("currency", p.currencies[*plan.currency].name);
  }
  for (const ir::Pack& pk : plan.packs) {
    std::string on = "pack " + pk.name;
    items.add(on + " price", value_text(p, lang::Type::money(pk.currency), pk.price));
    items.grants(on, pk.grants);
    items.add(on + " valid", pk.valid_seconds > 0 ? duration_text(pk.valid_seconds)
                                                  : "to the end of the period");
  }
  for (const ir::Promo& pr : plan.promos) {
    std::string on = "promo " + pr.name;
    items.grants(on, pr.grants);
    items.add(on + " valid", pr.valid_seconds > 0 ? duration_text(pr.valid_seconds)
                                                  : "to the end of the period");
  }
  if (plan.plan_block < p.blocks.size()) items.block(plan, p.blocks[plan.plan_block]);
  for (uint32_t b : plan.service_blocks) {
    if (b < p.blocks.size()) items.block(plan, p.blocks[b]);
  }
  return items.take();
}

}  // namespace gyrate::engine
