// Load mode. Each of `concurrency` slots plays one gateway session at a time (CCR-I, CCR-U...,
// CCR-T, then the next subscriber's session), one request in flight per slot. Without a rate a
// slot sends its next request from the answer's callback; with a rate, answered slots wait in a
// queue that the calling thread serves at the pace asked. After the duration, open sessions end
// with their CCR-T and the run waits for every answer.
#include "gyrate/sim/load.hpp"

#include <atomic>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "gyrate/diameter/result_code.hpp"
#include "gyrate/sim/latency.hpp"

namespace gyrate::sim {
namespace {

namespace gd = diameter;
using Clock = std::chrono::steady_clock;

struct IdType {
  const char* prefix;
  gd::SubscriptionIdType type;
};
constexpr IdType kIdTypes[] = {{"e164:", gd::SubscriptionIdType::kEndUserE164},
                               {"imsi:", gd::SubscriptionIdType::kEndUserImsi},
                               {"sip:", gd::SubscriptionIdType::kEndUserSipUri},
                               {"nai:", gd::SubscriptionIdType::kEndUserNai},
                               {"private:", gd::SubscriptionIdType::kEndUserPrivate}};

const IdType* id_type_of(const std::string& pattern) {
  for (const IdType& t : kIdTypes) {
    if (pattern.rfind(t.prefix, 0) == 0) return &t;
  }
  return nullptr;
}

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 18) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

struct Slot {
  gd::CreditControlRequest ccr;  // the slot's current session, reused request to request
  bool open = false;             // CCR-I answered 2001, CCR-T not sent yet
  uint32_t updates_done = 0;
  bool finished = false;
  Clock::time_point sent_at;
};

class Run {
 public:
  Run(gd::GyClient& client, const LoadOptions& o) : client_(client), o_(o), slots_(o.concurrency) {}

  LoadReport go(const std::function<void(const LoadProgress&)>& on_progress) {
    start_ = Clock::now();
    auto deadline = start_ + o_.duration;
    for (size_t i = 0; i < slots_.size(); ++i) {
      if (o_.rate > 0) park(i);
      else issue(i);
    }
    auto next_progress = start_ + std::chrono::seconds(1);
    auto next_send = start_;
    const auto interval = o_.rate > 0 ? std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(1.0 / o_.rate))
                                      : Clock::duration::zero();
    uint64_t answered_at_last_progress = 0;
    auto last_progress = start_;
    // Past this, requests still unanswered are given up on (the client answers each within its
    // timeout, so this only guards against a client that broke its promise).
    auto give_up = deadline + std::chrono::seconds(30);
    while (finished_.load() < slots_.size() && Clock::now() < give_up) {
      auto now = Clock::now();
      if (!stopping_.load() && (now >= deadline || (o_.stop != nullptr && o_.stop->load()))) {
        stopping_.store(true);
      }
      std::optional<size_t> slot;
      bool paced = o_.rate > 0 && !stopping_.load();
      {
        std::unique_lock lock(mutex_);
        auto wake = next_progress;
        if (paced && next_send < wake) wake = next_send;
        if (!stopping_.load() && deadline < wake) wake = deadline;
        if (o_.stop != nullptr && now + std::chrono::milliseconds(100) < wake) wake = now + std::chrono::milliseconds(100);
        idle_cv_.wait_until(lock, wake, [&] {
          return (!idle_.empty() && (!paced || Clock::now() >= next_send)) ||
                 finished_.load() >= slots_.size();
        });
        if (!idle_.empty() && (!paced || Clock::now() >= next_send)) {
          slot = idle_.front();
          idle_.pop_front();
        }
      }
      if (slot) {
        if (paced) {
          next_send += interval;
          // Behind schedule by more than a second (concurrency too low): do not burst to catch up.
          if (Clock::now() - next_send > std::chrono::seconds(1)) next_send = Clock::now();
        }
        issue(*slot);
      }
      now = Clock::now();
      if (now >= next_progress) {
        if (on_progress) {
          uint64_t answered = answered_.load();
          double dt = std::chrono::duration<double>(now - last_progress).count();
          on_progress(LoadProgress{
              .seconds = std::chrono::duration<double>(now - start_).count(),
              .sent = sent_.load(),
              .answered = answered,
              .in_flight = sent_.load() - answered,
              .recent_per_second = dt > 0 ? static_cast<double>(answered - answered_at_last_progress) / dt : 0});
          answered_at_last_progress = answered;
          last_progress = now;
        }
        next_progress += std::chrono::seconds(1);
      }
    }
    return report();
  }

