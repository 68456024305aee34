// gyrate_scenario: parse errors with line and column, failing expectations reported with expected
// vs actual and their line, relative times, Result-Codes, engine refusals. Real tariffs from
// examples/ through the JIT.
#include <gtest/gtest.h>

#include <string>

#include "gyrate/diameter/result_code.hpp"
#include "gyrate/scenario/runner.hpp"
#include "gyrate/scenario/scenario.hpp"

namespace gyrate::scenario {
namespace {

const std::string kDir = std::string(GYRATE_SOURCE_DIR) + "/examples/scenarios";

Report play(const std::string& text) {
  lang::SourceFile file("mem.scenario", text);
  return run(file, kDir, RunOptions{});
}

std::string failures(const Report& r) {
  std::string out;
  for (const Event& e : r.events) {
    if (e.kind == EventKind::kFail) out += e.text + "\n";
  }
  return out;
}

std::string steps(const Report& r) {
  std::string out;
  for (const Event& e : r.events) {
    if (e.kind == EventKind::kStep) out += e.text + "\n";
  }
  return out;
}

constexpr const char* kT2 =
    "tariff ../tariffs/t02_monthly_cap.tariff\n"
    "at 2026-03-01 10:00\n"
    "subscriber alice plan monthly_cap billing_day 1\n";

TEST(ScenarioParser, ErrorsCarryLineAndColumnWithTheLineAndACaret) {
  lang::SourceFile file("bad.scenario",
                        "tariff x.tariff\n"
                        "at 2026-03-01\n"
                        "alice reserve llm 1M token modle qwen\n"
                        "expect grant 1M tokn\n"
                        "at 2026-02-30\n");
  ParseResult p = parse(file);
  ASSERT_FALSE(p.scenario.has_value());
  ASSERT_EQ(p.diagnostics.items().size(), 3u);
  auto at = [&](size_t i) { return file.position(p.diagnostics.items()[i].range.begin); };
  EXPECT_EQ(at(0).line, 3u);
  EXPECT_EQ(at(0).column, 28u);
  EXPECT_EQ(at(1).line, 4u);
  EXPECT_EQ(at(1).column, 17u);
  EXPECT_EQ(at(2).line, 5u);
  std::string text = lang::render_all(p.diagnostics, file);
  EXPECT_NE(text.find("bad.scenario:3:28: error[S0101]: expected `model M`, `session S`, "
                      "`number N` or the end of the line, found `modle`"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("   3 | alice reserve llm 1M token modle qwen\n"
                      "     |                            ^~~~~\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("bad.scenario:4:17: error[S0102]: unknown unit `tokn`: did you mean `token`?"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("bad.scenario:5:4: error[S0103]: `2026-02-30` is not a date"), std::string::npos)
      << text;
}

TEST(ScenarioParser, ParsesEveryStatement) {
  lang::SourceFile file("ok.scenario",
                        "tariff ../t.tariff  # comment\n"
                        "at 2026-03-01 10:00:30\n"
                        "subscriber acme plan team activation 2026-03-01 billing_day 31 seats=3 "
                        "note=\"two words\"\n"
                        "member bob team acme\n"
                        "bob reserve llm 1.5M token model qwen_max session s1 number 7\n"
                        "bob commit llm 2GiB\n"
                        "bob release session s1\n"
                        "acme buy extra order o-1\n"
                        "publish ../v2.tariff\n"
                        "at +90min\n"
                        "expect final redirect \"https://x.example\"\n"
                        "expect validity none\n"
                        "expect acme llm bucket pooled 60M token until 2026-04-01\n"
                        "expect acme notified llm 80%\n"
                        "expect acme bill 1.5 CNY\n"
                        "expect acme llm remaining -5k token\n"
                        "expect fui no\n");
  ParseResult p = parse(file);
  ASSERT_TRUE(p.scenario.has_value()) << lang::render_all(p.diagnostics, file);
  const auto& s = p.scenario->steps;
  ASSERT_EQ(s.size(), 17u);
  EXPECT_EQ(s[1].time->local_second, 10 * 3600 + 30);
  EXPECT_EQ(s[2].billing_day, 31);
  ASSERT_EQ(s[2].attributes.size(), 2u);
  EXPECT_EQ(s[2].attributes[1].second, "two words");
  EXPECT_EQ(s[3].team, "acme");
  EXPECT_EQ(s[4].quantity->amount, 1'500'000);
  EXPECT_EQ(s[4].model, "qwen_max");
  EXPECT_EQ(*s[4].number, 7u);
  EXPECT_EQ(s[5].quantity->amount, int64_t{2} << 30);
  EXPECT_EQ(s[5].quantity->dim, lang::Dim::kByte);
  EXPECT_EQ(s[7].pack, "extra");
  EXPECT_EQ(s[9].time->offset, 5400);
  EXPECT_TRUE(s[9].time->relative);
  EXPECT_EQ(s[10].expect.argument, "https://x.example");
  EXPECT_EQ(s[11].expect.number, -1);
  EXPECT_EQ(s[12].expect.word, "pooled");
  EXPECT_TRUE(s[12].expect.until.has_value());
  EXPECT_EQ(s[13].expect.ratio, 800'000);
  EXPECT_EQ(s[14].expect.money.micros, 1'500'000);
  EXPECT_EQ(s[15].expect.quantity.amount, -5'000);
  EXPECT_EQ(s[16].expect.kind, ExpectKind::kFui);
  EXPECT_EQ(s[16].expect.word, "no");
}

TEST(ScenarioParser, OddInputsAreDiagnosedNeverCrash) {
  for (const char* text :
       {"", "\n\n# only a comment\n", "expect", "at", "at +", "at +-1d", "at 2026-13-01",
        "at 2026-01-01 25:00", "a reserve", "a reserve llm -", "a commit llm 1.5 token",
        "expect grant -", "expect grant 1e9", "\"unterminated", "a buy \"x", "subscriber",
        "subscriber expect plan p", "subscriber a plan", "member a", "expect a llm bucket",
        "expect a spend 1", "expect final", "expect result 99999", "a reserve llm 99999999999999999999 token",
        "a reserve llm 1 token number 4294967296", "expect a notified llm 80% token", "\r\n\t \r"}) {
    lang::SourceFile file("odd.scenario", text);
    ParseResult p = parse(file);
    // Blank files parse to nothing; everything else here is a diagnostic with a place.
    if (p.scenario) {
      EXPECT_TRUE(p.scenario->steps.empty()) << text;
    } else {
      EXPECT_FALSE(lang::render_all(p.diagnostics, file).empty()) << text;
    }
  }
}

TEST(ScenarioRun, PassingScenarioExitsZero) {
  Report r = play(std::string(kT2) +
                  "alice reserve llm 1M token\n"
                  "expect grant 1M token\n"
                  "expect result 2001\n"
                  "expect alice fee 19.90 CNY\n");
  EXPECT_EQ(r.exit_code(), 0) << r.diagnostics << failures(r);
  EXPECT_EQ(r.passed, 3);
  EXPECT_EQ(r.failed, 0);
}

TEST(ScenarioRun, FailingExpectationReportsExpectedActualItsLineAndTheStep) {
  Report r = play(std::string(kT2) +
                  "alice reserve llm 1M token\n"      // line 4
                  "expect grant 2M token\n"           // line 5: fails
                  "expect outcome exhausted\n"        // line 6: fails
                  "expect alice spend 3 CNY\n"        // line 7: fails
                  "expect grant 1M token\n");         // line 8: the run went on
  EXPECT_EQ(r.exit_code(), 1);
  EXPECT_EQ(r.failed, 3);
  EXPECT_EQ(r.passed, 1);
  std::string f = failures(r);
  EXPECT_NE(f.find("mem.scenario:5: expected grant 2M token, got 1M token (step line 4: alice "
                   "reserve llm 1M token)"),
            std::string::npos)
      << f;
  EXPECT_NE(f.find("mem.scenario:6: expected outcome exhausted, got granted"), std::string::npos) << f;
  EXPECT_NE(f.find("mem.scenario:7: expected alice spend 3.00 CNY, got 0.00 CNY"), std::string::npos)
      << f;
}

TEST(ScenarioRun, RelativeTimesMoveTheClock) {
  Report r = play(std::string(kT2) +
                  "at +1d\n"
                  "at +2h\n"
                  "at +30min\n"
                  "alice reserve llm 1k token\n"
                  "at +1w\n"
                  "at +45s\n"
                  "alice commit llm 1k token\n"
                  "at 2026-03-31 23:59\n"
                  "at +1min\n"                        // 1 April 00:00: a new period
                  "expect alice fees 39.80 CNY\n");
  EXPECT_EQ(r.exit_code(), 0) << failures(r);
  std::string s = steps(r);
  EXPECT_NE(s.find("2026-03-02 12:30:00  alice reserve llm 1k token"), std::string::npos) << s;
  EXPECT_NE(s.find("2026-03-09 12:30:45  alice commit llm 1k token"), std::string::npos) << s;
}

TEST(ScenarioRun, SetupErrorsExitTwoWithLineAndColumn) {
  Report early = play("at +1d\n");
  EXPECT_EQ(early.exit_code(), 2);
  EXPECT_NE(early.diagnostics.find("mem.scenario:1:1: error[S0201]: a scenario starts with `tariff PATH`"),
            std::string::npos)
      << early.diagnostics;

  Report r = play(std::string(kT2) +
                  "alice reserve llm 5 GiB\n"
                  "expect alice spend 1.001 CNY\n"
                  "expect alice spend 1 EUR\n"
                  "expect alice nope remaining 1 token\n");
  EXPECT_EQ(r.exit_code(), 2);
  EXPECT_TRUE(r.events.empty());  // nothing ran
  EXPECT_NE(r.diagnostics.find("mem.scenario:4:19: error[S0102]: a byte quantity for service `llm`, "
                               "which counts token"),
            std::string::npos)
      << r.diagnostics;
  EXPECT_NE(r.diagnostics.find("mem.scenario:5:20: error[S0102]: CNY has 2 decimals"),
            std::string::npos)
      << r.diagnostics;
  EXPECT_NE(r.diagnostics.find("mem.scenario:6:20: error[S0102]: the tariff has no currency `EUR`"),
            std::string::npos)
      << r.diagnostics;
  EXPECT_NE(r.diagnostics.find("mem.scenario:7:1: error[S0201]: the tariff has no service `nope`"),
            std::string::npos)
      << r.diagnostics;
}

TEST(ScenarioRun, MissingTariffIsASetupError) {
  Report r = play("tariff ../tariffs/none.tariff\nat 2026-01-01\n");
  EXPECT_EQ(r.exit_code(), 2);
  EXPECT_NE(r.diagnostics.find("mem.scenario:1:1: error[S0201]: the tariff `../tariffs/none.tariff` "
                               "did not load"),
            std::string::npos)
      << r.diagnostics;
  EXPECT_EQ(r.diagnostics.find("starts with"), std::string::npos) << r.diagnostics;
}

TEST(ScenarioRun, EngineRefusalsFailUnlessExpected) {
  Report unexpected = play(std::string(kT2) + "nobody reserve llm 1k token\n");
  EXPECT_EQ(unexpected.exit_code(), 1);
  EXPECT_NE(failures(unexpected).find("mem.scenario:4: the engine refused `nobody reserve llm 1k token`"),
            std::string::npos)
      << failures(unexpected);

  Report expected = play(std::string(kT2) +
                         "nobody reserve llm 1k token\n"
                         "expect error \"nobody\"\n"
                         "alice buy no_such_pack\n"
                         "expect error \"no_such_pack\"\n");
  EXPECT_EQ(expected.exit_code(), 0) << failures(expected);
  EXPECT_EQ(expected.passed, 2);
}

TEST(ScenarioRun, NotificationsAreExpectedOnce) {
  Report r = play(std::string(kT2) +
                  "alice reserve llm 4M token\n"
                  "alice commit llm 4M token\n"
                  "expect alice notified llm 80%\n"
                  "expect alice notified llm 80%\n"   // taken already: fails
                  "expect alice no notifications\n");
  EXPECT_EQ(r.failed, 1);
  EXPECT_NE(failures(r).find("mem.scenario:7: expected alice notified llm at 80%, got none"),
            std::string::npos)
      << failures(r);
}

TEST(ScenarioRun, ResultCodesAgreeWithDiameter) {
  for (auto o : {lang::Outcome::kGranted, lang::Outcome::kNotEligible,
                 lang::Outcome::kModelNotAllowed, lang::Outcome::kNoRule,
                 lang::Outcome::kExhausted, lang::Outcome::kRatingFailed}) {
    EXPECT_EQ(result_code(o), diameter::code_value(diameter::result_code(o)))
        << lang::outcome_name(o);
  }
}

TEST(ScenarioRun, EveryExampleScenarioPasses) {
  for (const char* name : {"t01_token_pack", "t06_team_plan", "t11_price_rise", "t14_data_rollover_fair_use"}) {
    Report r = run_file(kDir + "/" + name + ".scenario", RunOptions{});
    EXPECT_EQ(r.exit_code(), 0) << name << "\n" << r.diagnostics << failures(r);
    EXPECT_GT(r.passed, 10) << name;
  }
}

}  // namespace
}  // namespace gyrate::scenario
