// Extension plugins: the loader's ABI and validation checks, the cn_calendar example module, and
// an example tariff that calls it, decided by the JIT and the interpreter alike.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "gyrate/jit/jit.hpp"
#include "gyrate/plugins/plugin_loader.hpp"
#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/ruleslang/checker.hpp"
#include "gyrate/ruleslang/context_builder.hpp"
#include "gyrate/ruleslang/decision.hpp"
#include "gyrate/ruleslang/interpreter.hpp"

namespace gyrate {
namespace {

int64_t call(const lang::ExtensionRegistry& reg, const char* name, int64_t arg) {
  const lang::ExtensionDecl* d = reg.find(name);
  EXPECT_NE(d, nullptr) << name;
  if (d == nullptr) return -1;
  int64_t out = -1;
  EXPECT_EQ(d->fn(&arg, &out), 0);
  return out;
}

int64_t day(int64_t y, int m, int d) { return lang::calendar::days_from_civil({y, m, d}); }

TEST(PluginLoader, LoadsTheCnCalendarModule) {
  lang::ExtensionRegistry reg;
  auto info = plugins::load_plugin(GYRATE_CN_CALENDAR_PLUGIN, reg);
  ASSERT_TRUE(info) << info.status().message();
  EXPECT_EQ(info->name, "cn_calendar");
  EXPECT_EQ(info->functions, (std::vector<std::string>{"cn_holiday", "cn_workday"}));
  const lang::ExtensionDecl* d = reg.find("cn_holiday");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->params, std::vector<lang::Type>{lang::Type::of(lang::TypeKind::kDate)});
  EXPECT_EQ(d->result, lang::Type::of(lang::TypeKind::kBool));

  EXPECT_EQ(call(reg, "cn_holiday", day(2026, 2, 17)), 1);  // Spring Festival
  EXPECT_EQ(call(reg, "cn_holiday", day(2026, 10, 1)), 1);  // National Day
  EXPECT_EQ(call(reg, "cn_holiday", day(2026, 3, 10)), 0);
  EXPECT_EQ(call(reg, "cn_workday", day(2026, 2, 14)), 1);  // a Saturday worked in exchange
  EXPECT_EQ(call(reg, "cn_workday", day(2026, 2, 16)), 0);  // a Monday inside the holiday
  EXPECT_EQ(call(reg, "cn_workday", day(2026, 3, 7)), 0);   // an ordinary Saturday
  EXPECT_EQ(call(reg, "cn_workday", day(2026, 3, 9)), 1);   // an ordinary Monday
  EXPECT_EQ(call(reg, "cn_workday", day(2031, 3, 10)), 1);  // outside the table: Mon-Fri

  // Loading it twice would register the names twice: refused, registry unchanged.
  auto again = plugins::load_plugin(GYRATE_CN_CALENDAR_PLUGIN, reg);
  ASSERT_FALSE(again);
  EXPECT_NE(again.status().message().find("already registered"), std::string::npos);
  EXPECT_EQ(reg.all().size(), 2u);
}

TEST(PluginLoader, MissingFileOrEntryPointIsAStatus) {
  lang::ExtensionRegistry reg;
  EXPECT_FALSE(plugins::load_plugin("/nonexistent/plugin.so", reg));
  // A real shared object without the entry point (the C library).
  auto libc = plugins::load_plugin("libc.so.6", reg);
  ASSERT_FALSE(libc);
  EXPECT_NE(libc.status().message().find("entry point"), std::string::npos);
  EXPECT_TRUE(reg.all().empty());
}

int32_t one(const int64_t*, int64_t* out) {
  *out = 1;
  return 0;
}

TEST(PluginLoader, ValidatesTheDescriptionAllOrNothing) {
  const gyrate_type kInt = {GYRATE_VALUE_INT, GYRATE_DIM_NONE};
  const gyrate_type kMoney = {5, GYRATE_DIM_NONE};  // money: catalog-relative, not for plugins
  const gyrate_type kTokens = {GYRATE_VALUE_QUANTITY, GYRATE_DIM_TOKEN};
  gyrate_function fns[] = {
      {"good_one", 1, &kInt, kInt, &one, "ok"},
      {"tokens_id", 1, &kTokens, kTokens, &one, "ok"},
  };
  gyrate_plugin p = {GYRATE_PLUGIN_ABI_VERSION, sizeof(gyrate_plugin), "test", "1", 2, fns};
  lang::ExtensionRegistry reg;

  gyrate_plugin wrong_abi = p;
  wrong_abi.abi_version = GYRATE_PLUGIN_ABI_VERSION + 1;
  auto r = plugins::register_plugin(&wrong_abi, reg);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("ABI version"), std::string::npos);

