// Decision benchmarks (targets P1 and P4): the interpreter and the JIT on the same example catalog
// and request mix, per decision and per block evaluation; plus catalog compile and load times.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>
#include <utility>

#include "gyrate/jit/jit.hpp"
#include "gyrate/ruleslang/checker.hpp"
#include "gyrate/ruleslang/context_builder.hpp"
#include "gyrate/ruleslang/decision.hpp"
#include "gyrate/ruleslang/interpreter.hpp"
#include "plan_generator.hpp"

namespace gyrate::bench {
namespace {

// Power of two: the request index wraps with a mask. Small enough that contexts stay in cache,
// as a context the engine has just filled would be.
constexpr size_t kMixSize = 256;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

lang::ir::Program compile_or_die(const std::string& name, const std::string& text) {
  lang::SourceFile source(name, text);
  lang::Diagnostics diags;
  auto program = lang::compile_source(source, diags);
  if (!program) {
    std::fprintf(stderr, "%s", lang::render_all(diags, source).c_str());
    std::exit(1);
  }
  return std::move(*program);
}

std::unique_ptr<jit::JitCatalog> jit_or_die(const lang::ir::Program& p, const jit::JitOptions& o) {
  auto c = jit::JitCatalog::create(p, nullptr, o);
  if (!c) {
    std::fprintf(stderr, "JIT failed: %s\n", c.status().message().c_str());
    std::exit(1);
  }
  return std::move(*c);
}

// A month of requests against every (plan, service) of the catalog: random times, models of the
// service, typical request sizes, and balances from empty to plenty.
struct RequestMix {
  std::vector<uint32_t> blocks;
  std::vector<std::vector<int64_t>> contexts;
};

RequestMix make_mix(const lang::ir::Program& p, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  std::vector<uint32_t> service_blocks;
  for (uint32_t b = 0; b < p.blocks.size(); ++b) {
    if (p.blocks[b].service != lang::ir::kNoService) service_blocks.push_back(b);
  }
  RequestMix mix;
  for (size_t i = 0; i < kMixSize; ++i) {
    uint32_t b = service_blocks[static_cast<size_t>(pick(0, static_cast<int64_t>(service_blocks.size()) - 1))];
    const lang::ir::Service& svc = p.services[p.blocks[b].service];
    lang::ContextBuilder ctx(p);
    ctx.at(1782864000 + pick(0, 31 * 86400 - 1));  // July 2026
    std::vector<int> models;
    for (size_t m = 0; m < p.models.size(); ++m) {
      if (p.models[m].service == p.blocks[b].service) models.push_back(static_cast<int>(m));
    }
    int64_t model = models.empty() || pick(0, 9) == 0 ? -1 : models[static_cast<size_t>(pick(0, static_cast<int64_t>(models.size()) - 1))];
    int64_t unit = svc.dim == lang::Dim::kToken ? 1000 : svc.dim == lang::Dim::kByte ? (1 << 20) : 1;
    int64_t allowance = pick(0, 3) == 0 ? 0 : unit * pick(100, 30'000);
    ctx.set(lang::kSlotModel, model)
        .set(lang::kSlotRequested, unit * pick(0, 50))
        .set(lang::kSlotPeriodAllowance, allowance)
        .set(lang::kSlotUsed, pick(0, allowance + unit))
        .set(lang::kSlotRemaining, pick(0, 9) == 0 ? 0 : unit * pick(0, 20'000))
        .set(lang::kSlotSpend, pick(0, 60) * 1'000'000)
        .set(lang::kSlotPeriodIndex, pick(0, 2))
        .set(lang::kSlotDaysLeft, pick(0, 30))
        .set(lang::kSlotMemberUsed, unit * pick(0, 30'000))
        .set(lang::kSlotBillingDay, pick(1, 28))
        .set(lang::kSlotWindowUsed0, pick(0, 1500));
    ctx.set_by_name("segment", pick(0, 1) == 0 ? "opc" : "retail");
    ctx.set_by_name("region", pick(0, 1) == 0 ? "shanghai" : "beijing");
    ctx.set_by_name("seats", std::to_string(pick(1, 10)));
    ctx.set_by_name("student", pick(0, 1) == 0 ? "true" : "false");
    mix.blocks.push_back(b);
    mix.contexts.push_back(ctx.context().slots);
  }
  return mix;
}

// A catalog compiled once, with both evaluators and one request mix.
struct Fixture {
  std::string text;
  lang::ir::Program program;
  std::unique_ptr<lang::Interpreter> interp;
  std::unique_ptr<jit::JitCatalog> jit;
  RequestMix mix;

  Fixture(const std::string& name, std::string source)
      : text(std::move(source)),
        program(compile_or_die(name, text)),
        interp(std::make_unique<lang::Interpreter>(program)),
        jit(jit_or_die(program, {})),
        mix(make_mix(program, 42)) {}
};

// The example catalog.
const Fixture& fixture() {
  static const Fixture f("catalog.tariff",
                         read_file(std::string(GYRATE_SOURCE_DIR) + "/examples/catalog.tariff"));
  return f;
}

// 1,000 generated plans: machine code at level None (kOptimizedMachineCodeMaxNodes), and a
// request mix spread over 3,000 blocks, so code and context no longer sit in the L1 caches.
const Fixture& large_fixture() {
  static const Fixture f("generated.tariff", generate_plans(1000, 7));
  return f;
}

void run_decisions(benchmark::State& state, const Fixture& f, const lang::Evaluator& e) {
  size_t i = 0;
  for (auto _ : state) {
    lang::Decision d = lang::decide(f.program, e, f.mix.blocks[i], f.mix.contexts[i].data());
    benchmark::DoNotOptimize(d);
    i = (i + 1) & (kMixSize - 1);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

// decide() without the native block functions: evaluate_block into a BlockResult, then the decision
// logic. Shows what the JIT's direct path saves.
void run_generic_decisions(benchmark::State& state, const lang::Evaluator& e) {
  const Fixture& f = fixture();
  size_t i = 0;
  for (auto _ : state) {
    lang::BlockResult r = e.evaluate_block(f.mix.blocks[i], f.mix.contexts[i].data());
    lang::Decision d = lang::decide_values(f.program, f.mix.blocks[i], r.status, r.matched,
                                           r.values.data(), f.mix.contexts[i].data());
    benchmark::DoNotOptimize(d);
    i = (i + 1) & (kMixSize - 1);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void run_blocks(benchmark::State& state, const lang::Evaluator& e) {
  const Fixture& f = fixture();
  size_t i = 0;
  for (auto _ : state) {
    lang::BlockResult r = e.evaluate_block(f.mix.blocks[i], f.mix.contexts[i].data());
    benchmark::DoNotOptimize(r);
    i = (i + 1) & (kMixSize - 1);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_Decision_Interpreter(benchmark::State& s) { run_decisions(s, fixture(), *fixture().interp); }
void BM_Decision_Jit(benchmark::State& s) { run_decisions(s, fixture(), *fixture().jit); }
void BM_DecisionLargeCatalog_Interpreter(benchmark::State& s) {
  run_decisions(s, large_fixture(), *large_fixture().interp);
}
void BM_DecisionLargeCatalog_Jit(benchmark::State& s) {
  run_decisions(s, large_fixture(), *large_fixture().jit);
}
void BM_DecisionGeneric_Jit(benchmark::State& s) { run_generic_decisions(s, *fixture().jit); }
void BM_Block_Interpreter(benchmark::State& s) { run_blocks(s, *fixture().interp); }
void BM_Block_Jit(benchmark::State& s) { run_blocks(s, *fixture().jit); }

// Parse + check + JIT (O2, no cache) of a tariff text, i.e. what loading a catalog costs.
void compile_text(benchmark::State& state, const std::string& name, const std::string& text,
                  const jit::JitOptions& opts) {
  jit::CompileStats last;
  for (auto _ : state) {
    lang::ir::Program p = compile_or_die(name, text);
    auto c = jit_or_die(p, opts);
    last = c->stats();
    benchmark::DoNotOptimize(c);
  }
  state.counters["jit_ms"] = last.total_ms;
  state.counters["opt_ms"] = last.opt_ms;
  state.counters["codegen_ms"] = last.codegen_ms;
  state.counters["cache_hit"] = last.cache_hit ? 1 : 0;
  state.counters["ir_nodes"] = static_cast<double>(last.ir_nodes);
  state.counters["mc_optimized"] = last.machine_code_optimized ? 1 : 0;
}

void BM_CompileExampleCatalog_Jit(benchmark::State& s) {
  compile_text(s, "catalog.tariff", fixture().text, {});
}

void BM_Compile1000Plans_Jit(benchmark::State& s) {
  static const std::string text = generate_plans(1000, 7);
  compile_text(s, "generated.tariff", text, {});
  s.counters["plans"] = 1000;
}

void BM_CachedLoadExampleCatalog_Jit(benchmark::State& s) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("gyrate-bench-cache-" + std::to_string(::getpid()));
  jit::JitOptions opts{2, dir.string()};
  jit_or_die(fixture().program, opts);  // warm the cache
  compile_text(s, "catalog.tariff", fixture().text, opts);
  fs::remove_all(dir);
}

// GYRATE_BENCH_ITERATIONS=N runs each decision and block benchmark for exactly N iterations,
// for bench/count_instructions.sh: instruction counts need a known number of decisions.
void register_benchmarks() {
  const char* env = std::getenv("GYRATE_BENCH_ITERATIONS");
  const int64_t fixed = env != nullptr ? std::atoll(env) : 0;
  auto per_call = [&](const char* name, void (*fn)(benchmark::State&)) {
    benchmark::internal::Benchmark* b = benchmark::RegisterBenchmark(name, fn);
    if (fixed > 0) b->Iterations(fixed);
  };
  per_call("BM_Decision_Interpreter", BM_Decision_Interpreter);
  per_call("BM_Decision_Jit", BM_Decision_Jit);
  per_call("BM_DecisionLargeCatalog_Interpreter", BM_DecisionLargeCatalog_Interpreter);
  per_call("BM_DecisionLargeCatalog_Jit", BM_DecisionLargeCatalog_Jit);
  per_call("BM_DecisionGeneric_Jit", BM_DecisionGeneric_Jit);
  per_call("BM_Block_Interpreter", BM_Block_Interpreter);
  per_call("BM_Block_Jit", BM_Block_Jit);
  // Compilation uses a thread per core: wall-clock time is what a reload costs.
  benchmark::RegisterBenchmark("BM_CompileExampleCatalog_Jit", BM_CompileExampleCatalog_Jit)
      ->Unit(benchmark::kMillisecond)->Iterations(10)->UseRealTime();
  benchmark::RegisterBenchmark("BM_Compile1000Plans_Jit", BM_Compile1000Plans_Jit)
      ->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();
  benchmark::RegisterBenchmark("BM_CachedLoadExampleCatalog_Jit", BM_CachedLoadExampleCatalog_Jit)
      ->Unit(benchmark::kMillisecond)->Iterations(20)->UseRealTime();
}

}  // namespace
}  // namespace gyrate::bench

int main(int argc, char** argv) {
  gyrate::bench::register_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
