// The one interface through which decisions evaluate a block: the reference interpreter and the
// JIT implement it, so decide() and everything above it cannot tell them apart.
#pragma once

#include <array>
#include <cstdint>

#include "gyrate/ruleslang/ir.hpp"
#include "gyrate/ruleslang/native_block.hpp"

namespace gyrate::lang {

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
  // The evaluator's native block functions, indexed like Program::blocks, when it compiled its
  // program (native_block.hpp); none otherwise. decide() calls them directly, and only for the
  // Program object they were compiled from (native_program_id() == its identity). They stay
  // valid as long as the evaluator.
  const native::BlockFn* native_blocks() const { return native_blocks_; }
  uint32_t native_block_count() const { return native_block_count_; }
  uint64_t native_program_id() const { return native_program_id_; }  // 0: none

 protected:
  void set_native_blocks(const ir::Program& program, const native::BlockFn* fns, uint32_t count) {
    native_blocks_ = fns;
    native_block_count_ = count;
    native_program_id_ = program.identity.id();
  }

 private:
  const native::BlockFn* native_blocks_ = nullptr;
  uint32_t native_block_count_ = 0;
  uint64_t native_program_id_ = 0;
};

}  // namespace gyrate::lang
