// Shared pieces of the differential tests: how many pairs to run, and how a BlockResult mismatch
// is reported.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "gyrate/ruleslang/decision.hpp"
#include "gyrate/ruleslang/evaluator.hpp"
#include "decision_text.hpp"

namespace gyrate::difftest {

// Pairs (program or tariff, context) per test: GYRATE_DIFF_PAIRS overrides the default, e.g.
// 10000000 for the long mode.
inline uint64_t pairs_wanted(uint64_t fallback) {
  const char* env = std::getenv("GYRATE_DIFF_PAIRS");
  if (env == nullptr || *env == '\0') return fallback;
  return std::strtoull(env, nullptr, 10);
}

inline uint64_t base_seed(uint64_t fallback) {
  const char* env = std::getenv("GYRATE_DIFF_SEED");
  if (env == nullptr || *env == '\0') return fallback;
  return std::strtoull(env, nullptr, 10);
}

inline std::string describe(const lang::BlockResult& r) {
  std::ostringstream os;
  os << "status=" << static_cast<int>(r.status) << " failed=" << r.failed_function << " matched=0x"
     << std::hex << r.matched << std::dec << " values=[";
  for (size_t i = 0; i < r.values.size(); ++i) {
    if (r.matched & (uint64_t{1} << i) || r.values[i] != 0) os << " " << i << ":" << r.values[i];
  }
  os << " ]";
  return os.str();
}

// Every field of a decision, so that comparing two texts compares the decisions.
using testsupport::decision_text;

// The decision through the evaluator's generic path (evaluate_block, then decide_values), which
// decide() takes for an evaluator without native block functions.
inline lang::Decision generic_decision(const lang::ir::Program& p, const lang::Evaluator& e,
                                       uint32_t block, const int64_t* ctx) {
  lang::Decision d;
  lang::decide_generic(p, e, block, ctx, &d);
  return d;
}

}  // namespace gyrate::difftest
