// The checker's entry point and shared machinery: diagnostics, node emission, constant folding.
#include <algorithm>
#include <utility>

#include "checker_impl.hpp"
#include "gyrate/ruleslang/interpreter.hpp"

namespace gyrate::lang {
namespace check_detail {

Checker::Checker(const ast::File& file, const SourceFile& source, Diagnostics& diags,
                 const ExtensionRegistry* extensions)
    : file_(file), source_(source), diags_(diags), extensions_(extensions) {
  prog_.source_name = source.name();
  prog_.strings.push_back("");  // id 0: a string the catalog never mentions
}

std::optional<ir::Program> Checker::run() {
  size_t first = diags_.items().size();
  size_t errors_before = diags_.error_count();
  check_currencies();
  check_timezones();
  check_services();
  check_models();
  check_attributes();
  check_plans();
  report_unused();
  // Lowering visits items grouped by purpose; users read diagnostics in source order.
  auto& items = diags_.items();
  std::stable_sort(
      items.begin() + static_cast<std::ptrdiff_t>(first), items.end(),
      [](const Diagnostic& a, const Diagnostic& b) { return a.range.begin < b.range.begin; });
  if (diags_.error_count() != errors_before) return std::nullopt;
  prog_.context_slots = kSlotBuiltinCount + static_cast<uint32_t>(prog_.attributes.size());
  ir::index_roles(prog_);
  return std::move(prog_);
}

void Checker::error(const DiagnosticCode& code, SourceRange r, std::string message,
                    std::string fix) {
  add_diagnostic(code, r, std::move(message), std::move(fix), std::nullopt, {});
}

void Checker::error_with_note(const DiagnosticCode& code, SourceRange r, std::string message,
                              SourceRange note, std::string note_message, std::string fix) {
  add_diagnostic(code, r, std::move(message), std::move(fix), note,
                 std::move(note_message));
}

void Checker::warning(const DiagnosticCode& code, SourceRange r, std::string message,
                      std::string fix, std::optional<SourceRange> note, std::string note_message) {
  add_diagnostic(code, r, std::move(message), std::move(fix), note,
                 std::move(note_message));
}

void Checker::add_diagnostic(const DiagnosticCode& code, SourceRange r, std::string message,
                             std::string fix, std::optional<SourceRange> note,
                             std::string note_message) {
  Diagnostic d;
  d.severity = code.severity;
  d.code = std::string(code.code);
  d.range = r;
  d.message = std::move(message);
  d.fix = std::move(fix);
  if (note) d.notes.push_back(DiagnosticNote{*note, true, std::move(note_message)});
  diags_.add(std::move(d));
}

ir::ExprId Checker::emit(ir::OpCode op, Type type, int64_t imm, std::vector<ir::ExprId> args,
                         SourceRange r, uint32_t count) {
  if (prog_.nodes.size() >= kMaxNodes) {
    // Past the limit nothing more is stored; the program is discarded because of the error.
    if (!too_large_) {
      too_large_ = true;
      error(
          codes::kTooMany, r,
          "the catalog is too large: more than " + std::to_string(kMaxNodes) + " expression nodes",
          "split the catalog into several files");
    }
    return 0;
  }
  ir::Node n;
  n.op = op;
  n.type = type;
  n.imm = imm;
  n.count = count;
  n.args = std::move(args);
  n.range = r;
  prog_.nodes.push_back(std::move(n));
  return static_cast<ir::ExprId>(prog_.nodes.size() - 1);
}

Value Checker::constant(Type type, int64_t v, SourceRange r) {
  return Value{emit(ir::OpCode::kConst, type, v, {}, r), type, r};
}

bool Checker::is_runtime(ir::ExprId root) const {
  if (root >= prog_.nodes.size()) return true;
  std::vector<ir::ExprId> stack{root};
  while (!stack.empty()) {
    const ir::Node& n = prog_.nodes[stack.back()];
    stack.pop_back();
    if (n.op == ir::OpCode::kLoad || n.op == ir::OpCode::kCall) return true;
    for (ir::ExprId a : n.args) stack.push_back(a);
  }
  return false;
}

std::optional<int64_t> Checker::fold(const Value& v, const char* what) {
  if (!v.ok() || too_large_) return std::nullopt;
  if (is_runtime(v.id)) {
    error(codes::kConstantRequired, v.range,
          std::string("a constant is required for ") + what +
              ", but this value depends on the request or the subscriber",
          "write a literal such as `10M token` or `9.9 CNY`");
    return std::nullopt;
  }
  int64_t out = 0;
  ir::EvalStatus st = evaluate_constant(v.id, &out);
  if (st != ir::EvalStatus::kOk) {
    bool by_zero = st == ir::EvalStatus::kDivByZero;
    error(by_zero ? codes::kDivisionByZero : codes::kNumberTooLarge, v.range,
          by_zero ? "this constant divides by zero" : "this constant is too large (overflow)");
    return std::nullopt;
  }
  return out;
}

ir::EvalStatus Checker::evaluate_constant(ir::ExprId e, int64_t* out) const {
  const ir::Node& root = prog_.nodes[e];
  if (root.op == ir::OpCode::kConst) {
    *out = root.imm;
    return ir::EvalStatus::kOk;
  }
  // Constant arithmetic (`10M token * 2`) folds with the reference interpreter, so overflow and
  // rounding are exactly what the rule would do at run time.
  std::vector<int64_t> zeros(kSlotBuiltinCount + prog_.attributes.size() + 1, 0);
  Interpreter interp(prog_, extensions_);
  return interp.evaluate_expr(e, zeros.data(), out);
}

std::optional<int64_t> Checker::peek_constant(ir::ExprId e) const {
  if (too_large_ || e >= prog_.nodes.size() || is_runtime(e)) return std::nullopt;
  int64_t out = 0;
  if (evaluate_constant(e, &out) != ir::EvalStatus::kOk) return std::nullopt;
  return out;
}

int64_t Checker::intern(const std::string& s) {
  auto it = string_ids_.find(s);
  if (it != string_ids_.end()) return it->second;
  int64_t id = static_cast<int64_t>(prog_.strings.size());
  prog_.strings.push_back(s);
  string_ids_.emplace(s, id);
  return id;
}

std::string Checker::type_word(Type t) const {
  switch (t.kind) {
    case TypeKind::kQuantity:
      return std::string(dim_name(t.dim)) + " quantity";
    case TypeKind::kMoney:
      if (t.currency < prog_.currencies.size()) return prog_.currencies[t.currency].name + " money";
      return "money";
    case TypeKind::kTimeOfDay:
      return "time of day";
    default:
      return type_kind_name(t.kind);
  }
}

std::string Checker::describe(Type t) const {
  std::string w = type_word(t);
  bool vowel = !w.empty() && std::string_view("aeiou").find(w[0]) != std::string_view::npos;
  if (t.kind == TypeKind::kMoney) return w;
  return (vowel ? "an " : "a ") + w;
}

std::string Checker::did_you_mean(std::string_view word, const std::vector<std::string>& cands) {
  std::string best = closest_match(word, cands);
  if (best.empty()) return {};
  return "did you mean `" + best + "`?";
}

std::string Checker::field_fix(std::string_view word, const std::vector<std::string>& fields,
                               const char* where) {
  std::string listed;
  for (size_t i = 0; i < fields.size(); ++i) listed += (i ? ", `" : "`") + fields[i] + "`";
  std::string fix = did_you_mean(word, fields);
  return (fix.empty() ? "" : fix + " ") + "the fields of " + where + ": " + listed;
}

// The closest name, or the word a designer coming from monthly plans reaches for: a plan's
// period may be a day, a week or a year, and the builtin is `first_period` for all of them.
std::string Checker::name_fix(std::string_view word, const std::vector<std::string>& names) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kMeant{
      {"first_month", "first_period"}, {"first_week", "first_period"},
      {"first_day", "first_period"},   {"first_year", "first_period"},
      {"is_first_period", "first_period"}, {"month_index", "period_index"},
      {"period_number", "period_index"}};
  for (const auto& [written, meant] : kMeant) {
    if (word == written) return "did you mean `" + std::string(meant) + "`?";
  }
  return did_you_mean(word, names);
}

bool Checker::name_taken(const ast::Ident& name, const char* kind) {
  // Attributes, models, builtins and weekday names share the expression namespace.
  std::string prior;
  SourceRange at{};
  bool has_range = false;
  if (builtin_slot(name.name) >= 0 || name.name == "first_period") {
    prior = "a builtin name";
  } else if (auto w = std::string_view(name.name); w == "mon" || w == "tue" || w == "wed" ||
                                                   w == "thu" || w == "fri" || w == "sat" ||
                                                   w == "sun") {
    prior = "a weekday name";
  } else if (auto a = attribute_index_.find(name.name); a != attribute_index_.end()) {
    prior = "an attribute";
    at = prog_.attributes[a->second].range;
    has_range = true;
  } else if (auto m = model_index_.find(name.name); m != model_index_.end()) {
    prior = "a model";
    at = prog_.models[m->second].range;
    has_range = true;
  } else {
    return false;
  }
  std::string msg = std::string(kind) + " `" + name.name + "` is already " + prior;
  if (has_range) {
    error_with_note(codes::kDuplicate, name.range, msg, at, "first declared here",
                    "choose another name");
  } else {
    error(codes::kDuplicate, name.range, msg, "choose another name");
  }
  return true;
}

}  // namespace check_detail

std::optional<ir::Program> check(const ast::File& file, const SourceFile& source,
                                 Diagnostics& diags, const ExtensionRegistry* extensions) {
  check_detail::Checker c(file, source, diags, extensions);
  return c.run();
}

}  // namespace gyrate::lang
