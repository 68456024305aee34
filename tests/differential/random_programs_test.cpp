// Differential test: randomly generated well-typed programs x random contexts, evaluated by the
// reference interpreter and by the JIT at O0 and at O2; every block result must agree exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "diff_common.hpp"
#include "gyrate/jit/jit.hpp"
#include "gyrate/ruleslang/interpreter.hpp"
#include "random_program.hpp"

namespace gyrate::difftest {
namespace {

using lang::BlockResult;
using lang::ir::EvalStatus;

// Outcome counts: the run only proves something if every kind of outcome occurs often.
struct Coverage {
  uint64_t blocks = 0;
  uint64_t values = 0;
  uint64_t no_match = 0;
  uint64_t by_status[5] = {};

  void add(const BlockResult& r, size_t functions) {
    ++blocks;
    ++by_status[static_cast<int>(r.status)];
    size_t evaluated = r.status == EvalStatus::kOk ? functions : r.failed_function;
    auto matched = static_cast<size_t>(__builtin_popcountll(r.matched));
    values += matched;
    no_match += evaluated - matched;
  }
};

std::string report(const GeneratedProgram& g, uint64_t seed, uint32_t block,
                   const std::vector<int64_t>& ctx, const BlockResult& want,
                   const BlockResult& got, const char* who) {
  std::string s = "program seed " + std::to_string(seed) + ", block " + std::to_string(block) +
                  ": " + who + " disagrees with the interpreter\n  interp: " + describe(want) +
                  "\n  " + who + ": " + describe(got) + "\n  ctx:";
  for (size_t i = 0; i < ctx.size(); ++i) s += " " + std::to_string(i) + "=" + std::to_string(ctx[i]);
  const auto& fns = g.program.blocks[block].functions;
  for (size_t f = 0; f < fns.size(); ++f) {
    s += "\n  f" + std::to_string(f) + " = " + render_expr(g.program, fns[f].body);
  }
  return s;
}

TEST(DifferentialRandom, InterpreterAndJitAgreeOnRandomPrograms) {
  const uint64_t pairs = pairs_wanted(120'000);
  // More contexts per program in long runs, so that compilation does not dominate.
  const uint64_t contexts_per_program = std::max<uint64_t>(400, pairs / 2000);
  const uint64_t seed0 = base_seed(0x67797261746531);
  const lang::ExtensionRegistry& ext = test_extensions();
  auto t0 = std::chrono::steady_clock::now();

  Coverage cov;
  uint64_t done = 0;
  uint64_t programs = 0;
  while (done < pairs) {
    const uint64_t seed = seed0 + programs++;
    ProgramGenerator gen(seed);
    GeneratedProgram g = gen.program();
    lang::Interpreter interp(g.program, &ext);
    auto o0 = jit::JitCatalog::create(g.program, &ext, jit::JitOptions{0, {}});
    auto o2 = jit::JitCatalog::create(g.program, &ext, jit::JitOptions{2, {}});
    ASSERT_TRUE(o0) << "seed " << seed << ": " << o0.status().message();
    ASSERT_TRUE(o2) << "seed " << seed << ": " << o2.status().message();
    for (uint64_t c = 0; c < contexts_per_program && done < pairs; ++c, ++done) {
      std::vector<int64_t> ctx = gen.context(g);
      for (uint32_t b = 0; b < g.program.blocks.size(); ++b) {
        BlockResult want = interp.evaluate_block(b, ctx.data());
        BlockResult r0 = (*o0)->evaluate_block(b, ctx.data());
        BlockResult r2 = (*o2)->evaluate_block(b, ctx.data());
        ASSERT_EQ(want, r0) << report(g, seed, b, ctx, want, r0, "jit-O0");
        ASSERT_EQ(want, r2) << report(g, seed, b, ctx, want, r2, "jit-O2");
        cov.add(want, g.program.blocks[b].functions.size());
      }
    }
  }
  double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("differential random: %llu pairs (program x context), %llu programs, %llu blocks, "
              "%llu values, %llu no-match, faults: overflow %llu, div0 %llu, extension %llu; "
              "%.1f s\n",
              static_cast<unsigned long long>(done), static_cast<unsigned long long>(programs),
              static_cast<unsigned long long>(cov.blocks),
              static_cast<unsigned long long>(cov.values),
              static_cast<unsigned long long>(cov.no_match),
              static_cast<unsigned long long>(cov.by_status[2]),
              static_cast<unsigned long long>(cov.by_status[3]),
              static_cast<unsigned long long>(cov.by_status[4]), secs);
  // Each outcome must be common, or agreement would prove little.
  EXPECT_GT(cov.values, cov.blocks / 4);
  EXPECT_GT(cov.no_match, cov.blocks / 20);
  for (int s = 2; s <= 4; ++s) EXPECT_GT(cov.by_status[s], cov.blocks / 200) << "status " << s;
  EXPECT_GT(cov.by_status[0], cov.blocks / 10);
}

}  // namespace
}  // namespace gyrate::difftest
