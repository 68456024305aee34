// The engine's request path (P2) and its memory and provisioning speed (P5), see
// docs/benchmarks.md. P2: reserve + commit pairs on the example catalog's token_starter plan,
// accounts in memory only, then on the embedded store with the journal (fsync off, and fsync
// always with group commit across threads), in one run; a "near exhaustion" mix where most
// grants are cut or refused. P5: provisioning N subscribers with four buckets, time and RSS.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "gyrate/engine/catalog.hpp"
#include "gyrate/engine/embedded_store.hpp"
#include "gyrate/engine/engine.hpp"

namespace {

using namespace gyrate::engine;

constexpr int64_t kT0 = 1'773'115'200;  // 2026-03-10T12:00:00+08:00
constexpr uint32_t kAccounts = 10'000;

std::shared_ptr<const Catalog> load(const std::string& relative) {
  CatalogLoad l = load_catalog(std::string(GYRATE_SOURCE_DIR) + "/" + relative, CatalogOptions{});
  if (!l.status) {
    std::fprintf(stderr, "%s\n", l.status.to_string().c_str());
    std::exit(1);
  }
  return l.catalog;
}

std::string account_id(uint32_t i) { return "sub" + std::to_string(i); }

std::filesystem::path temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "gyrate-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) std::exit(1);
  return pattern;
}

enum class Store { kMemory, kJournalNoSync, kJournalGroupCommit };

// One engine per benchmark, shared by its threads; built by thread 0, torn down by thread 0.
struct Fixture {
  std::unique_ptr<Engine> engine;
  std::filesystem::path dir;
};
Fixture* g_fixture = nullptr;

Fixture* build(Store kind, bool near_exhaustion) {
  auto* f = new Fixture;
  auto catalog = load("examples/catalog.tariff");
  if (kind == Store::kMemory) {
    f->engine = std::make_unique<Engine>(catalog);
  } else {
    f->dir = temp_dir();
    JournalOptions options;
    options.fsync = kind == Store::kJournalNoSync ? FsyncPolicy::kOff : FsyncPolicy::kAlways;
    auto store = EmbeddedStore::open(f->dir, options);
    auto engine = Engine::open(catalog, std::move(*store));
    f->engine = std::move(*engine);
  }
  std::vector<ProvisionSpec> specs;
  for (uint32_t i = 0; i < kAccounts; ++i) {
    ProvisionSpec s;
    s.id = account_id(i);
    s.plan = "token_starter";
    s.activation = kT0;
    specs.push_back(std::move(s));
  }
  if (!f->engine->provision_all(specs)) std::exit(1);
  if (near_exhaustion) {
    // 3M tokens each; leave 30k so a 50k grant is cut, and then refused once it is gone.
    for (uint32_t i = 0; i < kAccounts; ++i) {
      (void)f->engine->commit(account_id(i), {"fill", 1, "llm", 2'970'000, kT0});
    }
  }
  return f;
}

