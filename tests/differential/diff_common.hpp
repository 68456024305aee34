// Shared pieces of the differential tests: how many pairs to run, and how a BlockResult mismatch
// is reported.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "gyrate/ruleslang/decision.hpp"
#include "gyrate/ruleslang/evaluator.hpp"

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
inline std::string decision_text(const lang::Decision& d) {
  std::ostringstream os;
  os << "block=" << d.block << " outcome=" << static_cast<int>(d.outcome)
     << " fault=" << static_cast<int>(d.fault) << " limiter=" << static_cast<int>(d.limiter)
     << " weight=" << d.weight << " grant=" << d.grant << " debit=" << d.debit
     << " validity=" << d.validity_seconds << " threshold=" << d.threshold
     << " final=" << d.final_units << " action=" << static_cast<const void*>(d.final_action)
     << " overage=" << d.has_overage_price << "/" << d.overage_price << "/" << d.overage_block
     << " fee=" << d.fee << " allowance=" << d.allowance;
  return os.str();
}

// The decision through the evaluator's generic path (evaluate_block, then decide_values), which
// decide() takes when Evaluator::decide_fast declines.
inline lang::Decision decide_generic(const lang::ir::Program& p, const lang::Evaluator& e,
                                     uint32_t block, const int64_t* ctx) {
  lang::BlockResult r = e.evaluate_block(block, ctx);
  return lang::decide_values(p, block, r.status, r.matched, r.values.data(), ctx);
}

}  // namespace gyrate::difftest
