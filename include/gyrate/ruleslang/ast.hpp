// The syntax tree of a tariff file, exactly as written, with source ranges. The parser builds it
// and performs no semantic checks; names, types and units are the checker's business.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gyrate/ruleslang/source.hpp"

namespace gyrate::lang::ast {

struct Ident {
  std::string name;
  SourceRange range;
};

enum class ExprKind {
  kNumber,    // number: `42`, `9.9`, `400k`, with an optional suffix word: `400k token`, `9.9 CNY`, `80%`
  kString,    // "text"   (text holds the unescaped value)
  kBool,      // true | false
  kDate,      // 2026-07-01   (text holds the literal as written)
  kTimeOfDay, // 22:30        (text holds the literal as written)
  kName,      // identifier: a builtin, attribute, model, weekday, ...
  kMember,    // base.field   (args[0] is base, text is the field name)
  kCall,      // name(args...) (text is the function name)
  kUnary,     // op args[0]
  kBinary,    // args[0] op args[1]
  kIn,        // args[0] in set: args[1..] are elements; or in range: args[1]..args[2] (is_range)
  kIf,        // if args[0] then args[1] else args[2]
};

enum class Op {
  kNone,
  kNeg, kNot,                          // unary
  kAdd, kSub, kMul, kDiv,              // arithmetic
  kEq, kNe, kLt, kLe, kGt, kGe,        // comparison
  kAnd, kOr,                           // logic (short-circuit)
};

struct Expr {
  ExprKind kind = ExprKind::kNumber;
  SourceRange range;
  Op op = Op::kNone;
  // kNumber: the digits as written, with an optional decimal point and an optional scale letter
  // (`400k`, `1.5M`, `30`): exactly the numeric token. suffix holds the unit/currency word or "%".
  std::string text;
  std::string suffix;
  SourceRange suffix_range;
  bool negated_in = false;  // `x not in [...]`
  bool is_range = false;    // kIn with `lo..hi`
  std::vector<Expr> args;
};

// ---- top-level declarations ----

struct CurrencyDecl {            // currency CNY minor 2;
  Ident name;
  std::string minor_digits;      // as written; the checker validates 0..6
  SourceRange minor_range;
  SourceRange range;
};

struct TimezoneDecl {            // timezone +08:00;
  std::string offset;            // as written
  SourceRange range;
};

struct Field {                   // `key value;` inside service/model/pack/promo blocks
  Ident key;
  std::optional<Ident> service;  // `grant llm 400k token;` -> service = llm
  std::vector<Expr> values;      // usually one; `models [a, b]` style lists give several
  SourceRange range;
};

struct ServiceDecl {             // service llm { unit token; rating_group 100; context "x"; quota 10k token; }
  Ident name;
  std::vector<Field> fields;
  SourceRange range;
};

struct ModelDecl {               // model qwen_max { service llm; id 1001; weight 3; modality text; }
  Ident name;
  std::vector<Field> fields;
  SourceRange range;
};

struct AttributeDecl {           // attribute segment: string = "retail";
  Ident name;
  Ident type;                    // int | bool | string | date | a unit word | `money`
  std::optional<Ident> currency; // attribute budget: money CNY;
  std::optional<Expr> default_value;
  SourceRange range;
};

// ---- plan items ----

enum class ActionKind { kTerminate, kRedirect, kRestrict, kBlock, kCharge };

struct Action {                  // terminate | redirect "url" | restrict "filter" | block | charge
  ActionKind kind = ActionKind::kBlock;
  std::string argument;          // url or filter id
  SourceRange range;
};

enum class ItemKind {
  kPeriod,      // period monthly anchor billing_day;      word=monthly, anchor_word/anchor_value
  kFee,         // fee <expr> [when <expr>];
  kEligible,    // eligible [service] when <expr>;
  kAllowance,   // allowance <svc> <expr> [pooled] [rollover <expr> [for <expr> periods]];
  kModels,      // models <svc> allow|deny [a, b];          word = allow|deny, list = names
  kWeight,      // weight <svc> = <expr> [when <expr>];
  kGrant,       // grant <svc> = <expr> [when <expr>];
  kValidity,    // validity <svc> = <expr> [when <expr>];
  kThreshold,   // threshold <svc> = <expr> [when <expr>];
  kOverage,     // overage <svc> <expr> per <expr> [when <expr>];
  kLimit,       // limit <svc> <expr> per <expr>;           rolling window
  kCapSpend,    // cap spend <expr> then <action>;
  kCapUsage,    // cap <svc> <expr> [per member] then <action>;
  kOnExhaust,   // on_exhaust <svc> <action> [when <expr>];
  kNotify,      // notify <svc> at <expr>, <expr>...;
  kOrder,       // order <svc> [promo, rollover, allowance, pack];
  kGrandfather, // grandfather until <date> | grandfather none | grandfather forever;
  kPack,        // pack <name> { price <expr>; grant <svc> <expr>; valid <expr>; }
  kPromo,       // promo <name> { grant <svc> <expr>; valid <expr>; when <expr>; }
};

struct PlanItem {
  ItemKind kind = ItemKind::kFee;
  SourceRange range;
  SourceRange keyword_range;
  std::optional<Ident> service;      // the service the item applies to, where it takes one
  std::optional<Ident> name;         // pack/promo name
  std::optional<Ident> word;         // period kind; allow|deny; grandfather until|none|forever
  std::optional<Ident> anchor_word;  // period: billing_day | activation | day | date
  std::optional<Expr> anchor_value;  // period: `anchor day 15` / `anchor 2026-01-31`
  std::optional<Expr> value;         // main expression
  std::optional<Expr> per;           // overage/limit block or window; rollover `for N periods`
  std::optional<Expr> rollover;      // allowance rollover cap
  std::optional<Expr> rollover_periods;
  bool pooled = false;               // allowance ... pooled
  bool per_member = false;           // cap <svc> ... per member
  std::optional<Expr> when;          // guard
  std::optional<Action> action;
  std::vector<Expr> list;            // notify thresholds
  std::vector<Ident> names;          // models list, order list
  std::vector<Field> fields;         // pack / promo body
};

struct PlanDecl {                    // plan NAME [version N] [effective DATE] { items }
  Ident name;
  std::optional<Expr> version;       // kNumber
  std::optional<Expr> effective;     // kDate
  std::vector<PlanItem> items;
  SourceRange range;
};

struct File {
  std::vector<CurrencyDecl> currencies;
  std::vector<TimezoneDecl> timezones;
  std::vector<ServiceDecl> services;
  std::vector<ModelDecl> models;
  std::vector<AttributeDecl> attributes;
  std::vector<PlanDecl> plans;
};

// Spellings of operators and actions as a tariff writes them, for messages and dumps.
const char* op_spelling(Op op);             // "+", "==", "and"; "" for kNone
const char* action_spelling(ActionKind k);  // "terminate", "redirect", ...

}  // namespace gyrate::lang::ast
