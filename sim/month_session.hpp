// Plays one planned session over Gy as an LLM gateway or a packet gateway would: CCR-I with a
// Requested-Service-Unit, CCR-U reporting what was used of each grant (never more than granted),
// CCR-T; a denial or a Final-Unit-Indication ends the session. Everything lands in the
// subscriber's month.
#pragma once

#include <atomic>
#include <string>

#include "gyrate/sim/month.hpp"
#include "month_plan.hpp"

namespace gyrate::sim {

struct SessionContext {
  const Exchange& exchange;
  const MonthOptions& options;
  std::atomic<uint64_t>& ccrs;    // all CCRs sent, for the progress line
  std::atomic<uint64_t>& errors;  // exchanges without an answer
};

enum class SessionEnd {
  kDone,     // the session used what it wanted
  kStopped,  // a denial or a final-unit indication: the subscriber stops this service for the day
  kError,    // no answer
};

SessionEnd play_session(const SessionContext& context, const PlannedSession& planned,
                        const SimSubscriber& subscriber, const PopulationGroup& group,
                        const std::string& session_id, int day, SubscriberMonth& out);

}  // namespace gyrate::sim
