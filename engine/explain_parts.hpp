// The parts of Engine::explain apart from its steps: which rule gave each value of the block
// (explain_rules.cpp) and what the grant's size comes down to (explain_limit.cpp). Internal to
// gyrate_engine.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "gyrate/engine/catalog.hpp"
#include "gyrate/engine/explain.hpp"
#include "gyrate/ruleslang/int128.hpp"
#include "rating.hpp"

namespace gyrate::engine {

// Raw units an allowance-unit room covers at the weight (floor), as decide() converts it.
inline int64_t raw_room(int64_t allowance_room, int64_t weight) {
  if (weight <= 0) return std::numeric_limits<int64_t>::max();
  return saturate(static_cast<lang::Int128>(std::max<int64_t>(allowance_room, 0)) *
                  lang::kFixedScale / weight);
}

inline int64_t room_under(int64_t limit, int64_t used) {
  return saturate(std::max<lang::Int128>(static_cast<lang::Int128>(limit) - used, 0));
}

// Each function of the block with the rule that gave its value, in the block's order.
std::vector<FiredRule> fired_rules(const Catalog& catalog, uint32_t block, const RequestContext& ctx);

// Sets limited_by, limit and limit_rule from the answer, the bounds and the rules fired.
void explain_limit(Explanation& e);

}  // namespace gyrate::engine
