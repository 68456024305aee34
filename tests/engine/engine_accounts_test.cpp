// Accounts: provisioning (rule 20, typed attributes), weighted debits (rule 1), remaining (rule 3)
// and the order buckets are drawn in (rules 4 and 5), on the real example catalogs.
#include <gtest/gtest.h>

#include "engine_test_support.hpp"
#include "gyrate/engine/account.hpp"

namespace gyrate::engine {
namespace {

using namespace testing;

constexpr const char* kCatalog = "examples/catalog.tariff";

// Rule 20: a subscriber joins the newest version in effect at activation. `coding` v1 takes
// effect 2026-01-01 (fee 40 CNY), v2 2026-09-01 (fee 52 CNY), both in +08:00.
TEST(EngineAccounts, Rule20JoinsTheVersionInEffectAtActivation) {
  Engine engine(catalog(kCatalog));
  ASSERT_TRUE(engine.provision(subscriber("aug31", "coding", local(2026, 8, 31, 23, 0, kCst))));
  // 00:30 on Sept 1 in Beijing is still Aug 31 in UTC: the catalog's zone decides.
  ASSERT_TRUE(engine.provision(subscriber("sep1", "coding", local(2026, 9, 1, 0, 30, kCst))));
  auto a = engine.balances("aug31", local(2026, 8, 31, 23, 0, kCst));
  auto b = engine.balances("sep1", local(2026, 9, 1, 0, 30, kCst));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->last_fee, 40 * kCny);
  EXPECT_EQ(b->last_fee, 52 * kCny);
  EXPECT_FALSE(engine.provision(subscriber("x", "coding", local(2025, 6, 1, 0, 0, kCst))))
      << "no version is in effect before 2026-01-01";
  EXPECT_FALSE(engine.provision(subscriber("y", "no_such_plan", local(2026, 6, 1, 0, 0, kCst))));
}

// Attributes are typed by the catalog's declarations and feed the plan: team_pro charges
// 99 CNY x seats in the first period and pools 20M tokens x seats.
TEST(EngineAccounts, AttributesAreTypedAndRefusedByName) {
  Engine engine(catalog(kCatalog));
  int64_t t = local(2026, 3, 10, 12, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("team", "team_pro", t, 0, {{"seats", "3"}})));
  auto b = engine.balances("team", t);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->last_fee, 297 * kCny);  // 99 CNY x 3, first period
  EXPECT_EQ(service(*b, "llm").period_allowance, 60'000'000);
  EXPECT_EQ(count_origin(*b, BucketOrigin::kPooled), 1u);

  Status bad = engine.provision(subscriber("bad", "team_pro", t, 0, {{"seats", "many"}}));
  EXPECT_FALSE(bad);
  EXPECT_NE(bad.message().find("seats"), std::string::npos) << bad.message();
  Status unknown = engine.provision(subscriber("bad", "team_pro", t, 0, {{"colour", "red"}}));
  EXPECT_FALSE(unknown);
  EXPECT_NE(unknown.message().find("colour"), std::string::npos) << unknown.message();
  EXPECT_FALSE(engine.provision(subscriber("bad", "team_pro", t, 32, {}))) << "billing day 32";
  EXPECT_EQ(engine.account_count(), 1u);
}

