// The parser: every declaration, item and expression form builds the expected AST shape with
// ranges; syntax errors give one positioned diagnostic in the designer's words; hostile input
// (truncated, flipped, deep, huge, random) never crashes.
#include "gyrate/ruleslang/parser.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>

#include "gyrate/ruleslang/dump.hpp"

namespace gyrate::lang {
namespace {

using ast::ExprKind;
using ast::ItemKind;

struct Parsed {
  std::unique_ptr<SourceFile> source;
  Diagnostics diags;
  std::optional<ast::File> file;

  bool ok() const { return file.has_value(); }
  const Diagnostic& error() const { return diags.items().at(0); }
  std::string where(SourceRange r) const {
    const LineColumn lc = source->position(r.begin);
    return std::to_string(lc.line) + ":" + std::to_string(lc.column);
  }
  std::string span(SourceRange r) const { return where(r) + "-" + where({r.end, r.end}); }
  std::string rendered() const { return render_all(diags, *source); }
};

Parsed parse_text(const std::string& text, const std::string& name = "test.tariff") {
  Parsed p;
  p.source = std::make_unique<SourceFile>(name, text);
  p.file = parse(*p.source, p.diags);
  return p;
}

// A compact, hand-checkable form of an expression: `(+ 1 (* 2 3))`, `400k'token`, `(. a b)`.
std::string sx(const ast::Expr& e) {
  auto args = [&](size_t from) {
    std::string s;
    for (size_t i = from; i < e.args.size(); ++i) s += " " + sx(e.args[i]);
    return s;
  };
  static const char* const kOps[] = {
      "", "neg", "not", "+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "and", "or"};
  switch (e.kind) {
    case ExprKind::kNumber: return e.text + (e.suffix.empty() ? "" : "'" + e.suffix);
    case ExprKind::kString: return "\"" + e.text + "\"";
    case ExprKind::kBool:
    case ExprKind::kDate:
    case ExprKind::kTimeOfDay:
    case ExprKind::kName: return e.text;
    case ExprKind::kMember: return "(. " + sx(e.args.at(0)) + " " + e.text + ")";
    case ExprKind::kCall: return "(call " + e.text + args(0) + ")";
    case ExprKind::kUnary:
    case ExprKind::kBinary: return "(" + std::string(kOps[static_cast<int>(e.op)]) + args(0) + ")";
    case ExprKind::kIn:
      return std::string("(") + (e.negated_in ? "not-in" : "in") + (e.is_range ? "-range" : "") +
             args(0) + ")";
    case ExprKind::kIf: return "(if" + args(0) + ")";
  }
  return "?";
}

// Parses `text` as the value of a fee and returns its shape, or the error message.
std::string expr(const std::string& text) {
  Parsed p = parse_text("plan p { fee " + text + "; }");
  if (!p.ok()) return "error: " + p.error().message;
  return sx(*p.file->plans.at(0).items.at(0).value);
}

// A copy, so callers may pass a temporary Parsed.
ast::PlanItem only_item(const Parsed& p) {
  EXPECT_TRUE(p.ok()) << p.rendered();
  if (!p.ok() || p.file->plans.empty() || p.file->plans[0].items.size() != 1) return {};
  return p.file->plans[0].items[0];
}

Parsed item(const std::string& text) { return parse_text("plan p {\n  " + text + "\n}\n"); }

std::vector<std::string> names(const std::vector<ast::Ident>& ids) {
  std::vector<std::string> out;
  for (const auto& id : ids) out.push_back(id.name);
  return out;
}

std::vector<std::string> shapes(const std::vector<ast::Expr>& es) {
  std::vector<std::string> out;
  for (const auto& e : es) out.push_back(sx(e));
  return out;
}

// ---- files and declarations ----

TEST(Parser, EmptyAndCommentOnlyFilesAreEmptyAsts) {
  for (const char* text :
       {"", "  \n\t\r\n", "# only a comment", "// c1\n# c2\n# non-ASCII \xE4\xBD\xA0\n"}) {
    Parsed p = parse_text(text);
    ASSERT_TRUE(p.ok()) << p.rendered();
    EXPECT_TRUE(p.diags.items().empty());
    EXPECT_TRUE(p.file->plans.empty());
    EXPECT_TRUE(p.file->currencies.empty());
  }
}

TEST(Parser, CurrencyAndTimezone) {
  Parsed p = parse_text("currency CNY minor 2;\ntimezone +08:00;\ntimezone -05:30;");
  ASSERT_TRUE(p.ok()) << p.rendered();
  ASSERT_EQ(p.file->currencies.size(), 1u);
  const auto& c = p.file->currencies[0];
  EXPECT_EQ(c.name.name, "CNY");
  EXPECT_EQ(c.minor_digits, "2");
  EXPECT_EQ(p.span(c.minor_range), "1:20-1:21");
  EXPECT_EQ(p.span(c.range), "1:1-1:22");
  ASSERT_EQ(p.file->timezones.size(), 2u);
  EXPECT_EQ(p.file->timezones[0].offset, "+08:00");
  EXPECT_EQ(p.file->timezones[1].offset, "-05:30");
  EXPECT_EQ(p.span(p.file->timezones[1].range), "3:1-3:17");
}

TEST(Parser, ServiceAndModelFieldsAcceptKeywordsAsKeys) {
  Parsed p = parse_text(
      "service data { unit byte; rating_group 200; context \"32251@3gpp.org\"; quota 10 MiB; }\n"
      "model qwen_max { service llm; id 1001; weight 3; modality text; price 2 CNY, 3 CNY; }\n"
      "model m2 { tags [a, b]; none []; }");
  ASSERT_TRUE(p.ok()) << p.rendered();
  ASSERT_EQ(p.file->services.size(), 1u);
  const auto& s = p.file->services[0];
  EXPECT_EQ(s.name.name, "data");
  ASSERT_EQ(s.fields.size(), 4u);
  EXPECT_EQ(s.fields[0].key.name, "unit");
  EXPECT_EQ(shapes(s.fields[0].values), std::vector<std::string>{"byte"});
  EXPECT_EQ(s.fields[0].values[0].kind, ExprKind::kName);
  EXPECT_EQ(shapes(s.fields[2].values), std::vector<std::string>{"\"32251@3gpp.org\""});
  EXPECT_EQ(shapes(s.fields[3].values), std::vector<std::string>{"10'MiB"});
  EXPECT_EQ(p.span(s.fields[1].range), "1:27-1:44");

  ASSERT_EQ(p.file->models.size(), 2u);
  const auto& m = p.file->models[0];
  ASSERT_EQ(m.fields.size(), 5u);
  EXPECT_EQ(m.fields[0].key.name, "service");
  EXPECT_EQ(m.fields[2].key.name, "weight");
  EXPECT_EQ(shapes(m.fields[4].values), (std::vector<std::string>{"2'CNY", "3'CNY"}));
  const auto& m2 = p.file->models[1];
  EXPECT_EQ(shapes(m2.fields[0].values), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(m2.fields[1].values.empty());
}

TEST(Parser, AttributeForms) {
  Parsed p = parse_text(
      "attribute segment: string = \"retail\";\n"
      "attribute seats: int = 1;\n"
      "attribute budget: money CNY = 100 CNY;\n"
      "attribute opc_customer: bool;\n"
      "attribute ceiling: money USD;\n");
  ASSERT_TRUE(p.ok()) << p.rendered();
  const auto& a = p.file->attributes;
  ASSERT_EQ(a.size(), 5u);
  EXPECT_EQ(a[0].name.name, "segment");
  EXPECT_EQ(a[0].type.name, "string");
  EXPECT_EQ(sx(*a[0].default_value), "\"retail\"");
  EXPECT_FALSE(a[0].currency);
  EXPECT_EQ(a[2].type.name, "money");
  ASSERT_TRUE(a[2].currency);
  EXPECT_EQ(a[2].currency->name, "CNY");
  EXPECT_EQ(sx(*a[2].default_value), "100'CNY");
  EXPECT_FALSE(a[3].default_value);
  EXPECT_EQ(a[4].currency->name, "USD");
  EXPECT_FALSE(a[4].default_value);
  EXPECT_EQ(p.span(a[1].range), "2:1-2:26");
}

TEST(Parser, PlanHeaderVersionAndEffectiveDate) {
  Parsed p = parse_text("plan basic version 3 effective 2026-07-01 { }\nplan other { }");
  ASSERT_TRUE(p.ok()) << p.rendered();
  ASSERT_EQ(p.file->plans.size(), 2u);
  const auto& plan = p.file->plans[0];
  EXPECT_EQ(plan.name.name, "basic");
  ASSERT_TRUE(plan.version);
  EXPECT_EQ(plan.version->kind, ExprKind::kNumber);
  EXPECT_EQ(plan.version->text, "3");
  ASSERT_TRUE(plan.effective);
  EXPECT_EQ(plan.effective->kind, ExprKind::kDate);
  EXPECT_EQ(plan.effective->text, "2026-07-01");
  EXPECT_EQ(p.span(plan.range), "1:1-1:46");
  EXPECT_FALSE(p.file->plans[1].version);
  EXPECT_FALSE(p.file->plans[1].effective);
}

// ---- plan items ----

TEST(Items, PeriodWithEachAnchor) {
  Parsed p = parse_text(
      "plan p {\n period monthly anchor billing_day;\n period weekly anchor activation;\n"
      " period monthly anchor day 15;\n period annual anchor 2026-01-31;\n period once;\n}");
  ASSERT_TRUE(p.ok()) << p.rendered();
  const auto& items = p.file->plans[0].items;
  ASSERT_EQ(items.size(), 5u);
  for (const auto& it : items) EXPECT_EQ(it.kind, ItemKind::kPeriod);
  EXPECT_EQ(items[0].word->name, "monthly");
  EXPECT_EQ(items[0].anchor_word->name, "billing_day");
  EXPECT_FALSE(items[0].anchor_value);
  EXPECT_EQ(items[1].anchor_word->name, "activation");
  EXPECT_EQ(items[2].anchor_word->name, "day");
  EXPECT_EQ(sx(*items[2].anchor_value), "15");
  EXPECT_EQ(items[3].anchor_word->name, "date");
  EXPECT_EQ(items[3].anchor_value->kind, ExprKind::kDate);
  EXPECT_EQ(p.span(items[3].anchor_word->range), "5:23-5:33");
  EXPECT_EQ(items[4].word->name, "once");
  EXPECT_FALSE(items[4].anchor_word);
}

TEST(Items, FeeWithAndWithoutGuard) {
  Parsed p = item("fee 9.9 CNY when first_period; fee 29 CNY * seats;");
  ASSERT_TRUE(p.ok()) << p.rendered();
  const auto& items = p.file->plans[0].items;
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].kind, ItemKind::kFee);
  EXPECT_EQ(sx(*items[0].value), "9.9'CNY");
  EXPECT_EQ(sx(*items[0].when), "first_period");
  EXPECT_EQ(sx(*items[1].value), "(* 29'CNY seats)");
  EXPECT_FALSE(items[1].when);
  EXPECT_EQ(p.span(items[0].keyword_range), "2:3-2:6");
  EXPECT_EQ(p.span(items[0].range), "2:3-2:33");
}

TEST(Items, EligibleForPlanAndService) {
  Parsed p = item("eligible when region == \"shanghai\"; eligible llm when seats > 1;");
  ASSERT_TRUE(p.ok()) << p.rendered();
  const auto& items = p.file->plans[0].items;
  EXPECT_EQ(items[0].kind, ItemKind::kEligible);
  EXPECT_FALSE(items[0].service);
  EXPECT_EQ(sx(*items[0].when), "(== region \"shanghai\")");
  EXPECT_EQ(items[1].service->name, "llm");
  EXPECT_EQ(sx(*items[1].when), "(> seats 1)");
}

TEST(Items, AllowanceWithPoolAndRollover) {
  const auto& it =
      only_item(item("allowance llm 50M token * seats pooled rollover 10M token for 2 periods;"));
  EXPECT_EQ(it.kind, ItemKind::kAllowance);
  EXPECT_EQ(it.service->name, "llm");
  EXPECT_EQ(sx(*it.value), "(* 50M'token seats)");
  EXPECT_TRUE(it.pooled);
  EXPECT_EQ(sx(*it.rollover), "10M'token");
  EXPECT_EQ(sx(*it.rollover_periods), "2");

  // Like units, `period` takes the singular: `for 1 period`.
  const auto& one = only_item(item("allowance data 20 GiB rollover 5 GiB for 1 period;"));
  EXPECT_EQ(sx(*one.rollover_periods), "1");
  const auto& plural_one = only_item(item("allowance data 20 GiB rollover 5 GiB for 1 periods;"));
  EXPECT_EQ(sx(*plural_one.rollover_periods), "1");

  const auto& plain = only_item(item("allowance data 20 GiB;"));
  EXPECT_FALSE(plain.pooled);
  EXPECT_FALSE(plain.rollover);
  EXPECT_FALSE(plain.rollover_periods);
  const auto& rollover_only = only_item(item("allowance data 20GiB rollover 5 GiB;"));
  EXPECT_EQ(sx(*rollover_only.value), "20'GiB");
  EXPECT_EQ(sx(*rollover_only.rollover), "5'GiB");
  EXPECT_FALSE(rollover_only.rollover_periods);
}

TEST(Items, ModelsAllowAndDeny) {
  const auto& allow = only_item(item("models llm allow [qwen_max, qwen_turbo];"));
  EXPECT_EQ(allow.kind, ItemKind::kModels);
  EXPECT_EQ(allow.word->name, "allow");
  EXPECT_EQ(names(allow.names), (std::vector<std::string>{"qwen_max", "qwen_turbo"}));
  const auto& deny = only_item(item("models llm deny [];"));
  EXPECT_EQ(deny.word->name, "deny");
  EXPECT_TRUE(deny.names.empty());
}

TEST(Items, WeightGrantValidityThreshold) {
  Parsed p = item(
      "weight llm = 3 when model == qwen_max;\n grant llm = min(requested, 100k token);\n"
      " validity llm = 1 h;\n threshold llm = 20%;");
  ASSERT_TRUE(p.ok()) << p.rendered();
  const auto& items = p.file->plans[0].items;
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0].kind, ItemKind::kWeight);
  EXPECT_EQ(items[0].service->name, "llm");
  EXPECT_EQ(sx(*items[0].value), "3");
  EXPECT_EQ(sx(*items[0].when), "(== model qwen_max)");
  EXPECT_EQ(items[1].kind, ItemKind::kGrant);
  EXPECT_EQ(sx(*items[1].value), "(call min requested 100k'token)");
  EXPECT_EQ(items[2].kind, ItemKind::kValidity);
  EXPECT_EQ(sx(*items[2].value), "1'h");
  EXPECT_EQ(items[3].kind, ItemKind::kThreshold);
  EXPECT_EQ(sx(*items[3].value), "20'%");
}

