// The checker's diagnostics: every code of language.md's E02xx-E05xx and W06xx tables, asserted
// with its line:col, plus "every error of a file is reported" and the did-you-mean fixes.
#include <gtest/gtest.h>

#include "checker_test_util.hpp"

namespace gyrate::lang::checker_test {
namespace {

// Four declaration lines; a plan built by with_items() opens on line 5, its items start on line 6.
const std::string kPrelude =
    "currency CNY minor 2;\n"
    "service llm { unit token; rating_group 100; }\n"
    "model qwen_max { service llm; id 1001; weight 3; }\n"
    "model qwen_turbo { service llm; id 1002; weight 0.5; }\n";

Compiled with_items(const std::string& items) {
  return compile(kPrelude + "plan p {\n" + items + "\n}\n");
}

TEST(CheckerDiagnostics, PreludeAloneWithAPlanIsClean) {
  Compiled c = with_items("allowance llm 5M token;");
  EXPECT_TRUE(c.program.has_value()) << c.rendered();
  EXPECT_EQ(c.diags.items().size(), 0u) << c.rendered();
}

TEST(CheckerDiagnostics, E0201UnknownNameWithSuggestion) {
  Compiled c = with_items("fee 9.9 CNY when frist_period;");
  EXPECT_FALSE(c.program);
  EXPECT_EQ(c.where("E0201"), "6:18") << c.rendered();
  EXPECT_EQ(c.find("E0201")->fix, "did you mean `first_period`?");
}

TEST(CheckerDiagnostics, E0201UnknownOrderKind) {
  Compiled c = with_items("order llm [promo, rolover];");
  EXPECT_EQ(c.where("E0201"), "6:19") << c.rendered();
  EXPECT_EQ(c.find("E0201")->fix, "did you mean `rollover`?");
}

TEST(CheckerDiagnostics, E0202DuplicateServiceWithNote) {
  Compiled c = compile(
      "service llm { unit token; }\n"
      "service llm { unit byte; }\n"
      "plan p { allowance llm 1k token; }\n");
  EXPECT_EQ(c.where("E0202"), "2:9") << c.rendered();
  const Diagnostic* d = c.find("E0202");
  ASSERT_EQ(d->notes.size(), 1u);
  EXPECT_EQ(c.source->position(d->notes[0].range.begin).line, 1u);
}

TEST(CheckerDiagnostics, E0202DuplicatePackAndModelId) {
  Compiled c = with_items(
      "pack a { price 1 CNY; grant llm 1k token; }\n"
      "pack a { price 2 CNY; grant llm 2k token; }");
  EXPECT_EQ(c.where("E0202"), "7:6") << c.rendered();
  Compiled ids = compile(
      "service llm { unit token; }\n"
      "model a { service llm; id 7; }\n"
      "model b { service llm; id 7; }\n"
      "plan p { allowance llm 1k token; }\n");
  EXPECT_EQ(ids.where("E0202"), "3:27") << ids.rendered();
}

TEST(CheckerDiagnostics, E0203UnknownUnitSuggestsUnitOrCurrency) {
  Compiled c = with_items("allowance llm 50M tokns;");
  EXPECT_EQ(c.where("E0203"), "6:19") << c.rendered();
  EXPECT_EQ(c.find("E0203")->fix, "did you mean `tokens`?");
  Compiled cur = with_items("fee 9.9 CYN;");
  EXPECT_EQ(cur.where("E0203"), "6:9") << cur.rendered();
  EXPECT_EQ(cur.find("E0203")->fix, "did you mean `CNY`?");
}

TEST(CheckerDiagnostics, E0204UnknownCurrency) {
  Compiled c = compile(
      "currency CNY minor 2;\n"
      "service llm { unit token; }\n"
      "attribute budget: money CYN;\n"
      "plan p { allowance llm 1k token; }\n");
  EXPECT_EQ(c.where("E0204"), "3:25") << c.rendered();
}

TEST(CheckerDiagnostics, E0205UnknownService) {
  Compiled c = with_items("allowance lml 5M token;");
  EXPECT_EQ(c.where("E0205"), "6:11") << c.rendered();
  EXPECT_EQ(c.find("E0205")->fix, "did you mean `llm`?");
}

TEST(CheckerDiagnostics, E0206UnknownModel) {
  Compiled c = with_items("models llm allow [qwen_max, qwen_maxx];");
  EXPECT_EQ(c.where("E0206"), "6:29") << c.rendered();
}

TEST(CheckerDiagnostics, E0207UnknownFunction) {
  Compiled c = with_items("grant llm = mni(requested, 1k token);");
  EXPECT_EQ(c.where("E0207"), "6:13") << c.rendered();
  EXPECT_EQ(c.find("E0207")->fix, "did you mean `min`?");
}

TEST(CheckerDiagnostics, E0208UnknownField) {
  Compiled c = with_items("pack a { prise 1 CNY; grant llm 1k token; }");
  EXPECT_EQ(c.where("E0208"), "6:10") << c.rendered();
  EXPECT_EQ(c.find("E0208")->fix,
            "did you mean `price`? the fields of a pack: `price`, `grant`, `valid`");
  Compiled svc = compile("service s { unit token; rating 5; }\nplan p { allowance s 1 token; }\n");
  EXPECT_EQ(svc.where("E0208"), "1:25") << svc.rendered();
}

TEST(CheckerDiagnostics, E0209UnknownMember) {
  Compiled c = with_items("weight llm = model.wieght;");
  EXPECT_EQ(c.where("E0209"), "6:14") << c.rendered();
  EXPECT_EQ(c.find("E0209")->fix, "did you mean `weight`?");
}

TEST(CheckerDiagnostics, E0301IncompatibleOperands) {
  Compiled c = with_items("grant llm = requested + 5;");
  EXPECT_EQ(c.where("E0301"), "6:13") << c.rendered();
  Compiled m = with_items("fee 1 CNY * 2 token;");
  EXPECT_EQ(m.where("E0301"), "6:5") << m.rendered();
  EXPECT_NE(m.find("E0301")->fix.find("overage"), std::string::npos);
}

TEST(CheckerDiagnostics, E0302DimensionsDiffer) {
  Compiled c = with_items("grant llm = min(requested, 1 GiB);");
  EXPECT_EQ(c.where("E0302"), "6:28") << c.rendered();
  Compiled g = with_items("grant llm = 1 GiB;");
  EXPECT_EQ(g.where("E0302"), "6:13") << g.rendered();
}

TEST(CheckerDiagnostics, E0303CurrenciesDiffer) {
  Compiled c = compile(
      "currency CNY minor 2;\ncurrency USD minor 2;\n"
      "service llm { unit token; }\n"
      "attribute budget: money CNY = 5 USD;\n"
      "plan p { allowance llm 1k token; eligible when budget > 1 CNY; }\n");
  EXPECT_EQ(c.where("E0303"), "4:31") << c.rendered();
}

TEST(CheckerDiagnostics, E0304ConditionNotBool) {
  Compiled c = with_items("fee 9.9 CNY when period_index;");
  EXPECT_EQ(c.where("E0304"), "6:18") << c.rendered();
}

TEST(CheckerDiagnostics, E0305WrongItemType) {
  Compiled c = with_items("fee 9.9;");
  EXPECT_EQ(c.where("E0305"), "6:5") << c.rendered();
  EXPECT_EQ(c.find("E0305")->fix, "add the currency, e.g. `9.9 CNY`");
  Compiled v = with_items("validity llm = 5;");
  EXPECT_EQ(v.where("E0305"), "6:16") << v.rendered();
  Compiled t = with_items("threshold llm = 5;");  // 5 what? a ratio or a quantity is required
  EXPECT_EQ(t.where("E0305"), "6:17") << t.rendered();
}

TEST(CheckerDiagnostics, E0306IfBranchesDiffer) {
  Compiled c = with_items("grant llm = if hour < 6 then 1k token else \"x\";");
  EXPECT_EQ(c.where("E0306"), "6:44") << c.rendered();
}

TEST(CheckerDiagnostics, E0307WrongArgumentCount) {
  Compiled c = with_items("grant llm = min(requested);");
  EXPECT_EQ(c.where("E0307"), "6:13") << c.rendered();
}

TEST(CheckerDiagnostics, E0308ServiceRelativeNameInPlanItem) {
  Compiled c = with_items("fee 9.9 CNY when used > 0 token;");
  EXPECT_EQ(c.where("E0308"), "6:18") << c.rendered();
  Compiled e = with_items("eligible when remaining > 0 token;");
  EXPECT_EQ(e.where("E0308"), "6:15") << e.rendered();
}

TEST(CheckerDiagnostics, E0309ConstantRequired) {
  Compiled c = with_items("eligible llm when hour in [1, day];");
  EXPECT_EQ(c.where("E0309"), "6:31") << c.rendered();
  Compiled r = with_items("allowance llm 5M token rollover requested;");
  EXPECT_EQ(r.where("E0309"), "6:33") << r.rendered();
}

TEST(CheckerDiagnostics, E0310OperationNotDefined) {
  Compiled c = with_items("eligible llm when model < qwen_max;");
  EXPECT_EQ(c.where("E0310"), "6:19") << c.rendered();
  Compiled s = with_items("eligible llm when -\"x\" == \"y\";");
  EXPECT_EQ(s.where("E0310"), "6:20") << s.rendered();
}

TEST(CheckerDiagnostics, E0401NumberTooLarge) {
  Compiled c = with_items("allowance llm 99999999999999999999 token;");
  EXPECT_EQ(c.where("E0401"), "6:15") << c.rendered();
}

TEST(CheckerDiagnostics, E0402NotACalendarDate) {
  Compiled c = with_items("allowance llm 1k token;\ngrandfather until 2026-02-30;");
  EXPECT_EQ(c.where("E0402"), "7:19") << c.rendered();
}

TEST(CheckerDiagnostics, E0403NotATimeOfDay) {
  Compiled c = with_items("grant llm = 1k token when time in 22:00..24:30;");
  EXPECT_EQ(c.where("E0403"), "6:42") << c.rendered();
}

TEST(CheckerDiagnostics, E0404QuantityNotWhole) {
  Compiled c = with_items("allowance llm 0.5 token;");
  EXPECT_EQ(c.where("E0404"), "6:15") << c.rendered();
  EXPECT_FALSE(c.find("E0404")->fix.empty());
}

TEST(CheckerDiagnostics, E0405TooManyDecimals) {
  Compiled c = with_items("fee 9.9999999 CNY;");
  EXPECT_EQ(c.where("E0405"), "6:5") << c.rendered();
}

TEST(CheckerDiagnostics, E0406ValueOutOfRange) {
  Compiled c = compile(
      "currency CNY minor 7;\nservice llm { unit token; }\nplan p { allowance llm 1 token; }\n");
  EXPECT_EQ(c.where("E0406"), "1:20") << c.rendered();
  Compiled d = with_items("period monthly anchor day 32;\nallowance llm 1k token;");
  EXPECT_EQ(d.where("E0406"), "6:27") << d.rendered();
  Compiled n = with_items("notify llm at 80%, 1200%;");
  EXPECT_EQ(n.where("E0406"), "6:20") << n.rendered();
}

TEST(CheckerDiagnostics, E0406BuiltinComparedWithAValueItNeverTakes) {
  Compiled c = with_items("grant llm = 1k token when hour in 25..6;");
  EXPECT_FALSE(c.program);
  EXPECT_EQ(c.where("E0406"), "6:35") << c.rendered();  // at the constant, not the builtin
  EXPECT_EQ(c.find("E0406")->message, "`hour` is 0..23; 25 is never reached");
  for (const char* cond : {"minute == 60", "day in [0, 5]", "month in 1..13", "billing_day == 32",
                           "period_index == -1", "days_left < -3", "13 < month", "hour >= 24",
                           "hour != 24", "month < 0"}) {
    Compiled o = with_items(std::string("grant llm = 1k token when ") + cond + ";");
    EXPECT_EQ(o.diags.error_count(), 1u) << cond << "\n" << o.rendered();
    EXPECT_NE(o.where("E0406"), "") << cond;
  }
  // In range, a natural exclusive bound one past an end, or not a constant: no diagnostic.
  for (const char* cond : {"hour in 0..23", "minute in [0, 59]", "hour < 24", "day <= 31",
                           "days_left > -1", "period_index > 1000", "month > 0", "hour == day",
                           "weekday in [sat, sun]", "hour in [1.5, 3]", "days_left >= 0"}) {
    Compiled ok = with_items(std::string("grant llm = 1k token when ") + cond + ";");
    EXPECT_TRUE(ok.program.has_value()) << cond << "\n" << ok.rendered();
  }
}

TEST(CheckerDiagnostics, E0406ThresholdRatioAbove100Percent) {
  Compiled c = with_items("threshold llm = 150%;");
  EXPECT_EQ(c.where("E0406"), "6:17") << c.rendered();
  EXPECT_EQ(with_items("threshold llm = 0%;").where("E0406"), "6:17");
  EXPECT_TRUE(with_items("threshold llm = 100%;").program.has_value());
  EXPECT_TRUE(with_items("threshold llm = 0.2;").program.has_value());
  EXPECT_TRUE(with_items("threshold llm = 500k token;").program.has_value());  // not a ratio
}

TEST(CheckerDiagnostics, E0203UnknownCurrencyWhereMoneyIsDue) {
  // `RMB` is one edit from the byte unit `MB`, but a fee wants money.
  Compiled c = with_items("fee 29 RMB;");
  EXPECT_EQ(c.where("E0203"), "6:8") << c.rendered();
  EXPECT_EQ(c.find("E0203")->fix,
            "use a declared currency (`CNY`) or declare it: `currency RMB minor 2;`");
  // A close currency wins in every money item.
  for (const char* item : {"fee 2 CYN;", "cap spend 5 CYN then block;",
                           "pack a { price 1 CYN; grant llm 1k token; }",
                           "overage llm 1 CYN per 1M token;"}) {
    Compiled m = with_items(item);
    ASSERT_NE(m.find("E0203"), nullptr) << item;
    EXPECT_EQ(m.find("E0203")->fix, "did you mean `CNY`?") << item;
  }
  // Outside money, an ISO-looking code still prefers currencies, but a unit in capitals is a unit.
  EXPECT_EQ(with_items("eligible when spend < 5 RMB;").find("E0203")->fix,
            "use a declared currency (`CNY`) or declare it: `currency RMB minor 2;`");
  EXPECT_EQ(with_items("allowance llm 5 KIB;").find("E0203")->fix, "did you mean `KiB`?");
  EXPECT_EQ(with_items("allowance llm 5 MBB;").find("E0203")->fix,
            "use a declared currency (`CNY`) or declare it: `currency MBB minor 2;`");
  // A fee's condition is not money: a unit typo there is still a unit typo.
  EXPECT_EQ(with_items("fee 1 CNY when spend > 1 CNY and 5 tokns > 1 token;").find("E0203")->fix,
            "did you mean `tokens`?");
  Compiled attr = compile(
      "currency CNY minor 2;\nservice llm { unit token; }\n"
      "attribute budget: money CNY = 5 RMB;\nplan p { eligible llm when budget > 1 CNY; }\n");
  EXPECT_EQ(attr.find("E0203")->fix,
            "use a declared currency (`CNY`) or declare it: `currency RMB minor 2;`");
}

TEST(CheckerDiagnostics, W0602NotReportedForTheSuggestedName) {
  Compiled c = compile(
      "service llm { unit token; }\nservice data { unit byte; }\n"
      "attribute region: string = \"sh\";\n"
      "plan p { allowance llm 1k token; allowance dta 1 GiB; eligible when regoin == \"sh\"; }\n");
  EXPECT_EQ(c.find("E0201")->fix, "did you mean `region`?") << c.rendered();
  EXPECT_EQ(c.find("E0205")->fix, "did you mean `data`?") << c.rendered();
  EXPECT_EQ(c.where("W0602"), "") << c.rendered();
  // A declaration nobody refers to, not even by a misspelling, still warns.
  Compiled unused = compile(
      "service llm { unit token; }\nattribute region: string = \"sh\";\n"
      "plan p { allowance llm 1k token; eligible when segmnt == \"x\"; }\n");
  EXPECT_EQ(unused.where("W0602"), "2:11") << unused.rendered();
}

TEST(CheckerDiagnostics, E0207UnknownFunctionAtItsName) {
  Compiled c = with_items("grant llm = minimum(requested, 50k token);");
  EXPECT_EQ(c.where("E0207"), "6:13") << c.rendered();
  const Diagnostic* d = c.find("E0207");
  EXPECT_EQ(c.source->slice(d->range), "minimum");
  EXPECT_EQ(d->fix, "did you mean `min`?");
  EXPECT_EQ(with_items("grant llm = maximum(requested, 1k token);").find("E0207")->fix,
            "did you mean `max`?");
  EXPECT_EQ(with_items("grant llm = average(requested, 1k token);").find("E0207")->fix, "");
}

TEST(CheckerDiagnostics, E0201PeriodSynonyms) {
  const std::pair<const char*, const char*> cases[] = {
      {"yearly", "annual"}, {"Yearly", "annual"}, {"month", "monthly"}, {"montly", "monthly"},
      {"week", "weekly"},   {"day", "daily"},     {"one_time", "once"}, {"one_off", "once"},
      {"one-off", "once"},  {"one-time", "once"},
  };
  for (const auto& [word, kind] : cases) {
    Compiled c = with_items(std::string("period ") + word + ";\nallowance llm 1k token;");
    ASSERT_NE(c.find("E0201"), nullptr) << word << "\n" << c.rendered();
    EXPECT_EQ(c.where("E0201"), "6:8") << word;
    EXPECT_EQ(c.find("E0201")->fix, std::string("did you mean `") + kind + "`?") << word;
  }
}

TEST(CheckerDiagnostics, E0305DurationWithoutUnitSuggestsDays) {
  Compiled p = with_items("pack a { price 1 CNY; grant llm 1k token; valid 90; }");
  EXPECT_EQ(p.where("E0305"), "6:49") << p.rendered();
  EXPECT_EQ(p.find("E0305")->fix, "give it a unit, e.g. `90 days`");
  Compiled promo = with_items("promo b { grant llm 1k token; valid 30; }");
  EXPECT_EQ(promo.find("E0305")->fix, "give it a unit, e.g. `30 days`") << promo.rendered();
  // Other quantities keep their own unit in the hint.
  EXPECT_EQ(with_items("allowance llm 5;").find("E0305")->fix, "add the unit, e.g. `5 token`");
}

TEST(CheckerDiagnostics, E0407ValueMustBePositive) {
  Compiled c = with_items("pack a { price 0 CNY; grant llm 1k token; }");
  EXPECT_EQ(c.where("E0407"), "6:16") << c.rendered();
  Compiled o = with_items("overage llm 1 CNY per 0 token;");
  EXPECT_EQ(o.where("E0407"), "6:23") << o.rendered();
}

TEST(CheckerDiagnostics, E0408BadTimezone) {
  Compiled c =
      compile("timezone +15:00;\nservice llm { unit token; }\nplan p { allowance llm 1 token; }\n");
  EXPECT_EQ(c.where("E0408"), "1:10") << c.rendered();  // at the offset, not the keyword
  EXPECT_EQ(c.source->slice(c.find("E0408")->range), "+15:00");
}

TEST(CheckerDiagnostics, E0501NoPlan) {
  Compiled c = compile("currency CNY minor 2;\nservice llm { unit token; }\n");
  EXPECT_FALSE(c.program);
  EXPECT_EQ(c.where("E0501"), "1:1") << c.rendered();
}

TEST(CheckerDiagnostics, E0502ItemTwice) {
  Compiled c = with_items("allowance llm 1k token;\nallowance llm 2k token;");
  EXPECT_EQ(c.where("E0502"), "7:1") << c.rendered();
  ASSERT_EQ(c.find("E0502")->notes.size(), 1u);
  Compiled p = with_items("period monthly;\nallowance llm 1k token;\nperiod daily;");
  EXPECT_EQ(p.where("E0502"), "8:1") << p.rendered();
}

TEST(CheckerDiagnostics, E0503RequiredFieldMissing) {
  Compiled c = compile("service llm { rating_group 1; }\nplan p { allowance llm 1 token; }\n");
  EXPECT_EQ(c.where("E0503"), "1:9") << c.rendered();
  Compiled p = with_items("pack a { grant llm 1k token; }");
  EXPECT_EQ(p.where("E0503"), "6:6") << p.rendered();
}

TEST(CheckerDiagnostics, E0504TooManyWindowLimits) {
  Compiled c = with_items(
      "limit llm 1 token per 1 h;\nlimit llm 2 token per 2 h;\nlimit llm 3 token per 3 h;\n"
      "limit llm 4 token per 4 h;\nlimit llm 5 token per 5 h;");
  EXPECT_EQ(c.where("E0504"), "10:1") << c.rendered();
}

TEST(CheckerDiagnostics, E0504TooManyPlansOnlyPastKMaxPlans) {
  // Plan indexes above 65,535 address their plans and blocks; plan kMaxPlans + 1 is refused.
  std::string text = "service llm { unit token; rating_group 100; }\n";
  for (size_t i = 0; i + 1 < kMaxPlans; ++i) text += "plan p" + std::to_string(i) + " { }\n";
  text += "plan last { allowance llm 1k token; }\n";
  Compiled full = compile(text);
  ASSERT_TRUE(full.program.has_value()) << full.rendered().substr(0, 2000);
  const ir::Program& p = *full.program;
  ASSERT_EQ(p.plans.size(), kMaxPlans);
  const int last = p.find_plan("last");
  ASSERT_EQ(last, static_cast<int>(kMaxPlans - 1));
  const int block = p.service_block(static_cast<uint32_t>(last), 0);
  ASSERT_GE(block, 0);
  EXPECT_EQ(p.blocks[static_cast<size_t>(block)].plan, kMaxPlans - 1);
  EXPECT_EQ(p.blocks[p.plans.back().plan_block].plan, kMaxPlans - 1);

  Compiled over = compile(text + "plan one_more { }\n");
  EXPECT_FALSE(over.program);
  EXPECT_EQ(over.where("E0504"), std::to_string(kMaxPlans + 2) + ":6") << over.rendered();
}

TEST(CheckerDiagnostics, E0504TooManyAttributesForTheContext) {
  // Builtins and attributes share a fixed-size context of kMaxContextSlots slots.
  const size_t room = kMaxContextSlots - kSlotBuiltinCount;
  std::string text;
  for (size_t i = 0; i < room; ++i) text += "attribute a" + std::to_string(i) + ": int = 0;\n";
  Compiled full = compile(text + "plan p { }\n");
  ASSERT_TRUE(full.program.has_value()) << full.rendered().substr(0, 2000);
  EXPECT_EQ(full.program->context_slots, kMaxContextSlots);
  Compiled over = compile(text + "attribute one_more: int = 0;\nplan p { }\n");
  EXPECT_FALSE(over.program);
  EXPECT_EQ(over.where("E0504"), std::to_string(room + 1) + ":11") << over.rendered().substr(0, 2000);
}

TEST(CheckerDiagnostics, E0505DuplicatePlanVersion) {
  Compiled c = compile(
      "service llm { unit token; }\n"
      "plan p version 2 { allowance llm 1 token; }\n"
      "plan p version 2 { allowance llm 2 token; }\n");
  EXPECT_EQ(c.where("E0505"), "3:6") << c.rendered();
}

TEST(CheckerDiagnostics, E0506PlanMixesCurrencies) {
  Compiled c = compile(
      "currency CNY minor 2;\ncurrency USD minor 2;\n"
      "service llm { unit token; }\n"
      "plan p { fee 9.9 CNY; overage llm 1 USD per 1M token; }\n");
  EXPECT_EQ(c.where("E0506"), "4:35") << c.rendered();
  EXPECT_EQ(c.where("E0303"), "");  // the mismatch is reported once, not again as E0303
}

TEST(CheckerDiagnostics, W0601UnreachableRule) {
  Compiled c = with_items("grant llm = 1k token;\ngrant llm = 2k token when hour < 6;");
  EXPECT_TRUE(c.program.has_value()) << c.rendered();
  EXPECT_EQ(c.where("W0601"), "7:1") << c.rendered();
  EXPECT_EQ(c.find("W0601")->fix, "add `when` or move this rule before the default");
}

TEST(CheckerDiagnostics, W0602UnusedAttributeAndService) {
  Compiled c = compile(
      "service llm { unit token; }\nservice data { unit byte; }\n"
      "attribute segment: string = \"retail\";\n"
      "plan p { allowance llm 1k token; }\n");
  EXPECT_TRUE(c.program.has_value()) << c.rendered();
  EXPECT_EQ(c.where("W0602"), "2:9 3:11") << c.rendered();
}

TEST(CheckerDiagnostics, ReportsEveryErrorOfAFile) {
  Compiled c = compile(
      "currency CNY minor 9;\n"       // E0406
      "service llm { unit tokn; }\n"  // E0203
      "service data { unit byte; }\n"
      "plan p {\n"
      "  fee 9.9 CNY when used > 0 token;\n"         // E0308
      "  allowance data 5M token;\n"                 // E0302
      "  grant data = min(requested, 1 GiB) + 5;\n"  // E0301
      "  eligible data when segmnt == \"x\";\n"      // E0201
      "}\n");
  EXPECT_FALSE(c.program);
  EXPECT_EQ(c.where("E0406"), "1:20") << c.rendered();
  EXPECT_EQ(c.where("E0203"), "2:20") << c.rendered();
  EXPECT_EQ(c.where("E0308"), "5:20") << c.rendered();
  EXPECT_EQ(c.where("E0302"), "6:18") << c.rendered();
  EXPECT_EQ(c.where("E0301"), "7:16") << c.rendered();
  EXPECT_EQ(c.where("E0201"), "8:22") << c.rendered();
  EXPECT_EQ(c.diags.error_count(), 6u) << c.rendered();
}

TEST(CheckerDiagnostics, ErrorsDoNotCascade) {
  // One unknown name inside a larger expression: one diagnostic, not one per enclosing operator.
  Compiled c = with_items("grant llm = min(requested * bogus + 1k token, 5k token) when hour < 6;");
  EXPECT_EQ(c.diags.items().size(), 1u) << c.rendered();
  EXPECT_EQ(c.where("E0201"), "6:29") << c.rendered();
}

TEST(CheckerDiagnostics, DiagnosticsComeInSourceOrder) {
  Compiled c = with_items("fee 1 XYZ;\nallowance llm 1 GiB;\nfee 2 QQQ;");
  ASSERT_GE(c.diags.items().size(), 3u) << c.rendered();
  for (size_t i = 1; i < c.diags.items().size(); ++i) {
    EXPECT_LE(c.diags.items()[i - 1].range.begin, c.diags.items()[i].range.begin);
  }
}

}  // namespace
}  // namespace gyrate::lang::checker_test

namespace gyrate::lang::checker_test {
namespace {

TEST(CheckerDiagnostics, E0406EmptyIntRangeDoesNotWrap) {
  Compiled c = compile(
      "currency CNY minor 2;\n"
      "service llm { unit token; }\n"
      "plan p { allowance llm 1M token; weight llm = 2 when hour in 22..6; }\n");
  EXPECT_FALSE(c.program);
  EXPECT_EQ(c.where("E0406"), "3:62") << c.rendered();
  const Diagnostic* d = c.find("E0406");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->message.find("is empty"), std::string::npos) << d->message;
  EXPECT_EQ(d->fix, "only times of day and weekdays wrap; write `hour >= 22 or hour <= 6`");
  // Wrapping kinds keep working.
  Compiled night = compile(
      "currency CNY minor 2;\n"
      "service llm { unit token; }\n"
      "plan p { allowance llm 1M token; weight llm = 2 when time in 22:00..05:59; }\n");
  EXPECT_TRUE(night.program) << night.rendered();
}

}  // namespace
}  // namespace gyrate::lang::checker_test
