// The checker's lowering: typing of literals and operators, guard chains, block layout, and the
// semantics of checked tariffs evaluated end to end with the interpreter and decide().
#include "gyrate/ruleslang/checker.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "checker_test_util.hpp"
#include "gyrate/ruleslang/dump.hpp"

namespace gyrate::lang::checker_test {
namespace {

using ir::Role;

const std::string kLlm =
    "currency CNY minor 2;\n"
    "timezone +08:00;\n"
    "service llm { unit token; rating_group 100; quota 10k token; }\n"
    "model qwen_max { service llm; id 1001; weight 3; modality text; }\n"
    "model qwen_turbo { service llm; id 1002; weight 0.5; }\n";

ir::Program must_compile(const std::string& text, const ExtensionRegistry* ext = nullptr) {
  Compiled c = compile(text, ext);
  EXPECT_TRUE(c.program.has_value()) << c.rendered();
  EXPECT_EQ(c.diags.error_count(), 0u) << c.rendered();
  return c.program ? std::move(*c.program) : ir::Program{};
}

// The value of `grant llm = <expr>;` evaluated with a default context.
std::optional<int64_t> grant_value(const std::string& expr, Type* type = nullptr) {
  ir::Program p = must_compile(kLlm + "plan p { grant llm = " + expr + "; }\n");
  if (p.plans.empty()) return std::nullopt;
  uint32_t b = block_of(p, "p", "llm");
  if (type && function(p, b, Role::kGrant)) *type = function(p, b, Role::kGrant)->type;
  return eval(p, b, Role::kGrant, context(p));
}

// The value of a plan-level eligibility condition that evaluates `cond` (a bool).
std::optional<int64_t> condition(const std::string& decls, const std::string& cond,
                                 std::vector<int64_t>* ctx_out = nullptr) {
  ir::Program p = must_compile(decls + "plan p { eligible llm when " + cond + "; }\n");
  if (p.plans.empty()) return std::nullopt;
  std::vector<int64_t> ctx = ctx_out ? *ctx_out : context(p);
  return eval(p, block_of(p, "p", "llm"), Role::kEligible, ctx);
}

TEST(Checker, HandBuiltAstSmoke) {
  // No parser involved: the checker alone on a minimal AST.
  ast::File f;
  f.services.push_back(ast::ServiceDecl{{"llm", {8, 11}}, {}, {0, 30}});
  ast::Field unit;
  unit.key = {"unit", {14, 18}};
  ast::Expr word;
  word.kind = ast::ExprKind::kName;
  word.text = "token";
  unit.values.push_back(word);
  f.services[0].fields.push_back(unit);
  ast::PlanDecl plan;
  plan.name = {"p", {35, 36}};
  ast::PlanItem allowance;
  allowance.kind = ast::ItemKind::kAllowance;
  allowance.service = ast::Ident{"llm", {50, 53}};
  ast::Expr amount;
  amount.kind = ast::ExprKind::kNumber;
  amount.text = "5M";
  amount.suffix = "token";
  allowance.value = amount;
  plan.items.push_back(allowance);
  f.plans.push_back(plan);
  SourceFile src("smoke.tariff", std::string(80, ' '));
  Diagnostics diags;
  auto p = check(f, src, diags);
  ASSERT_TRUE(p.has_value()) << render_all(diags, src);
  ASSERT_EQ(p->plans.size(), 1u);
  uint32_t b = block_of(*p, "p", "llm");
  EXPECT_EQ(eval(*p, b, Role::kAllowance, context(*p)), 5'000'000);
  EXPECT_EQ(p->context_slots, static_cast<uint32_t>(kSlotBuiltinCount));
}

TEST(Checker, LiteralTyping) {
  Type t;
  EXPECT_EQ(grant_value("400k token", &t), 400'000);
  EXPECT_EQ(t, Type::quantity(Dim::kToken));
  EXPECT_EQ(grant_value("1.5M token"), 1'500'000);
  EXPECT_EQ(grant_value("requested * 2"), 0);
  EXPECT_EQ(grant_value("10k token * 1.5"), 15'000);  // ratio scaling
  EXPECT_EQ(grant_value("10k token * 80%"), 8'000);
  EXPECT_EQ(grant_value("10k token / 3"), 3'333);  // rounds half away from zero
  EXPECT_EQ(grant_value("10k token / 1.5"), 6'667);
  EXPECT_EQ(grant_value("max(1k token, 2k token, 500 token)"), 2'000);
  EXPECT_EQ(grant_value("if 2 > 1.5 then 7 token else 9 token"), 7);  // int promoted to ratio
  EXPECT_EQ(grant_value("-(-3 token)"), 3);
}

TEST(Checker, UnitsConvertToBaseUnits) {
  ir::Program p = must_compile(
      "service data { unit byte; }\nservice voice { unit second; }\n"
      "plan p { allowance data 1.5 GiB; allowance voice 90 min; validity data = 1 h; }\n");
  uint32_t data = block_of(p, "p", "data");
  uint32_t voice = block_of(p, "p", "voice");
  EXPECT_EQ(eval(p, data, Role::kAllowance, context(p)), 1'610'612'736);
  EXPECT_EQ(eval(p, data, Role::kValidity, context(p)), 3'600);
  EXPECT_EQ(eval(p, voice, Role::kAllowance, context(p)), 5'400);
}

TEST(Checker, RatiosOfQuantitiesAndMoney) {
  // used / period_allowance is a ratio: 800 of 1000 tokens is 80%.
  std::string decls = kLlm;
  ir::Program p =
      must_compile(decls + "plan p { eligible llm when used / period_allowance >= 80%; }\n");
  uint32_t b = block_of(p, "p", "llm");
  std::vector<int64_t> ctx = context(p);
  ctx[kSlotPeriodAllowance] = 1'000;
  ctx[kSlotUsed] = 800;
  EXPECT_EQ(eval(p, b, Role::kEligible, ctx), 1);
  ctx[kSlotUsed] = 799;
  EXPECT_EQ(eval(p, b, Role::kEligible, ctx), 0);
  EXPECT_EQ(condition(kLlm, "9.9 CNY / 3 CNY == 3.3"), 1);
  EXPECT_EQ(condition(kLlm, "10 / 4 == 3"), 1);  // int / int stays int, rounded
  EXPECT_EQ(condition(kLlm, "1.5 + 1 == 2.5"), 1);
  EXPECT_EQ(condition(kLlm, "2 * 1.5 == 3"), 1);
  EXPECT_EQ(condition(kLlm, "1.5 * 1.5 == 2.25"), 1);
}

TEST(Checker, SetsRangesAndWrap) {
  std::vector<int64_t> ctx;
  {
    ir::Program p = must_compile(kLlm + "plan p { eligible llm when weekday in [sat, sun]; }\n");
    ctx = context(p);
  }
  ctx[kSlotWeekday] = 6;
  EXPECT_EQ(condition(kLlm, "weekday in [sat, sun]", &ctx), 1);
  EXPECT_EQ(condition(kLlm, "weekday not in [sat, sun]", &ctx), 0);
  ctx[kSlotTime] = 23 * 60;
  EXPECT_EQ(condition(kLlm, "time in 22:00..06:00", &ctx), 1);
  ctx[kSlotTime] = 12 * 60;
  EXPECT_EQ(condition(kLlm, "time in 22:00..06:00", &ctx), 0);
  EXPECT_EQ(condition(kLlm, "time in 09:00..17:00", &ctx), 1);
  ctx[kSlotHour] = 3;
  EXPECT_EQ(condition(kLlm, "hour in 0..6", &ctx), 1);
  EXPECT_EQ(condition(kLlm, "hour in [1.5, 3]", &ctx), 1);  // the set promotes to ratio
  ctx[kSlotModel] = 1;                                      // qwen_turbo
  EXPECT_EQ(condition(kLlm, "model in [qwen_max, qwen_turbo]", &ctx), 1);
  EXPECT_EQ(condition(kLlm, "model == qwen_max", &ctx), 0);
}

TEST(Checker, StringsAreInterned) {
  ir::Program p = must_compile(kLlm +
                               "attribute segment: string = \"retail\";\n"
                               "plan p { eligible llm when segment == \"shanghai_opc\"; }\n");
  ASSERT_EQ(p.strings.size(), 3u);
  EXPECT_EQ(p.intern_lookup("retail"), 1);
  EXPECT_EQ(p.intern_lookup("shanghai_opc"), 2);
  EXPECT_EQ(p.intern_lookup("nobody"), 0);
  ASSERT_EQ(p.attributes.size(), 1u);
  EXPECT_EQ(p.attributes[0].slot, kSlotBuiltinCount);
  EXPECT_EQ(p.attributes[0].default_value, 1);
  EXPECT_EQ(p.context_slots, static_cast<uint32_t>(kSlotBuiltinCount + 1));
  uint32_t b = block_of(p, "p", "llm");
  std::vector<int64_t> ctx = context(p);
  EXPECT_EQ(eval(p, b, Role::kEligible, ctx), 0);
  ctx[kSlotBuiltinCount] = 2;
  EXPECT_EQ(eval(p, b, Role::kEligible, ctx), 1);
}

TEST(Checker, ModelWeightsByDefault) {
  ir::Program p = must_compile(kLlm + "plan p { allowance llm 1M token; }\n");
  uint32_t b = block_of(p, "p", "llm");
  std::vector<int64_t> ctx = context(p);
  ctx[kSlotModel] = p.find_model("qwen_max");
  EXPECT_EQ(decide_on(p, b, ctx).weight, 3'000'000);
  ctx[kSlotModel] = p.find_model("qwen_turbo");
  EXPECT_EQ(decide_on(p, b, ctx).weight, 500'000);
  ctx[kSlotModel] = -1;
  EXPECT_EQ(decide_on(p, b, ctx).weight, 1'000'000);
}

TEST(Checker, WeightRulesFallBackOnModelWeight) {
  ir::Program p = must_compile(kLlm +
                               "plan p { weight llm = 2 when hour >= 20;\n"
                               "         weight llm = model.weight * 2 when weekday == sun; }\n");
  uint32_t b = block_of(p, "p", "llm");
  std::vector<int64_t> ctx = context(p);
  ctx[kSlotModel] = p.find_model("qwen_max");
  ctx[kSlotHour] = 21;
  EXPECT_EQ(decide_on(p, b, ctx).weight, 2'000'000);
  ctx[kSlotHour] = 10;
  ctx[kSlotWeekday] = 7;
  EXPECT_EQ(decide_on(p, b, ctx).weight, 6'000'000);
  ctx[kSlotWeekday] = 3;
  EXPECT_EQ(decide_on(p, b, ctx).weight, 3'000'000);  // no rule matched: the model's weight
}

TEST(Checker, GuardChainFirstMatchWins) {
  ir::Program p = must_compile(kLlm +
                               "plan p {\n"
                               "  grant llm = 1k token when hour < 6;\n"
                               "  grant llm = 2k token when hour < 12;\n"
                               "  grant llm = 5k token;\n"
                               "}\n");
  uint32_t b = block_of(p, "p", "llm");
  std::vector<int64_t> ctx = context(p);
  ctx[kSlotHour] = 3;
  EXPECT_EQ(decide_on(p, b, ctx).grant, 1'000);
  ctx[kSlotHour] = 8;
  EXPECT_EQ(decide_on(p, b, ctx).grant, 2'000);
  ctx[kSlotHour] = 20;
  EXPECT_EQ(decide_on(p, b, ctx).grant, 5'000);
}

TEST(Checker, GuardChainWithoutDefaultFallsBackToRequested) {
  ir::Program p = must_compile(kLlm + "plan p { grant llm = 1k token when hour < 6; }\n");
  uint32_t b = block_of(p, "p", "llm");
  std::vector<int64_t> ctx = context(p);
  ctx[kSlotHour] = 10;
  ctx[kSlotRequested] = 777;
  EXPECT_EQ(eval(p, b, Role::kGrant, ctx), std::nullopt);  // no match
  EXPECT_EQ(decide_on(p, b, ctx).grant, 777);
  ctx[kSlotRequested] = 0;
  EXPECT_EQ(decide_on(p, b, ctx).grant, 10'000);  // the service quota
}

TEST(Checker, TimeOfDayOverage) {
  ir::Program p = must_compile(kLlm +
                               "plan p {\n"
                               "  overage llm 0.5 CNY per 1M token when time in 22:00..06:00;\n"
                               "  overage llm 2 CNY per 1M token;\n"
                               "  on_exhaust llm charge;\n"
                               "}\n");
  uint32_t b = block_of(p, "p", "llm");
  std::vector<int64_t> ctx = context(p);
  ctx[kSlotTime] = 23 * 60 + 30;
  Decision night = decide_on(p, b, ctx);
  EXPECT_TRUE(night.has_overage_price);
  EXPECT_EQ(night.overage_price, 500'000);
  EXPECT_EQ(night.overage_block, 1'000'000);
  ctx[kSlotTime] = 14 * 60;
  EXPECT_EQ(decide_on(p, b, ctx).overage_price, 2'000'000);
  EXPECT_EQ(p.plans[0].currency, std::optional<uint16_t>(0));
}

TEST(Checker, AllowAndDenyLists) {
  ir::Program p =
      must_compile(kLlm +
                   "service img { unit event; }\n"
                   "model flux { service img; id 1; }\nmodel sd { service img; id 2; }\n"
                   "plan p { models llm allow [qwen_max]; models img deny [sd]; }\n");
  uint32_t llm = block_of(p, "p", "llm");
  uint32_t img = block_of(p, "p", "img");
  std::vector<int64_t> ctx = context(p);
  ctx[kSlotModel] = p.find_model("qwen_turbo");
  EXPECT_EQ(decide_on(p, llm, ctx).outcome, Outcome::kModelNotAllowed);
  ctx[kSlotModel] = p.find_model("qwen_max");
  EXPECT_EQ(decide_on(p, llm, ctx).outcome, Outcome::kGranted);
  ctx[kSlotModel] = p.find_model("sd");
  EXPECT_EQ(decide_on(p, img, ctx).outcome, Outcome::kModelNotAllowed);
  ctx[kSlotModel] = p.find_model("flux");
  EXPECT_EQ(decide_on(p, img, ctx).outcome, Outcome::kGranted);
}

TEST(Checker, UsageAndMemberCaps) {
  ir::Program p = must_compile(kLlm +
                               "plan p {\n"
                               "  allowance llm 50M token pooled;\n"
                               "  cap llm 5M token then block;\n"
                               "  cap llm 1M token per member then terminate;\n"
                               "}\n");
  uint32_t b = block_of(p, "p", "llm");
  EXPECT_TRUE(p.blocks[b].pooled);
  std::vector<int64_t> ctx = context(p);
  ctx[kSlotRequested] = 1'000'000;
  ctx[kSlotUsed] = 4'900'000;
  Decision d = decide_on(p, b, ctx);
  EXPECT_EQ(d.grant, 100'000);
  EXPECT_EQ(d.limiter, Limiter::kUsageCap);
  ASSERT_NE(d.final_action, nullptr);
  EXPECT_EQ(d.final_action->kind, ast::ActionKind::kBlock);
  ctx[kSlotUsed] = 0;
  ctx[kSlotMemberUsed] = 999'000;
  d = decide_on(p, b, ctx);
  EXPECT_EQ(d.grant, 1'000);
  EXPECT_EQ(d.limiter, Limiter::kMemberCap);
}

TEST(Checker, FirstPeriodFee) {
  ir::Program p = must_compile(kLlm +
                               "plan p { fee 9.9 CNY when first_period; fee 29 CNY; "
                               "allowance llm 1M token; }\n");
  uint32_t pb = p.plans[0].plan_block;
  EXPECT_EQ(p.blocks[pb].service, ir::kNoService);
  std::vector<int64_t> ctx = context(p);
  EXPECT_EQ(decide_on(p, pb, ctx).fee, 9'900'000);
  ctx[kSlotPeriodIndex] = 1;
  EXPECT_EQ(decide_on(p, pb, ctx).fee, 29'000'000);
}

TEST(Checker, EligibilityConjoinsPlanAndServiceRules) {
  ir::Program p =
      must_compile(kLlm +
                   "attribute region: string = \"sh\";\n"
                   "plan p { eligible when region == \"sh\"; eligible llm when hour < 22; }\n");
  uint32_t b = block_of(p, "p", "llm");
  std::vector<int64_t> ctx = context(p);
  ctx[kSlotHour] = 10;
  EXPECT_EQ(decide_on(p, b, ctx).outcome, Outcome::kGranted);
  ctx[kSlotHour] = 23;
  EXPECT_EQ(decide_on(p, b, ctx).outcome, Outcome::kNotEligible);
  ctx[kSlotHour] = 10;
  ctx[p.attributes[0].slot] = 0;  // a region the catalog does not know
  EXPECT_EQ(decide_on(p, b, ctx).outcome, Outcome::kNotEligible);
}

TEST(Checker, BlockFunctionOrderAndWindows) {
  ir::Program p = must_compile(
      "currency CNY minor 2;\nservice code { unit request; }\n"
      "plan coding {\n"
      "  fee 40 CNY;\n"
      "  limit code 1200 requests per 5 h;\n"
      "  limit code 9000 requests per 1 week;\n"
      "  allowance code 18000 requests;\n"
      "  cap spend 100 CNY then terminate;\n"
      "  on_exhaust code redirect \"https://top.up\";\n"
      "  threshold code = 20%;\n"
      "  grant code = min(requested, 10 requests);\n"
      "  eligible code when true;\n"
      "  notify code at 80%, 100%, 500 requests;\n"
      "  order code [promo, allowance, pack];\n"
      "}\n");
  uint32_t b = block_of(p, "coding", "code");
  std::vector<Role> roles;
  for (const ir::Function& f : p.blocks[b].functions) roles.push_back(f.role);
  std::vector<Role> want{Role::kEligible,      Role::kGrant,      Role::kThreshold,
                         Role::kExhaustAction, Role::kAllowance,  Role::kSpendCap,
                         Role::kWindowLimit,   Role::kWindowLimit};
  EXPECT_EQ(roles, want);
  ASSERT_EQ(p.blocks[b].windows.size(), 2u);
  EXPECT_EQ(p.blocks[b].windows[0].seconds, 5 * 3600);
  EXPECT_EQ(p.blocks[b].windows[1].seconds, 7 * 86400);
  EXPECT_EQ(p.blocks[b].functions.back().aux, 1);
  ASSERT_TRUE(p.blocks[b].spend_cap_action.has_value());
  EXPECT_EQ(p.blocks[b].spend_cap_action->kind, ast::ActionKind::kTerminate);
  ASSERT_EQ(p.blocks[b].actions.size(), 1u);
  EXPECT_EQ(p.blocks[b].actions[0].argument, "https://top.up");
  EXPECT_EQ(p.blocks[b].notify_ratios, (std::vector<int64_t>{800'000, 1'000'000}));
  EXPECT_EQ(p.blocks[b].notify_amounts, (std::vector<int64_t>{500}));
  EXPECT_EQ(p.blocks[b].order,
            (std::vector<ir::BucketOrigin>{ir::BucketOrigin::kPromo, ir::BucketOrigin::kAllowance,
                                           ir::BucketOrigin::kPack}));
  std::vector<int64_t> ctx = context(p);
  ctx[kSlotWindowUsed0] = 1'199;
  ctx[kSlotRequested] = 5;
  Decision d = decide_on(p, b, ctx);
  EXPECT_EQ(d.grant, 1);
  EXPECT_EQ(d.limiter, Limiter::kWindow);
}

TEST(Checker, PeriodsPacksPromosAndRollover) {
  ir::Program p = must_compile(
      "currency CNY minor 2;\nservice data { unit byte; }\nattribute segment: string = \"x\";\n"
      "plan p version 3 effective 2026-07-01 {\n"
      "  period monthly anchor day 15;\n"
      "  grandfather until 2027-01-01;\n"
      "  allowance data 20 GiB rollover 10 GiB for 2 periods;\n"
      "  pack p1 { price 10 CNY; grant data 5 GiB; valid 30 days; }\n"
      "  promo welcome { grant data 1 GiB; when segment == \"opc\"; }\n"
      "  promo always { grant data 1 MiB; valid 7 days; }\n"
      "}\n");
  const ir::Plan& pl = p.plans[0];
  EXPECT_EQ(pl.version, 3);
  EXPECT_EQ(pl.effective_date, std::optional<int64_t>(20'635));  // 2026-07-01
  EXPECT_EQ(pl.period.kind, ir::PeriodKind::kMonthly);
  EXPECT_EQ(pl.period.anchor, ir::AnchorKind::kDayOfMonth);
  EXPECT_EQ(pl.period.anchor_value, 15);
  EXPECT_EQ(pl.grandfather, ir::GrandfatherKind::kUntil);
  ASSERT_EQ(pl.packs.size(), 1u);
  EXPECT_EQ(pl.packs[0].price, 10'000'000);
  ASSERT_EQ(pl.packs[0].grants.size(), 1u);
  EXPECT_EQ(pl.packs[0].grants[0].amount, 5 * (int64_t{1} << 30));
  EXPECT_EQ(pl.packs[0].valid_seconds, 30 * 86'400);
  ASSERT_EQ(pl.promos.size(), 2u);
  EXPECT_EQ(pl.promos[1].valid_seconds, 7 * 86'400);
  uint32_t data = block_of(p, "p", "data");
  EXPECT_EQ(p.blocks[data].rollover_cap, 10 * (int64_t{1} << 30));
  EXPECT_EQ(p.blocks[data].rollover_periods, 2);
  // Only the guarded promo has a kPromoEligible function; absent means "always".
  const ir::Block& pb = p.blocks[pl.plan_block];
  ASSERT_EQ(pb.functions.size(), 1u);
  EXPECT_EQ(pb.functions[0].role, Role::kPromoEligible);
  EXPECT_EQ(pb.functions[0].aux, 0);
}

TEST(Checker, PlanVersionsAndLookup) {
  ir::Program p = must_compile(
      "service llm { unit token; }\n"
      "plan p version 1 { allowance llm 1 token; }\n"
      "plan p version 3 { allowance llm 3 token; }\n"
      "plan p version 2 { allowance llm 2 token; }\n");
  ASSERT_EQ(p.plans.size(), 3u);
  EXPECT_EQ(p.find_plan("p"), 1);
  EXPECT_EQ(p.find_plan("q"), -1);
  EXPECT_EQ(p.service_block(0, 0), static_cast<int>(p.plans[0].service_blocks[0]));
  EXPECT_EQ(p.service_block(0, 7), -1);
}

TEST(Checker, ExtensionsAreCheckedAndRecorded) {
  ExtensionRegistry reg;
  ExtensionDecl d;
  d.name = "discount";
  d.params = {Type::of(TypeKind::kInt), Type::of(TypeKind::kRatio)};
  d.result = Type::of(TypeKind::kRatio);
  d.fn = [](const int64_t* a, int64_t* out) -> int32_t {
    *out = a[0] * a[1];
    return 0;
  };
  ASSERT_TRUE(reg.add(d));
  ir::Program p = must_compile(kLlm +
                                   "plan p { weight llm = discount(2, 1); "
                                   "grant llm = 10 token * discount(1, 0.5); }\n",
                               &reg);
  ASSERT_EQ(p.extensions.size(), 1u);  // two calls, one entry
  EXPECT_EQ(p.extensions[0].name, "discount");
  EXPECT_EQ(p.extensions[0].arity, 2u);
  Compiled arity = compile(kLlm + "plan p { weight llm = discount(2); }\n", &reg);
  EXPECT_EQ(arity.where("E0307"), "6:23") << arity.rendered();
  Compiled types = compile(kLlm + "plan p { weight llm = discount(2, \"x\"); }\n", &reg);
  EXPECT_EQ(types.where("E0305"), "6:35") << types.rendered();
  Compiled none = compile(kLlm + "plan p { weight llm = discount(2, 1); }\n");
  EXPECT_EQ(none.where("E0207"), "6:23") << none.rendered();
}

TEST(Checker, DumpIrShowsTypedExpressions) {
  ir::Program p = must_compile(kLlm +
                               "plan p { fee 9.9 CNY when first_period; fee 29 CNY; "
                               "grant llm = min(requested, 100k token); }\n");
  std::string dump = dump_ir(p);
  EXPECT_NE(dump.find("timezone +08:00"), std::string::npos) << dump;
  EXPECT_NE(
      dump.find("fee money<CNY> = (if:money<CNY> (eq:bool $period_index:int 0) 9.9 CNY 29.0 CNY)"),
      std::string::npos)
      << dump;
  EXPECT_NE(dump.find("grant quantity<token> = (min:quantity<token> $requested:quantity<token> "
                      "100000 token)"),
            std::string::npos)
      << dump;
  EXPECT_NE(dump.find("model qwen_turbo service llm id 1002 weight 0.5"), std::string::npos)
      << dump;
  EXPECT_EQ(dump, dump_ir(p));  // stable
}

TEST(Checker, LongGuardChainsStayFlat) {
  // Thousands of rules must neither overflow the stack nor the function limit.
  std::string items;
  for (int i = 0; i < 3000; ++i) {
    items += "grant llm = " + std::to_string(i + 1) +
             " token when requested == " + std::to_string(i) + " token;\n";
  }
  ir::Program p = must_compile(kLlm + "plan p {\n" + items + "}\n");
  uint32_t b = block_of(p, "p", "llm");
  std::vector<int64_t> ctx = context(p);
  ctx[kSlotRequested] = 2'500;
  EXPECT_EQ(eval(p, b, Role::kGrant, ctx), 2'501);
  EXPECT_FALSE(dump_ir(p).empty());
}

TEST(Checker, AttributeTypesAndDefaults) {
  ir::Program p = must_compile(kLlm +
                               "service data { unit byte; }\n"
                               "attribute budget: money CNY = 50 CNY;\n"
                               "attribute extra: GiB = 2 GiB;\n"
                               "attribute joined: date = 2026-01-31;\n"
                               "attribute share: ratio = 25%;\n"
                               "attribute vip: bool = true;\n"
                               "plan p {\n"
                               "  cap spend budget then terminate;\n"
                               "  allowance data 10 GiB + extra;\n"
                               "  eligible data when vip and date >= joined;\n"
                               "  grant llm = requested * share;\n"
                               "}\n");
  ASSERT_EQ(p.attributes.size(), 5u);
  EXPECT_EQ(p.attributes[0].type, Type::money(0));
  EXPECT_EQ(p.attributes[0].default_value, 50'000'000);
  EXPECT_EQ(p.attributes[1].type, Type::quantity(Dim::kByte));
  EXPECT_EQ(p.attributes[1].default_value, int64_t{2} << 30);
  EXPECT_EQ(p.attributes[2].default_value, 20'484);  // 2026-01-31
  EXPECT_EQ(p.attributes[3].default_value, 250'000);
  EXPECT_EQ(p.attributes[4].default_value, 1);
  uint32_t data = block_of(p, "p", "data");
  std::vector<int64_t> ctx = context(p);
  EXPECT_EQ(eval(p, data, Role::kAllowance, ctx), int64_t{12} << 30);
  EXPECT_EQ(eval(p, data, Role::kSpendCap, ctx), 50'000'000);
  ctx[kSlotDate] = 20'484;
  EXPECT_EQ(eval(p, data, Role::kEligible, ctx), 1);
  ctx[kSlotDate] = 20'483;
  EXPECT_EQ(eval(p, data, Role::kEligible, ctx), 0);
  ctx[kSlotRequested] = 1'000;
  EXPECT_EQ(eval(p, block_of(p, "p", "llm"), Role::kGrant, ctx), 250);
  Compiled bad = compile(kLlm + "attribute n: int = \"x\";\nplan p { eligible when n > 1; }\n");
  EXPECT_EQ(bad.where("E0305"), "6:20") << bad.rendered();
}

TEST(Checker, WeekdayRangesWrapAndPlanLevelModelWeight) {
  std::vector<int64_t> ctx;
  {
    ir::Program p = must_compile(kLlm + "plan p { eligible llm when true; }\n");
    ctx = context(p);
  }
  ctx[kSlotWeekday] = 7;
  EXPECT_EQ(condition(kLlm, "weekday in fri..mon", &ctx), 1);
  ctx[kSlotWeekday] = 3;
  EXPECT_EQ(condition(kLlm, "weekday in fri..mon", &ctx), 0);
  EXPECT_EQ(condition(kLlm, "weekday in mon..fri", &ctx), 1);
  // In a plan-level item model.weight covers every declared model.
  ir::Program p =
      must_compile(kLlm + "plan p { fee 10 CNY * model.weight; allowance llm 1 token; }\n");
  std::vector<int64_t> c2 = context(p);
  c2[kSlotModel] = p.find_model("qwen_turbo");
  EXPECT_EQ(decide_on(p, p.plans[0].plan_block, c2).fee, 5'000'000);
}

// Structural invariants the interpreter and the JIT rely on, over every example tariff.
void expect_well_formed(const ir::Program& p, const std::string& what) {
  EXPECT_EQ(p.context_slots, kSlotBuiltinCount + p.attributes.size()) << what;
  EXPECT_FALSE(p.strings.empty()) << what;
  for (size_t i = 0; i < p.nodes.size(); ++i) {
    const ir::Node& n = p.nodes[i];
    for (ir::ExprId a : n.args) EXPECT_LT(a, i) << what << " node " << i;
    if (n.op == ir::OpCode::kInSet) {
      EXPECT_LE(static_cast<size_t>(n.imm) + n.count, p.set_values.size()) << what;
    }
    if (n.op == ir::OpCode::kLoad) {
      EXPECT_LT(n.imm, p.context_slots) << what;
    }
    if (n.op == ir::OpCode::kCall) {
      EXPECT_LT(n.imm, p.extensions.size()) << what;
    }
    EXPECT_NE(n.type.kind, TypeKind::kError) << what << " node " << i;
  }
  for (const ir::Plan& pl : p.plans) {
    ASSERT_LT(pl.plan_block, p.blocks.size()) << what;
    EXPECT_EQ(p.blocks[pl.plan_block].service, ir::kNoService) << what;
    for (uint32_t b : pl.service_blocks) {
      ASSERT_LT(b, p.blocks.size()) << what;
      EXPECT_LT(p.blocks[b].service, p.services.size()) << what;
    }
  }
  for (const ir::Block& b : p.blocks) {
    EXPECT_LE(b.functions.size(), ir::kMaxBlockFunctions) << what;
    EXPECT_LE(b.windows.size(), static_cast<size_t>(kMaxWindowLimits)) << what;
    for (const ir::Function& f : b.functions) {
      ASSERT_LT(f.body, p.nodes.size()) << what;
      EXPECT_EQ(f.type, p.nodes[f.body].type) << what;
      if (f.role == Role::kExhaustAction) {
        EXPECT_FALSE(b.actions.empty()) << what;
      }
    }
  }
}

TEST(Checker, ExampleTariffsCheckCleanAndWellFormed) {
  std::filesystem::path dir = std::filesystem::path(GYRATE_SOURCE_DIR) / "examples" / "tariffs";
  size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".tariff") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    Compiled c = compile(text.str());
    ASSERT_TRUE(c.program.has_value()) << entry.path() << "\n" << c.rendered();
    EXPECT_EQ(c.diags.items().size(), 0u) << entry.path() << "\n" << c.rendered();
    expect_well_formed(*c.program, entry.path().filename().string());
    ++seen;
  }
  EXPECT_GE(seen, 14u);
}

}  // namespace
}  // namespace gyrate::lang::checker_test