TEST(Items, OverageAndLimit) {
  const auto& o = only_item(item("overage llm 1 CNY per 1M token when hour in 0..6;"));
  EXPECT_EQ(o.kind, ItemKind::kOverage);
  EXPECT_EQ(sx(*o.value), "1'CNY");
  EXPECT_EQ(sx(*o.per), "1M'token");
  EXPECT_EQ(sx(*o.when), "(in-range hour 0 6)");
  const auto& l = only_item(item("limit code 1200 requests per 5 h;"));
  EXPECT_EQ(l.kind, ItemKind::kLimit);
  EXPECT_EQ(l.service->name, "code");
  EXPECT_EQ(sx(*l.value), "1200'requests");
  EXPECT_EQ(sx(*l.per), "5'h");
  EXPECT_FALSE(l.when);
}

TEST(Items, CapsAndActions) {
  Parsed p = item(
      "cap spend 50 CNY then terminate;\n cap llm 5M token per member then block;\n"
      " cap data 100 GiB then restrict \"throttle_1m\";\n cap llm 1M token then charge;");
  ASSERT_TRUE(p.ok()) << p.rendered();
  const auto& items = p.file->plans[0].items;
  EXPECT_EQ(items[0].kind, ItemKind::kCapSpend);
  EXPECT_FALSE(items[0].service);
  EXPECT_EQ(sx(*items[0].value), "50'CNY");
  EXPECT_EQ(items[0].action->kind, ast::ActionKind::kTerminate);
  EXPECT_EQ(items[1].kind, ItemKind::kCapUsage);
  EXPECT_EQ(items[1].service->name, "llm");
  EXPECT_TRUE(items[1].per_member);
  EXPECT_EQ(items[1].action->kind, ast::ActionKind::kBlock);
  EXPECT_FALSE(items[2].per_member);
  EXPECT_EQ(items[2].action->kind, ast::ActionKind::kRestrict);
  EXPECT_EQ(items[2].action->argument, "throttle_1m");
  EXPECT_EQ(p.span(items[2].action->range), "4:24-4:46");
  EXPECT_EQ(items[3].action->kind, ast::ActionKind::kCharge);
  EXPECT_EQ(p.span(items[0].keyword_range), "2:3-2:6");
}

