// Decision benchmarks (targets P1 and P4): the interpreter and the JIT on the same example catalog
// and request mix, per decision and per block evaluation; each class of request production sees
// (decision_mix.hpp), alone and blended, on one and several threads; catalog compile and load times.
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
#include "decision_mix.hpp"
#include "plan_generator.hpp"

namespace gyrate::bench {
namespace {

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

void run_mix(benchmark::State& state, const lang::ir::Program& program, const RequestMix& mix,
             const lang::Evaluator& e) {
  // Threads start at different requests, as concurrent requests would.
  size_t i = (static_cast<size_t>(state.thread_index()) * 101) & (kMixSize - 1);
  for (auto _ : state) {
    lang::Decision d = lang::decide(program, e, mix.blocks[i], mix.contexts[i].data());
    benchmark::DoNotOptimize(d);
    i = (i + 1) & (kMixSize - 1);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void run_decisions(benchmark::State& state, const Fixture& f, const lang::Evaluator& e) {
  run_mix(state, f.program, f.mix, e);
}

// The example catalog plus the fault plan, with one request mix per class. Built once, before any
// benchmark runs (several threads start a benchmark at once).
struct ClassFixture : Fixture {
  std::vector<RequestMix> classes;  // by RequestClass

  ClassFixture()
      : Fixture("catalog+seat_share.tariff",
                read_file(std::string(GYRATE_SOURCE_DIR) + "/examples/catalog.tariff") +
                    kFaultPlanText) {
    for (RequestClass c : kAllClasses) {
      classes.push_back(make_class_mix(program, *interp, *jit, c, 1000 + static_cast<uint64_t>(c)));
    }
  }
};

const ClassFixture& class_fixture() {
  static const ClassFixture f;
  return f;
}

void run_class(benchmark::State& state, RequestClass c, bool use_jit) {
  const ClassFixture& f = class_fixture();
  const lang::Evaluator& e = use_jit ? static_cast<const lang::Evaluator&>(*f.jit) : *f.interp;
  const uint64_t host_before = lang::native_host_decisions();
  run_mix(state, f.program, f.classes[static_cast<size_t>(c)], e);
  // The share of decisions the JIT left to 128-bit host code (all threads together).
  if (use_jit && state.thread_index() == 0) {
    state.counters["host_share"] = benchmark::Counter(
        static_cast<double>(lang::native_host_decisions() - host_before) /
        static_cast<double>(state.iterations() * static_cast<uint64_t>(state.threads())));
  }
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
  // One benchmark per class and evaluator, named BM_Class_<class>_<evaluator>; the mixed class
  // also on 2 and 4 threads deciding at once (the machine has 2 cores: 4 threads share them).
  for (RequestClass c : kAllClasses) {
    for (bool use_jit : {false, true}) {
      const std::string name =
          std::string("BM_Class_") + class_name(c) + (use_jit ? "_Jit" : "_Interpreter");
      benchmark::internal::Benchmark* b = benchmark::RegisterBenchmark(
          name.c_str(), [c, use_jit](benchmark::State& s) { run_class(s, c, use_jit); });
      if (fixed > 0) b->Iterations(fixed);
      if (c == RequestClass::kMixed) b->Threads(1)->Threads(2)->Threads(4);
    }
  }
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
  (void)gyrate::bench::class_fixture();  // checks every class mix before anything is timed
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
