// Engine::explain: it tells what reserve() then does (same answer, on tariffs that cut the grant
// by each limiter), it changes nothing, and it refuses what reserve refuses.
#include <gtest/gtest.h>

#include <numeric>

#include "engine_test_support.hpp"
#include "gyrate/engine/explain.hpp"

namespace gyrate::engine {
namespace {

using namespace testing;

ReserveRequest request(std::string session, uint32_t number, std::string service,
                       int64_t requested, int64_t t, std::string model = {}) {
  ReserveRequest r;
  r.session = std::move(session);
  r.number = number;
  r.service = std::move(service);
  r.model = std::move(model);
  r.requested = requested;
  r.time = t;
  return r;
}

bool mentions(const Explanation& e, const std::string& text) {
  for (const std::string& r : e.reasons) {
    if (r.find(text) != std::string::npos) return true;
  }
  return false;
}

// Explains the request, then reserves it: the answer must be the explained one.
Explanation explain_then_reserve(Engine& engine, const std::string& id, const ReserveRequest& r) {
  Expected<Explanation> e = engine.explain(id, r);
  EXPECT_TRUE(e) << e.status().to_string();
  if (!e) return {};
  Expected<Answer> a = engine.reserve(id, r);
  EXPECT_TRUE(a) << a.status().to_string();
  if (!a) return *e;
  const Answer& x = e->answer;
  EXPECT_EQ(x.outcome, a->outcome);
  EXPECT_EQ(x.limiter, a->limiter);
  EXPECT_EQ(x.grant, a->grant);
  EXPECT_EQ(x.debit, a->debit);
  EXPECT_EQ(x.weight, a->weight);
  EXPECT_EQ(x.validity_seconds, a->validity_seconds);
  EXPECT_EQ(x.final_units, a->final_units);
  EXPECT_EQ(x.has_final_action, a->has_final_action);
  if (x.has_final_action) {
    EXPECT_EQ(x.final_action, a->final_action);
  }
  // The buckets give at most the debit, in draw order; all of it when they hold enough.
  int64_t given = 0;
  for (const ExplainedBucket& b : e->buckets) given += b.gives;
  EXPECT_EQ(given, std::min(x.debit, std::max<int64_t>(
                                         std::accumulate(e->buckets.begin(), e->buckets.end(),
                                                         int64_t{0},
                                                         [](int64_t s, const ExplainedBucket& b) {
                                                           return s + b.amount;
                                                         }),
                                         0)));
  EXPECT_FALSE(e->reasons.empty());
  return *e;
}

// T2 (5M a month, terminate): 6M asked, the balance cuts it to 5M, final units then terminate.
TEST(EngineExplain, BalanceCutsTheGrantOnT2) {
  Engine engine(catalog("examples/tariffs/t02_monthly_cap.tariff"));
  int64_t t = local(2026, 3, 10, 9, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "monthly_cap", t)));
  Explanation e = explain_then_reserve(engine, "s", request("a", 1, "llm", 6'000'000, t));
  EXPECT_EQ(e.plan, "monthly_cap");
  EXPECT_EQ(e.unit, "token");
  EXPECT_EQ(e.answer.grant, 5'000'000);
  EXPECT_EQ(e.answer.limiter, lang::Limiter::kBalance);
  EXPECT_EQ(e.remaining, 5'000'000);
  EXPECT_EQ(e.period_allowance, 5'000'000);
  EXPECT_EQ(e.final_action, "terminate");
  ASSERT_EQ(e.buckets.size(), 1u);
  EXPECT_EQ(e.buckets[0].offer, "allowance");
  EXPECT_EQ(e.buckets[0].gives, 5'000'000);
  EXPECT_TRUE(mentions(e, "balance: 5000000 allowance units left"));
  EXPECT_TRUE(mentions(e, "it cut the grant"));
  EXPECT_TRUE(mentions(e, "final units: then terminate"));
}

