// LatencyHistogram: log-linear buckets (see the header), relaxed atomics.
#include "gyrate/sim/latency.hpp"

#include <bit>
#include <cmath>

namespace gyrate::sim {

LatencyHistogram::LatencyHistogram() : counts_(new std::atomic<uint64_t>[kBuckets]) {
  for (size_t i = 0; i < kBuckets; ++i) counts_[i].store(0, std::memory_order_relaxed);
}

size_t LatencyHistogram::bucket_of(uint64_t v) {
  if (v < 2048) return static_cast<size_t>(v);
  size_t shift = static_cast<size_t>(std::bit_width(v)) - 11;  // v >> shift is in [1024, 2048)
  size_t b = 2048 + (shift - 1) * 1024 + static_cast<size_t>((v >> shift) - 1024);
  return b < kBuckets ? b : kBuckets - 1;
}

uint64_t LatencyHistogram::lowest_in(size_t b) {
  if (b < 2048) return b;
  size_t shift = (b - 2048) / 1024 + 1;
  return (1024 + static_cast<uint64_t>((b - 2048) % 1024)) << shift;
}

void LatencyHistogram::record(uint64_t us) {
  counts_[bucket_of(us)].fetch_add(1, std::memory_order_relaxed);
  uint64_t seen = max_.load(std::memory_order_relaxed);
  while (us > seen && !max_.compare_exchange_weak(seen, us, std::memory_order_relaxed)) {
  }
}

uint64_t LatencyHistogram::count() const {
  uint64_t n = 0;
  for (size_t i = 0; i < kBuckets; ++i) n += counts_[i].load(std::memory_order_relaxed);
  return n;
}

uint64_t LatencyHistogram::percentile(double p) const {
  uint64_t n = count();
  if (n == 0) return 0;
  auto rank = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(n)));
  if (rank == 0) rank = 1;
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i].load(std::memory_order_relaxed);
    if (seen >= rank) {
      uint64_t v = lowest_in(i);
      uint64_t m = max();
      return v < m ? v : m;
    }
  }
  return max();
}

}  // namespace gyrate::sim
