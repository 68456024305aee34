// What a new tariff designer tripped on, each refused or warned with a fix: per-member caps
// without a pool, rollover above the allowance, negative allowances and weights, shared rating
// groups, constant division by zero, overage that never applies, another service's model,
// prices below the minor unit, `400 ktoken`, request limits on any service, `for 1 period`.
#include <gtest/gtest.h>

#include "checker_test_util.hpp"
#include "gyrate/ruleslang/dump.hpp"

namespace gyrate::lang::checker_test {
namespace {

// Five declaration lines; a plan built by with_items() opens on line 6, its items start on line 7.
const std::string kPrelude =
    "currency CNY minor 2;\n"
    "service llm { unit token; rating_group 100; }\n"
    "service data { unit byte; rating_group 200; }\n"
    "model qwen_max { service llm; id 1001; weight 3; }\n"
    "model data_hd { service data; id 2001; weight 2; }\n";

Compiled with_items(const std::string& items) {
  return compile(kPrelude + "plan p {\n" + items + "\n}\n");
}

// Compiles with no diagnostic but W0602 (the prelude declares two services; a test may use one).
// The help of the first diagnostic with this code; "(none)" when there is none.
std::string fix_of(const Compiled& c, const std::string& code) {
  const Diagnostic* d = c.find(code);
  return d ? d->fix : "(none)";
}

bool clean(const Compiled& c) {
  if (!c.program) return false;
  for (const Diagnostic& d : c.diags.items()) {
    if (d.code != "W0602") return false;
  }
  return true;
}

TEST(CheckerDesigner, MemberCapNeedsAPooledAllowance) {
  Compiled c = with_items(
      "allowance llm 20M token;\n"
      "cap llm 5M token per member then block;");
  EXPECT_FALSE(c.program);
  EXPECT_EQ(c.where("E0507"), "8:1") << c.rendered();
  const Diagnostic* d = c.find("E0507");
  ASSERT_NE(d, nullptr) << c.rendered();
  ASSERT_EQ(d->notes.size(), 1u);
  EXPECT_EQ(c.source->position(d->notes[0].range.begin).line, 7u);
  EXPECT_NE(d->fix.find("pooled"), std::string::npos) << d->fix;

  Compiled no_allowance = with_items("cap llm 5M token per member then block;");
  EXPECT_EQ(no_allowance.where("E0507"), "7:1") << no_allowance.rendered();

  Compiled pooled = with_items(
      "allowance llm 20M token pooled;\n"
      "cap llm 5M token per member then block;");
  EXPECT_TRUE(clean(pooled)) << pooled.rendered();
}

TEST(CheckerDesigner, RolloverCapAboveTheAllowanceWarns) {
  Compiled c = with_items("allowance data 10 GiB rollover 20 GiB for 2 periods;");
  EXPECT_TRUE(c.program) << c.rendered();  // a warning: the file still compiles
  EXPECT_EQ(c.where("W0603"), "7:32") << c.rendered();
  EXPECT_TRUE(clean(with_items("allowance data 10 GiB rollover 10 GiB for 2 periods;")));
  // An allowance that depends on the subscriber cannot be compared: no warning.
  Compiled attr = compile(kPrelude +
                          "attribute gib: GiB = 1 GiB;\n"
                          "plan p { allowance data gib rollover 20 GiB; }\n");
  EXPECT_TRUE(clean(attr)) << attr.rendered();
}

TEST(CheckerDesigner, NegativeAllowanceIsRefused) {
  Compiled c = with_items("allowance llm -5M token;");
  EXPECT_FALSE(c.program);
  EXPECT_EQ(c.where("E0409"), "7:15") << c.rendered();
  EXPECT_TRUE(clean(with_items("allowance llm 0 token;")));
}

TEST(CheckerDesigner, TwoServicesOnOneRatingGroupAreRefused) {
  Compiled c = compile(
      "service llm { unit token; rating_group 100; }\n"
      "service code { unit request; rating_group 100; }\n"
      "plan p { allowance llm 1k token; allowance code 10 requests; }\n");
  EXPECT_FALSE(c.program);
  EXPECT_EQ(c.where("E0210"), "2:43") << c.rendered();
  ASSERT_NE(c.find("E0210"), nullptr);
  ASSERT_EQ(c.find("E0210")->notes.size(), 1u);
  // The same Rating-Group under two Service-Context-Ids names two services.
  Compiled contexts = compile(
      "service llm { unit token; rating_group 100; context \"a@x\"; }\n"
      "service code { unit request; rating_group 100; context \"b@x\"; }\n"
      "plan p { allowance llm 1k token; allowance code 10 requests; }\n");
  EXPECT_TRUE(clean(contexts)) << contexts.rendered();
}

TEST(CheckerDesigner, ConstantDivisionByZeroIsRefused) {
  Compiled c = with_items("grant llm = requested / (2 - 2);");
  EXPECT_FALSE(c.program);
  EXPECT_EQ(c.where("E0410"), "7:25") << c.rendered();
  Compiled folded = with_items("allowance llm 1M token / 0;");
  EXPECT_EQ(folded.where("E0410"), "7:26") << folded.rendered();
  EXPECT_TRUE(clean(with_items("grant llm = requested / 2;")));
}

TEST(CheckerDesigner, OverageWithoutChargeNeverAppliesAndWarns) {
  Compiled c = with_items(
      "on_exhaust data restrict \"slow\";\n"
      "overage data 1 CNY per 1 GiB;");
  EXPECT_TRUE(c.program) << c.rendered();
  EXPECT_EQ(c.where("W0604"), "8:1") << c.rendered();
  EXPECT_NE(fix_of(c, "W0604").find("on_exhaust data charge"), std::string::npos);
  // No on_exhaust at all: the default is terminate.
  EXPECT_EQ(with_items("overage data 1 CNY per 1 GiB;").where("W0604"), "7:1");
  // A guarded `charge` may apply: no warning.
  Compiled guarded = with_items(
      "on_exhaust data charge when hour < 8;\n"
      "on_exhaust data terminate;\n"
      "overage data 1 CNY per 1 GiB;");
  EXPECT_TRUE(clean(guarded)) << guarded.rendered();
}

TEST(CheckerDesigner, WhenTestingAModelOfAnotherServiceIsRefused) {
  Compiled c = with_items("weight llm = 3 when model == data_hd;");
  EXPECT_FALSE(c.program);
  EXPECT_EQ(c.where("E0211"), "7:30") << c.rendered();
  const Diagnostic* d = c.find("E0211");
  ASSERT_NE(d, nullptr) << c.rendered();
  EXPECT_EQ(d->fix, "test a model of `llm`: `qwen_max`");
  ASSERT_EQ(d->notes.size(), 1u);
  EXPECT_EQ(c.source->position(d->notes[0].range.begin).line, 5u);
  EXPECT_EQ(with_items("grant llm = 1k token when model in [qwen_max, data_hd];").where("E0211"),
            "7:47");
  EXPECT_TRUE(clean(with_items("weight llm = 3 when model == qwen_max;")));
  // Plan-level items are for no one service: any model may be named.
  EXPECT_TRUE(with_items("allowance llm 1k token;\nfee 1 CNY when model == data_hd;").program);
}

TEST(CheckerDesigner, PriceBelowTheMinorUnitWarns) {
  Compiled fee = with_items("fee 0.001 CNY;");
  EXPECT_TRUE(fee.program) << fee.rendered();
  EXPECT_EQ(fee.where("W0605"), "7:5") << fee.rendered();
  ASSERT_NE(fee.find("W0605"), nullptr);
  EXPECT_NE(fee.find("W0605")->message.find("it bills 0.00 CNY"), std::string::npos);
  EXPECT_NE(fix_of(fee, "W0605").find("0.01 CNY"), std::string::npos) << fix_of(fee, "W0605");
  Compiled pack = with_items("pack p { price 9.995 CNY; grant llm 1k token; }");
  EXPECT_EQ(pack.where("W0605"), "7:16") << pack.rendered();
  EXPECT_TRUE(clean(with_items("fee 0.01 CNY;\nallowance llm 1k token;")));
  // Overage prices are per block and may be finer: the charge is rounded up, not the price.
  EXPECT_TRUE(
      clean(with_items("on_exhaust llm charge;\noverage llm 0.0001 CNY per 1k token;")));
}

TEST(CheckerDesigner, ConstantNegativeWeightIsRefusedZeroIsZeroRating) {
  Compiled rule = with_items("weight llm = -1 when hour < 8;");
  EXPECT_FALSE(rule.program);
  EXPECT_EQ(rule.where("E0409"), "7:14") << rule.rendered();
  Compiled model = compile(
      "service llm { unit token; }\n"
      "model free { service llm; id 1; weight -0.5; }\n"
      "plan p { allowance llm 1k token; }\n");
  EXPECT_EQ(model.where("E0409"), "2:40") << model.rendered();
  EXPECT_TRUE(clean(with_items("weight llm = 0 when hour < 8;")));
  // A weight that depends on the request is checked when it is computed (a fault), not here.
  EXPECT_TRUE(with_items("weight llm = model.weight - 4;").program);
}

TEST(CheckerDesigner, ScaleLetterGluedToTheUnitSuggestsItOnTheNumber) {
  Compiled c = with_items("allowance llm 400 ktoken;");
  EXPECT_EQ(c.where("E0203"), "7:19") << c.rendered();
  EXPECT_EQ(fix_of(c, "E0203"), "write the scale letter on the number: `400k token`");
  EXPECT_EQ(fix_of(with_items("allowance data 2 GGiB;"), "E0203"),
            "write the scale letter on the number: `2G GiB`");
}

TEST(CheckerDesigner, LimitInRequestsCountsRequestsOnAnyService) {
  Compiled c = with_items(
      "allowance llm 1M token;\n"
      "limit llm 60 requests per 1 min;\n"
      "limit llm 1M token per 1 h;");
  ASSERT_TRUE(clean(c)) << c.rendered();
  const ir::Program& p = *c.program;
  const ir::Block& b = p.blocks[block_of(p, "p", "llm")];
  ASSERT_EQ(b.windows.size(), 2u);
  EXPECT_TRUE(b.windows[0].counts_requests);
  EXPECT_EQ(b.windows[0].seconds, 60);
  EXPECT_FALSE(b.windows[1].counts_requests);
  const ir::Function* limit = function(p, block_of(p, "p", "llm"), ir::Role::kWindowLimit, 0);
  ASSERT_NE(limit, nullptr);
  EXPECT_EQ(limit->type, Type::quantity(Dim::kRequest));
  EXPECT_EQ(p.nodes[limit->body].imm, 60);
  EXPECT_NE(dump_ir(p).find("window 0 60 s counts_requests"), std::string::npos);

  // On a request service, requests are its own unit: the limit counts allowance units.
  Compiled code = compile(
      "service code { unit request; }\n"
      "plan p { allowance code 100 requests; limit code 10 requests per 1 min; }\n");
  ASSERT_TRUE(clean(code)) << code.rendered();
  EXPECT_FALSE(
      code.program->blocks[block_of(*code.program, "p", "code")].windows[0].counts_requests);
  // Another unit is still an error.
  Compiled bytes = with_items("limit llm 1 GiB per 1 h;");
  EXPECT_EQ(bytes.where("E0302"), "7:11") << bytes.rendered();
  EXPECT_NE(fix_of(bytes, "E0302").find("limit llm 60 requests per 1 min"), std::string::npos);
}

TEST(CheckerDesigner, RolloverForOnePeriodIsSingular) {
  Compiled one = with_items("allowance data 10 GiB rollover 5 GiB for 1 period;");
  ASSERT_TRUE(clean(one)) << one.rendered();
  EXPECT_EQ(one.program->blocks[block_of(*one.program, "p", "data")].rollover_periods, 1);
  Compiled two = with_items("allowance data 10 GiB rollover 5 GiB for 2 periods;");
  ASSERT_TRUE(clean(two)) << two.rendered();
  EXPECT_EQ(two.program->blocks[block_of(*two.program, "p", "data")].rollover_periods, 2);
}

TEST(CheckerDesigner, FirstMonthSuggestsFirstPeriod) {
  Compiled c = with_items("fee 1 CNY when first_month;");
  EXPECT_EQ(fix_of(c, "E0201"), "did you mean `first_period`?") << c.rendered();
}

TEST(CheckerDesigner, UnknownFieldsNameTheValidOnes) {
  Compiled svc =
      compile("service llm { unit token; ratinggroup 1; }\nplan p { allowance llm 1k token; }\n");
  EXPECT_EQ(fix_of(svc, "E0208"),
            "did you mean `rating_group`? the fields of a service: `unit`, `rating_group`, "
            "`context`, `quota`");
  Compiled model = compile(
      "service llm { unit token; }\nmodel m { service llm; colour red; }\n"
      "plan p { allowance llm 1k token; }\n");
  EXPECT_EQ(fix_of(model, "E0208"),
            "the fields of a model: `service`, `id`, `weight`, `modality`");
  EXPECT_EQ(
      fix_of(with_items("pack x { price 1 CNY; grant llm 1k token; vaild 3 days; }"), "E0208"),
      "did you mean `valid`? the fields of a pack: `price`, `grant`, `valid`");
  EXPECT_EQ(fix_of(with_items("promo x { grant llm 1k token; price 1 CNY; }"), "E0208"),
            "the fields of a promo: `grant`, `valid`, `when`");
}

}  // namespace
}  // namespace gyrate::lang::checker_test
