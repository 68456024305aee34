// Unit tests of checked arithmetic: overflow at the int64 edges, division by zero, and rounding
// half away from zero for exact rationals.
#include "gyrate/ruleslang/arith.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <random>

namespace gyrate::lang::arith {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr EvalStatus kOverflow = EvalStatus::kOverflow;
constexpr EvalStatus kDivByZero = EvalStatus::kDivByZero;

// Result of a binary operation; 12345 marks "not written".
struct R {
  EvalStatus st;
  int64_t v;
};
template <typename F>
R run(F f) {
  int64_t out = 12345;
  EvalStatus st = f(&out);
  return {st, out};
}

TEST(Arith, AddSubAtTheEdges) {
  EXPECT_EQ(run([](int64_t* o) { return add(kMax - 1, 1, o); }).v, kMax);
  EXPECT_EQ(run([](int64_t* o) { return add(kMax, 1, o); }).st, kOverflow);
  EXPECT_EQ(run([](int64_t* o) { return add(kMin, -1, o); }).st, kOverflow);
  EXPECT_EQ(run([](int64_t* o) { return add(kMin, kMax, o); }).v, -1);
  EXPECT_EQ(run([](int64_t* o) { return sub(kMin, 1, o); }).st, kOverflow);
  EXPECT_EQ(run([](int64_t* o) { return sub(0, kMin, o); }).st, kOverflow);
  EXPECT_EQ(run([](int64_t* o) { return sub(-1, kMin, o); }).v, kMax);
  EXPECT_EQ(run([](int64_t* o) { return sub(kMax, -1, o); }).st, kOverflow);
}

TEST(Arith, FaultLeavesOutputUntouched) {
  R r = run([](int64_t* o) { return add(kMax, kMax, o); });
  EXPECT_EQ(r.st, kOverflow);
  EXPECT_EQ(r.v, 12345);
  r = run([](int64_t* o) { return div(5, 0, o); });
  EXPECT_EQ(r.st, kDivByZero);
  EXPECT_EQ(r.v, 12345);
}

TEST(Arith, MulAndNeg) {
  EXPECT_EQ(run([](int64_t* o) { return mul(kMin, -1, o); }).st, kOverflow);
  EXPECT_EQ(run([](int64_t* o) { return mul(kMax, -1, o); }).v, -kMax);
  EXPECT_EQ(run([](int64_t* o) { return mul(int64_t{1} << 62, 2, o); }).st, kOverflow);
  EXPECT_EQ(run([](int64_t* o) { return mul(int64_t{1} << 62, -2, o); }).v, kMin);
  EXPECT_EQ(run([](int64_t* o) { return mul(3'037'000'500, 3'037'000'500, o); }).st, kOverflow);
  EXPECT_EQ(run([](int64_t* o) { return mul(3'037'000'499, 3'037'000'499, o); }).v,
            int64_t{9'223'372'030'926'249'001});
  EXPECT_EQ(run([](int64_t* o) { return neg(kMin, o); }).st, kOverflow);
  EXPECT_EQ(run([](int64_t* o) { return neg(kMax, o); }).v, kMin + 1);
  EXPECT_EQ(run([](int64_t* o) { return neg(0, o); }).v, 0);
}

TEST(Arith, DivRoundsHalfAwayFromZero) {
  EXPECT_EQ(run([](int64_t* o) { return div(7, 2, o); }).v, 4);
  EXPECT_EQ(run([](int64_t* o) { return div(-7, 2, o); }).v, -4);
  EXPECT_EQ(run([](int64_t* o) { return div(7, -2, o); }).v, -4);
  EXPECT_EQ(run([](int64_t* o) { return div(-7, -2, o); }).v, 4);
  EXPECT_EQ(run([](int64_t* o) { return div(5, 3, o); }).v, 2);   // 1.67
  EXPECT_EQ(run([](int64_t* o) { return div(4, 3, o); }).v, 1);   // 1.33
  EXPECT_EQ(run([](int64_t* o) { return div(-4, 3, o); }).v, -1);
  EXPECT_EQ(run([](int64_t* o) { return div(-5, 3, o); }).v, -2);
  EXPECT_EQ(run([](int64_t* o) { return div(1, 2, o); }).v, 1);
  EXPECT_EQ(run([](int64_t* o) { return div(-1, 2, o); }).v, -1);
  EXPECT_EQ(run([](int64_t* o) { return div(1, 3, o); }).v, 0);
}

TEST(Arith, DivEdges) {
  EXPECT_EQ(run([](int64_t* o) { return div(1, 0, o); }).st, kDivByZero);
  EXPECT_EQ(run([](int64_t* o) { return div(0, 0, o); }).st, kDivByZero);
  EXPECT_EQ(run([](int64_t* o) { return div(kMin, -1, o); }).st, kOverflow);
  EXPECT_EQ(run([](int64_t* o) { return div(kMin, 1, o); }).v, kMin);
  EXPECT_EQ(run([](int64_t* o) { return div(kMin, 2, o); }).v, kMin / 2);
  EXPECT_EQ(run([](int64_t* o) { return div(kMin, kMax, o); }).v, -1);
  EXPECT_EQ(run([](int64_t* o) { return div(kMax, kMin, o); }).v, -1);  // -0.99999...
  EXPECT_EQ(run([](int64_t* o) { return div(kMax, 2, o); }).v, kMax / 2 + 1);  // .5 rounds up
  EXPECT_EQ(run([](int64_t* o) { return div(kMin + 1, 2, o); }).v, kMin / 2);  // -x.5 rounds down
}

TEST(Arith, MulScaled) {
  EXPECT_EQ(run([](int64_t* o) { return mul_scaled(1'500'000, 1'500'000, 1'000'000, o); }).v,
            2'250'000);
  EXPECT_EQ(run([](int64_t* o) { return mul_scaled(1, 1, 2, o); }).v, 1);    // 0.5
  EXPECT_EQ(run([](int64_t* o) { return mul_scaled(-1, 1, 2, o); }).v, -1);  // -0.5
  EXPECT_EQ(run([](int64_t* o) { return mul_scaled(1, -1, 2, o); }).v, -1);
  EXPECT_EQ(run([](int64_t* o) { return mul_scaled(3, 1, 2, o); }).v, 2);    // 1.5
  EXPECT_EQ(run([](int64_t* o) { return mul_scaled(-3, 1, 2, o); }).v, -2);
  EXPECT_EQ(run([](int64_t* o) { return mul_scaled(1, 1, 3, o); }).v, 0);
  EXPECT_EQ(run([](int64_t* o) { return mul_scaled(1, 2, 3, o); }).v, 1);
  // 128-bit intermediate: a*b far outside int64, result inside.
  EXPECT_EQ(run([](int64_t* o) { return mul_scaled(kMax, kMax, kMax, o); }).v, kMax);
  EXPECT_EQ(run([](int64_t* o) { return mul_scaled(kMin, kMin, kMin, o); }).v, kMin);
  EXPECT_EQ(run([](int64_t* o) { return mul_scaled(kMin, kMax, kMax, o); }).v, kMin);
  EXPECT_EQ(run([](int64_t* o) { return mul_scaled(kMax, 2, 1, o); }).st, kOverflow);
  EXPECT_EQ(run([](int64_t* o) { return mul_scaled(kMin, -1, 1, o); }).st, kOverflow);
  EXPECT_EQ(run([](int64_t* o) { return mul_scaled(kMin, kMin, 1, o); }).st, kOverflow);
  EXPECT_EQ(run([](int64_t* o) { return mul_scaled(1, 1, 0, o); }).st, kDivByZero);
  // 0.000125 CNY * 3'000'000 tokens at scale 1e6 -> 375 CNY-millionths... as ratio*int
  EXPECT_EQ(run([](int64_t* o) { return mul_scaled(125, 3'000'000, 1'000'000, o); }).v, 375);
}

TEST(Arith, DivScaled) {
  EXPECT_EQ(run([](int64_t* o) { return div_scaled(1, 1'000'000, 3, o); }).v, 333'333);
  EXPECT_EQ(run([](int64_t* o) { return div_scaled(2, 1'000'000, 3, o); }).v, 666'667);
  EXPECT_EQ(run([](int64_t* o) { return div_scaled(-2, 1'000'000, 3, o); }).v, -666'667);
  EXPECT_EQ(run([](int64_t* o) { return div_scaled(2, 1'000'000, -3, o); }).v, -666'667);
  EXPECT_EQ(run([](int64_t* o) { return div_scaled(1, 1, 2, o); }).v, 1);
  EXPECT_EQ(run([](int64_t* o) { return div_scaled(-1, 1, 2, o); }).v, -1);
  EXPECT_EQ(run([](int64_t* o) { return div_scaled(800, 1'000'000, 1000, o); }).v, 800'000);
  EXPECT_EQ(run([](int64_t* o) { return div_scaled(5, 1'000'000, 0, o); }).st, kDivByZero);
  EXPECT_EQ(run([](int64_t* o) { return div_scaled(kMax, 2, 1, o); }).st, kOverflow);
  EXPECT_EQ(run([](int64_t* o) { return div_scaled(kMax, kMax, kMax, o); }).v, kMax);
  EXPECT_EQ(run([](int64_t* o) { return div_scaled(kMin, 1, -1, o); }).st, kOverflow);
}

TEST(Arith, RoundDivMatchesDefinitionOnRandomInputs) {
  // Independent check of the definition: q is the rounded quotient iff the remainder n - q*d
  // satisfies |2r| <= |d|, and on a tie (|2r| == |d|) q is the one farther from zero.
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> small(-1000, 1000);
  for (int i = 0; i < 20000; ++i) {
    int64_t n = small(rng);
    int64_t d = small(rng);
    if (d == 0) continue;
    Int128 q = round_div(n, d);
    Int128 r = n - q * d;
    Int128 twice = r < 0 ? -2 * r : 2 * r;
    Int128 ad = d < 0 ? -d : d;
    ASSERT_LE(twice, ad) << n << "/" << d;
    if (twice == ad) {
      bool away = (q >= 0 && static_cast<Int128>(n) * d >= 0) || (q <= 0 && n * d <= 0);
      ASSERT_TRUE(away) << n << "/" << d;
      Int128 abs_q = q < 0 ? -q : q;
      Int128 trunc = n / d;
      Int128 abs_trunc = trunc < 0 ? -trunc : trunc;
      ASSERT_EQ(abs_q, abs_trunc + 1) << n << "/" << d;
    }
  }
}

TEST(Arith, RoundDivWide) {
  Int128 big = static_cast<Int128>(kMax) * kMax;
  EXPECT_TRUE(round_div(big, kMax) == kMax);
  EXPECT_TRUE(round_div(-big, kMax) == -static_cast<Int128>(kMax));
  EXPECT_TRUE(round_div(big + kMax / 2 + 1, kMax) == static_cast<Int128>(kMax) + 1);
  EXPECT_TRUE(round_div(big + kMax / 2, kMax) == kMax);
}

TEST(Arith, RateCostRoundsUp) {
  EXPECT_EQ(run([](int64_t* o) { return rate_cost(1'000'000, 1'000'000, 1'000'000, o); }).v,
            1'000'000);
  EXPECT_EQ(run([](int64_t* o) { return rate_cost(1, 1, 3, o); }).v, 1);  // never under-charge
  EXPECT_EQ(run([](int64_t* o) { return rate_cost(3, 1, 3, o); }).v, 1);
  EXPECT_EQ(run([](int64_t* o) { return rate_cost(4, 1, 3, o); }).v, 2);
  EXPECT_EQ(run([](int64_t* o) { return rate_cost(0, 5, 3, o); }).v, 0);
  // 400k tokens at 1 CNY per 1M tokens: 0.4 CNY.
  EXPECT_EQ(run([](int64_t* o) { return rate_cost(400'000, 1'000'000, 1'000'000, o); }).v,
            400'000);
  // Negative quantities (refunds) round toward +infinity too: ceil(-4/3) = -1.
  EXPECT_EQ(run([](int64_t* o) { return rate_cost(-4, 1, 3, o); }).v, -1);
  EXPECT_EQ(run([](int64_t* o) { return rate_cost(-3, 1, 3, o); }).v, -1);
  EXPECT_EQ(run([](int64_t* o) { return rate_cost(kMax, kMax, kMax, o); }).v, kMax);
  EXPECT_EQ(run([](int64_t* o) { return rate_cost(kMax, 2, 1, o); }).st, kOverflow);
  EXPECT_EQ(run([](int64_t* o) { return rate_cost(kMax, kMax, 2, o); }).st, kOverflow);
  EXPECT_EQ(run([](int64_t* o) { return rate_cost(1, 1, 0, o); }).st, kDivByZero);
  EXPECT_EQ(run([](int64_t* o) { return rate_cost(1, 1, -5, o); }).st, kDivByZero);
}

}  // namespace
}  // namespace gyrate::lang::arith
