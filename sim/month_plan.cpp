// Draws a subscriber's sessions for one day: see month_plan.hpp.
#include "month_plan.hpp"

#include "gyrate/ruleslang/int128.hpp"

#include <algorithm>

namespace gyrate::sim {
namespace {

constexpr int64_t kHour = 3600;

// A start time in the day, its hour drawn with the shape's weights.
int64_t draw_start(const TrafficShape& shape, MonthRandom& random, int64_t midnight) {
  size_t hour = random.pick(shape.hourly);
  return midnight + static_cast<int64_t>(hour) * kHour + static_cast<int64_t>(random.below(kHour));
}

uint32_t draw_model(const std::vector<ModelShare>& models, MonthRandom& random) {
  uint64_t total = 0;
  for (const ModelShare& m : models) total += m.share;
  uint64_t x = random.below(total);
  for (const ModelShare& m : models) {
    if (x < m.share) return m.service_identifier;
    x -= m.share;
  }
  return models.back().service_identifier;
}

void plan_llm(const LlmProfile& llm, size_t subscriber, MonthRandom& random, int64_t midnight,
              int weekday, std::vector<PlannedSession>& out) {
  uint64_t requests = random.round(static_cast<double>(llm.requests_per_day) *
                                   llm.shape.weekly[static_cast<size_t>(weekday)]);
  while (requests > 0) {
    PlannedSession s;
    s.subscriber = subscriber;
    s.start = draw_start(llm.shape, random, midnight);
    if (!llm.models.empty()) s.service_identifiers.push_back(draw_model(llm.models, random));
    uint64_t n = std::min<uint64_t>(requests, llm.requests_per_session);
    requests -= n;
    int64_t at = s.start;
    for (uint64_t i = 0; i < n; ++i) {
      PlannedRequest r;
      r.at = at;
      r.ask = random.between(llm.tokens_min, llm.tokens_max);
      uint64_t percent = random.between(llm.use_min_percent, llm.use_max_percent);
      r.uses = static_cast<uint64_t>(static_cast<lang::UInt128>(r.ask) * percent / 100);
      s.requests.push_back(r);
      at += static_cast<int64_t>(random.between(20, 90));  // the user reads, then asks again
    }
    out.push_back(std::move(s));
  }
}

void plan_data(const DataProfile& data, size_t subscriber, MonthRandom& random, int64_t midnight,
               int weekday, std::vector<PlannedSession>& out) {
  uint64_t sessions = random.round(static_cast<double>(data.sessions_per_day) *
                                   data.shape.weekly[static_cast<size_t>(weekday)]);
  uint64_t mean = data.bytes_per_day / data.sessions_per_day;
  for (uint64_t i = 0; i < sessions; ++i) {
    PlannedSession s;
    s.subscriber = subscriber;
    s.data = true;
    s.start = draw_start(data.shape, random, midnight);
    s.bytes = random.between(mean / 2, mean + mean / 2);
    s.seconds = static_cast<int64_t>(data.session_minutes) * 60;
    if (s.bytes > 0) out.push_back(std::move(s));
  }
}

}  // namespace

void plan_day(const PopulationGroup& group, size_t subscriber, MonthRandom& random,
              int64_t midnight, int weekday, std::vector<PlannedSession>& out) {
  if (group.llm.enabled) plan_llm(group.llm, subscriber, random, midnight, weekday, out);
  if (group.data.enabled) plan_data(group.data, subscriber, random, midnight, weekday, out);
}

}  // namespace gyrate::sim
