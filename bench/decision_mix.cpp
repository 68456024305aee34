// Request mixes for the decision benchmarks (see decision_mix.hpp).
#include "decision_mix.hpp"

#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>

#include "gyrate/ruleslang/context_builder.hpp"
#include "gyrate/ruleslang/decision.hpp"

namespace gyrate::bench {
namespace {

using lang::Decision;
using lang::Outcome;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

struct Request {
  uint32_t block = 0;
  std::vector<int64_t> context;
  int64_t unit = 1;  // one unit of the block's service in its context slots (1k token, 1 MiB, 1)
};

// Draws requests the way make_mix always has, so that the example catalog's figures stay
// comparable from one stop to the next.
class RequestSource {
 public:
  RequestSource(const lang::ir::Program& p, uint64_t seed) : p_(p), rng_(seed) {}

  int64_t pick(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }

  Request random(const std::vector<uint32_t>& blocks) {
    uint32_t b = blocks[static_cast<size_t>(pick(0, static_cast<int64_t>(blocks.size()) - 1))];
    const uint16_t service = p_.blocks[b].service;
    lang::ContextBuilder ctx(p_);
    ctx.at(1782864000 + pick(0, 31 * 86400 - 1));  // July 2026
    std::vector<int> models;
    for (size_t m = 0; m < p_.models.size(); ++m) {
      if (p_.models[m].service == service) models.push_back(static_cast<int>(m));
    }
    int64_t model =
        models.empty() || pick(0, 9) == 0
            ? -1
            : models[static_cast<size_t>(pick(0, static_cast<int64_t>(models.size()) - 1))];
    // A plan block has no service: its requests count in plain units.
    const lang::Dim dim =
        service == lang::ir::kNoService ? lang::Dim::kEvent : p_.services[service].dim;
    int64_t unit = dim == lang::Dim::kToken ? 1000 : dim == lang::Dim::kByte ? (1 << 20) : 1;
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
    return {b, ctx.context().slots, unit};
  }

 private:
  const lang::ir::Program& p_;
  std::mt19937_64 rng_;
};

std::vector<uint32_t> blocks_where(const lang::ir::Program& p, bool plan_blocks) {
  std::vector<uint32_t> out;
  for (uint32_t b = 0; b < p.blocks.size(); ++b) {
    if ((p.blocks[b].service == lang::ir::kNoService) == plan_blocks) out.push_back(b);
  }
  return out;
}

bool same(const Decision& a, const Decision& b) {
  return a.block == b.block && a.outcome == b.outcome && a.fault == b.fault &&
         a.limiter == b.limiter && a.weight == b.weight && a.grant == b.grant &&
         a.debit == b.debit && a.validity_seconds == b.validity_seconds &&
         a.threshold == b.threshold && a.final_units == b.final_units &&
         a.final_action == b.final_action && a.has_overage_price == b.has_overage_price &&
         a.overage_price == b.overage_price && a.overage_block == b.overage_block &&
         a.fee == b.fee && a.allowance == b.allowance;
}

// Decides with both evaluators; exits if they disagree: a wrong answer is not worth timing.
struct Checked {
  Decision decision;
  bool jit_on_host = false;  // the JIT left this decision to decide_native_on_host (128-bit)
};
Checked decide_both(const lang::ir::Program& p, const lang::Evaluator& interp,
                    const lang::Evaluator& jit, const Request& r) {
  Decision want = lang::decide(p, interp, r.block, r.context.data());
  const uint64_t host_before = lang::native_host_decisions();
  Decision got = lang::decide(p, jit, r.block, r.context.data());
  if (!same(want, got)) {
    std::fprintf(stderr, "bench: the JIT and the interpreter disagree on block %u:\n  %s\n  %s\n",
                 r.block, lang::describe(p, want).c_str(), lang::describe(p, got).c_str());
    std::exit(1);
  }
  return {want, lang::native_host_decisions() != host_before};
}

bool granted_by_rule(const Checked& c) {
  return c.decision.outcome == Outcome::kGranted && c.decision.limiter != lang::Limiter::kBalance &&
         !c.jit_on_host;
}

}  // namespace

const char* const kFaultPlanText = R"(
# Bench only: a share of the request per seat, which divides by zero when seats is 0.
plan seat_share {
  period monthly anchor billing_day;
  allowance llm 1M token;
  grant llm = requested / seats;
  on_exhaust llm block;
}
)";

const char* class_name(RequestClass c) {
  switch (c) {
    case RequestClass::kFastGrant:
      return "FastGrant";
    case RequestClass::kNearExhaustion:
      return "NearExhaustion";
    case RequestClass::kFault:
      return "Fault";
    case RequestClass::kHost128:
      return "Host128";
    case RequestClass::kPlanBlock:
      return "PlanBlock";
    case RequestClass::kMixed:
      return "Mixed";
  }
  return "?";
}

