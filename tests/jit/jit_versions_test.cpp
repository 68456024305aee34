// Catalog versions: each has its own dylib and ResourceTracker; its code is removed only when the
// last reference (an in-flight request's) is gone, and reloads under load never break a call.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

#include "gyrate/jit/jit.hpp"
#include "jit_test_util.hpp"

namespace gyrate::jittest {
namespace {

// A catalog whose only function returns ctx[0] + k.
Ir offset_program(int64_t k) {
  Ir ir;
  ir.block({ir.bin(OpCode::kAdd, ir.load(0), ir.c(k))});
  return ir;
}

std::shared_ptr<jit::JitSession> new_session() {
  auto s = jit::JitSession::create();
  EXPECT_TRUE(s) << s.status().message();
  return s ? *s : nullptr;
}

int64_t eval(const lang::Evaluator& e, int64_t x) {
  std::vector<int64_t> ctx(lang::kSlotBuiltinCount, 0);
  ctx[0] = x;
  return e.evaluate_block(0, ctx.data()).values[0];
}

TEST(JitVersions, AVersionIsUnloadedWhenItsLastUserReleasesIt) {
  auto session = new_session();
  ASSERT_NE(session, nullptr);
  Ir v1 = offset_program(100);
  Ir v2 = offset_program(200);
  auto c1 = jit::JitCatalog::create(session, v1.p, nullptr, {});
  ASSERT_TRUE(c1);
  std::shared_ptr<const jit::JitCatalog> published = std::move(*c1);
  EXPECT_EQ(session->loaded_versions(), 1u);

  std::shared_ptr<const jit::JitCatalog> in_flight = published;  // a request still running on v1
  auto c2 = jit::JitCatalog::create(session, v2.p, nullptr, {});
  ASSERT_TRUE(c2);
  uint64_t unloaded = jit::counters().versions_unloaded;
  published = std::move(*c2);  // the reload publishes v2
  EXPECT_EQ(session->loaded_versions(), 2u);
  EXPECT_EQ(jit::counters().versions_unloaded, unloaded);
  EXPECT_EQ(eval(*in_flight, 1), 101);  // v1's code is still there for the in-flight call
  EXPECT_EQ(eval(*published, 1), 201);
  EXPECT_NE(in_flight->version_id(), published->version_id());

  in_flight.reset();  // drained
  EXPECT_EQ(session->loaded_versions(), 1u);
  EXPECT_EQ(jit::counters().versions_unloaded, unloaded + 1);
  EXPECT_EQ(eval(*published, 1), 201);
}

TEST(JitVersions, ManyLoadUnloadCyclesLeaveNothingBehind) {
  auto session = new_session();
  ASSERT_NE(session, nullptr);
  for (int i = 0; i < 200; ++i) {
    Ir ir = offset_program(i);
    auto c = jit::JitCatalog::create(session, ir.p, nullptr, jit::JitOptions{0, {}});
    ASSERT_TRUE(c);
    ASSERT_EQ(eval(**c, 1), i + 1);
  }
  EXPECT_EQ(session->loaded_versions(), 0u);
}

TEST(JitVersions, ReloadsUnderConcurrentEvaluation) {
  auto session = new_session();
  ASSERT_NE(session, nullptr);
  auto first = jit::JitCatalog::create(session, offset_program(0).p, nullptr, {});
  ASSERT_TRUE(first);
  std::atomic<std::shared_ptr<const jit::JitCatalog>> current{
      std::shared_ptr<const jit::JitCatalog>(std::move(*first))};
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> calls{0};
  std::atomic<uint64_t> bad{0};

  std::thread reader([&] {
    while (!stop.load()) {
      std::shared_ptr<const jit::JitCatalog> v = current.load();  // pin the version
      int64_t r = eval(*v, 1'000'000);
      // Every version adds a multiple of 1000 in 0 .. 49'000.
      if (r < 1'000'000 || r > 1'049'000 || r % 1000 != 0) bad.fetch_add(1);
      calls.fetch_add(1);
    }
  });
  for (int k = 1; k < 50; ++k) {
    Ir ir = offset_program(k * 1000);
    auto next =
        jit::JitCatalog::create(session, ir.p, nullptr, jit::JitOptions{k % 2 == 0 ? 0 : 2, {}});
    if (!next) {  // no ASSERT here: the reader thread must still be joined
      ADD_FAILURE() << next.status().message();
      break;
    }
    current.store(std::shared_ptr<const jit::JitCatalog>(std::move(*next)));
  }
  while (calls.load() < 1000) std::this_thread::yield();
  stop.store(true);
  reader.join();
  EXPECT_EQ(bad.load(), 0u);
  current.store(nullptr);
  EXPECT_EQ(session->loaded_versions(), 0u);
}

}  // namespace
}  // namespace gyrate::jittest
