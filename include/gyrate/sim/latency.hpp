// A latency histogram in the manner of HdrHistogram: exact below 2048 us, then 1024 buckets per
// power of two (within 0.1%), lock-free to record from many threads. Latency is the one place
// gyrate-sim uses floating point, and only to print.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace gyrate::sim {

class LatencyHistogram {
 public:
  LatencyHistogram();
  void record(uint64_t microseconds);
  uint64_t count() const;
  uint64_t max() const { return max_.load(std::memory_order_relaxed); }
  // The smallest recorded value v (to the bucket's precision) with at least p% of samples <= v;
  // 0 when empty. p in [0, 100].
  uint64_t percentile(double p) const;

  // Bucket arithmetic, public for the tests.
  static size_t bucket_of(uint64_t microseconds);
  static uint64_t lowest_in(size_t bucket);
  static constexpr size_t kBuckets = 2048 + 44 * 1024;  // up to 2^55 us

 private:
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<uint64_t> max_{0};
};

}  // namespace gyrate::sim
