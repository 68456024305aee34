// The decisions the JIT generates per block (jit/decision_codegen.cpp): each path of that code
// against lang::decide_values() on the interpreter's values, field by field.
#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <random>

#include "gyrate/jit/jit.hpp"
#include "gyrate/ruleslang/decision.hpp"
#include "gyrate/ruleslang/interpreter.hpp"
#include "decision_text.hpp"
#include "jit_test_util.hpp"

namespace gyrate::jittest {
namespace {

using lang::ir::Role;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

using testsupport::decision_text;

// Builds a service block whose roles read context slots, so a test steers every input.
struct RoleBlock {
  Ir ir;
  uint32_t block = 0;
  // Slots after the builtins, one per role function.
  uint32_t slot(size_t i) const { return lang::kSlotBuiltinCount + static_cast<uint32_t>(i); }

  explicit RoleBlock(std::initializer_list<Role> roles) {
    std::vector<ExprId> bodies;
    for (size_t i = 0; i < roles.size(); ++i) bodies.push_back(ir.load(slot(i)));
    block = ir.block({});
    size_t i = 0;
    for (Role r : roles) {
      lang::ir::Function f;
      f.role = r;
      f.body = bodies[i++];
      ir.p.blocks[block].functions.push_back(f);
    }
    ir.p.context_slots = slot(roles.size());
    lang::ir::Service svc;
    svc.quota = 500;
    ir.p.services.push_back(svc);
  }
};

class Compare {
 public:
  explicit Compare(const lang::ir::Program& p, int opt_level = 2) : p_(p), interp_(p) {
    auto c = jit::JitCatalog::create(p, nullptr, jit::JitOptions{opt_level, {}});
    EXPECT_TRUE(c) << c.status().message();
    if (c) jit_ = std::move(*c);
  }
  // The JIT's decision equals decide_values() on the interpreter's values.
  void check(uint32_t block, const std::vector<int64_t>& ctx, const std::string& what) const {
    ASSERT_NE(jit_, nullptr);
    lang::Decision want = lang::decide(p_, interp_, block, ctx.data());
    lang::Decision got = lang::decide(p_, *jit_, block, ctx.data());
    EXPECT_EQ(decision_text(want), decision_text(got)) << what;
  }
  const lang::Decision decide(uint32_t block, const std::vector<int64_t>& ctx) const {
    return lang::decide(p_, *jit_, block, ctx.data());
  }

