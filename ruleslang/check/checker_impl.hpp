// Private interface of the checker, shared by its files: declarations, expressions, operators,
// plan items and block assembly each live in their own checker_*.cpp.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "gyrate/ruleslang/ast.hpp"
#include "gyrate/ruleslang/checker.hpp"
#include "gyrate/ruleslang/diagnostic.hpp"
#include "gyrate/ruleslang/extensions.hpp"
#include "gyrate/ruleslang/ir.hpp"

namespace gyrate::lang::check_detail {

// A lowered expression: its root node and type. Type::error() means a diagnostic was already
// reported for it and callers stay silent (no follow-on errors).
struct Value {
  ir::ExprId id = 0;
  Type type;
  SourceRange range;
  bool ok() const { return type.kind != TypeKind::kError; }
};

inline bool known(Type t) { return t.kind != TypeKind::kError; }

// Where an expression is evaluated: which names it may use.
struct Scope {
  uint16_t service = ir::kNoService;  // service the rule is for; kNoService: plan-level item
  bool declaration = false;           // outside plans: constants only
  const char* item = "";              // the item's keyword, for messages ("fee", "eligible")
  bool money = false;                 // the item wants money: an unknown suffix is a currency
};

// One rule of a guard chain: `value when guard` (no guard: the unconditional default).
struct Rule {
  std::optional<ir::ExprId> guard;
  ir::ExprId value = 0;
  SourceRange range;
};

// A single-occurrence item remembers where it first appeared, for the E0502 note.
using Seen = std::map<std::string, SourceRange>;

// Everything a plan says about one service, gathered in source order, assembled into a Block.
struct ServiceRules {
  std::vector<ir::ExprId> eligible;
  std::optional<ir::ExprId> model_allowed;
  std::vector<Rule> weight, grant, validity, threshold, overage_price, overage_block, exhaust;
  std::optional<Type> threshold_type;
  std::optional<ir::ExprId> allowance, usage_cap, member_cap;
  std::optional<SourceRange> allowance_range, rollover_range, member_cap_range;  // for diagnostics
  std::vector<ir::ExprId> windows;  // kWindowLimit bodies, parallel to block.windows
  SourceRange first_range;          // first item naming the service (function ranges)
  ir::Block block;                  // actions, windows, rollover, notify, order, cap actions
  Seen seen;
};

// What packs and promos have in common while their fields are read.
struct Offer {
  std::vector<ir::Grant> grants;
  int64_t valid_seconds = 0;
  bool has_grant = false;
};

struct PlanState {
  ir::Plan plan;
  uint32_t index = 0;
  std::optional<uint16_t> currency;  // the first money of the plan, found before lowering
  SourceRange currency_range;
  std::vector<Rule> fee;
  std::vector<ir::ExprId> eligible;  // plan-level conditions, conjoined into every service
  std::optional<ir::ExprId> spend_cap;
  std::optional<ir::Action> spend_cap_action;
  std::vector<std::optional<ir::ExprId>> promo_when;         // parallel to plan.promos
  std::map<uint16_t, ServiceRules> services;                 // ordered by service index
  std::unordered_map<std::string, SourceRange> offer_names;  // packs and promos
  Seen seen;
};

class Checker {
 public:
  Checker(const ast::File& file, const SourceFile& source, Diagnostics& diags,
          const ExtensionRegistry* extensions);
  std::optional<ir::Program> run();

