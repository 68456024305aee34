// libFuzzer entry point for what runs per request: the fuzzer's bytes choose a small well-typed
// program shaped for decisions and a few contexts (tests/differential/random_program.hpp draws one
// byte per choice), the JIT and the reference interpreter evaluate every block, and their block
// results and decide() decisions must agree field by field (target R7). A crash, a sanitizer
// report or a mismatch is a finding: abort() with both sides printed, so libFuzzer keeps the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "diff_common.hpp"
#include "gyrate/jit/jit.hpp"
#include "gyrate/ruleslang/decision.hpp"
#include "gyrate/ruleslang/interpreter.hpp"
#include "random_program.hpp"

namespace {

using gyrate::difftest::Entropy;
using gyrate::difftest::GeneratedProgram;
using gyrate::difftest::ProgramGenerator;
namespace lang = gyrate::lang;
namespace jit = gyrate::jit;

// Small programs: each input is compiled by LLVM, which costs milliseconds per program, against
// microseconds for everything else.
constexpr gyrate::difftest::GeneratorLimits kLimits{2, 4, lang::kSlotBuiltinCount + 6};
constexpr uint32_t kMaxContexts = 4;

std::string program_text(const GeneratedProgram& g) {
  std::string s;
  for (size_t b = 0; b < g.program.blocks.size(); ++b) {
    const auto& fns = g.program.blocks[b].functions;
    for (size_t f = 0; f < fns.size(); ++f) {
      s += "  block " + std::to_string(b) + " f" + std::to_string(f) + " (role " +
           std::to_string(static_cast<int>(fns[f].role)) + ", aux " + std::to_string(fns[f].aux) +
           ") = " + gyrate::difftest::render_expr(g.program, fns[f].body) + "\n";
    }
  }
  return s;
}

[[noreturn]] void mismatch(const char* what, const GeneratedProgram& g, int opt_level,
                           uint32_t block, const std::vector<int64_t>& ctx,
                           const std::string& interp, const std::string& jit_side) {
  std::string c;
  for (size_t i = 0; i < ctx.size(); ++i)
    c += " " + std::to_string(i) + "=" + std::to_string(ctx[i]);
  std::fprintf(stderr,
               "fuzz_decide_differential: %s: JIT (O%d) and interpreter disagree on block %u\n"
               "  interp: %s\n  jit:    %s\n  ctx:%s\n%s",
               what, opt_level, block, interp.c_str(), jit_side.c_str(), c.c_str(),
               program_text(g).c_str());
  std::abort();
}

// One session for the whole run (creating an LLJIT per input would cost more than the compile),
// the process-wide one, which is never destroyed: LLVM must outlive every catalog.
const std::shared_ptr<jit::JitSession>& session() {
  static const std::shared_ptr<jit::JitSession> s = [] {
    std::shared_ptr<jit::JitSession> shared = jit::JitSession::shared();
    if (shared == nullptr) {
      std::fprintf(stderr, "fuzz_decide_differential: this host has no usable JIT target\n");
      std::abort();
    }
    return shared;
  }();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ProgramGenerator gen(Entropy(data, size), kLimits);
  GeneratedProgram g = gen.program();
  gen.shape_for_decisions(g);
  const int opt_level = gen.choose(2) == 0 ? 0 : 2;
  const lang::ir::Program& p = g.program;
  const lang::ExtensionRegistry& ext = gyrate::difftest::test_extensions();

  const lang::Interpreter interp(p, &ext);
  auto compiled = jit::JitCatalog::create(session(), p, &ext, jit::JitOptions{opt_level, {}});
  if (!compiled) {
    // The generator only makes valid programs: a refusal is a finding too.
    std::fprintf(stderr, "fuzz_decide_differential: the JIT refused a generated program: %s\n%s",
                 compiled.status().message().c_str(), program_text(g).c_str());
    std::abort();
  }
  const jit::JitCatalog& native = **compiled;
  if (native.native_program_id() != p.identity.id()) {
    std::fprintf(stderr, "fuzz_decide_differential: decide() would not take the native path\n");
    std::abort();
  }

  // The contexts draw from the input read backwards: the program takes bytes from the front, so
  // a short input still gets varied contexts, not the leaves that exhausted entropy yields.
  const std::vector<uint8_t> backwards(std::make_reverse_iterator(data + size),
                                       std::make_reverse_iterator(data));
  ProgramGenerator contexts_gen(Entropy(backwards.data(), backwards.size()), kLimits);
  const uint32_t contexts = 1 + contexts_gen.choose(kMaxContexts);
  for (uint32_t c = 0; c < contexts; ++c) {
    std::vector<int64_t> ctx = contexts_gen.context(g);
    // Balances go into the int slots only: the generator may have typed a builtin slot bool,
    // and a bool slot holds 0 or 1 in every context the engine builds.
    for (size_t s = lang::kSlotRequested; s < lang::kSlotBuiltinCount; ++s) {
      if (!g.bool_slots[s] && contexts_gen.choose(2) == 0) ctx[s] = contexts_gen.balance();
    }
    for (uint32_t b = 0; b < p.blocks.size(); ++b) {
      const lang::BlockResult want = interp.evaluate_block(b, ctx.data());
      const lang::BlockResult got = native.evaluate_block(b, ctx.data());
      if (!(want == got)) {
        mismatch("evaluate_block", g, opt_level, b, ctx, gyrate::difftest::describe(want),
                 gyrate::difftest::describe(got));
      }
      const std::string decided =
          gyrate::testsupport::decision_text(lang::decide(p, interp, b, ctx.data()));
      const std::string native_decided =
          gyrate::testsupport::decision_text(lang::decide(p, native, b, ctx.data()));
      if (decided != native_decided) {
        mismatch("decide()", g, opt_level, b, ctx, decided, native_decided);
      }
      lang::Decision generic;
      lang::decide_generic(p, native, b, ctx.data(), &generic);
      const std::string generic_decided = gyrate::testsupport::decision_text(generic);
      if (decided != generic_decided) {
        mismatch("decide() through evaluate_block", g, opt_level, b, ctx, decided, generic_decided);
      }
    }
  }
  return 0;
}
