// Scenario tests of the example tariffs T1-T14 (mission.md): each row's feature, evaluated through
// the checker, the interpreter and decide(). Expected values are worked out from the tariff text.
#include <gtest/gtest.h>

#include <filesystem>

#include "gyrate/ruleslang/arith.hpp"
#include "gyrate/ruleslang/calendar.hpp"
#include "tariff_fixture.hpp"

namespace gyrate {
namespace {

using lang::Limiter;
using lang::Outcome;
using lang::ast::ActionKind;
using testing::CompiledTariff;

constexpr int64_t kGiB = int64_t{1} << 30;
constexpr int64_t kMiB = int64_t{1} << 20;

// Unix time of a local wall-clock time in the program's timezone.
int64_t local(const lang::ir::Program& p, int64_t y, int m, int d, int hour, int minute = 0) {
  return lang::calendar::days_from_civil({y, m, d}) * 86400 + hour * 3600 + minute * 60 -
         int64_t{p.timezone_offset_minutes} * 60;
}

int64_t money(int64_t major, int64_t cents = 0) { return major * 1'000'000 + cents * 10'000; }

TEST(Examples, EveryExampleChecksCleanly) {
  namespace fs = std::filesystem;
  int count = 0;
  for (const auto& entry : fs::directory_iterator(std::string(GYRATE_SOURCE_DIR) + "/examples/tariffs")) {
    if (entry.path().extension() != ".tariff") continue;
    CompiledTariff t("examples/tariffs/" + entry.path().filename().string());
    EXPECT_TRUE(t.ok()) << entry.path();
    ++count;
  }
  EXPECT_GE(count, 14);
  CompiledTariff catalog("examples/catalog.tariff");
  ASSERT_TRUE(catalog.ok());
  EXPECT_GE(catalog.program().plans.size(), 6u);
}

TEST(Examples, T01PricedTokenPacks) {
  CompiledTariff t("examples/tariffs/t01_token_pack.tariff");
  ASSERT_TRUE(t.ok());
  const auto& plan = t.program().plans[static_cast<size_t>(t.program().find_plan("token_pack"))];
  ASSERT_EQ(plan.packs.size(), 2u);
  EXPECT_EQ(plan.packs[0].price, money(1));
  ASSERT_EQ(plan.packs[0].grants.size(), 1u);
  EXPECT_EQ(plan.packs[0].grants[0].amount, 400'000);
  EXPECT_EQ(plan.packs[0].valid_seconds, 30 * 86400);

  auto ctx = t.context();
  ctx.set(lang::kSlotRequested, 100'000).set(lang::kSlotRemaining, 0);
  auto empty = t.decide("token_pack", "llm", ctx);
  EXPECT_EQ(empty.outcome, Outcome::kExhausted);
  ASSERT_NE(empty.final_action, nullptr);
  EXPECT_EQ(empty.final_action->kind, ActionKind::kRedirect);
  EXPECT_EQ(empty.final_action->argument, "https://topup.example.cn/tokens");

  ctx.set(lang::kSlotRemaining, 400'000);
  auto d = t.decide("token_pack", "llm", ctx);
  EXPECT_EQ(d.outcome, Outcome::kGranted);
  EXPECT_EQ(d.grant, 50'000);  // min(requested, 50k token)
  EXPECT_EQ(d.validity_seconds, 30 * 60);
  EXPECT_FALSE(d.final_units);
}

TEST(Examples, T02MonthlyCapTerminatesInsteadOfOverage) {
  CompiledTariff t("examples/tariffs/t02_monthly_cap.tariff");
  ASSERT_TRUE(t.ok());
  auto ctx = t.context();
  ctx.set(lang::kSlotRequested, 20'000).set(lang::kSlotRemaining, 5'000);
  auto d = t.decide("monthly_cap", "llm", ctx);
  EXPECT_EQ(d.outcome, Outcome::kGranted);
  EXPECT_EQ(d.grant, 5'000);
  EXPECT_EQ(d.limiter, Limiter::kBalance);
  EXPECT_TRUE(d.final_units);
  ASSERT_NE(d.final_action, nullptr);
  EXPECT_EQ(d.final_action->kind, ActionKind::kTerminate);
  EXPECT_EQ(d.threshold, 1'000);  // 20% of the grant
  EXPECT_EQ(d.allowance, 5'000'000);
  EXPECT_FALSE(d.has_overage_price);

  ctx.set(lang::kSlotRemaining, 0);
  auto none = t.decide("monthly_cap", "llm", ctx);
  EXPECT_EQ(none.outcome, Outcome::kExhausted);
  ASSERT_NE(none.final_action, nullptr);
  EXPECT_EQ(none.final_action->kind, ActionKind::kTerminate);

  int block = t.program().service_block(0, 0);
  ASSERT_GE(block, 0);
  const auto& b = t.program().blocks[static_cast<size_t>(block)];
  EXPECT_EQ(b.notify_ratios, (std::vector<int64_t>{800'000, 1'000'000}));
  EXPECT_EQ(b.rollover_cap, 0);
}

TEST(Examples, T03RecurringFeeOnBillingDay) {
  CompiledTariff t("examples/tariffs/t03_personal_package.tariff");
  ASSERT_TRUE(t.ok());
  const auto& plan = t.program().plans[0];
  EXPECT_EQ(plan.period.kind, lang::ir::PeriodKind::kMonthly);
  EXPECT_EQ(plan.period.anchor, lang::ir::AnchorKind::kBillingDay);
  auto ctx = t.context();
  EXPECT_EQ(t.plan_decision("personal_9_9", ctx).fee, money(9, 90));
  ctx.set(lang::kSlotRequested, 1'000).set(lang::kSlotRemaining, 2'000'000);
  auto d = t.decide("personal_9_9", "llm", ctx);
  EXPECT_EQ(d.grant, 1'000);
  EXPECT_EQ(d.validity_seconds, 3600);
}

TEST(Examples, T04PromoBucketForOneSegment) {
  CompiledTariff t("examples/tariffs/t04_trial_quota.tariff");
  ASSERT_TRUE(t.ok());
  const auto& plan = t.program().plans[0];
  ASSERT_EQ(plan.promos.size(), 1u);
  EXPECT_EQ(plan.promos[0].grants[0].amount, 30'000'000);
  EXPECT_EQ(plan.promos[0].valid_seconds, 90 * 86400);

  auto promo_eligible = [&](const lang::ContextBuilder& ctx) {
    const auto& block = t.program().blocks[plan.plan_block];
    auto r = t.interpreter().evaluate_block(plan.plan_block, ctx.context().data());
    for (size_t i = 0; i < block.functions.size(); ++i)
      if (block.functions[i].role == lang::ir::Role::kPromoEligible)
        return ((r.matched >> i) & 1U) != 0 && r.values[i] == 1;
    return true;  // no guard: everyone
  };
  auto opc = t.context();
  EXPECT_EQ(opc.set_attribute("segment", "opc"), "");
  EXPECT_EQ(opc.set_attribute("region", "shanghai"), "");
  EXPECT_TRUE(promo_eligible(opc));
  auto beijing = opc;
  EXPECT_EQ(beijing.set_attribute("region", "beijing"), "");
  EXPECT_FALSE(promo_eligible(beijing));

  auto retail = t.context();
  retail.set(lang::kSlotRemaining, 1'000'000).set(lang::kSlotRequested, 10);
  EXPECT_EQ(t.decide("opc_trial", "llm", retail).outcome, Outcome::kNotEligible);
  opc.set(lang::kSlotRemaining, 1'000'000).set(lang::kSlotRequested, 10);
  EXPECT_EQ(t.decide("opc_trial", "llm", opc).outcome, Outcome::kGranted);
}

TEST(Examples, T05BundleHasSeparateServiceRules) {
  CompiledTariff t("examples/tariffs/t05_bundle.tariff");
  ASSERT_TRUE(t.ok());
  auto ctx = t.context();
  ctx.set(lang::kSlotRemaining, 0).set(lang::kSlotRequested, 0);
  auto llm = t.decide("smart_bundle", "llm", ctx);
  auto data = t.decide("smart_bundle", "data", ctx);
  auto sec = t.decide("smart_bundle", "sec", ctx);
  EXPECT_EQ(llm.allowance, 10'000'000);
  EXPECT_EQ(data.allowance, 30 * kGiB);
  EXPECT_EQ(sec.allowance, 1'000);
  ASSERT_NE(data.final_action, nullptr);
  EXPECT_EQ(data.final_action->kind, ActionKind::kRestrict);
  EXPECT_EQ(data.final_action->argument, "throttle-1mbps");
  ASSERT_NE(llm.final_action, nullptr);
  EXPECT_EQ(llm.final_action->kind, ActionKind::kRedirect);
  ASSERT_NE(sec.final_action, nullptr);
  EXPECT_EQ(sec.final_action->kind, ActionKind::kBlock);

  ctx.set(lang::kSlotRemaining, 100 * kMiB);
  auto granted = t.decide("smart_bundle", "data", ctx);
  EXPECT_EQ(granted.grant, 10 * kMiB);  // no RSU amount: the service quota
  EXPECT_EQ(granted.validity_seconds, 15 * 60);
  EXPECT_EQ(granted.threshold, 2 * kMiB);
}

TEST(Examples, T06TeamPlanSeatsPoolAndMemberCap) {
  CompiledTariff t("examples/tariffs/t06_team_plan.tariff");
  ASSERT_TRUE(t.ok());
  auto ctx = t.context();
  ASSERT_EQ(ctx.set_attribute("seats", "5"), "");
  EXPECT_EQ(t.plan_decision("team", ctx).fee, money(990));
  ctx.model("qwen_max").set(lang::kSlotRequested, 500'000).set(lang::kSlotRemaining, 50'000'000);
  auto d = t.decide("team", "llm", ctx);
  EXPECT_EQ(d.allowance, 100'000'000);
  EXPECT_EQ(d.grant, 200'000);
  EXPECT_EQ(d.weight, 4'000'000);
  EXPECT_EQ(d.debit, 800'000);
  int block = t.program().service_block(0, 0);
  EXPECT_TRUE(t.program().blocks[static_cast<size_t>(block)].pooled);

  ctx.model("qwen_turbo");
  EXPECT_EQ(t.decide("team", "llm", ctx).grant, 500'000);  // the guarded grant rule does not apply

  ctx.set(lang::kSlotMemberUsed, 25'000'000 - 10'000);
  auto capped = t.decide("team", "llm", ctx);
  EXPECT_EQ(capped.grant, 10'000);
  EXPECT_EQ(capped.limiter, Limiter::kMemberCap);
  ASSERT_NE(capped.final_action, nullptr);
  EXPECT_EQ(capped.final_action->kind, ActionKind::kBlock);

  auto no_model = t.context();
  no_model.set(lang::kSlotRequested, 10).set(lang::kSlotRemaining, 100);
  EXPECT_EQ(t.decide("team", "llm", no_model).outcome, Outcome::kModelNotAllowed);
}

TEST(Examples, T07RequestsAndRollingWindows) {
  CompiledTariff t("examples/tariffs/t07_coding_plan.tariff");
  ASSERT_TRUE(t.ok());
  int block = t.program().service_block(0, 0);
  ASSERT_GE(block, 0);
  const auto& b = t.program().blocks[static_cast<size_t>(block)];
  ASSERT_EQ(b.windows.size(), 2u);
  EXPECT_EQ(b.windows[0].seconds, 5 * 3600);
  EXPECT_EQ(b.windows[1].seconds, 7 * 86400);

  auto ctx = t.context();
  ctx.set(lang::kSlotRemaining, 18'000).set(lang::kSlotWindowUsed0, 1'199);
  auto ok = t.decide("coding_plan", "code", ctx);
  EXPECT_EQ(ok.outcome, Outcome::kGranted);
  EXPECT_EQ(ok.grant, 1);
  ctx.set(lang::kSlotWindowUsed0, 1'200);
  auto limited = t.decide("coding_plan", "code", ctx);
  EXPECT_EQ(limited.outcome, Outcome::kExhausted);
  EXPECT_EQ(limited.limiter, Limiter::kWindow);
  ctx.set(lang::kSlotWindowUsed0, 0).set(lang::kSlotWindowUsed1, 9'000);
  EXPECT_EQ(t.decide("coding_plan", "code", ctx).limiter, Limiter::kWindow);
}

TEST(Examples, T08ModalityWeightsDrawOnOneAllowance) {
  CompiledTariff t("examples/tariffs/t08_all_modality.tariff");
  ASSERT_TRUE(t.ok());
  auto ctx = t.context();
  ctx.model("mm_video").set(lang::kSlotRequested, 1'000).set(lang::kSlotRemaining, 60'000'000);
  auto video = t.decide("all_modality", "media", ctx);
  EXPECT_EQ(video.grant, 1'000);
  EXPECT_EQ(video.debit, 300'000);
  ctx.model("mm_voice").set(lang::kSlotRequested, 1'001);
  EXPECT_EQ(t.decide("all_modality", "media", ctx).debit, 2'503);  // 2502.5 rounded up
  ctx.model("mm_video").set(lang::kSlotRemaining, 1'000);
  auto last = t.decide("all_modality", "media", ctx);
  EXPECT_EQ(last.grant, 3);  // floor(1000 / 300)
  EXPECT_TRUE(last.final_units);
  EXPECT_EQ(last.limiter, Limiter::kBalance);
}

TEST(Examples, T09AnnualPlanWithAllowList) {
  CompiledTariff t("examples/tariffs/t09_annual_allow_list.tariff");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.program().plans[0].period.kind, lang::ir::PeriodKind::kAnnual);
  EXPECT_EQ(t.plan_decision("mimo_annual", t.context()).fee, money(411, 84));
  auto ctx = t.context();
  ctx.set(lang::kSlotRequested, 100).set(lang::kSlotRemaining, 1'000'000);
  ctx.model("other_vendor");
  auto refused = t.decide("mimo_annual", "llm", ctx);
  EXPECT_EQ(refused.outcome, Outcome::kModelNotAllowed);
  ctx.model("mimo_7");
  auto ok = t.decide("mimo_annual", "llm", ctx);
  EXPECT_EQ(ok.outcome, Outcome::kGranted);
  EXPECT_EQ(ok.weight, 3'000'000);
}

TEST(Examples, T10FirstPeriodPromotionalFee) {
  CompiledTariff t("examples/tariffs/t10_first_month_promo.tariff");
  ASSERT_TRUE(t.ok());
  auto ctx = t.context();
  ctx.set(lang::kSlotPeriodIndex, 0);
  EXPECT_EQ(t.plan_decision("coding_lite", ctx).fee, money(8, 91));
  ctx.set(lang::kSlotPeriodIndex, 1);
  EXPECT_EQ(t.plan_decision("coding_lite", ctx).fee, money(40));
  ctx.set(lang::kSlotPeriodIndex, 11);
  EXPECT_EQ(t.plan_decision("coding_lite", ctx).fee, money(40));
}

TEST(Examples, T11VersionsEffectiveDatesAndGrandfathering) {
  CompiledTariff t("examples/tariffs/t11_price_rise.tariff");
  ASSERT_TRUE(t.ok());
  const auto& p = t.program();
  ASSERT_EQ(p.plans.size(), 2u);
  int newest = p.find_plan("glm_coding");
  ASSERT_GE(newest, 0);
  EXPECT_EQ(p.plans[static_cast<size_t>(newest)].version, 2);
  const auto& v1 = p.plans[0].version == 1 ? p.plans[0] : p.plans[1];
  const auto& v2 = p.plans[static_cast<size_t>(newest)];
  EXPECT_EQ(v1.effective_date, lang::calendar::days_from_civil({2026, 1, 1}));
  EXPECT_EQ(v2.effective_date, lang::calendar::days_from_civil({2026, 9, 1}));
  EXPECT_EQ(v2.grandfather, lang::ir::GrandfatherKind::kUntil);
  EXPECT_EQ(v2.grandfather_until, lang::calendar::days_from_civil({2027, 1, 1}));
  auto ctx = t.context();
  auto fee = [&](const lang::ir::Plan& plan) {
    return lang::decide(p, t.interpreter(), plan.plan_block, ctx.context().data()).fee;
  };
  EXPECT_EQ(fee(v1), money(20));
  EXPECT_EQ(fee(v2), money(26));  // +30%
}

TEST(Examples, T12OverageAndSpendCapMakeTheRealPrice) {
  CompiledTariff t("examples/tariffs/t12_effective_price.tariff");
  ASSERT_TRUE(t.ok());
  auto ctx = t.context();
  ctx.set(lang::kSlotRequested, 10'000).set(lang::kSlotRemaining, 0).set(lang::kSlotSpend, 0);
  auto d = t.decide("effective_price", "llm", ctx);
  EXPECT_EQ(d.outcome, Outcome::kGranted);  // charged as overage, not refused
  EXPECT_EQ(d.grant, 10'000);
  ASSERT_TRUE(d.has_overage_price);
  EXPECT_EQ(d.overage_price, money(2));
  EXPECT_EQ(d.overage_block, 1'000'000);
  int64_t cost = 0;
  ASSERT_EQ(lang::arith::rate_cost(d.grant, d.overage_price, d.overage_block, &cost),
            lang::ir::EvalStatus::kOk);
  EXPECT_EQ(cost, money(0, 2));  // 10k tokens at 2 CNY per 1M = 0.02 CNY

  ctx.set(lang::kSlotSpend, money(30));
  auto capped = t.decide("effective_price", "llm", ctx);
  EXPECT_EQ(capped.outcome, Outcome::kExhausted);
  EXPECT_EQ(capped.limiter, Limiter::kSpendCap);
  ASSERT_NE(capped.final_action, nullptr);
  EXPECT_EQ(capped.final_action->kind, ActionKind::kTerminate);
}

TEST(Examples, T13PremiumWeightsAndNightDiscount) {
  CompiledTariff t("examples/tariffs/t13_premium_models.tariff");
  ASSERT_TRUE(t.ok());
  const auto& p = t.program();
  auto ctx = t.context();
  ctx.set(lang::kSlotRequested, 50'000).set(lang::kSlotRemaining, 40'000'000);
  ctx.at(local(p, 2026, 11, 3, 3)).model("premium_in");
  auto night = t.decide("premium_access", "llm", ctx);
  EXPECT_EQ(night.weight, 6'000'000);
  EXPECT_EQ(night.grant, 20'000);
  ctx.at(local(p, 2026, 11, 3, 12));
  EXPECT_EQ(t.decide("premium_access", "llm", ctx).weight, 8'000'000);
  ctx.model("premium_out");
  auto out = t.decide("premium_access", "llm", ctx);
  EXPECT_EQ(out.weight, 24'000'000);
  EXPECT_EQ(out.debit, 480'000);
  ctx.model("basic_chat").set(lang::kSlotRequested, 500'000);
  auto basic = t.decide("premium_access", "llm", ctx);
  EXPECT_EQ(basic.weight, 1'000'000);
  EXPECT_EQ(basic.grant, 100'000);
}

TEST(Examples, T14RolloverFairUseSpendCapAndTimeOfDayPrices) {
  CompiledTariff t("examples/tariffs/t14_data_rollover_fair_use.tariff");
  ASSERT_TRUE(t.ok());
  const auto& p = t.program();
  int block = p.service_block(0, 0);
  ASSERT_GE(block, 0);
  const auto& b = p.blocks[static_cast<size_t>(block)];
  EXPECT_EQ(b.rollover_cap, 10 * kGiB);
  EXPECT_EQ(b.rollover_periods, 2);
  ASSERT_EQ(b.order.size(), 3u);
  EXPECT_EQ(b.order[0], lang::ir::BucketOrigin::kRollover);

  auto ctx = t.context();
  ctx.set(lang::kSlotRemaining, 0).set(lang::kSlotRequested, 100 * kMiB);
  ctx.at(local(p, 2026, 11, 3, 2));
  auto night = t.decide("data_rollover", "data", ctx);
  EXPECT_EQ(night.outcome, Outcome::kGranted);
  EXPECT_EQ(night.overage_price, money(2));
  EXPECT_EQ(night.overage_block, kGiB);
  ctx.at(local(p, 2026, 11, 3, 14));
  EXPECT_EQ(t.decide("data_rollover", "data", ctx).overage_price, money(5));

  ctx.set(lang::kSlotUsed, 100 * kGiB);
  auto fair_use = t.decide("data_rollover", "data", ctx);
  EXPECT_EQ(fair_use.outcome, Outcome::kExhausted);
  EXPECT_EQ(fair_use.limiter, Limiter::kUsageCap);
  ASSERT_NE(fair_use.final_action, nullptr);
  EXPECT_EQ(fair_use.final_action->kind, ActionKind::kRestrict);
  EXPECT_EQ(fair_use.final_action->argument, "fair-use-1mbps");

  ctx.set(lang::kSlotUsed, 0).set(lang::kSlotSpend, money(50));
  auto shock = t.decide("data_rollover", "data", ctx);
  EXPECT_EQ(shock.limiter, Limiter::kSpendCap);
  ASSERT_NE(shock.final_action, nullptr);
  EXPECT_EQ(shock.final_action->kind, ActionKind::kRedirect);
}

TEST(Examples, CatalogCombinesFeatures) {
  CompiledTariff t("examples/catalog.tariff");
  ASSERT_TRUE(t.ok());
  const auto& p = t.program();
  auto ctx = t.context();
  ASSERT_EQ(ctx.set_attribute("seats", "3"), "");
  ctx.set(lang::kSlotPeriodIndex, 0);
  EXPECT_EQ(t.plan_decision("team_pro", ctx).fee, money(297));
  ctx.set(lang::kSlotPeriodIndex, 1);
  EXPECT_EQ(t.plan_decision("team_pro", ctx).fee, money(594));

  ctx.model("qwen_max").set(lang::kSlotRequested, 1'000).set(lang::kSlotRemaining, 1'000'000);
  ctx.at(local(p, 2026, 11, 4, 2));
  EXPECT_EQ(t.decide("team_pro", "llm", ctx).weight, 3'000'000);
  ctx.at(local(p, 2026, 11, 4, 15));
  EXPECT_EQ(t.decide("team_pro", "llm", ctx).weight, 4'000'000);
  EXPECT_EQ(t.decide("team_pro", "llm", ctx).allowance, 60'000'000);

  auto student = t.context();
  student.model("qwen_turbo").set(lang::kSlotRequested, 1'000);
  EXPECT_EQ(t.decide("student_paygo", "llm", student).outcome, Outcome::kNotEligible);
  ASSERT_EQ(student.set_attribute("student", "true"), "");
  student.at(local(p, 2026, 11, 7, 12));  // a Saturday
  auto weekend = t.decide("student_paygo", "llm", student);
  EXPECT_EQ(weekend.outcome, Outcome::kGranted);
  EXPECT_EQ(weekend.overage_price, money(0, 50));
  student.at(local(p, 2026, 11, 9, 12));  // a Monday
  EXPECT_EQ(t.decide("student_paygo", "llm", student).overage_price, money(1));
  student.model("wan_image");
  EXPECT_EQ(t.decide("student_paygo", "llm", student).outcome, Outcome::kModelNotAllowed);

  auto starter = t.context();
  starter.model("wan_image").set(lang::kSlotRequested, 10).set(lang::kSlotRemaining, 100);
  EXPECT_EQ(t.decide("token_starter", "llm", starter).outcome, Outcome::kModelNotAllowed);
  starter.model("qwen_plus");
  EXPECT_EQ(t.decide("token_starter", "llm", starter).outcome, Outcome::kGranted);
  EXPECT_EQ(t.decide("token_starter", "data", starter).outcome, Outcome::kNoRule);

  auto night_data = t.context();
  night_data.set(lang::kSlotRemaining, 0).set(lang::kSlotRequested, kMiB);
  night_data.at(local(p, 2026, 11, 4, 23, 30));
  EXPECT_EQ(t.decide("smart_bundle", "data", night_data).overage_price, money(1));
  night_data.at(local(p, 2026, 11, 4, 7, 0));
  EXPECT_EQ(t.decide("smart_bundle", "data", night_data).overage_price, money(2));
}

}  // namespace
}  // namespace gyrate