TEST(Items, OnExhaust) {
  const auto& it =
      only_item(item("on_exhaust llm redirect \"https://topup.example.cn/t?a=\\\"1\\\"\" when "
                     "remaining == 0 token;"));
  EXPECT_EQ(it.kind, ItemKind::kOnExhaust);
  EXPECT_EQ(it.service->name, "llm");
  EXPECT_EQ(it.action->kind, ast::ActionKind::kRedirect);
  EXPECT_EQ(it.action->argument, "https://topup.example.cn/t?a=\"1\"");
  EXPECT_EQ(sx(*it.when), "(== remaining 0'token)");
  const auto& term = only_item(item("on_exhaust data terminate;"));
  EXPECT_EQ(term.action->kind, ast::ActionKind::kTerminate);
  EXPECT_TRUE(term.action->argument.empty());
}

TEST(Items, NotifyOrderGrandfather) {
  const auto& n = only_item(item("notify llm at 80%, 100%, 50k token;"));
  EXPECT_EQ(n.kind, ItemKind::kNotify);
  EXPECT_EQ(shapes(n.list), (std::vector<std::string>{"80'%", "100'%", "50k'token"}));
  const auto& o = only_item(item("order llm [promo, rollover, allowance, pack];"));
  EXPECT_EQ(o.kind, ItemKind::kOrder);
  EXPECT_EQ(names(o.names), (std::vector<std::string>{"promo", "rollover", "allowance", "pack"}));
  const auto& until = only_item(item("grandfather until 2027-01-01;"));
  EXPECT_EQ(until.kind, ItemKind::kGrandfather);
  EXPECT_EQ(until.word->name, "until");
  EXPECT_EQ(sx(*until.value), "2027-01-01");
  EXPECT_EQ(only_item(item("grandfather none;")).word->name, "none");
  const auto& forever = only_item(item("grandfather forever;"));
  EXPECT_EQ(forever.word->name, "forever");
  EXPECT_FALSE(forever.value);
}

TEST(Items, PackAndPromoBodies) {
  Parsed p = item(
      "pack p400k { price 1 CNY; grant llm 400k token; valid 30 days; }\n"
      "  promo opc { grant llm 30M token; valid 90 days; when segment == \"shanghai_opc\"; }");
  ASSERT_TRUE(p.ok()) << p.rendered();
  const auto& items = p.file->plans[0].items;
  ASSERT_EQ(items.size(), 2u);
  const auto& pack = items[0];
  EXPECT_EQ(pack.kind, ItemKind::kPack);
  EXPECT_EQ(pack.name->name, "p400k");
  ASSERT_EQ(pack.fields.size(), 3u);
  EXPECT_EQ(pack.fields[0].key.name, "price");
  EXPECT_EQ(shapes(pack.fields[0].values), std::vector<std::string>{"1'CNY"});
  EXPECT_EQ(pack.fields[1].key.name, "grant");
  ASSERT_TRUE(pack.fields[1].service);
  EXPECT_EQ(pack.fields[1].service->name, "llm");
  EXPECT_EQ(shapes(pack.fields[1].values), std::vector<std::string>{"400k'token"});
  EXPECT_EQ(shapes(pack.fields[2].values), std::vector<std::string>{"30'days"});
  EXPECT_EQ(p.span(pack.range), "2:3-2:67");
  const auto& promo = items[1];
  EXPECT_EQ(promo.kind, ItemKind::kPromo);
  EXPECT_EQ(promo.name->name, "opc");
  EXPECT_EQ(promo.fields[2].key.name, "when");
  EXPECT_EQ(shapes(promo.fields[2].values),
            std::vector<std::string>{"(== segment \"shanghai_opc\")"});
}

// ---- expressions ----

