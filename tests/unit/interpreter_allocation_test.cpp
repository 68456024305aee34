// Proves that the reference interpreter allocates nothing per evaluate_block or decide() once a
// thread has warmed up: this binary replaces the global operator new with one that counts, per
// thread, while a test asks it to.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <thread>
#include <vector>

#include "gyrate/ruleslang/decision.hpp"
#include "gyrate/ruleslang/interpreter.hpp"
#include "ir_test_builder.hpp"
#include "tariff_fixture.hpp"

namespace {

// Where results go so that the calls computing them are not optimized away.
volatile int64_t g_sink = 0;

thread_local bool t_counting = false;
thread_local uint64_t t_allocations = 0;

void* counted_alloc(std::size_t size) {
  if (t_counting) ++t_allocations;
  return std::malloc(size == 0 ? 1 : size);
}

// Out of line, so that the compiler does not see new and free() meet and warn about a mismatch
// that this file makes on purpose.
[[gnu::noinline]] void counted_free(void* p) noexcept { std::free(p); }

}  // namespace

// Every plain and array form, allocating and freeing alike, so that no pair is left half to the
// runtime's (or a sanitizer's) own allocator. The aligned forms stay the runtime's, as a pair.
void* operator new(std::size_t size) {
  if (void* p = counted_alloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted_alloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return counted_alloc(size);
}
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_free(p); }

namespace gyrate::lang {
namespace {

// Allocations made by the calling thread while `fn` runs.
template <typename Fn>
uint64_t allocations_during(Fn&& fn) {
  t_allocations = 0;
  t_counting = true;
  fn();
  t_counting = false;
  return t_allocations;
}

// The example catalog's every block, under contexts from empty to plenty: a warm-up pass, then a
// counted one.
uint64_t catalog_allocations_after_warm_up(const gyrate::testing::CompiledTariff& t) {
  const ir::Program& p = t.program();
  std::vector<std::vector<int64_t>> contexts;
  for (int64_t remaining : {int64_t{0}, int64_t{5'000}, int64_t{1} << 50}) {
    ContextBuilder ctx = t.context();
    ctx.at(1782864000)
        .set(kSlotRequested, 100)
        .set(kSlotRemaining, remaining)
        .set(kSlotPeriodAllowance, 10'000)
        .set(kSlotUsed, 9'000);
    contexts.push_back(ctx.context().slots);
  }
  auto all_blocks = [&] {
    for (const auto& ctx : contexts) {
      for (uint32_t b = 0; b < p.blocks.size(); ++b) {
        BlockResult r = t.interpreter().evaluate_block(b, ctx.data());
        Decision d = decide(p, t.interpreter(), b, ctx.data());
        g_sink = static_cast<int64_t>(r.matched) + d.grant;
      }
    }
  };
  all_blocks();
  return allocations_during(all_blocks);
}

TEST(InterpreterAllocation, CountingOperatorNewSeesAnAllocation) {
  // The counter itself must work, or a zero below would prove nothing.
  EXPECT_GE(allocations_during([] {
              std::vector<int64_t> v(10, 1);
              g_sink = v[3];
            }),
            1u);
}

TEST(InterpreterAllocation, NoAllocationPerBlockOrDecisionOnTheExampleCatalog) {
  gyrate::testing::CompiledTariff t("examples/catalog.tariff");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(catalog_allocations_after_warm_up(t), 0u);
}

TEST(InterpreterAllocation, NoAllocationOnOtherThreadsEither) {
  gyrate::testing::CompiledTariff t("examples/catalog.tariff");
  ASSERT_TRUE(t.ok());
  uint64_t counted[2] = {1, 1};
  std::thread a([&] { counted[0] = catalog_allocations_after_warm_up(t); });
  std::thread b([&] { counted[1] = catalog_allocations_after_warm_up(t); });
  a.join();
  b.join();
  EXPECT_EQ(counted[0], 0u);
  EXPECT_EQ(counted[1], 0u);
}

TEST(InterpreterAllocation, StacksGrowOnceForADeeperExpression) {
  // A chain deeper than anything evaluated so far: the first call grows the thread's stacks,
  // the next ones reuse them.
  lang::testing::IrBuilder b;
  ir::ExprId e = b.c(1);
  for (int i = 0; i < 5'000; ++i) e = b.add(e, b.c(1));
  uint32_t blk = b.block();
  b.fn(blk, ir::Role::kGrant, e);
  Interpreter in(b.program);
  std::vector<int64_t> ctx = lang::testing::empty_context();
  BlockResult first;
  allocations_during([&] { first = in.evaluate_block(blk, ctx.data()); });
  EXPECT_EQ(first.values[0], 5'001);
  BlockResult again;
  EXPECT_EQ(allocations_during([&] { again = in.evaluate_block(blk, ctx.data()); }), 0u);
  EXPECT_EQ(again, first);
}

}  // namespace
}  // namespace gyrate::lang
