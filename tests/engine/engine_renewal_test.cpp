// Lazy renewal: boundaries applied in order on the next touch (rule 6), what a boundary does
// (rule 7), rollover (rule 8), fees (rule 9), pack validity (rule 10) and promos (rule 11).
#include <gtest/gtest.h>

#include "engine_test_support.hpp"

namespace gyrate::engine {
namespace {

using namespace testing;

constexpr const char* kT14 = "examples/tariffs/t14_data_rollover_fair_use.tariff";

// Rules 6-8 on T14 (+01:00, billing day 10): fee 25 EUR, 40 GiB a month, rollover up to 10 GiB
// for 2 periods. Activated Jan 10 09:00; 35 GiB used in period 0.
//  - Feb 10 00:00: fee (50 EUR in all), 40 GiB renewed, used reset, 5 GiB unused rolls over into
//    a bucket living to the end of the period after next: Feb 10 -> Apr 10.
//  - Mar 10: 40 GiB unused, capped at 10 GiB, lives Mar 10 -> May 10. The 5 GiB rollover is not
//    carried again (only allowance rolls over) and stays valid: 40 + 5 + 10 = 55 GiB.
//  - Apr 10: the 5 GiB bucket expires; 10 GiB more rolls over: 40 + 10 + 10 = 60 GiB.
TEST(EngineRenewal, Rule8RolloverCarriesUnusedAllowanceUpToTheCap) {
  Engine engine(catalog(kT14));
  int64_t t0 = local(2026, 1, 10, 9, 0, kCet);
  ASSERT_TRUE(engine.provision(subscriber("s", "data_rollover", t0)));
  ASSERT_TRUE(engine.commit("s", {"sess", 1, "data", 35 * kGiB, local(2026, 1, 20, 12, 0, kCet)}));

  int64_t feb10 = local(2026, 2, 10, 0, 0, kCet);
  auto b = engine.balances("s", feb10);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->period.index, 1);
  EXPECT_EQ(b->period.start, feb10);
  EXPECT_EQ(b->fees_charged, 50 * kEur);
  EXPECT_EQ(service(*b, "data").used, 0);
  const Bucket* r1 = find_bucket(*b, BucketOrigin::kRollover, local(2026, 4, 10, 0, 0, kCet));
  ASSERT_NE(r1, nullptr);
  EXPECT_EQ(r1->amount, 5 * kGiB);
  EXPECT_EQ(r1->valid_from, feb10);
  EXPECT_EQ(service(*b, "data").remaining, 45 * kGiB);

  b = engine.balances("s", local(2026, 3, 10, 1, 0, kCet));
  EXPECT_EQ(b->fees_charged, 75 * kEur);
  ASSERT_NE(find_bucket(*b, BucketOrigin::kRollover, local(2026, 5, 10, 0, 0, kCet)), nullptr);
  EXPECT_EQ(find_bucket(*b, BucketOrigin::kRollover, local(2026, 5, 10, 0, 0, kCet))->amount,
            10 * kGiB);
  EXPECT_EQ(service(*b, "data").remaining, 55 * kGiB);

  b = engine.balances("s", local(2026, 4, 10, 0, 0, kCet));
  EXPECT_EQ(find_bucket(*b, BucketOrigin::kRollover, local(2026, 4, 10, 0, 0, kCet)), nullptr);
  EXPECT_EQ(count_origin(*b, BucketOrigin::kRollover), 2u);
  EXPECT_EQ(service(*b, "data").remaining, 60 * kGiB);
}

// Rule 7: at a boundary counters and spend reset, the allowance renews in full whatever was
// used, and expired buckets (a day pass bought in period 0) go.
TEST(EngineRenewal, Rule7BoundaryResetsCountersAndDropsExpiredBuckets) {
  Engine engine(catalog(kT14));
  int64_t t0 = local(2026, 1, 10, 9, 0, kCet);
  ASSERT_TRUE(engine.provision(subscriber("s", "data_rollover", t0)));
  int64_t jan31 = local(2026, 1, 31, 12, 0, kCet);
  ASSERT_TRUE(engine.buy_pack("s", "o", 1, "day_pass", jan31));
  ASSERT_TRUE(engine.commit("s", {"sess", 1, "data", 45 * kGiB, jan31}));
  auto b = engine.balances("s", jan31);
  EXPECT_EQ(b->spend, 3 * kEur);  // rule 10: a pack's price is spend
  EXPECT_EQ(service(*b, "data").used, 45 * kGiB);
  EXPECT_EQ(service(*b, "data").remaining, 0);  // 40 GiB allowance + 5 GiB pass, all used

  b = engine.balances("s", local(2026, 2, 10, 0, 0, kCet));
  EXPECT_EQ(b->spend, 0);
  EXPECT_EQ(service(*b, "data").used, 0);
  EXPECT_EQ(count_origin(*b, BucketOrigin::kPack), 0u);
  EXPECT_EQ(count_origin(*b, BucketOrigin::kRollover), 0u);  // nothing unused to carry
  EXPECT_EQ(service(*b, "data").remaining, 40 * kGiB);
}

// Rules 6 and 9: T10 charges 8.91 CNY in the first period, then 40 CNY. Activated 2026-01-05
// (billing day 5), silent until 2027-03-06: boundaries Feb 5 2026 .. Mar 5 2027 are 14, each
// applied once, in order: 8.91 + 14 x 40 = 568.91 CNY, period index 14, a fresh allowance.
TEST(EngineRenewal, Rule6SilentFourteenMonthsCatchUp) {
  Engine engine(catalog("examples/tariffs/t10_first_month_promo.tariff"));
  int64_t t0 = local(2026, 1, 5, 10, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "coding_lite", t0)));
  auto first = engine.balances("s", t0);
  EXPECT_EQ(first->last_fee, 8'910'000);
  ASSERT_TRUE(engine.commit("s", {"sess", 1, "code", 100, t0}));

  int64_t later = local(2027, 3, 6, 10, 0, kCst);
  auto b = engine.balances("s", later);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->period.index, 14);
  EXPECT_EQ(b->period.start, local(2027, 3, 5, 0, 0, kCst));
  EXPECT_EQ(b->fees_charged, 568'910'000);
  EXPECT_EQ(b->last_fee, 40 * kCny);
  EXPECT_EQ(service(*b, "code").used, 0);
  EXPECT_EQ(service(*b, "code").remaining, 18'000);
  EXPECT_EQ(b->buckets.size(), 1u);
  // A second look at the same time applies nothing again.
  EXPECT_EQ(engine.balances("s", later)->fees_charged, 568'910'000);
}

