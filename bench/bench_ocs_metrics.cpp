// What OcsMetrics::record_ccr adds to every CCR: a counter increment and a histogram
// observation, alone and from several threads at once (the Gy server's workers share one
// OcsMetrics), and what a scrape (text()) costs.
#include <benchmark/benchmark.h>

#include "gyrate/ocs/metrics.hpp"

namespace {

using gyrate::diameter::CcRequestType;
using gyrate::diameter::ResultCode;

gyrate::ocs::OcsMetrics& shared_metrics() {
  static gyrate::ocs::OcsMetrics metrics;
  return metrics;
}

// Types and codes vary as in traffic, so the branch predictor does not see one call repeated.
constexpr CcRequestType kTypes[] = {CcRequestType::kInitial, CcRequestType::kUpdate,
                                    CcRequestType::kUpdate, CcRequestType::kTermination};
constexpr ResultCode kCodes[] = {ResultCode::kSuccess, ResultCode::kSuccess,
                                 ResultCode::kCreditLimitReached, ResultCode::kUserUnknown};

void BM_RecordCcr(benchmark::State& state) {
  gyrate::ocs::OcsMetrics& m = shared_metrics();
  size_t i = static_cast<size_t>(state.thread_index());
  for (auto _ : state) {
    m.record_ccr(kTypes[i & 3], kCodes[(i >> 2) & 3], std::chrono::microseconds(100 + (i & 1023)));
    ++i;
  }
}
BENCHMARK(BM_RecordCcr)->Threads(1)->Threads(2)->Threads(4)->UseRealTime();

void BM_Scrape(benchmark::State& state) {
  gyrate::ocs::OcsMetrics m;
  for (auto _ : state) benchmark::DoNotOptimize(m.text());
}
BENCHMARK(BM_Scrape);

}  // namespace

BENCHMARK_MAIN();
