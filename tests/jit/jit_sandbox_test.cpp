// The JIT sandbox (R8): generated code resolves only gyrate's runtime helpers and registered
// extensions. A module naming any host symbol fails to link with a Status, never runs.
#include <gtest/gtest.h>

#include "gyrate/jit/jit.hpp"
#include "gyrate/ruleslang/interpreter.hpp"
#include "jit_test_util.hpp"
#include "sandbox_probe.hpp"

namespace gyrate::jittest {
namespace {

std::string calling(const std::string& decl, const std::string& call) {
  return decl + "\ndefine i64 @entry() {\n" + call + "\n}\n";
}

TEST(JitSandbox, HostSymbolsDoNotResolve) {
  for (std::string fn : {"getpid", "system", "abort", "dlopen"}) {
    std::string ir = calling("declare i32 @" + fn + "()",
                             "  %r = call i32 @" + fn + "()\n  %w = sext i32 %r to i64\n  ret i64 %w");
    auto r = jit::testing::run_ir_in_sandbox(ir, "entry");
    ASSERT_FALSE(r) << fn << " resolved from JIT code";
    EXPECT_NE(r.status().message().find(fn), std::string::npos) << r.status().message();
  }
}

TEST(JitSandbox, DataSymbolsDoNotResolve) {
  std::string ir = calling("@environ = external global ptr",
                           "  %p = load ptr, ptr @environ\n  %i = ptrtoint ptr %p to i64\n"
                           "  ret i64 %i");
  auto r = jit::testing::run_ir_in_sandbox(ir, "entry");
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("environ"), std::string::npos) << r.status().message();
}

TEST(JitSandbox, RuntimeHelpersDoResolve) {
  // The control experiment: the same mechanism links gyrate's own exported helper.
  std::string ir = calling(
      "declare i32 @gyrate_rt_mul_scaled(i64, i64, i64, ptr)",
      "  %out = alloca i64\n"
      "  %st = call i32 @gyrate_rt_mul_scaled(i64 9223372036854775807, i64 2, i64 4, ptr %out)\n"
      "  %v = load i64, ptr %out\n  ret i64 %v");
  auto r = jit::testing::run_ir_in_sandbox(ir, "entry");
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(*r, int64_t{4611686018427387904});
}

TEST(JitSandbox, MalformedIrIsAStatus) {
  auto r = jit::testing::run_ir_in_sandbox("define i64 @entry( {", "entry");
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("parse"), std::string::npos);
}

TEST(JitSandbox, AnExtensionNamedLikeAHostFunctionOnlyFaults) {
  // A catalog that names `getpid` as an extension, with no such registered extension, compiles;
  // calling it faults exactly as in the interpreter, and no host function runs.
  Ir ir;
  ir.p.extensions = {{"getpid", 0}};
  ir.block({ir.node(OpCode::kCall, {}, 0)});
  auto cat = jit::JitCatalog::create(ir.p, nullptr);
  ASSERT_TRUE(cat) << cat.status().message();
  std::vector<int64_t> ctx(ir.p.context_slots, 0);
  lang::BlockResult r = (*cat)->evaluate_block(0, ctx.data());
  EXPECT_EQ(r.status, lang::ir::EvalStatus::kExtensionError);
  EXPECT_EQ(r, lang::Interpreter(ir.p, nullptr).evaluate_block(0, ctx.data()));
}

}  // namespace
}  // namespace gyrate::jittest