  // Waits until no callback can touch this run any more (every request answered or given up on).
  void wait_quiet() {
    auto until = Clock::now() + client_.options().answer_timeout + std::chrono::seconds(2);
    while (sent_.load() > answered_.load() + errors_total_.load() && Clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

 private:
  void park(size_t i) {
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(i);
    }
    idle_cv_.notify_one();
  }

  void finish(size_t i) {
    slots_[i].finished = true;
    {
      std::lock_guard lock(mutex_);  // so the wait below cannot miss the last one
      finished_.fetch_add(1);
    }
    idle_cv_.notify_one();
  }

  void new_session(Slot& s) {
    uint32_t n = next_subscriber_.fetch_add(1) % o_.subscribers;
    s.ccr = gd::CreditControlRequest{};
    s.ccr.session_id = client_.new_session_id();
    s.ccr.subscription_ids = {subscriber_id(o_, n)};
    s.ccr.service_context_id = o_.service_context_id;
    s.ccr.cc_request_type = gd::CcRequestType::kInitial;
    s.ccr.cc_request_number = 0;
    s.ccr.requested_action = gd::RequestedAction::kDirectDebiting;
    s.ccr.multiple_services_indicator = gd::MultipleServicesIndicator::kSupported;
    gd::MsccRequest m;
    m.rating_group = o_.rating_group;
    if (o_.service_identifier) m.service_identifiers = {*o_.service_identifier};
    m.requested = to_service_units(o_.units);
    s.ccr.mscc = {m};
    s.updates_done = 0;
  }

  // Prepares and sends slot i's next request; or finishes the slot once stopping with no session.
  void issue(size_t i) {
    Slot& s = slots_[i];
    bool stopping = stopping_.load();
    if (!s.open) {
      if (stopping) return finish(i);
      new_session(s);
    } else {
      gd::MsccRequest& m = s.ccr.mscc.front();
      m.used = {gd::UsedServiceUnit{.units = to_service_units(o_.units), .reporting_reason = {}}};
      s.ccr.cc_request_number += 1;
      if (stopping || s.updates_done >= o_.updates_per_session) {
        s.ccr.cc_request_type = gd::CcRequestType::kTermination;
        s.ccr.termination_cause = gd::TerminationCause::kLogout;
        m.requested.reset();
        m.used.front().reporting_reason = gd::ReportingReason::kFinal;
      } else {
        s.ccr.cc_request_type = gd::CcRequestType::kUpdate;
        m.requested = to_service_units(o_.units);
      }
    }
    sent_.fetch_add(1);
    s.sent_at = Clock::now();
    client_.send(s.ccr, [this, i](gd::AnswerOrStatus a) { on_answer(i, std::move(a)); });
  }

  void on_answer(size_t i, gd::AnswerOrStatus a) {
    Slot& s = slots_[i];
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - s.sent_at).count();
    gd::CcRequestType type = s.ccr.cc_request_type;
    if (!a) {
      {
        std::lock_guard lock(mutex_);
        ++errors_[error_code_name(a.status().code())];
      }
      errors_total_.fetch_add(1);
      s.open = false;  // the session is abandoned; the server's supervision timer ends it
      return park(i);  // the calling thread re-issues: no recursion when send fails at once
    }
    latency_.record(static_cast<uint64_t>(us));
    uint32_t code = gd::code_value(a->result_code);
    {
      std::lock_guard lock(mutex_);
      ++by_code_[code];
    }
    if (type == gd::CcRequestType::kInitial) {
      s.open = code == gd::code_value(gd::ResultCode::kSuccess);
    } else if (type == gd::CcRequestType::kUpdate) {
      ++s.updates_done;
      // Out of credit: end the session at the next request.
      if (code != gd::code_value(gd::ResultCode::kSuccess)) s.updates_done = o_.updates_per_session;
    } else {
      s.open = false;
      sessions_completed_.fetch_add(1);
    }
    answered_.fetch_add(1);
    if (o_.rate > 0 && !stopping_.load()) return park(i);
    issue(i);
  }

