// Random well-typed checked programs and random contexts for differential testing of evaluators.
// Values lean towards the edges (INT64 limits, rounding ties, zero divisors) where evaluators
// are most likely to disagree.
#pragma once

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

class ProgramGenerator {
 public:
  explicit ProgramGenerator(uint64_t seed, GeneratorLimits limits = {});

  GeneratedProgram program();
  // A context for `g` (sized by its context_slots); every bool slot holds 0 or 1.
  std::vector<int64_t> context(const GeneratedProgram& g);

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

  std::mt19937_64 rng_;
  GeneratorLimits limits_;
  GeneratedProgram* g_ = nullptr;
};

// The extension functions generated programs call (test_* names), plus one name the registry
// lacks, which every evaluator must treat as a fault when called.
const lang::ExtensionRegistry& test_extensions();

// A readable rendering of one expression, for mismatch reports.
std::string render_expr(const lang::ir::Program& program, lang::ir::ExprId id);

}  // namespace gyrate::difftest