  gyrate_function bad_type[] = {fns[0], {"money_fn", 1, &kMoney, kInt, &one, ""}};
  gyrate_plugin p2 = p;
  p2.functions = bad_type;
  EXPECT_FALSE(plugins::register_plugin(&p2, reg));
  EXPECT_TRUE(reg.all().empty());  // good_one was not registered either

  gyrate_function bad_name[] = {{"no spaces", 0, nullptr, kInt, &one, ""}};
  gyrate_plugin p3 = p;
  p3.functions = bad_name;
  p3.function_count = 1;
  EXPECT_FALSE(plugins::register_plugin(&p3, reg));

  gyrate_function no_fn[] = {{"no_fn", 0, nullptr, kInt, nullptr, ""}};
  p3.functions = no_fn;
  EXPECT_FALSE(plugins::register_plugin(&p3, reg));
  EXPECT_FALSE(plugins::register_plugin(nullptr, reg));

  auto ok = plugins::register_plugin(&p, reg);
  ASSERT_TRUE(ok) << ok.status().message();
  EXPECT_EQ(reg.all().size(), 2u);
  EXPECT_EQ(reg.find("tokens_id")->result, lang::Type::quantity(lang::Dim::kToken));
}

TEST(PluginLoader, ExampleTariffPricesHolidaysThroughThePlugin) {
  lang::ExtensionRegistry reg;
  ASSERT_TRUE(plugins::load_plugin(GYRATE_CN_CALENDAR_PLUGIN, reg));
  std::ifstream in(std::string(GYRATE_SOURCE_DIR) + "/plugins/ext_cn_calendar/holiday_offpeak.tariff");
  std::stringstream text;
  text << in.rdbuf();
  lang::SourceFile source("holiday_offpeak.tariff", text.str());
  lang::Diagnostics diags;
  auto program = lang::compile_source(source, diags, &reg);
  ASSERT_TRUE(program) << lang::render_all(diags, source);
  auto jit = jit::JitCatalog::create(*program, &reg);
  ASSERT_TRUE(jit) << jit.status().message();
  lang::Interpreter interp(*program, &reg);

  int plan = program->find_plan("holiday_tokens");
  int llm = program->find_service("llm");
  ASSERT_GE(plan, 0);
  ASSERT_GE(llm, 0);
  int block = program->service_block(static_cast<uint32_t>(plan), static_cast<uint16_t>(llm));
  ASSERT_GE(block, 0);
  auto decide_at = [&](const lang::Evaluator& e, int64_t y, int m, int d) {
    lang::ContextBuilder b(*program);
    b.at(day(y, m, d) * 86400 + 4 * 3600);  // noon in +08:00
    b.set(lang::kSlotRequested, 1'000'000).set(lang::kSlotRemaining, 0);
    return lang::decide(*program, e, static_cast<uint32_t>(block), b.context().data());
  };
  // Overage per 1M tokens: 0.5 CNY on a holiday, 1 CNY on another day off, 2 CNY on a workday.
  struct Case { int64_t y; int m, d; int64_t price; int64_t grant; };
  for (Case c : {Case{2026, 2, 17, 500'000, 500'000}, Case{2026, 3, 7, 1'000'000, 500'000},
                 Case{2026, 3, 9, 2'000'000, 100'000}, Case{2026, 2, 14, 2'000'000, 100'000}}) {
    lang::Decision dj = decide_at(**jit, c.y, c.m, c.d);
    lang::Decision di = decide_at(interp, c.y, c.m, c.d);
    EXPECT_TRUE(dj.has_overage_price) << c.m << "-" << c.d;
    EXPECT_EQ(dj.overage_price, c.price) << c.m << "-" << c.d;
    EXPECT_EQ(dj.overage_price, di.overage_price);
    EXPECT_EQ(dj.grant, di.grant);
    EXPECT_EQ(dj.outcome, di.outcome);
  }
}

}  // namespace
}  // namespace gyrate
