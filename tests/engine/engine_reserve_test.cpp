// Reservations: reserve, commit, release and expiry (rule 17), idempotency (rule 18), time that
// never runs backwards (rule 19), and concurrent reservations that never exceed the balance.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "engine_test_support.hpp"

namespace gyrate::engine {
namespace {

using namespace testing;

// Rule 17, `terminate` (T2: 5M a month): 6M reported against a 4M reservation is debited
// anyway: 4M reserved + the 1M still free, and 1M overrun. The next request is refused (4012
// with TERMINATE) until the debt is covered: a 1M pack pays it off (remaining 0, still refused);
// the next period brings a full 5M.
TEST(EngineReserve, Rule17OverrunIsRecordedAndRefusesTheNextRequest) {
  Engine engine(catalog("examples/tariffs/t02_monthly_cap.tariff"));
  int64_t t = local(2026, 3, 10, 9, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "monthly_cap", t)));
  auto r = engine.reserve("s", {"a", 1, "llm", "", 4'000'000, t});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->grant, 4'000'000);
  auto c = engine.commit("s", {"a", 2, "llm", 6'000'000, t + 60});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->committed, 5'000'000);
  EXPECT_EQ(c->overrun, 1'000'000);
  auto b = engine.balances("s", t + 60);
  EXPECT_EQ(service(*b, "llm").remaining, -1'000'000);
  EXPECT_EQ(service(*b, "llm").used, 6'000'000);

  auto refused = engine.reserve("s", {"b", 1, "llm", "", 1'000, t + 120});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->outcome, lang::Outcome::kExhausted);
  ASSERT_TRUE(refused->has_final_action);
  EXPECT_EQ(refused->final_action, lang::ast::ActionKind::kTerminate);

  ASSERT_TRUE(engine.buy_pack("s", "o", 1, "extra_1m", t + 180));
  EXPECT_EQ(service(*engine.balances("s", t + 180), "llm").remaining, 0);
  EXPECT_EQ(engine.reserve("s", {"b", 2, "llm", "", 1'000, t + 240})->outcome,
            lang::Outcome::kExhausted);

  b = engine.balances("s", local(2026, 4, 10, 0, 0, kCst));
  EXPECT_EQ(service(*b, "llm").remaining, 5'000'000);
}

// Rule 17, `charge` (T14, 40 GiB, 5 EUR per GiB at noon): 40.5 GiB reported against a 40 GiB
// grant draws the 40 GiB and sells the half GiB at ceil(units x price / block): 2.50 EUR of
// spend. One byte more costs ceil(5'000'000 / 2^30) = 1 millionth, not a whole block.
TEST(EngineReserve, Rule17OverageIsPricedWhenTheActionIsCharge) {
  Engine engine(catalog("examples/tariffs/t14_data_rollover_fair_use.tariff"));
  ASSERT_TRUE(engine.provision(subscriber("s", "data_rollover", local(2026, 1, 10, 9, 0, kCet))));
  int64_t noon = local(2026, 1, 10, 12, 0, kCet);
  auto r = engine.reserve("s", {"a", 1, "data", "", 40 * kGiB, noon});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->grant, 40 * kGiB);
  EXPECT_EQ(r->validity_seconds, 3600);
  auto c = engine.commit("s", {"a", 2, "data", 40 * kGiB + kGiB / 2, noon + 30 * kMinute});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->committed, 40 * kGiB);
  EXPECT_EQ(c->charged, 5 * kEur / 2);
  EXPECT_EQ(c->overrun, 0);
  auto b = engine.balances("s", noon + 30 * kMinute);
  EXPECT_EQ(b->spend, 5 * kEur / 2);
  EXPECT_EQ(service(*b, "data").remaining, 0);
  EXPECT_EQ(service(*b, "data").used, 40 * kGiB + kGiB / 2);
  ASSERT_TRUE(engine.reserve("s", {"b", 1, "data", "", 1, noon + 31 * kMinute}));
  EXPECT_EQ(engine.commit("s", {"b", 2, "data", 1, noon + 31 * kMinute})->charged, 1);
}

// Rule 17, release: T1 grants with Validity-Time 30 min. A reservation with no report is
// released when it lapses (lazily, on the next touch); usage reported after that is still
// debited. A TERMINATE releases what the session holds.
TEST(EngineReserve, Rule17ReservationsLapseAndAreReleased) {
  Engine engine(catalog("examples/tariffs/t01_token_pack.tariff"));
  int64_t t = local(2026, 1, 10, 10, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "token_pack", t)));
  ASSERT_TRUE(engine.buy_pack("s", "o", 1, "yuan_400k", t));
  auto r = engine.reserve("s", {"a", 1, "llm", "", 20'000, t});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->validity_seconds, 30 * kMinute);
  EXPECT_EQ(service(*engine.balances("s", t + 29 * kMinute), "llm").reserved, 20'000);
  auto b = engine.balances("s", t + 30 * kMinute);
  EXPECT_EQ(service(*b, "llm").reserved, 0);
  EXPECT_EQ(b->open_reservations, 0u);
  ASSERT_TRUE(engine.commit("s", {"a", 2, "llm", 10'000, t + 31 * kMinute}));
  EXPECT_EQ(service(*engine.balances("s", t + 31 * kMinute), "llm").remaining, 390'000);

  ASSERT_TRUE(engine.reserve("s", {"b", 1, "llm", "", 20'000, t + 32 * kMinute}));
  auto released = engine.release("s", "b", 2, t + 33 * kMinute);
  ASSERT_TRUE(released);
  EXPECT_EQ(released->released, 20'000);
  EXPECT_EQ(service(*engine.balances("s", t + 33 * kMinute), "llm").remaining, 390'000);
}

// Rule 18: a repeat of (session, request number) returns the stored answer and changes nothing;
// keys are a set, so an out-of-order request number is a new request, not a repeat.
TEST(EngineReserve, Rule18RepeatsReturnTheStoredAnswer) {
  Engine engine(catalog("examples/catalog.tariff"));
  int64_t t = local(2026, 3, 10, 12, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "token_starter", t)));
  auto first = engine.reserve("s", {"a", 5, "llm", "qwen_turbo", 30'000, t});
  uint64_t revision = engine.balances("s", t)->revision;
  auto again = engine.reserve("s", {"a", 5, "llm", "qwen_turbo", 30'000, t + 10});
  ASSERT_TRUE(first && again);
  EXPECT_FALSE(first->duplicate);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->grant, first->grant);
  EXPECT_EQ(again->debit, first->debit);
  auto b = engine.balances("s", t);
  EXPECT_EQ(b->revision, revision);
  EXPECT_EQ(b->open_reservations, 1u);

  auto older = engine.reserve("s", {"a", 4, "llm", "qwen_turbo", 10'000, t});
  ASSERT_TRUE(older);
  EXPECT_FALSE(older->duplicate);
  EXPECT_EQ(engine.balances("s", t)->open_reservations, 2u);

  ASSERT_TRUE(engine.commit("s", {"a", 6, "llm", 30'000, t}));
  auto repeat = engine.commit("s", {"a", 6, "llm", 30'000, t});
  ASSERT_TRUE(repeat);
  EXPECT_TRUE(repeat->duplicate);
  b = engine.balances("s", t);
  EXPECT_EQ(service(*b, "llm").used, 30'000);
  EXPECT_EQ(service(*b, "llm").remaining, 3'000'000 - 30'000 - 10'000);
}

// Rule 19: T2 renews on the 10th. A request at Apr 10 00:00:01 opens period 1 (fee 2 x 19.9);
// one stamped Apr 9 afterwards is rated at the last time: still period 1, counted as late.
TEST(EngineReserve, Rule19TimeNeverRunsBackwards) {
  Engine engine(catalog("examples/tariffs/t02_monthly_cap.tariff"));
  ASSERT_TRUE(engine.provision(subscriber("s", "monthly_cap", local(2026, 3, 10, 9, 0, kCst))));
  int64_t apr10 = local(2026, 4, 10, 0, 0, kCst) + 1;
  ASSERT_TRUE(engine.reserve("s", {"a", 1, "llm", "", 1'000, apr10}));
  ASSERT_TRUE(engine.reserve("s", {"a", 2, "llm", "", 1'000, apr10 - kDay}));
  auto b = engine.balances("s", apr10 - kDay);
  EXPECT_EQ(b->period.index, 1);
  EXPECT_EQ(b->fees_charged, 39'800'000);
  EXPECT_EQ(b->late_requests, 2u);  // the reserve and this query
  EXPECT_EQ(service(*b, "llm").reserved, 2'000);
}

// Concurrent sessions of one account never reserve more than the balance: 8 threads ask for
// 50k each, 100 times, against token_starter's 3M: exactly 60 grants of 50k fit.
TEST(EngineReserve, ConcurrentReservationsNeverExceedTheBalance) {
  Engine engine(catalog("examples/catalog.tariff"));
  int64_t t = local(2026, 3, 10, 12, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "token_starter", t)));
  std::atomic<int64_t> reserved{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (uint32_t n = 1; n <= 100; ++n) {
        auto r = engine.reserve("s", {"t" + std::to_string(i), n, "llm", "qwen_turbo", 50'000, t});
        if (!r) {
          ++errors;
        } else if (r->outcome == lang::Outcome::kGranted) {
          reserved += r->debit;
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(reserved.load(), 3'000'000);
  auto b = engine.balances("s", t);
  EXPECT_EQ(service(*b, "llm").remaining, 0);
  EXPECT_EQ(b->open_reservations, 60u);
}

}  // namespace
}  // namespace gyrate::engine