  // ---- checker.cpp: diagnostics, nodes, constants ----
  // error() and warning() say at the call site what the code's severity (from the table) is.
  void error(const DiagnosticCode& code, SourceRange r, std::string message, std::string fix = {});
  void error_with_note(const DiagnosticCode& code, SourceRange r, std::string message,
                       SourceRange note, std::string note_message, std::string fix = {});
  void warning(const DiagnosticCode& code, SourceRange r, std::string message,
               std::string fix = {}, std::optional<SourceRange> note = std::nullopt,
               std::string note_message = {});
  void add_diagnostic(const DiagnosticCode& code, SourceRange r, std::string message,
                      std::string fix, std::optional<SourceRange> note, std::string note_message);
  ir::ExprId emit(ir::OpCode op, Type type, int64_t imm, std::vector<ir::ExprId> args,
                  SourceRange r, uint32_t count = 0);
  Value constant(Type type, int64_t v, SourceRange r);
  bool is_runtime(ir::ExprId e) const;  // reads the context or calls an extension
  // The value of a constant expression, or E0309 (what: "a rollover cap") and nullopt.
  std::optional<int64_t> fold(const Value& v, const char* what);
  // The value of a constant expression, silently: nullopt when it depends on the request or
  // faults (callers that need a constant report that themselves, through fold()).
  std::optional<int64_t> peek_constant(ir::ExprId e) const;
  ir::EvalStatus evaluate_constant(ir::ExprId e, int64_t* out) const;
  int64_t intern(const std::string& s);
  std::string describe(Type t) const;   // "a token quantity", "money (CNY)", "an int"
  std::string type_word(Type t) const;  // "token quantity", "CNY money", "int"
  static std::string did_you_mean(std::string_view word, const std::vector<std::string>& cands);
  // The help of an unknown field: the closest field, then all the fields `where` takes.
  static std::string field_fix(std::string_view word, const std::vector<std::string>& fields,
                               const char* where);
  // The help of an unknown name in an expression (`first_month` -> `first_period`).
  static std::string name_fix(std::string_view word, const std::vector<std::string>& names);
  bool too_large() const { return too_large_; }

  // ---- checker_decls.cpp ----
  void check_currencies();
  void check_timezones();
  void check_services();
  void check_models();
  void check_attributes();
  void check_field_once(Seen& seen, const ast::Field& f);
  std::optional<int64_t> constant_of(const ast::Expr& e, Type want, const char* what);
  bool name_taken(const ast::Ident& name, const char* kind);

  // ---- checker_expr.cpp: leaves, names, calls ----
  Value lower(const ast::Expr& e, const Scope& s);
  Value lower_condition(const ast::Expr& e, const Scope& s, const char* what);
  Value lower_number(const ast::Expr& e, const Scope& s);
  Value lower_name(const ast::Expr& e, const Scope& s);
  Value lower_member(const ast::Expr& e, const Scope& s);
  Value lower_call(const ast::Expr& e, const Scope& s);
  Value model_weight(uint16_t service, SourceRange r);
  void note_money(uint16_t currency, SourceRange r, bool* mismatch);
  std::vector<std::string> expression_names() const;
  Type service_quantity(uint16_t service) const;
  // The help of E0203 for a number's unknown suffix; money: the item wants money.
  std::string unknown_suffix_fix(const ast::Expr& number, bool money) const;
  // "did you mean" among the declared currencies, else how to declare the currency.
  std::string currency_fix(const std::string& name) const;

  // ---- checker_ops.cpp: operators and typing rules ----
  Value lower_unary(const ast::Expr& e, const Scope& s);
  Value lower_binary(const ast::Expr& e, const Scope& s);
  Value lower_compare(ast::Op op, Value a, Value b, SourceRange r);
  Value lower_arith(ast::Op op, Value a, Value b, SourceRange r);
  Value lower_in(const ast::Expr& e, const Scope& s);
  Value lower_if(const ast::Expr& e, const Scope& s);
  Value to_ratio(const Value& v);

  // ---- checker_ranges.cpp: constants a builtin never takes (E0406) ----
  // `builtin op constant` (either side may be the builtin); op kEq for set elements and bounds.
  void check_compared_constant(ast::Op op, const Value& a, const Value& b);
  void check_builtin_value(const Value& builtin, int64_t value, SourceRange at, ast::Op op,
                           const std::string& help = {});
  void check_range_bounds(const Value& builtin, const Value& lo, const Value& hi);
  // Brings a and b to one type (int/ratio -> ratio). Reports code_other / E0302 / E0303 at r.
  bool unify(Value& a, Value& b, SourceRange r, const DiagnosticCode& code_other,
             const char* what);
  // Checks v against the type an item wants (int promotes to ratio); E0302/E0303/E0305.
  bool expect(Value& v, Type want, const std::string& what);

