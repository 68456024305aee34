// Differential test: every example tariff (and the plugin example) x many generated contexts,
// evaluated by the interpreter and by the JIT at O0 and O2. Block results and the decisions
// built on them (interpreter + decide() through the JIT's native block functions) must agree exactly.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "diff_common.hpp"
#include "gyrate/jit/jit.hpp"
#include "gyrate/plugins/plugin_loader.hpp"
#include "gyrate/ruleslang/checker.hpp"
#include "gyrate/ruleslang/context_builder.hpp"
#include "gyrate/ruleslang/decision.hpp"
#include "gyrate/ruleslang/interpreter.hpp"

namespace gyrate::difftest {
namespace {

namespace fs = std::filesystem;
using lang::BlockResult;
using lang::Decision;

std::vector<fs::path> tariff_files() {
  std::vector<fs::path> files;
  fs::path root(GYRATE_SOURCE_DIR);
  for (const auto& e : fs::directory_iterator(root / "examples/tariffs")) {
    if (e.path().extension() == ".tariff") files.push_back(e.path());
  }
  files.push_back(root / "examples/catalog.tariff");
  for (const auto& e : fs::directory_iterator(root / "plugins/ext_cn_calendar")) {
    if (e.path().extension() == ".tariff") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Realistic contexts with a share of extreme values, so that overflow paths run too.
class ContextGen {
 public:
  ContextGen(const lang::ir::Program& p, uint64_t seed) : p_(p), rng_(seed) {}

  std::vector<int64_t> next() {
    lang::ContextBuilder b(p_);
    // 2025-01-01 .. 2027-12-31, the years the calendars and tariffs talk about.
    b.at(std::uniform_int_distribution<int64_t>(1735689600, 1830297599)(rng_));
    std::vector<int64_t> ctx = b.context().slots;
    ctx[lang::kSlotModel] = pick(-1, static_cast<int64_t>(p_.models.size()) - 1);
    for (uint16_t s = lang::kSlotRequested; s < lang::kSlotBuiltinCount; ++s) {
      ctx[s] = amount();
    }
    ctx[lang::kSlotPeriodIndex] = pick(0, 3);
    ctx[lang::kSlotDaysLeft] = pick(0, 31);
    ctx[lang::kSlotBillingDay] = pick(1, 31);
    for (const lang::ir::Attribute& a : p_.attributes) ctx[a.slot] = attribute(a);
    return ctx;
  }

 private:
  int64_t pick(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  int64_t amount() {
    switch (pick(0, 9)) {
      case 0: return 0;
      case 1: return pick(0, 1000);
      case 2: return pick(-10, 10);
      case 3: return pick(0, int64_t{1} << 40);
      case 4: return std::numeric_limits<int64_t>::max() - pick(0, 2);
      case 5: return std::numeric_limits<int64_t>::min() + pick(0, 2);
      default: return pick(0, 100'000'000);
    }
  }
  int64_t attribute(const lang::ir::Attribute& a) {
    using lang::TypeKind;
    switch (a.type.kind) {
      case TypeKind::kBool: return pick(0, 1);
      case TypeKind::kString: return pick(0, static_cast<int64_t>(p_.strings.size()) - 1);
      case TypeKind::kInt: return pick(0, 3) == 0 ? amount() : pick(0, 20);
      case TypeKind::kWeekday: return pick(1, 7);
      case TypeKind::kTimeOfDay: return pick(0, 1439);
      case TypeKind::kDate: return pick(19000, 21000);
      default: return amount();
    }
  }

  const lang::ir::Program& p_;
  std::mt19937_64 rng_;
};

TEST(DifferentialExamples, InterpreterAndJitAgreeOnEveryExampleTariff) {
  const std::vector<fs::path> files = tariff_files();
  ASSERT_GE(files.size(), 15u);
  lang::ExtensionRegistry registry;
  auto plugin = plugins::load_plugin(GYRATE_CN_CALENDAR_PLUGIN, registry);
  ASSERT_TRUE(plugin) << plugin.status().message();

  const uint64_t pairs = pairs_wanted(120'000);
  const uint64_t per_file = (pairs + files.size() - 1) / files.size();
  const uint64_t seed = base_seed(20260101);
  uint64_t done = 0;
  uint64_t granted = 0;
  for (const fs::path& path : files) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    lang::SourceFile source(path.filename().string(), text.str());
    lang::Diagnostics diags;
    auto program = lang::compile_source(source, diags, &registry);
    ASSERT_TRUE(program.has_value()) << path << "\n" << lang::render_all(diags, source);
    const lang::ir::Program& p = *program;
    lang::Interpreter interp(p, &registry);
    auto o0 = jit::JitCatalog::create(p, &registry, jit::JitOptions{0, {}});
    auto o2 = jit::JitCatalog::create(p, &registry, jit::JitOptions{2, {}});
    ASSERT_TRUE(o0) << path << ": " << o0.status().message();
    ASSERT_TRUE(o2) << path << ": " << o2.status().message();
    // decide() must take the native path, or the decision comparison compares the generic one twice.
    ASSERT_EQ((*o2)->native_program_id(), p.identity.id());

    ContextGen gen(p, seed ^ std::hash<std::string>{}(path.filename().string()));
    for (uint64_t c = 0; c < per_file; ++c, ++done) {
      std::vector<int64_t> ctx = gen.next();
      for (uint32_t b = 0; b < p.blocks.size(); ++b) {
        BlockResult want = interp.evaluate_block(b, ctx.data());
        BlockResult r0 = (*o0)->evaluate_block(b, ctx.data());
        BlockResult r2 = (*o2)->evaluate_block(b, ctx.data());
        ASSERT_EQ(want, r0) << path << " block " << b << " context " << c << "\n interp "
                            << describe(want) << "\n O0 " << describe(r0);
        ASSERT_EQ(want, r2) << path << " block " << b << " context " << c << "\n interp "
                            << describe(want) << "\n O2 " << describe(r2);
        // decide() calls the JIT's native block function; generic_decision takes the BlockResult path.
        Decision di = lang::decide(p, interp, b, ctx.data());
        const std::string want_text = decision_text(di);
        ASSERT_EQ(want_text, decision_text(lang::decide(p, **o2, b, ctx.data())))
            << path << " block " << b << " context " << c << " (O2)";
        ASSERT_EQ(want_text, decision_text(lang::decide(p, **o0, b, ctx.data())))
            << path << " block " << b << " context " << c << " (O0)";
        ASSERT_EQ(want_text, decision_text(generic_decision(p, **o2, b, ctx.data())))
            << path << " block " << b << " context " << c << " (O2, generic)";
        granted += di.outcome == lang::Outcome::kGranted ? 1 : 0;
      }
    }
  }
  std::printf("differential examples: %llu pairs (tariff x context) over %zu files, %llu grants\n",
              static_cast<unsigned long long>(done), files.size(),
              static_cast<unsigned long long>(granted));
  EXPECT_GT(granted, done / 20);  // the contexts reach real decisions, not only faults
}

}  // namespace
}  // namespace gyrate::difftest
