// Values and expressions of a checked program in the tariff's own notation (see expr_text.hpp).
#include "expr_text.hpp"

#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/ruleslang/context.hpp"
#include "gyrate/ruleslang/literal.hpp"

namespace gyrate::engine {
namespace {

using lang::ir::OpCode;

std::string two(int64_t v) { return (v < 10 ? "0" : "") + std::to_string(v); }

// Millionths with at least `decimals` fraction digits and every non-zero one: an exact price
// (0.005 CNY) must not read as a rounded one.
std::string millionths(int64_t v, int decimals) {
  uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  std::string frac = std::to_string(mag % 1'000'000);
  frac.insert(0, 6 - frac.size(), '0');
  while (frac.size() > static_cast<size_t>(decimals) && frac.back() == '0') frac.pop_back();
  std::string out = (v < 0 ? "-" : "") + std::to_string(mag / 1'000'000);
  return frac.empty() ? out : out + "." + frac;
}

std::string plural(int64_t n, const char* unit) {
  return std::to_string(n) + " " + unit + (n == 1 || n == -1 ? "" : "s");
}

std::string quantity(int64_t v, lang::Dim dim) {
  int64_t mag = v < 0 ? -v : v;
  switch (dim) {
    case lang::Dim::kByte: {
      static constexpr struct { int64_t size; const char* name; } kUnits[] = {
          {int64_t{1} << 40, "TiB"}, {int64_t{1} << 30, "GiB"}, {int64_t{1} << 20, "MiB"},
          {int64_t{1} << 10, "KiB"}};
      for (const auto& u : kUnits) {
        if (mag >= u.size && mag % u.size == 0) return std::to_string(v / u.size) + " " + u.name;
      }
      return std::to_string(v) + " B";
    }
    case lang::Dim::kSecond:
      return duration_text(v);
    case lang::Dim::kToken:
      // Token counts are written with scale letters in tariffs ("3M token", "400k token").
      if (mag >= 1'000'000 && mag % 1'000'000 == 0) return std::to_string(v / 1'000'000) + "M tokens";
      if (mag >= 1'000 && mag % 1'000 == 0) return std::to_string(v / 1'000) + "k tokens";
      return plural(v, "token");
    case lang::Dim::kRequest:
      return plural(v, "request");
    case lang::Dim::kEvent:
      return plural(v, "event");
    case lang::Dim::kNone:
      break;
  }
  return std::to_string(v);
}

// Binding strength, loosest first; an operand binding looser than its operator gets parentheses.
enum Prec : int { kIfPrec, kOrPrec, kAndPrec, kNotPrec, kCmpPrec, kAddPrec, kMulPrec, kNegPrec, kAtom };

// Deep enough for any rule a person writes; deeper input prints "..." instead of using the stack.
constexpr int kMaxDepth = 64;

class Infix {
 public:
  explicit Infix(const lang::ir::Program& p) : p_(p) {}

  std::string expr(lang::ir::ExprId id, int outer, int depth) const {
    if (id >= p_.nodes.size() || depth > kMaxDepth) return "...";
    const lang::ir::Node& n = p_.nodes[id];
    int prec = kAtom;
    std::string s = body(n, &prec, depth);
    return prec < outer ? "(" + s + ")" : s;
  }

 private:
  std::string arg(const lang::ir::Node& n, size_t i, int outer, int depth) const {
    return i < n.args.size() ? expr(n.args[i], outer, depth + 1) : "?";
  }

  std::string list(const lang::ir::Node& n, size_t from, int depth) const {
    std::string s;
    for (size_t i = from; i < n.args.size(); ++i) s += (i > from ? ", " : "") + arg(n, i, kIfPrec, depth);
    return s;
  }

  std::string binary(const lang::ir::Node& n, const char* op, int prec, int* out, int depth) const {
    *out = prec;
    // Left-associative: the right operand at the same strength needs parentheses.
    return arg(n, 0, prec, depth) + " " + op + " " + arg(n, 1, prec + 1, depth);
  }

  // The checker spells `first_period` as period_index == 0.
  bool is_first_period(const lang::ir::Node& n) const {
    if (n.args.size() != 2 || n.args[0] >= p_.nodes.size() || n.args[1] >= p_.nodes.size()) {
      return false;
    }
    const lang::ir::Node& a = p_.nodes[n.args[0]];
    const lang::ir::Node& b = p_.nodes[n.args[1]];
    return a.op == OpCode::kLoad && a.imm == lang::kSlotPeriodIndex && b.op == OpCode::kConst &&
           b.imm == 0;
  }

  std::string slot(int64_t s) const {
    if (s >= 0 && s < lang::kSlotBuiltinCount) {
      std::string_view name = lang::builtin_slot_info(static_cast<uint16_t>(s)).name;
      if (!name.empty()) return std::string(name);
    }
    for (const lang::ir::Attribute& a : p_.attributes) {
      if (a.slot == s) return a.name;
    }
    return "slot" + std::to_string(s);
  }

  std::string body(const lang::ir::Node& n, int* prec, int depth) const {
    switch (n.op) {
      case OpCode::kConst: return value_text(p_, n.type, n.imm);
      case OpCode::kLoad: return slot(n.imm);
      case OpCode::kAdd: return binary(n, "+", kAddPrec, prec, depth);
      case OpCode::kSub: return binary(n, "-", kAddPrec, prec, depth);
      case OpCode::kMul:
      case OpCode::kMulScaled: return binary(n, "*", kMulPrec, prec, depth);
      case OpCode::kDiv:
      case OpCode::kDivScaled: return binary(n, "/", kMulPrec, prec, depth);
      case OpCode::kEq:
        if (is_first_period(n)) return "first_period";  // what the designer wrote
        return binary(n, "==", kCmpPrec, prec, depth);
      case OpCode::kNe: return binary(n, "!=", kCmpPrec, prec, depth);
      case OpCode::kLt: return binary(n, "<", kCmpPrec, prec, depth);
      case OpCode::kLe: return binary(n, "<=", kCmpPrec, prec, depth);
      case OpCode::kGt: return binary(n, ">", kCmpPrec, prec, depth);
      case OpCode::kGe: return binary(n, ">=", kCmpPrec, prec, depth);
      case OpCode::kAnd: return binary(n, "and", kAndPrec, prec, depth);
      case OpCode::kOr: return binary(n, "or", kOrPrec, prec, depth);
      case OpCode::kNeg:
        *prec = kNegPrec;
        return "-" + arg(n, 0, kNegPrec, depth);
      case OpCode::kNot:
        *prec = kNotPrec;
        return "not " + arg(n, 0, kNotPrec, depth);
      case OpCode::kIf:
        *prec = kIfPrec;
        return "if " + arg(n, 0, kIfPrec + 1, depth) + " then " + arg(n, 1, kIfPrec + 1, depth) +
               " else " + arg(n, 2, kIfPrec, depth);
      case OpCode::kMin: return "min(" + list(n, 0, depth) + ")";
      case OpCode::kMax: return "max(" + list(n, 0, depth) + ")";
      case OpCode::kInSet: {
        *prec = kCmpPrec;
        lang::Type et = !n.args.empty() && n.args[0] < p_.nodes.size() ? p_.nodes[n.args[0]].type
                                                                       : lang::Type::of(lang::TypeKind::kInt);
        std::string s = arg(n, 0, kCmpPrec + 1, depth) + " in [";
        for (uint32_t i = 0; i < n.count; ++i) {
          size_t at = static_cast<size_t>(n.imm) + i;
          s += (i ? ", " : "") + (at < p_.set_values.size() ? value_text(p_, et, p_.set_values[at]) : "?");
        }
        return s + "]";
      }
      case OpCode::kInRange:
      case OpCode::kInRangeWrap:
        *prec = kCmpPrec;
        return arg(n, 0, kCmpPrec + 1, depth) + " in " + arg(n, 1, kAtom, depth) + ".." +
               arg(n, 2, kAtom, depth);
      case OpCode::kCall: {
        bool known = n.imm >= 0 && static_cast<uint64_t>(n.imm) < p_.extensions.size();
        return (known ? p_.extensions[static_cast<size_t>(n.imm)].name : "extension") + "(" +
               list(n, 0, depth) + ")";
      }
      case OpCode::kNoMatch: return "no match";
    }
    return "?";
  }

  const lang::ir::Program& p_;
};

}  // namespace

std::string duration_text(int64_t seconds) {
  if (seconds >= 86'400 && seconds % 86'400 == 0) return plural(seconds / 86'400, "day");
  if (seconds >= 3600 && seconds % 3600 == 0) return std::to_string(seconds / 3600) + " h";
  if (seconds >= 60 && seconds % 60 == 0) return std::to_string(seconds / 60) + " min";
  return std::to_string(seconds) + " s";
}

std::string date_text(int64_t days) {
  lang::calendar::CivilDate d = lang::calendar::civil_from_days(days);
  return std::to_string(d.year) + "-" + two(d.month) + "-" + two(d.day);
}

std::string value_text(const lang::ir::Program& program, lang::Type type, int64_t value) {
  using lang::TypeKind;
  switch (type.kind) {
    case TypeKind::kBool:
      return value ? "true" : "false";
    case TypeKind::kRatio:
      return millionths(value, 0);
    case TypeKind::kMoney: {
      bool known = type.currency < program.currencies.size();
      int minor = known ? program.currencies[type.currency].minor_digits : 2;
      return millionths(value, minor) + " " +
             (known ? program.currencies[type.currency].name : std::string("?"));
    }
    case TypeKind::kQuantity:
      return quantity(value, type.dim);
    case TypeKind::kString:
      if (value > 0 && static_cast<uint64_t>(value) < program.strings.size()) {
        return "\"" + program.strings[static_cast<size_t>(value)] + "\"";
      }
      return "\"?\"";
    case TypeKind::kDate:
      return date_text(value);
    case TypeKind::kTimeOfDay:
      return two(value / 60) + ":" + two(value % 60);
    case TypeKind::kWeekday:
      return lang::literal::weekday_name(value);
    case TypeKind::kModel:
      if (value >= 0 && static_cast<uint64_t>(value) < program.models.size()) {
        return program.models[static_cast<size_t>(value)].name;
      }
      return "none";
    default:
      return std::to_string(value);
  }
}

std::string expr_text(const lang::ir::Program& program, lang::ir::ExprId expr) {
  return Infix(program).expr(expr, kIfPrec, 0);
}

}  // namespace gyrate::engine
