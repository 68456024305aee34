// Differential test of the decision arithmetic at the int64 edges: one block whose roles read the
// context, fed random balances beyond kInt64Max / 1e6, grants whose debit or threshold product
// lands near int64 overflow, and random weights (negative, zero, tiny, huge). The interpreter and
// the JIT at O0 and O2 must agree, and the JIT's 128-bit host path must run.
#include <gtest/gtest.h>

#include <cstdio>
#include <limits>
#include <random>
#include <vector>

#include "diff_common.hpp"
#include "gyrate/jit/jit.hpp"
#include "gyrate/ruleslang/interpreter.hpp"

namespace gyrate::difftest {
namespace {

using lang::ir::Role;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kScale = lang::kFixedScale;

// The roles of the block, in function order; function i loads context slot kSlotBuiltinCount + i.
constexpr Role kRoles[] = {Role::kWeight,       Role::kGrant,       Role::kThreshold,
                           Role::kExhaustAction, Role::kOveragePrice, Role::kOverageBlock,
                           Role::kWindowLimit,   Role::kWindowLimit,  Role::kUsageCap};
constexpr size_t kRoleCount = sizeof(kRoles) / sizeof(kRoles[0]);
size_t slot(size_t i) { return lang::kSlotBuiltinCount + i; }

lang::ir::Program edge_program() {
  lang::ir::Program p;
  p.strings.push_back("");
  p.context_slots = static_cast<uint32_t>(slot(kRoleCount));
  lang::ir::Block b;
  b.service = 0;
  for (size_t i = 0; i < kRoleCount; ++i) {
    lang::ir::Node n;
    n.op = lang::ir::OpCode::kLoad;
    n.imm = static_cast<int64_t>(slot(i));
    n.type = lang::Type::of(lang::TypeKind::kInt);
    p.nodes.push_back(n);
    lang::ir::Function f;
    f.role = kRoles[i];
    f.body = static_cast<lang::ir::ExprId>(i);
    f.type = kRoles[i] == Role::kThreshold || kRoles[i] == Role::kWeight
                 ? lang::Type::of(lang::TypeKind::kRatio)
                 : lang::Type::of(lang::TypeKind::kInt);
    b.functions.push_back(f);
  }
  b.functions[7].aux = 1;
  b.windows = {{60, false, {}}, {60, true, {}}};  // units, then requests
  lang::ir::Action terminate;
  terminate.kind = lang::ast::ActionKind::kTerminate;
  lang::ir::Action charge;
  charge.kind = lang::ast::ActionKind::kCharge;
  b.actions = {terminate, charge};
  p.blocks.push_back(b);
  lang::ir::Service svc;
  svc.name = "s";
  svc.quota = 1'000;
  p.services.push_back(svc);
  lang::ir::index_roles(p);
  return p;
}

class EdgeInputs {
 public:
  explicit EdgeInputs(uint64_t seed) : rng_(seed) {}

  std::vector<int64_t> context(size_t slots) {
    std::vector<int64_t> ctx(slots, 0);
    ctx[lang::kSlotModel] = -1;
    int64_t weight = weight_value();
    ctx[slot(0)] = weight;
    ctx[slot(1)] = grant_near_overflow(weight);
    ctx[slot(2)] = pick(4) == 0 ? in(-kMax, kMax) : in(-3 * kScale, 3 * kScale);
    ctx[slot(3)] = in(0, 1);  // terminate or charge: charge with a price lets the debit grow
    ctx[slot(4)] = in(0, 5 * kScale);
    ctx[slot(5)] = in(-1, 1'000'000);
    ctx[slot(6)] = pick(3) == 0 ? in(0, kMax) : kMax;  // unit window limit
    ctx[slot(7)] = in(0, 100);                         // requests per window
    ctx[slot(8)] = pick(3) == 0 ? in(0, kMax) : kMax;  // usage cap
    // Balances beyond kInt64Max / 1e6 (where remaining * 1e6 needs 128 bits) most of the time.
    ctx[lang::kSlotRemaining] = pick(4) == 0 ? in(-1'000, 1'000'000'000) : in(kMax / kScale, kMax);
    ctx[lang::kSlotRequested] = in(0, kMax);
    ctx[lang::kSlotUsed] = in(0, kMax / 2);
    ctx[lang::kSlotWindowUsed0] = in(0, kMax / 2);
    ctx[lang::kSlotWindowUsed1] = in(0, 120);
    return ctx;
  }

