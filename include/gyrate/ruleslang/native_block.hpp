// The contract between decide() and evaluators that compile a block to native code (the JIT):
// one function per block that evaluates the block's functions and, unless one faults, writes the
// block's decision too. decide() calls it directly, without a virtual call: it runs once per
// request, where a few nanoseconds are a large share of the decision.
#pragma once

#include <cstdint>
#include <optional>

#include "gyrate/ruleslang/ir.hpp"

// Calls into JIT code go through function pointers to code that carries no UBSan type prefix;
// clang's -fsanitize=function would read before the function's first byte (and fault at a page
// start), so the few functions that make such calls opt out of that one check.
#if defined(__clang__)
#define GYRATE_CALLS_NATIVE_CODE __attribute__((no_sanitize("function")))
#else
#define GYRATE_CALLS_NATIVE_CODE
#endif

namespace gyrate::lang {

struct Decision;  // decision.hpp

namespace native {

// Writes values[i] for the functions that matched and returns
// matched | status << kStatusShift | failed_function << kFailedShift | (code + 1) << kActionShift.
// Unless a function faulted, it also writes the block's decision (decide_values() on those
// values) into *out, all but final_action, which the action code names: cached machine code
// cannot hold a pointer into the Program.
using BlockFn = uint64_t (*)(const int64_t* ctx, int64_t* values, Decision* out);

inline constexpr unsigned kStatusShift = 32;
inline constexpr unsigned kFailedShift = 40;
inline constexpr unsigned kActionShift = 48;  // the action code plus one, 16 bits

// Action codes: kNoActionCode, i for Block::actions[i], or actions.size() plus a cap code for
// that cap's action.
inline constexpr int64_t kNoActionCode = -1;
inline constexpr int64_t kUsageCapCode = 0;
inline constexpr int64_t kMemberCapCode = 1;
inline constexpr int64_t kSpendCapCode = 2;
inline constexpr int64_t kMaxActionCode = 0xFFFD;
// Returned instead of an action code when the decision needs 128-bit arithmetic (a balance or
// a product beyond int64): decide() then runs decide_values() on the block's values.
inline constexpr int64_t kDecideOnHostCode = 0xFFFE;

inline uint32_t matched(uint64_t packed) { return static_cast<uint32_t>(packed); }
inline ir::EvalStatus status(uint64_t packed) {
  return static_cast<ir::EvalStatus>((packed >> kStatusShift) & 0xFFu);
}
inline uint32_t failed_function(uint64_t packed) {
  return static_cast<uint32_t>((packed >> kFailedShift) & 0xFFu);
}
inline int64_t action_code(uint64_t packed) {
  return static_cast<int64_t>(packed >> kActionShift) - 1;
}

inline const ir::Action* action_for_code(const ir::Block& block, int64_t code) {
  if (code < 0) return nullptr;
  auto n = static_cast<int64_t>(block.actions.size());
  if (code < n) return &block.actions[static_cast<size_t>(code)];
  const std::optional<ir::Action>* cap = nullptr;
  switch (code - n) {
    case kUsageCapCode: cap = &block.usage_cap_action; break;
    case kMemberCapCode: cap = &block.member_cap_action; break;
    case kSpendCapCode: cap = &block.spend_cap_action; break;
    default: return nullptr;
  }
  return cap->has_value() ? &**cap : nullptr;
}

}  // namespace native
}  // namespace gyrate::lang
