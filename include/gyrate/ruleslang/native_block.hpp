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
// cannot hold a pointer into the Program. Bit 63 (kNotDecided) says *out is not finished: a fault,
// or a decision that needs 128-bit arithmetic (kDecideOnHostCode); decide() then runs
// decide_values() on the status and values. One sign test tells the two paths apart.
using BlockFn = uint64_t (*)(const int64_t* ctx, int64_t* values, Decision* out);

inline constexpr unsigned kStatusShift = 32;
inline constexpr unsigned kFailedShift = 40;
inline constexpr unsigned kActionShift = 48;  // the action code plus one, 15 bits, then bit 63
inline constexpr uint64_t kNotDecided = uint64_t{1} << 63;

// Action codes: kNoActionCode, i for Block::actions[i] (i < kMaxActions), or a cap's code for
// that cap's action. kDecideOnHostCode + 1 is the top bit of the field, i.e. kNotDecided.
inline constexpr int64_t kNoActionCode = -1;
inline constexpr int64_t kMaxActions = 0x7FF0;
inline constexpr int64_t kUsageCapCode = 0x7FFC;
inline constexpr int64_t kMemberCapCode = 0x7FFD;
inline constexpr int64_t kSpendCapCode = 0x7FFE;
inline constexpr int64_t kDecideOnHostCode = 0x7FFF;
static_assert(uint64_t{kDecideOnHostCode + 1} << kActionShift == kNotDecided);

inline bool decided(uint64_t packed) { return (packed & kNotDecided) == 0; }
inline uint32_t matched(uint64_t packed) { return static_cast<uint32_t>(packed); }
inline ir::EvalStatus status(uint64_t packed) {
  return static_cast<ir::EvalStatus>((packed >> kStatusShift) & 0xFFu);
}
inline uint32_t failed_function(uint64_t packed) {
  return static_cast<uint32_t>((packed >> kFailedShift) & 0xFFu);
}

// The final action of a decided block. Trusts the code: it was generated for this very program
// (decide() checks the Program's identity), so an action index is within Block::actions.
inline const ir::Action* final_action(const ir::Block& block, uint64_t packed) {
  const uint64_t number = packed >> kActionShift;  // the code plus one; 0: none
  if (number == 0) return nullptr;
  if (number <= static_cast<uint64_t>(kMaxActions)) return &block.actions[number - 1];
  const std::optional<ir::Action>* cap = nullptr;
  switch (static_cast<int64_t>(number) - 1) {
    case kUsageCapCode: cap = &block.usage_cap_action; break;
    case kMemberCapCode: cap = &block.member_cap_action; break;
    case kSpendCapCode: cap = &block.spend_cap_action; break;
    default: return nullptr;
  }
  return cap->has_value() ? &**cap : nullptr;
}

}  // namespace native
}  // namespace gyrate::lang