  // ---- checker_plan.cpp: plan items ----
  void check_plans();
  void check_plan(const ast::PlanDecl& p, uint32_t index);
  void find_plan_currency(const ast::PlanDecl& p);
  void check_item(const ast::PlanItem& item);
  void check_period(const ast::PlanItem& item);
  void check_grandfather(const ast::PlanItem& item);
  void check_ruled_item(const ast::PlanItem& item, ServiceRules& sr, uint16_t svc);
  void check_allowance(const ast::PlanItem& item, ServiceRules& sr, uint16_t svc);
  void check_models_item(const ast::PlanItem& item, ServiceRules& sr, uint16_t svc);
  void check_overage(const ast::PlanItem& item, ServiceRules& sr, uint16_t svc);
  void check_limit(const ast::PlanItem& item, ServiceRules& sr, uint16_t svc);
  void check_cap_usage(const ast::PlanItem& item, ServiceRules& sr, uint16_t svc);
  void check_notify(const ast::PlanItem& item, ServiceRules& sr, uint16_t svc);
  void check_order(const ast::PlanItem& item, ServiceRules& sr);
  // checker_consistency.cpp: what one item cannot see alone (a per-member cap needs a pooled
  // allowance, an overage needs `charge`, a price is billed in minor units).
  void check_service_consistency(uint16_t svc, const ServiceRules& sr);
  void check_price_unit(const Value& price, const char* what);
  bool once(Seen& seen, const std::string& key, SourceRange r, const std::string& what);
  std::optional<uint16_t> resolve_service(const ast::Ident& name);
  ServiceRules& rules_for(uint16_t svc, SourceRange r);
  // Lowers the item's `when`; false when it has an error (the rule is then dropped, so that it
  // cannot pose as an unconditional default).
  bool guard_of(const ast::PlanItem& item, const Scope& s, std::optional<ir::ExprId>* guard);
  ir::Action lower_action(const ast::Action& a);
  bool expect_money(Value& v, const std::string& what);
  std::optional<int64_t> positive_quantity(const ast::Expr& e, Dim dim, const char* what);

  // ---- checker_offers.cpp: packs and promos ----
  void check_pack(const ast::PlanItem& item);
  void check_promo(const ast::PlanItem& item);
  bool offer_grant(const ast::Field& f, std::vector<ir::Grant>& grants);
  // The fields packs and promos share (`grant`, `valid`); false for the caller's own fields.
  bool offer_field(const ast::Field& f, Seen& seen, Offer& offer);

  // ---- checker_blocks.cpp: guard chains and block assembly ----
  void assemble_plan();
  std::optional<ir::ExprId> chain(const std::vector<Rule>& rules, Type type,
                                  std::optional<ir::ExprId> fallback, const char* what);
  ir::ExprId conjoin(const std::vector<ir::ExprId>& conds);
  void add_function(ir::Block& b, ir::Role role, uint16_t aux, std::optional<ir::ExprId> body,
                    SourceRange r);
  void report_unused();

  // ---- state ----
  const ast::File& file_;
  const SourceFile& source_;
  Diagnostics& diags_;
  const ExtensionRegistry* extensions_;
  ir::Program prog_;
  bool too_large_ = false;

  std::unordered_map<std::string, uint16_t> currency_index_;
  std::vector<SourceRange> currency_ranges_;
  std::unordered_map<std::string, uint16_t> service_index_;
  std::unordered_map<std::string, uint32_t> model_index_;
  std::unordered_map<std::string, uint16_t> attribute_index_;
  std::vector<std::vector<uint32_t>> service_models_;  // per service, its models in order
  std::vector<bool> service_used_;
  std::vector<bool> attribute_used_;
  // Names offered as "did you mean" for an unknown name: the user meant them, so they are not
  // reported as unused (W0602) next to the E0201/E0205 that suggests them.
  std::unordered_set<std::string> offered_attributes_;
  std::unordered_set<std::string> offered_services_;
  std::unordered_map<std::string, int64_t> string_ids_;
  std::vector<std::optional<ir::ExprId>> weight_chains_;  // model.weight per service (cache)
  std::optional<ir::ExprId> all_weights_chain_;           // model.weight in plan-level items
  std::map<std::pair<std::string, int64_t>, SourceRange> plan_versions_;
  PlanState* plan_ = nullptr;  // the plan being checked
};

// Unit words (canonical and plural) for "did you mean" hints.
std::vector<std::string> unit_words();

// Slot of a user-visible builtin name, or -1.
int builtin_slot(std::string_view name);

}  // namespace gyrate::lang::check_detail