 private:
  int64_t in(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }
  int64_t pick(int64_t n) { return in(0, n - 1); }

  int64_t weight_value() {
    switch (pick(8)) {
      case 0: return 0;
      case 1: return in(-3 * kScale, -1);           // a fault
      case 2: return in(1, 1'000);                  // tiny: the room exceeds int64
      case 3: return in(kScale, kMax);              // huge
      default: return in(1, 10 * kScale);
    }
  }
  // A grant whose product with the weight (the debit), or with a ratio threshold, is near 2^63,
  // or whose debit itself is near kInt64Max (a fault just beyond it), or any grant.
  int64_t grant_near_overflow(int64_t weight) {
    int64_t w = weight > 0 ? weight : 1;
    switch (pick(4)) {
      case 0: return sat(kMax / w + in(-3, 3));
      case 1: {
        // debit = ceil(grant * w / 1e6) crosses kInt64Max for w above 1.0.
        if (w <= kScale) return in(0, kMax);
        __extension__ using I128 = __int128;
        I128 g = static_cast<I128>(kMax) * kScale / w;
        return sat(static_cast<int64_t>(g) + in(-3, 3));
      }
      case 2: return sat(kMax / 2 + in(-3, 3));  // against 200% thresholds and weights of 2
      default: return in(0, kMax);
    }
  }
  static int64_t sat(int64_t v) { return v < 0 ? 0 : v; }

  std::mt19937_64 rng_;
};

TEST(DifferentialEdges, DecisionArithmeticAgreesAtTheInt64Edges) {
  const uint64_t contexts = pairs_wanted(120'000);
  lang::ir::Program p = edge_program();
  lang::Interpreter interp(p);
  auto o0 = jit::JitCatalog::create(p, nullptr, jit::JitOptions{0, {}});
  auto o2 = jit::JitCatalog::create(p, nullptr, jit::JitOptions{2, {}});
  ASSERT_TRUE(o0) << o0.status().message();
  ASSERT_TRUE(o2) << o2.status().message();
  EdgeInputs inputs(base_seed(0x65646765));
  uint64_t granted = 0, overflow = 0, negative_weight = 0, window = 0;
  const uint64_t host_before = lang::native_host_decisions();
  for (uint64_t c = 0; c < contexts; ++c) {
    std::vector<int64_t> ctx = inputs.context(p.context_slots);
    lang::Decision want = lang::decide(p, interp, 0, ctx.data());
    const std::string want_text = decision_text(want);
    ASSERT_EQ(want_text, decision_text(lang::decide(p, **o0, 0, ctx.data()))) << "context " << c << " (O0)";
    ASSERT_EQ(want_text, decision_text(lang::decide(p, **o2, 0, ctx.data()))) << "context " << c << " (O2)";
    granted += want.outcome == lang::Outcome::kGranted;
    overflow += want.fault == lang::ir::EvalStatus::kOverflow;
    negative_weight += want.fault == lang::ir::EvalStatus::kNegativeWeight;
    window += want.limiter == lang::Limiter::kWindow;
  }
  const uint64_t host = lang::native_host_decisions() - host_before;
  std::printf("differential edges: %llu contexts; granted %llu, overflow faults %llu, negative "
              "weights %llu, window-limited %llu; JIT decisions left to the host %llu of %llu\n",
              static_cast<unsigned long long>(contexts), static_cast<unsigned long long>(granted),
              static_cast<unsigned long long>(overflow),
              static_cast<unsigned long long>(negative_weight),
              static_cast<unsigned long long>(window), static_cast<unsigned long long>(host),
              static_cast<unsigned long long>(2 * contexts));
  // Every edge must be reached often, or agreement would prove little.
  EXPECT_GT(granted, contexts / 10);
  EXPECT_GT(overflow, contexts / 100);
  EXPECT_GT(negative_weight, contexts / 20);
  EXPECT_GT(window, contexts / 100);
  EXPECT_GT(host, contexts / 10) << "these inputs are meant for the 128-bit host path";
}

}  // namespace
}  // namespace gyrate::difftest