TEST(Expressions, Precedence) {
  EXPECT_EQ(expr("1 + 2 * 3"), "(+ 1 (* 2 3))");
  EXPECT_EQ(expr("1 * 2 + 3"), "(+ (* 1 2) 3)");
  EXPECT_EQ(expr("1 - 2 - 3"), "(- (- 1 2) 3)");
  EXPECT_EQ(expr("a / b * c"), "(* (/ a b) c)");
  EXPECT_EQ(expr("a or b and c"), "(or a (and b c))");
  EXPECT_EQ(expr("a and b or c"), "(or (and a b) c)");
  EXPECT_EQ(expr("not a and b"), "(and (not a) b)");
  EXPECT_EQ(expr("not a == b"), "(not (== a b))");
  EXPECT_EQ(expr("not not a"), "(not (not a))");
  EXPECT_EQ(expr("a + b == c * d"), "(== (+ a b) (* c d))");
  EXPECT_EQ(expr("a < b and c >= d"), "(and (< a b) (>= c d))");
  EXPECT_EQ(expr("-a * b"), "(* (neg a) b)");
  EXPECT_EQ(expr("- - a"), "(neg (neg a))");
  EXPECT_EQ(expr("-a.b"), "(neg (. a b))");
  EXPECT_EQ(expr("-(a + b)"), "(neg (+ a b))");
  EXPECT_EQ(expr("(a or b) and c"), "(and (or a b) c)");
  EXPECT_EQ(expr("a + b in [1, 2]"), "(in (+ a b) 1 2)");
  EXPECT_EQ(expr("if a then b else c or d"), "(if a b (or c d))");
  EXPECT_EQ(expr("if a then if b then 1 else 2 else 3"), "(if a (if b 1 2) 3)");
  EXPECT_EQ(expr("if a or b then 1 + 2 else if c then 3 else 4"),
            "(if (or a b) (+ 1 2) (if c 3 4))");
  EXPECT_EQ(expr("1 + (if a then 2 else 3)"), "(+ 1 (if a 2 3))");
}

TEST(Expressions, EveryComparisonOperator) {
  EXPECT_EQ(expr("a == b"), "(== a b)");
  EXPECT_EQ(expr("a != b"), "(!= a b)");
  EXPECT_EQ(expr("a < b"), "(< a b)");
  EXPECT_EQ(expr("a <= b"), "(<= a b)");
  EXPECT_EQ(expr("a > b"), "(> a b)");
  EXPECT_EQ(expr("a >= b"), "(>= a b)");
  EXPECT_EQ(expr("a<=b"), "(<= a b)");
}

TEST(Expressions, SetsAndRanges) {
  EXPECT_EQ(expr("x in [1, 2, 3]"), "(in x 1 2 3)");
  EXPECT_EQ(expr("x not in [sat, sun]"), "(not-in x sat sun)");
  EXPECT_EQ(expr("x in []"), "(in x)");
  EXPECT_EQ(expr("x in 1..5"), "(in-range x 1 5)");
  EXPECT_EQ(expr("hour not in 0 .. 6"), "(not-in-range hour 0 6)");
  EXPECT_EQ(expr("time in 22:00..06:00"), "(in-range time 22:00 06:00)");
  EXPECT_EQ(expr("date in 2026-01-01..2026-12-31"), "(in-range date 2026-01-01 2026-12-31)");
  EXPECT_EQ(expr("x in a + 1..b * 2"), "(in-range x (+ a 1) (* b 2))");
  EXPECT_EQ(expr("a and x in [1]"), "(and a (in x 1))");
}

TEST(Expressions, CallsAndMembers) {
  EXPECT_EQ(expr("min(a, b + 1, max(c))"), "(call min a (+ b 1) (call max c))");
  EXPECT_EQ(expr("f()"), "(call f)");
  EXPECT_EQ(expr("model.weight"), "(. model weight)");
  EXPECT_EQ(expr("a.b.c"), "(. (. a b) c)");
  EXPECT_EQ(expr("f(x).y"), "(. (call f x) y)");
}

TEST(Expressions, Literals) {
  EXPECT_EQ(expr("42"), "42");
  EXPECT_EQ(expr("1_000_000"), "1_000_000");
  EXPECT_EQ(expr("9.9"), "9.9");
  EXPECT_EQ(expr("0.000125"), "0.000125");
  EXPECT_EQ(expr("400k"), "400k");
  EXPECT_EQ(expr("1.5M"), "1.5M");
  EXPECT_EQ(expr("30G"), "30G");
  EXPECT_EQ(expr("true"), "true");
  EXPECT_EQ(expr("false"), "false");
  EXPECT_EQ(expr("2026-07-01"), "2026-07-01");
  EXPECT_EQ(expr("22:30"), "22:30");
  EXPECT_EQ(expr("7:05"), "7:05");
  EXPECT_EQ(expr("\"a\\\"b\\\\c # not a comment\""), "\"a\"b\\c # not a comment\"");

  Parsed p = parse_text("plan p { fee 2026-07-01; fee 22:30; fee true; fee \"s\"; fee x; }");
  ASSERT_TRUE(p.ok()) << p.rendered();
  const auto& items = p.file->plans[0].items;
  EXPECT_EQ(items[0].value->kind, ExprKind::kDate);
  EXPECT_EQ(items[1].value->kind, ExprKind::kTimeOfDay);
  EXPECT_EQ(items[2].value->kind, ExprKind::kBool);
  EXPECT_EQ(items[3].value->kind, ExprKind::kString);
  EXPECT_EQ(items[4].value->kind, ExprKind::kName);
}

TEST(Expressions, UnitAndCurrencySuffixes) {
  EXPECT_EQ(expr("400k token"), "400k'token");
  EXPECT_EQ(expr("20 GiB"), "20'GiB");
  EXPECT_EQ(expr("20GiB"), "20'GiB");  // a scale letter glued to a word is the word
  EXPECT_EQ(expr("400ktoken"), "400'ktoken");
  EXPECT_EQ(expr("5MB"), "5'MB");
  EXPECT_EQ(expr("9.9 CNY"), "9.9'CNY");
  EXPECT_EQ(expr("1.5M\ttoken"), "1.5M'token");
  EXPECT_EQ(expr("80%"), "80'%");
  EXPECT_EQ(expr("12.5%"), "12.5'%");
  EXPECT_EQ(expr("90 min + 1 h"), "(+ 90'min 1'h)");
  EXPECT_EQ(expr("2 * 3 token"), "(* 2 3'token)");
}

TEST(Expressions, SuffixRangesAreRecorded) {
  Parsed p = parse_text("plan p { fee 400k token; }");
  ASSERT_TRUE(p.ok()) << p.rendered();
  const ast::Expr& v = *p.file->plans[0].items[0].value;
  EXPECT_EQ(v.text, "400k");
  EXPECT_EQ(v.suffix, "token");
  EXPECT_EQ(p.span(v.suffix_range), "1:19-1:24");
  EXPECT_EQ(p.span(v.range), "1:14-1:24");
}

TEST(Expressions, KeywordsAreNeverSuffixesOrNames) {
  EXPECT_EQ(expr("6 and x"), "(and 6 x)");
  EXPECT_EQ(expr("6 or x"), "(or 6 x)");
  EXPECT_EQ(expr("1 in [1]"), "(in 1 1)");
  EXPECT_EQ(expr("if a then 3 else 4"), "(if a 3 4)");
  EXPECT_EQ(expr("ander"), "ander");
  EXPECT_EQ(expr("orx and notice"), "(and orx notice)");
  EXPECT_EQ(expr("6 andy"), "6'andy");  // `andy` is no keyword, so it is the unit
  EXPECT_EQ(expr("ifx"), "ifx");
}

TEST(Expressions, SpendAndModelAreNamesInExpressions) {
  EXPECT_EQ(expr("spend > 5 CNY"), "(> spend 5'CNY)");
  EXPECT_EQ(expr("model == qwen_max"), "(== model qwen_max)");
}

