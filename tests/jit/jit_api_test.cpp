// The JIT's tool-facing API: LLVM IR emission, the evaluator choice with its interpreter fallback.
#include <gtest/gtest.h>

#include <limits>

#include "gyrate/jit/jit.hpp"
#include "gyrate/ruleslang/decision.hpp"
#include "gyrate/ruleslang/interpreter.hpp"
#include "jit_test_util.hpp"

namespace gyrate::jittest {
namespace {

Ir small_program() {
  Ir ir;
  ir.block({ir.bin(OpCode::kAdd, ir.load(0), ir.c(1)), ir.no_match()});
  ir.block({ir.bin(OpCode::kMul, ir.load(0), ir.load(1))});
  return ir;
}

TEST(JitApi, EmitsOneFunctionPerBlockWithCheckedArithmetic) {
  Ir ir = small_program();
  auto o0 = jit::emit_llvm(ir.p, nullptr, jit::JitOptions{0, {}});
  ASSERT_TRUE(o0) << o0.status().message();
  EXPECT_NE(o0->find("define i64 @gyrate_block_0(ptr"), std::string::npos) << *o0;
  EXPECT_NE(o0->find("define i64 @gyrate_block_1(ptr"), std::string::npos);
  EXPECT_NE(o0->find("llvm.sadd.with.overflow.i64"), std::string::npos);
  EXPECT_NE(o0->find("llvm.smul.with.overflow.i64"), std::string::npos);
  auto o2 = jit::emit_llvm(ir.p, nullptr);
  ASSERT_TRUE(o2);
  EXPECT_NE(o2->find("@gyrate_block_1"), std::string::npos);
  EXPECT_EQ(o2->find("alloca"), std::string::npos);  // the O2 pipeline ran (mem2reg)
  EXPECT_NE(o0->find("alloca"), std::string::npos);
}

TEST(JitApi, EmitRejectsInvalidPrograms) {
  Ir ir;
  ir.block({ir.load(100000)});
  EXPECT_FALSE(jit::emit_llvm(ir.p, nullptr));
}

TEST(JitApi, EvaluatorKinds) {
  jit::EvaluatorKind k{};
  EXPECT_TRUE(jit::parse_evaluator_kind("jit", &k));
  EXPECT_EQ(k, jit::EvaluatorKind::kJit);
  EXPECT_TRUE(jit::parse_evaluator_kind("interp", &k));
  EXPECT_EQ(k, jit::EvaluatorKind::kInterp);
  EXPECT_FALSE(jit::parse_evaluator_kind("llvm", &k));
}

TEST(JitApi, MakeEvaluatorPicksTheJitAndFallsBackToTheInterpreter) {
  Ir ir = small_program();
  std::vector<int64_t> ctx(ir.p.context_slots, 0);
  ctx[0] = 41;
  auto jit = jit::make_evaluator(ir.p, nullptr, jit::EvaluatorKind::kJit);
  ASSERT_NE(jit.evaluator, nullptr);
  EXPECT_STREQ(jit.evaluator->name(), "jit");
  EXPECT_TRUE(jit.warning.empty());
  EXPECT_EQ(jit.evaluator->evaluate_block(0, ctx.data()).values[0], 42);

  auto interp = jit::make_evaluator(ir.p, nullptr, jit::EvaluatorKind::kInterp);
  EXPECT_STREQ(interp.evaluator->name(), "interp");
  EXPECT_TRUE(interp.warning.empty());
  EXPECT_EQ(interp.evaluator->evaluate_block(0, ctx.data()),
            jit.evaluator->evaluate_block(0, ctx.data()));

  // A block over the function limit cannot be JIT-compiled: the interpreter stands in, loudly.
  Ir big = small_program();
  big.p.blocks[1].functions.resize(40, big.p.blocks[1].functions[0]);
  auto fallback = jit::make_evaluator(big.p, nullptr, jit::EvaluatorKind::kJit);
  ASSERT_NE(fallback.evaluator, nullptr);
  EXPECT_STREQ(fallback.evaluator->name(), "interp");
  EXPECT_NE(fallback.warning.find("interpreter"), std::string::npos);
  EXPECT_EQ(fallback.evaluator->evaluate_block(0, ctx.data()).values[0], 42);

  // A bad optimization level is also a JIT failure, not a crash.
  auto bad_level = jit::make_evaluator(ir.p, nullptr, jit::EvaluatorKind::kJit, {9, {}});
  EXPECT_STREQ(bad_level.evaluator->name(), "interp");
  EXPECT_FALSE(bad_level.warning.empty());
}

TEST(JitApi, NativeBlocksDecideAndUnknownBlocksDecideNoRule) {
  Ir ir = small_program();
  ir.p.blocks[1].functions[0].role = lang::ir::Role::kGrant;  // grant = ctx[0] * ctx[1]
  std::vector<int64_t> ctx(ir.p.context_slots, 0);
  ctx[0] = 6;
  ctx[1] = 7;
  ctx[lang::kSlotRemaining] = 1'000;
  auto c = jit::JitCatalog::create(ir.p, nullptr);
  ASSERT_TRUE(c) << c.status().message();
  const lang::Evaluator& e = **c;
  ASSERT_EQ(e.native_block_count(), ir.p.blocks.size());  // decide() calls them directly
  lang::Decision d = lang::decide(ir.p, e, 1, ctx.data());
  EXPECT_EQ(d.block, 1u);
  EXPECT_EQ(d.outcome, lang::Outcome::kGranted);
  EXPECT_EQ(d.grant, 42);
  EXPECT_EQ(d.limiter, lang::Limiter::kRule);
  ctx[lang::kSlotRemaining] = 40;  // the balance now bounds the grant
  d = lang::decide(ir.p, e, 1, ctx.data());
  EXPECT_EQ(d.grant, 40);
  EXPECT_EQ(d.limiter, lang::Limiter::kBalance);
  ctx[0] = std::numeric_limits<int64_t>::max();  // the product overflows: a fault
  d = lang::decide(ir.p, e, 1, ctx.data());
  EXPECT_EQ(d.outcome, lang::Outcome::kRatingFailed);
  EXPECT_EQ(d.fault, lang::ir::EvalStatus::kOverflow);
  EXPECT_EQ(lang::decide(ir.p, e, 2, ctx.data()).outcome, lang::Outcome::kNoRule);  // no such block
  // A copy is another program (it may be edited): decide() evaluates it through evaluate_block,
  // never indexing its blocks by the catalog's count.
  lang::ir::Program shorter = ir.p;
  EXPECT_NE(shorter.identity.id(), e.native_program_id());
  shorter.blocks.resize(1);
  EXPECT_EQ(lang::decide(shorter, e, 1, ctx.data()).outcome, lang::Outcome::kNoRule);
  // A move carries the identity along: the catalog keeps its native path.
  ctx[0] = 6;
  lang::ir::Program moved = std::move(ir.p);
  EXPECT_EQ(moved.identity.id(), e.native_program_id());
  EXPECT_NE(ir.p.identity.id(), e.native_program_id());
  EXPECT_EQ(lang::decide(moved, e, 1, ctx.data()).grant, 40);
  lang::Interpreter interp(moved);
  EXPECT_EQ(interp.native_block_count(), 0u);
  EXPECT_EQ(interp.native_program_id(), 0u);
}

TEST(JitApi, StatsReportTheWork) {
  Ir ir = small_program();
  auto c = jit::JitCatalog::create(ir.p, nullptr);
  ASSERT_TRUE(c);
  const jit::CompileStats& s = (*c)->stats();
  EXPECT_GT(s.object_bytes, 0u);
  EXPECT_GT(s.total_ms, 0.0);
  EXPECT_TRUE(s.cache_key.empty());
  EXPECT_EQ((*c)->block_count(), 2u);
  EXPECT_FALSE(jit::JitSession::shared()->cpu().empty());
}

}  // namespace
}  // namespace gyrate::jittest
