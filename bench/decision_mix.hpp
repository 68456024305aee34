// Request mixes for the decision benchmarks: the example catalog's "month of requests", and the
// classes of requests production sees (fast grants, balances near exhaustion, faults, 128-bit
// host cases, plan blocks, and a blend of them), each checked to be what its name says.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "gyrate/ruleslang/evaluator.hpp"
#include "gyrate/ruleslang/ir.hpp"

namespace gyrate::bench {

// Power of two: the request index wraps with a mask. Small enough that contexts stay in cache,
// as a context the engine has just filled would be.
constexpr size_t kMixSize = 256;

struct RequestMix {
  std::vector<uint32_t> blocks;
  std::vector<std::vector<int64_t>> contexts;
};

// A month of requests against every (plan, service) of the catalog: random times, models of the
// service, typical request sizes, and balances from empty to plenty.
RequestMix make_mix(const lang::ir::Program& p, uint64_t seed);

enum class RequestClass {
  kFastGrant,       // granted, bounded by a rule: the balance is plenty
  kNearExhaustion,  // the balance is grant x weight, give or take one unit or one allowance unit
  kFault,           // a rule divides by zero or overflows: RATING_FAILED
  kHost128,         // balances above int64 / 10^6: the JIT hands the decision to 128-bit host code
  kPlanBlock,       // a plan's own block: fees, eligibility, promos
  kMixed,           // the classes above, weighted as a production day might see them
};
inline constexpr RequestClass kAllClasses[] = {
    RequestClass::kFastGrant, RequestClass::kNearExhaustion, RequestClass::kFault,
    RequestClass::kHost128,   RequestClass::kPlanBlock,      RequestClass::kMixed};
const char* class_name(RequestClass c);  // "FastGrant", ...

// A plan appended to the example catalog for the fault class: its grant divides by an attribute.
extern const char* const kFaultPlanText;

// kMixSize requests of class `c` over `p`. Every request is decided by both evaluators, which must
// agree and show the class's property (for kHost128: the JIT leaves the decision to the host);
// the program exits with a message otherwise, so a benchmark never times the wrong thing.
RequestMix make_class_mix(const lang::ir::Program& p, const lang::Evaluator& interp,
                          const lang::Evaluator& jit, RequestClass c, uint64_t seed);

}  // namespace gyrate::bench
