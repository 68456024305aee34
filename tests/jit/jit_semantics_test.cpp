// JIT semantics against hand-computed expectations (ir.hpp): checked arithmetic, rounding half
// away from zero, faults, no-match, laziness, sets and ranges, extension calls; at O0 and O2.
#include <gtest/gtest.h>

#include <limits>

#include "gyrate/jit/jit.hpp"
#include "gyrate/ruleslang/interpreter.hpp"
#include "jit_test_util.hpp"

namespace gyrate::jittest {
namespace {

using lang::BlockResult;
using lang::ir::EvalStatus;

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

class JitSemantics : public ::testing::TestWithParam<int> {
 protected:
  // Compiles `ir` at the parameter's level and evaluates `block`; the interpreter must agree.
  BlockResult run(const Ir& ir, uint32_t block, const std::vector<int64_t>& ctx = {},
                  const lang::ExtensionRegistry* ext = nullptr) {
    std::vector<int64_t> slots = ctx;
    slots.resize(ir.p.context_slots, 0);
    auto jit = jit::JitCatalog::create(ir.p, ext, jit::JitOptions{GetParam(), {}});
    EXPECT_TRUE(jit) << jit.status().message();
    if (!jit) return {};
    BlockResult r = (*jit)->evaluate_block(block, slots.data());
    lang::Interpreter interp(ir.p, ext);
    EXPECT_EQ(r, interp.evaluate_block(block, slots.data()));
    return r;
  }
  // The value of a one-function block, or the fault status as a negative number.
  int64_t value(Ir& ir, ExprId e, const std::vector<int64_t>& ctx = {}) {
    uint32_t b = ir.block({e});
    BlockResult r = run(ir, b, ctx);
    if (r.status != EvalStatus::kOk) return -1000 - static_cast<int64_t>(r.status);
    if (r.matched == 0) return -2000;
    return r.values[0];
  }
  static int64_t fault(EvalStatus s) { return -1000 - static_cast<int64_t>(s); }
};

TEST_P(JitSemantics, CheckedAddSubMulNeg) {
  Ir ir;
  EXPECT_EQ(value(ir, ir.bin(OpCode::kAdd, ir.c(40), ir.c(2))), 42);
  EXPECT_EQ(value(ir, ir.bin(OpCode::kAdd, ir.c(kMax), ir.c(1))), fault(EvalStatus::kOverflow));
  EXPECT_EQ(value(ir, ir.bin(OpCode::kSub, ir.c(kMin), ir.c(1))), fault(EvalStatus::kOverflow));
  EXPECT_EQ(value(ir, ir.bin(OpCode::kSub, ir.c(-1), ir.c(kMax))), kMin);
  EXPECT_EQ(value(ir, ir.bin(OpCode::kMul, ir.c(3037000500), ir.c(3037000500))),
            fault(EvalStatus::kOverflow));
  EXPECT_EQ(value(ir, ir.bin(OpCode::kMul, ir.c(-4), ir.c(5))), -20);
  EXPECT_EQ(value(ir, ir.node(OpCode::kNeg, {ir.c(kMin)})), fault(EvalStatus::kOverflow));
  EXPECT_EQ(value(ir, ir.node(OpCode::kNeg, {ir.c(kMax)})), kMin + 1);
}

TEST_P(JitSemantics, DivisionRoundsHalfAwayFromZero) {
  Ir ir;
  auto div = [&](int64_t a, int64_t b) { return value(ir, ir.bin(OpCode::kDiv, ir.c(a), ir.c(b))); };
  EXPECT_EQ(div(7, 2), 4);
  EXPECT_EQ(div(-7, 2), -4);
  EXPECT_EQ(div(7, -2), -4);
  EXPECT_EQ(div(5, 3), 2);
  EXPECT_EQ(div(-5, 3), -2);
  EXPECT_EQ(div(1, -2), -1);
  EXPECT_EQ(div(1, 3), 0);
  EXPECT_EQ(div(kMin, 2), kMin / 2);
  EXPECT_EQ(div(kMax, kMin), -1);  // |MAX/MIN| is just under 1, rounds to -1
  EXPECT_EQ(div(kMin, kMin), 1);
  EXPECT_EQ(div(kMin, -1), fault(EvalStatus::kOverflow));
  EXPECT_EQ(div(5, 0), fault(EvalStatus::kDivByZero));
  // Operands are read from the context too, so constant folding cannot hide the runtime path.
  ExprId e = ir.bin(OpCode::kDiv, ir.load(0), ir.load(1));
  uint32_t b = ir.block({e});
  EXPECT_EQ(run(ir, b, {-15, 10}).values[0], -2);
  EXPECT_EQ(run(ir, b, {kMin, -1}).status, EvalStatus::kOverflow);
  EXPECT_EQ(run(ir, b, {1, 0}).status, EvalStatus::kDivByZero);
}

TEST_P(JitSemantics, ScaledOperationsUseExactIntermediates) {
  Ir ir;
  constexpr int64_t kScale = 1'000'000;
  auto mul_scaled = [&](int64_t a, int64_t b, int64_t s) {
    return value(ir, ir.bin(OpCode::kMulScaled, ir.load(0), ir.load(1), s), {a, b});
  };
  auto div_scaled = [&](int64_t a, int64_t s, int64_t b) {
    return value(ir, ir.bin(OpCode::kDivScaled, ir.load(0), ir.load(1), s), {a, b});
  };
  EXPECT_EQ(mul_scaled(1'500'000, 3, kScale), 5);    // 1.5 * 3 = 4.5 -> 5
  EXPECT_EQ(mul_scaled(-1'500'000, 3, kScale), -5);
  EXPECT_EQ(mul_scaled(800'000, 1'000'001, kScale), 800'001);  // 800000.8 -> 800001
  // The 64-bit product overflows but the result fits: the exact 128-bit path.
  EXPECT_EQ(mul_scaled(kMax, 2, 4), int64_t{4611686018427387904});
  EXPECT_EQ(mul_scaled(kMax, kMax, 1), fault(EvalStatus::kOverflow));
  EXPECT_EQ(mul_scaled(7, 3, 0), fault(EvalStatus::kDivByZero));
  EXPECT_EQ(mul_scaled(kMin, 1, -1), fault(EvalStatus::kOverflow));
  EXPECT_EQ(mul_scaled(5, 1, -2), -3);  // -2.5 -> -3

  EXPECT_EQ(div_scaled(1, kScale, 3), 333'333);
  EXPECT_EQ(div_scaled(2, kScale, 3), 666'667);
  EXPECT_EQ(div_scaled(1, kScale, 0), fault(EvalStatus::kDivByZero));
  EXPECT_EQ(div_scaled(kMax, 2, 4), int64_t{4611686018427387904});
  EXPECT_EQ(div_scaled(kMin, 1, -1), fault(EvalStatus::kOverflow));
  EXPECT_EQ(div_scaled(kMax, kScale, 1), fault(EvalStatus::kOverflow));
}

TEST_P(JitSemantics, NoMatchSkipsAFunctionAndFaultsStopTheBlock) {
  Ir ir;
  uint32_t b1 = ir.block({ir.c(10), ir.no_match(), ir.c(30)});
  BlockResult r = run(ir, b1);
  EXPECT_EQ(r.status, EvalStatus::kOk);
  EXPECT_EQ(r.matched, 0b101u);
  EXPECT_EQ(r.values[0], 10);
  EXPECT_EQ(r.values[1], 0);
  EXPECT_EQ(r.values[2], 30);

  uint32_t b2 = ir.block({ir.c(10), ir.bin(OpCode::kDiv, ir.c(1), ir.c(0)), ir.c(30)});
  r = run(ir, b2);
  EXPECT_EQ(r.status, EvalStatus::kDivByZero);
  EXPECT_EQ(r.failed_function, 1u);
  EXPECT_EQ(r.matched, 0b1u);
  EXPECT_EQ(r.values[2], 0);
}

TEST_P(JitSemantics, FullBlockOf32Functions) {
  Ir ir;
  lang::ir::Block b;
  for (int i = 0; i < 32; ++i) {
    lang::ir::Function f;
    f.body = i % 3 == 2 ? ir.no_match() : ir.c(i * 100);
    b.functions.push_back(f);
  }
  ir.p.blocks.push_back(b);
  BlockResult r = run(ir, 0);
  uint64_t want = 0;
  for (int i = 0; i < 32; ++i) want |= i % 3 == 2 ? 0 : uint64_t{1} << i;
  EXPECT_EQ(r.matched, want);
  EXPECT_EQ(r.values[31], 3100);
}

TEST_P(JitSemantics, LazyAndOrIfEagerMinMax) {
  Ir ir;
  auto div0 = [&] { return ir.bin(OpCode::kDiv, ir.c(1), ir.c(0)); };
  EXPECT_EQ(value(ir, ir.bin(OpCode::kAnd, ir.c(0), div0())), 0);
  EXPECT_EQ(value(ir, ir.bin(OpCode::kOr, ir.c(1), div0())), 1);
  EXPECT_EQ(value(ir, ir.bin(OpCode::kAnd, ir.c(1), div0())), fault(EvalStatus::kDivByZero));
  EXPECT_EQ(value(ir, ir.bin(OpCode::kAnd, ir.c(1), ir.c(1))), 1);
  EXPECT_EQ(value(ir, ir.bin(OpCode::kOr, ir.c(0), ir.c(0))), 0);
  EXPECT_EQ(value(ir, ir.node(OpCode::kIf, {ir.c(1), ir.c(5), div0()})), 5);
  EXPECT_EQ(value(ir, ir.node(OpCode::kIf, {ir.c(0), div0(), ir.c(6)})), 6);
  EXPECT_EQ(value(ir, ir.node(OpCode::kIf, {ir.c(0), ir.c(5), ir.no_match()})), -2000);
  EXPECT_EQ(value(ir, ir.node(OpCode::kMin, {ir.c(3), ir.c(-2), ir.c(9)})), -2);
  EXPECT_EQ(value(ir, ir.node(OpCode::kMax, {ir.c(3), ir.c(-2), ir.c(9)})), 9);
  EXPECT_EQ(value(ir, ir.node(OpCode::kMin, {ir.c(3), div0()})), fault(EvalStatus::kDivByZero));
  EXPECT_EQ(value(ir, ir.node(OpCode::kNot, {ir.c(0)})), 1);
  // The first fault wins: evaluation is left to right.
  ExprId overflow = ir.bin(OpCode::kAdd, ir.c(kMax), ir.c(1));
  EXPECT_EQ(value(ir, ir.bin(OpCode::kSub, overflow, div0())), fault(EvalStatus::kOverflow));
}

TEST_P(JitSemantics, ComparisonsSetsAndRanges) {
  Ir ir;
  EXPECT_EQ(value(ir, ir.bin(OpCode::kLt, ir.c(kMin), ir.c(0))), 1);
  EXPECT_EQ(value(ir, ir.bin(OpCode::kGe, ir.c(-1), ir.c(0))), 0);
  EXPECT_EQ(value(ir, ir.bin(OpCode::kEq, ir.c(7), ir.c(7))), 1);
  EXPECT_EQ(value(ir, ir.in_set(ir.c(3), {1, 3, 5})), 1);
  EXPECT_EQ(value(ir, ir.in_set(ir.c(4), {1, 3, 5})), 0);
  EXPECT_EQ(value(ir, ir.in_set(ir.c(4), {})), 0);
  EXPECT_EQ(value(ir, ir.node(OpCode::kInRange, {ir.c(5), ir.c(1), ir.c(5)})), 1);
  EXPECT_EQ(value(ir, ir.node(OpCode::kInRange, {ir.c(6), ir.c(1), ir.c(5)})), 0);
  // time in 22:00..06:00 wraps midnight.
  auto wrap = [&](int64_t t) {
    return value(ir, ir.node(OpCode::kInRangeWrap, {ir.c(t), ir.c(22 * 60), ir.c(6 * 60)}));
  };
  EXPECT_EQ(wrap(23 * 60), 1);
  EXPECT_EQ(wrap(3 * 60), 1);
  EXPECT_EQ(wrap(12 * 60), 0);
  EXPECT_EQ(value(ir, ir.node(OpCode::kInRangeWrap, {ir.c(12), ir.c(10), ir.c(20)})), 1);
}

int32_t twice_or_fail(const int64_t* args, int64_t* out) {
  if (args[0] < 0) return 7;
  *out = 2 * args[0] + args[1];
  return 0;
}

TEST_P(JitSemantics, ExtensionCallsAndTheirFaults) {
  lang::ExtensionRegistry reg;
  lang::Type i = lang::Type::of(lang::TypeKind::kInt);
  ASSERT_TRUE(reg.add({"twice_plus", {i, i}, i, &twice_or_fail, ""}));
  Ir ir;
  ir.p.extensions = {{"twice_plus", 2}, {"not_registered", 1}};
  uint32_t ok = ir.block({ir.node(OpCode::kCall, {ir.load(0), ir.c(1)}, 0)});
  BlockResult r = run(ir, ok, {20}, &reg);
  EXPECT_EQ(r.values[0], 41);
  EXPECT_EQ(run(ir, ok, {-1}, &reg).status, EvalStatus::kExtensionError);
  uint32_t missing = ir.block({ir.c(1), ir.node(OpCode::kCall, {ir.c(1)}, 1)});
  r = run(ir, missing, {}, &reg);
  EXPECT_EQ(r.status, EvalStatus::kExtensionError);
  EXPECT_EQ(r.failed_function, 1u);
  uint32_t no_entry = ir.block({ir.node(OpCode::kCall, {ir.c(1)}, 17)});
  EXPECT_EQ(run(ir, no_entry, {}, &reg).status, EvalStatus::kExtensionError);

  Ir wrong_arity;  // the program thinks twice_plus takes one argument: calling it faults
  wrong_arity.p.extensions = {{"twice_plus", 1}};
  uint32_t b = wrong_arity.block({wrong_arity.node(OpCode::kCall, {wrong_arity.c(3)}, 0)});
  EXPECT_EQ(run(wrong_arity, b, {}, &reg).status, EvalStatus::kExtensionError);
}

INSTANTIATE_TEST_SUITE_P(OptLevels, JitSemantics, ::testing::Values(0, 2),
                         [](const auto& level) { return "O" + std::to_string(level.param); });

TEST(JitValidation, RejectsProgramsThatWouldReadOutsideTheContext) {
  Ir ir;
  ir.block({ir.load(ir.p.context_slots)});
  auto r = jit::JitCatalog::create(ir.p, nullptr);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("context slot"), std::string::npos);

  Ir sets;
  ExprId bad = sets.node(OpCode::kInSet, {sets.c(1)}, 0, 3);  // no set values at all
  sets.block({bad});
  EXPECT_FALSE(jit::validate_program(sets.p));

  Ir cycle;
  ExprId a = cycle.c(1);
  ExprId b = cycle.bin(OpCode::kAdd, a, a);
  cycle.p.nodes[a].op = OpCode::kNeg;
  cycle.p.nodes[a].args = {b};
  cycle.block({b});
  EXPECT_NE(jit::validate_program(cycle.p).message().find("cycle"), std::string::npos);

  Ir arity;
  arity.block({arity.node(OpCode::kAdd, {arity.c(1)})});
  EXPECT_FALSE(jit::validate_program(arity.p));

  Ir big;
  lang::ir::Block blk;
  blk.functions.resize(33);
  big.c(0);
  big.p.blocks.push_back(blk);
  EXPECT_FALSE(jit::validate_program(big.p));

  Ir actions;  // action codes travel in 15 bits of the block function's result
  actions.block({actions.c(1)});
  actions.p.blocks[0].actions.resize(lang::native::kMaxActions);
  EXPECT_TRUE(jit::validate_program(actions.p));
  actions.p.blocks[0].actions.emplace_back();
  EXPECT_NE(jit::validate_program(actions.p).message().find("too many actions"), std::string::npos);

  Ir deep;
  ExprId e = deep.c(1);
  for (int i = 0; i < 5000; ++i) e = deep.node(OpCode::kNeg, {e});
  deep.block({e});
  EXPECT_NE(jit::validate_program(deep.p).message().find("deeply"), std::string::npos);

  Ir dag;  // 40 nodes that stand for a tree of 2^40: refused, not expanded
  ExprId d = dag.c(1);
  for (int i = 0; i < 40; ++i) d = dag.bin(OpCode::kAdd, d, d);
  dag.block({d});
  EXPECT_NE(jit::validate_program(dag.p).message().find("too large"), std::string::npos);

  EXPECT_FALSE(jit::JitCatalog::create(Ir().p, nullptr, jit::JitOptions{7, {}}));
}

}  // namespace
}  // namespace gyrate::jittest
