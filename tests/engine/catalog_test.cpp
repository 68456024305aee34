// Catalog: one owned catalog version; its indexes, its loader and decisions from many threads.
#include "gyrate/engine/catalog.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <unistd.h>

#include "decision_text.hpp"
#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/ruleslang/parser.hpp"

namespace gyrate::engine {
namespace {

using testsupport::decision_text;

std::string repo_path(const std::string& relative) {
  return std::string(GYRATE_SOURCE_DIR) + "/" + relative;
}

std::shared_ptr<const Catalog> load(const std::string& relative,
                                    jit::EvaluatorKind kind = jit::EvaluatorKind::kJit) {
  CatalogOptions options;
  options.evaluator = kind;
  CatalogLoad l = load_catalog(repo_path(relative), options);
  EXPECT_TRUE(l.status) << l.status.to_string() << "\n" << l.file.rendered_diagnostics();
  return l.catalog;
}

// The decision text without the action's address, which differs between two catalogs.
std::string comparable(const Catalog& c, const lang::Decision& d) {
  lang::Decision copy = d;
  copy.final_action = nullptr;
  return decision_text(copy) + " action=" + lang::action_text(d.final_action) + " " +
         lang::describe(c.program(), d);
}

TEST(Catalog, IndexesFindWhatARequestNames) {
  auto c = load("examples/catalog.tariff");
  ASSERT_NE(c, nullptr);
  const auto& p = c->program();

  ASSERT_TRUE(c->service("llm"));
  EXPECT_EQ(p.services[*c->service("llm")].name, "llm");
  EXPECT_FALSE(c->service("nope"));
  EXPECT_EQ(c->service_by_rating_group(200), c->service("data"));
  EXPECT_EQ(c->service_by_rating_group(300), c->service("sec"));
  EXPECT_FALSE(c->service_by_rating_group(999));
  auto ctx_services = c->services_by_context("32251@3gpp.org");
  ASSERT_EQ(ctx_services.size(), 1u);
  EXPECT_EQ(ctx_services[0], *c->service("data"));
  EXPECT_TRUE(c->services_by_context("unknown@x").empty());

  auto qwen_max = c->model_by_identifier(*c->service("llm"), 1001);
  ASSERT_TRUE(qwen_max);
  EXPECT_EQ(p.models[*qwen_max].name, "qwen_max");
  EXPECT_EQ(c->model("qwen_max"), qwen_max);
  EXPECT_FALSE(c->model_by_identifier(*c->service("data"), 1001));  // another service's id

  ASSERT_TRUE(c->attribute_slot("seats"));
  EXPECT_GE(*c->attribute_slot("seats"), lang::kSlotBuiltinCount);
  EXPECT_FALSE(c->attribute_slot("nope"));
  EXPECT_EQ(c->string_id("opc"), p.intern_lookup("opc"));
  EXPECT_NE(c->string_id("opc"), 0);
  EXPECT_EQ(c->string_id("never-mentioned"), 0);

  auto team = c->plan("team_pro");
  ASSERT_TRUE(team);
  auto block = c->block(*team, *c->service("llm"));
  ASSERT_TRUE(block);
  EXPECT_EQ(p.blocks[*block].plan, *team);
  EXPECT_FALSE(c->block(*team, *c->service("data")));  // team_pro sells no data
}

TEST(Catalog, PlanVersionsByNumberAndByEffectiveDate) {
  auto c = load("examples/catalog.tariff");
  ASSERT_NE(c, nullptr);
  const auto& plans = c->program().plans;
  auto v1 = c->plan("coding", 1);
  auto v2 = c->plan("coding", 2);
  ASSERT_TRUE(v1 && v2);
  EXPECT_EQ(plans[*v1].version, 1);
  EXPECT_EQ(plans[*v2].version, 2);
  EXPECT_EQ(c->plan("coding"), v2);  // newest
  EXPECT_FALSE(c->plan("coding", 3));

  auto day = [](int y, int m, int d) { return lang::calendar::days_from_civil({y, m, d}); };
  EXPECT_FALSE(c->plan_in_effect("coding", day(2025, 12, 31)));  // before v1 takes effect
  EXPECT_EQ(c->plan_in_effect("coding", day(2026, 1, 1)), v1);
  EXPECT_EQ(c->plan_in_effect("coding", day(2026, 8, 31)), v1);
  EXPECT_EQ(c->plan_in_effect("coding", day(2026, 9, 1)), v2);
  EXPECT_EQ(c->plan_in_effect("token_starter", day(1999, 1, 1)), c->plan("token_starter"));
}

TEST(Catalog, NewContextsCarryDefaultsAndLocalTime) {
  auto c = load("examples/catalog.tariff");
  ASSERT_NE(c, nullptr);
  // 2026-03-01 00:30 in +08:00 is 2026-02-28 16:30 UTC.
  int64_t t = lang::calendar::days_from_civil({2026, 2, 28}) * 86400 + 16 * 3600 + 30 * 60;
  RequestContext ctx = c->new_context(t);
  EXPECT_EQ(ctx.get(lang::kSlotTimestamp), t);
  EXPECT_EQ(ctx.get(lang::kSlotMonth), 3);
  EXPECT_EQ(ctx.get(lang::kSlotDay), 1);
  EXPECT_EQ(ctx.get(lang::kSlotHour), 0);
  EXPECT_EQ(ctx.get(lang::kSlotModel), -1);
  EXPECT_EQ(ctx.get(*c->attribute_slot("seats")), 1);
  EXPECT_EQ(ctx.get(*c->attribute_slot("segment")), c->string_id("retail"));
}

TEST(Catalog, PromosAreEligibleByTheirWhen) {
  auto c = load("examples/catalog.tariff");
  ASSERT_NE(c, nullptr);
  auto trial = c->plan("opc_trial");
  ASSERT_TRUE(trial);
  RequestContext ctx = c->new_context(0);
  EXPECT_EQ(c->eligible_promos(*trial, ctx), std::vector<bool>{false});  // region "unknown"
  ctx.set(*c->attribute_slot("region"), c->string_id("shanghai"));
  EXPECT_EQ(c->eligible_promos(*trial, ctx), std::vector<bool>{true});
  EXPECT_TRUE(c->eligible_promos(*c->plan("token_starter"), ctx).empty());  // it has none
  EXPECT_TRUE(c->eligible_promos(9999, ctx).empty());
}

// Random request contexts over the catalog's services, models and balances.
std::vector<RequestContext> random_contexts(const Catalog& c, size_t n, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<RequestContext> out;
  const int64_t t0 = lang::calendar::days_from_civil({2026, 1, 1}) * 86400;
  for (size_t i = 0; i < n; ++i) {
    RequestContext ctx = c.new_context(t0 + static_cast<int64_t>(rng() % (365 * 86400)));
    ctx.set(lang::kSlotModel, static_cast<int64_t>(rng() % (c.program().models.size() + 1)) - 1);
    ctx.set(lang::kSlotRequested, static_cast<int64_t>(rng() % 300'000));
    ctx.set(lang::kSlotRemaining, static_cast<int64_t>(rng() % 2) == 0
                                      ? static_cast<int64_t>(rng() % 100'000)
                                      : static_cast<int64_t>(rng() % 50'000'000'000ULL));
    ctx.set(lang::kSlotUsed, static_cast<int64_t>(rng() % 40'000'000));
    ctx.set(lang::kSlotMemberUsed, static_cast<int64_t>(rng() % 40'000'000));
    ctx.set(lang::kSlotSpend, static_cast<int64_t>(rng() % 3'000'000'000));
    ctx.set(lang::kSlotPeriodIndex, static_cast<int64_t>(rng() % 3));
    ctx.set(lang::kSlotWindowUsed0, static_cast<int64_t>(rng() % 1500));
    ctx.set(*c.attribute_slot("seats"), static_cast<int64_t>(rng() % 20));
    ctx.set(*c.attribute_slot("student"), static_cast<int64_t>(rng() % 2));
    ctx.set(*c.attribute_slot("segment"), c.string_id(rng() % 2 ? "opc" : "retail"));
    out.push_back(ctx);
  }
  return out;
}

TEST(Catalog, JitAndInterpreterCatalogsDecideAlike) {
  auto jit = load("examples/catalog.tariff", jit::EvaluatorKind::kJit);
  auto interp = load("examples/catalog.tariff", jit::EvaluatorKind::kInterp);
  ASSERT_NE(jit, nullptr);
  ASSERT_NE(interp, nullptr);
  EXPECT_STREQ(jit->evaluator().name(), "jit");
  EXPECT_STREQ(interp->evaluator().name(), "interp");
  // The JIT decides natively for the program the catalog owns (no silent generic path).
  EXPECT_EQ(jit->evaluator().native_program_id(), jit->id());
  auto contexts = random_contexts(*jit, 400, 7);
  for (uint32_t b = 0; b < jit->program().blocks.size(); ++b) {
    for (const RequestContext& ctx : contexts) {
      ASSERT_EQ(comparable(*jit, jit->decide(b, ctx)), comparable(*interp, interp->decide(b, ctx)))
          << "block " << b;
    }
  }
}

// Many threads deciding on one catalog at once get exactly what one thread gets.
TEST(Catalog, EightThreadsDecideLikeOne) {
  for (auto kind : {jit::EvaluatorKind::kJit, jit::EvaluatorKind::kInterp}) {
    auto c = load("examples/catalog.tariff", kind);
    ASSERT_NE(c, nullptr);
    auto contexts = random_contexts(*c, 300, 11);
    const uint32_t blocks = static_cast<uint32_t>(c->program().blocks.size());
    std::vector<std::string> expected;
    for (uint32_t b = 0; b < blocks; ++b) {
      for (const RequestContext& ctx : contexts) expected.push_back(decision_text(c->decide(b, ctx)));
    }
    constexpr int kThreads = 8;
    std::vector<std::vector<std::string>> got(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        std::vector<std::string>& mine = got[static_cast<size_t>(t)];
        mine.assign(expected.size(), {});
        // Each thread walks the pairs in its own order, many times, so calls interleave.
        std::vector<size_t> order(expected.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::shuffle(order.begin(), order.end(), std::mt19937(static_cast<uint32_t>(t)));
        for (int round = 0; round < 5; ++round) {
          for (size_t i : order) {
            uint32_t b = static_cast<uint32_t>(i / contexts.size());
            std::string text = decision_text(c->decide(b, contexts[i % contexts.size()]));
            if (round == 0) {
              mine[i] = std::move(text);
            } else if (text != mine[i]) {
              mine[i] = "changed between rounds: " + text;
            }
          }
        }
      });
    }
    for (auto& th : threads) th.join();
    for (int t = 0; t < kThreads; ++t) {
      for (size_t i = 0; i < expected.size(); ++i) {
        ASSERT_EQ(got[static_cast<size_t>(t)][i], expected[i]) << "thread " << t << " pair " << i;
      }
    }
  }
}

TEST(Catalog, RefusesAContextLargerThanARequestHolds) {
  lang::ir::Program p;
  p.context_slots = RequestContext::kCapacity + 1;
  auto c = Catalog::create(std::move(p), CatalogOptions{});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("at most 256"), std::string::npos) << c.status().message();
}

class CatalogLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("gyrate_catalog_load_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(CatalogLoadTest, AMissingFileIsNotFound) {
  CatalogLoad l = load_catalog((dir_ / "absent.tariff").string(), CatalogOptions{});
  EXPECT_EQ(l.status.code(), ErrorCode::kNotFound);
  EXPECT_EQ(l.catalog, nullptr);
  EXPECT_NE(l.status.message().find("absent.tariff"), std::string::npos);
}

TEST_F(CatalogLoadTest, ADirectoryIsAnIoError) {
  CatalogLoad l = load_catalog(dir_.string(), CatalogOptions{});
  EXPECT_EQ(l.status.code(), ErrorCode::kIo);
  EXPECT_EQ(l.catalog, nullptr);
}

TEST_F(CatalogLoadTest, ErrorsAreDiagnosticsRenderedAgainstTheSource) {
  std::string path = write("bad.tariff", "currency CNY minor 2;\nplan p { fee 1 CYN; }\n");
  CatalogLoad l = load_catalog(path, CatalogOptions{});
  EXPECT_EQ(l.status.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(l.catalog, nullptr);
  EXPECT_TRUE(l.file.diagnostics.has_errors());
  std::string text = l.file.rendered_diagnostics();
  EXPECT_NE(text.find("bad.tariff:2:"), std::string::npos) << text;
  EXPECT_NE(text.find("^"), std::string::npos) << text;
}

TEST_F(CatalogLoadTest, AFileOverTheSizeLimitIsRefusedWithoutReadingItAll) {
  std::string path = (dir_ / "huge.tariff").string();
  {
    std::ofstream out(path);
    std::string line(1023, '#');
    line += '\n';
    for (size_t i = 0; i < lang::kMaxSourceBytes / 1024 + 8; ++i) out << line;
  }
  CatalogLoad l = load_catalog(path, CatalogOptions{});
  EXPECT_EQ(l.catalog, nullptr);
  ASSERT_TRUE(l.file.source);
  EXPECT_EQ(l.file.source->text().size(), lang::kMaxSourceBytes + 1);
  EXPECT_NE(l.file.rendered_diagnostics().find("E0105"), std::string::npos);
}

}  // namespace
}  // namespace gyrate::engine