// Rule 1: debits are in allowance units, raw units x weight. token_starter grants at most 50k
// per request; qwen_plus weighs 2, so 50k granted reserves 100k; an unknown model weighs 1.
TEST(EngineAccounts, Rule1DebitsAreWeighted) {
  Engine engine(catalog(kCatalog));
  int64_t t = local(2026, 3, 10, 12, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "token_starter", t)));
  auto plus = engine.reserve("s", {"sess", 1, "llm", "qwen_plus", 80'000, t});
  ASSERT_TRUE(plus);
  EXPECT_EQ(plus->outcome, lang::Outcome::kGranted);
  EXPECT_EQ(plus->grant, 50'000);
  EXPECT_EQ(plus->debit, 100'000);
  auto unknown = engine.reserve("s", {"sess2", 1, "llm", "gpt_x", 10'000, t});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->weight, lang::kFixedScale);
  EXPECT_EQ(unknown->debit, 10'000);
  // 30k used on qwen_plus: 60k allowance units debited, 40k of the reservation released.
  auto c = engine.commit("s", {"sess", 2, "llm", 30'000, t});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->committed, 60'000);
  EXPECT_EQ(c->released, 40'000);
  auto b = engine.balances("s", t);
  EXPECT_EQ(service(*b, "llm").used, 60'000);
}

// Rule 1, rounding: T8's mm_voice weighs 2.5. Reserving 3 tokens holds ceil(7.5) = 8 allowance
// units; 1 token used debits ceil(2.5) = 3 and releases 5. Rounding is per debit, up.
TEST(EngineAccounts, Rule1DebitsRoundUp) {
  Engine engine(catalog("examples/tariffs/t08_all_modality.tariff"));
  int64_t t = local(2026, 3, 10, 12, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "all_modality", t)));
  auto r = engine.reserve("s", {"a", 1, "media", "mm_voice", 3, t});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->grant, 3);
  EXPECT_EQ(r->debit, 8);
  auto c = engine.commit("s", {"a", 2, "media", 1, t});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->committed, 3);
  EXPECT_EQ(c->released, 5);
  EXPECT_EQ(service(*engine.balances("s", t), "media").remaining, 60'000'000 - 3);
}

// Rule 3: remaining = valid buckets - open reservations. 3M allowance, 50k reserved, 20k used.
TEST(EngineAccounts, Rule3RemainingTakesOffReservations) {
  Engine engine(catalog(kCatalog));
  int64_t t = local(2026, 3, 10, 12, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "token_starter", t)));
  ASSERT_TRUE(engine.reserve("s", {"a", 1, "llm", "qwen_turbo", 50'000, t}));
  auto b = engine.balances("s", t);
  EXPECT_EQ(service(*b, "llm").remaining, 2'950'000);
  EXPECT_EQ(service(*b, "llm").reserved, 50'000);
  ASSERT_TRUE(engine.commit("s", {"a", 2, "llm", 20'000, t}));
  b = engine.balances("s", t);
  EXPECT_EQ(service(*b, "llm").remaining, 2'980'000);
  EXPECT_EQ(service(*b, "llm").reserved, 0);
}

Bucket bucket(uint16_t service, BucketOrigin origin, int64_t amount, int64_t from, int64_t until,
              const char* offer) {
  Bucket b;
  b.service = service;
  b.origin = origin;
  b.offer = offer;
  b.amount = amount;
  b.valid_from = from;
  b.valid_until = until;
  return b;
}

// Rule 4, default order: promo first, then soonest expiry, ties rollover, allowance, pack, pooled.
TEST(EngineAccounts, Rule4DefaultOrder) {
  AccountState a;
  a.catalog = catalog(kCatalog);
  a.plan = *a.catalog->plan("token_starter");
  uint16_t llm = *a.catalog->service("llm");
  a.buckets = {
      bucket(llm, BucketOrigin::kPack, 10, 0, 500, "p"),
      bucket(llm, BucketOrigin::kAllowance, 10, 0, 500, "allowance"),
      bucket(llm, BucketOrigin::kRollover, 10, 0, 500, "rollover"),
      bucket(llm, BucketOrigin::kPromo, 10, 0, 900, "promo"),  // latest expiry, still first
      bucket(llm, BucketOrigin::kPack, 10, 0, 400, "early"),   // soonest expiry
      bucket(llm, BucketOrigin::kPack, 10, 0, 50, "gone"),     // not valid at t = 100
      bucket(llm, BucketOrigin::kPack, 0, 0, 500, "empty"),    // nothing to draw
  };
  std::vector<size_t> order = draw_order(a, llm, 100);
  EXPECT_EQ(order, (std::vector<size_t>{3, 4, 2, 1, 0}));
}

// Rule 4 with `order data [rollover, allowance, pack]` (T14): listed origins in that order
// whatever their expiry; a promo, not listed, follows.
TEST(EngineAccounts, Rule4PlanOrder) {
  AccountState a;
  a.catalog = catalog("examples/tariffs/t14_data_rollover_fair_use.tariff");
  a.plan = *a.catalog->plan("data_rollover");
  uint16_t data = *a.catalog->service("data");
  a.buckets = {
      bucket(data, BucketOrigin::kPack, 10, 0, 200, "day_pass"),
      bucket(data, BucketOrigin::kPromo, 10, 0, 150, "promo"),
      bucket(data, BucketOrigin::kAllowance, 10, 0, 900, "allowance"),
      bucket(data, BucketOrigin::kRollover, 10, 0, 950, "rollover"),
  };
  EXPECT_EQ(draw_order(a, data, 100), (std::vector<size_t>{3, 2, 0, 1}));
}

// Rules 4 and 5 through the engine: token_starter's period runs Mar 10 -> Apr 10 (billing day
// 10). A 30-day pack bought on Mar 10 at noon ends Apr 9 noon, before the allowance: it goes
// first. One commit of 420k (beyond its 50k reservation) spans the pack (400k) and the
// allowance (20k).
TEST(EngineAccounts, Rule5OneDebitSpansBuckets) {
  Engine engine(catalog(kCatalog));
  int64_t t = local(2026, 3, 10, 12, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "token_starter", t)));
  ASSERT_TRUE(engine.buy_pack("s", "order", 1, "yuan_400k", t));
  ASSERT_TRUE(engine.reserve("s", {"a", 1, "llm", "qwen_turbo", 50'000, t}));
  auto c = engine.commit("s", {"a", 2, "llm", 420'000, t});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->committed, 420'000);
  EXPECT_EQ(c->overrun, 0);
  auto b = engine.balances("s", t);
  const Bucket* pack = find_bucket(*b, BucketOrigin::kPack, t + 30 * kDay);
  const Bucket* allowance =
      find_bucket(*b, BucketOrigin::kAllowance, local(2026, 4, 10, 0, 0, kCst));
  ASSERT_TRUE(pack && allowance);
  EXPECT_EQ(pack->amount, 0);
  EXPECT_EQ(allowance->amount, 2'980'000);

  // Bought on Mar 15, the pack ends Apr 14, after the allowance: the allowance goes first.
  int64_t later = local(2026, 3, 15, 12, 0, kCst);
  ASSERT_TRUE(engine.buy_pack("s", "order", 2, "yuan_400k", later));
  ASSERT_TRUE(engine.commit("s", {"b", 1, "llm", 10'000, later}));
  b = engine.balances("s", later);
  EXPECT_EQ(find_bucket(*b, BucketOrigin::kPack, later + 30 * kDay)->amount, 400'000);
  EXPECT_EQ(find_bucket(*b, BucketOrigin::kAllowance, local(2026, 4, 10, 0, 0, kCst))->amount,
            2'970'000);
}

TEST(EngineAccounts, BadRequestsAreClearErrors) {
  Engine engine(catalog(kCatalog));
  int64_t t = local(2026, 3, 10, 12, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "token_starter", t)));
  auto unknown_account = engine.reserve("nobody", {"a", 1, "llm", "", 1, t});
  ASSERT_FALSE(unknown_account);
  EXPECT_EQ(unknown_account.status().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(engine.reserve("s", {"a", 1, "video", "", 1, t}));
  EXPECT_FALSE(engine.reserve("s", {"a", 1, "llm", "", -5, t}));
  EXPECT_FALSE(engine.commit("s", {"a", 1, "llm", -5, t}));
  EXPECT_FALSE(engine.buy_pack("s", "o", 1, "no_such_pack", t));
  // Times before 1970, or so far ahead that renewal would replay thousands of years, are refused.
  EXPECT_FALSE(engine.reserve("s", {"a", 1, "llm", "", 1, -1}));
  EXPECT_FALSE(engine.balances("s", t + int64_t{200} * 366 * kDay));
  EXPECT_FALSE(engine.provision(subscriber("z", "token_starter", -5)));
  // A service the plan does not rate: answered, not an error (5030 on the wire).
  auto no_rule = engine.reserve("s", {"a", 1, "data", "", 1, t});
  ASSERT_TRUE(no_rule);
  EXPECT_EQ(no_rule->outcome, lang::Outcome::kNoRule);
  EXPECT_EQ(service(*engine.balances("s", t), "llm").remaining, 3'000'000);
}

}  // namespace
}  // namespace gyrate::engine