  LoadReport report() {
    end_ = Clock::now();
    LoadReport r;
    r.seconds = std::chrono::duration<double>(end_ - start_).count();
    r.sent = sent_.load();
    r.answered = answered_.load();
    r.ccr_per_second = r.seconds > 0 ? static_cast<double>(r.answered) / r.seconds : 0;
    r.sessions_completed = sessions_completed_.load();
    {
      std::lock_guard lock(mutex_);
      r.by_result_code = by_code_;
      r.errors = errors_;
    }
    uint64_t unfinished = r.sent - r.answered - errors_total_.load();
    if (unfinished > 0) r.errors["unanswered at the end"] += unfinished;
    r.latency_p50_us = latency_.percentile(50);
    r.latency_p90_us = latency_.percentile(90);
    r.latency_p99_us = latency_.percentile(99);
    r.latency_max_us = latency_.max();
    r.concurrency = o_.concurrency;
    r.rate = o_.rate;
    return r;
  }

  gd::GyClient& client_;
  const LoadOptions& o_;
  std::vector<Slot> slots_;
  Clock::time_point start_, end_;
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> finished_{0};
  std::atomic<uint32_t> next_subscriber_{0};
  std::atomic<uint64_t> sent_{0}, answered_{0}, errors_total_{0}, sessions_completed_{0};
  LatencyHistogram latency_;
  std::mutex mutex_;  // idle_, by_code_, errors_
  std::condition_variable idle_cv_;
  std::deque<size_t> idle_;
  std::map<uint32_t, uint64_t> by_code_;
  std::map<std::string, uint64_t> errors_;
};

}  // namespace

Status validate(const LoadOptions& o) {
  const IdType* t = id_type_of(o.identity);
  if (t == nullptr) {
    return Status::error(ErrorCode::kInvalidArgument,
                         "the identity pattern starts with e164:, imsi:, nai:, sip: or private:");
  }
  std::string rest = o.identity.substr(std::string_view(t->prefix).size());
  if (!all_digits(rest[0] == '+' ? rest.substr(1) : rest) && rest.find("{n}") == std::string::npos) {
    return Status::error(ErrorCode::kInvalidArgument,
                         "the identity pattern is a number to count up from (e164:8613800000000) or holds "
                         "{n} (nai:user{n}@llm.example)");
  }
  if (o.subscribers == 0) return Status::error(ErrorCode::kInvalidArgument, "at least one subscriber");
  if (o.concurrency == 0 || o.concurrency > 100'000) {
    return Status::error(ErrorCode::kInvalidArgument, "concurrency is between 1 and 100000");
  }
  if (o.rate < 0) return Status::error(ErrorCode::kInvalidArgument, "the rate is not negative");
  if (o.duration.count() <= 0) return Status::error(ErrorCode::kInvalidArgument, "the duration is positive");
  return Status::ok();
}

gd::SubscriptionId subscriber_id(const LoadOptions& o, uint32_t index) {
  const IdType* t = id_type_of(o.identity);
  gd::SubscriptionId id;
  id.type = t->type;
  std::string rest = o.identity.substr(std::string_view(t->prefix).size());
  if (!rest.empty() && rest[0] == '+' && all_digits(rest.substr(1))) {  // E.164 written +86...
    LoadOptions digits;
    digits.identity = std::string(t->prefix) + rest.substr(1);
    id.data = "+" + subscriber_id(digits, index).data;
  } else if (all_digits(rest)) {
    std::string n = std::to_string(std::stoull(rest) + index);
    // Keep leading zeros of the base ("000123" -> "000124").
    id.data = n.size() < rest.size() ? std::string(rest.size() - n.size(), '0') + n : n;
  } else {
    size_t at = rest.find("{n}");
    id.data = rest.replace(at, 3, std::to_string(index));
  }
  return id;
}

Expected<LoadReport> run_load(gd::GyClient& client, const LoadOptions& options,
                              const std::function<void(const LoadProgress&)>& on_progress) {
  if (Status s = validate(options); !s) return s;
  Run run(client, options);
  LoadReport report = run.go(on_progress);
  run.wait_quiet();
  return report;
}

}  // namespace gyrate::sim
