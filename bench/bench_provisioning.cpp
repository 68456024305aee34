// Bulk provisioning benchmark: a generated CSV of subscribers on the example catalog, parsed and
// provisioned into a fresh Engine per iteration (engine::apply_provisioning, all or nothing);
// reports subscribers per second, and parsing alone for comparison.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <unistd.h>

#include "gyrate/engine/provisioning_file.hpp"

namespace gyrate::bench {
namespace {

// The plans a generated subscriber may join (none pooled: teams are a small share of a population
// and their members land in one account each).
constexpr const char* kPlans[] = {"token_starter", "smart_bundle", "student_paygo", "coding"};

std::shared_ptr<const engine::Catalog> catalog_or_die() {
  static std::shared_ptr<const engine::Catalog> catalog = [] {
    engine::CatalogLoad load = engine::load_catalog(
        std::string(GYRATE_SOURCE_DIR) + "/examples/catalog.tariff", engine::CatalogOptions{});
    if (!load.status) {
      std::fprintf(stderr, "catalog: %s\n%s", load.status.message().c_str(),
                   load.file.rendered_diagnostics().c_str());
      std::exit(1);
    }
    return load.catalog;
  }();
  return catalog;
}

// `n` subscribers, each with an E.164 number and an IMSI, activations spread over November 2026,
// every fourth with a billing day, some with attributes. Written once per size, removed at exit.
const std::string& subscribers_csv(int64_t n) {
  static std::map<int64_t, std::string> files;
  auto it = files.find(n);
  if (it != files.end()) return it->second;
  std::string path = (std::filesystem::temp_directory_path() /
                      ("gyrate_bench_subscribers_" + std::to_string(::getpid()) + "_" +
                       std::to_string(n) + ".csv"))
                         .string();
  std::ofstream out(path);
  out << "id,plan,activation,billing_day,team,identities,attr.region,attr.student\n";
  for (int64_t i = 0; i < n; ++i) {
    const char* plan = kPlans[i % 4];
    out << "sub-" << i << ',' << plan << ",2026-11-" << (1 + i % 28 < 10 ? "0" : "")
        << 1 + i % 28 << 'T' << (i % 24 < 10 ? "0" : "") << i % 24 << ":00,"
        << (i % 4 == 0 ? std::to_string(1 + i % 31) : "") << ",,e164:+86139" << 10'000'000 + i
        << ";imsi:46000" << 1'000'000'000 + i << ',' << (i % 3 == 0 ? "shanghai" : "") << ','
        << (i % 4 == 2 ? "true" : "") << '\n';
  }
  std::atexit([] {
    for (const auto& [size, file] : files) std::filesystem::remove(file);
  });
  return files.emplace(n, path).first->second;
}

void BM_ProvisionCsv(benchmark::State& state) {
  auto catalog = catalog_or_die();
  const std::string& file = subscribers_csv(state.range(0));
  for (auto _ : state) {
    auto engine = std::make_unique<engine::Engine>(catalog);
    engine::ProvisioningReport report = engine::apply_provisioning(*engine, file);
    if (!report.applied) {
      state.SkipWithError(report.errors.empty() ? "not applied"
                                                : report.errors.front().to_string().c_str());
      return;
    }
    benchmark::DoNotOptimize(engine->account_count());
    state.PauseTiming();  // tearing 100k accounts down is not provisioning
    engine.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["subscribers/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * state.range(0)),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ProvisionCsv)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ParseCsv(benchmark::State& state) {
  int32_t offset = catalog_or_die()->program().timezone_offset_minutes;
  const std::string& file = subscribers_csv(state.range(0));
  for (auto _ : state) {
    engine::ParsedProvisioning parsed =
        engine::read_provisioning_file(file, engine::ProvisioningFormat::kAuto, offset);
    if (!parsed.errors.empty()) {
      state.SkipWithError(parsed.errors.front().to_string().c_str());
      return;
    }
    benchmark::DoNotOptimize(parsed.specs.data());
  }
  state.counters["subscribers/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * state.range(0)),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ParseCsv)->Arg(100'000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace gyrate::bench

BENCHMARK_MAIN();
