// Plays the month: worker threads each own the subscribers of some accounts and send their
// sessions' CCRs in Event-Timestamp order; the workers meet at a barrier every step of simulated
// time, so no worker's clock runs ahead of another's by more than a step (a server driven by the
// requests' time sees time move forward together).
#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "gyrate/diameter/gy_time.hpp"
#include "gyrate/ruleslang/calendar.hpp"
#include "gyrate/sim/month.hpp"
#include "gyrate/sim/month_check.hpp"
#include "month_plan.hpp"
#include "month_session.hpp"

namespace gyrate::sim {
namespace {

namespace calendar = lang::calendar;
constexpr int64_t kDay = 86'400;
constexpr int64_t kNothingDue = std::numeric_limits<int64_t>::max();

// A session waiting for its next CCR (or, before it starts, its plan).
struct Due {
  int64_t at = 0;
  uint64_t seq = 0;  // ties keep the order they were planned in
  std::unique_ptr<PlannedSession> planned;
  std::unique_ptr<GySession> session;
};
bool later(const Due& a, const Due& b) { return a.at != b.at ? a.at > b.at : a.seq > b.seq; }

// The subscribers one worker plays, and their state across days.
struct Slice {
  std::vector<size_t> subscribers;
  std::vector<MonthRandom> random;  // one stream per subscriber of the slice
  std::vector<Due> due;             // a heap: the earliest first
  uint64_t seq = 0;
  std::vector<uint64_t> sessions;   // per population subscriber: Session-Id counter
  // Per population subscriber and service (llm, data): the day a denial or a final-unit
  // indication stopped it (that service starts no new session that day), or -1.
  std::vector<int> stopped_day;
  std::vector<uint32_t> top_ups;  // per population subscriber: packs bought this month

  void push(Due d) {
    d.seq = seq++;
    due.push_back(std::move(d));
    std::push_heap(due.begin(), due.end(), later);
  }
  Due pop() {
    std::pop_heap(due.begin(), due.end(), later);
    Due d = std::move(due.back());
    due.pop_back();
    return d;
  }
};

class MonthRun {
 public:
  MonthRun(const Exchange& exchange, const Population& population, const MonthOptions& options,
           int64_t first_day, int days)
      : exchange_(exchange), population_(population), options_(options), first_day_(first_day),
        days_(days), context_{exchange_, options_, ccrs_, errors_, midnight(0), days},
        session_tag_(!options.session_tag.empty()
                         ? options.session_tag
                         : std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count())) {
    report_.subscribers.resize(population.subscribers.size());
    for (size_t i = 0; i < population.subscribers.size(); ++i) {
      const SimSubscriber& s = population.subscribers[i];
      SubscriberMonth& m = report_.subscribers[i];
      m.id = s.id;
      m.account = s.account;
      m.plan = s.plan;
      m.group = s.group;
      m.identity = identity_text(s.identity);
      m.daily.resize(static_cast<size_t>(days));
    }
    if (options_.refusal_of) {
      context_.refused = [this](const std::string& subscriber, int64_t at, int64_t retry) {
        std::optional<RefusalView> view = options_.refusal_of(subscriber);
        std::lock_guard lock(live_mutex_);
        if (!view) {
          ++live_.skipped;
          return;
        }
        check_refusal(subscriber, at, retry, population_.utc_offset_minutes, *view, live_);
      };
    }
  }

