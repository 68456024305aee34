// Unit tests of the reference interpreter over hand-built IR: every opcode, faults and their
// left-to-right order, lazy evaluation, extensions, blocks with no-match, and very deep IR.
#include "gyrate/ruleslang/interpreter.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "ir_test_builder.hpp"

namespace gyrate::lang {
namespace {

using ir::EvalStatus;
using ir::OpCode;
using testing::IrBuilder;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

class InterpreterTest : public ::testing::Test {
 protected:
  struct Out {
    EvalStatus st;
    int64_t v;
  };
  Out eval(ir::ExprId e, const ExtensionRegistry* reg = nullptr) {
    Interpreter in(b.program, reg);
    int64_t v = -777;
    EvalStatus st = in.evaluate_expr(e, ctx.data(), &v);
    return {st, v};
  }
  int64_t value(ir::ExprId e) {
    Out o = eval(e);
    EXPECT_EQ(o.st, EvalStatus::kOk);
    return o.v;
  }
  EvalStatus status(ir::ExprId e) { return eval(e).st; }
  ir::ExprId overflow() { return b.add(b.c(kMax), b.c(1)); }

  IrBuilder b;
  std::vector<int64_t> ctx = testing::empty_context();
};

TEST_F(InterpreterTest, ConstAndLoad) {
  EXPECT_EQ(value(b.c(42)), 42);
  EXPECT_EQ(value(b.c(kMin)), kMin);
  ctx[kSlotRequested] = 1234;
  EXPECT_EQ(value(b.load(kSlotRequested)), 1234);
  EXPECT_EQ(value(b.load(kSlotModel)), -1);
}

TEST_F(InterpreterTest, Arithmetic) {
  EXPECT_EQ(value(b.add(b.c(2), b.c(3))), 5);
  EXPECT_EQ(value(b.bin(OpCode::kSub, b.c(2), b.c(3))), -1);
  EXPECT_EQ(value(b.bin(OpCode::kMul, b.c(-4), b.c(3))), -12);
  EXPECT_EQ(value(b.node(OpCode::kNeg, {b.c(5)})), -5);
  EXPECT_EQ(value(b.div(b.c(7), b.c(2))), 4);
  EXPECT_EQ(value(b.div(b.c(-7), b.c(2))), -4);
  EXPECT_EQ(value(b.bin(OpCode::kMulScaled, b.c(1'500'000), b.c(3), 1'000'000)), 5);  // 4.5
  EXPECT_EQ(value(b.bin(OpCode::kMulScaled, b.c(-1'500'000), b.c(3), 1'000'000)), -5);
  EXPECT_EQ(value(b.bin(OpCode::kDivScaled, b.c(1), b.c(3), 1'000'000)), 333'333);
  EXPECT_EQ(value(b.bin(OpCode::kDivScaled, b.c(80), b.c(100), 1'000'000)), 800'000);
}

TEST_F(InterpreterTest, ArithmeticFaults) {
  EXPECT_EQ(status(overflow()), EvalStatus::kOverflow);
  EXPECT_EQ(status(b.bin(OpCode::kSub, b.c(kMin), b.c(1))), EvalStatus::kOverflow);
  EXPECT_EQ(status(b.bin(OpCode::kMul, b.c(kMax), b.c(2))), EvalStatus::kOverflow);
  EXPECT_EQ(status(b.node(OpCode::kNeg, {b.c(kMin)})), EvalStatus::kOverflow);
  EXPECT_EQ(status(b.div(b.c(kMin), b.c(-1))), EvalStatus::kOverflow);
  EXPECT_EQ(status(b.div_by_zero()), EvalStatus::kDivByZero);
  EXPECT_EQ(status(b.bin(OpCode::kMulScaled, b.c(kMax), b.c(kMax), 1)), EvalStatus::kOverflow);
  EXPECT_EQ(status(b.bin(OpCode::kDivScaled, b.c(1), b.c(0), 1'000'000)), EvalStatus::kDivByZero);
  EXPECT_EQ(status(b.bin(OpCode::kDivScaled, b.c(kMax), b.c(1), 2)), EvalStatus::kOverflow);
}

TEST_F(InterpreterTest, Comparisons) {
  struct Case {
    OpCode op;
    int64_t lt, eq, gt;  // results for 1 ? 2, 2 ? 2, 3 ? 2
  };
  for (Case c : {Case{OpCode::kEq, 0, 1, 0}, Case{OpCode::kNe, 1, 0, 1}, Case{OpCode::kLt, 1, 0, 0},
                 Case{OpCode::kLe, 1, 1, 0}, Case{OpCode::kGt, 0, 0, 1}, Case{OpCode::kGe, 0, 1, 1}}) {
    EXPECT_EQ(value(b.bin(c.op, b.c(1), b.c(2))), c.lt);
    EXPECT_EQ(value(b.bin(c.op, b.c(2), b.c(2))), c.eq);
    EXPECT_EQ(value(b.bin(c.op, b.c(3), b.c(2))), c.gt);
  }
  EXPECT_EQ(value(b.bin(OpCode::kLt, b.c(kMin), b.c(kMax))), 1);  // signed
  EXPECT_EQ(value(b.bin(OpCode::kLt, b.c(-1), b.c(0))), 1);
}

TEST_F(InterpreterTest, LogicTruthTables) {
  for (int64_t x : {0, 1}) {
    for (int64_t y : {0, 1}) {
      EXPECT_EQ(value(b.bin(OpCode::kAnd, b.c(x), b.c(y))), x & y);
      EXPECT_EQ(value(b.bin(OpCode::kOr, b.c(x), b.c(y))), x | y);
    }
    EXPECT_EQ(value(b.node(OpCode::kNot, {b.c(x)})), 1 - x);
  }
}

TEST_F(InterpreterTest, AndOrAreLazy) {
  EXPECT_EQ(value(b.bin(OpCode::kAnd, b.c(0), b.div_by_zero())), 0);
  EXPECT_EQ(status(b.bin(OpCode::kAnd, b.c(1), b.div_by_zero())), EvalStatus::kDivByZero);
  EXPECT_EQ(value(b.bin(OpCode::kOr, b.c(1), b.div_by_zero())), 1);
  EXPECT_EQ(status(b.bin(OpCode::kOr, b.c(0), b.div_by_zero())), EvalStatus::kDivByZero);
  EXPECT_EQ(value(b.bin(OpCode::kAnd, b.c(0), b.no_match())), 0);
  EXPECT_EQ(status(b.bin(OpCode::kAnd, b.div_by_zero(), b.c(0))), EvalStatus::kDivByZero);
}

TEST_F(InterpreterTest, IfEvaluatesOnlyTheTakenBranch) {
  EXPECT_EQ(value(b.iff(b.c(1), b.c(5), b.div_by_zero())), 5);
  EXPECT_EQ(value(b.iff(b.c(0), b.div_by_zero(), b.c(7))), 7);
  EXPECT_EQ(value(b.iff(b.c(0), overflow(), b.c(7))), 7);
  EXPECT_EQ(status(b.iff(b.c(1), overflow(), b.c(7))), EvalStatus::kOverflow);
  EXPECT_EQ(status(b.iff(b.div_by_zero(), b.c(1), b.c(2))), EvalStatus::kDivByZero);
  EXPECT_EQ(value(b.when(b.c(1), b.c(9))), 9);
  EXPECT_EQ(status(b.when(b.c(0), b.c(9))), EvalStatus::kNoMatch);
}

TEST_F(InterpreterTest, MinMaxEvaluateAllArgumentsLeftToRight) {
  EXPECT_EQ(value(b.node(OpCode::kMin, {b.c(3), b.c(-1), b.c(2)})), -1);
  EXPECT_EQ(value(b.node(OpCode::kMax, {b.c(3), b.c(-1), b.c(2)})), 3);
  EXPECT_EQ(value(b.node(OpCode::kMin, {b.c(kMin), b.c(kMax)})), kMin);
  // Even when the first argument already decides nothing is skipped.
  EXPECT_EQ(status(b.node(OpCode::kMin, {b.c(kMin), b.div_by_zero()})), EvalStatus::kDivByZero);
  EXPECT_EQ(status(b.node(OpCode::kMax, {b.c(1), overflow(), b.div_by_zero()})),
            EvalStatus::kOverflow);
  EXPECT_EQ(status(b.node(OpCode::kMax, {b.c(1), b.div_by_zero(), overflow()})),
            EvalStatus::kDivByZero);
}

TEST_F(InterpreterTest, FirstFaultWinsLeftToRight) {
  EXPECT_EQ(status(b.add(b.div_by_zero(), overflow())), EvalStatus::kDivByZero);
  EXPECT_EQ(status(b.add(overflow(), b.div_by_zero())), EvalStatus::kOverflow);
  EXPECT_EQ(status(b.add(b.no_match(), b.div_by_zero())), EvalStatus::kNoMatch);
  EXPECT_EQ(status(b.add(b.div_by_zero(), b.no_match())), EvalStatus::kDivByZero);
  // The operator's own fault comes after its operands' faults.
  EXPECT_EQ(status(b.div(b.c(1), b.add(b.c(kMax), b.c(1)))), EvalStatus::kOverflow);
  EXPECT_EQ(status(b.bin(OpCode::kEq, b.c(1), b.div_by_zero())), EvalStatus::kDivByZero);
}

TEST_F(InterpreterTest, Sets) {
  ir::ExprId yes = b.in_set(b.c(7), {1, 7, 9});
  ir::ExprId no = b.in_set(b.c(8), {1, 7, 9});
  // A later set sharing the pool must not see the earlier set's values.
  ir::ExprId other = b.in_set(b.c(1), {2, 3});
  ir::ExprId empty = b.in_set(b.c(0), {});
  EXPECT_EQ(value(yes), 1);
  EXPECT_EQ(value(no), 0);
  EXPECT_EQ(value(other), 0);
  EXPECT_EQ(value(empty), 0);
  EXPECT_EQ(status(b.in_set(b.div_by_zero(), {1})), EvalStatus::kDivByZero);
}

TEST_F(InterpreterTest, Ranges) {
  auto in = [&](int64_t a, int64_t lo, int64_t hi) {
    return value(b.node(OpCode::kInRange, {b.c(a), b.c(lo), b.c(hi)}));
  };
  EXPECT_EQ(in(0, 0, 6), 1);
  EXPECT_EQ(in(6, 0, 6), 1);
  EXPECT_EQ(in(7, 0, 6), 0);
  EXPECT_EQ(in(-1, 0, 6), 0);
  EXPECT_EQ(in(3, 6, 0), 0);  // not wrapping
  auto wrap = [&](int64_t a, int64_t lo, int64_t hi) {
    return value(b.node(OpCode::kInRangeWrap, {b.c(a), b.c(lo), b.c(hi)}));
  };
  constexpr int64_t k2200 = 22 * 60, k0600 = 6 * 60;
  EXPECT_EQ(wrap(23 * 60, k2200, k0600), 1);
  EXPECT_EQ(wrap(k2200, k2200, k0600), 1);
  EXPECT_EQ(wrap(0, k2200, k0600), 1);
  EXPECT_EQ(wrap(k0600, k2200, k0600), 1);
  EXPECT_EQ(wrap(k0600 + 1, k2200, k0600), 0);
  EXPECT_EQ(wrap(k2200 - 1, k2200, k0600), 0);
  EXPECT_EQ(wrap(12 * 60, k0600, k2200), 1);  // lo <= hi: a plain range
  EXPECT_EQ(wrap(23 * 60, k0600, k2200), 0);
  // All three operands are evaluated, left to right.
  EXPECT_EQ(status(b.node(OpCode::kInRange, {b.c(100), b.c(0), b.div_by_zero()})),
            EvalStatus::kDivByZero);
}

int32_t ext_sub(const int64_t* a, int64_t* out) {
  *out = a[0] - a[1];
  return 0;
}
int32_t ext_fail(const int64_t*, int64_t*) { return 3; }

TEST_F(InterpreterTest, Extensions) {
  ExtensionRegistry reg;
  Type i = Type::of(TypeKind::kInt);
  ASSERT_TRUE(reg.add({"sub", {i, i}, i, &ext_sub, "a - b"}));
  ASSERT_TRUE(reg.add({"fail", {}, i, &ext_fail, ""}));
  EXPECT_FALSE(reg.add({"sub", {}, i, &ext_fail, "duplicate"}));
  EXPECT_EQ(reg.find("sub")->fn, &ext_sub);
  EXPECT_EQ(reg.find("nope"), nullptr);
  EXPECT_EQ(reg.all().size(), 2u);
  b.program.extensions = {{"sub", 2}, {"fail", 0}, {"missing", 1}, {"sub", 3}};
  Out o = eval(b.node(OpCode::kCall, {b.c(10), b.c(3)}, 0), &reg);
  EXPECT_EQ(o.st, EvalStatus::kOk);
  EXPECT_EQ(o.v, 7);  // arguments arrive in order
  EXPECT_EQ(eval(b.node(OpCode::kCall, {}, 1), &reg).st, EvalStatus::kExtensionError);
  EXPECT_EQ(eval(b.node(OpCode::kCall, {b.c(1)}, 2), &reg).st, EvalStatus::kExtensionError);
  EXPECT_EQ(eval(b.node(OpCode::kCall, {b.c(1), b.c(2), b.c(3)}, 3), &reg).st,
            EvalStatus::kExtensionError);  // arity differs from the registered declaration
  EXPECT_EQ(eval(b.node(OpCode::kCall, {b.c(10), b.c(3)}, 0), nullptr).st,
            EvalStatus::kExtensionError);  // no registry
  // Arguments are evaluated (and may fault) before the call.
  EXPECT_EQ(eval(b.node(OpCode::kCall, {b.div_by_zero()}, 2), &reg).st, EvalStatus::kDivByZero);
}

TEST_F(InterpreterTest, NoMatchEndsTheFunction) {
  EXPECT_EQ(status(b.no_match()), EvalStatus::kNoMatch);
  EXPECT_EQ(status(b.add(b.c(1), b.iff(b.c(0), b.c(1), b.no_match()))), EvalStatus::kNoMatch);
}

TEST_F(InterpreterTest, VeryDeepIrDoesNotUseTheNativeStack) {
  // 100k nested additions and a 10k-long guard chain (if c1 then v1 else if c2 ... else no match).
  ir::ExprId e = b.c(0);
  for (int i = 0; i < 100'000; ++i) e = b.add(e, b.c(1));
  EXPECT_EQ(value(e), 100'000);
  ir::ExprId r = b.no_match();
  for (int i = 10'000; i > 0; --i) {
    r = b.iff(b.bin(OpCode::kEq, b.load(kSlotRequested), b.c(i)), b.c(i * 10), r);
  }
  ctx[kSlotRequested] = 9'999;
  EXPECT_EQ(value(r), 99'990);
  ctx[kSlotRequested] = 0;
  EXPECT_EQ(status(r), EvalStatus::kNoMatch);
  ir::ExprId deep_right = b.c(0);
  for (int i = 0; i < 100'000; ++i) deep_right = b.add(b.c(1), deep_right);
  EXPECT_EQ(value(deep_right), 100'000);
}

TEST_F(InterpreterTest, BlockSkipsNoMatchAndStopsAtFault) {
  uint32_t blk = b.block(0);
  b.fn(blk, ir::Role::kGrant, b.c(10));
  b.fn(blk, ir::Role::kWeight, b.when(b.c(0), b.c(1)));  // no match
  b.fn(blk, ir::Role::kValidity, b.c(30));
  Interpreter in(b.program);
  BlockResult r = in.evaluate_block(blk, ctx.data());
  EXPECT_EQ(r.status, EvalStatus::kOk);
  EXPECT_EQ(r.matched, 0b101u);
  EXPECT_EQ(r.values[0], 10);
  EXPECT_EQ(r.values[1], 0);
  EXPECT_EQ(r.values[2], 30);

  b.fn(blk, ir::Role::kThreshold, b.div_by_zero());
  b.fn(blk, ir::Role::kFee, b.c(99));
  b.fn(blk, ir::Role::kAllowance, overflow());
  Interpreter in2(b.program);
  r = in2.evaluate_block(blk, ctx.data());
  EXPECT_EQ(r.status, EvalStatus::kDivByZero);
  EXPECT_EQ(r.failed_function, 3u);
  EXPECT_EQ(r.matched, 0b101u);
  EXPECT_EQ(r.values[4], 0);
  EXPECT_EQ(r.values[5], 0);

  int64_t v = 0;
  EXPECT_EQ(in2.evaluate_function(b.blk(blk).functions[4], ctx.data(), &v), EvalStatus::kOk);
  EXPECT_EQ(v, 99);
  EXPECT_STREQ(in2.name(), "interp");
}

TEST_F(InterpreterTest, EmptyBlock) {
  uint32_t blk = b.block();
  Interpreter in(b.program);
  BlockResult r = in.evaluate_block(blk, ctx.data());
  EXPECT_EQ(r, BlockResult{});
}

}  // namespace
}  // namespace gyrate::lang