void reserve_commit(benchmark::State& state, Store kind, bool near_exhaustion) {
  if (state.thread_index() == 0) g_fixture = build(kind, near_exhaustion);
  static std::atomic<uint64_t> sessions{0};
  uint64_t granted = 0;
  uint64_t refused = 0;
  for (auto _ : state) {
    uint64_t n = sessions.fetch_add(1, std::memory_order_relaxed);
    const std::string id = account_id(static_cast<uint32_t>(n % kAccounts));
    const std::string session = "s" + std::to_string(n);
    const int64_t t = kT0 + static_cast<int64_t>(n / kAccounts);
    auto r = g_fixture->engine->reserve(id, {session, 1, "llm", "qwen_turbo", 50'000, t});
    if (r && r->grant > 0) {
      ++granted;
      // Near exhaustion every grant is used up, so balances reach zero and refusals follow.
      int64_t used = near_exhaustion ? r->grant : r->grant * 3 / 4;
      auto c = g_fixture->engine->commit(id, {session, 2, "llm", used, t});
      benchmark::DoNotOptimize(c);
    } else {
      ++refused;
      auto c = g_fixture->engine->release(id, session, 2, t);
      benchmark::DoNotOptimize(c);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 2);  // two requests each
  state.counters["requests_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * 2, benchmark::Counter::kIsRate);
  state.counters["refused_share"] = benchmark::Counter(
      static_cast<double>(refused) / static_cast<double>(std::max<uint64_t>(granted + refused, 1)),
      benchmark::Counter::kAvgThreads);
  if (state.thread_index() == 0) {
    if (kind != Store::kMemory) {
      JournalStats js = dynamic_cast<EmbeddedStore&>(*g_fixture->engine->store()).journal_stats();
      state.counters["records_per_commit"] =
          static_cast<double>(js.records) / static_cast<double>(std::max<uint64_t>(js.commits, 1));
      state.counters["bytes_per_record"] =
          static_cast<double>(js.bytes) / static_cast<double>(std::max<uint64_t>(js.records, 1));
    }
    std::filesystem::path dir = g_fixture->dir;
    delete g_fixture;
    g_fixture = nullptr;
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
}

void BM_ReserveCommit_Memory(benchmark::State& s) { reserve_commit(s, Store::kMemory, false); }
void BM_ReserveCommit_JournalNoSync(benchmark::State& s) {
  reserve_commit(s, Store::kJournalNoSync, false);
}
void BM_ReserveCommit_JournalGroupCommit(benchmark::State& s) {
  reserve_commit(s, Store::kJournalGroupCommit, false);
}
void BM_NearExhaustion_Memory(benchmark::State& s) { reserve_commit(s, Store::kMemory, true); }
void BM_NearExhaustion_JournalNoSync(benchmark::State& s) {
  reserve_commit(s, Store::kJournalNoSync, true);
}

BENCHMARK(BM_ReserveCommit_Memory)->UseRealTime()->MinTime(1.0);
BENCHMARK(BM_ReserveCommit_JournalNoSync)->UseRealTime()->MinTime(1.0);
BENCHMARK(BM_ReserveCommit_Memory)->Threads(2)->UseRealTime()->MinTime(1.0);
BENCHMARK(BM_ReserveCommit_JournalNoSync)->Threads(2)->UseRealTime()->MinTime(1.0);
BENCHMARK(BM_ReserveCommit_JournalGroupCommit)->Threads(64)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_NearExhaustion_Memory)->UseRealTime()->MinTime(1.0);
BENCHMARK(BM_NearExhaustion_JournalNoSync)->UseRealTime()->MinTime(1.0);

// Resident set size in bytes (/proc/self/statm).
int64_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * ::sysconf(_SC_PAGESIZE);
}

// Bytes the heap has handed out and not taken back (glibc: arenas plus mmapped blocks).
int64_t heap_bytes() {
  struct mallinfo2 m = ::mallinfo2();
  return static_cast<int64_t>(m.uordblks + m.hblkhd);
}

// P5: provisions `range(0)` subscribers on a four-bucket plan, in batches of 10k. RSS counts
// what the subscribers cost the machine (malloc's chunk headers and free gaps included); the
// heap figure counts the bytes allocated for them.
void BM_Provision(benchmark::State& state) {
  const auto n = static_cast<uint32_t>(state.range(0));
  auto catalog = load("bench/tariffs/four_buckets.tariff");
  for (auto _ : state) {
    state.PauseTiming();
    auto engine = std::make_unique<Engine>(catalog);
    // Memory an earlier run freed goes back to the system first: reused, it would not show in
    // the RSS delta (the 1M run reused the 100k run's ~100 MB and read ~100 bytes low).
    ::malloc_trim(0);
    int64_t before = rss_bytes();
    int64_t heap_before = heap_bytes();
    state.ResumeTiming();
    std::vector<ProvisionSpec> batch;
    for (uint32_t i = 0; i < n; ++i) {
      ProvisionSpec s;
      s.id = account_id(i);
      s.plan = "four";
      s.activation = kT0;
      batch.push_back(std::move(s));
      if (batch.size() == 10'000 || i + 1 == n) {
        if (!engine->provision_all(batch)) std::exit(1);
        batch.clear();
      }
    }
    state.PauseTiming();
    state.counters["bytes_per_subscriber"] =
        static_cast<double>(rss_bytes() - before) / static_cast<double>(n);
    state.counters["heap_bytes_per_subscriber"] =
        static_cast<double>(heap_bytes() - heap_before) / static_cast<double>(n);
    auto b = engine->balances(account_id(0), kT0);
    state.counters["buckets"] = static_cast<double>(b->buckets.size());
    engine.reset();
    state.ResumeTiming();
  }
  state.counters["subscribers_per_s"] =
      benchmark::Counter(static_cast<double>(n) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Provision)->Arg(100'000)->Arg(1'000'000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
