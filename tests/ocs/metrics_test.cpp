// OcsMetrics' text exposition parsed back: CCR counters per (type, Result-Code) including the
// "other" buckets, the latency histogram's cumulative buckets, and the daemon's gauges.
#include "gyrate/ocs/metrics.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gyrate/engine/engine.hpp"

namespace gyrate::ocs {
namespace {

using diameter::CcRequestType;
using diameter::ResultCode;
using std::chrono::microseconds;

// Every sample line of the text format: "name{labels}" -> value. Checks the shape of each line
// (HELP and TYPE comments, one sample per line) as it goes.
std::map<std::string, double> parse(const std::string& text) {
  std::map<std::string, double> samples;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line[0] == '#') {
      EXPECT_TRUE(line.rfind("# HELP gyrate_", 0) == 0 || line.rfind("# TYPE gyrate_", 0) == 0)
          << line;
      continue;
    }
    size_t space = line.rfind(' ');
    EXPECT_NE(space, std::string::npos) << line;
    EXPECT_TRUE(samples.emplace(line.substr(0, space), std::stod(line.substr(space + 1))).second)
        << "sample given twice: " << line;
  }
  return samples;
}

double at(const std::map<std::string, double>& samples, const std::string& key) {
  auto it = samples.find(key);
  EXPECT_NE(it, samples.end()) << "no sample " << key;
  return it == samples.end() ? -1 : it->second;
}

TEST(OcsMetrics, CountsCcrsByTypeAndResultCode) {
  OcsMetrics m;
  m.record_ccr(CcRequestType::kInitial, ResultCode::kSuccess, microseconds(40));
  m.record_ccr(CcRequestType::kInitial, ResultCode::kSuccess, microseconds(90));
  m.record_ccr(CcRequestType::kUpdate, ResultCode::kCreditLimitReached, microseconds(1500));
  m.record_ccr(CcRequestType::kTermination, ResultCode::kUserUnknown, microseconds(3'000'000));
  m.record_ccr(CcRequestType::kEvent, static_cast<ResultCode>(2999), microseconds(10));
  m.record_ccr(static_cast<CcRequestType>(9), ResultCode::kInvalidAvpValue, microseconds(10));

  auto s = parse(m.text());
  EXPECT_EQ(at(s, R"(gyrate_ccr_total{result_code="2001",type="initial"})"), 2);
  EXPECT_EQ(at(s, R"(gyrate_ccr_total{result_code="4012",type="update"})"), 1);
  EXPECT_EQ(at(s, R"(gyrate_ccr_total{result_code="5030",type="termination"})"), 1);
  EXPECT_EQ(at(s, R"(gyrate_ccr_total{result_code="other",type="event"})"), 1);
  EXPECT_EQ(at(s, R"(gyrate_ccr_total{result_code="5004",type="other"})"), 1);
  EXPECT_EQ(at(s, R"(gyrate_ccr_total{result_code="2001",type="update"})"), 0);  // pre-created
  size_t ccr_series = 0;
  for (const auto& [key, value] : s) ccr_series += key.rfind("gyrate_ccr_total{", 0) == 0;
  EXPECT_EQ(ccr_series, OcsMetrics::kResultCodes * OcsMetrics::kRequestTypes);

  // Buckets are cumulative: 40 us and 90 us are both <= 100 us, only 40 us <= 50 us.
  EXPECT_EQ(at(s, R"(gyrate_ccr_latency_seconds_bucket{type="initial",le="5e-05"})"), 1);
  EXPECT_EQ(at(s, R"(gyrate_ccr_latency_seconds_bucket{type="initial",le="0.0001"})"), 2);
  EXPECT_EQ(at(s, R"(gyrate_ccr_latency_seconds_bucket{type="initial",le="+Inf"})"), 2);
  EXPECT_EQ(at(s, R"(gyrate_ccr_latency_seconds_count{type="initial"})"), 2);
  EXPECT_NEAR(at(s, R"(gyrate_ccr_latency_seconds_sum{type="initial"})"), 130e-6, 1e-9);
  EXPECT_EQ(at(s, R"(gyrate_ccr_latency_seconds_bucket{type="update",le="0.001"})"), 0);
  EXPECT_EQ(at(s, R"(gyrate_ccr_latency_seconds_bucket{type="update",le="0.002"})"), 1);
  // 3 s is beyond the last bound (1 s): only +Inf holds it.
  EXPECT_EQ(at(s, R"(gyrate_ccr_latency_seconds_bucket{type="termination",le="1"})"), 0);
  EXPECT_EQ(at(s, R"(gyrate_ccr_latency_seconds_bucket{type="termination",le="+Inf"})"), 1);
}

