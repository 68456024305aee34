// Engine::explain's rules fired (which rule gave each value, located at FILE:LINE in the tariff),
// the limit in one word, and the grant's cost: on the example tariffs, read from their sources.
#include <gtest/gtest.h>

#include "engine_test_support.hpp"
#include "gyrate/engine/explain.hpp"

namespace gyrate::engine {
namespace {

using namespace testing;

const std::string kT13 = "examples/tariffs/t13_premium_models.tariff";

ReserveRequest ask(const std::string& service, int64_t requested, int64_t t,
                   const std::string& model = {}) {
  ReserveRequest r;
  r.session = "a";
  r.number = 1;
  r.service = service;
  r.model = model;
  r.requested = requested;
  r.time = t;
  return r;
}

// The explanation with its rules located in the tariff's own source.
Explanation located(Engine& engine, const std::string& tariff, const ReserveRequest& r) {
  Expected<Explanation> e = engine.explain("s", r);
  EXPECT_TRUE(e) << e.status().to_string();
  if (!e) return {};
  Expected<lang::SourceFile> source =
      lang::read_source_file(std::string(GYRATE_SOURCE_DIR) + "/" + tariff, 1 << 20);
  EXPECT_TRUE(source);
  if (source) locate(*e, *source);
  return *e;
}

const FiredRule* rule(const Explanation& e, const std::string& role) {
  for (const FiredRule& r : e.rules) {
    if (r.role == role) return &r;
  }
  return nullptr;
}

// At 03:00 premium input weighs 6 by the night rule (line 17), not its model's 8; the grant
// rule for premium models (line 18) gives 20k of the 50k asked: the grant rule limits.
TEST(EngineExplainRules, NightWeightRuleAndPremiumGrantOnT13) {
  Engine engine(catalog(kT13));
  int64_t t = local(2026, 3, 3, 3, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "premium_access", t)));
  Explanation e = located(engine, kT13, ask("llm", 50'000, t, "premium_in"));
  EXPECT_EQ(e.source, std::string(GYRATE_SOURCE_DIR) + "/" + kT13);
  const FiredRule* w = rule(e, "weight");
  ASSERT_NE(w, nullptr);
  EXPECT_TRUE(w->matched);
  EXPECT_EQ(w->origin, "rule");
  EXPECT_EQ(w->value, 6 * lang::kFixedScale);
  EXPECT_EQ(w->value_text, "6.0");
  EXPECT_EQ(w->line, 17u);
  EXPECT_EQ(w->text, "weight llm = 6 when model == premium_in and hour in 1..6;");
  const FiredRule* g = rule(e, "grant");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->line, 18u);
  EXPECT_EQ(g->value_text, "20000 token");
  EXPECT_EQ(e.answer.grant, 20'000);
  EXPECT_EQ(e.limited_by, "grant_rule");
  EXPECT_EQ(e.limit, "20000 token: the grant rule gives 20000 token of the 50000 token requested");
  ASSERT_GE(e.limit_rule, 0);
  EXPECT_EQ(e.rules[static_cast<size_t>(e.limit_rule)].role, "grant");
  const FiredRule* action = rule(e, "exhaust_action");
  ASSERT_NE(action, nullptr);
  EXPECT_EQ(action->value_text, "redirect https://ai.example.cn/premium-topup");
  EXPECT_EQ(action->line, 20u);
  std::string text = to_text(e);
  EXPECT_NE(text.find("rules fired:\n"), std::string::npos) << text;
  EXPECT_NE(text.find(kT13 + ":17  weight"), std::string::npos) << text;
  EXPECT_NE(text.find("limit    grant_rule -- 20000 token: the grant rule gives"), std::string::npos)
      << text;
}

// By day premium output takes its model's declared weight (the model's line, 11); a request
// with no model falls through the model weights to the default 1, which no line states; basic
// chat under 100k is limited by the request itself.
TEST(EngineExplainRules, ModelWeightsAndTheDefault) {
  Engine engine(catalog(kT13));
  int64_t t = local(2026, 3, 3, 12, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "premium_access", t)));
  Explanation out = located(engine, kT13, ask("llm", 1'000, t, "premium_out"));
  const FiredRule* w = rule(out, "weight");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->origin, "model");
  EXPECT_EQ(w->line, 11u);
  EXPECT_EQ(w->value, 24 * lang::kFixedScale);

  Explanation none = located(engine, kT13, ask("llm", 1'000, t));
  w = rule(none, "weight");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->origin, "default");
  EXPECT_EQ(w->line, 0u);
  EXPECT_EQ(w->value, lang::kFixedScale);
  EXPECT_EQ(none.limited_by, "requested");
  const FiredRule* g = rule(none, "grant");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->line, 19u);  // the unconditional grant rule, after the premium one
}

// Without a request the quota limits; a source of another name locates nothing.
TEST(EngineExplainRules, QuotaAndLocateOnlyItsOwnSource) {
  Engine engine(catalog("examples/tariffs/t02_monthly_cap.tariff"));
  int64_t t = local(2026, 3, 10, 9, 0, kCst);
  ASSERT_TRUE(engine.provision(subscriber("s", "monthly_cap", t)));
  Expected<Explanation> e = engine.explain("s", ask("llm", 0, t));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->limited_by, "quota");
  EXPECT_EQ(e->answer.grant, e->quota);
  const FiredRule* threshold = rule(*e, "threshold");
  ASSERT_NE(threshold, nullptr);
  EXPECT_EQ(threshold->value_text, "20.0% of the grant");
  locate(*e, lang::SourceFile("other.tariff", "threshold llm = 20%;\n"));
  EXPECT_EQ(threshold->line, 0u);
  EXPECT_TRUE(threshold->text.empty());
  EXPECT_GT(threshold->range.end, threshold->range.begin);
}

// T14 by night: the time-of-day overage rule (line 15) prices usage beyond the buckets at
// 2 EUR per GiB; with the allowance used up, 2 GiB cost 4 EUR.
TEST(EngineExplainRules, TimeOfDayOveragePriceAndCostOnT14) {
  const std::string t14 = "examples/tariffs/t14_data_rollover_fair_use.tariff";
  Engine engine(catalog(t14));
  int64_t t = local(2026, 5, 1, 2, 30, 60);
  ASSERT_TRUE(engine.provision(subscriber("s", "data_rollover", t)));
  constexpr int64_t kGiB = int64_t{1} << 30;
  ReserveRequest used = ask("data", 40 * kGiB, t);
  used.session = "u";
  ASSERT_TRUE(engine.reserve("s", used));
  CommitRequest c;
  c.session = "u";
  c.number = 2;
  c.service = "data";
  c.used = 40 * kGiB;
  c.time = t;
  ASSERT_TRUE(engine.commit("s", c));
  Explanation e = located(engine, t14, ask("data", 2 * kGiB, t));
  const FiredRule* price = rule(e, "overage_price");
  ASSERT_NE(price, nullptr);
  EXPECT_EQ(price->line, 15u);
  EXPECT_EQ(price->value_text, "2.0 EUR");
  EXPECT_EQ(e.cost, 4 * lang::kFixedScale);
  EXPECT_EQ(e.limited_by, "requested");
  EXPECT_NE(to_text(e).find("(charge): this grant costs 4.0 EUR"), std::string::npos) << to_text(e);
  EXPECT_NE(to_json(e).find("\"cost\":4000000"), std::string::npos);
}

}  // namespace
}  // namespace gyrate::engine
