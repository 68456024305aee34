// Splitting a program's blocks into modules that compile in parallel: contiguous ranges of about
// equal IR size, so the slowest thread finishes about when the others do.
#include <algorithm>
#include <thread>

#include "internal.hpp"

namespace gyrate::jit::detail {
namespace {

// Below this many IR nodes per module a thread costs more than it saves.
constexpr uint64_t kMinNodesPerPartition = 4000;

// IR nodes code generation emits for a block (shared subtrees count once per use, as emitted).
uint64_t block_weight(const lang::ir::Program& p, const lang::ir::Block& b,
                      std::vector<lang::ir::ExprId>& stack) {
  uint64_t n = 1;
  for (const lang::ir::Function& f : b.functions) {
    stack.assign(1, f.body);
    while (!stack.empty()) {
      lang::ir::ExprId id = stack.back();
      stack.pop_back();
      ++n;
      for (lang::ir::ExprId a : p.nodes[id].args) stack.push_back(a);
    }
  }
  return n;
}

}  // namespace

unsigned compile_threads() {
  unsigned hw = std::thread::hardware_concurrency();
  return std::clamp(hw, 1u, 8u);
}

std::vector<uint32_t> partition_blocks(const lang::ir::Program& program, unsigned parts,
                                       uint64_t* total_weight) {
  const auto blocks = static_cast<uint32_t>(program.blocks.size());
  std::vector<uint64_t> weight(blocks);
  std::vector<lang::ir::ExprId> stack;
  uint64_t total = 0;
  for (uint32_t b = 0; b < blocks; ++b) {
    weight[b] = block_weight(program, program.blocks[b], stack);
    total += weight[b];
  }
  if (total_weight != nullptr) *total_weight = total;
  uint64_t wanted = std::clamp<uint64_t>(total / kMinNodesPerPartition, 1, std::max(parts, 1u));
  std::vector<uint32_t> bounds = {0};
  uint64_t acc = 0;
  for (uint32_t b = 0; b < blocks; ++b) {
    acc += weight[b];
    // Close a range when it reached its share of the total.
    if (bounds.size() < wanted && acc * wanted >= total * bounds.size()) bounds.push_back(b + 1);
  }
  if (bounds.back() != blocks || bounds.size() == 1) bounds.push_back(blocks);
  return bounds;
}

}  // namespace gyrate::jit::detail
