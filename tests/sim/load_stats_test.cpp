// Load mode's statistics and options: the latency histogram's buckets and percentiles, the
// subscriber identity patterns, the JSON report.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>
#include <vector>

#include "gyrate/sim/latency.hpp"
#include "gyrate/sim/load.hpp"

namespace gyrate::sim {
namespace {

TEST(LatencyHistogram, BucketsAreContiguousAndWithinATenthOfAPercent) {
  size_t previous = 0;
  for (uint64_t v = 1; v < (uint64_t{1} << 24); v += 1 + v / 3000) {
    size_t b = LatencyHistogram::bucket_of(v);
    ASSERT_GE(b, previous);
    ASSERT_LE(LatencyHistogram::lowest_in(b), v);
    ASSERT_LE(v - LatencyHistogram::lowest_in(b), v / 1000) << v;
    ASSERT_EQ(LatencyHistogram::bucket_of(LatencyHistogram::lowest_in(b)), b);
    previous = b;
  }
  EXPECT_EQ(LatencyHistogram::bucket_of(2047), 2047u);
  EXPECT_EQ(LatencyHistogram::bucket_of(2048), 2048u);
  EXPECT_EQ(LatencyHistogram::lowest_in(3072), 4096u);
}

TEST(LatencyHistogram, PercentilesMatchSortedSamples) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(7.0, 1.0);  // ~1 ms median, a long tail
  std::vector<uint64_t> samples;
  LatencyHistogram h;
  for (int i = 0; i < 100'000; ++i) {
    auto v = static_cast<uint64_t>(dist(rng));
    samples.push_back(v);
    h.record(v);
  }
  std::sort(samples.begin(), samples.end());
  EXPECT_EQ(h.count(), samples.size());
  EXPECT_EQ(h.max(), samples.back());
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(samples.size())));
    uint64_t exact = samples[rank - 1];
    uint64_t got = h.percentile(p);
    EXPECT_LE(got, exact) << p;
    EXPECT_GE(got + exact / 1000 + 1, exact) << p;
  }
  EXPECT_LE(h.percentile(100), samples.back());
}

TEST(LatencyHistogram, EmptyAndConcurrent) {
  LatencyHistogram h;
  EXPECT_EQ(h.percentile(50), 0u);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&h, t] {
      for (uint64_t i = 0; i < 10'000; ++i) h.record(i + static_cast<uint64_t>(t));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(h.count(), 40'000u);
  EXPECT_EQ(h.max(), 10'002u);
}

TEST(LoadOptions, SubscriberPatterns) {
  LoadOptions o;
  o.identity = "e164:8613800000000";
  EXPECT_EQ(subscriber_id(o, 0).data, "8613800000000");
  EXPECT_EQ(subscriber_id(o, 41).data, "8613800000041");
  EXPECT_EQ(subscriber_id(o, 0).type, diameter::SubscriptionIdType::kEndUserE164);
  o.identity = "e164:+8613800000001";
  EXPECT_TRUE(validate(o));
  EXPECT_EQ(subscriber_id(o, 3).data, "+8613800000004");
  o.identity = "imsi:000123";
  EXPECT_EQ(subscriber_id(o, 1).data, "000124");
  EXPECT_EQ(subscriber_id(o, 1).type, diameter::SubscriptionIdType::kEndUserImsi);
  o.identity = "nai:user{n}@llm.example";
  EXPECT_EQ(subscriber_id(o, 7).data, "user7@llm.example");
  EXPECT_EQ(subscriber_id(o, 7).type, diameter::SubscriptionIdType::kEndUserNai);
  EXPECT_TRUE(validate(o));
  o.identity = "tel:123";
  EXPECT_FALSE(validate(o));
  o.identity = "nai:alice@llm.example";  // neither a number nor {n}: one identity for everyone
  EXPECT_FALSE(validate(o));
  o.identity = "e164:1";
  o.concurrency = 0;
  EXPECT_FALSE(validate(o));
}

TEST(LoadReport, Json) {
  LoadReport r;
  r.seconds = 2;
  r.sent = 10;
  r.answered = 9;
  r.ccr_per_second = 4.5;
  r.by_result_code = {{2001, 8}, {4012, 1}};
  r.errors = {{"unavailable", 1}};
  r.latency_p50_us = 100;
  r.latency_max_us = 900;
  r.concurrency = 4;
  EXPECT_EQ(to_json(r),
            "{\"seconds\":2.000,\"concurrency\":4,\"rate\":0.0,\"sent\":10,\"answered\":9,"
            "\"ccr_per_second\":4.5,\"sessions_completed\":0,\"latency_us\":{\"p50\":100,\"p90\":0,"
            "\"p99\":0,\"max\":900},\"result_codes\":{\"2001\":8,\"4012\":1},\"errors\":{\"unavailable\":1}}");
}

}  // namespace
}  // namespace gyrate::sim
