// Expression lowering, part one: literals, names, members and calls. Operators are in
// checker_ops.cpp.
#include <algorithm>
#include <cctype>

#include "checker_impl.hpp"
#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/ruleslang/literal.hpp"

namespace gyrate::lang::check_detail {
namespace {

constexpr const char* kWeekdayNames[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

bool service_relative(uint16_t slot) { return builtin_slot_info(slot).kind == TypeKind::kQuantity; }

std::string plural(std::string_view unit) { return std::string(unit) + "s"; }

// The name of a call (`minimum` in `minimum(a, b)`), where an unknown function is reported.
SourceRange call_name_range(const SourceFile& source, const ast::Expr& call) {
  SourceRange r{call.range.begin, call.range.begin + static_cast<uint32_t>(call.text.size())};
  if (r.end > call.range.end || source.slice(r) != call.text) return call.range;
  return r;
}

// "did you mean" for a function: a close spelling, else a name the word starts with or that
// starts with the word (`minimum` -> `min`, `max_of` -> `max`).
std::string function_fix(const std::string& fn, const std::vector<std::string>& cands) {
  std::string best = closest_match(fn, cands);
  for (size_t i = 0; i < cands.size() && best.empty(); ++i) {
    size_t common = std::min(fn.size(), cands[i].size());
    if (common >= 3 && fn.compare(0, common, cands[i], 0, common) == 0) best = cands[i];
  }
  return best.empty() ? std::string() : "did you mean `" + best + "`?";
}

std::vector<std::string> currency_names(const ir::Program& p) {
  std::vector<std::string> out;
  for (const ir::Currency& c : p.currencies) out.push_back(c.name);
  return out;
}

}  // namespace

int builtin_slot(std::string_view name) {
  if (name.empty()) return -1;
  for (uint16_t s = 0; s < kSlotBuiltinCount; ++s) {
    if (builtin_slot_info(s).name == name) return s;
  }
  return -1;
}

Type Checker::service_quantity(uint16_t service) const {
  if (service >= prog_.services.size() || prog_.services[service].dim == Dim::kNone) {
    return Type::error();  // the service's own declaration already reported the problem
  }
  return Type::quantity(prog_.services[service].dim);
}

std::vector<std::string> Checker::expression_names() const {
  std::vector<std::string> out{"first_period"};
  for (uint16_t s = 0; s < kSlotBuiltinCount; ++s) {
    if (!builtin_slot_info(s).name.empty()) out.emplace_back(builtin_slot_info(s).name);
  }
  for (const ir::Attribute& a : prog_.attributes) out.push_back(a.name);
  for (const ir::Model& m : prog_.models) out.push_back(m.name);
  for (const char* w : kWeekdayNames) out.emplace_back(w);
  return out;
}

void Checker::note_money(uint16_t currency, SourceRange r, bool* mismatch) {
  *mismatch = false;
  if (!plan_ || !plan_->currency || *plan_->currency == currency) return;
  *mismatch = true;
  error_with_note(codes::kMixedCurrencies, r,
                  "plan `" + plan_->plan.name +
                      "` mixes currencies: " + prog_.currencies[currency].name + " here, " +
                      prog_.currencies[*plan_->currency].name + " elsewhere",
                  plan_->currency_range, "the plan's currency is set here",
                  "price everything of one plan in " + prog_.currencies[*plan_->currency].name);
}

Value Checker::lower(const ast::Expr& e, const Scope& s) {
  if (too_large_) return Value{0, Type::error(), e.range};
  switch (e.kind) {
    case ast::ExprKind::kNumber:
      return lower_number(e, s);
    case ast::ExprKind::kString:
      return constant(Type::of(TypeKind::kString), intern(e.text), e.range);
    case ast::ExprKind::kBool:
      return constant(Type::of(TypeKind::kBool), e.text == "true" ? 1 : 0, e.range);
    case ast::ExprKind::kDate: {
      auto d = calendar::parse_date(e.text);
      if (!d) {
        error(codes::kNotADate, e.range, "`" + e.text + "` is not a calendar date",
              "write a real day as YYYY-MM-DD, e.g. `2026-07-01`");
        return Value{0, Type::error(), e.range};
      }
      return constant(Type::of(TypeKind::kDate), calendar::days_from_civil(*d), e.range);
    }
    case ast::ExprKind::kTimeOfDay: {
      auto t = literal::parse_time_of_day(e.text);
      if (!t) {
        error(codes::kNotATimeOfDay, e.range, "`" + e.text + "` is not a time of day",
              "write HH:MM between 00:00 and 23:59");
        return Value{0, Type::error(), e.range};
      }
      return constant(Type::of(TypeKind::kTimeOfDay), *t, e.range);
    }
    case ast::ExprKind::kName:
      return lower_name(e, s);
    case ast::ExprKind::kMember:
      return lower_member(e, s);
    case ast::ExprKind::kCall:
      return lower_call(e, s);
    case ast::ExprKind::kUnary:
      return lower_unary(e, s);
    case ast::ExprKind::kBinary:
      return lower_binary(e, s);
    case ast::ExprKind::kIn:
      return lower_in(e, s);
    case ast::ExprKind::kIf:
      return lower_if(e, s);
  }
  return Value{0, Type::error(), e.range};
}

Value Checker::lower_condition(const ast::Expr& e, const Scope& s, const char* what) {
  Scope cond = s;
  cond.money = false;  // a fee's `when` is a condition, whatever the fee wants
  Value v = lower(e, cond);
  if (v.ok() && v.type.kind != TypeKind::kBool) {
    error(codes::kConditionNotBool, e.range,
          std::string(what) + " must be a bool, found " + describe(v.type),
          "compare it, e.g. `x == ...` or `x > ...`");
    return Value{0, Type::error(), e.range};
  }
  return v;
}

Value Checker::lower_number(const ast::Expr& e, const Scope& s) {
  Value bad{0, Type::error(), e.range};
  std::string token = e.text;
  bool percent_suffix = e.suffix == "%";
  if (percent_suffix) token += "%";
  literal::ParsedNumber p = literal::parse_number(token);
  if (p.error == literal::NumberError::kMalformed) {
    error(codes::kSyntax, e.range, "`" + e.text + "` is not a number");
    return bad;
  }
  if (p.error == literal::NumberError::kTooLarge) {
    error(codes::kNumberTooLarge, e.range, "the number `" + e.text + "` is too large");
    return bad;
  }
  const literal::Number& n = p.number;
  auto too_large = [&] {
    error(codes::kNumberTooLarge, e.range,
          "`" + std::string(source_.slice(e.range)) + "` is too large",
          "the largest value is about 9.2e18 base units (9.2e12 for money and ratios)");
    return bad;
  };
  if (e.suffix.empty() || percent_suffix) {
    bool ratio = n.has_point || n.percent;
    literal::Fixed f = literal::to_fixed(n, ratio ? kFixedScale : 1);
    if (f.error == literal::FixedError::kOverflow) return too_large();
    if (f.error == literal::FixedError::kInexact) {
      error(codes::kTooManyDecimals, e.range,
            "`" + std::string(source_.slice(e.range)) + "` has more than 6 decimal places");
      return bad;
    }
    return constant(Type::of(ratio ? TypeKind::kRatio : TypeKind::kInt), f.value, e.range);
  }
  if (const literal::UnitInfo* u = literal::find_unit(e.suffix)) {
    literal::Fixed f = literal::to_fixed(n, u->base_per_unit);
    if (f.error == literal::FixedError::kOverflow) return too_large();
    if (f.error == literal::FixedError::kInexact) {
      const char* base = dim_name(u->dim);
      error(
          codes::kNotWholeUnits, e.range,
          "`" + std::string(source_.slice(e.range)) + "` is not a whole number of " + plural(base),
          "quantities count whole " + plural(base) + ": write a whole number of " + plural(base) +
              " or a larger unit with fewer decimals");
      return bad;
    }
    return constant(Type::quantity(u->dim), f.value, e.range);
  }
  if (auto c = currency_index_.find(e.suffix); c != currency_index_.end()) {
    literal::Fixed f = literal::to_fixed(n, kFixedScale);
    if (f.error == literal::FixedError::kOverflow) return too_large();
    if (f.error == literal::FixedError::kInexact) {
      error(codes::kTooManyDecimals, e.range,
            "`" + std::string(source_.slice(e.range)) + "` has more than 6 decimal places",
            "money is exact to a millionth of " + e.suffix);
      return bad;
    }
    bool mismatch = false;
    note_money(c->second, e.range, &mismatch);
    if (mismatch) return bad;
    return constant(Type::money(c->second), f.value, e.range);
  }
  error(codes::kUnknownSuffix, e.suffix_range, "unknown unit or currency `" + e.suffix + "`",
        unknown_suffix_fix(e, s.money));
  return bad;
}

std::string Checker::unknown_suffix_fix(const ast::Expr& number, bool money) const {
  const std::string& suffix = number.suffix;
  // `400 ktoken`: the scale letter belongs to the number (`400k token`), and the nearest unit
  // word, `token`, would be 1000 times too few.
  const bool scale_letter = suffix.size() > 1 && (suffix[0] == 'k' || suffix[0] == 'M' ||
                                                  suffix[0] == 'G');
  const char last = number.text.empty() ? '\0' : number.text.back();
  const bool number_scaled = last == 'k' || last == 'M' || last == 'G';
  if (scale_letter && !number_scaled && literal::find_unit(suffix.substr(1)) != nullptr) {
    return "write the scale letter on the number: `" + number.text + suffix[0] + " " +
           suffix.substr(1) + "`";
  }
  bool looks_like_currency =
      suffix.size() == 3 &&
      std::all_of(suffix.begin(), suffix.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
  std::vector<std::string> units = unit_words();
  if (!money && !looks_like_currency) {
    std::vector<std::string> cands = currency_names(prog_);
    cands.insert(cands.begin(), units.begin(), units.end());
    return did_you_mean(suffix, cands);
  }
  // Where money is due, or for an ISO-looking code, `RMB` is a currency, not a typo of `MB`.
  if (!money) {
    // Unless no currency is close and it is a unit in capitals (`KIB` for `KiB`).
    auto same_letters = [&](const std::string& unit) {
      return unit.size() == suffix.size() &&
             std::equal(unit.begin(), unit.end(), suffix.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) ==
                      std::tolower(static_cast<unsigned char>(b));
             });
    };
    auto unit = std::find_if(units.begin(), units.end(), same_letters);
    if (unit != units.end() && closest_match(suffix, currency_names(prog_)).empty()) {
      return "did you mean `" + *unit + "`?";
    }
  }
  return currency_fix(suffix);
}

std::string Checker::currency_fix(const std::string& name) const {
  std::vector<std::string> names = currency_names(prog_);
  std::string fix = did_you_mean(name, names);
  if (!fix.empty()) return fix;
  std::string declare = "declare it: `currency " + name + " minor 2;`";
  if (names.empty()) return declare;
  std::string listed;
  constexpr size_t kListed = 4;
  for (size_t i = 0; i < names.size() && i < kListed; ++i) {
    listed += (i ? ", `" : "`") + names[i] + "`";
  }
  if (names.size() > kListed) listed += ", ...";
  return "use a declared currency (" + listed + ") or " + declare;
}

Value Checker::lower_name(const ast::Expr& e, const Scope& s) {
  Value bad{0, Type::error(), e.range};
  const std::string& name = e.text;
  int slot = name == "first_period" ? kSlotPeriodIndex : builtin_slot(name);
  if (slot >= 0) {
    if (s.declaration) {
      error(codes::kConstantRequired, e.range,
            "a constant is required here, but `" + name + "` changes with each request");
      return bad;
    }
    uint16_t sl = static_cast<uint16_t>(slot);
    Type t = Type::of(builtin_slot_info(sl).kind);
    if (service_relative(sl)) {
      if (s.service == ir::kNoService) {
        error(codes::kServiceNameInPlanItem, e.range,
              "`" + name + "` is relative to a service, but `" + s.item +
                  "` applies to the whole plan",
              "use it in a service item, e.g. `eligible <service> when ...`");
        return bad;
      }
      t = service_quantity(s.service);
      if (!known(t)) return bad;
    } else if (t.kind == TypeKind::kMoney) {
      if (plan_ && plan_->currency) {
        t = Type::money(*plan_->currency);
      } else if (!prog_.currencies.empty()) {
        t = Type::money(0);
      } else {
        error(codes::kUnknownCurrency, e.range,
              "`" + name + "` is money, but the file declares no currency",
              "declare one: `currency CNY minor 2;`");
        return bad;
      }
    }
    ir::ExprId load = emit(ir::OpCode::kLoad, t, sl, {}, e.range);
    if (name != "first_period") return Value{load, t, e.range};
    ir::ExprId zero = emit(ir::OpCode::kConst, t, 0, {}, e.range);
    Type b = Type::of(TypeKind::kBool);
    return Value{emit(ir::OpCode::kEq, b, 0, {load, zero}, e.range), b, e.range};
  }
  if (auto a = attribute_index_.find(name); a != attribute_index_.end()) {
    attribute_used_[a->second] = true;
    const ir::Attribute& attr = prog_.attributes[a->second];
    if (s.declaration) {
      error(codes::kConstantRequired, e.range,
            "a constant is required here, but attribute `" + name + "` differs per subscriber");
      return bad;
    }
    if (!known(attr.type)) return bad;
    if (attr.type.kind == TypeKind::kMoney) {
      bool mismatch = false;
      note_money(attr.type.currency, e.range, &mismatch);
      if (mismatch) return bad;
    }
    return Value{emit(ir::OpCode::kLoad, attr.type, attr.slot, {}, e.range), attr.type, e.range};
  }
  if (auto m = model_index_.find(name); m != model_index_.end()) {
    // In a rule for one service the request's model is one of that service's: another
    // service's model never matches, so `model == it` is always false.
    const uint16_t owner = prog_.models[m->second].service;
    // A model whose service is unknown is in no list (and has an error of its own).
    const bool has_owner =
        owner < service_models_.size() &&
        std::find(service_models_[owner].begin(), service_models_[owner].end(), m->second) !=
            service_models_[owner].end();
    if (s.service != ir::kNoService && owner != s.service && has_owner) {
      std::string own;
      for (uint32_t i : service_models_[s.service]) {
        own += (own.empty() ? "`" : ", `") + prog_.models[i].name + "`";
      }
      const std::string& svc_name = prog_.services[s.service].name;
      error_with_note(codes::kModelOfOtherService, e.range,
                      "model `" + name + "` is a model of `" + prog_.services[owner].name +
                          "`, but this rule is for `" + svc_name +
                          "`: the request's model is never it",
                      prog_.models[m->second].range, "declared here for another service",
                      own.empty() ? "`" + svc_name + "` has no models; remove the test"
                                  : "test a model of `" + svc_name + "`: " + own);
      return bad;
    }
    return constant(Type::of(TypeKind::kModel), m->second, e.range);
  }
  if (auto w = literal::parse_weekday(name)) {
    return constant(Type::of(TypeKind::kWeekday), *w, e.range);
  }
  std::string best = closest_match(name, expression_names());
  if (attribute_index_.count(best)) offered_attributes_.insert(best);
  error(codes::kUnknownName, e.range, "unknown name `" + name + "`",
        name_fix(name, expression_names()));
  return bad;
}

Value Checker::model_weight(uint16_t service, SourceRange r) {
  std::optional<ir::ExprId>& cached =
      service == ir::kNoService ? all_weights_chain_ : weight_chains_[service];
  Type ratio = Type::of(TypeKind::kRatio);
  if (cached) return Value{*cached, ratio, r};
  std::vector<uint32_t> models;
  if (service == ir::kNoService) {
    for (uint32_t i = 0; i < prog_.models.size(); ++i) models.push_back(i);
  } else {
    models = service_models_[service];
  }
  // if model == m1 then w1 else if model == m2 then w2 ... else 1.0
  ir::ExprId tail = emit(ir::OpCode::kConst, ratio, kFixedScale, {}, r);
  Type model_t = Type::of(TypeKind::kModel);
  Type b = Type::of(TypeKind::kBool);
  for (auto it = models.rbegin(); it != models.rend(); ++it) {
    ir::ExprId load = emit(ir::OpCode::kLoad, model_t, kSlotModel, {}, r);
    ir::ExprId id = emit(ir::OpCode::kConst, model_t, *it, {}, r);
    ir::ExprId eq = emit(ir::OpCode::kEq, b, 0, {load, id}, r);
    ir::ExprId w = emit(ir::OpCode::kConst, ratio, prog_.models[*it].weight, {}, r);
    tail = emit(ir::OpCode::kIf, ratio, 0, {eq, w, tail}, r);
  }
  cached = tail;
  return Value{tail, ratio, r};
}

Value Checker::lower_member(const ast::Expr& e, const Scope& s) {
  Value bad{0, Type::error(), e.range};
  const ast::Expr* base = e.args.empty() ? nullptr : &e.args[0];
  bool is_model = base && base->kind == ast::ExprKind::kName && base->text == "model";
  if (!is_model || e.text != "weight") {
    std::string base_text = base ? std::string(source_.slice(base->range)) : "?";
    error(codes::kUnknownMember, e.range, "unknown member `" + base_text + "." + e.text + "`",
          is_model ? did_you_mean(e.text, {"weight"}) : "the only member is `model.weight`");
    return bad;
  }
  if (s.declaration) {
    error(codes::kConstantRequired, e.range,
          "a constant is required here, but `model.weight` depends on the request");
    return bad;
  }
  return model_weight(s.service, e.range);
}

Value Checker::lower_call(const ast::Expr& e, const Scope& s) {
  Value bad{0, Type::error(), e.range};
  const std::string& fn = e.text;
  std::vector<Value> args;
  bool ok = true;
  for (const ast::Expr& a : e.args) {
    args.push_back(lower(a, s));
    ok = ok && args.back().ok();
  }
  if (fn == "min" || fn == "max") {
    if (args.size() < 2) {
      error(codes::kArgumentCount, e.range,
            "`" + fn + "` takes at least 2 arguments, found " + std::to_string(args.size()));
      return bad;
    }
    if (!ok) return bad;
    for (size_t i = 1; i < args.size(); ++i) {
      if (!unify(args[0], args[i], args[i].range, codes::kBranchTypesDiffer, fn.c_str()))
        return bad;
    }
    // A later ratio argument may have promoted args[0]: bring the middle ones along.
    for (size_t i = 1; i < args.size(); ++i) {
      if (!unify(args[0], args[i], args[i].range, codes::kBranchTypesDiffer, fn.c_str()))
        return bad;
    }
    Type t = args[0].type;
    switch (t.kind) {
      case TypeKind::kInt:
      case TypeKind::kRatio:
      case TypeKind::kQuantity:
      case TypeKind::kMoney:
      case TypeKind::kDate:
      case TypeKind::kTimeOfDay:
        break;
      default:
        error(codes::kUndefinedOperation, e.range,
              "`" + fn + "` is not defined for " + describe(t));
        return bad;
    }
    std::vector<ir::ExprId> ids;
    for (const Value& a : args) ids.push_back(a.id);
    ir::OpCode op = fn == "min" ? ir::OpCode::kMin : ir::OpCode::kMax;
    return Value{emit(op, t, 0, std::move(ids), e.range), t, e.range};
  }
  const ExtensionDecl* decl = extensions_ ? extensions_->find(fn) : nullptr;
  if (!decl) {
    std::vector<std::string> cands{"min", "max"};
    if (extensions_) {
      for (const ExtensionDecl& d : extensions_->all()) cands.push_back(d.name);
    }
    error(codes::kUnknownFunction, call_name_range(source_, e), "unknown function `" + fn + "`",
          function_fix(fn, cands));
    return bad;
  }
  if (args.size() != decl->params.size()) {
    error(codes::kArgumentCount, e.range,
          "`" + fn + "` takes " + std::to_string(decl->params.size()) + " argument" +
              (decl->params.size() == 1 ? "" : "s") + ", found " + std::to_string(args.size()));
    return bad;
  }
  if (!ok) return bad;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string what = "argument " + std::to_string(i + 1) + " of `" + fn + "`";
    if (!expect(args[i], decl->params[i], what)) ok = false;
  }
  if (!ok) return bad;
  uint32_t index = 0;
  while (index < prog_.extensions.size() && prog_.extensions[index].name != fn) ++index;
  if (index == prog_.extensions.size()) {
    prog_.extensions.push_back(ir::ExtensionUse{fn, static_cast<uint32_t>(args.size())});
  }
  std::vector<ir::ExprId> ids;
  for (const Value& a : args) ids.push_back(a.id);
  return Value{emit(ir::OpCode::kCall, decl->result, index, std::move(ids), e.range), decl->result,
               e.range};
}

}  // namespace gyrate::lang::check_detail