  Expected<MonthReport> run() {
    auto started = std::chrono::steady_clock::now();
    std::vector<Slice> slices = make_slices();
    int steps_per_day = static_cast<int>(kDay / options_.step_seconds);
    int steps = days_ * steps_per_day;
    // Steps where no worker has anything due are skipped (but every day's first step plans it):
    // each worker tells the barrier when its next CCR is due, and the barrier's completion picks
    // the next step for all.
    std::vector<int64_t> earliest(slices.size());
    int step = 0;
    auto end_of_step = [&]() noexcept {
      int64_t at = *std::min_element(earliest.begin(), earliest.end());
      int next_day = (step / steps_per_day + 1) * steps_per_day;
      int next = next_day;
      if (at != kNothingDue) {
        next = static_cast<int>(std::min<int64_t>((at - midnight(0)) / options_.step_seconds,
                                                  next_day));
      }
      next = std::min(std::max(next, step + 1), steps);
      for (int day = step / steps_per_day + 1; day <= next / steps_per_day && day <= days_; ++day) {
        report_progress(day, started);
      }
      step = next;
    };
    std::barrier step_done(static_cast<std::ptrdiff_t>(slices.size()), end_of_step);
    std::vector<std::thread> workers;
    for (size_t w = 0; w < slices.size(); ++w) {
      workers.emplace_back([&, w, steps, steps_per_day] {
        Slice& slice = slices[w];
        int k = 0;
        while (k < steps) {
          if (k % steps_per_day == 0) plan(slice, k / steps_per_day);
          play_until(slice, midnight(0) + int64_t{k + 1} * options_.step_seconds);
          earliest[w] = slice.due.empty() ? kNothingDue : slice.due.front().at;
          step_done.arrive_and_wait();
          k = step;  // written by the completion, which happens before the wait returns
        }
        // Sessions still open at the end of the month end at its last second (a CCR in the next
        // month would open the next period on the server: its fee would land in this bill).
        cut_at(slice, midnight(days_) - 1);
        play_until(slice, kNothingDue);
      });
    }
    for (std::thread& t : workers) t.join();
    if (aborted()) {
      return Status::error(ErrorCode::kUnavailable,
                           std::to_string(errors_.load()) +
                               " exchanges got no answer: the month was stopped");
    }
    report_.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    finish_report();
    return std::move(report_);
  }

 private:
  void report_progress(int day, std::chrono::steady_clock::time_point started) {
    if (!options_.progress) return;
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    MonthProgress p;
    p.day = day;
    p.days = days_;
    p.ccrs = ccrs_.load();
    p.denials = context_.denials.load();
    p.final_units = context_.final_units.load();
    p.ccr_per_second = seconds > 0 ? static_cast<double>(p.ccrs) / seconds : 0;
    options_.progress(p);
  }

  bool aborted() const { return errors_.load(std::memory_order_relaxed) > options_.max_errors; }

  static std::string identity_text(const diameter::SubscriptionId& id) {
    switch (id.type) {
      case diameter::SubscriptionIdType::kEndUserImsi: return "imsi:" + id.data;
      case diameter::SubscriptionIdType::kEndUserNai: return "nai:" + id.data;
      default: return "e164:" + id.data;
    }
  }

  // Accounts go to workers round robin, so a team's members share a worker (their pooled balance
  // then sees their requests in time order).
  std::vector<Slice> make_slices() {
    std::map<std::string, size_t> account_worker;
    size_t accounts = 0;
    for (const SimSubscriber& s : population_.subscribers) {
      if (account_worker.emplace(s.account, accounts).second) ++accounts;
    }
    size_t n = std::clamp<size_t>(static_cast<size_t>(std::max(1, options_.threads)), 1,
                                  std::max<size_t>(accounts, 1));
    std::vector<Slice> slices(n);
    for (size_t i = 0; i < population_.subscribers.size(); ++i) {
      Slice& slice = slices[account_worker[population_.subscribers[i].account] % n];
      slice.subscribers.push_back(i);
      slice.random.emplace_back(options_.seed, i);
    }
    for (Slice& slice : slices) {
      slice.sessions.assign(population_.subscribers.size(), 0);
      slice.top_ups.assign(population_.subscribers.size(), 0);
      slice.stopped_day.assign(population_.subscribers.size() * 2, -1);
    }
    return slices;
  }

  int64_t midnight(int day) const {
    return (first_day_ + day) * kDay - int64_t{population_.utc_offset_minutes} * 60;
  }

