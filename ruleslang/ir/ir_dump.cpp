// dump_ir: a stable, readable text form of a checked program (`gyratec --emit=ir`, golden tests).
// Expressions print as typed s-expressions; constants print as the literal they denote.
#include <string>
#include <variant>

#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/ruleslang/context.hpp"
#include "gyrate/ruleslang/dump.hpp"
#include "gyrate/ruleslang/literal.hpp"

namespace gyrate::lang {
namespace {

const char* op_name(ir::OpCode op) {
  switch (op) {
    case ir::OpCode::kConst:
      return "const";
    case ir::OpCode::kLoad:
      return "load";
    case ir::OpCode::kAdd:
      return "add";
    case ir::OpCode::kSub:
      return "sub";
    case ir::OpCode::kMul:
      return "mul";
    case ir::OpCode::kNeg:
      return "neg";
    case ir::OpCode::kDiv:
      return "div";
    case ir::OpCode::kMulScaled:
      return "mul_scaled";
    case ir::OpCode::kDivScaled:
      return "div_scaled";
    case ir::OpCode::kEq:
      return "eq";
    case ir::OpCode::kNe:
      return "ne";
    case ir::OpCode::kLt:
      return "lt";
    case ir::OpCode::kLe:
      return "le";
    case ir::OpCode::kGt:
      return "gt";
    case ir::OpCode::kGe:
      return "ge";
    case ir::OpCode::kAnd:
      return "and";
    case ir::OpCode::kOr:
      return "or";
    case ir::OpCode::kNot:
      return "not";
    case ir::OpCode::kIf:
      return "if";
    case ir::OpCode::kMin:
      return "min";
    case ir::OpCode::kMax:
      return "max";
    case ir::OpCode::kInSet:
      return "in_set";
    case ir::OpCode::kInRange:
      return "in_range";
    case ir::OpCode::kInRangeWrap:
      return "in_range_wrap";
    case ir::OpCode::kCall:
      return "call";
    case ir::OpCode::kNoMatch:
      return "no_match";
  }
  return "?";
}

const char* period_name(ir::PeriodKind k) {
  switch (k) {
    case ir::PeriodKind::kDaily:
      return "daily";
    case ir::PeriodKind::kWeekly:
      return "weekly";
    case ir::PeriodKind::kMonthly:
      return "monthly";
    case ir::PeriodKind::kAnnual:
      return "annual";
    case ir::PeriodKind::kOnce:
      return "once";
  }
  return "?";
}

const char* origin_name(ir::BucketOrigin o) {
  switch (o) {
    case ir::BucketOrigin::kPromo:
      return "promo";
    case ir::BucketOrigin::kRollover:
      return "rollover";
    case ir::BucketOrigin::kAllowance:
      return "allowance";
    case ir::BucketOrigin::kPack:
      return "pack";
    case ir::BucketOrigin::kPooled:
      return "pooled";
  }
  return "?";
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Millionths as a decimal: 1500000 -> "1.5", 3000000 -> "3.0".
std::string fixed(int64_t v) {
  bool neg = v < 0;
  uint64_t u = neg ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  std::string frac = std::to_string(u % 1'000'000);
  frac.insert(0, 6 - frac.size(), '0');
  while (frac.size() > 1 && frac.back() == '0') frac.pop_back();
  return (neg ? "-" : "") + std::to_string(u / 1'000'000) + "." + frac;
}

std::string two(int64_t v) { return (v < 10 ? "0" : "") + std::to_string(v); }

std::string date_text(int64_t days) {
  calendar::CivilDate d = calendar::civil_from_days(days);
  return std::to_string(d.year) + "-" + two(d.month) + "-" + two(d.day);
}

class Dumper {
 public:
  explicit Dumper(const ir::Program& p) : p_(p) {}

  std::string type(Type t) const {
    switch (t.kind) {
      case TypeKind::kQuantity:
        return std::string("quantity<") + dim_name(t.dim) + ">";
      case TypeKind::kMoney:
        return "money<" + currency(t.currency) + ">";
      default:
        return type_kind_name(t.kind);
    }
  }

  std::string currency(uint16_t c) const {
    return c < p_.currencies.size() ? p_.currencies[c].name : "#" + std::to_string(c);
  }

  std::string value(Type t, int64_t v) const {
    switch (t.kind) {
      case TypeKind::kBool:
        return v ? "true" : "false";
      case TypeKind::kRatio:
        return fixed(v);
      case TypeKind::kMoney:
        return fixed(v) + " " + currency(t.currency);
      case TypeKind::kQuantity:
        return std::to_string(v) + " " + dim_name(t.dim);
      case TypeKind::kString:
        if (v > 0 && static_cast<uint64_t>(v) < p_.strings.size()) {
          return quoted(p_.strings[static_cast<size_t>(v)]);
        }
        return "#string" + std::to_string(v);
      case TypeKind::kDate:
        return date_text(v);
      case TypeKind::kTimeOfDay:
        return two(v / 60) + ":" + two(v % 60);
      case TypeKind::kWeekday:
        return literal::weekday_name(v);
      case TypeKind::kModel:
        if (v >= 0 && static_cast<uint64_t>(v) < p_.models.size()) {
          return p_.models[static_cast<size_t>(v)].name;
        }
        return "none";
      default:
        return std::to_string(v);
    }
  }

  std::string slot(int64_t s) const {
    if (s >= 0 && s < kSlotBuiltinCount) {
      std::string_view n = builtin_slot_info(static_cast<uint16_t>(s)).name;
      if (!n.empty()) return "$" + std::string(n);
      if (s >= kSlotWindowUsed0) return "$window_used" + std::to_string(s - kSlotWindowUsed0);
      return "$slot" + std::to_string(s);
    }
    for (const ir::Attribute& a : p_.attributes) {
      if (a.slot == s) return "$" + a.name;
    }
    return "$slot" + std::to_string(s);
  }

  // Iterative, so that a guard chain of thousands of rules cannot exhaust the stack.
  std::string expr(ir::ExprId root) const {
    std::string out;
    std::vector<std::variant<ir::ExprId, std::string>> work{root};
    while (!work.empty()) {
      auto w = std::move(work.back());
      work.pop_back();
      if (auto* s = std::get_if<std::string>(&w)) {
        out += *s;
        continue;
      }
      ir::ExprId id = std::get<ir::ExprId>(w);
      if (id >= p_.nodes.size()) {
        out += "<bad node " + std::to_string(id) + ">";
        continue;
      }
      const ir::Node& n = p_.nodes[id];
      if (n.op == ir::OpCode::kConst) {
        out += value(n.type, n.imm);
        continue;
      }
      if (n.op == ir::OpCode::kLoad) {
        out += slot(n.imm) + ":" + type(n.type);
        continue;
      }
      if (n.op == ir::OpCode::kNoMatch) {
        out += "no_match";
        continue;
      }
      out += "(";
      out += op_name(n.op);
      if (n.op == ir::OpCode::kMulScaled || n.op == ir::OpCode::kDivScaled) {
        out += "/" + std::to_string(n.imm);
      }
      if (n.op == ir::OpCode::kCall) {
        out += " " + (n.imm >= 0 && static_cast<uint64_t>(n.imm) < p_.extensions.size()
                          ? p_.extensions[static_cast<size_t>(n.imm)].name
                          : "#" + std::to_string(n.imm));
      }
      out += ":" + type(n.type);
      std::string tail = ")";
      if (n.op == ir::OpCode::kInSet) {
        Type et = !n.args.empty() && n.args[0] < p_.nodes.size() ? p_.nodes[n.args[0]].type
                                                                 : Type::of(TypeKind::kInt);
        tail = " [";
        for (uint32_t i = 0; i < n.count; ++i) {
          size_t at = static_cast<size_t>(n.imm) + i;
          if (i) tail += ", ";
          tail += at < p_.set_values.size() ? value(et, p_.set_values[at]) : "?";
        }
        tail += "])";
      }
      work.emplace_back(std::move(tail));
      for (size_t i = n.args.size(); i-- > 0;) {
        work.emplace_back(n.args[i]);
        work.emplace_back(std::string(" "));
      }
    }
    return out;
  }

  std::string action(const ir::Action& a) const {
    std::string s = ast::action_spelling(a.kind);
    if (!a.argument.empty()) s += " " + quoted(a.argument);
    return s;
  }

  void block(std::string& out, uint32_t index) const {
    const ir::Block& b = p_.blocks[index];
    out += "  block " + std::to_string(index) + " ";
    out += b.service == ir::kNoService
               ? std::string("plan")
               : "service " + (b.service < p_.services.size() ? p_.services[b.service].name
                                                              : "#" + std::to_string(b.service));
    out += "\n";
    if (b.pooled) out += "    pooled\n";
    if (b.rollover_cap || b.rollover_periods) {
      out += "    rollover cap " + std::to_string(b.rollover_cap) + " periods " +
             std::to_string(b.rollover_periods) + "\n";
    }
    if (!b.notify_ratios.empty()) {
      out += "    notify ratios";
      for (int64_t r : b.notify_ratios) out += " " + fixed(r);
      out += "\n";
    }
    if (!b.notify_amounts.empty()) {
      out += "    notify amounts";
      for (int64_t a : b.notify_amounts) out += " " + std::to_string(a);
      out += "\n";
    }
    if (!b.order.empty()) {
      out += "    order";
      for (ir::BucketOrigin o : b.order) out += std::string(" ") + origin_name(o);
      out += "\n";
    }
    for (size_t i = 0; i < b.actions.size(); ++i) {
      out += "    action " + std::to_string(i) + " " + action(b.actions[i]) + "\n";
    }
    if (b.spend_cap_action) out += "    spend_cap_action " + action(*b.spend_cap_action) + "\n";
    if (b.usage_cap_action) out += "    usage_cap_action " + action(*b.usage_cap_action) + "\n";
    if (b.member_cap_action) out += "    member_cap_action " + action(*b.member_cap_action) + "\n";
    for (size_t i = 0; i < b.windows.size(); ++i) {
      // A window that counts requests says so: its limit is then a request count, whatever
      // the service's unit.
      out += "    window " + std::to_string(i) + " " + std::to_string(b.windows[i].seconds) + " s" +
             (b.windows[i].counts_requests ? " counts_requests" : "") + "\n";
    }
    for (const ir::Function& f : b.functions) {
      out += "    ";
      out += ir::role_name(f.role);
      if (f.role == ir::Role::kWindowLimit || f.role == ir::Role::kPromoEligible) {
        out += "[" + std::to_string(f.aux) + "]";
      }
      out += " " + type(f.type) + " = " + expr(f.body) + "\n";
    }
  }

  void grants(std::string& out, const std::vector<ir::Grant>& gs) const {
    for (const ir::Grant& g : gs) {
      bool known = g.service < p_.services.size();
      out += " grant " + (known ? p_.services[g.service].name : "#" + std::to_string(g.service));
      out += " " + (known ? value(Type::quantity(p_.services[g.service].dim), g.amount)
                          : std::to_string(g.amount));
    }
  }

  void plan(std::string& out, const ir::Plan& pl) const {
    out += "plan " + pl.name + " version " + std::to_string(pl.version) + "\n";
    if (pl.effective_date) out += "  effective " + date_text(*pl.effective_date) + "\n";
    out += std::string("  period ") + period_name(pl.period.kind) + " anchor ";
    switch (pl.period.anchor) {
      case ir::AnchorKind::kActivation:
        out += "activation";
        break;
      case ir::AnchorKind::kBillingDay:
        out += "billing_day";
        break;
      case ir::AnchorKind::kDayOfMonth:
        out += "day " + std::to_string(pl.period.anchor_value);
        break;
      case ir::AnchorKind::kDate:
        out += date_text(pl.period.anchor_value);
        break;
    }
    out += "\n";
    if (pl.currency) out += "  currency " + currency(*pl.currency) + "\n";
    switch (pl.grandfather) {
      case ir::GrandfatherKind::kForever:
        out += "  grandfather forever\n";
        break;
      case ir::GrandfatherKind::kNone:
        out += "  grandfather none\n";
        break;
      case ir::GrandfatherKind::kUntil:
        out += "  grandfather until " + date_text(pl.grandfather_until) + "\n";
        break;
    }
    for (const ir::Pack& pk : pl.packs) {
      out += "  pack " + pk.name + " price " + value(Type::money(pk.currency), pk.price);
      grants(out, pk.grants);
      out += " valid " + std::to_string(pk.valid_seconds) + " s\n";
    }
    for (const ir::Promo& pr : pl.promos) {
      out += "  promo " + pr.name;
      grants(out, pr.grants);
      out += " valid " + std::to_string(pr.valid_seconds) + " s\n";
    }
    if (pl.plan_block < p_.blocks.size()) block(out, pl.plan_block);
    for (uint32_t b : pl.service_blocks) {
      if (b < p_.blocks.size()) block(out, b);
    }
  }

  std::string all() const {
    std::string out = "program " + quoted(p_.source_name) + "\n";
    int32_t tz = p_.timezone_offset_minutes;
    int32_t a = tz < 0 ? -tz : tz;
    out += std::string("timezone ") + (tz < 0 ? "-" : "+") + two(a / 60) + ":" + two(a % 60) + "\n";
    out += "context_slots " + std::to_string(p_.context_slots) + "\n";
    for (const ir::Currency& c : p_.currencies) {
      out += "currency " + c.name + " minor " + std::to_string(c.minor_digits) + "\n";
    }
    for (const ir::Service& s : p_.services) {
      out += "service " + s.name + " unit " + dim_name(s.dim);
      if (s.rating_group >= 0) out += " rating_group " + std::to_string(s.rating_group);
      if (!s.context_id.empty()) out += " context " + quoted(s.context_id);
      out += " quota " + std::to_string(s.quota) + "\n";
    }
    for (const ir::Model& m : p_.models) {
      out += "model " + m.name + " service " +
             (m.service < p_.services.size() ? p_.services[m.service].name : "?") + " id " +
             std::to_string(m.service_identifier) + " weight " + fixed(m.weight);
      if (!m.modality.empty()) out += " modality " + m.modality;
      out += "\n";
    }
    for (const ir::Attribute& at : p_.attributes) {
      out += "attribute " + at.name + " " + type(at.type) + " slot " + std::to_string(at.slot) +
             " default " + value(at.type, at.default_value) + "\n";
    }
    for (const ir::ExtensionUse& e : p_.extensions) {
      out += "extension " + e.name + " arity " + std::to_string(e.arity) + "\n";
    }
    for (const ir::Plan& pl : p_.plans) plan(out, pl);
    return out;
  }

 private:
  const ir::Program& p_;
};

}  // namespace

std::string dump_ir(const ir::Program& program) { return Dumper(program).all(); }
std::string dump_expr(const ir::Program& program, ir::ExprId expr) {
  return Dumper(program).expr(expr);
}

}  // namespace gyrate::lang
