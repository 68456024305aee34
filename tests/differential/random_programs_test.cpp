// Differential test: randomly generated well-typed programs x random contexts, evaluated by the
// reference interpreter and by the JIT at O0 and at O2; every block result, and every decision
// (interpreter + decide() through the JIT's native block functions) must agree exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <random>
#include <system_error>

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

TEST(DifferentialRandom, DecisionsAgreeOnRandomPrograms) {
  const uint64_t pairs = pairs_wanted(120'000) / 2;
  const uint64_t contexts_per_program = std::max<uint64_t>(400, pairs / 2000);
  const uint64_t seed0 = base_seed(0x646563696465);
  const lang::ExtensionRegistry& ext = test_extensions();
  uint64_t done = 0;
  uint64_t programs = 0;
  uint64_t by_outcome[6] = {};
  uint64_t native_decisions = 0;  // decide() calls that ran a JIT's native block function
  const uint64_t host_before = lang::native_host_decisions();
  while (done < pairs) {
    const uint64_t seed = seed0 + programs++;
    ProgramGenerator gen(seed);
    GeneratedProgram g = gen.program();
    gen.shape_for_decisions(g);
    const lang::ir::Program& p = g.program;
    lang::Interpreter interp(p, &ext);
    auto o0 = jit::JitCatalog::create(p, &ext, jit::JitOptions{0, {}});
    auto o2 = jit::JitCatalog::create(p, &ext, jit::JitOptions{2, {}});
    ASSERT_TRUE(o0) << "seed " << seed << ": " << o0.status().message();
    ASSERT_TRUE(o2) << "seed " << seed << ": " << o2.status().message();
    ASSERT_EQ((*o0)->native_program_id(), p.identity.id());  // decide() takes the native path
    for (uint64_t c = 0; c < contexts_per_program && done < pairs; ++c, ++done) {
      std::vector<int64_t> ctx = gen.context(g);
      for (int s = lang::kSlotRequested; s < lang::kSlotBuiltinCount; ++s) {
        if (gen.choose(2) == 0) ctx[static_cast<size_t>(s)] = gen.balance();
      }
      for (uint32_t b = 0; b < p.blocks.size(); ++b) {
        lang::Decision want = lang::decide(p, interp, b, ctx.data());
        const std::string want_text = decision_text(want);
        ++by_outcome[static_cast<int>(want.outcome)];
        ASSERT_EQ(want_text, decision_text(lang::decide(p, **o0, b, ctx.data())))
            << "seed " << seed << " block " << b << " context " << c << " (O0)";
        ASSERT_EQ(want_text, decision_text(lang::decide(p, **o2, b, ctx.data())))
            << "seed " << seed << " block " << b << " context " << c << " (O2)";
        native_decisions += 2;
        ASSERT_EQ(want_text, decision_text(generic_decision(p, **o2, b, ctx.data())))
            << "seed " << seed << " block " << b << " context " << c << " (O2, generic)";
      }
    }
  }
  const uint64_t host = lang::native_host_decisions() - host_before;
  std::printf("differential random decisions: %llu pairs, %llu programs; granted %llu, "
              "not eligible %llu, model not allowed %llu, exhausted %llu, rating failed %llu; "
              "JIT decisions left to the host (128-bit) %llu of %llu\n",
              static_cast<unsigned long long>(done), static_cast<unsigned long long>(programs),
              static_cast<unsigned long long>(by_outcome[0]),
              static_cast<unsigned long long>(by_outcome[1]),
              static_cast<unsigned long long>(by_outcome[2]),
              static_cast<unsigned long long>(by_outcome[4]),
              static_cast<unsigned long long>(by_outcome[5]), static_cast<unsigned long long>(host),
              static_cast<unsigned long long>(native_decisions));
  // The generated decisions' 128-bit fallback must be exercised too, but stay the exception (a
  // JIT that deferred every decision would pass every comparison above). The balances here lean
  // hard to the int64 edges, yet about 3.5% of the decisions go to the host; 10% is the bound.
  EXPECT_GT(host, 0u);
  EXPECT_LT(host, native_decisions / 10) << "the JIT leaves too many decisions to the host";
  // Every outcome must occur, or agreement would prove little. Ineligibility needs a rule whose
  // random value is exactly 0, hence rarer.
  for (int o : {0, 4, 5}) EXPECT_GT(by_outcome[o], done / 20) << "outcome " << o;
  for (int o : {1, 2}) EXPECT_GT(by_outcome[o], 0u) << "outcome " << o;
}

// A fresh directory for a JIT object cache, removed at the end.
class CacheDir {
 public:
  CacheDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("gyrate-diff-cache-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~CacheDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  CacheDir(const CacheDir&) = delete;
  CacheDir& operator=(const CacheDir&) = delete;
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// Machine code loaded from the object cache decides like the interpreter: the cache key must
// cover everything the decision code was generated from.
TEST(DifferentialRandom, DecisionsFromTheObjectCacheAgree) {
  const uint64_t programs = std::max<uint64_t>(4, pairs_wanted(120'000) / 20'000);
  const uint64_t seed0 = base_seed(0x6361636865);
  const lang::ExtensionRegistry& ext = test_extensions();
  uint64_t compared = 0;
  for (uint64_t i = 0; i < programs; ++i) {
    const uint64_t seed = seed0 + i;
    ProgramGenerator gen(seed);
    GeneratedProgram g = gen.program();
    gen.shape_for_decisions(g);
    const lang::ir::Program& p = g.program;
    CacheDir dir;
    for (int level : {0, 2}) {
      jit::JitOptions options{level, dir.str()};
      auto fill = jit::JitCatalog::create(p, &ext, options);
      ASSERT_TRUE(fill) << "seed " << seed << ": " << fill.status().message();
      ASSERT_TRUE((*fill)->stats().cache_written) << "seed " << seed;
      fill->reset();  // the cached catalog must stand alone
      auto cached = jit::JitCatalog::create(p, &ext, options);
      ASSERT_TRUE(cached) << "seed " << seed << ": " << cached.status().message();
      ASSERT_TRUE((*cached)->stats().cache_hit) << "seed " << seed << " O" << level;
      ASSERT_EQ((*cached)->native_program_id(), p.identity.id());
      lang::Interpreter interp(p, &ext);
      for (int c = 0; c < 400; ++c) {
        std::vector<int64_t> ctx = gen.context(g);
        for (int s = lang::kSlotRequested; s < lang::kSlotBuiltinCount; ++s) {
          if (gen.choose(2) == 0) ctx[static_cast<size_t>(s)] = gen.balance();
        }
        for (uint32_t b = 0; b < p.blocks.size(); ++b) {
          ASSERT_EQ(decision_text(lang::decide(p, interp, b, ctx.data())),
                    decision_text(lang::decide(p, **cached, b, ctx.data())))
              << "seed " << seed << " block " << b << " context " << c << " (cached O" << level
              << ")";
          ++compared;
        }
      }
    }
  }
  EXPECT_GT(compared, 0u);
}

}  // namespace
}  // namespace gyrate::difftest