// Rule 10: a pack with `valid 30 days` lives 30 days from its purchase, across the period end
// (T1); one without `valid` lives to the end of the period it was bought in (T2).
TEST(EngineRenewal, Rule10PackValidity) {
  Engine t1(catalog("examples/tariffs/t01_token_pack.tariff"));
  int64_t feb1 = local(2026, 2, 1, 12, 0, kCst);
  ASSERT_TRUE(t1.provision(subscriber("s", "token_pack", local(2026, 1, 10, 9, 0, kCst))));
  auto bought = t1.buy_pack("s", "o", 1, "yuan_400k", feb1);
  ASSERT_TRUE(bought);
  EXPECT_EQ(bought->charged, 1 * kCny);
  auto b = t1.balances("s", local(2026, 2, 20, 0, 0, kCst));  // after the Feb 10 boundary
  ASSERT_NE(find_bucket(*b, BucketOrigin::kPack, feb1 + 30 * kDay), nullptr);
  EXPECT_EQ(service(*b, "llm").remaining, 400'000);
  b = t1.balances("s", feb1 + 30 * kDay);
  EXPECT_EQ(service(*b, "llm").remaining, 0);

  Engine t2(catalog("examples/tariffs/t02_monthly_cap.tariff"));
  ASSERT_TRUE(t2.provision(subscriber("s", "monthly_cap", local(2026, 1, 10, 9, 0, kCst))));
  int64_t feb20 = local(2026, 2, 20, 12, 0, kCst);  // in the period Feb 10 -> Mar 10
  ASSERT_TRUE(t2.buy_pack("s", "o", 1, "extra_1m", feb20));
  b = t2.balances("s", feb20);
  EXPECT_EQ(b->spend, 3 * kCny);
  ASSERT_NE(find_bucket(*b, BucketOrigin::kPack, local(2026, 3, 10, 0, 0, kCst)), nullptr);
  EXPECT_EQ(service(*b, "llm").remaining, 6'000'000);
  b = t2.balances("s", local(2026, 3, 10, 0, 0, kCst));
  EXPECT_EQ(count_origin(*b, BucketOrigin::kPack), 0u);
  EXPECT_EQ(service(*b, "llm").remaining, 5'000'000);
}

// Rule 11 on T4: the 30M promo for segment opc in Shanghai, valid 90 days from the grant, is
// granted once: provisioning the same subscription again, or a new subscription for the id,
// does not grant it again (the bucket already given stays).
TEST(EngineRenewal, Rule11PromoGrantedOnce) {
  Engine engine(catalog("examples/tariffs/t04_trial_quota.tariff"));
  int64_t t0 = local(2026, 3, 1, 9, 0, kCst);
  ProvisionSpec spec = subscriber("s", "opc_trial", t0, 0, {{"segment", "opc"}, {"region", "shanghai"}});
  ASSERT_TRUE(engine.provision(spec));
  auto b = engine.balances("s", t0);
  ASSERT_NE(find_bucket(*b, BucketOrigin::kPromo, t0 + 90 * kDay), nullptr);
  EXPECT_EQ(service(*b, "llm").remaining, 30'000'000);
  ASSERT_TRUE(engine.provision(spec));
  spec.activation = t0 + 10 * kDay;
  ASSERT_TRUE(engine.provision(spec));
  b = engine.balances("s", t0 + 10 * kDay);
  EXPECT_EQ(count_origin(*b, BucketOrigin::kPromo), 1u);
  EXPECT_EQ(service(*b, "llm").remaining, 30'000'000);
  EXPECT_EQ(b->promos_granted, std::vector<std::string>{"opc_30m"});
}

// Rule 11, later start: in the catalog's annual opc_trial the promo needs region shanghai. A
// subscriber who moves there mid-year gets it at the next period start, not before.
TEST(EngineRenewal, Rule11PromoAtTheFirstPeriodStartWhereItHolds) {
  Engine engine(catalog("examples/catalog.tariff"));
  int64_t t0 = local(2026, 3, 1, 9, 0, kCst);
  ProvisionSpec spec = subscriber("s", "opc_trial", t0, 0, {{"segment", "opc"}, {"region", "beijing"}});
  ASSERT_TRUE(engine.provision(spec));
  spec.attributes[1].second = "shanghai";
  ASSERT_TRUE(engine.provision(spec));  // same subscription: attributes only
  EXPECT_EQ(count_origin(*engine.balances("s", t0 + kDay), BucketOrigin::kPromo), 0u);
  int64_t year = local(2027, 3, 1, 0, 0, kCst);
  auto b = engine.balances("s", year);
  ASSERT_NE(find_bucket(*b, BucketOrigin::kPromo, year + 90 * kDay), nullptr);
  EXPECT_EQ(b->period.index, 1);
}

}  // namespace
}  // namespace gyrate::engine
