// Checked int64 arithmetic with the IR's defined outcomes (ir.hpp): shared by the interpreter and
// the JIT's runtime so that rounding and overflow cannot drift apart.
#pragma once

#include <cstdint>

#include "gyrate/ruleslang/int128.hpp"
#include "gyrate/ruleslang/ir.hpp"

namespace gyrate::lang::arith {

using ir::EvalStatus;

// Each returns kOk and writes *out, or a fault status and leaves *out untouched.
EvalStatus add(int64_t a, int64_t b, int64_t* out);
EvalStatus sub(int64_t a, int64_t b, int64_t* out);
EvalStatus mul(int64_t a, int64_t b, int64_t* out);
EvalStatus neg(int64_t a, int64_t* out);
EvalStatus div(int64_t a, int64_t b, int64_t* out);                     // round(a / b)
EvalStatus mul_scaled(int64_t a, int64_t b, int64_t scale, int64_t* out);  // round(a*b/scale)
EvalStatus div_scaled(int64_t a, int64_t scale, int64_t b, int64_t* out);  // round(a*scale/b)

// round-half-away-from-zero of n / d for d != 0, in 128 bits.
Int128 round_div(Int128 n, Int128 d);

// Cost of `qty` units at `price` per `block` units, rounded up (money never under-charged).
EvalStatus rate_cost(int64_t qty, int64_t price, int64_t block, int64_t* out);

}  // namespace gyrate::lang::arith
