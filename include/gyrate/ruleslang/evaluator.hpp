// The one interface through which decisions evaluate a block: the reference interpreter and the
// JIT implement it, so decide() and everything above it cannot tell them apart.
#pragma once

#include <array>
#include <cstdint>

#include "gyrate/ruleslang/ir.hpp"

namespace gyrate::lang {

struct Decision;  // decision.hpp

// The values of one block's functions, in Block::functions order.
struct BlockResult {
  ir::EvalStatus status = ir::EvalStatus::kOk;  // first fault, or kOk
  uint32_t failed_function = 0;                 // index of the function that faulted
  uint64_t matched = 0;                         // bit i set: function i produced values[i]
  std::array<int64_t, ir::kMaxBlockFunctions> values{};
  friend bool operator==(const BlockResult&, const BlockResult&) = default;
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  // Evaluates every function of program.blocks[block] in order. A kNoMatch leaves its bit clear
  // and goes on; a fault stops at once (later bits clear, later values zero).
  virtual BlockResult evaluate_block(uint32_t block, const int64_t* ctx) const = 0;
  virtual const char* name() const = 0;
  // decide() asks this first. An evaluator with a faster way to the whole decision of
  // program.blocks[block] (`program` being the one it was built from) writes exactly what decide()
  // would into every field of *out (which may hold indeterminate values) and returns true; the
  // default declines without touching *out, and decide() uses evaluate_block.
  virtual bool decide_fast(const ir::Program& /*program*/, uint32_t /*block*/,
                           const int64_t* /*ctx*/, Decision* /*out*/) const {
    return false;
  }
};

}  // namespace gyrate::lang