TEST(Expressions, HugeNumbersStayAsText) {
  const std::string digits(400, '9');
  EXPECT_EQ(expr(digits + " CNY"), digits + "'CNY");
  EXPECT_EQ(expr("18446744073709551616k"), "18446744073709551616k");
  EXPECT_EQ(expr("0." + digits), "0." + digits);
}

TEST(Expressions, CommentsAndNewlinesBetweenTokens) {
  EXPECT_EQ(expr("1 # one\n + // two\n 2"), "(+ 1 2)");
  EXPECT_EQ(expr("a\r\n*\tb"), "(* a b)");
}

TEST(Expressions, RangesOfNodes) {
  Parsed p = parse_text("plan p {\n  eligible when not (a + b.c) in [1, 2];\n}");
  ASSERT_TRUE(p.ok()) << p.rendered();
  const ast::Expr& w = *p.file->plans[0].items[0].when;
  EXPECT_EQ(sx(w), "(not (in (+ a (. b c)) 1 2))");
  EXPECT_EQ(p.span(w.range), "2:17-2:40");
  const ast::Expr& in = w.args[0];
  EXPECT_EQ(p.span(in.range), "2:21-2:40");
  EXPECT_EQ(p.span(in.args[0].range), "2:21-2:30");          // with its parentheses
  EXPECT_EQ(p.span(in.args[0].args[0].range), "2:22-2:23");  // a
  EXPECT_EQ(p.span(in.args[0].args[1].range), "2:26-2:29");  // b.c
  EXPECT_EQ(p.span(in.args[2].range), "2:38-2:39");
}

// ---- syntax errors ----

struct ErrorCase {
  std::string text;
  std::string code;
  std::string position;  // line:col
  std::string message;
  std::string fix;
};

void expect_error(const ErrorCase& c) {
  Parsed p = parse_text(c.text);
  ASSERT_FALSE(p.ok()) << c.text;
  ASSERT_EQ(p.diags.items().size(), 1u) << p.rendered();
  const Diagnostic& d = p.error();
  EXPECT_EQ(d.severity, Severity::kError) << c.text;
  EXPECT_EQ(d.code, c.code) << c.text;
  EXPECT_EQ(p.where(d.range), c.position) << c.text << "\n" << p.rendered();
  EXPECT_EQ(d.message, c.message) << c.text;
  EXPECT_EQ(d.fix, c.fix) << c.text;
  EXPECT_LE(d.range.begin, d.range.end);
  EXPECT_LE(d.range.end, c.text.size());
}

TEST(SyntaxErrors, MissingSemicolonPointsAfterTheLastToken) {
  expect_error({"currency CNY minor 2;\nplan basic {\n  fee 9.9 CNY\n  allowance llm 1 token;\n}\n",
                "E0101", "3:14", "expected `;` after the fee", "add `;`"});
  expect_error(
      {"plan p {\n  fee 9.9 CNY }", "E0101", "2:14", "expected `;` after the fee", "add `;`"});
  expect_error({"currency CNY minor 2\n", "E0101", "1:21",
                "expected `;` after the currency declaration", "add `;`"});
  expect_error(
      {"plan p {\n  fee 1\n  CNY;\n}", "E0101", "2:8", "expected `;` after the fee", "add `;`"});
  expect_error({"service llm { unit token }", "E0101", "1:25",
                "expected `;` after the `unit` field", "add `;`"});
}

TEST(SyntaxErrors, StrayTokenOnTheSameLineIsNamed) {
  expect_error({"plan p { fee 1 CNY xyz; }", "E0101", "1:20",
                "expected `;` after the fee but found `xyz`", ""});
  expect_error({"plan p { eligible when region = \"x\"; }", "E0101", "1:31",
                "expected `;` after the eligibility rule but found `=`",
                "use `==` to compare values"});
  expect_error({"plan p { weight llm = 3 when a b; }", "E0101", "1:32",
                "expected `;` after the weight rule but found `b`", ""});
}

TEST(SyntaxErrors, PlanItemsAndDeclarationsWithSuggestions) {
  expect_error({"plan p {\n  alowance llm 1 token;\n}", "E0101", "2:3",
                "expected a plan item (period, fee, allowance, ...) but found `alowance`",
                "did you mean `allowance`?"});
  // A word close to no item gets the list of items.
  expect_error({"plan p {\n  quota llm 1 token;\n}", "E0101", "2:3",
                "expected a plan item (period, fee, allowance, ...) but found `quota`",
                "plan items are `period`, `fee`, `eligible`, `allowance`, `models`, `weight`, "
                "`grant`, `validity`, `threshold`, `overage`, `limit`, `cap`, `on_exhaust`, "
                "`notify`, `order`, `grandfather`, `pack`, `promo`"});
  expect_error({"plan p {\n  ;\n}", "E0101", "2:3",
                "expected a plan item (period, fee, allowance, ...) but found `;`",
                "remove this `;`"});
  expect_error({"plna p { }", "E0101", "1:1",
                "expected a declaration (currency, timezone, service, model, attribute, plan) but "
                "found `plna`",
                "did you mean `plan`?"});
  expect_error({"fee 1 CNY;", "E0101", "1:1",
                "expected a declaration (currency, timezone, service, model, attribute, plan) but "
                "found `fee`",
                "`fee` is a plan item; it goes inside `plan NAME { ... }`"});
  expect_error(
      {"plan p { }\n}", "E0101", "2:1",
       "expected a declaration (currency, timezone, service, model, attribute, plan) but found `}`",
       "remove this `}`"});
  expect_error(
      {"plan p { on_exhaust llm blok; }", "E0101", "1:25",
       "expected an action (terminate, redirect, restrict, block, charge) but found `blok`",
       "did you mean `block`?"});
  expect_error({"plan p { grandfather forevr; }", "E0101", "1:22",
                "expected `until DATE`, `none` or `forever` after `grandfather` but found `forevr`",
                "did you mean `forever`?"});
  expect_error({"plan p { models llm [a]; }", "E0101", "1:21",
                "expected `allow` or `deny` after the service name but found `[`", ""});
}

TEST(SyntaxErrors, MissingExpressions) {
  expect_error({"plan p { weight llm = ; }", "E0101", "1:23",
                "expected an expression after `=` but found `;`", ""});
  expect_error({"plan p {\n  fee when x;\n}", "E0101", "2:7",
                "expected an expression after `fee` but found `when`", ""});
  expect_error({"plan p { fee 1 * * 2; }", "E0101", "1:18",
                "expected an expression after `*` but found `*`", ""});
  expect_error({"plan p { fee 1 +", "E0101", "1:17",
                "expected an expression after `+` but found the end of the file", ""});
  expect_error({"plan p { fee 1 + if a then 1 else 2; }", "E0101", "1:18",
                "expected an expression after `+` but found `if`",
                "an `if` expression binds loosest: put it in parentheses"});
  expect_error({"plan p { fee period; }", "E0101", "1:14",
                "expected an expression after `fee` but found `period`",
                "`period` is a reserved keyword and cannot be used as a name"});
  expect_error({"plan p { fee x in 5; }", "E0101", "1:20",
                "expected `..` and the end of the range but found `;`", ""});
  expect_error({"plan p { fee a.1; }", "E0101", "1:16",
                "expected a field name after `.` but found `1`", ""});
  expect_error({"plan p { fee if a then 1; }", "E0101", "1:25",
                "expected `else` after the `then` branch but found `;`",
                "every `if` needs an `else` branch"});
}

