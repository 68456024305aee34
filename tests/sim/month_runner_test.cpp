// The month runner against an in-process OCS: grants are respected, refusals stop, every sum of
// the report is what the server saw, and a seed plays the same month again.
#include <gtest/gtest.h>

#include <atomic>

#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/sim/month.hpp"
#include "gyrate/sim/month_report.hpp"
#include "month_test_ocs.hpp"

namespace gyrate::sim {
namespace {

using test::ToyOcs;

const PlanMonth* plan_of(const MonthReport& r, const std::string& name) {
  for (const PlanMonth& p : r.plans) {
    if (p.plan == name) return &p;
  }
  return nullptr;
}

uint64_t sum(const std::vector<uint64_t>& v) {
  uint64_t s = 0;
  for (uint64_t x : v) s += x;
  return s;
}

class MonthRunner : public ::testing::Test {
 protected:
  void SetUp() override {
    population_ = test::test_population();
    test::provision(ocs_, population_);
  }
  Population population_;
  ToyOcs ocs_;
};

TEST_F(MonthRunner, NeverUsesMoreThanGrantedAndStopsWhenRefused) {
  auto report = run_month(ocs_.exchange(), population_, test::test_options(42, 3));
  ASSERT_TRUE(report) << report.status().message();
  ToyOcs::Tally t = ocs_.tally();
  EXPECT_EQ(t.overuse, 0u);
  EXPECT_EQ(t.after_end, 0u);         // no CCR-U after a 4012 or a final grant
  EXPECT_EQ(t.retried_same_day, 0u);  // and no new session for that service that day
  EXPECT_GT(t.refusals_4012, 0u);     // the tight and surf plans did run out
  EXPECT_GT(t.final_units, 0u);
  for (const SubscriberMonth& m : report->subscribers) {
    EXPECT_LE(m.usage.tokens_used, m.usage.tokens_granted) << m.id;
    EXPECT_LE(m.usage.bytes_used, m.usage.bytes_granted) << m.id;
  }
}

TEST_F(MonthRunner, TheReportSumsWhatTheServerSaw) {
  auto report = run_month(ocs_.exchange(), population_, test::test_options(42, 3));
  ASSERT_TRUE(report) << report.status().message();
  ToyOcs::Tally t = ocs_.tally();
  const Usage& total = report->total;
  EXPECT_EQ(total.ccrs, t.ccrs);
  EXPECT_EQ(total.tokens_used, t.tokens_used);
  EXPECT_EQ(total.bytes_used, t.bytes_used);
  EXPECT_EQ(total.tokens_granted, t.tokens_granted);
  EXPECT_EQ(total.bytes_granted, t.bytes_granted);
  EXPECT_EQ(total.denials[static_cast<int>(Denial::k4012)], t.refusals_4012);
  EXPECT_EQ(total.denials[static_cast<int>(Denial::k5030)], t.unknown);
  EXPECT_EQ(total.final_units[static_cast<int>(FinalAction::kTerminate)], t.final_units);
  EXPECT_EQ(total.errors, 0u);
  for (const SubscriberMonth& m : report->subscribers) {
    std::string identity = m.identity.substr(m.identity.find(':') + 1);
    EXPECT_EQ(m.usage.tokens_used, t.tokens_by_identity[identity]) << m.id;
    uint64_t by_model = 0;
    for (const auto& [model, tokens] : m.usage.tokens_by_model) by_model += tokens;
    EXPECT_EQ(by_model, m.usage.tokens_used) << m.id;
  }
  // The month is November 2026, day by day, and the timestamps say so: surfers' 10-hour sessions
  // that run past the month's end are ended at its last second.
  EXPECT_EQ(report->days, 30);
  EXPECT_EQ(report->start_date, "2026-11-01");
  int64_t first = lang::calendar::days_from_civil({2026, 11, 1});
  EXPECT_EQ(*t.days.begin(), first);
  EXPECT_EQ(*t.days.rbegin(), first + 29);
}

TEST_F(MonthRunner, CountsPerPlan) {
  auto report = run_month(ocs_.exchange(), population_, test::test_options(42, 2));
  ASSERT_TRUE(report) << report.status().message();
  ASSERT_EQ(report->plans.size(), 4u);
  const PlanMonth* tight = plan_of(*report, "tight");
  const PlanMonth* roomy = plan_of(*report, "roomy");
  const PlanMonth* surf = plan_of(*report, "surf");
  const PlanMonth* ghost = plan_of(*report, "ghost");
  ASSERT_TRUE(tight && roomy && surf && ghost);
  EXPECT_EQ(tight->subscribers, 5u);
  EXPECT_EQ(roomy->subscribers, 6u);  // four roomy users and the team's two members
  // Tight users get a final grant each day and stop, so they never hear 4012; surfers get a
  // plain last grant and then 4012.
  EXPECT_GT(tight->usage.final_units[static_cast<int>(FinalAction::kTerminate)], 0u);
  EXPECT_EQ(tight->usage.denial_total(), 0u);
  EXPECT_EQ(roomy->usage.denial_total(), 0u);
  EXPECT_EQ(roomy->usage.final_unit_total(), 0u);
  EXPECT_GT(surf->usage.denials[static_cast<int>(Denial::k4012)], 0u);
  EXPECT_EQ(sum(surf->daily.denials_by_unit[static_cast<int>(UnitKind::kBytes)]),
            surf->usage.denial_total());
  EXPECT_EQ(ghost->usage.denials[static_cast<int>(Denial::k5030)], ghost->usage.ccrs);
  EXPECT_EQ(ghost->usage.tokens_used, 0u);
  // A tight user gets at most 30k tokens a day.
  EXPECT_LE(tight->usage.tokens_used, 5u * 30 * 30'000);
  Usage sum_of_plans;
  for (const PlanMonth& p : report->plans) {
    sum_of_plans.add(p.usage);
    EXPECT_EQ(sum(p.daily.tokens_used), p.usage.tokens_used) << p.plan;
    EXPECT_EQ(sum(p.daily.bytes_granted), p.usage.bytes_granted) << p.plan;
    EXPECT_EQ(sum(p.daily.denials), p.usage.denial_total()) << p.plan;
    EXPECT_EQ(sum(p.daily.final_units), p.usage.final_unit_total()) << p.plan;
    uint64_t denials = 0, finals = 0;
    for (int u = 0; u < static_cast<int>(UnitKind::kCount); ++u) {
      denials += sum(p.daily.denials_by_unit[u]);
      finals += sum(p.daily.final_units_by_unit[u]);
    }
    EXPECT_EQ(denials, p.usage.denial_total()) << p.plan;
    EXPECT_EQ(finals, p.usage.final_unit_total()) << p.plan;
  }
  EXPECT_EQ(sum_of_plans.tokens_used, report->total.tokens_used);
  EXPECT_EQ(sum_of_plans.ccrs, report->total.ccrs);
}

TEST_F(MonthRunner, ASeedPlaysTheSameMonthWhateverTheThreads) {
  auto one = run_month(ocs_.exchange(), population_, test::test_options(7, 1));
  ToyOcs again;
  test::provision(again, population_);
  auto four = run_month(again.exchange(), population_, test::test_options(7, 4));
  ToyOcs other;
  test::provision(other, population_);
  auto reseeded = run_month(other.exchange(), population_, test::test_options(8, 4));
  ASSERT_TRUE(one && four && reseeded);
  EXPECT_EQ(month_json(*one), month_json(*four));
  EXPECT_EQ(month_csv(*one), month_csv(*four));
  EXPECT_NE(month_csv(*one), month_csv(*reseeded));
}

TEST_F(MonthRunner, BillsComeFromTheLookupOncePerAccount) {
  MonthOptions o = test::test_options(42, 2);
  o.days = 3;
  std::atomic<int> calls{0};
  o.bill_of = [&](const std::string& account) -> std::optional<Bill> {
    ++calls;
    if (account == "nobody") return std::nullopt;
    return Bill{1'000'000, account == "team" ? 198'000'000 : 9'900'000, "CNY"};
  };
  auto report = run_month(ocs_.exchange(), population_, o);
  ASSERT_TRUE(report) << report.status().message();
  EXPECT_EQ(calls.load(), 14);  // 15 subscribers, the team's two share one account
  const PlanMonth* roomy = plan_of(*report, "roomy");
  ASSERT_TRUE(roomy->revenue);
  EXPECT_EQ(roomy->revenue->fees_charged, 4 * 9'900'000 + 198'000'000);
  EXPECT_EQ(roomy->revenue->spend, 5 * 1'000'000);
  EXPECT_EQ(roomy->revenue->currency, "CNY");
  EXPECT_FALSE(plan_of(*report, "ghost")->revenue);
  EXPECT_EQ(report->days, 3);
}

TEST_F(MonthRunner, GivesUpWhenTheServerDoesNotAnswer) {
  MonthOptions o = test::test_options(1, 2);
  o.max_errors = 5;
  std::atomic<int> calls{0};
  Exchange silent = [&](const diameter::CreditControlRequest&)
      -> Expected<diameter::CreditControlAnswer> {
    ++calls;
    return Status::error(ErrorCode::kUnavailable, "timeout");
  };
  auto report = run_month(silent, population_, o);
  ASSERT_FALSE(report);
  EXPECT_NE(report.status().message().find("got no answer"), std::string::npos);
  EXPECT_LT(calls.load(), 20);
}

TEST_F(MonthRunner, ReportsProgressOncePerDay) {
  MonthOptions o = test::test_options(5, 3);
  std::vector<MonthProgress> seen;  // the barrier's completion runs on one thread at a time
  o.progress = [&](const MonthProgress& p) { seen.push_back(p); };
  auto report = run_month(ocs_.exchange(), population_, o);
  ASSERT_TRUE(report) << report.status().message();
  ASSERT_EQ(seen.size(), 30u);
  for (size_t d = 0; d < seen.size(); ++d) {
    EXPECT_EQ(seen[d].day, static_cast<int>(d) + 1);
    EXPECT_EQ(seen[d].days, 30);
    if (d > 0) {
      EXPECT_GE(seen[d].ccrs, seen[d - 1].ccrs);
    }
  }
  EXPECT_EQ(seen.back().ccrs, report->total.ccrs);
}

TEST_F(MonthRunner, RefusesABadStart) {
  MonthOptions o = test::test_options(1, 1);
  o.start_day = 31;  // November has 30
  EXPECT_FALSE(run_month(ocs_.exchange(), population_, o));
}

}  // namespace
}  // namespace gyrate::sim

namespace gyrate::sim {
namespace {

// The figure for docs/simulator.md: a 30-day month of 300 subscribers (120 tight, 120 roomy,
// 60 surfers) in-process, against the toy OCS. Bounded loosely: the point is the printed time.
TEST(MonthRunnerFigure, ThreeHundredSubscribersPlayAMonthInProcess) {
  auto population = parse_population(
      "{\"plan\": \"tight\", \"id\": \"t{n}\", \"count\": 120, \"identity\": "
      "\"e164:+8610000000001\", \"llm\": {\"models\": {\"1002\": 1}, \"requests_per_day\": 40, "
      "\"tokens_per_request\": [1000, 9000]}}\n"
      "{\"plan\": \"roomy\", \"id\": \"r{n}\", \"count\": 120, \"identity\": "
      "\"e164:+8620000000001\", \"llm\": {\"requests_per_day\": 40}}\n"
      "{\"plan\": \"surf\", \"id\": \"d{n}\", \"count\": 60, \"identity\": "
      "\"imsi:460000000000001\", \"data\": {\"bytes_per_day\": \"300MiB\"}}\n",
      "figure.jsonl");
  ASSERT_TRUE(population) << population.status().message();
  test::ToyOcs ocs;
  test::provision(ocs, *population);
  auto report = run_month(ocs.exchange(), *population, test::test_options(1, 2));
  ASSERT_TRUE(report) << report.status().message();
  std::printf("300 subscribers, 30 days in-process: %llu CCRs in %.2f s\n",
              static_cast<unsigned long long>(report->total.ccrs), report->wall_seconds);
  EXPECT_LT(report->wall_seconds, 60);
}

}  // namespace
}  // namespace gyrate::sim