  // Drops the sessions not started yet and makes the others' next CCR their CCR-T, at `at`.
  void cut_at(Slice& slice, int64_t at) {
    std::vector<Due> open;
    while (!slice.due.empty()) {
      Due d = slice.pop();
      if (!d.session) continue;
      d.session->cut(at);
      d.at = at;
      open.push_back(std::move(d));
    }
    for (Due& d : open) slice.push(std::move(d));
  }

  // Draws the day's sessions of the slice's subscribers and queues their starts.
  void plan(Slice& slice, int day) {
    std::vector<PlannedSession> today;
    int weekday = calendar::weekday_from_days(first_day_ + day) - 1;
    for (size_t k = 0; k < slice.subscribers.size(); ++k) {
      size_t i = slice.subscribers[k];
      const PopulationGroup& group = population_.groups[population_.subscribers[i].profile];
      if (first_day_ + day < group.from_day) continue;  // not a subscriber yet
      plan_day(group, i, slice.random[k], midnight(day), weekday, today);
    }
    for (PlannedSession& s : today) {
      Due d;
      d.at = s.start;
      d.planned = std::make_unique<PlannedSession>(std::move(s));
      slice.push(std::move(d));
    }
  }

  int day_of(int64_t t) const {
    return static_cast<int>((t + int64_t{population_.utc_offset_minutes} * 60) / kDay - first_day_);
  }

  // Sends the slice's CCRs due before `end`, in time order. A session that a denial or a
  // final-unit indication stopped keeps its subscriber from starting that service again that day.
  void play_until(Slice& slice, int64_t end) {
    while (!slice.due.empty() && slice.due.front().at < end && !aborted()) {
      Due d = slice.pop();
      if (d.planned) {
        size_t i = d.planned->subscriber;
        int day = day_of(d.planned->start);
        size_t flag = i * 2 + (d.planned->data ? 1 : 0);
        if (slice.stopped_day[flag] == day) continue;
        const SimSubscriber& sub = population_.subscribers[i];
        std::string session_id = options_.origin_host + ";" + session_tag_ + ";" +
                                 std::to_string(i) + "." + std::to_string(slice.sessions[i]++);
        d.session = std::make_unique<GySession>(context_, std::move(*d.planned), sub,
                                                population_.groups[sub.profile],
                                                std::move(session_id),
                                                report_.subscribers[i]);
        d.planned.reset();
      }
      std::optional<int64_t> next = d.session->step();
      if (next) {
        d.at = std::max(*next, d.at);
        slice.push(std::move(d));
      } else if (d.session->end() == SessionEnd::kStopped && !top_up(slice, *d.session)) {
        slice.stopped_day[d.session->subscriber() * 2 + (d.session->data() ? 1 : 0)] =
            d.session->stopped_day();
      }
    }
  }

  // A subscriber sent to the top-up page buys its group's pack, while it has top-ups left this
  // month, and goes on (T1). True when it bought one.
  bool top_up(Slice& slice, const GySession& session) {
    size_t i = session.subscriber();
    const SimSubscriber& sub = population_.subscribers[i];
    const TopUp& t = population_.groups[sub.profile].top_up;
    if (!session.redirected() || !options_.buy_pack || slice.top_ups[i] >= t.times) return false;
    std::string order = session_tag_ + "-" + sub.id + "-" + std::to_string(slice.top_ups[i]++);
    std::optional<int64_t> charged = options_.buy_pack(sub.id, t.pack, order);
    if (!charged) return false;
    Usage& u = report_.subscribers[i].usage;
    ++u.packs;
    u.pack_money += *charged;
    return true;
  }

  // The account's bill for the month: the fee of its period that started in the month (none
  // when it started before, or starts after: an activation to come), and that period's spend.
  Bill month_bill(const AccountState& a) const {
    Bill b;
    b.currency = a.currency;
    b.spend = a.spend;
    bool in_month = a.period_start >= midnight(0) && a.period_start < midnight(days_);
    b.fees_charged = in_month ? a.last_fee : 0;
    return b;
  }

