// Unit tests of decide(): every outcome and limiter, weights and debits, charge with overage,
// usage/member/window/spend caps, thresholds as ratio and quantity, and the int64 edges (bounds
// that clamp truthfully, values that fault).
#include "gyrate/ruleslang/decision.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "gyrate/ruleslang/interpreter.hpp"
#include "ir_test_builder.hpp"

namespace gyrate::lang {
namespace {

using ast::ActionKind;
using ir::EvalStatus;
using ir::Role;
using testing::IrBuilder;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

class DecideTest : public ::testing::Test {
 protected:
  DecideTest() {
    ir::Currency cny;
    cny.name = "CNY";
    b.program.currencies.push_back(cny);
    ir::Plan plan;
    plan.name = "p";
    plan.currency = 0;
    b.program.plans.push_back(plan);
    svc = b.service("llm", Dim::kToken, 10'000);
    blk = b.block(svc);
    ctx[kSlotRemaining] = 1'000'000'000;
  }
  Decision run() {
    Interpreter in(b.program);
    return decide(b.program, in, blk, ctx.data());
  }
  void fn(Role r, int64_t v, uint16_t aux = 0, Type t = Type::of(TypeKind::kInt)) {
    b.fn(blk, r, b.c(v), aux, t);
  }
  void fn_no_match(Role r, uint16_t aux = 0) { b.fn(blk, r, b.when(b.c(0), b.c(1)), aux); }
  // Adds an exhaust action and a kExhaustAction function selecting it.
  const ir::Action* on_exhaust(ActionKind k, std::string arg = {}) {
    b.blk(blk).actions.push_back({k, std::move(arg), {}});
    fn(Role::kExhaustAction, static_cast<int64_t>(b.blk(blk).actions.size() - 1));
    return &b.blk(blk).actions.back();
  }
  std::string text(const Decision& d) { return describe(b.program, d); }

  IrBuilder b;
  uint16_t svc = 0;
  uint32_t blk = 0;
  std::vector<int64_t> ctx = testing::empty_context();
};

TEST_F(DecideTest, PlanBlockGivesTheFee) {
  uint32_t plan_blk = b.block(ir::kNoService);
  b.fn(plan_blk, Role::kFee, b.c(29'000'000));
  b.fn(plan_blk, Role::kEligible, b.c(0));  // plan blocks only report the fee
  Interpreter in(b.program);
  Decision d = decide(b.program, in, plan_blk, ctx.data());
  EXPECT_EQ(d.outcome, Outcome::kGranted);
  EXPECT_EQ(d.grant, 0);
  EXPECT_EQ(d.fee, 29'000'000);
  EXPECT_EQ(d.block, plan_blk);
  EXPECT_EQ(text(d), "granted plan fee 29.0 CNY");
  uint32_t no_fee = b.block(ir::kNoService);
  b.fn(no_fee, Role::kFee, b.when(b.c(0), b.c(1)));
  Interpreter in2(b.program);
  EXPECT_EQ(decide(b.program, in2, no_fee, ctx.data()).fee, 0);
}

TEST_F(DecideTest, FaultIsRatingFailed) {
  fn(Role::kGrant, 5);
  b.fn(blk, Role::kWeight, b.div_by_zero());
  Decision d = run();
  EXPECT_EQ(d.outcome, Outcome::kRatingFailed);
  EXPECT_EQ(d.fault, EvalStatus::kDivByZero);
  EXPECT_EQ(d.grant, 0);
  EXPECT_EQ(text(d), "rating_failed: div_by_zero");
}

TEST_F(DecideTest, UnknownBlockIsNoRule) {
  Interpreter in(b.program);
  auto past_end = static_cast<uint32_t>(b.program.blocks.size());
  for (uint32_t block : {past_end, past_end + 7, 0xFFFF'FFFFu}) {
    Decision d = decide(b.program, in, block, ctx.data());
    EXPECT_EQ(d.outcome, Outcome::kNoRule);
    EXPECT_EQ(d.grant, 0);
  }
}

TEST_F(DecideTest, NotEligibleAndModelNotAllowed) {
  fn(Role::kEligible, 0);
  Decision d = run();
  EXPECT_EQ(d.outcome, Outcome::kNotEligible);
  EXPECT_EQ(text(d), "not_eligible");
  b.blk(blk).functions.clear();
  fn(Role::kEligible, 1);
  fn(Role::kModelAllowed, 0);
  d = run();
  EXPECT_EQ(d.outcome, Outcome::kModelNotAllowed);
  // An eligibility rule that does not match leaves the default (eligible).
  b.blk(blk).functions.clear();
  fn_no_match(Role::kEligible);
  fn_no_match(Role::kModelAllowed);
  EXPECT_EQ(run().outcome, Outcome::kGranted);
}

TEST_F(DecideTest, DefaultGrantIsRequestedElseQuota) {
  ctx[kSlotRequested] = 2'500;
  Decision d = run();
  EXPECT_EQ(d.outcome, Outcome::kGranted);
  EXPECT_EQ(d.grant, 2'500);
  EXPECT_EQ(d.limiter, Limiter::kRule);
  EXPECT_FALSE(d.final_units);
  EXPECT_EQ(d.final_action, nullptr);
  EXPECT_EQ(d.weight, kFixedScale);
  EXPECT_EQ(d.debit, 2'500);
  EXPECT_EQ(d.validity_seconds, -1);
  EXPECT_EQ(d.threshold, -1);
  EXPECT_EQ(d.allowance, -1);
  EXPECT_EQ(d.fee, 0);
  EXPECT_EQ(text(d), "granted 2500 token (weight 1.0, debit 2500)");
  ctx[kSlotRequested] = 0;
  EXPECT_EQ(run().grant, 10'000);
  ctx[kSlotRequested] = -5;
  EXPECT_EQ(run().grant, 10'000);
}

TEST_F(DecideTest, GrantRuleAndNegativeGrant) {
  ctx[kSlotRequested] = 2'500;
  fn(Role::kGrant, 700);
  EXPECT_EQ(run().grant, 700);
  b.blk(blk).functions.clear();
  fn(Role::kGrant, -3);
  Decision d = run();
  EXPECT_EQ(d.outcome, Outcome::kExhausted);  // a rule granting nothing
  EXPECT_EQ(d.grant, 0);
  EXPECT_EQ(d.limiter, Limiter::kRule);
  EXPECT_TRUE(d.final_units);
  EXPECT_EQ(d.final_action, nullptr);
}

TEST_F(DecideTest, WeightBoundsByBalance) {
  ctx[kSlotRequested] = 20'000;
  ctx[kSlotRemaining] = 30'000;
  fn(Role::kWeight, 3 * kFixedScale, 0, Type::of(TypeKind::kRatio));
  fn(Role::kValidity, 3600);
  const ir::Action* redirect = on_exhaust(ActionKind::kRedirect, "https://topup.example.cn");
  Decision d = run();
  EXPECT_EQ(d.outcome, Outcome::kGranted);
  EXPECT_EQ(d.grant, 10'000);
  EXPECT_EQ(d.weight, 3 * kFixedScale);
  EXPECT_EQ(d.debit, 30'000);
  EXPECT_EQ(d.limiter, Limiter::kBalance);
  EXPECT_TRUE(d.final_units);
  EXPECT_EQ(d.final_action, redirect);
  EXPECT_EQ(text(d),
            "granted 10000 token (weight 3.0, debit 30000) limit=balance validity 3600s "
            "final=redirect https://topup.example.cn");
}

TEST_F(DecideTest, FractionalWeightFloorsRoomAndCeilsDebit) {
  ctx[kSlotRequested] = 100;
  ctx[kSlotRemaining] = 10;
  fn(Role::kWeight, 1'500'000);
  Decision d = run();
  EXPECT_EQ(d.grant, 6);   // floor(10 / 1.5)
  EXPECT_EQ(d.debit, 9);   // 6 * 1.5
  ctx[kSlotRemaining] = 1'000;
  ctx[kSlotRequested] = 3;
  b.blk(blk).functions.clear();
  fn(Role::kWeight, 333'333);  // 0.333333
  d = run();
  EXPECT_EQ(d.grant, 3);
  EXPECT_EQ(d.debit, 1);   // ceil(0.999999)
  EXPECT_EQ(d.limiter, Limiter::kRule);
}

TEST_F(DecideTest, ZeroWeightIsZeroRatingWithinWindowsAndCaps) {
  ctx[kSlotRequested] = 5'000;
  ctx[kSlotRemaining] = 0;
  fn(Role::kWeight, 0);
  Decision d = run();
  EXPECT_EQ(d.outcome, Outcome::kGranted);
  EXPECT_EQ(d.grant, 5'000);
  EXPECT_EQ(d.weight, 0);
  EXPECT_EQ(d.debit, 0);
  EXPECT_EQ(d.limiter, Limiter::kRule);
  // Free, not unlimited: a request limit still applies. Unit windows and caps count allowance
  // units (rule 1), which a weight of 0 never adds, so they do not bind it.
  b.blk(blk).windows = {{60, false, {}}, {60, true, {}}};
  fn(Role::kWindowLimit, 3'000, 0);
  fn(Role::kWindowLimit, 10, 1);
  fn(Role::kUsageCap, 2'000);
  ctx[kSlotWindowUsed0] = 1'000;
  ctx[kSlotUsed] = 2'000;
  d = run();
  EXPECT_EQ(d.grant, 5'000);
  EXPECT_EQ(d.limiter, Limiter::kRule);
  EXPECT_EQ(d.debit, 0);
  ctx[kSlotWindowUsed1] = 10;
  d = run();
  EXPECT_EQ(d.outcome, Outcome::kExhausted);
  EXPECT_EQ(d.limiter, Limiter::kWindow);
}

// Rule 1: caps and unit windows count allowance units; the grant is raw units at the weight.
// Weight 3, 50k units of room under a 30M cap: floor(50'000 / 3) = 16'666 tokens, debit 49'998.
TEST_F(DecideTest, CapsAndWindowsBindInAllowanceUnits) {
  ctx[kSlotRequested] = 200'000;
  fn(Role::kWeight, 3 * kFixedScale);
  fn(Role::kMemberCap, 30'000'000);
  ctx[kSlotMemberUsed] = 29'950'000;
  Decision d = run();
  EXPECT_EQ(d.grant, 16'666);
  EXPECT_EQ(d.debit, 49'998);
  EXPECT_EQ(d.limiter, Limiter::kMemberCap);
  fn(Role::kUsageCap, 100'000'000);
  ctx[kSlotUsed] = 99'999'990;  // 10 units: 3 tokens (debit 9)
  d = run();
  EXPECT_EQ(d.grant, 3);
  EXPECT_EQ(d.limiter, Limiter::kUsageCap);
  b.blk(blk).windows = {{60, false, {}}};
  fn(Role::kWindowLimit, 1'000, 0);
  ctx[kSlotWindowUsed0] = 999;  // 1 unit: no whole token at weight 3
  d = run();
  EXPECT_EQ(d.grant, 0);
  EXPECT_EQ(d.limiter, Limiter::kWindow);
  EXPECT_FALSE(d.final_units);
}

TEST_F(DecideTest, NegativeWeightIsAFault) {
  ctx[kSlotRequested] = 5'000;
  fn(Role::kFee, 1'000'000, 0, Type::money(0));
  fn(Role::kWeight, -2 * kFixedScale);
  Decision d = run();
  EXPECT_EQ(d.outcome, Outcome::kRatingFailed);
  EXPECT_EQ(d.fault, EvalStatus::kNegativeWeight);
  EXPECT_EQ(d.grant, 0);
  EXPECT_EQ(d.debit, 0);
  EXPECT_EQ(d.weight, kFixedScale);  // a fault's decision: defaults, no fee
  EXPECT_EQ(d.fee, 0);
  EXPECT_EQ(text(d), "rating_failed: negative_weight");
  b.blk(blk).functions[1].body = b.c(-1);  // the smallest negative ratio
  EXPECT_EQ(run().fault, EvalStatus::kNegativeWeight);
  // Eligibility is decided first: an ineligible request is refused, not failed.
  fn(Role::kEligible, 0);
  EXPECT_EQ(run().outcome, Outcome::kNotEligible);
  // A weight rule that does not match leaves the default weight 1.
  b.blk(blk).functions.clear();
  fn_no_match(Role::kWeight);
  d = run();
  EXPECT_EQ(d.outcome, Outcome::kGranted);
  EXPECT_EQ(d.weight, kFixedScale);
}

TEST_F(DecideTest, DebitBeyondInt64IsAFault) {
  // Charge with a price: the balance does not bound the grant, so only the debit can overflow.
  on_exhaust(ActionKind::kCharge);
  fn(Role::kOveragePrice, 1'000'000, 0, Type::money(0));
  fn(Role::kOverageBlock, 1'000'000);
  fn(Role::kWeight, 2 * kFixedScale);
  ctx[kSlotRemaining] = 0;
  ctx[kSlotRequested] = kMax / 2;
  Decision d = run();
  EXPECT_EQ(d.outcome, Outcome::kGranted);
  EXPECT_EQ(d.debit, kMax - 1);  // the largest debit that fits
  ctx[kSlotRequested] = kMax / 2 + 1;
  d = run();
  EXPECT_EQ(d.outcome, Outcome::kRatingFailed);
  EXPECT_EQ(d.fault, EvalStatus::kOverflow);
  EXPECT_EQ(d.grant, 0);
  EXPECT_EQ(text(d), "rating_failed: overflow");
  ctx[kSlotRequested] = kMax;
  EXPECT_EQ(run().fault, EvalStatus::kOverflow);
}

TEST_F(DecideTest, EmptyBalanceIsExhaustedWithTheExhaustAction) {
  ctx[kSlotRequested] = 5'000;
  ctx[kSlotRemaining] = -40;  // overdrawn counts as empty
  const ir::Action* block_action = on_exhaust(ActionKind::kBlock);
  Decision d = run();
  EXPECT_EQ(d.outcome, Outcome::kExhausted);
  EXPECT_EQ(d.grant, 0);
  EXPECT_EQ(d.debit, 0);
  EXPECT_EQ(d.limiter, Limiter::kBalance);
  EXPECT_TRUE(d.final_units);
  EXPECT_EQ(d.final_action, block_action);
  EXPECT_EQ(text(d), "exhausted limit=balance final=block");
}

TEST_F(DecideTest, ChargeWithOveragePriceIgnoresTheBalance) {
  ctx[kSlotRequested] = 5'000;
  ctx[kSlotRemaining] = 100;
  on_exhaust(ActionKind::kCharge);
  fn(Role::kOveragePrice, 1'000'000, 0, Type::money(0));
  fn(Role::kOverageBlock, 1'000'000);
  Decision d = run();
  EXPECT_EQ(d.outcome, Outcome::kGranted);
  EXPECT_EQ(d.grant, 5'000);
  EXPECT_EQ(d.limiter, Limiter::kRule);
  EXPECT_FALSE(d.final_units);
  EXPECT_TRUE(d.has_overage_price);
  EXPECT_EQ(d.overage_price, 1'000'000);
  EXPECT_EQ(d.overage_block, 1'000'000);
  EXPECT_EQ(text(d), "granted 5000 token (weight 1.0, debit 5000) overage 1.0 CNY per 1000000 token");
}

TEST_F(DecideTest, ChargeWithoutPriceIsBoundedButNotFinal) {
  ctx[kSlotRequested] = 5'000;
  ctx[kSlotRemaining] = 100;
  const ir::Action* charge = on_exhaust(ActionKind::kCharge);
  fn_no_match(Role::kOveragePrice);  // price rule does not apply (e.g. off-peak only)
  fn(Role::kOverageBlock, 1'000'000);
  Decision d = run();
  EXPECT_FALSE(d.has_overage_price);
  EXPECT_EQ(d.grant, 100);
  EXPECT_EQ(d.limiter, Limiter::kBalance);
  EXPECT_EQ(d.final_action, charge);
  EXPECT_FALSE(d.final_units);  // the action is charge: not the last grant
  ctx[kSlotRemaining] = 0;
  d = run();
  EXPECT_EQ(d.outcome, Outcome::kExhausted);
  EXPECT_TRUE(d.final_units);
  EXPECT_EQ(d.final_action, charge);
}

TEST_F(DecideTest, OverageNeedsAPositiveBlockAndACharge) {
  ctx[kSlotRequested] = 5'000;
  ctx[kSlotRemaining] = 100;
  on_exhaust(ActionKind::kCharge);
  fn(Role::kOveragePrice, 1'000'000);
  fn(Role::kOverageBlock, 0);
  Decision d = run();
  EXPECT_FALSE(d.has_overage_price);
  EXPECT_EQ(d.grant, 100);
  b.blk(blk).functions.clear();
  b.blk(blk).actions.clear();
  on_exhaust(ActionKind::kTerminate);
  fn(Role::kOveragePrice, 1'000'000);
  fn(Role::kOverageBlock, 1'000);
  d = run();
  EXPECT_TRUE(d.has_overage_price);  // reported, but the action is not charge
  EXPECT_EQ(d.grant, 100);
  EXPECT_EQ(d.limiter, Limiter::kBalance);
  EXPECT_TRUE(d.final_units);
}

TEST_F(DecideTest, ExhaustActionOutOfRangeIsNone) {
  ctx[kSlotRequested] = 5'000;
  ctx[kSlotRemaining] = 0;
  b.blk(blk).actions.push_back({ActionKind::kRedirect, "x", {}});
  fn(Role::kExhaustAction, 1);
  Decision d = run();
  EXPECT_EQ(d.outcome, Outcome::kExhausted);
  EXPECT_EQ(d.final_action, nullptr);
  EXPECT_EQ(text(d), "exhausted limit=balance final=none");
  b.blk(blk).functions.clear();
  fn(Role::kExhaustAction, -1);
  EXPECT_EQ(run().final_action, nullptr);
}

TEST_F(DecideTest, UsageCap) {
  ctx[kSlotRequested] = 5'000;
  ctx[kSlotUsed] = 4'000;
  b.blk(blk).usage_cap_action = ir::Action{ActionKind::kRestrict, "filter-7", {}};
  fn(Role::kUsageCap, 5'000);
  Decision d = run();
  EXPECT_EQ(d.outcome, Outcome::kGranted);
  EXPECT_EQ(d.grant, 1'000);
  EXPECT_EQ(d.limiter, Limiter::kUsageCap);
  EXPECT_TRUE(d.final_units);
  EXPECT_EQ(d.final_action, &*b.blk(blk).usage_cap_action);
  ctx[kSlotUsed] = 6'000;  // over the cap: nothing left, not a negative grant
  d = run();
  EXPECT_EQ(d.outcome, Outcome::kExhausted);
  EXPECT_EQ(d.limiter, Limiter::kUsageCap);
  EXPECT_EQ(text(d), "exhausted limit=usage_cap final=restrict filter-7");
}

TEST_F(DecideTest, MemberCapAndLimiterOrder) {
  ctx[kSlotRequested] = 5'000;
  ctx[kSlotRemaining] = 3'000;
  ctx[kSlotMemberUsed] = 500;
  ctx[kSlotUsed] = 0;
  b.blk(blk).member_cap_action = ir::Action{ActionKind::kBlock, "", {}};
  fn(Role::kUsageCap, 2'000);
  fn(Role::kMemberCap, 2'000);
  Decision d = run();
  EXPECT_EQ(d.grant, 1'500);
  EXPECT_EQ(d.limiter, Limiter::kMemberCap);
  EXPECT_EQ(d.final_action, &*b.blk(blk).member_cap_action);
  // A tie keeps the earlier limiter: usage cap 1'500 equals the member room.
  b.blk(blk).functions[0].body = b.c(1'500);
  d = run();
  EXPECT_EQ(d.limiter, Limiter::kUsageCap);
  EXPECT_EQ(d.final_action, nullptr);  // no usage_cap_action declared
  // The balance is smaller than both caps.
  ctx[kSlotRemaining] = 800;
  d = run();
  EXPECT_EQ(d.grant, 800);
  EXPECT_EQ(d.limiter, Limiter::kBalance);
}

TEST_F(DecideTest, Windows) {
  ctx[kSlotRequested] = 100;
  b.blk(blk).windows = {{3600, false, {}}, {60, false, {}}, {86400, false, {}}};
  fn(Role::kWindowLimit, 1'000, 0);
  fn_no_match(Role::kWindowLimit, 1);
  fn(Role::kWindowLimit, 500, 2);
  ctx[kSlotWindowUsed0] = 950;  // room 50
  ctx[kSlotWindowUsed1] = 1'000'000;  // window 1 has no matched limit
  ctx[kSlotWindowUsed2] = 480;  // room 20
  const ir::Action* redirect = on_exhaust(ActionKind::kRedirect, "https://top-up");
  Decision d = run();
  EXPECT_EQ(d.grant, 20);
  EXPECT_EQ(d.limiter, Limiter::kWindow);
  // The window refills: not the last grant, no Final-Unit-Indication.
  EXPECT_FALSE(d.final_units);
  EXPECT_EQ(d.final_action, nullptr);
  EXPECT_EQ(text(d), "granted 20 token (weight 1.0, debit 20) limit=window");
  ctx[kSlotWindowUsed0] = 1'200;
  d = run();
  EXPECT_EQ(d.outcome, Outcome::kExhausted);
  EXPECT_EQ(d.limiter, Limiter::kWindow);
  EXPECT_FALSE(d.final_units);
  EXPECT_EQ(d.final_action, nullptr);
  EXPECT_EQ(text(d), "exhausted limit=window");
  // When the balance ends at the same point the grant is final: the balance does not refill.
  ctx[kSlotWindowUsed0] = 0;
  ctx[kSlotRemaining] = 20;
  d = run();
  EXPECT_EQ(d.limiter, Limiter::kBalance);
  EXPECT_TRUE(d.final_units);
  EXPECT_EQ(d.final_action, redirect);
}

TEST_F(DecideTest, RequestWindowsRefuseWhenFullAndOtherwiseDoNotBound) {
  ctx[kSlotRequested] = 5'000;
  b.blk(blk).windows = {{300, false, {}}, {60, true, {}}};
  fn(Role::kWindowLimit, 60, 1);  // 60 requests per minute
  ctx[kSlotWindowUsed1] = 59;     // requests in the window: one more is fine, of any size
  Decision d = run();
  EXPECT_EQ(d.outcome, Outcome::kGranted);
  EXPECT_EQ(d.grant, 5'000);
  EXPECT_EQ(d.limiter, Limiter::kRule);
  ctx[kSlotWindowUsed1] = 60;
  d = run();
  EXPECT_EQ(d.outcome, Outcome::kExhausted);
  EXPECT_EQ(d.grant, 0);
  EXPECT_EQ(d.limiter, Limiter::kWindow);
  EXPECT_FALSE(d.final_units);
  EXPECT_EQ(d.final_action, nullptr);
  ctx[kSlotWindowUsed1] = kMax;
  EXPECT_EQ(run().outcome, Outcome::kExhausted);
  // The same limit counting units bounds the grant by the room left.
  b.blk(blk).windows[1].counts_requests = false;
  ctx[kSlotWindowUsed1] = 59;
  d = run();
  EXPECT_EQ(d.grant, 1);
  EXPECT_EQ(d.limiter, Limiter::kWindow);
  // A unit window beside the request limit still bounds in units.
  b.blk(blk).windows[1].counts_requests = true;
  fn(Role::kWindowLimit, 4'000, 0);
  ctx[kSlotWindowUsed0] = 1'000;
  d = run();
  EXPECT_EQ(d.grant, 3'000);
  EXPECT_EQ(d.limiter, Limiter::kWindow);
}

// Rule 14: at the spend cap only priced usage stops. Without a price the cap never binds; with
// `charge` and a price, the grant is what the buckets still hold, then nothing.
TEST_F(DecideTest, SpendCap) {
  ctx[kSlotRequested] = 100;
  ctx[kSlotRemaining] = 40;
  b.blk(blk).spend_cap_action = ir::Action{ActionKind::kTerminate, "", {}};
  fn(Role::kSpendCap, 50'000'000, 0, Type::money(0));
  ctx[kSlotSpend] = 50'000'000;
  Decision d = run();
  EXPECT_EQ(d.grant, 40);
  EXPECT_EQ(d.limiter, Limiter::kBalance) << "no price: the balance binds, not the spend cap";
  on_exhaust(ActionKind::kCharge);
  fn(Role::kOveragePrice, 1'000'000, 0, Type::money(0));
  fn(Role::kOverageBlock, 1'000);
  ctx[kSlotSpend] = 49'999'999;
  d = run();
  EXPECT_EQ(d.outcome, Outcome::kGranted);
  EXPECT_EQ(d.grant, 100);
  EXPECT_EQ(d.limiter, Limiter::kRule);
  ctx[kSlotSpend] = 50'000'000;
  d = run();
  EXPECT_EQ(d.grant, 40);
  EXPECT_EQ(d.limiter, Limiter::kSpendCap);
  EXPECT_TRUE(d.final_units);
  ctx[kSlotRemaining] = 0;
  d = run();
  EXPECT_EQ(d.outcome, Outcome::kExhausted);
  EXPECT_EQ(d.limiter, Limiter::kSpendCap);
  EXPECT_EQ(d.final_action, &*b.blk(blk).spend_cap_action);
  EXPECT_TRUE(d.final_units);
  EXPECT_EQ(text(d), "exhausted limit=spend_cap overage 1.0 CNY per 1000 token final=terminate");
}

TEST_F(DecideTest, ValidityThresholdFeeAllowance) {
  ctx[kSlotRequested] = 10'000;
  fn(Role::kValidity, -5);
  fn(Role::kThreshold, 200'000, 0, Type::of(TypeKind::kRatio));  // 20% of the grant
  fn(Role::kFee, 9'900'000, 0, Type::money(0));
  fn(Role::kAllowance, 50'000'000, 0, Type::quantity(Dim::kToken));
  Decision d = run();
  EXPECT_EQ(d.validity_seconds, 0);
  EXPECT_EQ(d.threshold, 2'000);
  EXPECT_EQ(d.fee, 9'900'000);
  EXPECT_EQ(d.allowance, 50'000'000);
  EXPECT_EQ(text(d), "granted 10000 token (weight 1.0, debit 10000) validity 0s threshold 2000 fee 9.9 CNY");
  ctx[kSlotRequested] = 3;
  b.blk(blk).functions[1].body = b.c(500'000);  // 50% of 3 = 1.5 rounds to 2
  EXPECT_EQ(run().threshold, 2);
  b.blk(blk).functions[1].type = Type::quantity(Dim::kToken);
  EXPECT_EQ(run().threshold, 500'000);  // a quantity is taken as is
}

TEST_F(DecideTest, RoomsClampOnlyWhereTheBoundStaysTrue) {
  ctx[kSlotRequested] = kMax;
  ctx[kSlotRemaining] = kMax;
  fn(Role::kWeight, kMax);
  fn(Role::kThreshold, kMax, 0, Type::of(TypeKind::kRatio));
  Decision d = run();
  EXPECT_EQ(d.grant, 1'000'000);  // floor(kMax * 1e6 / kMax)
  EXPECT_EQ(d.debit, kMax);
  EXPECT_EQ(d.threshold, kMax);   // exactly 1e6 * kMax / 1e6
  b.blk(blk).functions.clear();
  fn(Role::kWeight, 1);  // 0.000001: the room saturates
  fn(Role::kUsageCap, kMax);
  ctx[kSlotUsed] = kMin;  // cap - used overflows int64
  d = run();
  EXPECT_EQ(d.grant, kMax);
  EXPECT_EQ(d.limiter, Limiter::kRule);
  EXPECT_EQ(d.debit, 9'223'372'036'855);  // ceil(kMax / 1e6)
  fn(Role::kMemberCap, kMin);
  ctx[kSlotMemberUsed] = kMax;
  d = run();
  EXPECT_EQ(d.outcome, Outcome::kExhausted);
  EXPECT_EQ(d.limiter, Limiter::kMemberCap);
}

TEST_F(DecideTest, BalanceRoomAtTheSixtyFourBitEdge) {
  // remaining * 1e6 fits int64 up to 9'223'372'036'854 and not from 9'223'372'036'855 on.
  ctx[kSlotRequested] = kMax;
  fn(Role::kWeight, 3 * kFixedScale, 0, Type::of(TypeKind::kRatio));
  ctx[kSlotRemaining] = 9'223'372'036'854;
  Decision d = run();
  EXPECT_EQ(d.grant, 3'074'457'345'618);  // exactly a third
  EXPECT_EQ(d.debit, 9'223'372'036'854);
  ctx[kSlotRemaining] = 9'223'372'036'855;
  d = run();
  EXPECT_EQ(d.grant, 3'074'457'345'618);  // a third, floored
  EXPECT_EQ(d.debit, 9'223'372'036'854);
  EXPECT_EQ(d.limiter, Limiter::kBalance);
  b.blk(blk).functions.clear();
  fn(Role::kWeight, 7);  // 0.000007: remaining * 1e6 and grant * weight both exceed int64
  d = run();
  EXPECT_EQ(d.grant, 1'317'624'576'693'571'428);  // floor(9'223'372'036'855e6 / 7)
  EXPECT_EQ(d.debit, 9'223'372'036'855);          // ceil(9'223'372'036'854.999996)
}

TEST_F(DecideTest, NegativeThresholdIsNoneAndOneBeyondInt64IsAFault) {
  ctx[kSlotRequested] = 3;
  fn(Role::kThreshold, -500'000, 0, Type::of(TypeKind::kRatio));
  Decision d = run();
  EXPECT_EQ(d.outcome, Outcome::kGranted);
  EXPECT_EQ(d.threshold, -1);  // -1.5 units: none
  b.blk(blk).functions[0].body = b.c(-1);
  EXPECT_EQ(run().threshold, 0);  // -0.000003 rounds to 0, which is a threshold
  b.blk(blk).functions[0].body = b.c(-200'000);
  EXPECT_EQ(run().threshold, -1);  // -0.6 rounds to -1: none
  b.blk(blk).functions[0].type = Type::quantity(Dim::kToken);
  b.blk(blk).functions[0].body = b.c(-7);
  EXPECT_EQ(run().threshold, -1);  // a negative quantity: none
  b.blk(blk).functions[0].body = b.c(0);
  EXPECT_EQ(run().threshold, 0);
  // A ratio of a huge grant beyond int64 is not clamped to a wrong number.
  b.blk(blk).functions[0].type = Type::of(TypeKind::kRatio);
  b.blk(blk).functions[0].body = b.c(2 * kFixedScale);  // 200% of the grant
  ctx[kSlotRemaining] = kMax;
  ctx[kSlotRequested] = kMax / 2;
  EXPECT_EQ(run().threshold, kMax - 1);
  ctx[kSlotRequested] = kMax / 2 + 1;
  d = run();
  EXPECT_EQ(d.outcome, Outcome::kRatingFailed);
  EXPECT_EQ(d.fault, EvalStatus::kOverflow);
  b.blk(blk).functions[0].body = b.c(-2 * kFixedScale);  // below int64: still just none
  EXPECT_EQ(run().threshold, -1);
}

TEST_F(DecideTest, DebitAndThresholdRoundAtEveryMagnitude) {
  ctx[kSlotRequested] = 3;
  fn(Role::kWeight, 1'000'001);
  fn(Role::kThreshold, 500'000, 0, Type::of(TypeKind::kRatio));
  Decision d = run();
  EXPECT_EQ(d.debit, 4);      // ceil(3.000003)
  EXPECT_EQ(d.threshold, 2);  // 1.5 rounds away from zero
  // grant * weight no longer fits int64: the 128-bit product is divided back.
  ctx[kSlotRequested] = 4'000'000'000'000'000'000;
  b.blk(blk).functions.clear();
  fn(Role::kWeight, 2 * kFixedScale);
  fn(Role::kThreshold, 250'000, 0, Type::of(TypeKind::kRatio));
  d = run();
  EXPECT_EQ(d.grant, 500'000'000);  // the balance (1e9 units at weight 2)
  EXPECT_EQ(d.threshold, 125'000'000);
  ctx[kSlotRemaining] = kMax;
  d = run();
  EXPECT_EQ(d.grant, 4'000'000'000'000'000'000);
  EXPECT_EQ(d.debit, 8'000'000'000'000'000'000);      // the 128-bit product, divided back
  EXPECT_EQ(d.threshold, 1'000'000'000'000'000'000);  // likewise
}

// The checker stores a role index per block; decisions must not depend on whether it is there,
// and an index left stale by editing the functions afterwards must not be trusted.
TEST_F(DecideTest, RoleIndexGivesTheSameDecisionAsASearch) {
  ctx[kSlotRequested] = 2'500;
  fn(Role::kGrant, 9, 1);  // aux 1 is not the grant
  fn(Role::kGrant, 700);
  fn(Role::kGrant, 5);     // a second grant function: the first one counts
  fn(Role::kWindowLimit, 600, 1);
  ctx[kSlotWindowUsed1] = 50;
  Decision unindexed = run();
  EXPECT_EQ(unindexed.grant, 550);
  EXPECT_EQ(unindexed.limiter, Limiter::kWindow);
  ir::index_roles(b.program);
  EXPECT_EQ(b.blk(blk).roles.function_count, 4);
  EXPECT_EQ(b.blk(blk).roles.role[static_cast<size_t>(Role::kGrant)], 2);  // functions[1], plus one
  Decision indexed = run();
  EXPECT_EQ(text(indexed), text(unindexed));
  EXPECT_EQ(indexed.limiter, Limiter::kWindow);
  fn(Role::kUsageCap, 100);  // the stored index no longer covers this function
  Decision edited = run();
  EXPECT_EQ(edited.grant, 100);
  EXPECT_EQ(edited.limiter, Limiter::kUsageCap);
}

TEST(DecisionNames, AreSnakeCase) {
  EXPECT_STREQ(outcome_name(Outcome::kGranted), "granted");
  EXPECT_STREQ(outcome_name(Outcome::kNotEligible), "not_eligible");
  EXPECT_STREQ(outcome_name(Outcome::kModelNotAllowed), "model_not_allowed");
  EXPECT_STREQ(outcome_name(Outcome::kNoRule), "no_rule");
  EXPECT_STREQ(outcome_name(Outcome::kExhausted), "exhausted");
  EXPECT_STREQ(outcome_name(Outcome::kRatingFailed), "rating_failed");
  EXPECT_STREQ(limiter_name(Limiter::kRule), "rule");
  EXPECT_STREQ(limiter_name(Limiter::kBalance), "balance");
  EXPECT_STREQ(limiter_name(Limiter::kUsageCap), "usage_cap");
  EXPECT_STREQ(limiter_name(Limiter::kMemberCap), "member_cap");
  EXPECT_STREQ(limiter_name(Limiter::kWindow), "window");
  EXPECT_STREQ(limiter_name(Limiter::kSpendCap), "spend_cap");
  EXPECT_STREQ(limiter_name(Limiter::kNone), "none");
}

}  // namespace
}  // namespace gyrate::lang
