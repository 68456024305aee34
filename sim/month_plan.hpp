// What one subscriber does on one day of the month, drawn from its group's profile before the day
// is played: LLM-gateway sessions (bursts of requests) and packet-gateway sessions.
#pragma once

#include <cstdint>
#include <vector>

#include "gyrate/sim/population.hpp"
#include "month_random.hpp"

namespace gyrate::sim {

struct PlannedRequest {
  int64_t at = 0;     // unix seconds
  uint64_t ask = 0;   // tokens requested (RSU)
  uint64_t uses = 0;  // tokens the model would produce if the grant allows (<= ask)
};

struct PlannedSession {
  int64_t start = 0;  // unix seconds
  size_t subscriber = 0;
  bool data = false;
  std::vector<uint32_t> service_identifiers;  // the model, if the profile names models
  std::vector<PlannedRequest> requests;       // llm only
  uint64_t bytes = 0;                         // data only
  int64_t seconds = 0;                        // data only: how long the session lasts
};

// Appends the day's sessions of subscriber `subscriber` (of `group`). `midnight` is the local
// day's start in unix seconds, `weekday` 0 = Monday.
void plan_day(const PopulationGroup& group, size_t subscriber, MonthRandom& random,
              int64_t midnight, int weekday, std::vector<PlannedSession>& out);

}  // namespace gyrate::sim
