// Constants compared with a builtin that never takes them (`hour in 25..6`, `month == 13`): the
// rule could never (or would always) apply, so the checker reports E0406 at the constant.
#include <limits>

#include "checker_impl.hpp"

namespace gyrate::lang::check_detail {
namespace {

constexpr int64_t kUnbounded = std::numeric_limits<int64_t>::max();

// The int builtins whose values are bounded. Weekdays need no entry: they are only ever compared
// with weekday names, which are all in range.
struct BuiltinRange {
  uint16_t slot;
  int64_t lo;
  int64_t hi;  // kUnbounded: no upper bound
};

constexpr BuiltinRange kRanges[] = {
    {kSlotMonth, 1, 12},       {kSlotDay, 1, 31},         {kSlotHour, 0, 23},
    {kSlotMinute, 0, 59},      {kSlotBillingDay, 1, 31},  {kSlotPeriodIndex, 0, kUnbounded},
    {kSlotDaysLeft, 0, kUnbounded},
};

const BuiltinRange* range_of(const ir::Program& p, const Value& v) {
  if (!v.ok() || v.type.kind != TypeKind::kInt || v.id >= p.nodes.size()) return nullptr;
  const ir::Node& n = p.nodes[v.id];
  if (n.op != ir::OpCode::kLoad) return nullptr;
  for (const BuiltinRange& r : kRanges) {
    if (r.slot == n.imm) return &r;
  }
  return nullptr;
}

std::string describe_range(const BuiltinRange& r) {
  if (r.hi == kUnbounded) return std::to_string(r.lo) + " or more";
  return std::to_string(r.lo) + ".." + std::to_string(r.hi);
}

// `c op x` reads as `x mirrored(op) c`.
ast::Op mirrored(ast::Op op) {
  switch (op) {
    case ast::Op::kLt:
      return ast::Op::kGt;
    case ast::Op::kLe:
      return ast::Op::kGe;
    case ast::Op::kGt:
      return ast::Op::kLt;
    case ast::Op::kGe:
      return ast::Op::kLe;
    default:
      return op;
  }
}

// Whether `x op c` holds for some x in [lo, hi], and whether it holds for all of them.
struct Outcome {
  bool sometimes;
  bool always;
};

Outcome outcome(ast::Op op, int64_t lo, int64_t hi, int64_t c) {
  switch (op) {
    case ast::Op::kLt:
      return {lo < c, hi < c};
    case ast::Op::kLe:
      return {lo <= c, hi <= c};
    case ast::Op::kGt:
      return {hi > c, lo > c};
    case ast::Op::kGe:
      return {hi >= c, lo >= c};
    case ast::Op::kNe:
      return {true, c < lo || c > hi};
    default:
      return {c >= lo && c <= hi, false};
  }
}

}  // namespace

void Checker::check_compared_constant(ast::Op op, const Value& a, const Value& b) {
  const Value* builtin = &a;
  const Value* other = &b;
  if (!range_of(prog_, a)) {
    builtin = &b;
    other = &a;
    op = mirrored(op);
  }
  if (!range_of(prog_, *builtin) || other->type.kind != TypeKind::kInt) return;
  if (auto c = peek_constant(other->id)) check_builtin_value(*builtin, *c, other->range, op);
}

void Checker::check_range_bounds(const Value& builtin, const Value& lo, const Value& hi) {
  const BuiltinRange* r = range_of(prog_, builtin);
  if (!r) return;
  auto l = peek_constant(lo.id);
  auto h = peek_constant(hi.id);
  // `hour in 22..6` does not wrap past midnight the way times of day do.
  std::string help;
  if (r->slot == kSlotHour && l && h && *l > *h) {
    help = "hours do not wrap past midnight: for a range across it write `time in 22:00..05:59`";
  }
  if (l) check_builtin_value(builtin, *l, lo.range, ast::Op::kEq, help);
  if (h) check_builtin_value(builtin, *h, hi.range, ast::Op::kEq, help);
}

void Checker::check_builtin_value(const Value& builtin, int64_t value, SourceRange at,
                                  ast::Op op, const std::string& help) {
  const BuiltinRange* r = range_of(prog_, builtin);
  if (!r || (value >= r->lo && value <= r->hi)) return;
  bool ordering = op != ast::Op::kEq && op != ast::Op::kNe;
  Outcome o = outcome(op, r->lo, r->hi, value);
  // One past an end is the natural bound of an ordering (`hour < 24`, `days_left > -1`): it is
  // always true, but says what it means. A comparison that can never hold is always reported.
  bool next_to_range = value == r->lo - 1 || (r->hi != kUnbounded && value == r->hi + 1);
  if (ordering && o.sometimes && next_to_range) return;
  std::string name(builtin_slot_info(r->slot).name);
  std::string fix = help;
  if (fix.empty() && ordering) {
    fix = o.sometimes ? "this comparison is always true" : "this comparison is never true";
  } else if (fix.empty()) {
    fix = r->hi == kUnbounded ? "write a value of " + describe_range(*r)
                              : "write a value in " + describe_range(*r);
  }
  error(codes::kOutOfRange, at,
        "`" + name + "` is " + describe_range(*r) + "; " + std::to_string(value) +
            " is never reached",
        fix);
}

}  // namespace gyrate::lang::check_detail
