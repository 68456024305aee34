// Generates a large tariff catalog (N plans mixing the example features with varied constants),
// for compile-time benchmarks.
#pragma once

#include <cstdint>
#include <string>

namespace gyrate::bench {

std::string generate_plans(int plans, uint64_t seed);

}  // namespace gyrate::bench