  std::optional<Bill> bill_of(const std::string& account) {
    if (!options_.account_of) return options_.bill_of(account);
    std::optional<AccountState> state = options_.account_of(account);
    if (!state) return std::nullopt;
    check_account(account, *state, report_.consistency);
    return month_bill(*state);
  }

  void finish_report() {
    report_.consistency.add(live_);
    std::map<std::string, size_t> plan_index;
    std::map<std::string, bool> account_seen;
    for (const SubscriberMonth& m : report_.subscribers) {
      auto [it, added] = plan_index.emplace(m.plan, report_.plans.size());
      if (added) {
        PlanMonth p;
        p.plan = m.plan;
        p.daily.resize(static_cast<size_t>(days_));
        report_.plans.push_back(std::move(p));
      }
      PlanMonth& p = report_.plans[it->second];
      ++p.subscribers;
      p.usage.add(m.usage);
      p.daily.add(m.daily);
      report_.total.add(m.usage);
      if ((!options_.bill_of && !options_.account_of) ||
          !account_seen.emplace(m.account, true).second) {
        continue;
      }
      std::optional<Bill> bill = bill_of(m.account);
      if (!bill) continue;
      report_.bills.push_back({m.account, m.plan, *bill});
      if (!p.revenue) p.revenue = Bill{0, 0, bill->currency};
      p.revenue->spend += bill->spend;
      p.revenue->fees_charged += bill->fees_charged;
    }
  }

  const Exchange& exchange_;
  const Population& population_;
  const MonthOptions& options_;
  int64_t first_day_;
  int days_;
  std::atomic<uint64_t> ccrs_{0};
  std::atomic<uint64_t> errors_{0};
  SessionContext context_;
  std::string session_tag_;
  MonthReport report_;
  std::mutex live_mutex_;  // the workers' refusals meet in live_
  Consistency live_;
};

}  // namespace

Expected<MonthReport> run_month(const Exchange& exchange, const Population& population,
                                const MonthOptions& options) {
  calendar::CivilDate start{options.start_year, options.start_month, options.start_day};
  if (!calendar::is_valid(start)) {
    return Status::error(ErrorCode::kInvalidArgument, "the start date is not a calendar date");
  }
  int64_t first_day = calendar::days_from_civil(start);
  int days = options.days;
  if (days == 0) {  // to the same day of the next month (the 31st: the next month's last day)
    int64_t year = start.month == 12 ? start.year + 1 : start.year;
    int month = start.month == 12 ? 1 : start.month + 1;
    int64_t day = calendar::anchored_day_in_month(year, month, start.day);
    days = static_cast<int>(calendar::days_from_civil({year, month, static_cast<int>(day)}) -
                            first_day);
  }
  if (options.step_seconds < 1 || options.step_seconds > 3600 ||
      kDay % options.step_seconds != 0) {
    return Status::error(ErrorCode::kInvalidArgument, "step_seconds must divide a day (1..3600)");
  }
  if (days < 1 || days > 366) {
    return Status::error(ErrorCode::kInvalidArgument, "days must be 1..366");
  }
  int64_t last = (first_day + days) * kDay + kDay;
  if (!diameter::ntp_from_unix(first_day * kDay - kDay) || !diameter::ntp_from_unix(last)) {
    return Status::error(ErrorCode::kInvalidArgument,
                         "the month lies outside what Event-Timestamp can carry");
  }
  if (population.subscribers.empty()) {
    return Status::error(ErrorCode::kInvalidArgument, "the population has no subscribers");
  }
  MonthRun run(exchange, population, options, first_day, days);
  Expected<MonthReport> report = run.run();
  if (report) {
    char date[16];
    std::snprintf(date, sizeof date, "%04lld-%02d-%02d", static_cast<long long>(start.year),
                  start.month, start.day);
    report->start_date = date;
    report->days = days;
    report->utc_offset_minutes = population.utc_offset_minutes;
    report->seed = options.seed;
  }
  return report;
}

}  // namespace gyrate::sim