TEST(OcsMetrics, CountsEveryCallFromManyThreads) {
  OcsMetrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m] {
      for (int i = 0; i < 10'000; ++i) {
        m.record_ccr(CcRequestType::kUpdate, ResultCode::kSuccess, microseconds(i % 2000));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  auto s = parse(m.text());
  EXPECT_EQ(at(s, R"(gyrate_ccr_total{result_code="2001",type="update"})"), 40'000);
  EXPECT_EQ(at(s, R"(gyrate_ccr_latency_seconds_count{type="update"})"), 40'000);
}

TEST(OcsMetrics, GaugesTheDaemonSets) {
  OcsMetrics m;
  m.set_open_sessions(12);
  m.set_open_reservations(30);
  m.catalog_loaded(7);
  m.catalog_loaded(8);  // a reload
  m.catalog_reload_failed();
  m.rar_sent();
  m.rar_sent();
  m.set_journal({.records = 100, .commits = 40, .bytes = 9000}, 1'000);
  m.journal_checkpointed({.records = 150, .commits = 50, .bytes = 12000}, 1'010);
  m.set_journal({.records = 180, .commits = 60, .bytes = 15000}, 1'070);

  auto s = parse(m.text());
  EXPECT_EQ(at(s, "gyrate_gy_sessions"), 12);
  EXPECT_EQ(at(s, "gyrate_reservations"), 30);
  EXPECT_EQ(at(s, "gyrate_catalog_version"), 8);
  EXPECT_EQ(at(s, "gyrate_catalog_reloads_total"), 1);
  EXPECT_EQ(at(s, "gyrate_catalog_reload_failures_total"), 1);
  EXPECT_EQ(at(s, "gyrate_rar_sent_total"), 2);
  EXPECT_EQ(at(s, "gyrate_journal_records_total"), 180);
  EXPECT_EQ(at(s, "gyrate_journal_commits_total"), 60);
  EXPECT_EQ(at(s, "gyrate_journal_bytes_total"), 15000);
  EXPECT_EQ(at(s, "gyrate_journal_lag_records"), 30);   // since the checkpoint at 150
  EXPECT_EQ(at(s, "gyrate_journal_lag_seconds"), 60);   // since the checkpoint at 1010
}

TEST(OcsMetrics, StoreCountersGrowByWhatTheEngineCounted) {
  OcsMetrics m;
  m.set_store({.loads = 3, .conflicts = 1, .duplicates = 2, .adopted_sessions = 0, .unavailable = 4});
  m.set_store({.loads = 10, .conflicts = 1, .duplicates = 5, .adopted_sessions = 2, .unavailable = 4});
  auto s = parse(m.text());
  const std::pair<const char*, double> expected[] = {
      {"gyrate_store_loads_total", 10}, {"gyrate_store_conflicts_total", 1},
      {"gyrate_store_duplicates_total", 5}, {"gyrate_store_adopted_sessions_total", 2},
      {"gyrate_store_unavailable_total", 4}};
  for (const auto& [name, value] : expected) EXPECT_EQ(at(s, name), value) << name;
}

TEST(OcsMetrics, JournalLagCountsFromStartUpBeforeAnyCheckpoint) {
  OcsMetrics m;
  m.set_journal({.records = 5, .commits = 5, .bytes = 500}, 2'000);
  m.set_journal({.records = 25, .commits = 9, .bytes = 900}, 2'045);
  auto s = parse(m.text());
  EXPECT_EQ(at(s, "gyrate_journal_lag_records"), 25);
  EXPECT_EQ(at(s, "gyrate_journal_lag_seconds"), 45);
}

}  // namespace
}  // namespace gyrate::ocs