 private:
  const lang::ir::Program& p_;
  lang::Interpreter interp_;
  std::unique_ptr<jit::JitCatalog> jit_;
};

TEST(JitDecision, BalancesAndProductsBeyondInt64AreDecidedOnTheHost) {
  RoleBlock rb({Role::kWeight, Role::kGrant, Role::kThreshold});
  rb.ir.p.blocks[0].functions[2].type = lang::Type::of(lang::TypeKind::kRatio);
  std::vector<int64_t> ctx(rb.ir.p.context_slots, 0);
  Compare cmp(rb.ir.p);
  auto case_of = [&](int64_t weight, int64_t grant, int64_t threshold, int64_t remaining) {
    ctx[rb.slot(0)] = weight;
    ctx[rb.slot(1)] = grant;
    ctx[rb.slot(2)] = threshold;
    ctx[lang::kSlotRemaining] = remaining;
    return "weight " + std::to_string(weight) + " grant " + std::to_string(grant) +
           " threshold " + std::to_string(threshold) + " remaining " + std::to_string(remaining);
  };
  uint64_t before = lang::native_host_decisions();
  // A balance too large for remaining * 1e6 in 64 bits.
  cmp.check(0, ctx, case_of(2'500'000, 1'000, 0, kMax / 1'000'000 + 1));
  cmp.check(0, ctx, case_of(300'000, kMax, 500'000, kMax));
  // Ratio thresholds of huge grants.
  cmp.check(0, ctx, case_of(1'000'000, kMax, 2'000'000, kMax / 1'000'000));
  cmp.check(0, ctx, case_of(1'000'000, kMax / 1'000'000, kMax, kMax / 1'000'000));
  EXPECT_GE(lang::native_host_decisions() - before, 4u) << "these cases must take the host path";
  // The same decisions in 64 bits stay in the generated code.
  before = lang::native_host_decisions();
  cmp.check(0, ctx, case_of(2'500'000, 1'000, 750'000, 10'000));
  cmp.check(0, ctx, case_of(0, 1'000, -3, 0));
  cmp.check(0, ctx, case_of(-5, -7, 1'500'001, kMax / 1'000'000));
  cmp.check(0, ctx, case_of(kMax, kMax / 2, 0, kMax / 1'000'000));  // grant * weight overflows
  EXPECT_EQ(lang::native_host_decisions(), before);
}

// Each rule of decision.cpp stated against the JIT's own decisions, at O0 and O2 (agreement with
// the interpreter alone would not catch a rule changed in both).
TEST(JitDecision, FaultsWindowsAndThresholdsFollowTheRules) {
  for (int level : {0, 2}) {
    SCOPED_TRACE("O" + std::to_string(level));
    RoleBlock rb({Role::kWeight, Role::kGrant, Role::kThreshold, Role::kWindowLimit,
                  Role::kWindowLimit, Role::kExhaustAction, Role::kOveragePrice,
                  Role::kOverageBlock});
    lang::ir::Block& b = rb.ir.p.blocks[0];
    b.functions[2].type = lang::Type::of(lang::TypeKind::kRatio);
    b.functions[4].aux = 1;
    b.windows = {{60, false, {}}, {60, true, {}}};  // units, then requests
    lang::ir::Action charge;
    charge.kind = lang::ast::ActionKind::kCharge;
    lang::ir::Action redirect;
    redirect.kind = lang::ast::ActionKind::kRedirect;
    redirect.argument = "https://top-up";
    b.actions = {redirect, charge};
    Compare cmp(rb.ir.p, level);
    std::vector<int64_t> ctx(rb.ir.p.context_slots, 0);
    // weight, grant, threshold ratio, unit window limit, request limit, exhaust action index.
    auto set = [&](int64_t weight, int64_t grant, int64_t threshold, int64_t remaining) {
      ctx[rb.slot(0)] = weight;
      ctx[rb.slot(1)] = grant;
      ctx[rb.slot(2)] = threshold;
      ctx[rb.slot(3)] = kMax;  // the unit window does not bound
      ctx[rb.slot(4)] = kMax;  // nor the request limit
      ctx[rb.slot(5)] = 0;     // redirect
      ctx[rb.slot(6)] = 1'000'000;
      ctx[rb.slot(7)] = 1'000;
      ctx[lang::kSlotRemaining] = remaining;
      ctx[lang::kSlotWindowUsed0] = 0;
      ctx[lang::kSlotWindowUsed1] = 0;
    };
    auto decide = [&](const char* what) {
      cmp.check(0, ctx, what);
      return cmp.decide(0, ctx);
    };

    // A negative weight is a fault, decided in the generated code even where the balance alone
    // would have sent the decision to the host.
    for (int64_t remaining : {int64_t{10'000}, kMax}) {
      set(-1, 1'000, 200'000, remaining);
      uint64_t host = lang::native_host_decisions();
      lang::Decision d = decide("negative weight");
      EXPECT_EQ(d.outcome, lang::Outcome::kRatingFailed);
      EXPECT_EQ(d.fault, lang::ir::EvalStatus::kNegativeWeight);
      EXPECT_EQ(d.grant, 0);
      EXPECT_EQ(lang::native_host_decisions(), host);
    }
    // Weight 0 draws nothing from an empty balance.
    set(0, 1'000, 200'000, 0);
    lang::Decision d = decide("zero weight");
    EXPECT_EQ(d.outcome, lang::Outcome::kGranted);
    EXPECT_EQ(d.grant, 1'000);
    EXPECT_EQ(d.debit, 0);
    EXPECT_EQ(d.threshold, 200);
    // A debit beyond int64 is a fault (the host finds it: the product needs 128 bits).
    ctx[rb.slot(5)] = 1;  // charge with a price: the balance does not bound
    ctx[rb.slot(0)] = 2'000'000;
    ctx[rb.slot(1)] = kMax / 2;
    ctx[rb.slot(2)] = 0;
    d = decide("largest debit");
    EXPECT_EQ(d.outcome, lang::Outcome::kGranted);
    EXPECT_EQ(d.debit, kMax - 1);
    // A larger grant would overflow the debit, but the unit window (kMax allowance units) now
    // binds first: at weight 2 it leaves room for kMax / 2 tokens (rule 1). The overflow fault
    // itself is DecideTest.DebitBeyondInt64IsAFault, and the differential tests compare both.
    ctx[rb.slot(1)] = kMax / 2 + 1;
    d = decide("debit bounded by the unit window");
    EXPECT_EQ(d.outcome, lang::Outcome::kGranted);
    EXPECT_EQ(d.limiter, lang::Limiter::kWindow);
    EXPECT_EQ(d.grant, kMax / 2);
    EXPECT_EQ(d.debit, kMax - 1);
    // Thresholds: negative is none; beyond int64 a fault.
    set(1'000'000, 3, -500'000, 10'000);
    EXPECT_EQ(decide("negative threshold").threshold, -1);
    set(1'000'000, kMax / 2 + 1, 2'000'000, kMax);
    d = decide("threshold overflow");
    EXPECT_EQ(d.outcome, lang::Outcome::kRatingFailed);
    EXPECT_EQ(d.fault, lang::ir::EvalStatus::kOverflow);
    // A window cut is not final, and a full window ends nothing either.
    set(1'000'000, 1'000, 0, 10'000);
    ctx[rb.slot(3)] = 500;
    ctx[lang::kSlotWindowUsed0] = 100;
    d = decide("window cut");
    EXPECT_EQ(d.grant, 400);
    EXPECT_EQ(d.limiter, lang::Limiter::kWindow);
    EXPECT_FALSE(d.final_units);
    EXPECT_EQ(d.final_action, nullptr);
    ctx[lang::kSlotWindowUsed0] = 500;
    d = decide("window full");
    EXPECT_EQ(d.outcome, lang::Outcome::kExhausted);
    EXPECT_FALSE(d.final_units);
    EXPECT_EQ(d.final_action, nullptr);
    // The balance ending first is final, with its action.
    ctx[lang::kSlotWindowUsed0] = 0;
    ctx[lang::kSlotRemaining] = 300;
    d = decide("balance before window");
    EXPECT_EQ(d.limiter, lang::Limiter::kBalance);
    EXPECT_TRUE(d.final_units);
    EXPECT_EQ(d.final_action, &b.actions[0]);
    // A request limit: below it the units are not bounded, at it the request is refused.
    set(1'000'000, 1'000, 0, 10'000);
    ctx[rb.slot(4)] = 60;
    ctx[lang::kSlotWindowUsed1] = 59;
    d = decide("request limit with room");
    EXPECT_EQ(d.grant, 1'000);
    EXPECT_EQ(d.limiter, lang::Limiter::kRule);
    ctx[lang::kSlotWindowUsed1] = 60;
    d = decide("request limit reached");
    EXPECT_EQ(d.outcome, lang::Outcome::kExhausted);
    EXPECT_EQ(d.limiter, lang::Limiter::kWindow);
    EXPECT_FALSE(d.final_units);
  }
}

// A limit counting requests generates other code than one counting units: a cached object of
// one must never serve the other.
TEST(JitDecision, RequestWindowsAreInTheCacheKey) {
  RoleBlock rb({Role::kGrant, Role::kWindowLimit});
  rb.ir.p.blocks[0].windows = {{60, false, {}}};
  std::vector<int64_t> ctx(rb.ir.p.context_slots, 0);
  ctx[rb.slot(0)] = 1'000;
  ctx[rb.slot(1)] = 60;
  ctx[lang::kSlotWindowUsed0] = 59;
  ctx[lang::kSlotRemaining] = 1'000'000;
  TempDir dir;
  jit::JitOptions options{2, dir.str()};
  auto units = jit::JitCatalog::create(rb.ir.p, nullptr, options);
  ASSERT_TRUE(units) << units.status().message();
  EXPECT_TRUE((*units)->stats().cache_written);
  EXPECT_EQ(lang::decide(rb.ir.p, **units, 0, ctx.data()).grant, 1);  // 60 - 59 units
  lang::ir::Program requests = rb.ir.p;
  requests.blocks[0].windows[0].counts_requests = true;
  EXPECT_NE(jit::cache_key(requests, options), jit::cache_key(rb.ir.p, options));
  auto by_request = jit::JitCatalog::create(requests, nullptr, options);
  ASSERT_TRUE(by_request) << by_request.status().message();
  EXPECT_FALSE((*by_request)->stats().cache_hit);
  EXPECT_EQ(lang::decide(requests, **by_request, 0, ctx.data()).grant, 1'000);  // 59 < 60 requests
}

// Weights the checker would have folded to constants take the generated code's constant paths.
TEST(JitDecision, ConstantZeroAndNegativeWeights) {
  for (int64_t weight : {int64_t{0}, int64_t{-1}, int64_t{-3'000'000}, int64_t{2'500'000}}) {
    for (int level : {0, 2}) {
      RoleBlock rb({Role::kWeight, Role::kGrant});
      rb.ir.p.blocks[0].functions[0].body = rb.ir.c(weight);
      Compare cmp(rb.ir.p, level);
      std::vector<int64_t> ctx(rb.ir.p.context_slots, 0);
      ctx[rb.slot(1)] = 1'000;
      ctx[lang::kSlotRemaining] = 100;
      std::string what = "weight " + std::to_string(weight) + " O" + std::to_string(level);
      cmp.check(0, ctx, what);
      lang::Decision d = cmp.decide(0, ctx);
      if (weight < 0) {
        EXPECT_EQ(d.fault, lang::ir::EvalStatus::kNegativeWeight) << what;
      } else if (weight == 0) {
        EXPECT_EQ(d.grant, 1'000) << what;
        EXPECT_EQ(d.debit, 0) << what;
      } else {
        EXPECT_EQ(d.grant, 40) << what;  // floor(100 / 2.5)
      }
    }
  }
}

TEST(JitDecision, FinalActionsComeFromTheBoundThatWon) {
  RoleBlock rb({Role::kGrant, Role::kExhaustAction, Role::kUsageCap, Role::kMemberCap,
                Role::kSpendCap, Role::kOveragePrice, Role::kOverageBlock});
  lang::ir::Block& b = rb.ir.p.blocks[0];
  auto action = [](lang::ast::ActionKind k, const char* arg) {
    lang::ir::Action a;
    a.kind = k;
    a.argument = arg;
    return a;
  };
  b.actions = {action(lang::ast::ActionKind::kRedirect, "https://top-up"),
               action(lang::ast::ActionKind::kCharge, ""),
               action(lang::ast::ActionKind::kRedirect, "https://packs")};
  b.usage_cap_action = action(lang::ast::ActionKind::kRestrict, "fair-use");
  b.member_cap_action = action(lang::ast::ActionKind::kBlock, "");
  b.spend_cap_action = action(lang::ast::ActionKind::kTerminate, "");
  std::vector<int64_t> ctx(rb.ir.p.context_slots, 0);
  Compare cmp(rb.ir.p);
  auto set = [&](int64_t grant, int64_t exhaust, int64_t usage_cap, int64_t member_cap,
                 int64_t spend_cap, int64_t remaining) {
    ctx[rb.slot(0)] = grant;
    ctx[rb.slot(1)] = exhaust;
    ctx[rb.slot(2)] = usage_cap;
    ctx[rb.slot(3)] = member_cap;
    ctx[rb.slot(4)] = spend_cap;
    ctx[rb.slot(5)] = 20'000;  // overage price
    ctx[rb.slot(6)] = 1'000;   // per 1,000 units
    ctx[lang::kSlotRemaining] = remaining;
    ctx[lang::kSlotUsed] = 100;
    ctx[lang::kSlotMemberUsed] = 100;
    ctx[lang::kSlotSpend] = 5'000'000;
  };
  set(1'000, 0, 10'000, 10'000, 9'000'000, 10);  // the balance bounds: exhaust action 0
  cmp.check(0, ctx, "balance -> redirect");
  EXPECT_EQ(cmp.decide(0, ctx).final_action, &b.actions[0]);
  set(1'000, 2, 10'000, 10'000, 9'000'000, 10);  // the balance bounds: exhaust action 2
  cmp.check(0, ctx, "balance -> second redirect");
  EXPECT_EQ(cmp.decide(0, ctx).final_action, &b.actions[2]);
  set(1'000, 1, 10'000, 10'000, 9'000'000, 10);  // charge with a price: overage, no balance bound
  cmp.check(0, ctx, "charge");
  EXPECT_EQ(cmp.decide(0, ctx).limiter, lang::Limiter::kRule);
  set(1'000, 0, 600, 10'000, 9'000'000, 10'000);  // the usage cap bounds
  cmp.check(0, ctx, "usage cap");
  EXPECT_EQ(cmp.decide(0, ctx).final_action, &*b.usage_cap_action);
  set(1'000, 0, 10'000, 300, 9'000'000, 10'000);  // the member cap bounds
  cmp.check(0, ctx, "member cap");
  EXPECT_EQ(cmp.decide(0, ctx).final_action, &*b.member_cap_action);
  set(1'000, 0, 10'000, 10'000, 5'000'000, 10'000);  // at the spend cap, but nothing is priced
  cmp.check(0, ctx, "spend cap, unpriced");
  EXPECT_EQ(cmp.decide(0, ctx).limiter, lang::Limiter::kRule);
  set(1'000, 1, 10'000, 10'000, 5'000'000, 10);  // at the spend cap, priced: the buckets only
  cmp.check(0, ctx, "spend cap");
  EXPECT_EQ(cmp.decide(0, ctx).grant, 10);
  EXPECT_EQ(cmp.decide(0, ctx).final_action, &*b.spend_cap_action);
  for (int64_t exhaust : {int64_t{-1}, int64_t{3}, kMin, kMax}) {  // not an action index
    set(1'000, exhaust, 10'000, 10'000, 9'000'000, 10);
    cmp.check(0, ctx, "exhaust index " + std::to_string(exhaust));
    EXPECT_EQ(cmp.decide(0, ctx).final_action, nullptr);
  }
  // Unmatched roles take their defaults: a ctx slot cannot unmatch a load, so drop each role.
  for (size_t drop = 0; drop < b.functions.size(); ++drop) {
    lang::ir::Program p = rb.ir.p;
    p.blocks[0].functions[drop].role = Role::kPromoEligible;  // a role decide() ignores here
    lang::ir::index_roles(p);
    Compare without(p);
    set(1'000, 0, 600, 300, 9'000'000, 10);
    without.check(0, ctx, "without function " + std::to_string(drop));
  }
}

TEST(JitDecision, ABlockThatAlwaysFaultsStillDecides) {
  Ir ir;
  ir.block({ir.bin(OpCode::kDiv, ir.load(lang::kSlotRequested), ir.c(0))});
  ir.p.services.emplace_back();
  std::vector<int64_t> ctx(ir.p.context_slots, 0);
  for (int level : {0, 2}) {
    Compare cmp(ir.p, level);
    cmp.check(0, ctx, "O" + std::to_string(level));
    EXPECT_EQ(cmp.decide(0, ctx).outcome, lang::Outcome::kRatingFailed);
    EXPECT_EQ(cmp.decide(0, ctx).fault, lang::ir::EvalStatus::kDivByZero);
  }
}

TEST(JitDecision, DecisionsAreExpandedInTheirBlockFunction) {
  RoleBlock rb({Role::kWeight, Role::kGrant});
  for (int level : {0, 2}) {
    auto ir = jit::emit_llvm(rb.ir.p, nullptr, jit::JitOptions{level, {}});
    ASSERT_TRUE(ir) << ir.status().message();
    EXPECT_NE(ir->find("@gyrate_block_0(ptr"), std::string::npos) << *ir;
    // The call to the declared decision is gone, replaced by the decision's code.
    EXPECT_EQ(ir->find("@gyrate_decision_0"), std::string::npos) << *ir;
    EXPECT_NE(ir->find("llvm.smul.with.overflow.i64"), std::string::npos) << *ir;
  }
}

TEST(JitDecision, DebitsAndRatioThresholdsRoundAtTheirEdges) {
  // The debit rounds grant * weight up, and a constant ratio threshold rounds grant * ratio half
  // up: both in unsigned arithmetic in the generated code. A ratio read from the context may be
  // negative and keeps the signed path. Products land on, just below and just above each step.
  const int64_t ratios[] = {0, 1, 200'000, 499'999, 500'000, 999'999, 2'500'000, kMax / 2};
  const int64_t weights[] = {0, 1, 3, 499'999, 500'000, 999'999, 1'000'001, 1'500'000, kMax};
  std::vector<int64_t> grants = {0, 1, 2, 3, 499'999, 500'000, 500'001, 999'999, 1'000'000,
                                 1'000'001, 2'000'000, kMax / 1'000'000, kMax / 3, kMax};
  for (int64_t k : {1, 7, 1'000, 123'456'789}) {
    for (int64_t off : {-1, 0, 1}) grants.push_back(k * 1'000'000 + off);
  }
  for (int opt : {0, 2}) {
    for (std::optional<int64_t> ratio : std::vector<std::optional<int64_t>>{
             std::nullopt, ratios[0], ratios[1], ratios[2], ratios[3], ratios[4], ratios[5],
             ratios[6], ratios[7]}) {
      RoleBlock rb({Role::kWeight, Role::kGrant, Role::kThreshold});
      lang::ir::Function& threshold = rb.ir.p.blocks[0].functions[2];
      threshold.type = lang::Type::of(lang::TypeKind::kRatio);
      if (ratio) threshold.body = rb.ir.c(*ratio);
      Compare cmp(rb.ir.p, opt);
      std::vector<int64_t> ctx(rb.ir.p.context_slots, 0);
      ctx[lang::kSlotRemaining] = kMax / 1'000'000;
      for (int64_t w : weights) {
        for (int64_t g : grants) {
          ctx[rb.slot(0)] = w;
          ctx[rb.slot(1)] = g;
          for (int64_t t : {int64_t{-1'500'000}, int64_t{-500'000}, int64_t{700'000}}) {
            ctx[rb.slot(2)] = t;  // read only when the ratio is not a constant
            cmp.check(0, ctx, "O" + std::to_string(opt) + " ratio " +
                                  (ratio ? std::to_string(*ratio) : "from ctx " + std::to_string(t)) +
                                  " weight " + std::to_string(w) + " grant " + std::to_string(g));
            if (ratio) break;
          }
        }
      }
    }
  }
}

TEST(JitDecision, DivisionsByConstantsMatchTheInterpreter) {
  // Machine code divides by a constant with a multiplication at level Less (small catalogs) and
  // with idiv at level None: both must round as the interpreter does.
  const int64_t divisors[] = {2, 3, 7, 10, 1'000, 1'000'000, 999'983, -3, -1'000'000,
                              kMax, kMin + 1, int64_t{1} << 40, -(int64_t{1} << 40)};
  Ir ir;
  std::vector<ExprId> bodies;
  for (int64_t d : divisors) {
    bodies.push_back(ir.bin(OpCode::kDiv, ir.load(lang::kSlotBuiltinCount), ir.c(d)));
    bodies.push_back(
        ir.bin(OpCode::kMulScaled, ir.load(lang::kSlotBuiltinCount), ir.c(1), /*scale=*/d));
  }
  uint32_t block = ir.block({});
  for (ExprId e : bodies) {
    lang::ir::Function f;
    f.body = e;
    f.role = Role::kPromoEligible;
    ir.p.blocks[block].functions.push_back(f);
  }
  ir.p.context_slots = lang::kSlotBuiltinCount + 1;
  lang::Interpreter interp(ir.p);
  auto jit = jit::JitCatalog::create(ir.p, nullptr);
  ASSERT_TRUE(jit) << jit.status().message();
  std::mt19937_64 rng(7);
  std::vector<int64_t> ctx(ir.p.context_slots, 0);
  std::vector<int64_t> numerators = {0, 1, -1, kMax, kMin, kMin + 1, 499'999, 500'000, -500'000};
  for (int i = 0; i < 20'000; ++i) {
    int64_t n = static_cast<int64_t>(rng());
    numerators.push_back(i % 2 == 0 ? n : n >> (rng() % 63));
  }
  for (int64_t n : numerators) {
    ctx[lang::kSlotBuiltinCount] = n;
    ASSERT_EQ(interp.evaluate_block(block, ctx.data()), (*jit)->evaluate_block(block, ctx.data()))
        << "numerator " << n;
  }
}

}  // namespace
}  // namespace gyrate::jittest