TEST(SyntaxErrors, UnclosedBracketsNameTheirOpening) {
  Parsed p = parse_text("plan basic {\n  fee 1 CNY;\n");
  ASSERT_FALSE(p.ok());
  const Diagnostic& d = p.error();
  EXPECT_EQ(d.message, "expected `}` to close plan `basic`");
  EXPECT_EQ(p.where(d.range), "2:13");
  EXPECT_EQ(d.fix, "add `}`");
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_TRUE(d.notes[0].has_range);
  EXPECT_EQ(p.where(d.notes[0].range), "1:12");
  EXPECT_EQ(d.notes[0].message, "plan `basic` starts here");

  expect_error({"plan a {\n  fee 1;\nplan b { }", "E0101", "2:9", "expected `}` to close plan `a`",
                "add `}`"});
  expect_error({"service llm { unit token;", "E0101", "1:26", "expected `}` to close service `llm`",
                "add `}`"});
  expect_error({"service llm { 5; }", "E0101", "1:15",
                "expected a field such as `unit token;` or `}` in service `llm` but found `5`",
                ""});
  expect_error({"plan p { pack x { price 1 CNY; ", "E0101", "1:31",
                "expected `}` to close pack `x`", "add `}`"});
  expect_error({"plan p { fee (1 + 2; }", "E0101", "1:20",
                "expected `)` to close the parenthesis but found `;`", ""});
  expect_error({"plan p { fee min(1, 2; }", "E0101", "1:22",
                "expected `)` to close the argument list but found `;`", ""});
  expect_error({"plan p { fee x in [1, 2; }", "E0101", "1:24",
                "expected `]` to close the list but found `;`", ""});
  expect_error({"plan p { fee x in [1, ]; }", "E0101", "1:23",
                "expected an expression after `,` but found `]`", ""});

  Parsed paren = parse_text("plan p { fee (1 + 2; }");
  ASSERT_EQ(paren.error().notes.size(), 1u);
  EXPECT_EQ(paren.where(paren.error().notes[0].range), "1:14");
}

TEST(SyntaxErrors, ItemSpecificExpectations) {
  expect_error({"plan p { cap llm 5 token per memb then block; }", "E0101", "1:30",
                "expected `member` after `per` but found `memb`", ""});
  expect_error({"plan p { cap llm 5 token block; }", "E0101", "1:26",
                "expected `then` and an action after the cap but found `block`", ""});
  expect_error({"plan p { on_exhaust llm redirect https; }", "E0101", "1:34",
                "expected the redirect URL as a string after `redirect` but found `https`", ""});
  expect_error({"plan p { overage llm 1 CNY 1M token; }", "E0101", "1:28",
                "expected `per` and the block size after the price but found `1M token`", ""});
  expect_error({"plan p { notify llm 80%; }", "E0101", "1:21",
                "expected `at` and the thresholds after the service name but found `80%`", ""});
  expect_error({"plan p { allowance llm 1 token rollover 1 token for 2; }", "E0101", "1:54",
                "expected `periods` after the number of periods but found `;`", ""});
  expect_error(
      {"plan p { period monthly anchor; }", "E0101", "1:31",
       "expected an anchor (billing_day, activation, day N or a date) after `anchor` but found `;`",
       ""});
  expect_error({"timezone 8;", "E0101", "1:10",
                "expected a UTC offset such as `+08:00` after `timezone` but found `8`", ""});
  expect_error({"attribute x: int CNY;", "E0101", "1:18",
                "expected `;` after the attribute declaration but found `CNY`", ""});
  expect_error({"plan p version x { }", "E0101", "1:16",
                "expected a version number after `version` but found `x`", ""});
  expect_error({"plan p effective 2026 { }", "E0101", "1:18",
                "expected a date such as `2026-07-01` after `effective` but found `2026`", ""});
  expect_error({"service llm { unit; }", "E0101", "1:19",
                "expected a value after `unit` but found `;`", ""});
  expect_error({"plan p { allowance 5 token; }", "E0101", "1:20",
                "expected a service name but found `5 token`", ""});
}

TEST(SyntaxErrors, ComparisonsDoNotChain) {
  expect_error({"plan p { fee 1 when a < b < c; }", "E0101", "1:27",
                "comparisons do not chain: found `<` after a comparison",
                "combine comparisons with `and`, as in `a < b and b < c`"});
  expect_error({"plan p { fee 1 when a == b in [1]; }", "E0101", "1:28",
                "comparisons do not chain: found `in` after a comparison",
                "combine comparisons with `and`, as in `a < b and b < c`"});
}

TEST(SyntaxErrors, KeywordsUsedAsNames) {
  expect_error({"plan fee { }", "E0106", "1:6",
                "`fee` is a reserved keyword and cannot be used as a plan name",
                "choose another name, such as `my_fee`"});
  expect_error({"service limit { unit token; }", "E0106", "1:9",
                "`limit` is a reserved keyword and cannot be used as a service name",
                "choose another name, such as `my_limit`"});
  expect_error({"attribute period: int;", "E0106", "1:11",
                "`period` is a reserved keyword and cannot be used as an attribute name",
                "choose another name, such as `my_period`"});
  expect_error({"plan p { pack promo { } }", "E0106", "1:15",
                "`promo` is a reserved keyword and cannot be used as a pack name",
                "choose another name, such as `my_promo`"});
  expect_error({"plan p { allowance pooled 1 token; }", "E0106", "1:20",
                "`pooled` is a reserved keyword and cannot be used as a service name",
                "choose another name, such as `my_pooled`"});
  expect_error({"model order { }", "E0106", "1:7",
                "`order` is a reserved keyword and cannot be used as a model name",
                "choose another name, such as `my_order`"});
}

TEST(SyntaxErrors, BytesStringsAndSize) {
  expect_error({"plan p { fee 1 \xE5\x85\x83; }", "E0102", "1:16",
                "non-ASCII character U+5143: tariff text must be ASCII outside comments",
                "only comments may contain non-ASCII characters"});
  expect_error({"plan p { fee 1 CNY\xEF\xBC\x9B }", "E0102", "1:19",
                "non-ASCII character U+FF1B: tariff text must be ASCII outside comments",
                "use the ASCII `;`"});
  expect_error({"plan p {\x01}", "E0102", "1:9",
                "unexpected control character 0x01: tariff text must be ASCII outside comments",
                ""});
  expect_error({"plan p { fee \xff; }", "E0102", "1:14",
                "unexpected byte 0xFF: tariff text must be ASCII outside comments", ""});
  expect_error({"\xEF\xBB\xBFplan p { }", "E0102", "1:1",
                "byte order mark (U+FEFF) at the start of the file: tariff text must be ASCII",
                "save the file without a byte order mark"});
  expect_error({"plan p { on_exhaust llm redirect \"caf\xC3\xA9\"; }", "E0102", "1:38",
                "non-ASCII character U+00E9: tariff text must be ASCII outside comments",
                "only comments may contain non-ASCII characters"});
  expect_error({"plan p {\n  on_exhaust llm redirect \"abc;\n}\n", "E0103", "2:27",
                "unterminated string", "close the string with `\"` on the same line"});
  expect_error({"plan p { on_exhaust llm redirect \"abc", "E0103", "1:34", "unterminated string",
                "close the string with `\"` on the same line"});
  expect_error({"plan p { on_exhaust llm redirect \"a\\nb\"; }", "E0101", "1:36",
                "unknown escape `\\n` in a string", "strings know only `\\\"` and `\\\\`"});

  // A `#` inside a string starts no comment, and a `"` inside a comment starts no string.
  Parsed p = parse_text("# say \"hi\nplan p { on_exhaust llm redirect \"a#b\"; } # caf\xC3\xA9");
  ASSERT_TRUE(p.ok()) << p.rendered();
  EXPECT_EQ(p.file->plans[0].items[0].action->argument, "a#b");

  const std::string big(kMaxSourceBytes + 1, ' ');
  Parsed large = parse_text(big);
  ASSERT_FALSE(large.ok());
  EXPECT_EQ(large.error().code, "E0105");
  EXPECT_EQ(large.where(large.error().range), "1:1");
  EXPECT_TRUE(parse_text(std::string(kMaxSourceBytes, ' ')).ok());
}

