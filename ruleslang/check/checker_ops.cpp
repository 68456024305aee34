// Expression lowering, part two: the typing rules of operators (language.md, "Arithmetic rules"),
// `in` sets and ranges, `if`, and the checks of an item's expected type.
#include "checker_impl.hpp"
#include "gyrate/ruleslang/int128.hpp"

namespace gyrate::lang::check_detail {
namespace {

using ir::OpCode;

bool numeric(TypeKind k) { return k == TypeKind::kInt || k == TypeKind::kRatio; }
bool arithmetic(TypeKind k) {
  return numeric(k) || k == TypeKind::kQuantity || k == TypeKind::kMoney;
}
bool ordered(TypeKind k) {
  return arithmetic(k) || k == TypeKind::kDate || k == TypeKind::kTimeOfDay;
}

OpCode compare_code(ast::Op op) {
  switch (op) {
    case ast::Op::kEq:
      return OpCode::kEq;
    case ast::Op::kNe:
      return OpCode::kNe;
    case ast::Op::kLt:
      return OpCode::kLt;
    case ast::Op::kLe:
      return OpCode::kLe;
    case ast::Op::kGt:
      return OpCode::kGt;
    default:
      return OpCode::kGe;
  }
}

}  // namespace

Value Checker::to_ratio(const Value& v) {
  Type ratio = Type::of(TypeKind::kRatio);
  const ir::Node& n = prog_.nodes[v.id];
  if (n.op == OpCode::kConst) {
    Int128 scaled = static_cast<Int128>(n.imm) * kFixedScale;
    if (scaled <= INT64_MAX && scaled >= INT64_MIN) {
      return constant(ratio, static_cast<int64_t>(scaled), v.range);
    }
  }
  ir::ExprId scale = emit(OpCode::kConst, Type::of(TypeKind::kInt), kFixedScale, {}, v.range);
  return Value{emit(OpCode::kMul, ratio, 0, {v.id, scale}, v.range), ratio, v.range};
}

bool Checker::unify(Value& a, Value& b, SourceRange r, const DiagnosticCode& code_other,
                    const char* what) {
  if (!a.ok() || !b.ok()) return false;
  if (a.type == b.type) return true;
  TypeKind ka = a.type.kind;
  TypeKind kb = b.type.kind;
  if (numeric(ka) && numeric(kb)) {
    if (ka == TypeKind::kInt) a = to_ratio(a);
    if (kb == TypeKind::kInt) b = to_ratio(b);
    return true;
  }
  std::string msg = std::string(what) + ": " + describe(a.type) + " and " + describe(b.type);
  if (ka == TypeKind::kQuantity && kb == TypeKind::kQuantity) {
    error(codes::kDimensionsDiffer, r, msg + " have different units");
  } else if (ka == TypeKind::kMoney && kb == TypeKind::kMoney) {
    error(codes::kCurrenciesDiffer, r, msg + " are in different currencies");
  } else {
    std::string fix;
    const Value* qty = ka == TypeKind::kQuantity ? &a : (kb == TypeKind::kQuantity ? &b : nullptr);
    const Value* num = numeric(ka) ? &a : (numeric(kb) ? &b : nullptr);
    if (qty && num) {
      fix = std::string("give the number a unit, e.g. `") + std::string(source_.slice(num->range)) +
            " " + dim_name(qty->type.dim) + "`";
    }
    error(code_other, r, msg + " do not mix", fix);
  }
  return false;
}

bool Checker::expect(Value& v, Type want, const std::string& what) {
  if (!v.ok() || !known(want)) return false;
  if (v.type == want) return true;
  if (want.kind == TypeKind::kRatio && v.type.kind == TypeKind::kInt) {
    v = to_ratio(v);
    return true;
  }
  std::string msg = what + " must be " + describe(want) + ", found " + describe(v.type);
  if (want.kind == TypeKind::kQuantity && v.type.kind == TypeKind::kQuantity) {
    error(codes::kDimensionsDiffer, v.range, msg);
  } else if (want.kind == TypeKind::kMoney && v.type.kind == TypeKind::kMoney) {
    error(codes::kCurrenciesDiffer, v.range, msg);
  } else {
    std::string fix;
    if (want.kind == TypeKind::kMoney && v.type.kind == TypeKind::kQuantity) {
      fix = "convert quantities to money with an overage price";
    } else if (want.kind == TypeKind::kQuantity && want.dim == Dim::kSecond &&
               v.type.kind == TypeKind::kInt) {
      // A bare number of seconds is never what a validity or a window means.
      fix = "give it a unit, e.g. `" + std::string(source_.slice(v.range)) + " days`";
    } else if (want.kind == TypeKind::kQuantity && v.type.kind == TypeKind::kInt) {
      fix = std::string("add the unit, e.g. `") + std::string(source_.slice(v.range)) + " " +
            dim_name(want.dim) + "`";
    }
    error(codes::kWrongItemType, v.range, msg, fix);
  }
  return false;
}

Value Checker::lower_unary(const ast::Expr& e, const Scope& s) {
  Value bad{0, Type::error(), e.range};
  if (e.args.size() != 1) return bad;
  if (e.op == ast::Op::kNot) {
    Value a = lower_condition(e.args[0], s, "the operand of `not`");
    if (!a.ok()) return bad;
    return Value{emit(OpCode::kNot, a.type, 0, {a.id}, e.range), a.type, e.range};
  }
  Value a = lower(e.args[0], s);
  if (!a.ok()) return bad;
  if (!arithmetic(a.type.kind)) {
    error(codes::kUndefinedOperation, e.args[0].range,
          "`-` is not defined for " + describe(a.type));
    return bad;
  }
  return Value{emit(OpCode::kNeg, a.type, 0, {a.id}, e.range), a.type, e.range};
}

Value Checker::lower_binary(const ast::Expr& e, const Scope& s) {
  Value bad{0, Type::error(), e.range};
  if (e.args.size() != 2) return bad;
  if (e.op == ast::Op::kAnd || e.op == ast::Op::kOr) {
    std::string what = std::string("an operand of `") + ast::op_spelling(e.op) + "`";
    Value a = lower_condition(e.args[0], s, what.c_str());
    Value b = lower_condition(e.args[1], s, what.c_str());
    if (!a.ok() || !b.ok()) return bad;
    OpCode op = e.op == ast::Op::kAnd ? OpCode::kAnd : OpCode::kOr;
    return Value{emit(op, a.type, 0, {a.id, b.id}, e.range), a.type, e.range};
  }
  Value a = lower(e.args[0], s);
  Value b = lower(e.args[1], s);
  if (!a.ok() || !b.ok()) return bad;
  switch (e.op) {
    case ast::Op::kAdd:
    case ast::Op::kSub:
    case ast::Op::kMul:
    case ast::Op::kDiv:
      return lower_arith(e.op, a, b, e.range);
    default:
      return lower_compare(e.op, a, b, e.range);
  }
}

Value Checker::lower_compare(ast::Op op, Value a, Value b, SourceRange r) {
  Value bad{0, Type::error(), r};
  std::string what = std::string("cannot compare with `") + ast::op_spelling(op) + "`";
  if (!unify(a, b, r, codes::kIncompatibleOperands, what.c_str())) return bad;
  bool ordering = op != ast::Op::kEq && op != ast::Op::kNe;
  if (ordering && !ordered(a.type.kind)) {
    error(codes::kUndefinedOperation, r,
          std::string("`") + ast::op_spelling(op) + "` is not defined for " + describe(a.type),
          "compare with `==`, `!=` or `in`");
    return bad;
  }
  check_compared_constant(op, a, b);
  Type t = Type::of(TypeKind::kBool);
  return Value{emit(compare_code(op), t, 0, {a.id, b.id}, r), t, r};
}

Value Checker::lower_arith(ast::Op op, Value a, Value b, SourceRange r) {
  Value bad{0, Type::error(), r};
  TypeKind ka = a.type.kind;
  TypeKind kb = b.type.kind;
  const char* sym = ast::op_spelling(op);
  for (const Value* v : {&a, &b}) {
    if (!arithmetic(v->type.kind)) {
      error(codes::kUndefinedOperation, v->range,
            std::string("`") + sym + "` is not defined for " + describe(v->type));
      return bad;
    }
  }
  auto make = [&](OpCode code, Type t, int64_t imm = 0) {
    return Value{emit(code, t, imm, {a.id, b.id}, r), t, r};
  };
  Type ratio = Type::of(TypeKind::kRatio);
  if (op == ast::Op::kAdd || op == ast::Op::kSub) {
    std::string what = std::string("cannot ") + (op == ast::Op::kAdd ? "add" : "subtract");
    if (!unify(a, b, r, codes::kIncompatibleOperands, what.c_str())) return bad;
    return make(op == ast::Op::kAdd ? OpCode::kAdd : OpCode::kSub, a.type);
  }
  if (op == ast::Op::kMul) {
    if (ka == TypeKind::kInt && kb == TypeKind::kInt) return make(OpCode::kMul, a.type);
    if (ka == TypeKind::kRatio && kb == TypeKind::kRatio) {
      return make(OpCode::kMulScaled, ratio, kFixedScale);
    }
    // int * ratio is exact as a plain product: millionths times a count stay millionths.
    if (numeric(ka) && numeric(kb)) return make(OpCode::kMul, ratio);
    if (numeric(ka) || numeric(kb)) {
      const Value& scalar = numeric(ka) ? a : b;
      Type t = numeric(ka) ? b.type : a.type;
      if (scalar.type.kind == TypeKind::kInt) return make(OpCode::kMul, t);
      return make(OpCode::kMulScaled, t, kFixedScale);
    }
    bool money_qty = (ka == TypeKind::kMoney) != (kb == TypeKind::kMoney);
    error(codes::kIncompatibleOperands, r,
          "cannot multiply " + describe(a.type) + " by " + describe(b.type),
          money_qty ? "convert quantities to money with an overage price, e.g. "
                      "`overage <service> 1 CNY per 1M token`"
                    : "multiply by an int or a ratio");
    return bad;
  }
  // A constant zero divisor faults on every request that reaches it (5031): say so now.
  if (auto divisor = peek_constant(b.id); divisor && *divisor == 0) {
    error(codes::kDivisionByZero, b.range,
          "division by zero: this divisor is always 0, so every request that reaches it fails "
          "(5031)",
          "divide by a value that is never 0");
    return bad;
  }
  // Division: by int or ratio keeps the dividend's type; like quantities or money give a ratio.
  if (kb == TypeKind::kInt) return make(OpCode::kDiv, a.type);
  if (kb == TypeKind::kRatio) return make(OpCode::kDivScaled, a.type, kFixedScale);
  if (ka == kb) {
    if (!unify(a, b, r, codes::kIncompatibleOperands, "cannot divide")) return bad;
    return make(OpCode::kDivScaled, ratio, kFixedScale);
  }
  error(codes::kIncompatibleOperands, r,
        "cannot divide " + describe(a.type) + " by " + describe(b.type),
        "divide by an int, a ratio or a value of the same type");
  return bad;
}

Value Checker::lower_in(const ast::Expr& e, const Scope& s) {
  Value bad{0, Type::error(), e.range};
  if (e.args.empty()) return bad;
  Value v = lower(e.args[0], s);
  Type b = Type::of(TypeKind::kBool);
  ir::ExprId result = 0;
  if (e.is_range) {
    if (e.args.size() != 3) return bad;
    Value lo = lower(e.args[1], s);
    Value hi = lower(e.args[2], s);
    if (!v.ok() || !lo.ok() || !hi.ok()) return bad;
    if (!unify(v, lo, e.args[1].range, codes::kIncompatibleOperands, "range bound") ||
        !unify(v, hi, e.args[2].range, codes::kIncompatibleOperands, "range bound") ||
        !unify(v, lo, e.args[1].range, codes::kIncompatibleOperands, "range bound")) {
      return bad;
    }
    TypeKind k = v.type.kind;
    if (!ordered(k) && k != TypeKind::kWeekday) {
      error(codes::kUndefinedOperation, e.args[0].range,
            "a range is not defined for " + describe(v.type), "use a set: `x in [a, b]`");
      return bad;
    }
    size_t errors_before = diags_.error_count();
    if (k == TypeKind::kInt) check_range_bounds(v, lo, hi);
    // Times of day and weekdays wrap: `22:00..06:00` spans midnight, `fri..mon` the weekend.
    bool wrap = k == TypeKind::kTimeOfDay || k == TypeKind::kWeekday;
    std::optional<int64_t> lo_value = peek_constant(lo.id);
    std::optional<int64_t> hi_value = peek_constant(hi.id);
    bool bounds_reported = diags_.error_count() != errors_before;
    if (!wrap && !bounds_reported && lo_value && hi_value && *lo_value > *hi_value) {
      // Other ranges do not wrap, so `hour in 22..6` would never hold: say so instead.
      std::string a(source_.slice(e.args[1].range)), z(source_.slice(e.args[2].range));
      std::string x(source_.slice(e.args[0].range));
      error(codes::kOutOfRange, SourceRange{e.args[1].range.begin, e.args[2].range.end},
            "the range " + a + ".." + z + " is empty: its lower bound is above its upper bound",
            "only times of day and weekdays wrap; write `" + x + " >= " + a + " or " + x +
                " <= " + z + "`");
      return bad;
    }
    result =
        emit(wrap ? OpCode::kInRangeWrap : OpCode::kInRange, b, 0, {v.id, lo.id, hi.id}, e.range);
  } else {
    std::vector<Value> elems;
    bool ok = v.ok();
    for (size_t i = 1; i < e.args.size(); ++i) {
      elems.push_back(lower(e.args[i], s));
      ok = ok && elems.back().ok();
    }
    if (!ok) return bad;
    // Two passes: a ratio late in the set promotes the value, and then the earlier ints.
    for (int pass = 0; pass < 2; ++pass) {
      for (Value& el : elems) {
        if (!unify(v, el, el.range, codes::kIncompatibleOperands, "set element")) return bad;
      }
    }
    std::vector<int64_t> values;
    for (const Value& el : elems) {
      auto c = fold(el, "a set element");
      if (!c) return bad;
      values.push_back(*c);
      if (v.type.kind == TypeKind::kInt) check_builtin_value(v, *c, el.range, ast::Op::kEq);
    }
    uint32_t start = static_cast<uint32_t>(prog_.set_values.size());
    prog_.set_values.insert(prog_.set_values.end(), values.begin(), values.end());
    result = emit(OpCode::kInSet, b, start, {v.id}, e.range, static_cast<uint32_t>(values.size()));
  }
  if (e.negated_in) result = emit(OpCode::kNot, b, 0, {result}, e.range);
  return Value{result, b, e.range};
}

Value Checker::lower_if(const ast::Expr& e, const Scope& s) {
  Value bad{0, Type::error(), e.range};
  if (e.args.size() != 3) return bad;
  Value c = lower_condition(e.args[0], s, "the `if` condition");
  Value a = lower(e.args[1], s);
  Value b = lower(e.args[2], s);
  if (!c.ok() ||
      !unify(a, b, e.args[2].range, codes::kBranchTypesDiffer, "`if` branches differ in type")) {
    return bad;
  }
  return Value{emit(OpCode::kIf, a.type, 0, {c.id, a.id, b.id}, e.range), a.type, e.range};
}

}  // namespace gyrate::lang::check_detail
