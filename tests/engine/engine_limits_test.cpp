// Limits on the request path: rolling windows (rule 13), the spend cap (rule 14) and usage caps,
// on the real example catalogs.
#include <gtest/gtest.h>

#include "engine_test_support.hpp"
#include "gyrate/engine/window.hpp"

namespace gyrate::engine {
namespace {

using namespace testing;

// Rule 13 on T7 (1200 requests per 5 h, 1 request per grant): 1200 requests in the first ten
// minutes fill the window. The next is refused (4012) with no Final-Unit-Indication and
// Validity-Time = seconds until the first minute leaves: it counts to its last second
// (t0 + 59 s) + 5 h, so at t0 + 10 min that is 18000 + 59 - 600 = 17459 s. Then it has room.
TEST(EngineLimits, Rule13WindowFullRefusesWithoutFinalUnits) {
  Engine engine(catalog("examples/tariffs/t07_coding_plan.tariff"));
  int64_t t0 = local(2026, 3, 10, 9, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "coding_plan", t0)));
  for (uint32_t k = 0; k < 1200; ++k) {
    int64_t t = t0 + (k / 120) * 60;
    auto r = engine.reserve("s", {"s", 2 * k + 1, "code", "", 1, t});
    ASSERT_TRUE(r);
    ASSERT_EQ(r->outcome, lang::Outcome::kGranted) << k;
    ASSERT_TRUE(engine.commit("s", {"s", 2 * k + 2, "code", 1, t}));
  }
  auto full = engine.reserve("s", {"s", 5000, "code", "", 1, t0 + 600});
  ASSERT_TRUE(full);
  EXPECT_EQ(full->outcome, lang::Outcome::kExhausted);
  EXPECT_EQ(full->limiter, lang::Limiter::kWindow);
  EXPECT_FALSE(full->final_units);
  EXPECT_FALSE(full->has_final_action);
  EXPECT_EQ(full->validity_seconds, 17'459);
  EXPECT_EQ(engine.reserve("s", {"s", 5001, "code", "", 1, t0 + 18'058})->outcome,
            lang::Outcome::kExhausted);
  auto room = engine.reserve("s", {"s", 5002, "code", "", 1, t0 + 18'059});
  EXPECT_EQ(room->outcome, lang::Outcome::kGranted);
  EXPECT_FALSE(room->final_units);
}

// Rule 13, a window in requests on a token service (3 requests per 1 min): each granted
// reservation counts one request, whatever its tokens. The 4th at t0 + 10 s is refused without
// FUI, Validity-Time = (t0 + 59) + 60 - (t0 + 10) = 109 s; refusals count nothing, so at
// t0 + 119 s, when the first minute has left the window, three more are granted.
TEST(EngineLimits, Rule13RequestWindowCountsGrantedRequests) {
  Engine engine(catalog("tests/engine/tariffs/requests_per_minute.tariff"));
  int64_t t0 = 1'767'225'600;  // 2026-01-01T00:00:00Z, a minute boundary
  ASSERT_TRUE(engine.provision(subscriber("s", "api_basic", t0)));
  uint32_t n = 0;
  for (int k = 0; k < 3; ++k) {
    auto r = engine.reserve("s", {"s", ++n, "llm", "", 50'000, t0 + k});
    ASSERT_EQ(r->outcome, lang::Outcome::kGranted) << k;
    EXPECT_EQ(r->grant, 50'000) << "a request limit does not bound the tokens";
    ASSERT_TRUE(engine.commit("s", {"s", ++n, "llm", 1'000, t0 + k}));
  }
  auto full = engine.reserve("s", {"s", ++n, "llm", "", 1'000, t0 + 10});
  EXPECT_EQ(full->outcome, lang::Outcome::kExhausted);
  EXPECT_EQ(full->limiter, lang::Limiter::kWindow);
  EXPECT_FALSE(full->final_units);
  EXPECT_EQ(full->validity_seconds, 109);
  EXPECT_EQ(engine.reserve("s", {"s", ++n, "llm", "", 1'000, t0 + 118})->outcome,
            lang::Outcome::kExhausted);
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(engine.reserve("s", {"s", ++n, "llm", "", 1'000, t0 + 119})->outcome,
              lang::Outcome::kGranted)
        << k;
  }
  EXPECT_EQ(engine.reserve("s", {"s", ++n, "llm", "", 1'000, t0 + 119})->outcome,
            lang::Outcome::kExhausted);
}

// Rule 13, a grant cut by a window is not final: team_pro allows 300 code requests per 5 h;
// asking for 500 at once grants 300 (the window bounds it), plain, without FUI. Open
// reservations count in the window: a second request gets nothing.
TEST(EngineLimits, Rule13WindowCutIsNotFinal) {
  Engine engine(catalog("examples/catalog.tariff"));
  int64_t t0 = local(2026, 3, 10, 9, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "team_pro", t0)));
  auto r = engine.reserve("s", {"a", 1, "code", "", 500, t0});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, lang::Outcome::kGranted);
  EXPECT_EQ(r->grant, 300);
  EXPECT_EQ(r->limiter, lang::Limiter::kWindow);
  EXPECT_FALSE(r->final_units);
  auto second = engine.reserve("s", {"b", 1, "code", "", 1, t0 + 60});
  EXPECT_EQ(second->outcome, lang::Outcome::kExhausted);
  EXPECT_EQ(second->validity_seconds, 60) << "only a reservation fills it: retry in a minute";
}

// The window's memory is bounded: a use every minute for a day keeps at most kMaxMinutes
// minutes, and merging never makes the count smaller than the exact one.
TEST(EngineLimits, WindowMemoryIsBounded) {
  WindowCounter w(0, 0, 24 * 3600);
  for (int64_t m = 0; m < 1440; ++m) w.add(m * 60, 1);
  EXPECT_LE(w.minutes_kept(), WindowCounter::kMaxMinutes);
  EXPECT_EQ(w.count(1439 * 60), 1440);
  // Two hours later the exact count is 1440 - 120; the merged one may be larger, never smaller.
  EXPECT_GE(w.count(1439 * 60 + 7200), 1320);
  WindowCounter exact(0, 0, 3600);
  exact.add(0, 5);
  exact.add(1800, 7);
  EXPECT_EQ(exact.count(3658), 12);  // minute 0 counts to its last second + 1 h
  EXPECT_EQ(exact.count(3659), 7);
  EXPECT_EQ(exact.seconds_until_room(3000), 659);
}

// Rule 14 on T14 (charge, 5 EUR per GiB at noon, cap spend 50 EUR then redirect): 100 GiB asked
// with 40 GiB left is cut to 40 GiB + the 10 GiB that 50 EUR buys, as the last grant with the
// cap's action. Using it all spends exactly 50 EUR; the next request is refused at the cap.
TEST(EngineLimits, Rule14SpendCapCutsTheGrant) {
  Engine engine(catalog("examples/tariffs/t14_data_rollover_fair_use.tariff"));
  int64_t noon = local(2026, 1, 10, 12, 0, kCet);
  ASSERT_TRUE(engine.provision(subscriber("s", "data_rollover", noon)));
  auto r = engine.reserve("s", {"a", 1, "data", "", 100 * kGiB, noon});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, lang::Outcome::kGranted);
  EXPECT_EQ(r->grant, 50 * kGiB);
  EXPECT_EQ(r->limiter, lang::Limiter::kSpendCap);
  EXPECT_TRUE(r->final_units);
  EXPECT_EQ(r->final_action, lang::ast::ActionKind::kRedirect);
  EXPECT_EQ(r->final_action_argument, "https://care.example.eu/bill-shock");
  auto c = engine.commit("s", {"a", 2, "data", 50 * kGiB, noon + 60});
  EXPECT_EQ(c->charged, 50 * kEur);
  auto next = engine.reserve("s", {"a", 3, "data", "", kGiB, noon + 120});
  EXPECT_EQ(next->outcome, lang::Outcome::kExhausted);
  EXPECT_EQ(next->limiter, lang::Limiter::kSpendCap);
  EXPECT_EQ(engine.balances("s", noon + 120)->spend, 50 * kEur);
}

// Rule 14, the cap stops only priced usage (examples/catalog.tariff smart_bundle: data `charge`
// at 2 CNY per GiB by day, cap spend 50 CNY then restrict). 60 GiB asked with 30 GiB left: 30 GiB
// covered + floor(50 CNY x 1 GiB / 2 CNY) = 25 GiB priced = 55 GiB, the last grant. Used in full
// it spends 50 CNY; data is then refused at the cap, but llm, whose 10M tokens cost nothing
// more, is still granted.
TEST(EngineLimits, Rule14SpendCapStopsOnlyPricedUsage) {
  Engine engine(catalog("examples/catalog.tariff"));
  int64_t noon = local(2026, 3, 10, 12, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "smart_bundle", noon)));
  auto r = engine.reserve("s", {"a", 1, "data", "", 60 * kGiB, noon});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->grant, 55 * kGiB);
  EXPECT_EQ(r->limiter, lang::Limiter::kSpendCap);
  EXPECT_EQ(r->final_action, lang::ast::ActionKind::kRestrict);
  EXPECT_EQ(engine.commit("s", {"a", 2, "data", 55 * kGiB, noon + 60})->charged, 50 * kCny);
  auto data = engine.reserve("s", {"b", 1, "data", "", kGiB, noon + 120});
  EXPECT_EQ(data->outcome, lang::Outcome::kExhausted);
  EXPECT_EQ(data->limiter, lang::Limiter::kSpendCap);
  auto llm = engine.reserve("s", {"c", 1, "llm", "", 1'000, noon + 120});
  EXPECT_EQ(llm->outcome, lang::Outcome::kGranted);
  EXPECT_EQ(llm->grant, 1'000);
  EXPECT_EQ(llm->limiter, lang::Limiter::kRule);
}

// Usage cap on T14 (cap data 100 GiB then restrict): 40 GiB allowance + 12 day passes (60 GiB,
// 36 EUR of spend) all used; the next request is refused with the fair-use restriction.
TEST(EngineLimits, UsageCapRefusesWithItsAction) {
  Engine engine(catalog("examples/tariffs/t14_data_rollover_fair_use.tariff"));
  int64_t t = local(2026, 1, 10, 12, 0, kCet);
  ASSERT_TRUE(engine.provision(subscriber("s", "data_rollover", t)));
  for (uint32_t i = 1; i <= 12; ++i) ASSERT_TRUE(engine.buy_pack("s", "o", i, "day_pass", t));
  auto c = engine.commit("s", {"a", 1, "data", 100 * kGiB, t + 60});
  EXPECT_EQ(c->committed, 100 * kGiB);
  EXPECT_EQ(c->charged, 0);
  auto r = engine.reserve("s", {"a", 2, "data", "", kGiB, t + 120});
  EXPECT_EQ(r->outcome, lang::Outcome::kExhausted);
  EXPECT_EQ(r->limiter, lang::Limiter::kUsageCap);
  EXPECT_EQ(r->final_action, lang::ast::ActionKind::kRestrict);
  EXPECT_EQ(r->final_action_argument, "fair-use-1mbps");
  EXPECT_EQ(engine.balances("s", t + 120)->spend, 36 * kEur);
}

// Thresholds (T2: notify at 80% and 100% of 5M): a record each time a commit carries `used`
// across 4M and 5M, once per period; taken once. The next period counts afresh.
TEST(EngineLimits, NotifyThresholdsBecomeRecords) {
  Engine engine(catalog("examples/tariffs/t02_monthly_cap.tariff"));
  int64_t t = local(2026, 3, 10, 9, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "monthly_cap", t)));
  ASSERT_TRUE(engine.commit("s", {"a", 1, "llm", 3'900'000, t + 60}));
  EXPECT_TRUE(engine.take_notifications("s")->empty());
  ASSERT_TRUE(engine.commit("s", {"a", 2, "llm", 200'000, t + 120}));
  ASSERT_TRUE(engine.commit("s", {"a", 3, "llm", 1'000'000, t + 180}));
  auto taken = engine.take_notifications("s");
  ASSERT_TRUE(taken);
  ASSERT_EQ(taken->size(), 2u);
  EXPECT_EQ((*taken)[0].level, 4'000'000);
  EXPECT_EQ((*taken)[0].ratio, 800'000);
  EXPECT_EQ((*taken)[0].used, 4'100'000);
  EXPECT_EQ((*taken)[1].level, 5'000'000);
  EXPECT_EQ((*taken)[1].service, "llm");
  EXPECT_TRUE(engine.take_notifications("s")->empty());
  ASSERT_TRUE(engine.commit("s", {"a", 4, "llm", 4'000'000, local(2026, 4, 10, 1, 0, kCst)}));
  taken = engine.take_notifications("s");
  ASSERT_EQ(taken->size(), 1u);
  EXPECT_EQ((*taken)[0].period_index, 1);
}

}  // namespace
}  // namespace gyrate::engine
