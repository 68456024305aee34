// gyrate_scenario's explain entry points: a scenario played up to a reserve line (its tariff
// replaceable), and a fresh subscriber with usage committed first; what each refuses.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "gyrate/scenario/explain.hpp"

namespace gyrate::scenario {
namespace {

const std::string kRoot = std::string(GYRATE_SOURCE_DIR) + "/examples";

const engine::FiredRule* rule(const engine::Explanation& e, const std::string& role, uint16_t aux = 0) {
  for (const engine::FiredRule& r : e.rules) {
    if (r.role == role && r.aux == aux) return &r;
  }
  return nullptr;
}

// T13's last grant (line 63): premium output at 24 units a token with 300k units left gets
// 12,500 tokens, limited by the balance; its weight is the model's (line 11 of the tariff).
TEST(ScenarioExplain, T13LastGrantIsLimitedByTheBalance) {
  ExplainResult r = explain_at(kRoot + "/scenarios/t13_premium_models.scenario", 63, "", RunOptions{});
  ASSERT_TRUE(r.explanation) << r.error;
  const engine::Explanation& e = *r.explanation;
  EXPECT_EQ(e.account, "alice");
  EXPECT_EQ(e.model, "premium_out");
  EXPECT_EQ(e.requested, 20'000);
  EXPECT_EQ(e.answer.grant, 12'500);
  EXPECT_EQ(e.remaining, 300'000);
  EXPECT_EQ(e.limited_by, "balance");
  EXPECT_EQ(e.limit, "12500 token: 300000 allowance units left, 24.0 per token");
  const engine::FiredRule* w = rule(e, "weight");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->origin, "model");
  EXPECT_EQ(w->line, 11u);
  EXPECT_EQ(w->text, "model premium_out { service llm; id 4003; weight 24; }");
}

TEST(ScenarioExplain, RefusesALineThatIsNotAReserveStep) {
  const std::string path = kRoot + "/scenarios/t02_monthly_cap.scenario";
  ExplainResult expect = explain_at(path, 28, "", RunOptions{});
  EXPECT_FALSE(expect.explanation);
  EXPECT_EQ(expect.error, path + ":28 is not a reserve step: `expect grant 1M token`");
  ExplainResult blank = explain_at(path, 26, "", RunOptions{});
  EXPECT_EQ(blank.error, path + ":26 holds no step");
  ExplainResult missing = explain_at(kRoot + "/scenarios/nope.scenario", 1, "", RunOptions{});
  EXPECT_NE(missing.error.find("nope.scenario"), std::string::npos) << missing.error;
}

// The tariff given stands in for the scenario's `tariff` line: with 6M a month instead of 5M,
// T2's 2M request after 4M used (line 27) is granted in full.
TEST(ScenarioExplain, TheTariffGivenReplacesTheScenarios) {
  std::ifstream in(kRoot + "/tariffs/t02_monthly_cap.tariff");
  std::stringstream text;
  text << in.rdbuf();
  std::string tariff = text.str();
  size_t at = tariff.find("allowance llm 5M token");
  ASSERT_NE(at, std::string::npos);
  tariff.replace(at, 22, "allowance llm 6M token");
  std::string path = ::testing::TempDir() + "/t02_6m.tariff";
  std::ofstream(path) << tariff;
  const std::string scenario = kRoot + "/scenarios/t02_monthly_cap.scenario";
  ExplainResult original = explain_at(scenario, 27, "", RunOptions{});
  ASSERT_TRUE(original.explanation) << original.error;
  EXPECT_EQ(original.explanation->answer.grant, 1'000'000);
  ExplainResult replaced = explain_at(scenario, 27, path, RunOptions{});
  ASSERT_TRUE(replaced.explanation) << replaced.error;
  EXPECT_EQ(replaced.explanation->answer.grant, 2'000'000);
  EXPECT_EQ(replaced.explanation->limited_by, "requested");
  EXPECT_EQ(replaced.explanation->source, path);
  std::remove(path.c_str());
}

// A fresh T7 subscriber with 1200 requests used in the last 5 hours: the 5 h window (the
// tariff's line 12) refuses the next request until it has room again.
TEST(ScenarioExplain, FreshSubscriberWithUsageHitsTheWindow) {
  FreshRequest q;
  q.tariff = kRoot + "/tariffs/t07_coding_plan.tariff";
  q.plan = "coding_plan";
  q.at_given = true;
  q.at = 1'777'671'000;  // 2026-05-01 21:30 wall clock, the zone added by explain_fresh
  q.service = "code";
  q.used = {{"code", "1200"}};
  ExplainResult r = explain_fresh(q, RunOptions{});
  ASSERT_TRUE(r.explanation) << r.error;
  const engine::Explanation& e = *r.explanation;
  EXPECT_EQ(e.time, q.at - 8 * 3600);
  EXPECT_EQ(e.answer.grant, 0);
  EXPECT_EQ(e.limited_by, "window");
  ASSERT_GE(e.limit_rule, 0);
  const engine::FiredRule& limit = e.rules[static_cast<size_t>(e.limit_rule)];
  EXPECT_EQ(limit.role, "window_limit");
  EXPECT_EQ(limit.aux, 0);
  EXPECT_EQ(limit.line, 12u);
  ASSERT_EQ(e.windows.size(), 2u);
  EXPECT_EQ(e.windows[0].counted, 1200);
}

TEST(ScenarioExplain, FreshSubscriberRefusals) {
  FreshRequest q;
  q.tariff = kRoot + "/tariffs/t13_premium_models.tariff";
  q.plan = "premium_access";
  q.service = "llm";
  q.requested = "2 GiB";
  EXPECT_NE(explain_fresh(q, RunOptions{}).error.find("--requested `2 GiB`"), std::string::npos)
      << explain_fresh(q, RunOptions{}).error;
  q.requested = "2M";
  q.used = {{"video", "1"}};
  EXPECT_EQ(explain_fresh(q, RunOptions{}).error, "--used: no service `video` in " + q.tariff);
  q.used.clear();
  q.model = "qwen";
  EXPECT_EQ(explain_fresh(q, RunOptions{}).error,
            "no model `qwen` of service `llm` in " + q.tariff);
  q.model.clear();
  q.version = 2;
  EXPECT_EQ(explain_fresh(q, RunOptions{}).error,
            "plan `premium_access` has no version 2 in " + q.tariff);
  q.version = 0;
  ExplainResult ok = explain_fresh(q, RunOptions{});
  ASSERT_TRUE(ok.explanation) << ok.error;
  EXPECT_EQ(ok.explanation->requested, 2'000'000);
  EXPECT_EQ(ok.explanation->answer.grant, 100'000);
  EXPECT_EQ(ok.explanation->limited_by, "grant_rule");
}

}  // namespace
}  // namespace gyrate::scenario