TEST(SyntaxErrors, UnterminatedStringRangeCoversTheRestOfTheLine) {
  Parsed p = parse_text("plan p { on_exhaust llm redirect \"abc;\r\n}");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.source->slice(p.error().range), "\"abc;");
}

TEST(SyntaxErrors, HyphenatedPeriodWordIsOneWordForTheChecker) {
  // `one-off` reaches the checker whole (it suggests `once`); a spaced or numeric `-` does not.
  Parsed p = parse_text("plan p { period one-off anchor billing_day; }");
  ASSERT_TRUE(p.ok()) << p.rendered();
  const ast::PlanItem it = only_item(p);
  ASSERT_TRUE(it.word.has_value());
  EXPECT_EQ(it.word->name, "one-off");
  EXPECT_EQ(p.span(it.word->range), "1:17-1:24");
  EXPECT_FALSE(parse_text("plan p { period one - off; }").ok());
  EXPECT_FALSE(parse_text("plan p { period monthly-1; }").ok());
}

// ---- nesting limits ----

std::string fee_plan(const std::string& value) { return "plan p {\n  fee " + value + ";\n}\n"; }

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

TEST(Nesting, ParenthesesUpToTheLimitParse) {
  // The limit and its message agree: 64 levels parse (the plan's `{` is not one), 65 do not.
  EXPECT_TRUE(parse_text(fee_plan(repeat("(", 64) + "1" + repeat(")", 64))).ok());
  EXPECT_TRUE(parse_text(fee_plan("min(" + repeat("(", 63) + "1" + repeat(")", 63) + ", 2)")).ok());
  EXPECT_EQ(parse_text(fee_plan("min(" + repeat("(", 64) + "1" + repeat(")", 64) + ", 2)"))
                .error()
                .code,
            "E0104");
  Parsed p = parse_text(fee_plan(repeat("(", 65) + "1" + repeat(")", 65)));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, "E0104");
  EXPECT_EQ(p.error().message, "brackets nested deeper than 64 levels");
  EXPECT_EQ(p.where(p.error().range), "2:71");  // the 65th `(`
}

