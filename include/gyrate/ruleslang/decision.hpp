// decide(): turns one block's evaluated values and the request's balances into a rating decision
// (eligibility, weight, grant, validity, threshold, price, caps and final-unit action). Shared by
// every evaluator, so JIT and interpreter decisions differ only if their block values differ.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "gyrate/ruleslang/evaluator.hpp"

namespace gyrate::lang {

enum class Outcome : uint8_t {
  kGranted,          // grant > 0 (may carry a final-unit action)
  kNotEligible,      // eligibility rule false
  kModelNotAllowed,  // model outside the allow list
  kNoRule,           // the plan does not rate the service
  kExhausted,        // nothing can be granted (the final-unit action says what happens next)
  kRatingFailed,     // a fault (overflow, division by zero, a negative weight; `fault` says which)
};
// The language decides outcomes; what they are called on the wire (Result-Codes) is diameter/'s
// business: gyrate/diameter/result_code.hpp.
const char* outcome_name(Outcome o);

// What bounded the grant.
enum class Limiter : uint8_t { kRule, kBalance, kUsageCap, kMemberCap, kWindow, kSpendCap, kNone };
const char* limiter_name(Limiter l);

struct Decision {
  Decision()
      : block(0),
        outcome(Outcome::kNoRule),
        fault(ir::EvalStatus::kOk),
        limiter(Limiter::kNone),
        weight(kFixedScale),
        grant(0),
        debit(0),
        validity_seconds(-1),
        threshold(-1),
        final_units(false),
        final_action(nullptr),
        has_overage_price(false),
        overage_price(0),
        overage_block(0),
        fee(0),
        allowance(-1) {}
  // Every field indeterminate, for a decision that is about to be written whole (by a native
  // block function): decide() saves the stores of the defaults.
  enum class Uninitialized { kTag };
  explicit Decision(Uninitialized) {}

  uint32_t block;                // the evaluated Program::blocks index (names plan and service)
  Outcome outcome;
  ir::EvalStatus fault;
  Limiter limiter;
  int64_t weight;                // ratio
  int64_t grant;                 // in the service unit, as the request counts it
  int64_t debit;                 // allowance units the grant reserves (grant * weight, rounded up)
  int64_t validity_seconds;      // -1: none
  int64_t threshold;             // units; -1: none
  bool final_units;              // the grant is the last: send Final-Unit-Indication (never
                                 // when a window bounded it: windows refill)
  const ir::Action* final_action;
  bool has_overage_price;        // overage applies when the balance is gone and the action is charge
  int64_t overage_price;         // money millionths per overage_block units
  int64_t overage_block;
  int64_t fee;                   // plan block only
  int64_t allowance;             // this period's allowance; -1 when the plan gives none
};

// decide() through evaluate_block and decide_values(), into *out (whose fields may be
// indeterminate): what decide() does for an evaluator without native blocks.
void decide_generic(const ir::Program& program, const Evaluator& eval, uint32_t block,
                    const int64_t* ctx, Decision* out);

// What decide() does when a native block function returns without a finished decision (a fault,
// or kDecideOnHostCode): decide_values() on the status and values it returned. Out of line: rare.
void decide_native_on_host(const ir::Program& program, uint32_t block, uint64_t packed,
                           const int64_t* values, const int64_t* ctx, Decision* out);

// Decisions native block functions left to decide_native_on_host() with status kOk (the
// 128-bit cases), since the process started.
uint64_t native_host_decisions();

// Evaluates program.blocks[block] with `eval` and applies the balances in ctx. Inline, as the
// request path's entry: the decision is built in the caller's frame (no copy of a decision just
// stored field by field, which would stall on store forwarding) and left uninitialized until
// the native block function or decide_generic writes it whole.
GYRATE_CALLS_NATIVE_CODE
inline Decision decide(const ir::Program& program, const Evaluator& eval, uint32_t block,
                       const int64_t* ctx) {
  Decision d(Decision::Uninitialized::kTag);
  if (program.identity.id() != eval.native_program_id() || block >= eval.native_block_count()) {
    decide_generic(program, eval, block, ctx, &d);
    return d;
  }
  // Not zeroed, unlike a BlockResult: only the values that matched are read.
  std::array<int64_t, ir::kMaxBlockFunctions> values;
  uint64_t packed = eval.native_blocks()[block](ctx, values.data(), &d);
  if (native::decided(packed)) {
    d.final_action = native::final_action(program.blocks[block], packed);
  } else {
    decide_native_on_host(program, block, packed, values.data(), ctx, &d);
  }
  return d;
}

// The decision logic alone, on values an evaluator has produced for program.blocks[block]: the
// block's status, its `matched` bits and values[i] (read only where bit i is set). decide() is
// evaluate_block followed by this; decisions native code leaves to the host call it too, so that
// the logic exists once.
Decision decide_values(const ir::Program& program, uint32_t block, ir::EvalStatus status,
                       uint64_t matched, const int64_t* values, const int64_t* ctx);

std::string describe(const ir::Program& program, const Decision& d);  // one line, for tools
// "redirect https://...", "terminate", ...; "none" for a null action.
std::string action_text(const ir::Action* a);

}  // namespace gyrate::lang