RequestMix make_mix(const lang::ir::Program& p, uint64_t seed) {
  RequestSource source(p, seed);
  const std::vector<uint32_t> service_blocks = blocks_where(p, false);
  RequestMix mix;
  for (size_t i = 0; i < kMixSize; ++i) {
    Request r = source.random(service_blocks);
    mix.blocks.push_back(r.block);
    mix.contexts.push_back(std::move(r.context));
  }
  return mix;
}

RequestMix make_class_mix(const lang::ir::Program& p, const lang::Evaluator& interp,
                          const lang::Evaluator& jit, RequestClass c, uint64_t seed) {
  RequestMix mix;
  if (c == RequestClass::kMixed) {
    // Most requests are plain grants; a day also brings balances running out, plan blocks at
    // period starts, a few huge balances and a few faults. Weights in percent.
    struct Part {
      RequestClass c;
      int percent;
    };
    static constexpr Part kParts[] = {{RequestClass::kFastGrant, 70},
                                      {RequestClass::kNearExhaustion, 12},
                                      {RequestClass::kPlanBlock, 8},
                                      {RequestClass::kHost128, 5},
                                      {RequestClass::kFault, 5}};
    std::mt19937_64 rng(seed);
    std::vector<RequestMix> parts;
    for (const Part& part : kParts)
      parts.push_back(make_class_mix(p, interp, jit, part.c, seed + 1));
    for (size_t i = 0; i < kMixSize; ++i) {
      int roll = static_cast<int>(rng() % 100);
      size_t k = 0;
      while (roll >= kParts[k].percent) roll -= kParts[k++].percent;
      mix.blocks.push_back(parts[k].blocks[i]);
      mix.contexts.push_back(parts[k].contexts[i]);
    }
    return mix;
  }

  RequestSource source(p, seed);
  const std::vector<uint32_t> blocks = blocks_where(p, c == RequestClass::kPlanBlock);
  const int seats_attribute = p.find_attribute("seats");
  const int seats_slot =
      seats_attribute < 0 ? -1 : p.attributes[static_cast<size_t>(seats_attribute)].slot;
  size_t attempts = 0;
  while (mix.blocks.size() < kMixSize) {
    if (++attempts > 200 * kMixSize) {
      std::fprintf(stderr, "bench: cannot find %zu requests of class %s in this catalog\n",
                   kMixSize, class_name(c));
      std::exit(1);
    }
    Request r = source.random(blocks);
    int64_t& remaining = r.context[lang::kSlotRemaining];
    int64_t& requested = r.context[lang::kSlotRequested];
    bool keep = false;
    switch (c) {
      case RequestClass::kFastGrant:
        requested = r.unit * source.pick(1, 50);
        remaining = r.unit * source.pick(10'000, 1'000'000);
        keep = granted_by_rule(decide_both(p, interp, jit, r));
        break;
      case RequestClass::kNearExhaustion: {
        requested = r.unit * source.pick(1, 50);
        remaining = r.unit * 1'000'000;
        Checked plenty = decide_both(p, interp, jit, r);
        if (!granted_by_rule(plenty) || plenty.decision.debit <= r.unit) break;
        // One unit, or one allowance unit, either side of what the grant would debit.
        static constexpr int64_t kSides[] = {-1, 1};
        const int64_t side = kSides[source.pick(0, 1)];
        remaining = plenty.decision.debit + side * (source.pick(0, 1) == 0 ? 1 : r.unit);
        Checked near = decide_both(p, interp, jit, r);
        keep = !near.jit_on_host && (side < 0 ? near.decision.limiter == lang::Limiter::kBalance ||
                                                    near.decision.outcome == Outcome::kExhausted
                                              : granted_by_rule(near));
        break;
      }
      case RequestClass::kFault:
        // seats 0 divides by zero (seat_share); 10^15 seats overflow a per-seat allowance.
        if (seats_slot < 0) break;
        r.context[static_cast<size_t>(seats_slot)] =
            source.pick(0, 1) == 0 ? 0 : 1'000'000'000'000'000;
        keep = decide_both(p, interp, jit, r).decision.outcome == Outcome::kRatingFailed;
        break;
      case RequestClass::kHost128: {
        requested = r.unit * source.pick(1, 50);
        remaining = kInt64Max / lang::kFixedScale + r.unit * source.pick(1, 1'000'000);
        Checked host = decide_both(p, interp, jit, r);
        keep = host.jit_on_host && host.decision.outcome == Outcome::kGranted;
        break;
      }
      case RequestClass::kPlanBlock: {
        // First periods and later ones (period_index 0-2), 1-10 seats, any segment or region.
        keep = decide_both(p, interp, jit, r).decision.fault == lang::ir::EvalStatus::kOk;
        break;
      }
      case RequestClass::kMixed:
        break;
    }
    if (!keep) continue;
    mix.blocks.push_back(r.block);
    mix.contexts.push_back(std::move(r.context));
  }
  return mix;
}

}  // namespace gyrate::bench
