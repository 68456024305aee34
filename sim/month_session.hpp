// Plays one planned session over Gy as an LLM gateway or a packet gateway would: CCR-I with a
// Requested-Service-Unit, CCR-U reporting what was used of each grant (never more than granted),
// CCR-T; a denial or a Final-Unit-Indication ends the session. Everything lands in the
// subscriber's month. A session goes one CCR per step, so sessions interleave in time order.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "gyrate/sim/month.hpp"
#include "month_plan.hpp"

namespace gyrate::sim {

struct SessionContext {
  SessionContext(const Exchange& e, const MonthOptions& o, std::atomic<uint64_t>& c,
                 std::atomic<uint64_t>& err, int64_t start, int n)
      : exchange(e), options(o), ccrs(c), errors(err), month_start(start), days(n) {}
  const Exchange& exchange;
  const MonthOptions& options;
  std::atomic<uint64_t>& ccrs;    // all CCRs sent, for the progress line
  std::atomic<uint64_t>& errors;  // exchanges without an answer
  int64_t month_start = 0;         // unix seconds of the first local day's midnight
  int days = 1;                    // the daily series' length
  // Refusals and final-unit indications so far, for the progress line.
  mutable std::atomic<uint64_t> denials{0};
  mutable std::atomic<uint64_t> final_units{0};
  // Hears of every 4012 right after it (subscriber, time, the answer's Validity-Time or 0), for
  // the consistency check; empty: no check.
  std::function<void(const std::string&, int64_t, int64_t)> refused;
};

enum class SessionEnd {
  kDone,     // the session used what it wanted
  kStopped,  // a denial or a final-unit indication: the subscriber stops this service for the day
  kError,    // no answer
};

// One session as a sequence of steps, so that a worker can interleave many sessions in the order
// of their Event-Timestamps.
class GySession {
 public:
  GySession(const SessionContext& context, PlannedSession planned, const SimSubscriber& subscriber,
            const PopulationGroup& group, std::string session_id, SubscriberMonth& out);

  // Sends the session's next CCR and reads its answer. Returns when the CCR after it is due
  // (unix seconds), or nullopt when the session is over; end() then says how.
  std::optional<int64_t> step();
  // Ends the session at `at` (the month's last second): the next step is its CCR-T, reporting
  // what was used since the last report.
  void cut(int64_t at);
  SessionEnd end() const { return end_; }
  // The day (of the month) of the CCR whose answer stopped the session.
  int stopped_day() const { return static_cast<int>(stopped_day_); }
  bool data() const { return planned_.data; }
  // The session ended on a Final-Unit-Indication REDIRECT (to a top-up page, say).
  bool redirected() const { return redirected_; }
  size_t subscriber() const { return planned_.subscriber; }

 private:
  struct Reply;
  std::optional<int64_t> step_llm();
  std::optional<int64_t> step_data();
  // Schedules the CCR-T: reporting `used`, at `at`, ending the session as `end`.
  std::optional<int64_t> terminate_at(std::optional<uint64_t> used, int64_t at, SessionEnd end);
  // The CCR-T when an answer ends the session (no answer, a closed session, a refusal).
  bool stops(const Reply& r, int64_t at, std::optional<int64_t>* next);
  diameter::ServiceUnits data_ask(uint64_t left) const;
  Reply send(diameter::CcRequestType type, std::optional<diameter::ServiceUnits> ask,
             std::optional<uint64_t> used, int64_t at);
  void read(const diameter::CreditControlAnswer& a, diameter::CcRequestType type, Reply& r);
  void count(uint64_t units, bool granted);
  void count_used(uint64_t used);
  int unit() const {  // a UnitKind, as an index
    return static_cast<int>(planned_.data ? UnitKind::kBytes
                            : counts_requests_ ? UnitKind::kRequests : UnitKind::kTokens);
  }

  const SessionContext& context_;
  PlannedSession planned_;
  const SimSubscriber& subscriber_;
  std::string session_id_;
  size_t day_ = 0;  // the day of the CCR being sent: usage, grants and refusals count there
  size_t stopped_day_ = 0;
  SubscriberMonth& out_;
  uint32_t rating_group_;
  const std::string& service_context_;
  uint64_t request_octets_;
  bool counts_requests_;
  uint32_t number_ = 0;  // CC-Request-Number
  // Where the session is: the next request (llm) or the bytes still to move (data), the usage
  // the next CCR reports, and the CCR-T once it is due.
  size_t next_request_ = 0;
  bool have_grant_ = false;  // llm: a grant the requests draw on, and what is left of it
  bool final_grant_ = false;
  uint64_t grant_left_ = 0;
  uint64_t reserve_ = 0;
  uint64_t bytes_left_ = 0;
  int64_t at_ = 0;
  int64_t sent_at_ = 0;  // the Event-Timestamp of the CCR being answered
  bool redirected_ = false;
  std::optional<uint64_t> pending_used_;
  int rounds_ = 0;
  bool terminating_ = false;
  SessionEnd end_ = SessionEnd::kDone;
};

}  // namespace gyrate::sim