// T1 (packs only, grant = min(requested, 50k), redirect when empty): before a pack nothing is
// granted (balance, redirect); after a 400k pack, 80k asked gets the rule's 50k.
TEST(EngineExplain, RuleAndEmptyBalanceOnT1) {
  Engine engine(catalog("examples/tariffs/t01_token_pack.tariff"));
  int64_t t = local(2026, 1, 10, 10, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "token_pack", t)));
  Explanation empty = explain_then_reserve(engine, "s", request("a", 1, "llm", 80'000, t));
  EXPECT_EQ(empty.answer.outcome, lang::Outcome::kExhausted);
  EXPECT_EQ(empty.final_action, "redirect https://topup.example.cn/tokens");
  EXPECT_TRUE(mentions(empty, "nothing left: this refuses the request"));

  ASSERT_TRUE(engine.buy_pack("s", "o", 1, "yuan_400k", t + 60));
  Explanation e = explain_then_reserve(engine, "s", request("a", 2, "llm", 80'000, t + 120));
  EXPECT_EQ(e.answer.grant, 50'000);
  EXPECT_EQ(e.answer.limiter, lang::Limiter::kRule);
  EXPECT_EQ(e.rule_grant, 50'000);
  EXPECT_EQ(e.answer.validity_seconds, 1800);
  ASSERT_EQ(e.buckets.size(), 1u);
  EXPECT_EQ(e.buckets[0].origin, BucketOrigin::kPack);
  EXPECT_EQ(e.buckets[0].offer, "yuan_400k");
  EXPECT_EQ(e.buckets[0].gives, 50'000);
  EXPECT_TRUE(mentions(e, "the rule's amount is granted"));
  // Nothing asked: T1's grant rule reads `requested` (0), so the 20k quota does not apply and
  // nothing is granted; explain shows both.
  Explanation q = explain_then_reserve(engine, "s", request("b", 1, "llm", 0, t + 180));
  EXPECT_EQ(q.quota, 20'000);
  EXPECT_EQ(q.rule_grant, 0);
  EXPECT_EQ(q.answer.grant, 0);
  EXPECT_TRUE(mentions(q, "nothing requested: the service's quota is 20000 token; the grant rule "
                          "asks for 0 token"));
}

// T13: premium_out weighs 24 and its grant rule is min(requested, 20k): 100k asked gets 20k, a
// debit of 480k allowance units. An unknown model rates as none (weight 1).
TEST(EngineExplain, ModelWeightOnT13) {
  Engine engine(catalog("examples/tariffs/t13_premium_models.tariff"));
  int64_t t = local(2026, 2, 3, 12, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "premium_access", t)));
  Explanation e =
      explain_then_reserve(engine, "s", request("a", 1, "llm", 100'000, t, "premium_out"));
  EXPECT_TRUE(e.model_known);
  EXPECT_EQ(e.weight, 24 * lang::kFixedScale);
  EXPECT_EQ(e.answer.grant, 20'000);
  EXPECT_EQ(e.answer.debit, 480'000);
  EXPECT_TRUE(mentions(e, "model premium_out weighs 24.0"));
  EXPECT_TRUE(mentions(e, "debit ceil(20000 x 24.0) = 480000"));
  Explanation u = explain_then_reserve(engine, "s", request("b", 1, "llm", 1'000, t, "nope"));
  EXPECT_FALSE(u.model_known);
  EXPECT_EQ(u.answer.debit, 1'000);
  EXPECT_TRUE(mentions(u, "rates as no model"));
}

// T12 (3M allowance, charge at 2 CNY per 1M, spend cap 30 CNY): 100M asked is cut to the 3M the
// buckets hold plus the 15M that 30 CNY buys = 18M, limiter spend cap.
TEST(EngineExplain, SpendCapCutsAChargedGrantOnT12) {
  Engine engine(catalog("examples/tariffs/t12_effective_price.tariff"));
  int64_t t = local(2026, 5, 2, 9, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "effective_price", t)));
  Explanation e = explain_then_reserve(engine, "s", request("a", 1, "llm", 100'000'000, t));
  EXPECT_TRUE(e.charge);
  EXPECT_EQ(e.overage_price, 2 * kCny);
  EXPECT_EQ(e.overage_block, 1'000'000);
  EXPECT_EQ(e.currency, "CNY");
  ASSERT_TRUE(e.spend_cap);
  EXPECT_EQ(*e.spend_cap, 30 * kCny);
  EXPECT_EQ(e.answer.grant, 18'000'000);
  EXPECT_EQ(e.answer.limiter, lang::Limiter::kSpendCap);
  EXPECT_TRUE(mentions(e, "sold at 2.0 CNY per 1000000 token (charge)"));
  EXPECT_TRUE(mentions(e, "spend cap 30.0 CNY"));
}

// T14 (40 GiB, charge at 5 EUR per GiB at noon, spend cap 50 EUR, fair-use cap 100 GiB then
// restrict): 120 GiB asked is cut by the spend cap to 40 GiB + 50 EUR / 5 EUR per GiB = 50 GiB,
// then bill-shock redirect. Once 100 GiB are used (reported without a reservation: still
// debited and priced), the usage cap refuses the next request with restrict.
TEST(EngineExplain, SpendCapThenUsageCapOnT14) {
  Engine engine(catalog("examples/tariffs/t14_data_rollover_fair_use.tariff"));
  int64_t noon = local(2026, 1, 10, 12, 0, kCet);
  ASSERT_TRUE(engine.provision(subscriber("s", "data_rollover", noon)));
  Expected<Explanation> e = engine.explain("s", request("a", 1, "data", 120 * kGiB, noon));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->answer.grant, 50 * kGiB);
  EXPECT_EQ(e->answer.limiter, lang::Limiter::kSpendCap);
  EXPECT_EQ(e->final_action, "redirect https://care.example.eu/bill-shock");
  ASSERT_TRUE(e->usage_cap);
  EXPECT_EQ(*e->usage_cap, 100 * kGiB);

  ASSERT_TRUE(engine.commit("s", {"u", 1, "data", 100 * kGiB, noon + 60}));
  Explanation capped = explain_then_reserve(engine, "s", request("a", 2, "data", kGiB, noon + 120));
  EXPECT_EQ(capped.used, 100 * kGiB);
  EXPECT_EQ(capped.answer.outcome, lang::Outcome::kExhausted);
  EXPECT_EQ(capped.answer.limiter, lang::Limiter::kUsageCap);
  EXPECT_EQ(capped.final_action, "restrict fair-use-1mbps");
  EXPECT_TRUE(mentions(capped, "usage cap 107374182400, 107374182400 used this period"));
}

// T4: the trial rates llm only for segment "opc": a retail subscriber is not eligible.
TEST(EngineExplain, NotEligibleOnT4) {
  Engine engine(catalog("examples/tariffs/t04_trial_quota.tariff"));
  int64_t t = local(2026, 4, 1, 9, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "opc_trial", t)));
  Explanation e = explain_then_reserve(engine, "s", request("a", 1, "llm", 1'000, t));
  EXPECT_EQ(e.answer.outcome, lang::Outcome::kNotEligible);
  EXPECT_TRUE(mentions(e, "eligibility rule of plan opc_trial for llm is false"));
}

// T6 (a team of 2 seats: a 40M pool, 25M per member): a member asking 30M of qwen_turbo is cut
// by its per-member cap, and explain names the team and the member's own use.
TEST(EngineExplain, MemberCapOnT6) {
  Engine engine(catalog("examples/tariffs/t06_team_plan.tariff"));
  int64_t t = local(2026, 3, 1, 9, 0, kCst);
  ProvisionSpec team = subscriber("acme", "team", t, 0, {{"seats", "2"}});
  ProvisionSpec m1 = subscriber("m1", "", t);
  m1.team = "acme";
  ASSERT_TRUE(engine.provision_all({team, m1}));
  ASSERT_TRUE(engine.reserve("m1", request("a", 1, "llm", 1'000'000, t, "qwen_turbo")));
  ASSERT_TRUE(engine.commit("m1", {"a", 2, "llm", 1'000'000, t + 60}));
  Explanation e =
      explain_then_reserve(engine, "m1", request("b", 1, "llm", 30'000'000, t + 120, "qwen_turbo"));
  EXPECT_EQ(e.account, "m1");
  EXPECT_EQ(e.team, "acme");
  EXPECT_EQ(e.remaining, 39'000'000);
  EXPECT_EQ(e.member_used, 1'000'000);
  ASSERT_TRUE(e.member_cap);
  EXPECT_EQ(*e.member_cap, 25'000'000);
  EXPECT_EQ(e.answer.grant, 24'000'000);
  EXPECT_EQ(e.answer.limiter, lang::Limiter::kMemberCap);
  ASSERT_EQ(e.buckets.size(), 1u);
  EXPECT_EQ(e.buckets[0].origin, BucketOrigin::kPooled);
  EXPECT_TRUE(mentions(e, "per-member cap 25000000, 1000000 used or held by this member"));
  // The team's own id is refused, as reserve refuses it.
  Expected<Explanation> by_team = engine.explain("acme", request("c", 1, "llm", 1, t + 180));
  ASSERT_FALSE(by_team);
  EXPECT_EQ(by_team.status().code(), ErrorCode::kFailedPrecondition);
}

// A request window of 3 per minute: the fourth request in the minute is refused (4012) with a
// Validity-Time until the window has room, and explain says so before reserve does it.
TEST(EngineExplain, FullRequestWindow) {
  Engine engine(catalog("tests/engine/tariffs/requests_per_minute.tariff"));
  int64_t t = local(2026, 6, 1, 8, 0, 0);
  ASSERT_TRUE(engine.provision(subscriber("s", "api_basic", t)));
  for (uint32_t i = 1; i <= 3; ++i) {
    Explanation ok = explain_then_reserve(engine, "s", request("a", i, "llm", 100, t + i));
    EXPECT_EQ(ok.answer.outcome, lang::Outcome::kGranted);
    ASSERT_EQ(ok.windows.size(), 1u);
    EXPECT_EQ(ok.windows[0].counted, i - 1);
  }
  Explanation full = explain_then_reserve(engine, "s", request("a", 4, "llm", 100, t + 4));
  EXPECT_EQ(full.answer.outcome, lang::Outcome::kExhausted);
  EXPECT_EQ(full.answer.limiter, lang::Limiter::kWindow);
  EXPECT_TRUE(full.windows[0].counts_requests);
  EXPECT_EQ(full.windows[0].counted, 3);
  EXPECT_TRUE(mentions(full, "window 0 (60 s): 3 of 3 requests"));
  EXPECT_TRUE(mentions(full, "the window has room again in"));
}

// Explain changes nothing: not the balances, not the revision, not the period (even asked a
// month ahead, which renews its copy), and the same request reserved afterwards is fresh.
TEST(EngineExplain, ChangesNothing) {
  Engine engine(catalog("examples/tariffs/t02_monthly_cap.tariff"));
  int64_t t = local(2026, 3, 10, 9, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "monthly_cap", t)));
  ASSERT_TRUE(engine.reserve("s", request("a", 1, "llm", 1'000'000, t)));
  ASSERT_TRUE(engine.commit("s", {"a", 2, "llm", 1'000'000, t + 60}));
  Balances before = *engine.balances("s", t + 60);

  Expected<Explanation> ahead = engine.explain("s", request("b", 1, "llm", 1'000, t + 40 * kDay));
  ASSERT_TRUE(ahead);
  EXPECT_EQ(ahead->remaining, 5'000'000);  // the copy renewed into the next period
  EXPECT_EQ(ahead->used, 0);
  Expected<Explanation> now = engine.explain("s", request("b", 1, "llm", 1'000, t + 60));
  ASSERT_TRUE(now);
  EXPECT_EQ(now->remaining, 4'000'000);

  Balances after = *engine.balances("s", t + 60);
  EXPECT_EQ(after.revision, before.revision);
  EXPECT_EQ(after.period.start, before.period.start);
  EXPECT_EQ(service(after, "llm").remaining, 4'000'000);
  EXPECT_EQ(service(after, "llm").used, 1'000'000);
  EXPECT_EQ(after.open_reservations, 0u);
  EXPECT_EQ(after.buckets.size(), before.buckets.size());
  Expected<Answer> r = engine.reserve("s", request("b", 1, "llm", 1'000, t + 60));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ(r->grant, 1'000);
}

// A repeat of an answered (session, number) is explained as the stored answer.
TEST(EngineExplain, RepeatShowsTheStoredAnswer) {
  Engine engine(catalog("examples/tariffs/t02_monthly_cap.tariff"));
  int64_t t = local(2026, 3, 10, 9, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "monthly_cap", t)));
  Expected<Answer> first = engine.reserve("s", request("a", 1, "llm", 7'000, t));
  ASSERT_TRUE(first);
  Expected<Explanation> e = engine.explain("s", request("a", 1, "llm", 9'000'000, t + 5));
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->duplicate);
  EXPECT_TRUE(e->answer.duplicate);
  EXPECT_EQ(e->answer.grant, 7'000);
  EXPECT_TRUE(mentions(*e, "was answered already"));
}

TEST(EngineExplain, RefusesWhatReserveRefuses) {
  Engine engine(catalog("examples/tariffs/t02_monthly_cap.tariff"));
  int64_t t = local(2026, 3, 10, 9, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "monthly_cap", t)));
  Expected<Explanation> unknown = engine.explain("nobody", request("a", 1, "llm", 1, t));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.status().code(), ErrorCode::kNotFound);
  Expected<Explanation> service = engine.explain("s", request("a", 1, "video", 1, t));
  ASSERT_FALSE(service);
  EXPECT_EQ(service.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(service.status().message().find("unknown service 'video'"), std::string::npos);
  Expected<Explanation> negative = engine.explain("s", request("a", 1, "llm", -5, t));
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.status().code(), ErrorCode::kInvalidArgument);
}

// The text for people and the JSON for tools (a quote in a name is escaped).
TEST(EngineExplain, TextAndJson) {
  Engine engine(catalog("examples/tariffs/t13_premium_models.tariff"));
  int64_t t = local(2026, 2, 3, 12, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "premium_access", t)));
  Expected<Explanation> e = engine.explain("s", request("a", 1, "llm", 5'000, t, "odd\"name"));
  ASSERT_TRUE(e);
  std::string text = to_text(*e);
  EXPECT_NE(text.find("s: reserve llm 5000 token, model odd\"name (unknown)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("plan     premium_access v1"), std::string::npos) << text;
  EXPECT_NE(text.find("answer   granted 5000 token, debit 5000 allowance units"), std::string::npos)
      << text;
  EXPECT_NE(text.find("limit    requested -- 5000 token: as requested"), std::string::npos) << text;
  EXPECT_NE(text.find("buckets in draw order:\n  1.  allowance  allowance  40000000  until "
                      "2026-03-03 00:00  gives 5000\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("why:\n  - requested 5000 token"), std::string::npos) << text;
  std::string json = to_json(*e);
  EXPECT_EQ(json.front(), '{');
  EXPECT_EQ(json.back(), '}');
  EXPECT_NE(json.find("\"model\":\"odd\\\"name\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"answer\":{\"outcome\":\"granted\",\"limiter\":\"rule\",\"grant\":5000"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"spend_cap\":null"), std::string::npos) << json;
}

}  // namespace
}  // namespace gyrate::engine
