// The month's randomness: SplitMix64 with its own bounded draws, so a seed plays the same month
// on every platform and standard library (std:: distributions are implementation-defined).
#pragma once

#include "gyrate/ruleslang/int128.hpp"
#include <array>
#include <cstdint>

namespace gyrate::sim {

class MonthRandom {
 public:
  // One stream per (seed, subscriber): a subscriber's month is the same whatever the thread count.
  MonthRandom(uint64_t seed, uint64_t stream) : state_(seed * 0x9E3779B97F4A7C15ull ^ stream) {
    next();
  }

  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n > 0.
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<lang::UInt128>(next()) * n) >> 64);
  }
  // Uniform in [lo, hi].
  uint64_t between(uint64_t lo, uint64_t hi) { return hi <= lo ? lo : lo + below(hi - lo + 1); }
  // Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // floor(x), plus one with probability frac(x): a whole count whose mean is x.
  uint64_t round(double x) {
    double whole = static_cast<double>(static_cast<uint64_t>(x));
    return static_cast<uint64_t>(x) + (unit() < x - whole ? 1 : 0);
  }
  // An index drawn with the given non-negative weights (not all zero).
  template <size_t N>
  size_t pick(const std::array<double, N>& weights) {
    double sum = 0;
    for (double w : weights) sum += w;
    double x = unit() * sum;
    for (size_t i = 0; i < N; ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    for (size_t i = N; i-- > 0;) {
      if (weights[i] > 0) return i;
    }
    return 0;
  }

 private:
  uint64_t state_;
};

}  // namespace gyrate::sim