TEST(Nesting, DeclarationBracesAreNotExpressionLevels) {
  // Inside a pack (two braces deep) the expression still gets all 64 levels.
  EXPECT_TRUE(parse_text("plan p { pack a { price " + repeat("(", 64) + "1 CNY" + repeat(")", 64) +
                         "; } }")
                  .ok());
  // Stray braces are a syntax error at the second one, not a nesting error.
  Parsed p = parse_text("plan p " + repeat("{", 100'000));
  ASSERT_FALSE(p.ok());
  ASSERT_EQ(p.diags.items().size(), 1u);
  EXPECT_EQ(p.error().code, "E0101");
}

TEST(Nesting, HostileDepthsGiveE0104) {
  for (size_t depth : {65u, 1'000u, 100'000u}) {
    for (const std::string& text :
         {fee_plan(repeat("(", depth) + "1" + repeat(")", depth)),
          fee_plan(repeat("- ", depth) + "1"), fee_plan(repeat("not ", depth) + "x"),
          fee_plan(repeat("if a then 1 else ", depth) + "2"), fee_plan(repeat("if ", depth) + "a"),
          fee_plan(repeat("[", depth)), fee_plan(repeat("min(", depth) + "1" + repeat(")", depth)),
          fee_plan(repeat("(", depth))}) {
      Parsed p = parse_text(text);
      ASSERT_FALSE(p.ok()) << depth;
      ASSERT_EQ(p.diags.items().size(), 1u);
      EXPECT_EQ(p.error().code, "E0104") << text.substr(0, 60) << "\n" << p.rendered();
    }
  }
}

TEST(Nesting, PrefixOperatorsCountAsLevels) {
  EXPECT_TRUE(parse_text(fee_plan(repeat("-", 64) + "1")).ok());
  EXPECT_TRUE(parse_text(fee_plan(repeat("not ", 64) + "x")).ok());
  EXPECT_TRUE(parse_text(fee_plan(repeat("-(", 32) + "1" + repeat(")", 32))).ok());
  EXPECT_FALSE(parse_text(fee_plan(repeat("-(", 32) + "-1" + repeat(")", 32))).ok());
  Parsed p = parse_text(fee_plan(repeat("-", 65) + "1"));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, "E0104");
  EXPECT_EQ(p.error().message, "expression nested deeper than 64 levels");
}

TEST(Nesting, LongOperatorChainsAreBoundedByTreeDepth) {
  std::vector<std::string> terms(256, "1");
  std::string sum = "1";
  for (int i = 1; i < 256; ++i) sum += " + 1";
  EXPECT_TRUE(parse_text(fee_plan(sum)).ok());
  Parsed p = parse_text(fee_plan(sum + " + 1"));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, "E0104");
  EXPECT_EQ(p.error().message, "expression nested deeper than 256 levels of operators");

  std::string huge = "1";
  for (int i = 0; i < 500'000; ++i) huge += "+1";
  EXPECT_EQ(parse_text(fee_plan(huge)).error().code, "E0104");
  EXPECT_EQ(parse_text(fee_plan("a" + repeat(".b", 500'000))).error().code, "E0104");
}

TEST(Nesting, WideButShallowInputIsFine) {
  std::string many = "plan p {\n";
  for (int i = 0; i < 5'000; ++i)
    many += "  grant llm = " + std::to_string(i) + " token when hour == 3;\n";
  Parsed p = parse_text(many + "}\n");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.file->plans[0].items.size(), 5'000u);
  std::string set = "x in [";
  for (int i = 0; i < 10'000; ++i) set += std::to_string(i) + ", ";
  EXPECT_TRUE(parse_text(fee_plan(set + "0]")).ok());
}

// ---- robustness ----

const char kSample[] = R"(# A team plan that uses most items of the language.
currency CNY minor 2;
timezone +08:00;

service llm { unit token; rating_group 100; context "llm@gyrate"; quota 10k token; }
service data { unit byte; rating_group 200; quota 10 MiB; }

model qwen_max { service llm; id 1001; weight 3; modality text; }
model qwen_turbo { service llm; id 1002; weight 1; modality text; }

attribute segment: string = "retail";
attribute seats: int = 1;
attribute budget: money CNY = 100 CNY;

plan team version 2 effective 2026-07-01 {
  period monthly anchor billing_day;
  fee 8.91 CNY * seats when first_period;   // first-month promotion
  fee 198 CNY * seats;
  eligible when segment in ["retail", "shanghai_opc"] and seats >= 1;
  eligible llm when hour not in 2..4;
  allowance llm 50M token * seats pooled rollover 10M token for 2 periods;
  allowance data 20 GiB;
  models llm allow [qwen_max, qwen_turbo];
  weight llm = 3 when model == qwen_max;
  grant llm = min(requested, 100k token);
  validity llm = 1 h;
  threshold llm = 20%;
  overage data 1 CNY per 1 GiB when time in 22:00..06:00;
  limit llm 1200 requests per 5 h;
  cap spend 500 CNY then terminate;
  cap llm 5M token per member then block;
  on_exhaust llm redirect "https://topup.example.cn/tokens" when remaining == 0 token;
  on_exhaust data restrict "fair_use";
  notify llm at 80%, 100%;
  order llm [promo, rollover, allowance, pack];
  grandfather until 2027-01-01;
  pack p400k { price 1 CNY; grant llm 400k token; valid 30 days; }
  promo opc { grant llm 30M token; valid 90 days; when segment == "shanghai_opc"; }
}
)";

void check_failure(const Parsed& p, const std::string& text, const std::string& what) {
  ASSERT_EQ(p.diags.items().size(), 1u) << what;
  const Diagnostic& d = p.error();
  ASSERT_EQ(d.severity, Severity::kError) << what;
  ASSERT_EQ(d.code.substr(0, 4), "E010") << what << ": " << d.code;
  ASSERT_LE(d.range.begin, d.range.end) << what;
  ASSERT_LE(d.range.end, text.size()) << what;
  ASSERT_FALSE(d.message.empty()) << what;
  // Messages speak the designer's language, never the grammar's.
  for (const char* internal : {"rule<", "_expr", "_item", "_class", "x3::", "boost"}) {
    ASSERT_EQ(d.message.find(internal), std::string::npos) << what << ": " << d.message;
  }
  const std::string out = p.rendered();
  ASSERT_EQ(out.rfind("sample.tariff:", 0), 0u) << what;
}

// parse() either succeeds without diagnostics or fails with exactly one positioned error.
// Returns whether it succeeded.
bool expect_well_behaved(const std::string& text, const std::string& what) {
  Parsed p = parse_text(text, "sample.tariff");
  if (p.ok()) {
    EXPECT_TRUE(p.diags.items().empty()) << what;
    return true;
  }
  check_failure(p, text, what);
  return false;
}

TEST(ParserRobustness, SampleParsesCompletely) {
  Parsed p = parse_text(kSample);
  ASSERT_TRUE(p.ok()) << p.rendered();
  EXPECT_EQ(p.file->services.size(), 2u);
  EXPECT_EQ(p.file->models.size(), 2u);
  EXPECT_EQ(p.file->attributes.size(), 3u);
  ASSERT_EQ(p.file->plans.size(), 1u);
  EXPECT_EQ(p.file->plans[0].items.size(), 23u);
  EXPECT_EQ(p.file->plans[0].items.back().kind, ItemKind::kPromo);
}

TEST(ParserRobustness, ExampleTariffsParse) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(GYRATE_SOURCE_DIR) / "examples" / "tariffs";
  if (!fs::exists(dir)) GTEST_SKIP() << "no examples yet";
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".tariff") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    Parsed p = parse_text(ss.str(), entry.path().filename().string());
    EXPECT_TRUE(p.ok()) << p.rendered();
  }
}

TEST(ParserRobustness, TruncatedAtEveryByte) {
  const std::string text = kSample;
  size_t failures = 0;
  for (size_t n = 0; n < text.size(); ++n) {
    failures += expect_well_behaved(text.substr(0, n), "truncated at " + std::to_string(n)) ? 0 : 1;
  }
  EXPECT_GT(failures, text.size() / 2);  // most prefixes are incomplete
}

TEST(ParserRobustness, ByteFlipsAtEveryOffset) {
  const std::string text = kSample;
  const std::string replacements("\0({[]});\"#x1 \xff-.%=\\\n", 21);
  // Two replacements per offset, rotating through the set, keep the test quick in Debug builds.
  for (size_t i = 0; i < text.size(); ++i) {
    for (size_t k = 0; k < 2; ++k) {
      const char r = replacements[(i * 2 + k) % replacements.size()];
      std::string v = text;
      v[i] = r;
      expect_well_behaved(
          v, "byte " + std::to_string(i) + " -> " + std::to_string(static_cast<unsigned char>(r)));
    }
  }
}

TEST(ParserRobustness, RandomBytesAndTokenSoup) {
  std::mt19937 rng(20260701);
  for (int i = 0; i < 500; ++i) {
    std::string junk(rng() % 300, '\0');
    for (auto& c : junk) c = static_cast<char>(rng() % 256);
    expect_well_behaved(junk, "random bytes " + std::to_string(i));
  }
  const std::vector<std::string> tokens = {
      "plan", "p",     "{",     "}",      "(",          ")",    "[",         "]",       ";",
      ",",    "fee",   "1",     "CNY",    "when",       "if",   "then",      "else",    "and",
      "or",   "not",   "in",    "..",     ".",          "-",    "+",         "*",       "/",
      "==",   "<",     "\"s\"", "22:00",  "2026-01-01", "pack", "grant",     "llm",     "allowance",
      "cap",  "spend", "per",   "member", "=",          ":",    "attribute", "service", "model",
      "unit", "80%",   "400k",  "token",  "#c\n",       "\n"};
  for (int i = 0; i < 2'000; ++i) {
    std::string soup = rng() % 2 == 0 ? "plan p { " : "";
    const size_t n = rng() % 40;
    for (size_t k = 0; k < n; ++k) soup += tokens[rng() % tokens.size()] + " ";
    expect_well_behaved(soup, "token soup " + soup);
  }
}

TEST(ParserRobustness, DumpCoversTheSample) {
  Parsed p = parse_text(kSample);
  ASSERT_TRUE(p.ok());
  const std::string dump = dump_ast(*p.file, *p.source);
  // Spot checks of the format: kinds, names, values and line:col ranges.
  EXPECT_NE(dump.find("plan team @15:1-39:2\n"), std::string::npos) << dump;
  EXPECT_NE(dump.find("    version = number 2 @15:19-15:20\n"), std::string::npos) << dump;
  EXPECT_NE(
      dump.find("    item fee @17:3-17:42\n      value = binary * @17:7-17:23\n"
                "        number 8.91 suffix=CNY @17:7-17:15\n        name seats @17:18-17:23\n"
                "      when = name first_period @17:29-17:41\n"),
      std::string::npos)
      << dump;
  EXPECT_NE(dump.find("      action redirect \"https://topup.example.cn/tokens\" @32:18-32:60\n"),
            std::string::npos)
      << dump;
  EXPECT_EQ(dump.rfind("file\n", 0), 0u);
  // Stable: the same input dumps the same text.
  Parsed again = parse_text(kSample);
  EXPECT_EQ(dump_ast(*again.file, *again.source), dump);
}

}  // namespace
}  // namespace gyrate::lang
