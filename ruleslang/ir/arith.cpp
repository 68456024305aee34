// Checked int64 arithmetic with the IR's rounding and fault rules (see arith.hpp and ir.hpp).
#include "gyrate/ruleslang/arith.hpp"

#include <limits>

namespace gyrate::lang::arith {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// Narrows a 128-bit result, or reports that it does not fit.
EvalStatus narrow(Int128 v, int64_t* out) {
  if (v < kMin || v > kMax) return EvalStatus::kOverflow;
  *out = static_cast<int64_t>(v);
  return EvalStatus::kOk;
}

UInt128 magnitude(Int128 v) {
  // Negating in unsigned arithmetic is defined even for the most negative value.
  return v < 0 ? UInt128(0) - static_cast<UInt128>(v) : static_cast<UInt128>(v);
}

bool fits(Int128 v) { return v >= kMin && v <= kMax; }

// round_div for int64 operands, d != 0 and d != -1 (so n / d cannot overflow). A 128-bit division
// is a library call; most operands fit in 64 bits, where the same steps give the same result.
int64_t round_div64(int64_t n, int64_t d) {
  int64_t q = n / d;
  int64_t r = n % d;
  uint64_t rem = r < 0 ? uint64_t{0} - static_cast<uint64_t>(r) : static_cast<uint64_t>(r);
  uint64_t div = d < 0 ? uint64_t{0} - static_cast<uint64_t>(d) : static_cast<uint64_t>(d);
  // rem != 0 implies |d| >= 2, so |q| <= 2^62 and the adjustment cannot overflow.
  if (rem != 0 && rem >= div - rem) q += ((n < 0) == (d < 0)) ? 1 : -1;
  return q;
}

}  // namespace

Int128 round_div(Int128 n, Int128 d) {
  if (fits(n) && fits(d) && d != -1) {
    return round_div64(static_cast<int64_t>(n), static_cast<int64_t>(d));
  }
  Int128 q = n / d;
  Int128 r = n % d;
  UInt128 rem = magnitude(r);
  UInt128 div = magnitude(d);
  // |r| >= |d| - |r| is 2|r| >= |d| without the doubling that could overflow.
  if (rem != 0 && rem >= div - rem) q += ((n < 0) == (d < 0)) ? 1 : -1;
  return q;
}

EvalStatus add(int64_t a, int64_t b, int64_t* out) {
  return narrow(static_cast<Int128>(a) + b, out);
}

EvalStatus sub(int64_t a, int64_t b, int64_t* out) {
  return narrow(static_cast<Int128>(a) - b, out);
}

EvalStatus mul(int64_t a, int64_t b, int64_t* out) {
  return narrow(static_cast<Int128>(a) * b, out);
}

EvalStatus neg(int64_t a, int64_t* out) {
  return narrow(-static_cast<Int128>(a), out);
}

EvalStatus div(int64_t a, int64_t b, int64_t* out) {
  if (b == 0) return EvalStatus::kDivByZero;
  return narrow(round_div(a, b), out);
}

EvalStatus mul_scaled(int64_t a, int64_t b, int64_t scale, int64_t* out) {
  if (scale == 0) return EvalStatus::kDivByZero;
  return narrow(round_div(static_cast<Int128>(a) * b, scale), out);
}

EvalStatus div_scaled(int64_t a, int64_t scale, int64_t b, int64_t* out) {
  if (b == 0) return EvalStatus::kDivByZero;
  return narrow(round_div(static_cast<Int128>(a) * scale, b), out);
}

EvalStatus rate_cost(int64_t qty, int64_t price, int64_t block, int64_t* out) {
  if (block <= 0) return EvalStatus::kDivByZero;
  int64_t n64;
  if (!__builtin_mul_overflow(qty, price, &n64)) {
    // The same rounding in 64 bits; the quotient's magnitude is at most |n64|, so +1 fits.
    *out = n64 / block + (n64 % block > 0 ? 1 : 0);
    return EvalStatus::kOk;
  }
  Int128 n = static_cast<Int128>(qty) * price;
  Int128 q = n / block;
  if (n % block > 0) ++q;  // block > 0: a positive remainder means truncation went down
  return narrow(q, out);
}

}  // namespace gyrate::lang::arith
