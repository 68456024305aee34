// Random well-typed checked programs and random contexts for differential testing of evaluators.
// Values lean towards the edges (INT64 limits, rounding ties, zero divisors) where evaluators
// are most likely to disagree. The choices come from a seeded PRNG (the differential tests) or
// from a fuzzer's bytes (tests/fuzz/fuzz_decide_differential.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gyrate/ruleslang/extensions.hpp"
#include "gyrate/ruleslang/ir.hpp"

namespace gyrate::difftest {

struct GeneratedProgram {
  lang::ir::Program program;
  std::vector<bool> bool_slots;  // per context slot: holds a bool (0/1) rather than an int
};

struct GeneratorLimits {
  uint32_t max_blocks = 4;
  uint32_t max_depth = 6;
  uint32_t max_context_slots = 40;
};

// Where a generator's choices come from, as a 64-bit random bit generator. From a seed: a
// Mersenne twister. From bytes: each draw takes one byte as its top 8 bits, so that every small
// choice (an opcode, a branch) is one input byte libFuzzer can mutate; the low bits are a fixed
// mix of the draw's index. Past the last byte the top bits are 0, which makes the generator
// choose leaves: a program from a short input stays small and its generation ends.
class Entropy {
 public:
  using result_type = uint64_t;
  explicit Entropy(uint64_t seed) : rng_(seed) {}
  Entropy(const uint8_t* data, size_t size) : bytes_(data), size_(size), from_bytes_(true) {}

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~uint64_t{0}; }
  result_type operator()();

 private:
  std::mt19937_64 rng_;
  const uint8_t* bytes_ = nullptr;
  size_t size_ = 0;
  size_t next_ = 0;
  uint64_t draws_ = 0;
  bool from_bytes_ = false;
};

class ProgramGenerator {
 public:
  explicit ProgramGenerator(uint64_t seed, GeneratorLimits limits = {});
  explicit ProgramGenerator(Entropy entropy, GeneratorLimits limits = {});

  GeneratedProgram program();
  // A context for `g` (sized by its context_slots); every bool slot holds 0 or 1.
  std::vector<int64_t> context(const GeneratedProgram& g);

  // Reshapes a generated program so that decide() has work to do: services with quotas, roles
  // at aux 0 (some twice, where the first counts), window limits at aux 0..4, exhaust and cap
  // actions of every kind; half of the programs get the checker's role index.
  void shape_for_decisions(GeneratedProgram& g);
  // A balance decide() reads, leaning to the edges of its arithmetic (int64 limits, and where
  // remaining * 10^6 stops fitting int64).
  int64_t balance();
  // A number below n (n > 0), from the same source as the program's choices.
  uint32_t choose(uint32_t n) { return below(n); }

 private:
  lang::ir::ExprId node(lang::ir::OpCode op, std::vector<lang::ir::ExprId> args, int64_t imm = 0,
                        uint32_t count = 0, bool is_bool = false);
  lang::ir::ExprId gen_int(uint32_t depth);
  lang::ir::ExprId gen_bool(uint32_t depth);
  lang::ir::ExprId gen_body();
  lang::ir::ExprId load(bool want_bool);
  int64_t edge_value();
  int64_t scale_value();
  bool chance(uint32_t percent);
  uint32_t below(uint32_t n);

  Entropy rng_;
  GeneratorLimits limits_;
  GeneratedProgram* g_ = nullptr;
};

// The extension functions generated programs call (test_* names), plus one name the registry
// lacks, which every evaluator must treat as a fault when called.
const lang::ExtensionRegistry& test_extensions();

// A readable rendering of one expression, for mismatch reports.
std::string render_expr(const lang::ir::Program& program, lang::ir::ExprId id);

}  // namespace gyrate::difftest
