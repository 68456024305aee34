// Load mode: many subscribers' sessions (CCR-I, N x CCR-U, CCR-T) at a rate or a concurrency for
// a duration, through one GyClient's asynchronous sends; CCR/s, answers by Result-Code, latency.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "gyrate/diameter/gy_client.hpp"
#include "gyrate/sim/units.hpp"

namespace gyrate::sim {

struct LoadOptions {
  unsigned concurrency = 16;  // requests in flight at most (one per simulated gateway session)
  double rate = 0;            // CCR/s to pace at; 0: as fast as `concurrency` allows
  std::chrono::milliseconds duration{10'000};
  // Subscribers: `subscribers` identities from `identity`: "e164:8613800000000" counts up from
  // the number; "nai:user{n}@llm.example" (also imsi:, sip:, private:) puts 0..N-1 for {n}.
  std::string identity = "e164:8613800000000";  // (E.164 may be written +86...)
  uint32_t subscribers = 1000;
  uint32_t updates_per_session = 3;  // CCR-U between CCR-I and CCR-T
  uint32_t rating_group = 100;
  std::optional<uint32_t> service_identifier;
  std::string service_context_id;  // empty: the client's default (32251@3gpp.org)
  Quantity units{.kind = UnitKind::kServiceSpecific, .value = 1000};  // RSU asked and USU reported
  const std::atomic<bool>* stop = nullptr;  // when it turns true, the run ends early (as at the duration)
};

struct LoadProgress {
  double seconds = 0;
  uint64_t sent = 0;
  uint64_t answered = 0;
  uint64_t in_flight = 0;
  double recent_per_second = 0;  // answers per second over the last interval
};

struct LoadReport {
  double seconds = 0;       // from the first send until the last answer (the drain included)
  uint64_t sent = 0;
  uint64_t answered = 0;
  double ccr_per_second = 0;  // answered / seconds
  uint64_t sessions_completed = 0;  // CCR-T answered
  std::map<uint32_t, uint64_t> by_result_code;
  std::map<std::string, uint64_t> errors;  // no answer, by kind ("unavailable", "corrupt", ...)
  uint64_t latency_p50_us = 0;
  uint64_t latency_p90_us = 0;
  uint64_t latency_p99_us = 0;
  uint64_t latency_max_us = 0;
  unsigned concurrency = 0;
  double rate = 0;
};

// Checks the options (identity pattern, counts); kInvalidArgument names what is wrong.
Status validate(const LoadOptions& options);
// The Subscription-Id of subscriber `index` (< options.subscribers) under the pattern.
diameter::SubscriptionId subscriber_id(const LoadOptions& options, uint32_t index);

// Runs for options.duration, then ends the open sessions with CCR-T and waits for every answer.
// `on_progress` (optional) is called about once a second from the calling thread.
Expected<LoadReport> run_load(diameter::GyClient& client, const LoadOptions& options,
                              const std::function<void(const LoadProgress&)>& on_progress = {});

// One JSON object: {"ccr_per_second":..., "latency_us":{"p50":...}, "result_codes":{"2001":...}, ...}
std::string to_json(const LoadReport& report);

}  // namespace gyrate::sim
